"""Proximity tables and display buffers."""

import geopandas as gpd
import pytest
import shapely

from analysis.geodesic import distance_km
from analysis.proximity import geodesic_buffers, proximity_table


def frame(ids, geometries):
    return gpd.GeoDataFrame({"id": ids}, geometry=geometries, crs="EPSG:4326")


FACILITIES = frame(
    ["office", "block"],
    [shapely.Point(-66.0, 9.5), shapely.box(-64.5, 8.0, -63.5, 8.6)],
)
SIGHTINGS = frame(
    ["near", "inside", "far"],
    [shapely.Point(-66.0, 9.6), shapely.Point(-64.0, 8.3), shapely.Point(-70.0, 12.0)],
)


def test_nearest_facility_and_within_lists():
    result = proximity_table(FACILITIES, SIGHTINGS, 20.0)
    table = result.sightings.set_index("id")
    assert table.loc["near", "nearest_facility_id"] == "office"
    assert table.loc["near", "distance_km"] == pytest.approx(
        float(distance_km(-66.0, 9.6, -66.0, 9.5)))
    assert table.loc["inside", "distance_km"] == 0.0
    assert table.loc["inside", "facilities_within"] == ["block"]
    assert table.loc["far", "facilities_within"] == [] and not table.loc["far", "within_radius"]
    per_facility = result.facilities.set_index("id").sightings_within.to_dict()
    assert per_facility == {"office": ["near"], "block": ["inside"]}


@pytest.mark.parametrize("radius_km, expected", [(0.0, ["block"]), (12.0, ["office", "block"])])
def test_radius_edge_cases(radius_km, expected):
    result = proximity_table(FACILITIES, SIGHTINGS.iloc[:2], radius_km)
    assert [f for row in result.sightings.facilities_within for f in row] == expected


def test_to_dict_schema_keys():
    out = proximity_table(FACILITIES, SIGHTINGS, 20.0).to_dict()
    assert set(out) == {"radius_km", "sightings", "facilities"}
    assert set(out["sightings"][0]) == {"id", "nearest_facility_id", "distance_km",
                                        "within_radius", "facilities_within"}
    assert {"id", "sightings_within"} <= set(out["facilities"][0])


def test_inputs_are_not_mutated():
    before = SIGHTINGS.copy()
    proximity_table(FACILITIES, SIGHTINGS, 20.0)
    assert SIGHTINGS.equals(before)


@pytest.mark.parametrize(
    "facilities, sightings, message",
    [
        (gpd.GeoDataFrame(geometry=[], crs=4326), SIGHTINGS, "empty"),
        (FACILITIES, FACILITIES, "points"),
        ([shapely.Point(0, 0)], SIGHTINGS, "GeoDataFrame"),
    ],
)
def test_bad_inputs_raise_clear_errors(facilities, sightings, message):
    with pytest.raises((ValueError, TypeError), match=message):
        proximity_table(facilities, sightings, 10.0)


def test_geodesic_buffers_are_polygons_in_wgs84_with_ids():
    buffers = geodesic_buffers(FACILITIES, 10.0)
    assert buffers.crs.to_epsg() == 4326
    assert buffers.id.tolist() == ["office", "block"]
    assert buffers.geometry.contains(FACILITIES.geometry).all()
