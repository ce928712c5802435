"""Known answers for geodesic distances, polygon distances and buffers."""

from pathlib import Path

import numpy as np
import pytest
import shapely

from analysis.geodesic import distance_km, geodesic_buffer, geodesic_circle
from analysis.nearest import GeodesicIndex


def brute_force_km(geometry, lon, lat, step_degrees=0.0005):
    """Distance to a polygon/line by dense sampling of its boundary (0 inside)."""
    if geometry.geom_type == "Polygon" and shapely.contains_xy(geometry, lon, lat):
        return 0.0
    line = geometry.exterior if geometry.geom_type == "Polygon" else geometry
    xy = shapely.get_coordinates(shapely.segmentize(line, step_degrees))
    return float(distance_km(lon, lat, xy[:, 0], xy[:, 1]).min())


def test_one_degree_of_latitude_near_10_north_is_110_6_km():
    assert distance_km(-66.0, 9.5, -66.0, 10.5) == pytest.approx(110.6, abs=0.1)


def test_nearest_point_is_exact_against_brute_force():
    rng = np.random.default_rng(3)
    flon, flat = rng.uniform(-73, -60, 500), rng.uniform(1, 12, 500)
    qlon, qlat = rng.uniform(-73, -60, 3000), rng.uniform(1, 12, 3000)
    facility, dist = GeodesicIndex(shapely.points(flon, flat)).nearest(qlon, qlat)
    brute = distance_km(qlon[:, None], qlat[:, None], flon, flat)
    np.testing.assert_allclose(dist, brute.min(axis=1), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(facility, brute.argmin(axis=1))


@pytest.mark.parametrize("pairs_limit", [0, 10**9], ids=["k-d tree", "every pair"])
def test_both_nearest_paths_agree_with_brute_force(monkeypatch, pairs_limit):
    import analysis.nearest

    monkeypatch.setattr(analysis.nearest, "BRUTE_FORCE_PAIRS", pairs_limit)
    rng = np.random.default_rng(5)
    flon, flat = rng.uniform(-73, -60, 40), rng.uniform(1, 12, 40)
    qlon, qlat = rng.uniform(-73, -60, 500), rng.uniform(1, 12, 500)
    geoms = list(shapely.points(flon, flat)) + [SQUARE]
    index = GeodesicIndex(geoms)
    assert (index._tree(qlon.size) is None) == (pairs_limit > 0)
    facility, dist = index.nearest(qlon, qlat)
    full = index.distances(qlon, qlat)
    np.testing.assert_allclose(dist, full.min(axis=1), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(facility, full.argmin(axis=1))
    for row, (ids, d) in enumerate(index.within(qlon, qlat, 120.0)):
        expected = np.flatnonzero(full[row] <= 120.0)
        assert sorted(ids.tolist()) == expected.tolist()
        np.testing.assert_allclose(d, np.sort(full[row, expected]), atol=1e-9)


def test_the_story_sized_analysis_does_not_import_scipy():
    # scipy.spatial takes about half a second to import: the app's first map waits for it.
    import subprocess
    import sys

    code = ("import sys; import geopandas as gpd; from analysis.stats import simulate_null; "
            "f = gpd.GeoSeries.from_xy([-66.9, -71.6], [10.5, 10.6], crs=4326); "
            "s = gpd.GeoSeries.from_xy([-66.91, -71.62, -64.0], [10.5, 10.62, 8.0], crs=4326); "
            "simulate_null(f, s, 'towns', 999, rng=1).evaluate(50.0); "
            "simulate_null(f, s, 'towns_weighted', 999, rng=1).evaluate(50.0); "
            "print('scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "False"


def test_nearest_handles_many_near_ties():
    # Facilities on a circle around the query: all within 0.01% of each other.
    circle = shapely.get_coordinates(geodesic_circle(-66.0, 10.0, 50.0, 64).exterior)[:-1]
    index = GeodesicIndex(shapely.points(circle))
    _, dist = index.nearest([-66.0], [10.0])
    assert dist[0] == pytest.approx(50.0, rel=1e-9)


SQUARE = shapely.Polygon([(-66, 10), (-64, 10.5), (-63.5, 8), (-65.5, 7.5)])


@pytest.mark.parametrize(
    "lon, lat, where",
    [
        (-65.0, 9.0, "inside"),
        (-66.5, 9.0, "west, near"),
        (-70.0, 12.0, "far north-west"),
        (-64.9, 10.3, "inside near edge"),
        (-63.0, 6.0, "south-east"),
        (-66.01, 10.0, "1 km from a vertex"),
    ],
)
def test_polygon_distance_is_zero_inside_and_boundary_distance_outside(lon, lat, where):
    _, dist = GeodesicIndex([SQUARE]).nearest([lon], [lat])
    expected = brute_force_km(SQUARE, lon, lat)
    if expected == 0:
        assert dist[0] == 0.0, where
    else:
        assert dist[0] == pytest.approx(expected, rel=0.005), where


def test_line_distance_matches_dense_geodesic_sampling():
    line = shapely.LineString([(-70, 5), (-62, 11)])
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(-72, -60, 50), rng.uniform(3, 13, 50)
    _, dist = GeodesicIndex([line]).nearest(lon, lat)
    expected = [brute_force_km(line, x, y) for x, y in zip(lon, lat, strict=True)]
    np.testing.assert_allclose(dist, expected, rtol=0.005)


def test_distance_matrix_mixes_points_and_polygons():
    index = GeodesicIndex([shapely.Point(-66.0, 9.5), SQUARE, shapely.MultiPoint([(-66, 10.5)])])
    matrix = index.distances([-66.0], [9.5])
    assert matrix.shape == (1, 3)
    assert matrix[0, 0] == 0.0
    assert matrix[0, 2] == pytest.approx(110.6, abs=0.1)


@pytest.mark.parametrize("radius_km", [1.0, 10.0, 100.0, 300.0])
@pytest.mark.parametrize("lon, lat", [(-66.9, 10.5), (-62.0, 1.0), (-71.6, 12.0)])
def test_geodesic_circle_radius_error_below_half_percent(lon, lat, radius_km):
    ring = shapely.segmentize(geodesic_circle(lon, lat, radius_km).exterior, 0.001)
    xy = shapely.get_coordinates(ring)
    error = np.abs(distance_km(lon, lat, xy[:, 0], xy[:, 1]) / radius_km - 1)
    assert error.max() < 0.005


@pytest.mark.parametrize(
    "geometry",
    [SQUARE, shapely.LineString([(-70, 5), (-66, 8)]), shapely.MultiPoint([(-66, 9), (-65, 9)])],
    ids=["polygon", "line", "multipoint"],
)
def test_geodesic_buffer_boundary_is_within_half_percent_of_radius(geometry):
    radius_km = 25.0
    ring = shapely.get_coordinates(shapely.boundary(geodesic_buffer(geometry, radius_km)))
    sample = ring[:: max(1, len(ring) // 150)]
    index = GeodesicIndex([geometry])
    _, dist = index.nearest(sample[:, 0], sample[:, 1])
    np.testing.assert_allclose(dist, radius_km, rtol=0.005)


@pytest.mark.parametrize("radius_km", [-1.0, float("nan"), "10"])
def test_geodesic_buffer_rejects_bad_radius(radius_km):
    with pytest.raises(ValueError, match="radius_km"):
        geodesic_buffer(shapely.Point(0, 0), radius_km)


# -- long lines and rings measured in bulk (analysis.nearest._BulkPart) --------------------
SQUARE_WITH_HOLE = shapely.Polygon(
    [(-68, 6), (-62, 6), (-62, 11), (-68, 11)], holes=[[(-66, 8), (-64, 8), (-64, 9.5), (-66, 9.5)]]
)


@pytest.mark.parametrize(
    "geometry",
    [SQUARE, SQUARE_WITH_HOLE, shapely.LineString([(-70, 5), (-62, 11), (-61, 4)]),
     geodesic_circle(-66.9, 10.45, 20.0, vertices=2_000)],
    ids=["quadrilateral", "square with a hole", "bent line", "2,000-vertex circle"],
)
def test_bulk_distances_match_edge_by_edge_and_dense_sampling(geometry):
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(-73, -59, 300), rng.uniform(1, 13, 300)
    bulk = GeodesicIndex([geometry], bulk_min_vertices=0)
    edge_by_edge = GeodesicIndex([geometry], bulk_min_vertices=10**9)
    assert bulk.bulk_parts and not edge_by_edge.bulk_parts
    fast, slow = bulk.nearest(lon, lat)[1], edge_by_edge.nearest(lon, lat)[1]
    np.testing.assert_allclose(fast, slow, rtol=1e-3, atol=1e-6)
    for x, y, d in list(zip(lon, lat, fast, strict=True))[:40]:
        if geometry.geom_type == "Polygon" and shapely.contains_xy(geometry, x, y):
            assert d == 0.0
        else:  # never shorter than a boundary point's distance allows, and within 0.1%
            line = geometry.boundary if geometry.geom_type == "Polygon" else geometry
            xy = shapely.get_coordinates(shapely.segmentize(line, 0.0005))
            assert d == pytest.approx(distance_km(x, y, xy[:, 0], xy[:, 1]).min(), rel=1e-3)


def test_a_point_inside_a_long_polygon_is_at_0_km():
    circle = geodesic_circle(-66.9, 10.45, 20.0, vertices=10_000)
    index = GeodesicIndex([circle])
    assert index.bulk_parts
    _, dist = index.nearest([-66.9, -66.95], [10.45, 10.5])
    assert dist.tolist() == [0.0, 0.0]


def test_a_point_beside_a_long_square_is_at_the_geodesic_distance_to_its_edge():
    # East edge of the square is the meridian 65 W; a point 0.1 degree east of it at 10.5 N
    # is 10.95 km away along the parallel (the foot on the meridian is 2 m further north,
    # which changes the distance by less than a millimetre).
    square = shapely.segmentize(shapely.box(-66.0, 10.0, -65.0, 11.0), 0.001)
    index = GeodesicIndex([square], bulk_min_vertices=0)
    _, dist = index.nearest([-64.9], [10.5])
    expected = float(distance_km(-64.9, 10.5, -65.0, 10.5))
    assert expected == pytest.approx(10.95, abs=0.01)
    assert dist[0] == pytest.approx(expected, abs=1e-6)
    assert dist[0] <= expected


def test_bulk_parts_agree_in_distances_within_and_nearest():
    circle = geodesic_circle(-66.9, 10.45, 20.0, vertices=10_000)
    index = GeodesicIndex([shapely.Point(-70.0, 8.0), circle])
    lon, lat = np.array([-66.9, -66.5, -69.9, -64.0]), np.array([10.2, 10.45, 8.0, 9.0])
    full = index.distances(lon, lat)
    facility, dist = index.nearest(lon, lat)
    np.testing.assert_array_equal(facility, full.argmin(axis=1))
    np.testing.assert_allclose(dist, full.min(axis=1), atol=1e-12)
    ids = [hits.tolist() for hits, _ in index.within(lon, lat, 30.0)]
    assert ids == [[1], [1], [0], []]
