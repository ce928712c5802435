"""Serve Leaflet and jQuery from this machine, never from a CDN.

The files come from the XStatic packages (pinned in requirements.txt) and are copied into
``static/vendor/`` where Streamlit serves them at ``/app/static/vendor/...``
(``server.enableStaticServing`` in ``.streamlit/config.toml``). The map iframe is
same-origin with the app, so it loads them from there.

The live map's basemap (:mod:`mapview.basemap`) is written to ``static/basemap/`` too.
``python -m mapview.assets`` copies them (``make run`` and ``make test`` do this).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import xstatic.pkg.jquery as xjquery
import xstatic.pkg.leaflet as xleaflet

from mapview.basemap import live_url, write_live_basemap

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"
BASEMAP = STATIC / "basemap"
URL_PREFIX = "/app/static"

#: (name, url) pairs in load order, replacing folium's CDN defaults.
JS = [
    ("leaflet", f"{URL_PREFIX}/vendor/leaflet/leaflet.js"),
    ("jquery", f"{URL_PREFIX}/vendor/jquery/jquery.min.js"),
    ("footprint", f"{URL_PREFIX}/footprint-map.js"),
]
CSS = [
    ("leaflet_css", f"{URL_PREFIX}/vendor/leaflet/leaflet.css"),
    ("footprint_css", f"{URL_PREFIX}/footprint-map.css"),
]


def install_assets(target: Path = VENDOR) -> list[Path]:
    """Copy the vendored scripts and styles into ``target``; returns what was written."""
    leaflet = Path(xleaflet.BASE_DIR)
    jquery = Path(xjquery.BASE_DIR)
    copies = {
        leaflet / "leaflet.js": target / "leaflet/leaflet.js",
        leaflet / "leaflet.css": target / "leaflet/leaflet.css",
        jquery / "jquery.min.js": target / "jquery/jquery.min.js",
    }
    for image in (leaflet / "images").iterdir():
        copies[image] = target / "leaflet/images" / image.name
    # The app's font for popups (Source Sans, SIL Open Font Licence, in Streamlit's build).
    # (found without importing streamlit: this module serves the command line too)
    media = Path(importlib.util.find_spec("streamlit").origin).parent / "static/static/media"
    for style in ("upright", "italic"):
        found = sorted(media.glob(f"SourceSansVF-{style.capitalize()}*.woff2"))
        if found:
            copies[found[0]] = target / f"fonts/source-sans-{style}.woff2"
    for source, destination in copies.items():
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.exists() or destination.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, destination)
    return [*copies.values(), write_live_basemap(BASEMAP)]


def assets_installed(target: Path = VENDOR) -> bool:
    """Vendored scripts present, and the live basemap of the current data."""
    return ((target / "leaflet/leaflet.js").exists()
            and (target / "jquery/jquery.min.js").exists()
            and (STATIC / live_url("").lstrip("/")).exists())


if __name__ == "__main__":
    for path in install_assets():
        print(path.relative_to(ROOT))
