"""Start the app: ``python -m ui.serve [streamlit options]`` (what ``make run`` does).

Streamlit treats a ``pages/`` folder beside the main script as its older, folder-based
navigation until ``st.navigation`` has run once in the server, so the very first visit to a
deep link (``/analysis``) would bypass the frame and show "Page not found". Footprint uses
``st.navigation`` only, so this switches the folder mode off before the server starts.
A plain ``streamlit run app.py`` works too; only that first deep link differs.
"""

from __future__ import annotations

import gc
import logging
import socket
import subprocess
import sys
import threading
import time
import urllib.request

#: What a visitor's first run needs, imported and loaded by :func:`warm_up` while the browser
#: is still fetching Streamlit's page (otherwise the first run spends about a second on it).
#: Never a module that declares a Streamlit component at import (streamlit_folium): outside
#: a script run the declaration is not registered, and the map would be "Component not found".
WARM_MODULES = ("ui.workspace", "ui.state", "ui.compute", "ui.export_panel", "ui.present",
                "mapview.build", "analysis.report")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for test and benchmark servers)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a server started by a test or a benchmark: SIGTERM, then SIGKILL after
    ``timeout`` seconds; returns once it has exited."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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


def _serving(runtime) -> bool:
    """Whether Streamlit's runtime has started (its server answers from then on)."""
    from streamlit.runtime.runtime import RuntimeState

    return runtime.exists() and runtime.instance().state != RuntimeState.INITIAL


def warm_up(wait_s: float = 60.0) -> None:
    """Import the app's modules and load the shipped layers into the shared cache, once
    Streamlit's runtime has started (so that the server's start is not slowed). Best effort: a
    failure here is the first run's to report, with its banner."""
    from importlib import import_module

    from streamlit.runtime import Runtime

    deadline = time.monotonic() + wait_s
    while not _serving(Runtime) and time.monotonic() < deadline:
        time.sleep(0.02)
    # Streamlit warns "missing ScriptRunContext" when a cached loader runs outside a
    # script: expected here, so not printed.
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        for name in WARM_MODULES:
            import_module(name)
        from analysis import nulls
        from mapview.assets import assets_installed
        from ui.data import shipped
        from ui.i18n import number

        shipped()
        nulls.venezuelan_towns()
        assets_installed()  # reads the live basemap once (its hashed file name)
        for language in ("en", "es", "ru"):
            number(1.5, language=language)  # Babel's locale data
    except Exception:  # noqa: BLE001 - reported by the first run, which loads them again
        pass
    finally:
        quiet.setLevel(level)
    # The libraries and the shared data live as long as the server: moved out of the
    # collector's generations, so that a full collection only walks what sessions made.
    gc.collect()
    gc.freeze()


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    allow_long_addresses()
    threading.Thread(target=warm_up, name="footprint-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", "app.py", *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
