"""The export panel in a real browser: the download button yields a valid figure."""

import io
import re

import pytest
from PIL import Image

from tests.browser.conftest import MAP_FRAME, App
from tests.browser.test_map_page import LEAFLET_MAP

pytestmark = pytest.mark.browser


def test_download_button_yields_a_valid_png(page, app_url, artifacts):
    app = App(page, app_url)
    app.open("?radius_km=40")
    page.get_by_text("Export for publication").click()
    button = page.get_by_role("button", name="Download PNG (16x9)")
    button.wait_for()
    with page.expect_download(timeout=120_000) as download:
        button.click()
    data = open(download.value.path(), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    assert image.size == (3200, 1800)  # 1600 x 900 at 2x for screens
    assert download.value.suggested_filename == "footprint-16x9-40km.png"
    (artifacts / "export-16x9.png").write_bytes(data)


def test_preview_shows_the_figure_before_download(page, app_url, artifacts):
    app = App(page, app_url)
    app.open("?radius_km=40")
    page.get_by_text("Export for publication").click()
    title = page.get_by_role("textbox", name="Title", exact=True)
    title.fill("Preview title")
    title.press("Enter")
    page.get_by_role("button", name="Preview").click()
    image = page.locator('[data-testid="stImage"] img')
    image.wait_for(timeout=120_000)
    assert image.evaluate("img => img.naturalWidth") >= 700  # a real, decoded PNG
    page.screenshot(path=str(artifacts / "export-preview.png"), full_page=True)


def test_an_export_follows_the_zoomed_view_and_the_layers_ticked_on_the_map(page, app_url,
                                                                           artifacts):
    """An editor zooms to the north-west, unticks the flights in the map's own layer
    switcher and downloads: the figure is drawn from that view and those layers."""
    app = App(page, app_url)
    frame = app.open()
    name = frame.evaluate(LEAFLET_MAP)
    frame.evaluate("name => window[name].setView([10.8, -69.8], 7, {animate: false})", name)
    page.wait_for_function("() => new URLSearchParams(location.search).get('view') === "
                           "'10.8000,-69.8000,7'", timeout=20_000)
    app.wait()
    switcher = page.frame_locator(MAP_FRAME).locator(".leaflet-control-layers")
    switcher.hover()
    switcher.locator(".leaflet-control-layers-overlays label",
                     has_text="Documented flights").locator("input").click()
    sidebar = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSidebar\"] "
        "[data-testid=\"stMultiSelect\"]').innerText.includes('Documented flights')",
        timeout=20_000)
    app.wait()
    assert "Sightings" in sidebar.inner_text()  # the others stay ticked
    west, south, east, north = frame.evaluate(
        "name => { const b = window[name].getBounds(); "
        "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }", name)

    page.get_by_text("Export for publication").click()
    caption = page.get_by_text(re.compile(r"^West -?\d"))
    caption.wait_for()
    assert caption.inner_text() == (f"West {west:.2f}, south {south:.2f}, east {east:.2f}, "
                                    f"north {north:.2f} (degrees)")
    button = page.get_by_role("button", name="Download PNG (16x9)")
    with page.expect_download(timeout=120_000) as download:
        button.click()
    data = open(download.value.path(), "rb").read()
    image = Image.open(io.BytesIO(data))
    drawn = [float(value) for value in image.info["Extent"].split()]
    assert drawn == pytest.approx([west, south, east, north], abs=1e-3)
    assert image.info["Layers"] == "orinoco_mining_arc, facilities, sightings"
    (artifacts / "export-north-west.png").write_bytes(data)
