"""Start the app: ``python -m ui.serve [streamlit options]`` (what ``make run`` does).

Streamlit treats a ``pages/`` folder beside the main script as its older, folder-based
navigation until ``st.navigation`` has run once in the server, so the very first visit to a
deep link (``/analysis``) would bypass the frame and show "Page not found". Footprint uses
``st.navigation`` only, so this switches the folder mode off before the server starts.
A plain ``streamlit run app.py`` works too; only that first deep link differs.
"""

from __future__ import annotations

import socket
import sys
import urllib.request


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for test and benchmark servers)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str, timeout: float = 2) -> bool:
    """Whether the Streamlit server at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


#: The longest request head the server reads (uvicorn's h11 default is 16 KiB): a longer
#: address got a bare "400 Bad Request" and a blank page before the app could say anything.
#: With this, addresses up to 256 KiB reach the app, which refuses over-long parameters with
#: a notice (ui.state.check_url_lengths).
MAX_REQUEST_HEAD_BYTES = 262_144


def allow_long_addresses() -> bool:
    """Raise the server's request-head limit; False when this Streamlit has no such hook
    (then long addresses still get the server's 400)."""
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError:
        return False
    original = getattr(starlette_server, "_get_uvicorn_config_kwargs", None)
    if original is None or getattr(original, "_footprint", False):
        return original is not None

    def kwargs():
        return {**original(), "h11_max_incomplete_event_size": MAX_REQUEST_HEAD_BYTES}

    kwargs._footprint = True
    starlette_server._get_uvicorn_config_kwargs = kwargs
    return True


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    allow_long_addresses()
    sys.argv = ["streamlit", "run", "app.py", *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
