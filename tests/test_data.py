"""The shipped layers: valid, sourced, verbatim, inside Venezuela, and up to date."""

import importlib.util
import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod

import layers
from layers.registry import DATA_DIR, LAYERS, story_layers

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def loaded():
    return layers.load_all()


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer.name)
def test_every_shipped_layer_validates_without_problems(loaded, layer):
    result = loaded[layer.name]
    assert [str(p) for p in result.problems] == []
    assert len(result.frame) > 0
    assert result.frame.crs.to_epsg() == 4326


def test_ids_are_unique_across_story_layers(loaded):
    ids = [fid for layer in story_layers() for fid in loaded[layer.name].frame["id"]]
    claims, _ = layers.load_claims()
    ids += [claim["id"] for claim in claims]
    assert len(ids) == len(set(ids))


def test_claims_without_place_validate_and_have_no_geometry():
    claims, problems = layers.load_claims()
    assert problems == []
    assert any("construction site" in c["sources"][0]["quote"] for c in claims)
    assert all("geometry" not in claim for claim in claims)


def _quotes(obj):
    if isinstance(obj, dict):
        if obj.get("quote"):
            yield obj["quote"]
        for value in obj.values():
            yield from _quotes(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _quotes(value)


def _normalise(text):
    return re.sub(r"\s+", " ", text)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")
@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*json")), ids=lambda p: p.name)
def test_every_quote_is_verbatim_in_the_source_texts(path):
    seeds = _normalise(" ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")))
    for quote in _quotes(json.loads(path.read_text(encoding="utf-8"))):
        assert _normalise(quote) in seeds, quote


def test_urls_are_only_the_addresses_printed_in_the_source_texts():
    seeds = " ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")) \
        if SEEDS.is_dir() else None
    for path in DATA_DIR.glob("*json"):
        for url in re.findall(r'"url": "([^"]+)"', path.read_text(encoding="utf-8")):
            assert url.startswith("https://")
            if seeds is not None:
                assert url in seeds, f"{path.name}: {url} is not in the source texts"


def test_every_point_lies_inside_venezuela_buffered_by_10_km(loaded):
    venezuela = loaded["venezuela"].frame.geometry.iloc[0]
    # Buffer by 10 km in a metric equal-distance projection centred on Venezuela.
    aeqd = "+proj=aeqd +lat_0=7 +lon_0=-66 +datum=WGS84 +units=m"
    border = gpd.GeoSeries([venezuela], crs=4326).to_crs(aeqd).buffer(10_000).to_crs(4326)[0]
    for name in ("facilities", "sightings", "orinoco_mining_arc"):
        for _, row in loaded[name].frame.iterrows():
            assert border.contains(row.geometry), f"{name}: {row['id']} lies outside"
    outside = []
    for _, row in loaded["flights"].frame.iterrows():
        for lon, lat in shapely.get_coordinates(row.geometry):
            if not border.contains(shapely.Point(lon, lat)):
                outside.append((row["id"], round(lon, 2), round(lat, 2)))
    # Only the documented foreign endpoints: Moscow, Varadero, Barbados.
    assert {(round(lon), round(lat)) for _, lon, lat in outside} == {(38, 56), (-81, 23),
                                                                       (-59, 13)}


def test_mining_arc_area_is_within_10_percent_of_the_decree():
    arc = gpd.read_file(DATA_DIR / "orinoco_mining_arc.geojson")
    area_m2, _ = GEOD.geometry_area_perimeter(arc.geometry.iloc[0])
    official = arc["official_area_km2"].iloc[0]
    assert official == 111843.7
    assert abs(abs(area_m2) / 1e6 - official) / official < 0.10
    assert arc["location_precision_km"].iloc[0] > 0


def test_required_story_features_are_present(loaded):
    facilities = set(loaded["facilities"].frame["id"])
    assert {"rosneft-office-caracas", "amuay-refinery", "cemareh-acarigua",
            "carabobo-2-oil-field", "kalashnikov-factory-maracay", "guri-dam"} <= facilities
    sightings = loaded["sightings"].frame.set_index("id")
    assert sightings.loc["coro-cumberland-hotel", "people"] == 15
    assert sightings.loc["coro-cumberland-hotel", "date"] == "2019-05-03"
    registrations = set(loaded["flights"].frame["registration"])
    assert {"RA-86496", "RA-82035", "VP-BJL", "VP-BJB", "RA-78765", "FAV2810"} <= registrations
    guri = loaded["facilities"].frame.set_index("id").loc["guri-dam"]
    assert guri["category"] == "context"


def test_airport_coordinates_come_from_the_gazetteer(loaded):
    import airportsdata

    airports = airportsdata.load("ICAO")
    coro = loaded["sightings"].frame.set_index("id").loc["coro-cumberland-hotel"].geometry
    assert (coro.x, coro.y) == (round(airports["SVCR"]["lon"], 5),
                                round(airports["SVCR"]["lat"], 5))


def test_committed_data_matches_the_build_script(tmp_path):
    spec = importlib.util.spec_from_file_location("build_data", ROOT / "scripts/build_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for written in module.build(tmp_path):
        shipped = DATA_DIR / written.name
        assert written.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8"), (
            f"{written.name} is out of date: run python scripts/build_data.py")
