"""Workspaces through AppTest: what an analyst saves survives a new session (a reload, a
restart, a shared link), the read-only link changes nothing, and bad links get a message."""

import os

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import APP, TIMEOUT, navigation_like_the_server, result_line, upload

__all__ = ["navigation_like_the_server"]  # the fixture, used by every test here

CSV = b"name,lat,lon\nNear Maracay,10.25,-67.6\nNear Coro,11.4,-69.67\n"


@pytest.fixture(autouse=True, params=["sqlite", pytest.param("postgis",
                                                              marks=pytest.mark.postgis)])
def own_store(request, tmp_path, monkeypatch):
    """Each test has its own embedded store (or runs on the test PostGIS server, where
    every workspace has its own random links), the app's store chosen as in production:
    by FOOTPRINT_DATABASE_URL."""
    from ui import workspace

    monkeypatch.setenv("FOOTPRINT_DATA_DIR", str(tmp_path / "store"))
    if request.param == "postgis":
        url = os.environ.get("FOOTPRINT_TEST_DATABASE_URL")
        if not url:
            pytest.skip("FOOTPRINT_TEST_DATABASE_URL is not set (make test sets it)")
        monkeypatch.setenv("FOOTPRINT_DATABASE_URL", url)
    else:
        monkeypatch.delenv("FOOTPRINT_DATABASE_URL", raising=False)
    workspace._store.clear()
    yield request.param, tmp_path / "store"
    workspace._store.clear()


