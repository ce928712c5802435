"""The HTML embed in Chromium from file://, every network request refused.

The shipped story is exported once; each test opens it (alone, or inside an iframe of an
editor's test page) on a phone-sized and a desktop viewport, counts the story features
Leaflet drew, and checks that nothing was asked of any server. Hostile text is clicked
through and never runs.
"""

import pytest

import exports
import figures
from mapview.build import MapState
from tests.hostile import hostile_sightings_geojson

pytestmark = pytest.mark.browser
VIEWPORTS = {"phone": (390, 844), "desktop": (1440, 900)}
#: Story features drawn by Leaflet (each carries the pre-escaped ``fp_id``).
COUNT_FEATURES = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let count = 0;
  map.eachLayer(l => { const p = l.feature && l.feature.properties;
                       if (p && p.fp_id !== undefined) count += 1; });
  return count;
}"""
MAP_READY = ".leaflet-container[data-fp-basemap=ready] path.leaflet-interactive"


@pytest.fixture(scope="module")
def frames():
    return figures.default_frames()


@pytest.fixture(scope="module")
def embed(frames, tmp_path_factory):
    path = tmp_path_factory.mktemp("embed") / "story-map.html"
    exports.write(path, None, frames, MapState())
    return path


def offline_context(browser, viewport):
    """A context where only file:, data: and about: addresses load; returns it with the
    list of refused requests."""
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    refused = []

    def route(request_route):
        url = request_route.request.url
        if url.split(":", 1)[0] in ("file", "data", "about"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    context.route("**/*", route)
    return context, refused


def open_page(context, url):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page, errors


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_embed_draws_every_feature_offline_and_fills_the_width(browser, embed, frames,
                                                               viewport, artifacts):
    context, refused = offline_context(browser, viewport)
    page, errors = open_page(context, embed.as_uri())
    page.wait_for_selector(MAP_READY, state="attached")
    expected = sum(len(frames[name]) for name in MapState().visible_layers)
    assert page.evaluate(COUNT_FEATURES) == expected
    assert refused == [] and errors == []
    width, height = VIEWPORTS[viewport]
    box = page.locator(".folium-map").bounding_box()
    assert box["width"] == width
    assert box["height"] >= 0.5 * height  # the map is most of the first screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways
    for selector in (".fpe-head h1", ".fpe-result", ".fpe-caveat", ".fpe-credits",
                     ".fp-legend", ".leaflet-control-scale", ".leaflet-control-zoom"):
        assert page.locator(selector).is_visible(), selector
    assert int(page.get_attribute(".leaflet-container", "data-fp-labels")) > 0
    page.locator("path.leaflet-interactive").last.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content .fp-popup")
    popup.wait_for()
    assert "Sources" in popup.inner_text()
    page.screenshot(path=str(artifacts / f"embed-{viewport}.png"))
    context.close()


def test_embed_works_inside_an_iframe_of_a_story_page(browser, embed, frames, tmp_path):
    story = tmp_path / "story.html"
    story.write_text(f"""<!DOCTYPE html><html><head><meta name="viewport"
        content="width=device-width"></head><body><h1>A story</h1><p>Text.</p>
        <iframe src="{embed.as_uri()}" title="map" style="width:100%;height:600px;border:0">
        </iframe><p>More text.</p></body></html>""", "utf-8")
    context, refused = offline_context(browser, "phone")
    page, errors = open_page(context, story.as_uri())
    frame = page.frame_locator('iframe[title="map"]')
    frame.locator(MAP_READY).first.wait_for(state="attached")
    inner = next(f for f in page.frames if f.url == embed.as_uri())
    expected = sum(len(frames[name]) for name in MapState().visible_layers)
    assert inner.evaluate(COUNT_FEATURES) == expected
    assert refused == [] and errors == []
    context.close()


def test_embed_shows_the_chosen_layers_and_view(browser, frames, tmp_path):
    path = tmp_path / "north-west.html"
    bounds = (-72.5, 9.5, -67.0, 12.5)
    exports.write(path, None, frames, MapState(visible_layers=("facilities", "sightings")),
                  bounds=bounds)
    context, refused = offline_context(browser, "desktop")
    page, _ = open_page(context, path.as_uri())
    page.wait_for_selector(MAP_READY, state="attached")
    assert page.evaluate(COUNT_FEATURES) == len(frames["facilities"]) + len(frames["sightings"])
    page.wait_for_selector(".leaflet-container[data-fp-fitted]", state="attached")
    view = page.evaluate("""() => {
        const b = Object.values(window).find(v => v instanceof L.Map).getBounds();
        return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }""")
    west, south, east, north = bounds
    assert view[0] <= west and view[1] <= south and view[2] >= east and view[3] >= north
    assert view[2] - view[0] < 2.5 * (east - west)  # zoomed on the box, not all Venezuela
    assert refused == []
    context.close()


def test_hostile_text_never_runs_in_the_embed(browser, frames, tmp_path):
    import geopandas as gpd

    sightings = gpd.GeoDataFrame.from_features(hostile_sightings_geojson()["features"],
                                               crs=4326)
    path = tmp_path / "hostile.html"
    title = "<img src=x onerror=\"window.__pwned='title'\">"
    exports.write(path, None, {**frames, "sightings": sightings}, MapState(), title=title,
                  simulations=99)
    context, refused = offline_context(browser, "desktop")
    page, errors = open_page(context, path.as_uri())
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.wait_for_selector(MAP_READY, state="attached")
    markers = page.locator("path.leaflet-interactive")
    for index in range(markers.count()):
        markers.nth(index).dispatch_event("mouseover")
        markers.nth(index).dispatch_event("click")
    assert page.locator(".fpe-head h1").inner_text() == title  # shown as text
    assert page.evaluate("window.__pwned") is None
    assert dialogs == [] and refused == []
    assert page.locator(".leaflet-popup-content img, .leaflet-popup-content script, "
                        ".fpe-head img, .fpe-head script").count() == 0
    context.close()
