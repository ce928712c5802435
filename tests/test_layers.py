"""The layer validator: one precise message per problem, valid features kept."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from layers import get_layer, load_bytes
from layers.validation import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent


def sighting(fid="s1", lon=-66.9, lat=10.5, **overrides):
    properties = {
        "id": fid, "name": "A sighting", "category": "sighting", "confidence": "reported",
        "location_precision_km": 5, "date": "2019-05", "description": "", "people": 2,
        "sources": [{"publisher": "Meduza", "title": "T", "published": "2019", "url": None,
                     "quote": "q"}],
    }
    properties.update(overrides)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


BAD_FILES = [
    ("invalid_json", b'{"type": "FeatureCollection",\n "features": [1,]}', None, None,
     "expected valid JSON, found Expecting value at line 2, column 17"),
    ("not_a_feature_collection", b'{"type": "Feature"}', None, "type",
     "expected a GeoJSON FeatureCollection, found 'Feature'"),
    ("a_list", b"[1, 2]", None, "type", "expected a GeoJSON FeatureCollection, found 'list'"),
    ("empty_file", b"", None, None, "found an empty file"),
    ("no_features", collection(), None, "features", "expected at least one feature"),
    ("not_utf8", b'{"type": "FeatureCollection", "features": ["\xff"]}', None, None,
     "expected UTF-8 text, found byte 0xff at offset 44"),
    ("nan_constant", b'{"type": "FeatureCollection", "features": [NaN]}', None, None,
     "the non-standard constant NaN"),
    ("no_geometry", collection({**sighting(), "geometry": None}), "'s1'", "geometry",
     "expected a geometry, found null or missing"),
    ("longitude_out_of_range", collection(sighting(lon=-200)), "'s1'", "geometry.coordinates",
     "expected longitude in [-180, 180] and latitude in [-90, 90], found (-200, 10.5)"),
    ("latitude_out_of_range", collection(sighting(lat=95)), "'s1'", "geometry.coordinates",
     "found (-66.9, 95)"),
    ("missing_property", collection(sighting(name=None)), "'s1'", "name",
     "expected a valid string, found None"),
    ("mistyped_property", collection(sighting(location_precision_km="5")), "'s1'",
     "location_precision_km", "expected a valid number, found '5'"),
    ("bad_confidence", collection(sighting(confidence="sure")), "'s1'", "confidence",
     "expected 'confirmed', 'reported', 'rumored' or 'background', found 'sure'"),
    ("empty_sources", collection(sighting(sources=[])), "'s1'", "sources",
     "expected at least 1 item, found []"),
    ("bad_date", collection(sighting(date="May 2019")), "'s1'", "date",
     "expected an ISO 8601 date such as 2019, 2019-05 or 2019-05-03"),
    ("javascript_url", collection(sighting(sources=[{
        "publisher": "X", "title": "T", "published": None, "url": "javascript:alert(1)",
        "quote": "q"}])), "'s1'", "sources.0.url", "expected an http(s) address or null"),
    ("wrong_geometry_type", collection({**sighting(), "geometry": {
        "type": "LineString", "coordinates": [[-66, 10], [-65, 10]]}}), "'s1'",
     "geometry.type", "expected one of Point, found 'LineString'"),
    ("duplicate_id", collection(sighting("s1"), sighting("s1")), "'s1'", "id",
     "expected an id unique in the file, found a duplicate of feature #0"),
]


@pytest.mark.parametrize("name,data,feature,field,message", BAD_FILES,
                         ids=[row[0] for row in BAD_FILES])
def test_bad_file_gets_a_message_naming_file_feature_and_field(name, data, feature, field,
                                                               message):
    result = load_bytes(data, "upload.geojson", get_layer("sightings"))
    assert result.errors, "the problem was not reported"
    problem = result.errors[0]
    assert problem.file == "upload.geojson"
    assert problem.feature == feature
    assert problem.field == field
    assert message in str(problem)
    assert str(problem).startswith("upload.geojson")


def test_valid_features_are_kept_when_others_are_rejected():
    data = collection(sighting("good"), sighting("bad", lon=500), sighting("also-good"))
    result = load_bytes(data, "mixed.geojson", get_layer("sightings"))
    assert list(result.frame["id"]) == ["good", "also-good"]
    assert [p.feature for p in result.errors] == ["'bad'"]


def test_feature_without_id_is_named_by_its_index():
    feature = sighting()
    del feature["properties"]["id"]
    result = load_bytes(collection(sighting("a"), feature), "f.geojson", get_layer("sightings"))
    assert result.errors[0].feature == "#1"


def test_file_over_the_size_limit_is_refused_without_parsing():
    result = load_bytes(b" " * (MAX_FILE_BYTES + 1), "big.geojson")
    assert "at most 25,000,000 bytes (25 MB)" in str(result.errors[0])


def test_self_intersecting_polygon_is_rejected_or_repaired_with_a_warning():
    bowtie = {"type": "Feature", "properties": {"id": "f"}, "geometry": {
        "type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}
    rejected = load_bytes(collection(bowtie), "p.geojson")
    assert "Self-intersection" in str(rejected.errors[0])
    repaired = load_bytes(collection(bowtie), "p.geojson", repair=True)
    assert repaired.errors == () and repaired.problems[0].severity == "warning"
    assert repaired.frame.geometry.iloc[0].is_valid


def test_loading_never_mutates_the_input_object():
    from layers.validation import validate_collection

    obj = json.loads(collection(sighting()))
    before = json.dumps(obj, sort_keys=True)
    validate_collection(obj, "x", get_layer("sightings"))
    assert json.dumps(obj, sort_keys=True) == before


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_validates_the_shipped_data():
    files = sorted(str(p) for p in (ROOT / "data").glob("*.geojson"))
    completed = run_cli("validate", *files)
    assert completed.returncode == 0, completed.stdout
    assert completed.stdout == ""


def test_cli_reports_one_line_per_problem_and_exits_non_zero(tmp_path):
    bad = tmp_path / "sightings.geojson"
    bad.write_bytes(collection(sighting("a", lon=500), sighting("b", confidence="sure")))
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json")
    completed = run_cli("validate", str(bad), str(broken))
    assert completed.returncode == 1
    lines = completed.stdout.strip().splitlines()
    assert lines == [
        "sightings.geojson: feature 'a': field 'geometry.coordinates': expected longitude in "
        "[-180, 180] and latitude in [-90, 90], found (500, 10.5)",
        "sightings.geojson: feature 'b': field 'confidence': expected 'confirmed', "
        "'reported', 'rumored' or 'background', found 'sure'",
        "broken.geojson: expected valid JSON, found Expecting property name enclosed in "
        "double quotes at line 1, column 2",
    ]
    assert "Traceback" not in completed.stderr


def test_cli_names_a_missing_file():
    completed = run_cli("validate", "nowhere.geojson")
    assert completed.returncode == 1
    assert completed.stdout.strip() == (
        "nowhere.geojson: expected a readable file, found No such file or directory")
