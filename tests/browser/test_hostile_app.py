"""Hostile payloads uploaded through the app: no script runs anywhere, text shows literally.

The payloads go through the real upload, then the Map page (folium popups and tooltips,
the proximity table, which renders Markdown) and the Sources page (captions).
"""

import json
import re

import pytest

from tests.browser.conftest import MAP_FRAME, App
from tests.hostile import PAYLOADS, hostile_sightings_geojson

pytestmark = pytest.mark.browser
HOSTILE_FILE_NAME = "<img src=x onerror=window.__pwned='file_name'>.geojson"


def _hostile_upload() -> bytes:
    collection = hostile_sightings_geojson()
    for feature in collection["features"]:
        for source in feature["properties"]["sources"]:
            source["url"] = None
    # A javascript: address loses its value (null, with a warning), not the feature.
    bad = json.loads(json.dumps(collection["features"][0]))
    bad["properties"]["id"] = "hostile-url-dropped"
    bad["properties"]["sources"][0]["url"] = "javascript:window.__pwned='url'"
    collection["features"].append(bad)
    return json.dumps(collection).encode()


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _no_payload_ran(page) -> None:
    assert page.evaluate("window.__pwned") is None
    for frame in page.frames:
        if frame.is_detached():
            continue
        assert frame.evaluate("window.__pwned") is None, frame.url


def test_hostile_upload_is_shown_literally_and_never_runs(page, app_url, artifacts):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    app = App(page, app_url)
    app.open("data", with_map=False)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": HOSTILE_FILE_NAME, "mimeType": "application/geo+json",
                "buffer": _hostile_upload()}])
    button = page.get_by_role("button", name=re.compile(r"Use these \d+ sightings"))
    button.wait_for()
    page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached")
    page.screenshot(path=str(artifacts / "hostile-upload.png"), full_page=True)
    kept = len(PAYLOADS) + 2  # one per payload, the long text, the one whose url is dropped
    assert f"Use these {kept} sightings" in button.inner_text()
    button.click()
    page.get_by_text("Added. The map and the analysis now use your sightings.").wait_for()
    uploads = page.get_by_text(f"{HOSTILE_FILE_NAME}: {kept} feature(s)")
    assert uploads.count() == 1  # the file name itself shown as text
    _no_payload_ran(page)

    # Map page in the same session: popups, tooltips and the Markdown table.
    page.get_by_role("link", name="Map").click()
    page.get_by_text(re.compile(r"sightings? lies? within")).first.wait_for()
    app.wait()
    page.locator('[data-testid="stTable"]').wait_for()
    table = _normalise(page.locator('[data-testid="stTable"]').inner_text())
    for name, payload in PAYLOADS.items():
        assert _normalise(payload) in table, f"{name} not shown literally in the table"
    frame = app.map_frame()
    markers = page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive")
    for index in range(markers.count()):
        markers.nth(index).dispatch_event("click")
    _no_payload_ran(page)
    injected = page.evaluate("""() => Array.from(document.querySelectorAll(
        '[data-testid="stTable"] img, [data-testid="stTable"] script,'
        + ' [data-testid="stTable"] svg')).map(e => e.outerHTML)""")
    assert injected == []
    # Markdown turns a bare http(s) address into a link (allowed: only http(s) become
    # links); nothing else does.
    hrefs = page.evaluate("""() => Array.from(document.querySelectorAll(
        '[data-testid="stTable"] a')).map(a => a.getAttribute('href'))""")
    assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert frame.evaluate("document.querySelectorAll('.leaflet-popup-content img,"
                          " .leaflet-popup-content script').length") == 0

    # Sources page: publishers, titles and quotes in captions.
    page.get_by_role("link", name="Sources & method").click()
    page.get_by_role("heading", name="Claims without a place").wait_for()
    app.wait(with_map=False)
    text = _normalise(page.locator('[data-testid="stMain"]').inner_text())
    for name, payload in PAYLOADS.items():
        at = text.find(payload[:8])
        assert _normalise(payload) in text, (name, text[at - 20:at + 200])
    _no_payload_ran(page)
    assert dialogs == []
    page.screenshot(path=str(artifacts / "hostile-sources.png"))
