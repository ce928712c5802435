"""Every page through Streamlit's AppTest: no exception, and the controls change the results."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120


@pytest.fixture(autouse=True)
def navigation_like_the_server(monkeypatch):
    """Make AppTest rerun the frame (app.py) like the real server does.

    With a ``pages/`` folder beside app.py, Streamlit starts in its old folder-based page
    mode until ``st.navigation`` runs, which switches it off for the server's lifetime.
    AppTest resets that switch before every run, so its reruns execute the last page
    alone, without the frame. Switching it off after each reset restores the server's
    behaviour (the browser tests check the real server).
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def run_app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def result_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown
                if re.search(r"sightings? lies? within", m.value))


def proximity_rows(at: AppTest):
    return at.table[0].value


def test_map_page_shows_the_result_line_and_the_proximity_table():
    at = run_app()
    line = result_line(at)
    assert line.startswith("**2 of 3 independent sightings lie within 50 km of a "
                           "Russian-financed asset. Across all radii from 20 to 300 km, "
                           "random Venezuelan towns come out at least as close in 2.4% of "
                           "draws (global test, p = 0.024); single-radius results range from "
                           "p = 0.081 to 0.37.")
    assert "p = 0.098 (towns picked in proportion to population)" in line
    captions = " ".join(c.value for c in at.caption)
    assert "not the chance that the pattern is a coincidence" in captions
    assert "Not counted (placed at a facility by construction): Amuay refinery" in captions
    table = proximity_rows(at)
    assert list(table.columns) == ["sighting", "nearest facility", "distance (km)",
                                   "within radius"]
    assert len(table) == 3
    assert set(table["within radius"]) == {"yes", "no"}


def test_moving_the_slider_changes_the_table_and_the_result_line():
    at = run_app()
    before_line, before = result_line(at), proximity_rows(at)
    at.slider(key="radius_km").set_value(5).run()
    assert not at.exception
    after_line, after = result_line(at), proximity_rows(at)
    assert "within 5 km" in after_line and after_line != before_line
    assert list(after["within radius"]) != list(before["within radius"])


def test_radius_from_the_url_is_used():
    at = run_app(radius_km="25")
    assert at.slider(key="radius_km").value == 25
    assert "within 25 km" in result_line(at)


@pytest.mark.parametrize("null", ["towns", "towns_weighted", "uniform"])
def test_each_null_model_gives_a_result(null):
    at = run_app(null=null)
    line = result_line(at)
    assert "(global test, p" in line
    if null == "uniform":  # never bold, and the warning is inside the sentence with its p
        assert not line.startswith("**")
        sentence = next(s for s in line.split(". ") if "global test" in s)
        assert "weak comparison" in sentence
    else:
        assert line.startswith("**") and line.endswith("**")


def test_counting_sightings_placed_at_a_facility_is_a_switch_in_the_url():
    at = run_app(at_facility="true")
    assert at.toggle(key="at_facility").value is True
    line = result_line(at)
    assert line.startswith("**3 of 4 sightings lie within 50 km")  # not "independent"
    assert len(proximity_rows(at)) == 4
    at.toggle(key="at_facility").set_value(False).run()
    assert result_line(at).startswith("**2 of 3 independent sightings")


def test_selected_sighting_row_is_highlighted_in_the_table():
    at = run_app(selected="acarigua-bakery")
    styled = at.table[0].proto.arrow_data.styler
    assert "fff3c4" in styled.styles and "font-weight: 700" in styled.styles
    plain = run_app()
    assert not plain.table[0].proto.arrow_data.styler.styles


def test_excluding_every_sighting_category_shows_a_helpful_empty_state():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.multiselect(key="sighting_categories").set_value([]).run()
    assert not at.exception
    assert any("No sightings or no facilities match" in i.value for i in at.info)


@pytest.mark.parametrize("page,expected", [
    ("pages/analysis_page.py", "Are the sightings closer to Russian assets than chance?"),
    ("pages/sources_page.py", "Sources"),
    ("pages/data_page.py", "Data"),
])
def test_every_page_runs_without_exception(page, expected):
    at = run_app(page, simulations="999")
    assert any(h.value == expected for h in at.header)


