"""The export panel in a real browser: the download button yields a valid figure."""

import io

import pytest
from PIL import Image

from tests.browser.conftest import App

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
