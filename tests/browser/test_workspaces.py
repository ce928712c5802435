"""Workspaces with real browsers: two people, one workspace; a reload; unsaved uploads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import APP_TIMEOUT_MS, STATE_RECORDER, App

pytestmark = pytest.mark.browser

CSV = (b"name,lat,lon\nNear Maracay,10.25,-67.6\nNear Coro,11.4,-69.67\n"
       b"Near Acarigua,9.55,-69.2\n")
RESULT = re.compile(r"sightings? lies? within")


def person(browser, app_url) -> App:
    """A browser of its own (a separate Streamlit session)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(APP_TIMEOUT_MS)
    context.add_init_script(STATE_RECORDER)
    return App(context.new_page(), app_url)


def result_line(app: App) -> str:
    return app.page.get_by_text(RESULT).first.inner_text()


def upload_and_save(app: App, name: str) -> dict:
    page = app.page
    app.open("data", with_map=False)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": CSV}])
    page.get_by_role("button", name=re.compile(r"Use these 3 sightings")).click()
    page.get_by_text("Added. The map and the analysis now use your sightings.").wait_for()
    app.wait(with_map=False)
    page.get_by_text(re.compile("3 uploaded file|1 uploaded file")).first.wait_for()
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("button", name="Save workspace").click()
    page.get_by_text(re.compile(r"Saved as workspace")).wait_for()
    app.wait(with_map=False)
    links = {}
    for kind in ("Edit", "Read-only"):
        box = page.get_by_role("textbox", name=re.compile(f"^{kind} link"))
        links[kind.lower()] = box.input_value()
    return links


def test_a_second_person_sees_the_same_counts_through_the_read_only_link(browser, app_url):
    analyst, reader = person(browser, app_url), person(browser, app_url)
    try:
        links = upload_and_save(analyst, "May sightings")
        assert links["edit"] != links["read-only"]
        analyst.open(links["edit"])
        seen = result_line(analyst)
        assert "of 6 independent sightings" in seen
        reader.open(links["read-only"])
        assert result_line(reader) == seen  # same counts and p-values
        reader.page.get_by_text("Read-only workspace").first.wait_for()
        # A reload of the analyst's tab (or a server restart) keeps everything.
        analyst.page.reload()
        analyst.wait()
        assert result_line(analyst) == seen
    finally:
        analyst.page.context.close()
        reader.page.context.close()


def test_two_editors_the_second_save_of_a_stale_version_is_refused(browser, app_url):
    first, second = person(browser, app_url), person(browser, app_url)
    try:
        links = upload_and_save(first, "Shared")
        second.open(links["edit"])
        first.open(links["edit"])
        slider = ('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]'
                  '[aria-label="Buffer radius (km)"]')
        second.page.locator(slider).focus()
        second.page.keyboard.press("End")  # saved: a new version
        second.page.get_by_text(re.compile(r"sightings? lies? within 300 km")).first.wait_for()
        second.wait()
        second.page.get_by_text(re.compile(r"version 2\b.*every change is saved")).wait_for()
        first.page.locator(slider).focus()
        first.page.keyboard.press("Home")  # based on the old version: refused
        first.page.get_by_text("Someone else saved this workspace").wait_for()
        first.page.get_by_role("button", name=re.compile("^Reload the saved version")).wait_for()
        # Keep mine as a copy: a new workspace (new links) holds the refused change, and
        # the shared one still holds the other editor's save. (Reload is covered by
        # tests/test_workspaces_app.py::test_after_a_refused_save_reload_takes_the_saved_version.)
        shared_token = links["edit"].split("=", 1)[1]
        copied = ("t => { const w = new URLSearchParams(location.search).get('workspace');"
                  " return w && w !== t; }")
        for attempt in range(3):  # a click landing while a rerun redraws the button is lost
            first.wait()
            if first.page.evaluate(f"({copied})", shared_token):
                break  # the last click did take, only late
            first.page.get_by_role("button", name="Save mine as a copy").click()
            try:
                first.page.wait_for_function(copied, arg=shared_token, timeout=20_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        first.page.get_by_text(re.compile(r"Saved as workspace “Shared \(copy\)”")).wait_for()
        first.wait()
        assert "within 1 km" in result_line(first)
        second.page.reload()
        second.wait()
        assert "within 300 km" in result_line(second)
    finally:
        first.page.context.close()
        second.page.context.close()


def test_a_reload_with_unsaved_uploads_asks_first(page, app_url):
    app = App(page, app_url)
    app.open("data", with_map=False)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": CSV}])
    page.get_by_role("button", name=re.compile(r"Use these 3 sightings")).click()
    page.get_by_text(re.compile("not saved: a reload")).wait_for()
    page.wait_for_function("() => typeof window.onbeforeunload === 'function'")
    page.mouse.click(5, 5)  # browsers ask only after the user has interacted with the page
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    try:
        page.reload(timeout=3_000)
    except Exception:  # the dismissed dialog stops the reload
        pass
    assert asked == ["beforeunload"]
