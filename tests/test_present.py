"""Presentation helpers: which sighting a click selects, the highlighted row, tables in words."""

from pathlib import Path

import geopandas as gpd
import pytest

from analysis.envelope import global_test
from analysis.io import counted_sightings, filter_categories, read_feature_file
from analysis.proximity import proximity_table, shared_points
from analysis.robustness import robustness
from analysis.stats import simulate_null
from mapview.build import records_of, tooltip_plain
from ui.present import (
    SELECTED_ROW_STYLE,
    envelope_frame,
    highlight_selected,
    names_of,
    proximity_frame,
    scenario_frame,
    sighting_at,
)

DATA = Path(__file__).resolve().parent.parent / "data"
SIGHTINGS = read_feature_file(DATA / "sightings.geojson")
FACILITIES = read_feature_file(DATA / "facilities.geojson")


def at(frame, feature_id):
    row = frame[frame["id"] == feature_id].iloc[0]
    return {"lat": row.geometry.y, "lng": row.geometry.x}, tooltip_plain(
        records_of(frame)[list(frame["id"]).index(feature_id)])


@pytest.mark.parametrize("clicked, tooltip_of, expected", [
    # The Rosneft office and its guard share a point: the tooltip tells them apart.
    ("rosneft-office-caracas", "facility", None),
    ("rosneft-office-guard", "sighting", "rosneft-office-guard"),
    # CEMAREH and the Acarigua bakery share the town's gazetteer point.
    ("cemareh-acarigua", "facility", None),
    ("acarigua-bakery", "sighting", "acarigua-bakery"),
    ("coro-cumberland-hotel", "sighting", "coro-cumberland-hotel"),
])
def test_a_click_selects_a_sighting_only_when_a_sighting_was_clicked(clicked, tooltip_of,
                                                                    expected):
    frame = FACILITIES if tooltip_of == "facility" else SIGHTINGS
    position, tooltip = at(frame, clicked)
    assert sighting_at(SIGHTINGS, position, tooltip=tooltip) == expected


def test_without_a_tooltip_the_position_decides_and_far_clicks_select_nobody():
    position, _ = at(SIGHTINGS, "puerto-ordaz-hotel")
    assert sighting_at(SIGHTINGS, position) == "puerto-ordaz-hotel"
    assert sighting_at(SIGHTINGS, {"lat": 5.0, "lng": -65.0}) is None
    assert sighting_at(SIGHTINGS, {"lat": None, "lng": None}) is None


def test_tooltip_whitespace_from_the_browser_does_not_matter():
    position, tooltip = at(SIGHTINGS, "acarigua-bakery")
    assert sighting_at(SIGHTINGS, position, tooltip=f"  {tooltip}\n") == "acarigua-bakery"


def test_the_selected_row_is_styled_and_no_other():
    sightings = counted_sightings(filter_categories(SIGHTINGS, ["sighting"]))
    facilities = filter_categories(FACILITIES, ["russian_asset"])
    proximity = proximity_table(facilities, sightings, 50.0)
    table = proximity_frame(proximity, {"sightings": SIGHTINGS, "facilities": FACILITIES})
    styled = highlight_selected(table, proximity, "acarigua-bakery")
    row = list(proximity.sightings["id"]).index("acarigua-bakery")
    assert styled.data.equals(table)
    computed = styled._compute().ctx
    assert {r for (r, _c) in computed if computed[(r, _c)]} == {row}
    assert len([cell for cell in computed if cell[0] == row]) == len(table.columns)
    assert SELECTED_ROW_STYLE.startswith("background-color")
    assert highlight_selected(table, proximity, None) is table
    assert highlight_selected(table, proximity, "not-there") is table


def test_envelope_frame_speaks_in_words_and_percentages():
    facilities = filter_categories(FACILITIES, ["russian_asset"])
    sightings = counted_sightings(filter_categories(SIGHTINGS, ["sighting"]))
    found = global_test(simulate_null(facilities, sightings, simulations=199, rng=1), 20, 40)
    frame = envelope_frame(found)
    assert len(frame) == 21
    first = frame.iloc[0]
    assert first["Radius"] == "20 km"
    assert first["Sightings within"].endswith("%)") and " of 3 " in first["Sightings within"]
    assert "%" in first["Global 95% envelope"] and "0.000000" not in str(first.to_dict())
    assert set(frame["Above the global envelope"]) <= {"yes", "no"}


def test_scenario_frame_has_no_internal_names():
    facilities = gpd.GeoDataFrame(geometry=gpd.points_from_xy([-66.9], [10.5]), crs=4326)
    sightings = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=gpd.points_from_xy(
        [-66.91, -62.6], [10.5, 8.3]), crs=4326)
    panel = robustness(facilities, sightings, simulations=99, rng=1, r_min_km=5,
                       jitter_repeats=2, jitter_simulations=49)
    table = scenario_frame(panel.rows(), {"a": "Place A"}, {"towns": "Random towns"})
    text = table.to_string()
    assert "global" not in set(table["Radius"]) and "all radii (global test)" in text
    assert "Place A" in set(table["Left out"]) and "nobody" in set(table["Left out"])
    assert "moved within their precision (median of repeats)" in set(table["Locations"])
    assert "towns_weighted" in set(table["Chance model"])  # no label given: the name shows
    assert "Random towns" in set(table["Chance model"])


def test_shared_points_give_the_distance_the_precision_allows():
    facilities = filter_categories(FACILITIES, ["russian_asset"])
    sightings = counted_sightings(filter_categories(SIGHTINGS, ["sighting"]))
    shared = shared_points(proximity_table(facilities, sightings, 50.0), facilities,
                           sightings)
    assert [(s["sighting"], s["up_to_km"]) for s in shared] == [("Acarigua: bakery", 20.0)]


def test_names_are_escaped_for_markdown():
    frames = {"sightings": gpd.GeoDataFrame({"id": ["x"], "name": ["[a](http://e)"]},
                                            geometry=gpd.points_from_xy([0], [0]))}
    assert names_of(frames, ["x", "missing"]) == ["\\[a\\]\\(http\\:\\/\\/e\\)", "missing"]