def test_analysis_page_states_the_null_model_and_the_smallest_p():
    at = run_app("pages/analysis_page.py", simulations="999")
    text = " ".join(m.value for m in at.markdown)
    assert "Null model, in plain words:" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sightings within 50 km"] == "2 of 3"
    assert metrics["Global test, 20-300 km"].startswith("p ")
    assert re.fullmatch(r"(less than )?[0-9.]+ to [0-9.]+", metrics["Single radii 10-200 km"])
    assert " of " in metrics["Scenarios below 0.05"]
    captions = " ".join(c.value for c in at.caption)
    assert "Smallest possible p at this radius" in captions
    assert "median, over the counted sightings, of each sighting's location precision" \
        in captions
    assert any("Selection bias" in m.value for m in at.markdown)


def test_sources_page_lists_claims_without_a_place():
    at = run_app("pages/sources_page.py")
    texts = " ".join(t.value for t in at.text)
    assert "Guarded construction site for a future Russian government facility" in texts
    assert "Meduza" in texts


def map_args(at: AppTest) -> dict:
    import json

    (component,) = [e for e in at.get("component_instance")
                    if e.proto.component_name == "streamlit_folium.st_folium"]
    return json.loads(component.proto.json_args)


def test_slider_changes_only_the_dynamic_layers_not_the_base_map():
    at = run_app()
    before = map_args(at)
    at.slider(key="radius_km").set_value(120).run()
    after = map_args(at)
    # Same base-map script => st_folium keeps the same iframe; only the groups change.
    assert after["script"] == before["script"]
    assert after["key"] == before["key"]
    assert after["feature_group"] != before["feature_group"]
    assert "Buffers, 120 km around sightings" in after["layer_control"]
    assert "Buffers, 50 km around sightings" in before["layer_control"]


def test_map_loads_scripts_and_styles_only_from_this_server_and_returns_only_what_it_uses():
    args = map_args(run_app())
    for link in args["js_links"] + args["css_links"]:
        assert link.startswith("/app/static/"), link
    # Clicks (selection), the view (URL and exports) and the switcher's layers; no hover,
    # drawings or last click position.
    assert args["returned_objects"] == ["last_object_clicked", "last_object_clicked_tooltip",
                                        "bounds", "center", "zoom", "selected_layers"]


def test_a_view_in_the_url_opens_the_map_there_and_a_bad_one_is_ignored():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["view"] = "11.2,-69.9,8"
    at.run()
    assert not at.exception
    args = map_args(at)
    assert args["center"] == [11.2, -69.9] and args["zoom"] == 8
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["view"] = "999,0,8"
    at.run()
    assert not at.exception
    assert map_args(at)["center"] is None


def upload(at: AppTest, name: str, content: bytes, target="sightings", mode="add"):
    at.radio(key="upload_target").set_value(target)
    at.radio(key="upload_mode").set_value(mode)
    at.file_uploader(key="upload_file").upload(name, content, "text/csv")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_upload_reports_bad_rows_keeps_good_ones_and_feeds_the_map():
    at = run_app("pages/data_page.py")
    upload(at, "mine.csv", b"name,lat,lon\nNear Maracay,10.25,-67.6\nBad,x,1\n")
    assert any("1 problem(s)" in e.value and "1 valid feature(s) kept" in e.value
               for e in at.error)
    problems = at.dataframe[0].value
    assert list(problems["feature or line"])[0] == "line 3"
    at.button(key="upload_apply").click().run()
    assert not at.exception
    at.switch_page("pages/map_page.py")
    at.run()
    assert "of 4 independent sightings" in result_line(at)


