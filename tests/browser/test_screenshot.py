"""Screenshot mode (``?screenshot=1``) in a real headless Chromium, at the two sizes papers
ask for most (16:9 at 1200 x 675 and 4:5 at 1080 x 1350): the whole image (title, legend,
credits, scale bar) fits the window without scrolling, one set of credits, and an exit
outside the image that leads back to the same view with Streamlit's controls."""

from __future__ import annotations

import pytest

from tests.browser.conftest import APP_TIMEOUT_MS, MAP_FRAME, STATE_RECORDER, App

pytestmark = pytest.mark.browser

SIZES = [(1200, 675), (1080, 1350)]
QUERY = "?screenshot=1&radius_km=25"
#: Boxes of the image's parts, in the map iframe's coordinates (null when not displayed).
PARTS = """() => { const box = s => { const e = document.querySelector(s);
    if (!e || !e.offsetParent) return null; const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  return {width: document.documentElement.clientWidth,
          height: document.documentElement.clientHeight,
          map: box('.leaflet-container'), title: box('.fp-title'), legend: box('.fp-legend'),
          credits: box('.fp-credits'), scale: box('.leaflet-control-scale')}; }"""
#: Every displayed element whose own text is a credit line (sources and map data).
CREDIT_TEXTS = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.offsetParent && Array.from(e.childNodes).some(n => n.nodeType === 3
    && /Map data:|Sources:/.test(n.textContent)))
  .map(e => e.innerText.trim())"""
SCROLLS = """() => { const main = document.querySelector('[data-testid="stMain"]');
  return {main: main.scrollHeight - main.clientHeight,
          document: document.documentElement.scrollHeight - innerHeight}; }"""


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def shot(request, browser, app_url) -> App:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(APP_TIMEOUT_MS)
    context.add_init_script(STATE_RECORDER)
    app = App(context.new_page(), app_url)
    app.open(QUERY)
    app.page.locator(MAP_FRAME).wait_for()
    app.page.frame_locator(MAP_FRAME).locator(".fp-title").wait_for()
    yield app
    context.close()


def test_the_whole_image_fits_the_window_without_scrolling(shot, artifacts):
    page = shot.page
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    assert page.evaluate(SCROLLS) == {"main": 0, "document": 0}
    frame = page.locator(MAP_FRAME).bounding_box()
    assert frame["x"] >= 0 and frame["y"] >= 0
    assert frame["x"] + frame["width"] <= width and frame["y"] + frame["height"] <= height
    assert frame["height"] >= 0.9 * height  # sized to the window, not a fixed height
    parts = shot.map_frame().evaluate(PARTS)
    assert abs(parts["height"] - frame["height"]) <= 1
    edges = {"left": 0, "top": 0, "right": parts["width"], "bottom": parts["height"]}
    assert all(abs(parts["map"][k] - v) <= 1 for k, v in edges.items()), parts["map"]
    for name in ("title", "legend", "credits", "scale"):
        part = parts[name]
        assert part is not None, f"the {name} is not displayed"
        assert 0 <= part["left"] and part["right"] <= parts["width"], (name, part)
        assert 0 <= part["top"] and part["bottom"] <= parts["height"], (name, part)
    assert parts["credits"]["bottom"] <= parts["scale"]["top"] + 1  # no overlap, left column
    page.screenshot(path=str(artifacts / f"screenshot-{width}x{height}.png"))


def test_one_set_of_credits_and_no_streamlit_chrome(shot):
    texts = shot.map_frame().evaluate(CREDIT_TEXTS)
    assert len(texts) == 1, texts
    assert "Natural Earth" in texts[0] and "Meduza" in texts[0]
    page = shot.page
    for selector in ('[data-testid="stHeader"]', '[data-testid="stSidebar"]',
                     '[data-testid="stTopNavLink"]', ".st-key-fp-page-links"):
        assert not page.locator(selector).first.is_visible(), selector


def test_the_exit_is_outside_the_image_and_leads_back_to_the_same_view(shot):
    page = shot.page
    # The image opens fitted to the story; that view goes into the URL (so the exit and a
    # shared link keep it) before the user reaches for the exit.
    fitted = page.frame_locator(MAP_FRAME).locator(".leaflet-container[data-fp-fitted]")
    fitted.wait_for(state="attached")
    zoom = float(fitted.get_attribute("data-fp-fitted"))
    page.wait_for_function("z => +(new URLSearchParams(location.search).get('view') || '')"
                           ".split(',')[2] === z", arg=zoom)
    shot.wait()
    view = page.evaluate("() => new URLSearchParams(location.search).get('view')")
    exit_button = page.get_by_role("button", name="Exit screenshot mode")
    assert exit_button.is_visible()
    button, frame = exit_button.bounding_box(), page.locator(MAP_FRAME).bounding_box()
    assert button["y"] + button["height"] <= frame["y"]  # above the image, not on it
    assert button["y"] >= 0
    exit_button.click()
    page.wait_for_function("() => !location.search.includes('screenshot')")
    shot.wait()
    assert "radius_km=25" in page.url
    page.wait_for_function("v => new URLSearchParams(location.search).get('view') === v",
                           arg=view)  # the page's map opens where the image was
    assert page.locator('[data-testid="stSidebar"]').count() == 1
    assert page.locator('[data-testid="stMain"] h3').first.is_visible()
    assert page.locator(MAP_FRAME).count() == 1
    page.reload()  # the address no longer asks for screenshot mode
    shot.wait()
    assert page.get_by_role("button", name="Exit screenshot mode").count() == 0
    assert page.locator('[data-testid="stHeader"]').is_visible()


#: Centres of the story's markers (facilities and sightings), in the iframe's coordinates.
MARKERS = """() => { const map = Object.values(window).find(v => v && v.getZoom && v.eachLayer);
  const out = []; map.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (p && p.fp_id && l.getLatLng && !String(p.fp_id).startsWith('flight')) {
      const c = map.latLngToContainerPoint(l.getLatLng()); out.push([p.fp_id, c.x, c.y]); } });
  return out; }"""


def test_the_story_is_framed_clear_of_the_title_legend_and_credits(shot):
    """Without a view of its own, the image opens on the story's places as large as the
    window allows, none of them under the title card, the legend or the credits."""
    frame = shot.page.frame_locator(MAP_FRAME)
    frame.locator('.leaflet-container[data-fp-fitted]').wait_for()
    map_frame = shot.map_frame()
    parts = map_frame.evaluate(PARTS)
    markers = map_frame.evaluate(MARKERS)
    assert len(markers) >= 8
    for fp_id, x, y in markers:
        assert 0 < x < parts["width"] and 0 < y < parts["height"], (fp_id, x, y)
        for name in ("title", "legend", "credits"):
            part = parts[name]
            assert not (part["left"] <= x <= part["right"] and part["top"] <= y
                        <= part["bottom"]), (fp_id, name)
    # Larger than the fixed zoom it replaced (5.75) at both sizes.
    assert float(frame.locator(".leaflet-container").get_attribute("data-fp-fitted")) > 5.75
