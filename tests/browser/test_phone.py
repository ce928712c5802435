"""The app on a phone (390 x 844, touch), in a real headless Chromium: the map fills most of
the first screen, the result line sits above it, every page is a tap away without opening
the sidebar, and a popup opens below the map's controls with its title in view."""

from __future__ import annotations

import pytest

from tests.browser.conftest import APP_TIMEOUT_MS, MAP_FRAME, STATE_RECORDER, App

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
PAGES = {"Map": "", "Analysis": "analysis", "Sources & method": "sources", "Data": "data"}
PAGE_LINKS = ".st-key-fp-page-links a"
RESULT_LINE_BOX = """() => { const p = Array.from(document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'))
  .find(s => /sightings? lies? within/.test(s.innerText));
  if (!p) return null; const r = p.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom}; }"""
#: The northernmost marker among the facilities alone at their point (no rerun on click).
FACILITY = "kalashnikov-factory-maracay"


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} has no box (not displayed)"
    return found


def overlaps(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.fixture
def phone(browser, app_url) -> App:
    context = browser.new_context(**PHONE)
    context.set_default_timeout(APP_TIMEOUT_MS)
    context.add_init_script(STATE_RECORDER)
    yield App(context.new_page(), app_url)
    context.close()


def test_on_a_phone_the_map_fills_most_of_the_first_screen(phone, artifacts):
    phone.open()
    page = phone.page
    height = page.evaluate("innerHeight")
    frame = box(page.locator(MAP_FRAME))
    assert 0.60 <= frame["height"] / height <= 0.75, frame
    on_first_screen = min(frame["y"] + frame["height"], height) - frame["y"]
    assert on_first_screen >= 0.60 * height, frame
    # Above the map: only the compact title and the result line (the table comes after).
    table = box(page.locator('[data-testid="stTable"]'))
    assert table["y"] >= frame["y"] + frame["height"]
    title = box(page.locator('[data-testid="stMain"] h3').first)
    assert title["height"] <= 60  # two lines at most
    # The map inside the frame is as tall as the frame (st_folium fixes it in pixels).
    inner = phone.map_frame().evaluate(
        "() => document.querySelector('.leaflet-container').getBoundingClientRect().height")
    assert abs(inner - frame["height"]) <= 1
    page.screenshot(path=str(artifacts / "phone-map.png"))


def test_on_a_phone_the_result_line_is_above_the_map(phone):
    phone.open()
    page = phone.page
    page.wait_for_function(f"() => !!({RESULT_LINE_BOX})()")
    line = page.evaluate(RESULT_LINE_BOX)
    frame = box(page.locator(MAP_FRAME))
    assert line["bottom"] <= frame["y"] + 1, (line, frame)
    assert line["top"] >= 0


def test_on_a_phone_every_page_is_a_tap_away_without_opening_the_sidebar(phone):
    phone.open()
    page = phone.page
    assert page.locator('[data-testid="stTopNavLink"]').count() == 0  # folded by Streamlit
    assert page.locator('[data-testid="stSidebar"]').get_attribute("aria-expanded") != "true"
    links = page.locator(PAGE_LINKS)
    assert links.all_inner_texts() == list(PAGES)
    width = page.evaluate("innerWidth")
    for i in range(links.count()):
        link = box(links.nth(i))
        assert link["y"] >= 0 and link["y"] + link["height"] <= 64  # in the header band
        assert link["x"] >= 0 and link["x"] + link["width"] <= width
    for name, path in [*list(PAGES.items())[1:], ("Map", "")]:
        page.locator(PAGE_LINKS).filter(has_text=name).click()
        page.wait_for_url(f"{phone.base_url}/{path}*")
        phone.wait(with_map=name == "Map")
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(PAGE_LINKS).filter(has_text=name).is_visible()


def test_on_a_wide_screen_the_page_links_give_way_to_the_top_navigation(app):
    app.open()
    assert app.page.locator('[data-testid="stTopNavLink"]').count() == len(PAGES)
    assert not app.page.locator(PAGE_LINKS).first.is_visible()


def test_on_a_phone_a_popup_opens_below_the_map_controls_with_its_title_visible(phone):
    frame = phone.open()
    name = frame.evaluate("""() => { for (const key of Object.keys(window)) { try {
        const v = window[key]; if (v && v.getZoom && v.eachLayer && v.getCenter) return key;
      } catch (e) {} } return null; }""")
    found = frame.evaluate("""([name, id]) => { let found = false;
      window[name].eachLayer(layer => {
        const props = layer.feature && layer.feature.properties;
        if (props && props.fp_id === id && layer._path && layer.getLatLng) {
          layer._path.setAttribute('data-fp-test', id); found = true; } });
      return found; }""", [name, FACILITY])
    assert found, f"no marker for {FACILITY!r}"
    map_frame = phone.page.frame_locator(MAP_FRAME)
    map_frame.locator(f'path[data-fp-test="{FACILITY}"]').click()
    title = map_frame.locator(".leaflet-popup-content h4").first
    title.wait_for()
    frame.wait_for_function(  # the map has finished panning to show the popup
        f"() => !window['{name}']._panAnim || !window['{name}']._panAnim._inProgress")
    phone.page.wait_for_timeout(400)
    heading = box(title)
    container = box(map_frame.locator(".leaflet-container"))
    assert heading["y"] >= container["y"], "the popup's title is above the map's top edge"
    controls = map_frame.locator(".leaflet-top .leaflet-control")
    for i in range(controls.count()):
        control = box(controls.nth(i))
        assert not overlaps(heading, control), (
            f"the popup's title {heading} is under a map control {control}: the popup's "
            "auto-pan padding (mapview/build.py POPUP_OPTIONS auto_pan_padding_top_left) "
            "must clear the top controls")
