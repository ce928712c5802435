"""Analysis downloads: CSV table, buffers and results as GeoJSON, the Markdown box."""

import csv
import io
import json

import pytest
import shapely

import layers
from analysis.proximity import proximity_table
from analysis.report import methodology_markdown, proximity_csv
from analysis.stats import proximity_test
from mapview.build import MapState, analysis_subset
from ui import exports


@pytest.fixture(scope="module")
def run():
    frames = {name: r.frame for name, r in layers.load_all().items()}
    state = MapState(radius_km=50)
    facilities = analysis_subset(frames["facilities"], state.facility_categories)
    sightings = analysis_subset(frames["sightings"], state.sighting_categories)
    proximity = proximity_table(facilities, sightings, state.radius_km)
    result = proximity_test(facilities, sightings, state.radius_km, simulations=199, rng=1)
    return facilities, sightings, state, proximity, result


def test_proximity_csv_has_one_row_per_sighting(run):
    _, sightings, _, proximity, _ = run
    rows = list(csv.DictReader(io.StringIO(proximity_csv(proximity))))
    assert len(rows) == len(sightings)
    assert set(rows[0]) >= {"id", "nearest_facility_id", "distance_km", "within_radius"}


def test_buffers_geojson_holds_geodesic_buffers_and_the_test(run):
    facilities, sightings, state, proximity, result = run
    collection = json.loads(exports.buffers_geojson(facilities, sightings, state, proximity,
                                                    result))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(sightings)
    feature = collection["features"][0]
    assert {"id", "radius_km", "nearest_facility_id", "distance_km", "within_radius"} <= set(
        feature["properties"])
    assert shapely.geometry.shape(feature["geometry"]).geom_type == "Polygon"
    assert collection["test"]["p_value"] == result.p_value
    assert collection["test"]["null"] == "towns"


def test_methodology_box_has_data_method_result_and_caveats(run):
    facilities, sightings, state, _, result = run
    description = exports.data_description(facilities, sightings, state, {})
    box = methodology_markdown(result, description)
    for heading in ("**Data.**", "**Method.**", "**Result at", "**Caveats.**"):
        assert heading in box
    assert "Meduza" in box


def test_publishers_are_listed_once_in_order():
    frame = {"sources": [[{"publisher": "B"}, {"publisher": "A"}], [{"publisher": "B"}]]}
    assert exports.publishers(frame) == ("B", "A")
