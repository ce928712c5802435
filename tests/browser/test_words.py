"""In a real browser: the menus show words, the address bar keeps the ids."""

import re

import pytest

from tests.browser.conftest import App

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'
#: The sidebar's text as a reader sees it, with what each menu shows (an input's value).
SHOWN = """() => { const bar = document.querySelector('[data-testid="stSidebar"]');
  return bar.innerText + ' ' + Array.from(bar.querySelectorAll('input'))
    .map(i => i.value).join(' '); }"""


def test_the_null_menu_shows_words_and_the_url_keeps_the_id(page, app_url):
    app = App(page, app_url)
    app.open("?null=towns_weighted")
    sidebar = page.locator(SIDEBAR)
    shown = page.evaluate(SHOWN) + " " + sidebar.locator(
        '[data-testid="stSelectbox"]').first.inner_text()
    assert "Random towns (bigger towns" in shown, shown
    assert "towns_weighted" not in shown
    assert "null=towns_weighted" in page.url
    box = sidebar.locator('[data-testid="stSelectbox"]').filter(
        has_text="Null model").first
    box.click()
    page.get_by_role("option", name="Random points anywhere in Venezuela").click()
    page.wait_for_function("() => location.search.includes('null=uniform')")
    app.wait()
    assert "null=uniform" in page.url
    # The id survives a reload (a shared link), and the menu shows its words again.
    page.reload()
    app.wait()
    assert "null=uniform" in page.url
    assert re.search("Random points anywhere", page.evaluate(SHOWN) + sidebar.locator(
        '[data-testid="stSelectbox"]').first.inner_text())


def test_no_internal_name_in_the_sidebar(page, app_url):
    App(page, app_url).open()
    text = page.evaluate(SHOWN)
    for word in ("orinoco_mining_arc", "russian_asset", "insider_account", "towns_weighted",
                 "coro-cumberland-hotel"):
        assert word not in text, word


def test_slash_map_opens_the_map_page(page, app_url):
    app = App(page, app_url)
    app.open()  # (the server has routed once: the very first request of a fresh server is
    #            answered before the navigation exists)
    app.open("map")
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 1
    assert page.locator('[data-testid="stTopNavLink"]').count() == 4  # no second "Map"


def test_a_100_kb_address_opens_the_app_with_a_notice(page, app_url):
    app = App(page, app_url)
    response = page.goto(f"{app_url}/?title={'x' * 100_000}")
    assert response.status == 200  # not the server's bare 400 and a blank page
    app.wait()
    page.get_by_text("characters long, more than the 2,000 the app reads").wait_for()
