"""Hostile payloads in a real headless Chromium: no script runs, the text shows literally.

The map is rendered to a standalone page (the same builder the app uses), served from
127.0.0.1 together with the vendored Leaflet, and every feature's popup and tooltip is
opened.
"""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import geopandas as gpd
import pytest

import layers
from mapview.assets import install_assets
from mapview.build import MapState, full_map
from tests.hostile import LONG, PAYLOADS, hostile_sightings_geojson

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory, chromium_path):
    """A folder served on 127.0.0.1 with /app/static/ and the hostile map page."""
    root = tmp_path_factory.mktemp("site")
    install_assets()
    shutil.copytree(ROOT / "static", root / "app" / "static")
    frames = {name: r.frame for name, r in layers.load_all().items()}
    frames["sightings"] = gpd.GeoDataFrame.from_features(
        hostile_sightings_geojson()["features"], crs=4326)
    state = MapState(selected_id=None, precision_rings=False, buffer_around="none",
                     visible_layers=("sightings",))
    (root / "map.html").write_text(full_map(frames, state).get_root().render(),
                                   encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def page(site, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(site) else route.abort())
    page.goto(f"{site}/map.html")
    page.wait_for_selector("path.leaflet-interactive")
    page.dialogs, page.errors = dialogs, errors
    yield page
    context.close()


OPEN_EVERYTHING = """() => {
    const map = Object.keys(window).filter(k => k.startsWith("map_"))
        .map(k => window[k]).find(v => v && typeof v.eachLayer === "function");
    const leaves = [];
    const walk = layer => {
        if (layer.feature && layer.getLatLng) { leaves.push(layer); return; }
        if (layer.eachLayer) layer.eachLayer(walk);
    };
    map.eachLayer(walk);
    const texts = [];
    for (const layer of leaves) {
        const at = {latlng: layer.getLatLng()};
        layer.fire("mouseover", at, true);
        const tooltip = document.querySelector(".leaflet-tooltip");
        texts.push(tooltip ? tooltip.textContent : "");
        layer.fire("mouseout", at, true);
        layer.fire("click", at, true);
        const popup = document.querySelector(".leaflet-popup-content");
        texts.push(popup ? popup.textContent : "");
        map.closePopup();
    }
    return texts;
}"""


def test_no_payload_runs_when_every_popup_and_tooltip_is_opened(page):
    assert page.locator("path.leaflet-interactive").count() == len(PAYLOADS) + 1
    texts = page.evaluate(OPEN_EVERYTHING)
    # Hovering and clicking a real marker as a person would, too.
    page.locator("path.leaflet-interactive").first.hover(force=True)
    page.locator("path.leaflet-interactive").first.click(force=True)
    assert len(texts) >= 2 * (len(PAYLOADS) + 1)
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.errors == []
    shown = "\n".join(texts)
    for name, payload in PAYLOADS.items():
        assert payload in shown, f"{name} is not shown literally"
    assert LONG[:200] in shown


def test_javascript_addresses_never_become_links(page):
    hrefs = page.evaluate(
        "Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and h.lower().startswith("javascript")]
    assert page.evaluate("window.__pwned") is None


def test_no_markup_from_the_data_reaches_the_document(page):
    for tag in ("script", "img", "svg circle", "b[onmouseover]"):
        injected = page.evaluate(
            f"Array.from(document.querySelectorAll('.leaflet-popup-content {tag}')).length")
        assert injected == 0, tag
