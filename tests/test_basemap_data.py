"""The committed offline basemap: finer coast, states, rivers, lakes and labels.

The files are built by ``python scripts/build_data.py --basemap`` from downloaded packages
(not available to the tests); these tests check what a reader of the map relies on.
"""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
import shapely.ops
from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GEOD = Geod(ellps="WGS84")


def features(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text("utf-8"))["features"]


def shape(feature):
    return shapely.geometry.shape(feature["geometry"])


def by_name(name: str) -> dict:
    return {f["properties"]["name"]: shape(f) for f in features(name)}


def inland_km(polygon, lon, lat) -> float:
    """Distance from the point to the polygon's boundary, positive when inside (km)."""
    point = shapely.Point(lon, lat)
    nearest = shapely.ops.nearest_points(polygon.boundary, point)[0]
    _, _, metres = GEOD.inv(lon, lat, nearest.x, nearest.y)
    return metres / 1000 * (1 if polygon.contains(point) else -1)


def test_maiquetia_airport_is_on_land_in_the_10m_outline_and_the_coast_is_fine():
    venezuela = shape(features("venezuela.geojson")[0])
    assert inland_km(venezuela, -66.99, 10.60) > 0.5  # 2.7 km at sea on the old outline
    assert shapely.get_num_coordinates(venezuela) > 3000  # was 92 vertices
    # Margarita is part of the outline (the old one had no islands).
    assert venezuela.contains(shapely.Point(-63.9, 11.0))


def test_the_uniform_null_and_the_basemap_use_the_same_outline():
    countries = {f["properties"]["iso_a3"]: shape(f) for f in features(
        "basemap_countries.geojson")}
    venezuela = shape(features("venezuela.geojson")[0])
    assert countries["VEN"].symmetric_difference(venezuela).area < 1e-6
    for code in ("COL", "BRA", "GUY", "TTO"):
        assert code in countries


def test_states_are_venezuelas_first_level_divisions_with_their_names():
    states = features("basemap/states.geojson")
    names = {f["properties"]["name"] for f in states}
    assert len(states) == 25  # 23 states, Distrito Capital, Dependencias Federales
    assert {"Falcón", "Portuguesa", "Bolívar", "Zulia", "Distrito Capital",
            "Dependencias Federales"} <= names
    assert all(f["properties"]["iso_3166_2"].startswith("VE-") for f in states)
    coro = shapely.Point(-69.678, 11.408)
    assert [f["properties"]["name"] for f in states if shape(f).contains(coro)] == ["Falcón"]


def test_rivers_are_named_and_run_where_the_towns_are():
    rivers = by_name("basemap/rivers.geojson")
    assert {"Orinoco", "Caroní", "Apure"} <= set(rivers)
    orinoco = rivers["Orinoco"]
    for lon, lat in ((-63.547, 8.124), (-67.583, 5.660)):  # Ciudad Bolívar, Puerto Ayacucho
        assert orinoco.distance(shapely.Point(lon, lat)) < 0.06  # ~6 km: a 1:50m line
    assert GEOD.geometry_length(orinoco) / 1000 > 1500
    # The Caroní meets the Orinoco at Ciudad Guayana.
    assert rivers["Caroní"].distance(shapely.Point(-62.641, 8.351)) < 0.15
    ranks = {f["properties"]["name"]: f["properties"]["rank"]
             for f in features("basemap/rivers.geojson")}
    assert ranks["Orinoco"] == 1


def test_lake_maracaibo_and_guri_are_water_polygons():
    lakes = by_name("basemap/lakes.geojson")
    maracaibo = lakes["Lake Maracaibo"]
    area_km2 = abs(GEOD.geometry_area_perimeter(maracaibo)[0]) / 1e6
    assert 11_000 < area_km2 < 13_500
    assert maracaibo.contains(shapely.Point(-71.5, 9.8))
    guri = lakes["Guri Reservoir"]
    # Natural Earth's 1:10m Guri is generalised: ~1,240 km² of the reservoir's ~4,000.
    assert 1_000 < abs(GEOD.geometry_area_perimeter(guri)[0]) / 1e6 < 6_000
    # Neither lake is drawn as land by the outline's holes: the lake lies inside Venezuela.
    venezuela = shape(features("venezuela.geojson")[0])
    assert venezuela.buffer(0.01).contains(guri.representative_point())


def test_places_are_ranked_big_cities_and_the_capital_first():
    places = features("basemap/places.geojson")
    names = [f["properties"]["name"] for f in places]
    assert names[0] == "Caracas"
    assert {"Maracaibo", "Coro", "Acarigua", "Punto Fijo",
            "Ciudad Guayana (Puerto Ordaz)"} <= set(names)
    ranks = [f["properties"]["rank"] for f in places]
    assert ranks == sorted(ranks)
    populations = {f["properties"]["name"]: f["properties"]["population"] for f in places}
    assert populations["Maracaibo"] > populations["Coro"] > 0
    story = {f["properties"]["name"] for f in places if f["properties"]["story"]}
    assert {"Punto Fijo", "Acarigua"} <= story
    box = shapely.box(-80, -8, -50, 20)
    assert all(box.contains(shape(f)) for f in places)  # Moscow is not a basemap label


def test_sea_and_country_labels_lie_on_water_and_land():
    land = shapely.union_all([shape(f) for f in features("basemap_countries.geojson")])
    for feature in features("basemap/labels.geojson"):
        point, kind = shape(feature), feature["properties"]["kind"]
        assert land.contains(point) == (kind == "country"), feature["properties"]["name"]


def _basemap_module():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        spec = importlib.util.spec_from_file_location("basemap", ROOT / "scripts/basemap.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def test_river_tracing_follows_the_network_between_stops():
    """A small river tree: a main stem with a tributary; the traced course from the
    tributary's head to the mouth never enters the main stem's upper reach."""
    basemap = _basemap_module()
    main = np.array([[0.0, 0.0], [0.1, 0.0], [0.2, 0.0], [0.3, 0.0]])
    tributary = np.array([[0.2, 0.2], [0.2, 0.1], [0.2001, 0.0001]])  # ends ~15 m off
    course = basemap._trace([main, tributary], [(0.2, 0.2), (0.3, 0.0)])
    xs = shapely.get_coordinates(course)[:, 0]
    assert xs.min() >= 0.2 - 1e-9  # did not wander to the upper reach (x < 0.2)
    assert course.coords[0] == pytest.approx((0.2, 0.2))
    assert course.coords[-1] == pytest.approx((0.3, 0.0))
    with pytest.raises(SystemExit, match="no river within 15 km"):
        basemap._trace([main], [(5.0, 5.0), (0.3, 0.0)])


def test_place_ranks_follow_population_and_capital():
    basemap = _basemap_module()
    assert [basemap._rank(p, c) for p, c in ((10, True), (1_500_000, False),
                                               (400_000, False), (150_000, False),
                                               (20_000, False))] == [1, 2, 3, 4, 5]
