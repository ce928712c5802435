"""The server's privacy defaults in .streamlit/config.toml."""

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_the_server_is_private_by_default():
    config = tomllib.loads(CONFIG.read_text())
    # Bound to this machine: Streamlit then neither exposes the app on the network nor
    # looks up the machine's public IP (a request to checkip.amazonaws.com).
    assert config["server"]["address"] == "localhost"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableStaticServing"] is True  # Leaflet from this machine