def test_jinja_in_the_url_or_an_uploaded_file_never_runs_on_the_server(monkeypatch):
    import json

    from tests.hostile import JINJA, JINJA_CANARY, hostile_sightings_geojson, jinja_ran

    monkeypatch.delenv(JINJA_CANARY, raising=False)
    at = run_app(screenshot="1", title=JINJA)
    assert not jinja_ran()
    at = run_app("pages/data_page.py")
    collection = hostile_sightings_geojson()
    for feature in collection["features"]:  # javascript: addresses would be rejected
        for source in feature["properties"]["sources"]:
            source["url"] = None
    upload(at, "hostile.geojson", json.dumps(collection).encode())
    assert at.button(key="upload_apply").label.startswith(
        f"Use these {len(collection['features'])} sightings")
    at.button(key="upload_apply").click().run()
    at.switch_page("pages/map_page.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not jinja_ran()
    at.query_params["screenshot"] = "1"  # the overlay's subtitle quotes the result line
    at.run()
    assert not jinja_ran()


def test_more_sightings_than_towns_explains_instead_of_failing():
    rows = "".join(f"S{i},{8 + (i % 40) * 0.05},{-70 + (i // 40) * 0.5}\n" for i in range(230))
    at = run_app("pages/data_page.py")
    upload(at, "many.csv", ("name,lat,lon\n" + rows).encode())
    at.button(key="upload_apply").click().run()
    at.switch_page("pages/map_page.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("there are only 216: it cannot place 233 sightings" in m.value
               for m in at.markdown)
    at.switch_page("pages/analysis_page.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    # In the menus' words, never the code's ids ("towns", "uniform")
    assert "Choose “Random points anywhere in Venezuela”" in at.warning[0].value
    assert "“Random towns (equal chance)” picks distinct towns" in at.warning[0].value
    at.sidebar.selectbox(key="null").set_value("uniform").run()
    assert not at.exception
    assert any("233" in m.value for m in at.metric)


def test_the_data_tables_defuse_spreadsheet_formulas():
    at = run_app("pages/data_page.py")
    upload(at, "f.csv", b'name,lat,lon\n"=HYPERLINK(""http://198.51.100.7"",""x"")",10.5,-66.9\n')
    at.button(key="upload_apply").click().run()
    at.run()
    names = [v for frame in at.dataframe for v in frame.value.get("name", [])]
    assert "'=HYPERLINK(\"http://198.51.100.7\",\"x\")" in names
    assert not any(str(v).startswith("=") for v in names)


def test_upload_offers_the_swap_for_swapped_coordinates():
    at = run_app("pages/data_page.py")
    upload(at, "swapped.csv", b"name,lat,lon\nCoro,-69.68,11.41\n")
    assert any("look swapped" in str(row) for row in at.dataframe[0].value["found"])
    at.checkbox(key="upload_swap").check().run()
    assert any("1 valid feature(s), no errors" in s.value for s in at.success)


def test_replacing_an_earlier_upload_asks_first():
    at = run_app("pages/data_page.py")
    upload(at, "first.csv", b"name,lat,lon\nA,10.25,-67.6\n", mode="replace")
    at.button(key="upload_apply").click().run()
    upload(at, "second.csv", b"name,lat,lon\nB,10.5,-66.9\n", mode="replace")
    assert at.button(key="upload_apply").disabled
    at.checkbox(key="upload_confirm_replace").check().run()
    assert not at.button(key="upload_apply").disabled
    at.button(key="upload_apply").click().run()
    assert list(at.session_state["uploads"]) == ["sightings: second.csv"]


def test_a_broken_shipped_layer_is_named_and_the_others_are_kept(tmp_path, monkeypatch):
    import shutil

    import layers.registry
    import ui.data

    for path in (ROOT / "data").glob("*json"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "flights.geojson").write_text('{"type": "FeatureCollection", "features": [')
    monkeypatch.setattr(layers.registry, "DATA_DIR", tmp_path)
    monkeypatch.setattr(ui.data, "DATA_DIR", tmp_path)
    at = run_app()
    problems = " ".join(c.value for c in at.sidebar.code)
    assert "flights.geojson: expected valid JSON" in problems
    assert "2 of 3 independent sightings" in result_line(at)


def test_shared_results_are_bounded_and_computed_once():
    from ui.compute import _Results

    results, calls = _Results(size=10, budget=100), []
    assert results.get("a", lambda: calls.append("a") or 1, weight=60) == 1
    assert results.get("a", lambda: calls.append("again") or 2, weight=60) == 1
    results.get("b", lambda: calls.append("b") or 3, weight=60)  # over budget: "a" goes
    assert list(results.items) == ["b"] and results.weight == 60
    results.get("huge", lambda: calls.append("huge"), weight=1_000)  # never kept
    assert list(results.items) == ["b"]
    assert calls == ["a", "b", "huge"]


def test_map_page_uses_the_simulations_and_seed_of_the_url_like_the_analysis_page():
    at = run_app(simulations="999", seed="7")
    line = result_line(at)
    map_p = line.split("(global test, ")[1].split(")")[0]
    at.switch_page("pages/analysis_page.py")
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Global test, 20-300 km"] == map_p
    assert line != result_line(run_app())  # other draws, other numbers
    assert result_line(run_app(simulations="lots")) == result_line(run_app())  # default


def test_map_page_headline_is_the_command_line_s_for_the_same_seed():
    import json
    import subprocess
    import sys

    at = run_app(seed="5", simulations="999")
    done = subprocess.run([sys.executable, "-m", "analysis", "test", "--global", "--seed", "5",
                           "--simulations", "999"], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert result_line(at) == f"**{json.loads(done.stdout)['headline']}**"


def test_analysis_page_robustness_panel_matches_the_command_line():
    import json
    import subprocess
    import sys

    at = run_app("pages/analysis_page.py", seed="5", simulations="999")
    done = subprocess.run([sys.executable, "-m", "analysis", "test", "--robustness", "--seed",
                           "5", "--simulations", "999"], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    summary = json.loads(done.stdout)["robustness_summary"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Scenarios below 0.05"] == f"{summary['below_0_05']} of " \
        f"{summary['scenarios']}"
    table = at.dataframe[0].value
    assert list(table.columns) == ["Chance model", "Radius", "Locations", "Left out",
                                   "Counted within", "p", "Below 0.05"]
    assert len(table) == summary["scenarios"]
    assert "Random towns (equal chance)" in set(table["Chance model"])
    at.radio(key="robustness_choice").set_value(True).run()
    assert len(at.dataframe[0].value) == json.loads(done.stdout)[
        "robustness_summary_other_at_facility_choice"]["scenarios"]


# --------------------------------------------------------------------------- layout
def _keyed_blocks(at: AppTest) -> list[str | None]:
    """The keys of the main area's top-level blocks, in the order they are drawn."""
    return [getattr(child, "key", None) for child in at.main.children.values()]


def test_map_page_draws_the_page_links_then_the_title_then_the_result_line_then_the_map():
    from ui.layout import HEADLINE_KEY, PAGE_LINKS_KEY, TITLE_KEY
    from ui.workspace import STATUS_KEY

    at = run_app()
    # The workspace status (empty here: nothing uploaded) sits under the page links.
    assert _keyed_blocks(at)[:4] == [PAGE_LINKS_KEY, STATUS_KEY, TITLE_KEY, HEADLINE_KEY]
    headline = next(child for child in at.main.children.values()
                    if getattr(child, "key", None) == HEADLINE_KEY)
    assert re.search(r"sightings? lies? within", headline.markdown[0].value)
    assert [link.proto.label for link in at.get("page_link")] == [
        "Map", "Analysis", "Sources & method", "Data"]


@pytest.mark.parametrize("page", ["pages/analysis_page.py", "pages/sources_page.py",
                                  "pages/data_page.py"])
def test_every_page_starts_with_the_page_links(page):
    from ui.layout import PAGE_LINKS_KEY

    at = run_app(page)
    assert _keyed_blocks(at)[0] == PAGE_LINKS_KEY
    assert len(at.get("page_link")) == 4


def test_screenshot_mode_has_an_exit_and_no_page_links():
    from ui.layout import EXIT_KEY

    at = run_app(screenshot="1", radius_km="25")
    assert _keyed_blocks(at)[0] == EXIT_KEY
    assert not at.get("page_link")
    assert not [m for m in at.markdown if re.search(r"sightings? lies? within", m.value)]
    at.button(key="exit_screenshot").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "screenshot" not in at.query_params
    assert at.query_params["radius_km"] == "25"  # the same view, with the controls
    assert "within 25 km" in result_line(at)
    assert len(at.get("page_link")) == 4


def test_the_map_fills_its_frame_and_screenshot_mode_keeps_one_set_of_credits():
    from ui.layout import FRAME_CSS, SCREENSHOT_FRAME_CSS

    plain, shot = map_args(run_app()), map_args(run_app(screenshot="1"))
    assert FRAME_CSS in plain["header"] and FRAME_CSS in shot["header"]
    assert SCREENSHOT_FRAME_CSS not in plain["header"]
    assert SCREENSHOT_FRAME_CSS in shot["header"]
    assert ".fp-legend-credit { display: none" in SCREENSHOT_FRAME_CSS
