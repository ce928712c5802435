"""What a person sees in a real headless Chromium: the map, its controls, the URL, no network.

Each test opens the running app (see conftest.py) in a fresh browser context.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about"}
PAGES = {"Map": "", "Analysis": "analysis", "Sources & method": "sources", "Data": "data"}
SLIDER = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]' \
         '[aria-label="Buffer radius (km)"]'

#: The Leaflet map object of the iframe, found by its methods (folium names it map_<hash>).
LEAFLET_MAP = """() => {
  for (const name of Object.keys(window)) {
    try {
      const value = window[name];
      if (value && typeof value.getZoom === 'function' && typeof value.getCenter === 'function'
          && typeof value.eachLayer === 'function') return name;
    } catch (error) { /* cross-origin or getter that throws */ }
  }
  return null;
}"""
VIEW = """name => { const map = window[name], c = map.getCenter();
  return {zoom: map.getZoom(), lat: c.lat, lng: c.lng}; }"""
VECTOR_PATHS = """() => Array.from(document.querySelectorAll(
    '.leaflet-overlay-pane path')).map(p => ({
  interactive: p.classList.contains('leaflet-interactive'),
  stroke: p.getAttribute('stroke'), dash: p.getAttribute('stroke-dasharray'),
  width: p.getBBox().width}))"""
TABLE = """() => Array.from(document.querySelectorAll('[data-testid="stTable"] tr'))
  .map(row => Array.from(row.querySelectorAll('th, td')).map(cell => cell.innerText.trim()))"""
RESULT_LINE = """() => { const p = Array.from(document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'))
  .find(s => /sightings? lies? within/.test(s.innerText));
  return p ? p.innerText : null; }"""
RESULT_BOLD = """() => { const p = Array.from(document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'))
  .find(s => /sightings? lies? within/.test(s.innerText));
  return !!(p && p.querySelector('strong')); }"""


def is_local(url: str) -> bool:
    """True for URLs served by this machine, or that need no network (data:, blob:...)."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


def features(layer: str) -> list[dict]:
    return json.loads((DATA / f"{layer}.geojson").read_text())["features"]


def proximity_table(page) -> list[dict]:
    header, *rows = page.evaluate(TABLE)
    return [dict(zip(header, row, strict=True)) for row in rows]


def leaflet_view(frame) -> dict:
    name = frame.evaluate(LEAFLET_MAP)
    assert name, "no Leaflet map object in the map iframe"
    return frame.evaluate(VIEW, name)


def mark_sighting(frame, sighting_id: str) -> str:
    """Tag the SVG path of one sighting's marker so a locator can click it."""
    found = frame.evaluate("""([name, id]) => { let found = false;
      window[name].eachLayer(layer => {
        const props = layer.feature && layer.feature.properties;
        if (props && props.fp_id === id && layer._path && layer.getLatLng) {
          layer._path.setAttribute('data-fp-test', id); found = true; } });
      return found; }""", [frame.evaluate(LEAFLET_MAP), sighting_id])
    assert found, f"no marker for sighting {sighting_id!r} in the map"
    return f'path[data-fp-test="{sighting_id}"]'


# --------------------------------------------------------------------------- rendering
def test_map_renders_every_shipped_feature_with_no_network(app):
    blocked = []

    def only_local(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    app.page.context.route("**/*", only_local)
    frame = app.open()
    map_frame = app.page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    assert map_frame.locator(".leaflet-container").count() == 1
    assert map_frame.locator(".fp-legend").is_visible()
    assert "Legend" in map_frame.locator(".fp-legend").inner_text()

    story = sum(len(features(name)) for name in
                ("facilities", "sightings", "flights", "orinoco_mining_arc"))
    counted = [f for f in features("sightings") if f["properties"].get("category") == "sighting"
               and f["properties"].get("placement") != "at_facility"]  # as in the test
    ringed = [f for name in ("facilities", "sightings") for f in features(name)
              if (f["properties"].get("location_precision_km") or 0) > 0]
    frame.wait_for_selector('.leaflet-container[data-fp-basemap="ready"]')
    from mapview.basemap import live_basemap
    basemap = sum(len(layer["features"]) for layer in live_basemap()["layers"].values())
    paths = frame.evaluate(VECTOR_PATHS)
    interactive = [p for p in paths if p["interactive"]]
    assert len([p for p in interactive if p["dash"] is None]) == story
    assert len([p for p in interactive if p["dash"] == "6 4"]) == len(counted)  # buffers
    assert len([p for p in interactive if p["dash"] == "4 4"]) == len(ringed)  # precision
    assert len(interactive) == story + len(counted) + len(ringed)
    assert not [p for p in paths if not p["interactive"]]  # the basemap has panes of its own
    drawn = frame.evaluate("""() => ['fpLand', 'fpWater', 'fpBorders'].map(pane =>
        document.querySelectorAll('.leaflet-' + pane + '-pane path').length)""")
    assert sum(drawn) == basemap
    assert blocked == [], f"the page tried to reach the network: {blocked}"


@pytest.mark.parametrize("page_name", list(PAGES))
def test_no_request_leaves_this_machine(app, page_name):
    urls = []
    app.page.context.on("request", lambda request: urls.append(request.url))
    app.page.on("websocket", lambda socket: urls.append(socket.url))
    frame = app.open(PAGES[page_name], with_map=page_name == "Map")
    if frame is not None:  # open the layer switcher and a popup: they load nothing either
        map_frame = app.page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        map_frame.locator(".leaflet-control-layers").hover()
        map_frame.locator(".leaflet-control-layers-overlays").wait_for()
        map_frame.locator(mark_sighting(frame, "acarigua-bakery")).click()
        map_frame.locator(".leaflet-popup-content").first.wait_for()
        app.wait()
    app.wait_until_quiet()
    assert urls, "no request was recorded"
    assert [url for url in urls if not is_local(url)] == []


# --------------------------------------------------------------------------- the slider
def test_slider_updates_the_table_and_the_result_line_without_reloading_the_map(app):
    page = app.page
    frame = app.open()
    before_table, before_line = proximity_table(page), page.evaluate(RESULT_LINE)
    assert "within 50 km" in before_line
    assert "no" in [row["within radius"] for row in before_table]
    buffer_width = max(p["width"] for p in frame.evaluate(VECTOR_PATHS) if p["dash"] == "6 4")
    frame.evaluate("window.__fp_marker = 42")
    runs_before = app.states().count("running")

    page.locator(SLIDER).focus()
    page.keyboard.press("End")
    page.wait_for_function(f"() => ({RESULT_LINE})()?.includes('within 300 km')")
    app.wait()

    assert page.locator(SLIDER).input_value() == "300"
    after_table = proximity_table(page)
    assert [row["within radius"] for row in after_table] == ["yes"] * len(before_table)
    assert [row["sighting"] for row in after_table] == [row["sighting"] for row in before_table]
    assert page.evaluate(RESULT_LINE).startswith(f"{len(after_table)} of {len(after_table)} "
                                                 "independent sightings lie within 300 km")
    assert app.states().count("running") > runs_before  # the app did rerun...
    # ...but in the same iframe and window: only the dynamic layers were swapped.
    assert app.map_frame() == frame
    assert frame.evaluate("window.__fp_marker") == 42
    frame.wait_for_function(
        """w => Array.from(document.querySelectorAll('.leaflet-overlay-pane path'))
           .some(p => p.getAttribute('stroke-dasharray') === '6 4' && p.getBBox().width > w)""",
        arg=buffer_width * 4)


def test_pan_and_zoom_survive_a_slider_move(app):
    page = app.page
    frame = app.open()
    name = frame.evaluate(LEAFLET_MAP)
    start = leaflet_view(frame)
    page.frame_locator('iframe[title="streamlit_folium.st_folium"]') \
        .locator(".leaflet-control-zoom-in").click()
    frame.wait_for_function("([name, zoom]) => window[name].getZoom() > zoom",
                            arg=[name, start["zoom"]])
    frame.evaluate("name => window[name].panBy([120, -80], {animate: false})", name)
    moved = leaflet_view(frame)
    assert moved["zoom"] > start["zoom"] and moved["lng"] != start["lng"]

    page.locator(SLIDER).focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({RESULT_LINE})()?.includes('within 49 km')")
    app.wait()

    assert app.map_frame() == frame
    assert leaflet_view(frame) == pytest.approx(moved)


def test_panning_writes_the_view_to_the_url_without_reloading_the_map(app):
    page = app.page
    frame = app.open()
    name = frame.evaluate(LEAFLET_MAP)
    frame.evaluate("() => { window.__fp_same_map = true; }")
    frame.evaluate("name => window[name].setView([10.9, -69.6], 8, {animate: false})", name)
    page.wait_for_function("() => new URLSearchParams(location.search).get('view') === "
                           "'10.9000,-69.6000,8'", timeout=20_000)
    app.wait()
    map_frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    # Same iframe and the same Leaflet map: the base map was not rebuilt.
    assert map_frame.locator("body").evaluate("() => window.__fp_same_map === true")
    assert frame.evaluate("name => window[name].getZoom()", name) == 8


def test_the_map_names_its_places_and_the_orinoco(app):
    frame = app.open()
    frame.wait_for_selector('.leaflet-container[data-fp-basemap="ready"]')
    shown = frame.evaluate("""() => Array.from(document.querySelectorAll('.fp-label'))
        .filter(n => n.style.visibility === 'visible').map(n => n.dataset.fpLabel)""")
    for name in ("Caracas", "Coro", "Acarigua", "Ciudad Guayana (Puerto Ordaz)", "Maracaibo",
                 "Orinoco", "Caribbean Sea", "Colombia"):
        assert name in shown, (name, shown)
    # No two visible labels overlap.
    boxes = frame.evaluate("""() => Array.from(document.querySelectorAll('.fp-label'))
        .filter(n => n.style.visibility === 'visible' && !n.className.includes('river'))
        .map(n => { const r = n.querySelector('.fp-label-text').getBoundingClientRect();
                    return [r.left, r.top, r.right, r.bottom]; })""")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] - 1 and a[2] > b[0] + 1 and a[1] < b[3] - 1
                        and a[3] > b[1] + 1), (a, b)
    # None is cut by the map's edge.
    edge = frame.evaluate("() => { const r = document.querySelector('.leaflet-container')"
                          ".getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }")
    for box in boxes:
        assert (box[0] >= edge[0] - 1 and box[1] >= edge[1] - 1 and box[2] <= edge[2] + 1
                and box[3] <= edge[3] + 1), (box, edge)
    # More places appear when zooming in.
    before = int(frame.locator(".leaflet-container").get_attribute("data-fp-labels"))
    name = frame.evaluate(LEAFLET_MAP)
    frame.evaluate("name => window[name].setView([10.3, -67.5], 8, {animate: false})", name)
    frame.wait_for_function("n => +document.querySelector('.leaflet-container')"
                            ".dataset.fpLabels > n", arg=before // 2)
    shown = frame.evaluate("""() => Array.from(document.querySelectorAll('.fp-label'))
        .filter(n => n.style.visibility === 'visible').map(n => n.dataset.fpLabel)""")
    assert {"Maracay", "Valencia"} <= set(shown), shown
    # Closer still, the lake between them is named too.
    frame.evaluate("name => window[name].setView([10.2, -67.75], 9, {animate: false})", name)
    frame.wait_for_function("""() => Array.from(document.querySelectorAll('.fp-label'))
        .some(n => n.dataset.fpLabel === 'Lake Valencia' && n.style.visibility === 'visible')""")


def test_the_wheel_scrolls_the_page_until_the_map_is_clicked(app):
    page = app.page
    frame = app.open()
    name = frame.evaluate(LEAFLET_MAP)
    zoom = frame.evaluate("name => window[name].getZoom()", name)
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(600)
    assert frame.evaluate("name => window[name].getZoom()", name) == zoom
    assert frame.evaluate("name => window[name].scrollWheelZoom.enabled()", name) is False
    page.mouse.click(box["x"] + 40, box["y"] + box["height"] - 40)
    page.mouse.wheel(0, -400)
    frame.wait_for_function("a => window[a[0]].getZoom() > a[1]", arg=[name, zoom])


def test_reset_view_returns_to_venezuela(app):
    frame = app.open()
    name = frame.evaluate(LEAFLET_MAP)
    frame.evaluate("name => window[name].setView([11, -70], 9, {animate: false})", name)
    frame.locator('.fp-reset a[aria-label="Reset view"]').click()
    frame.wait_for_function("name => window[name].getZoom() < 7", arg=name)
    centre = frame.evaluate("name => window[name].getCenter()", name)
    assert 3 < centre["lat"] < 10 and -70 < centre["lng"] < -62


def test_small_buffers_get_a_zoom_hint(app):
    frame = app.open("?radius_km=5")
    frame.wait_for_selector(".leaflet-container[data-fp-small-buffers]", state="attached")
    assert "zoom in" in frame.locator(".fp-hint").inner_text()


# --------------------------------------------------------------------------- URL state
def test_radius_in_the_url_sets_the_slider_and_the_result_line(app):
    app.open("?radius_km=25")
    assert app.page.locator(SLIDER).input_value() == "25"
    assert "within 25 km" in app.page.evaluate(RESULT_LINE)


def test_combined_url_reproduces_the_highlighted_sighting(app):
    map_frame = app.page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    app.open("?radius_km=25&null=uniform&selected=coro-cumberland-hotel")
    line = app.page.evaluate(RESULT_LINE)
    assert "within 25 km" in line
    assert "random points anywhere in Venezuela (a weak comparison" in line
    assert not app.page.evaluate(RESULT_BOLD)  # the uniform null's result is never bold
    label = map_frame.locator(".fp-distance-label")
    label.wait_for()
    row = next(r for r in proximity_table(app.page) if r["sighting"].startswith("Coro"))
    short_name = row["nearest facility"].split(" (")[0]
    assert label.inner_text() == f"{row['distance (km)']} km to {short_name}"


def test_clicking_a_sighting_draws_the_line_to_its_nearest_facility(app):
    page = app.page
    frame = app.open()
    map_frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    assert map_frame.locator(".fp-distance-label").count() == 0
    map_frame.locator(mark_sighting(frame, "puerto-ordaz-hotel")).click()
    label = map_frame.locator(".fp-distance-label")
    label.wait_for()
    page.wait_for_url("**selected=puerto-ordaz-hotel**")
    app.wait()
    assert page.locator('[data-testid="stException"]').count() == 0
    row = next(r for r in proximity_table(page) if r["sighting"].startswith("Puerto Ordaz"))
    short_name = row["nearest facility"].split(" (")[0]
    assert label.inner_text() == f"{row['distance (km)']} km to {short_name}"
    # The map still shows Venezuela (the popup did not pan it away), the whole label is
    # inside the map, and the sighting's popup is open again after the rerun.
    view = leaflet_view(frame)
    assert 0 < view["lat"] < 13 and -74 < view["lng"] < -59, view
    box = frame.evaluate("""() => { const m = document.querySelector('.leaflet-container')
      .getBoundingClientRect(); const l = document.querySelector('.fp-distance-label')
      .getBoundingClientRect(); return [l.left - m.left, m.right - l.right,
      l.top - m.top, m.bottom - l.bottom]; }""")
    assert min(box) >= 0, box
    # (the popup closed by the rerun fades out for 0.2 s before it leaves the page)
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length === 1")
    assert "Puerto Ordaz" in map_frame.locator(".leaflet-popup-content").inner_text()


def test_an_unticked_overlay_stays_unticked_when_the_slider_moves(app):
    page = app.page
    frame = app.open()
    map_frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    rings = "() => Array.from(document.querySelectorAll('.leaflet-overlay-pane path'))" \
            ".filter(p => p.getAttribute('stroke-dasharray') === '4 4').length"
    assert frame.evaluate(rings) > 0
    map_frame.locator(".leaflet-control-layers").hover()
    map_frame.locator(".leaflet-control-layers-overlays label",
                      has_text="Location precision").locator("input").click()
    assert frame.evaluate(rings) == 0
    page.locator(SLIDER).focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({RESULT_LINE})()?.includes('within 49 km')")
    app.wait()
    frame.wait_for_function("() => document.querySelectorAll("
                            "'.leaflet-overlay-pane path[stroke-dasharray=\"6 4\"]').length > 0")
    assert frame.evaluate(rings) == 0
    unticked = frame.evaluate("""() => Array.from(document.querySelectorAll(
      '.leaflet-control-layers-overlays label')).filter(l => !l.querySelector('input').checked)
      .map(l => l.innerText.trim())""")
    assert unticked == ["Location precision"]


# --------------------------------------------------------------------------- screenshots
@pytest.mark.parametrize("page_name,file_name", [("Map", "app-map.png"),
                                                 ("Analysis", "app-analysis.png")])
def test_full_page_screenshot_is_saved(app, artifacts, page_name, file_name):
    app.open(PAGES[page_name], with_map=page_name == "Map")
    app.wait_until_quiet()
    assert app.page.locator('[data-testid="stException"]').count() == 0
    path: Path = app.screenshot(artifacts / file_name)
    assert path.stat().st_size > 20_000


def test_clicking_a_facility_at_a_sighting_s_point_does_not_select_the_sighting(app):
    """The Rosneft office and its guard share one point: a click on the office (its ring,
    outside the guard's smaller marker) opens the office and selects nobody."""
    page = app.page
    frame = app.open()
    map_frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    office = map_frame.locator(mark_sighting(frame, "rosneft-office-caracas"))
    box = office.bounding_box()
    office.click(position={"x": 2, "y": box["height"] / 2})  # the ring, not the centre
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length >= 1")
    assert "Rosneft office" in map_frame.locator(".leaflet-popup-content").last.inner_text()
    page.wait_for_timeout(1500)  # a selection would rerun the app and change the URL
    app.wait()
    assert "selected=" not in page.url
    assert map_frame.locator(".fp-distance-label").count() == 0
    # The guard itself (the marker in the centre) still selects the guard.
    map_frame.locator(mark_sighting(frame, "rosneft-office-guard")).click()
    page.wait_for_url("**selected=rosneft-office-guard**")


def test_the_selected_sighting_s_row_stands_out_in_the_table(app):
    app.open("?selected=acarigua-bakery")
    styles = app.page.evaluate("""() => Array.from(document.querySelectorAll(
        '[data-testid="stTable"] tbody tr')).map(row => { const cell = row.querySelector('td');
        const style = getComputedStyle(cell); return [cell.innerText.trim(),
        style.backgroundColor, style.fontWeight]; })""")
    selected = [s for s in styles if s[0].startswith("Acarigua")]
    others = [s for s in styles if not s[0].startswith("Acarigua")]
    assert selected and selected[0][1] == "rgb(255, 243, 196)" and selected[0][2] == "700"
    assert others and all(s[1] != "rgb(255, 243, 196)" and s[2] != "700" for s in others)


def test_unticking_every_story_layer_on_the_map_empties_the_sidebar_s_layers(app):
    page = app.page
    frame = app.open()
    switcher = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(
        ".leaflet-control-layers")
    layers = '[data-testid="stSidebar"] [data-testid="stMultiSelect"]'
    for name in ("Orinoco Mining Arc", "Documented flights", "Facilities",
                 "Sightings of Russian"):
        switcher.hover()
        box = switcher.locator(".leaflet-control-layers-overlays label", has_text=name).first
        box.locator("input").click()
        app.wait()
    page.wait_for_function(
        "s => !/orinoco|flights|facilities|sightings/.test(document.querySelector(s)"
        ".innerText)", arg=layers, timeout=20_000)
    app.wait()
    drawn = frame.evaluate("""name => { let n = 0; window[name].eachLayer(l => {
        const p = l.feature && l.feature.properties; if (p && p.fp_id) n += 1; });
        return n; }""", frame.evaluate(LEAFLET_MAP))
    assert drawn == 0


def test_a_web_basemap_that_does_not_load_falls_back_to_the_offline_one(app):
    page = app.page
    refused = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort()

    page.route(lambda url: not is_local(url), refuse)
    frame = app.open("?basemap=osm")
    container = frame.locator(".leaflet-container")
    frame.wait_for_function("() => document.querySelector('.leaflet-container')"
                            ".dataset.fpBasemap === 'fallback'")
    notice = frame.locator(".fp-notice")
    assert notice.is_visible()
    assert "web basemap could not be loaded" in notice.inner_text()
    assert "Offline (no network)" in notice.inner_text()
    assert refused  # the tiles were asked for (and refused), the fallback came from here
    assert int(container.get_attribute("data-fp-labels")) > 5  # places named again


def test_a_sighting_can_be_selected_with_the_keyboard(app):
    page = app.page
    frame = app.open()
    marker = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(
        mark_sighting(frame, "acarigua-bakery"))
    assert marker.get_attribute("tabindex") == "0" and marker.get_attribute("role") == "button"
    assert marker.get_attribute("aria-label").startswith("Acarigua: bakery")
    marker.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('selected=acarigua-bakery')")
    app.wait()
    frame = app.map_frame()
    popup = frame.locator(".leaflet-popup-content", has_text="Acarigua: bakery").first
    popup.wait_for()  # its sources opened
    assert frame.locator(".leaflet-container").get_attribute("role") == "region"