def new_session(page=None, **query) -> AppTest:
    """A new browser session (a reload, another person, or after a server restart)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def saved_workspace(at: AppTest, name="May sightings") -> dict:
    name_box = next(t for t in at.text_input if t.label == "Name")
    name_box.set_value(name)
    next(b for b in at.button if b.label == "Save workspace").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return dict(at.session_state["_workspace"])


def test_uploads_and_choices_survive_a_new_session_through_the_edit_link(own_store):
    at = new_session("pages/data_page.py", radius_km="40")
    upload(at, "mine.csv", CSV)
    at.button(key="upload_apply").click().run()
    assert any("not saved" in w.value for w in at.warning)  # said plainly before saving
    opened = saved_workspace(at)
    assert len(opened["token"]) == 22 and len(opened["id"]) == 22
    assert opened["token"] != opened["id"]
    backend, folder = own_store
    assert (folder / "workspaces.sqlite").exists() == (backend == "sqlite")

    again = new_session(workspace=opened["token"])
    assert not again.exception
    assert "of 5 independent sightings" in result_line(again)
    assert "within 40 km" in result_line(again)
    assert again.session_state["_workspace"]["can_edit"] is True


def test_the_read_only_link_shows_the_same_and_saves_nothing(own_store):
    at = new_session("pages/data_page.py")
    upload(at, "mine.csv", CSV)
    at.button(key="upload_apply").click().run()
    opened = saved_workspace(at)
    from store import open_store

    before = [v.number for v in open_store().history(opened["id"])]
    viewer = new_session(workspace=opened["id"])
    assert "of 5 independent sightings" in result_line(viewer)
    assert any("Read-only workspace" in i.value for i in viewer.info)
    viewer.slider(key="radius_km").set_value(20).run()
    assert not viewer.exception
    assert [v.number for v in open_store().history(opened["id"])] == before


def test_an_editable_workspace_saves_each_change_as_a_version(own_store):
    at = new_session("pages/data_page.py")
    opened = saved_workspace(at)
    at.slider(key="radius_km").set_value(25).run()
    at.slider(key="radius_km").set_value(30).run()
    from store import open_store

    history = open_store().history(opened["id"])
    assert [v.number for v in history] == [3, 2, 1]
    assert open_store().open(opened["id"]).workspace.snapshot.choices["radius_km"] == 30


@pytest.mark.parametrize("token,message", [
    ("not-a-token", "not valid"),
    ("A" * 22, "No workspace opens with this link"),
    ("<script>x</script>", "not valid"),
    ("x" * 5000, "5,000 characters long"),  # longer than any parameter the app reads
])
def test_a_bad_workspace_link_gets_a_message_and_the_shipped_data(token, message):
    at = new_session(workspace=token)
    assert not at.exception
    errors = " ".join(e.value for e in [*at.error, *at.warning])
    assert message in errors
    assert "Traceback" not in errors and "other workspaces" not in errors
    assert "of 3 independent sightings" in result_line(at)


def test_a_stale_save_is_refused_with_a_way_out(own_store):
    first = new_session("pages/data_page.py")
    opened = saved_workspace(first)
    second = new_session(workspace=opened["token"])
    second.slider(key="radius_km").set_value(70).run()  # saved as version 2
    first.slider(key="radius_km").set_value(10).run()   # based on version 1: refused
    assert not first.exception
    assert any("Someone else saved this workspace" in e.value for e in first.error)
    labels = [b.label for b in first.button]
    assert "Save mine as a copy" in labels and any(label.startswith("Reload") for label in labels)
    from store import open_store

    assert open_store().open(opened["id"]).workspace.snapshot.choices["radius_km"] == 70
    next(b for b in first.button if b.label == "Save mine as a copy").click().run()
    assert not first.exception
    assert first.session_state["_workspace"]["id"] != opened["id"]


def test_the_sources_page_lists_the_uploaded_layers():
    at = new_session("pages/data_page.py")
    upload(at, "mine.csv", CSV)
    at.button(key="upload_apply").click().run()
    at.switch_page("pages/sources_page.py")
    at.run()
    texts = " ".join(t.value for t in at.text)
    assert "mine.csv: 2 feature(s), adds to the sightings, uploaded 20" in texts


def test_an_unwritable_store_keeps_the_session_s_data(tmp_path, monkeypatch, own_store):
    from ui import workspace

    if own_store[0] != "sqlite":
        pytest.skip("an unwritable folder is the embedded store's case")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FOOTPRINT_DATA_DIR", str(blocker / "store"))
    workspace._store.clear()
    at = new_session("pages/data_page.py")
    upload(at, "mine.csv", CSV)
    at.button(key="upload_apply").click().run()
    name_box = next(t for t in at.text_input if t.label == "Name")
    name_box.set_value("x")
    next(b for b in at.button if b.label == "Save workspace").click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "could not be used" in errors and str(tmp_path) not in errors
    at.switch_page("pages/map_page.py")
    at.run()
    assert "of 5 independent sightings" in result_line(at)


def test_an_earlier_version_can_be_restored_as_a_new_one(own_store):
    at = new_session("pages/data_page.py")
    opened = saved_workspace(at)                    # version 1: 50 km
    at.slider(key="radius_km").set_value(80).run()  # version 2
    assert at.session_state["_workspace"]["version"] == 2
    at.run()
    next(b for b in at.button if b.key == "ws_restore_1").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Restored version 1 as version 3" in i.value for i in at.info)
    assert at.slider(key="radius_km").value == 50
    from store import open_store

    history = open_store().history(opened["id"])
    assert history[0].note == "restored version 1" and history[0].number == 3
    at.run()  # the restored choices are the saved state: no new version for them
    assert [v.number for v in open_store().history(opened["id"])][0] == 3


def test_the_screenshot_link_and_the_figure_carry_the_workspace():
    at = new_session("pages/data_page.py")
    upload(at, "mine.csv", CSV)
    at.button(key="upload_apply").click().run()
    opened = saved_workspace(at)
    at.switch_page("pages/map_page.py")
    at.run()
    links = [b.proto.url for b in at.get("link_button")
             if b.proto.label == "Open the screenshot view"]
    assert len(links) == 1 and f"workspace={opened['token']}" in links[0]
    assert "screenshot=1" in links[0]
    # The figure drawn for that view names the workspace in its metadata.
    import io

    from PIL import Image

    from ui.data import shipped
    from ui.exports import FigureOptions, figure_file

    png = figure_file(shipped()[0], at.session_state["_choices"], None,
                      FigureOptions(preset="1x1"), scale=0.2,
                      workspace=f"{opened['id']} version 1")
    assert Image.open(io.BytesIO(png)).info["Data version"].endswith(
        f"; workspace {opened['id']} version 1")


def test_after_a_refused_save_reload_takes_the_saved_version():
    first = new_session("pages/data_page.py")
    opened = saved_workspace(first)
    second = new_session(workspace=opened["token"])
    second.slider(key="radius_km").set_value(70).run()  # saved as version 2
    first.slider(key="radius_km").set_value(10).run()   # refused
    next(b for b in first.button if b.label.startswith("Reload")).click().run()
    assert not first.exception, [e.message for e in first.exception]
    assert first.slider(key="radius_km").value == 70
    assert first.session_state["_workspace"]["version"] == 2
    assert not any("Someone else saved" in e.value for e in first.error)
