"""Analysts' files: every kind of bad input gets a precise message; good features are kept."""

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from layers.readers import MAX_COORDINATES, MAX_FEATURES, read_bytes
from layers.validation import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent


def fc(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def point(lon, lat, **properties):
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


CORO = point(-69.68, 11.41, id="coro", name="Coro")

# (name, file name, content, expected text of the first error)
BAD_INPUTS = [
    ("invalid_json", "a.geojson", b'{"type": "FeatureCollection",\n "features": [}',
     "a.geojson: expected valid JSON, found Expecting value at line 2, column 15"),
    ("not_a_feature_collection", "a.geojson", b'{"type": "Point", "coordinates": [1, 2]}',
     "a.geojson: field 'type': expected a GeoJSON FeatureCollection, found 'Point'"),
    ("missing_geometry", "a.geojson", fc({"type": "Feature", "properties": {"id": "x"},
                                          "geometry": None}),
     "a.geojson: feature 'x': field 'geometry': expected a geometry, found null or missing"),
    ("unsupported_geometry", "a.geojson", fc({"type": "Feature", "properties": {"id": "x"},
                                              "geometry": {"type": "LineString",
                                                           "coordinates": [[-66, 10],
                                                                           [-65, 10]]}}),
     "a.geojson: feature 'x': field 'geometry.type': expected one of Point, found "
     "'LineString'"),
    ("out_of_range", "a.geojson", fc(point(-66.9, 95, id="x")),
     "a.geojson: feature 'x': field 'geometry.coordinates': expected longitude in "
     "[-180, 180] and latitude in [-90, 90], found (-66.9, 95)"),
    ("projected_without_crs", "a.csv", b"name,x,y\nA,512000,1160000\n",
     "a.csv: field 'geometry.coordinates': expected longitude/latitude in degrees (WGS84), "
     "found values in the thousands, which look projected (metres) with no CRS given"),
    ("duplicate_ids", "a.geojson", fc(CORO, CORO),
     "a.geojson: feature 'coro': field 'id': expected an id unique in the file, found a "
     "duplicate of feature #0"),
    ("empty_file", "a.geojson", b"", "a.geojson: expected a GeoJSON FeatureCollection, "
     "found an empty file"),
    ("empty_csv", "a.csv", b"", "a.csv: expected a CSV file with a header row, found an "
     "empty file"),
    ("not_utf8", "a.csv", "name,lat,lon\nCaracas\xe9,10.5,-66.9\n".encode("latin-1"),
     "a.csv: expected UTF-8 text, found byte 0xe9 at offset 20"),
    ("too_large", "a.geojson", b" " * (MAX_FILE_BYTES + 1),
     f"a.geojson: expected a file of at most {MAX_FILE_BYTES:,} bytes"),
    ("csv_without_coordinates", "a.csv", b"name,town\nA,Coro\n",
     "a.csv: field 'header': expected latitude and longitude columns"),
    ("csv_bad_number", "a.csv", b"name,lat,lon\nA,10.5,-66.9\nB,ten,-66\n",
     "a.csv: line 3: field 'lat': expected a number, found 'ten'"),
    ("broken_geopackage", "a.gpkg", b"SQLite format 3\x00 not really",
     "a.gpkg: expected a readable GeoPackage"),
    ("too_many_features", "a.csv",
     b"name,lat,lon\n" + b"A,10.5,-66.9\n" * (MAX_FEATURES + 1),
     f"a.csv: field 'features': expected at most {MAX_FEATURES:,} features, found "
     f"{MAX_FEATURES + 1:,}"),
    ("too_many_coordinates", "a.geojson", fc({
        "type": "Feature", "properties": {"id": "x"},
        "geometry": {"type": "MultiPoint",
                     "coordinates": [[-66.9, 10.5]] * (MAX_COORDINATES + 1)}}),
     f"a.geojson: field 'geometry.coordinates': expected at most {MAX_COORDINATES:,} "
     f"coordinate positions in the file, found {MAX_COORDINATES + 1:,}"),
    ("json_null", "a.geojson", b"null",  # found by the fuzz test: once read as no features
     "a.geojson: field 'type': expected a GeoJSON FeatureCollection, found 'NoneType'"),
    ("string_coordinates", "a.geojson", fc(point("-66.9", "10.5", id="x")),
     "a.geojson: feature 'x': field 'geometry.coordinates': expected numbers in every "
     "position (RFC 7946), e.g. [-66.9, 10.5], found '-66.9' (str)"),
    ("boolean_coordinates", "a.geojson", fc(point(True, False, id="x")),
     "a.geojson: feature 'x': field 'geometry.coordinates': expected numbers in every "
     "position (RFC 7946), e.g. [-66.9, 10.5], found True (bool)"),
    ("null_coordinate", "a.geojson", fc(point(None, 10.5, id="x")),
     "a.geojson: feature 'x': field 'geometry.coordinates': expected numbers in every "
     "position (RFC 7946), e.g. [-66.9, 10.5], found None (null)"),
    ("nested_wrong", "a.geojson", fc(point([-66.9, 10.5], [10.5], id="x")),
     "a.geojson: feature 'x': field 'geometry.coordinates': expected coordinates of a "
     "valid geometry"),
    ("object_in_coordinates", "a.geojson", fc(point({"lon": -66.9}, 10.5, id="x")),
     "a.geojson: feature 'x': field 'geometry.coordinates': expected numbers in every "
     "position (RFC 7946), e.g. [-66.9, 10.5], found {'lon': -66.9} (dict)"),
]


@pytest.mark.parametrize("name,file_name,content,message", BAD_INPUTS,
                         ids=[row[0] for row in BAD_INPUTS])
def test_each_kind_of_bad_input_gets_a_precise_message(name, file_name, content, message):
    result = read_bytes(content, file_name, "sightings")
    assert result.errors
    assert str(result.errors[0]).startswith(message)


def test_good_features_are_kept_next_to_bad_ones():
    result = read_bytes(fc(CORO, point(-66.9, 95, id="bad"), point(-66.9, 10.5, id="ok")),
                        "mixed.geojson", "sightings")
    assert list(result.frame["id"]) == ["coro", "ok"]
    assert [p.feature for p in result.errors] == ["'bad'"]


def test_missing_optional_fields_get_defaults_with_a_warning_each():
    result = read_bytes(b"name,latitude,longitude\nCoro hotel,11.41,-69.68\n", "m.csv",
                        "sightings")
    row = result.frame.iloc[0]
    assert row["id"] == "upload-coro-hotel"
    assert row["confidence"] == "rumored" and row["category"] == "sighting"
    assert row["location_precision_km"] is None  # unknown, never 0 km ("exact")
    assert row["sources"][0]["publisher"] == "Uploaded file m.csv"
    assert {p.field for p in result.warnings} == {"id", "confidence", "location_precision_km",
                                                  "sources"}


# (name, file name, content, field nulled, expected start of the warning)
OPTIONAL_FIELD_FAILS = [
    ("javascript_url", "a.geojson", fc(point(-66.9, 10.5, id="x", sources=[
        {"publisher": "P", "title": "T", "published": None, "url": "javascript:alert(1)",
         "quote": None}])), "sources.0.url",
     "warning: a.geojson: feature 'x': field 'sources.0.url': expected an http(s) address "
     "or null (an optional field: its value was removed, the feature kept), found "
     "'javascript:alert(1)'"),
    ("mistyped_count", "a.geojson", fc(point(-66.9, 10.5, id="x", people="many")), "people",
     "warning: a.geojson: feature 'x': field 'people': expected a valid integer"),
    ("huge_count", "a.geojson", fc(point(-66.9, 10.5, id="x", people=10**30)), "people",
     "warning: a.geojson: feature 'x': field 'people': expected "),
    ("impossible_date", "a.csv", b"name,lat,lon,date\nA,10.5,-66.9,2019-02-30\n", "date",
     "warning: a.csv: line 2: field 'date': expected a real calendar date"),
    ("negative_precision", "a.geojson",
     fc(point(-66.9, 10.5, id="x", location_precision_km=-3)), "location_precision_km",
     "warning: a.geojson: feature 'x': field 'location_precision_km': expected "),
]


@pytest.mark.parametrize("name,file_name,content,field,warning", OPTIONAL_FIELD_FAILS,
                         ids=[row[0] for row in OPTIONAL_FIELD_FAILS])
def test_an_optional_field_that_fails_loses_its_value_not_the_feature(name, file_name,
                                                                       content, field,
                                                                       warning):
    result = read_bytes(content, file_name, "sightings")
    assert result.errors == ()
    assert len(result.frame) == 1  # the feature, its geometry and other fields kept
    assert any(str(p).startswith(warning) for p in result.warnings), result.warnings
    kept = result.features[0]["properties"]
    if "." in field:
        top, index, sub = field.split(".")
        assert kept[top][int(index)][sub] is None
        assert kept[top][int(index)]["publisher"] == "P"
    else:
        assert kept[field] is None
    assert "javascript:" not in result.to_geojson()


def test_a_required_field_that_fails_still_refuses_the_feature():
    result = read_bytes(fc(point(-66.9, 10.5, id="x", confidence="sure", url="x"),
                           point(-66.8, 10.5, id="y")), "r.geojson", "sightings")
    assert [str(p) for p in result.errors] == [
        "r.geojson: feature 'x': field 'confidence': expected 'confirmed', 'reported', "
        "'rumored' or 'background', found 'sure'"]
    assert list(result.frame["id"]) == ["y"]


def test_validated_geojson_holds_numbers_only():
    result = read_bytes(fc(point("-66.9", "10.5", id="s"), point(-66.9, 10.5, id="n")),
                        "c.geojson", "sightings")
    assert list(result.frame["id"]) == ["n"]
    written = json.loads(result.to_geojson())
    for feature in written["features"]:
        assert all(type(v) in (int, float) for v in feature["geometry"]["coordinates"])


@pytest.mark.parametrize("text", ["Coro\u202ehotel", "Co\u200bro", "\u2066Coro\u2069",
                                  "Coro\ufeff", "Coro\u200f"])
def test_invisible_direction_and_zero_width_characters_are_stripped_with_a_warning(text):
    result = read_bytes(fc(point(-66.9, 10.5, id="coro", name=text)), "n.geojson",
                        "sightings")
    assert result.errors == ()
    assert result.frame["name"][0] == "Coro" + ("hotel" if "hotel" in text else "")
    warning = next(p for p in result.warnings if p.field == "name")
    assert str(warning).startswith("warning: n.geojson: feature 'coro': field 'name': "
                                   "expected text without invisible direction or zero-width "
                                   "characters, found U+")


def test_invisible_characters_in_ids_and_file_names_are_stripped_too():
    result = read_bytes(b"id,lat,lon\nco\xe2\x80\x8bro,10.5,-66.9\n",
                        "evil\u202egpj.csv", None)
    assert result.file == "evilgpj.csv"
    assert list(result.frame["id"]) == ["coro"]
    fields = {p.field for p in result.warnings}
    assert {"file name", "id"} <= fields
    assert all("\u202e" not in str(p) for p in result.problems)


def gpkg_with_blob(path: Path) -> bytes:
    import sqlite3

    frame = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"]},
                             geometry=gpd.points_from_xy([-66.9, -66.8], [10.5, 10.5]),
                             crs=4326)
    # No R-tree: its triggers call SpatiaLite functions that plain sqlite3 lacks.
    frame.to_file(path, layer="sightings", SPATIAL_INDEX="NO")
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE sightings ADD COLUMN photo BLOB")
        connection.execute("UPDATE sightings SET photo = x'89504e470d0a1a0a'")
    return path.read_bytes()


def test_a_geopackage_blob_column_is_dropped_with_a_warning(tmp_path):
    data = gpkg_with_blob(tmp_path / "blob.gpkg")
    for layer in ("sightings", None):  # the app's upload and the command line
        result = read_bytes(data, "blob.gpkg", layer)
        assert result.errors == ()
        assert sorted(result.frame["id"]) == ["a", "b"]
        assert "photo" not in result.frame.columns
        assert any(str(p).startswith("warning: blob.gpkg: field 'photo': expected text, "
                                     "numbers or dates, found binary data")
                   for p in result.warnings)
        json.loads(result.to_geojson())


@pytest.mark.parametrize("header", [("lat", "lon"), ("Latitude", "Longitude"), ("y", "x"),
                                    ("LAT", "lng"), ("latitude", "long")])
def test_usual_csv_header_names_are_recognised(header):
    content = f"name,{header[0]},{header[1]}\nA,10.5,-66.9\n".encode()
    result = read_bytes(content, "h.csv", "sightings")
    assert result.errors == ()
    assert (result.frame.geometry.x[0], result.frame.geometry.y[0]) == (-66.9, 10.5)


def test_semicolon_csv_and_numeric_columns_are_read():
    content = b"id;lat;lon;location_precision_km;people\nx;10.5;-66.9;5;3\n"
    row = read_bytes(content, "s.csv", "sightings").frame.iloc[0]
    assert row["location_precision_km"] == 5.0 and row["people"] == 3


def test_swapped_latitude_and_longitude_are_detected_and_fixed_on_request():
    content = b"name,lat,lon\nRight,10.5,-66.9\nSwapped,-69.68,11.41\n"
    hinted = read_bytes(content, "s.csv", "sightings")
    assert hinted.swap_suggested
    assert any("look swapped" in str(p) for p in hinted.warnings)
    fixed = read_bytes(content, "s.csv", "sightings", swap=True)
    assert not fixed.swap_suggested
    coordinates = sorted(zip(fixed.frame.geometry.x, fixed.frame.geometry.y, strict=True))
    assert coordinates == [(-69.68, 11.41), (-66.9, 10.5)]


def test_invalid_polygon_is_repaired_with_a_visible_warning():
    bowtie = {"type": "Feature", "properties": {"id": "field"}, "geometry": {
        "type": "Polygon", "coordinates": [[[-64, 8], [-63, 9], [-63, 8], [-64, 9], [-64, 8]]]}}
    result = read_bytes(fc(bowtie), "f.geojson", "facilities")
    assert result.errors == ()
    assert any(p.field == "geometry" and "Self-intersection" in p.found
               for p in result.warnings)
    assert result.frame.geometry.iloc[0].is_valid
    assert json.loads(result.to_geojson())["features"][0]["geometry"]["type"] in (
        "MultiPolygon", "Polygon")


def test_geopackage_in_another_crs_is_reprojected_with_a_warning(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["Coro"]}, geometry=gpd.points_from_xy([-69.68], [11.41]),
                             crs=4326).to_crs(32619)
    path = tmp_path / "p.gpkg"
    frame.to_file(path, driver="GPKG")
    result = read_bytes(path.read_bytes(), "p.gpkg", "sightings")
    assert result.errors == ()
    assert result.frame.geometry.x[0] == pytest.approx(-69.68, abs=1e-6)
    assert any(p.field == "crs" and p.severity == "warning" for p in result.problems)


def endless_view_geopackage(path: Path) -> bytes:
    """A GeoPackage whose only layer is a recursive SQL view: endless rows if read."""
    import sqlite3

    gpd.GeoDataFrame({"name": ["x"]}, geometry=gpd.points_from_xy([-66.9], [10.5]),
                     crs=4326).to_file(path, layer="base", driver="GPKG")
    connection = sqlite3.connect(path)
    connection.executescript("""
        CREATE VIEW endless AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)
            SELECT r.n AS fid, base.geom AS geom, base.name AS name FROM r, base;
        INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
            VALUES ('endless', 'features', 'endless', 4326);
        INSERT INTO gpkg_geometry_columns VALUES ('endless', 'geom', 'POINT', 4326, 0, 0);
        DELETE FROM gpkg_geometry_columns WHERE table_name = 'base';
        DELETE FROM gpkg_contents WHERE table_name = 'base';
    """)
    connection.commit()
    connection.close()
    return path.read_bytes()


def test_a_geopackage_layer_defined_by_a_view_is_refused_not_read(tmp_path):
    # Reading a recursive view never ends: the server would hang on a 100 KB upload.
    result = read_bytes(endless_view_geopackage(tmp_path / "v.gpkg"), "v.gpkg", "sightings")
    assert [str(p) for p in result.errors] == [
        "v.gpkg: field 'layers': expected a GeoPackage of plain tables, found "
        "'SQL view(s): endless: not read'"]
    assert result.frame.empty


def plain_geopackage(path: Path) -> Path:
    gpd.GeoDataFrame({"name": ["x"]}, geometry=gpd.points_from_xy([-66.9], [10.5]),
                     crs=4326).to_file(path, layer="base", driver="GPKG")
    return path


@pytest.mark.parametrize("sql,found", [
    # gpkg_contents itself a slow view: the check must not query it.
    ("ALTER TABLE gpkg_contents RENAME TO c0; CREATE VIEW gpkg_contents AS "
     "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
     "SELECT c0.* FROM c0, r;", "SQL view(s): gpkg_contents"),
    # Another table GDAL reads, as a view.
    ("ALTER TABLE gpkg_geometry_columns RENAME TO g0; "
     "CREATE VIEW gpkg_geometry_columns AS SELECT * FROM g0;", "SQL view(s): gpkg_geometry"),
    # A generated column computed on every read.
    ("ALTER TABLE base ADD COLUMN big TEXT AS (hex(zeroblob(200000000)));",
     "generated column(s): base.big"),
], ids=["contents_view", "geometry_columns_view", "generated_column"])
def test_geopackages_are_read_only_when_made_of_plain_tables(tmp_path, sql, found):
    import sqlite3

    path = plain_geopackage(tmp_path / "p.gpkg")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA legacy_alter_table = ON")  # rename without rewriting triggers
    connection.executescript("DROP TRIGGER IF EXISTS trigger_insert_feature_count_base; "
                             "DROP TRIGGER IF EXISTS trigger_delete_feature_count_base;" + sql)
    connection.commit()
    connection.close()
    result = read_bytes(path.read_bytes(), "p.gpkg", "sightings")
    assert str(result.errors[0]).startswith(
        f"p.gpkg: field 'layers': expected a GeoPackage of plain tables, found '{found}")
    assert read_bytes(plain_geopackage(tmp_path / "q.gpkg").read_bytes(), "q.gpkg",
                      "sightings").errors == ()


def test_a_geopackage_with_too_many_features_is_refused(tmp_path):
    count = MAX_FEATURES + 10
    frame = gpd.GeoDataFrame({"name": ["A"] * count},
                             geometry=gpd.points_from_xy([-66.9] * count, [10.5] * count),
                             crs=4326)
    frame.to_file(tmp_path / "many.gpkg", driver="GPKG")
    result = read_bytes((tmp_path / "many.gpkg").read_bytes(), "many.gpkg", "sightings")
    assert str(result.errors[0]) == (f"many.gpkg: field 'features': expected at most "
                                     f"{MAX_FEATURES:,} features, found more than "
                                     f"{MAX_FEATURES:,}")


def test_upload_reusing_a_shipped_id_is_rejected():
    result = read_bytes(fc(point(-66.9, 10.5, id="coro-cumberland-hotel")), "u.geojson",
                        "sightings", existing_ids={"coro-cumberland-hotel"})
    assert "an id not already in use" in str(result.errors[0])


def test_the_reserved_id_none_is_rejected():
    result = read_bytes(fc(point(-66.9, 10.5, id="none")), "u.geojson", "sightings")
    assert str(result.errors[0]) == ("u.geojson: feature 'none': field 'id': expected an id "
                                     "other than 'none', found a word the app uses for 'no "
                                     "selection'")


def test_validated_geojson_round_trips():
    result = read_bytes(b"name,lat,lon\nA,10.5,-66.9\n", "r.csv", "sightings")
    again = read_bytes(result.to_geojson().encode(), "r.geojson", "sightings")
    assert again.errors == ()
    assert list(again.frame["id"]) == list(result.frame["id"])


def test_reading_never_changes_the_shipped_data():
    before = {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (ROOT / "data").rglob("*") if p.is_file()}
    for _, file_name, content, _ in BAD_INPUTS:
        read_bytes(content, file_name, "sightings")
    read_bytes(b"name,lat,lon\nA,10.5,-66.9\n", "sightings.csv", "sightings")
    after = {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in (ROOT / "data").rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("name,file_name,content,message",
                         [row for row in BAD_INPUTS if row[0] in (
                             "invalid_json", "empty_csv", "csv_bad_number", "out_of_range",
                             "projected_without_crs", "not_utf8", "broken_geopackage")],
                         ids=lambda v: v if isinstance(v, str) and "." not in v else None)
def test_the_command_line_reports_bad_uploads_in_one_line_with_exit_2(tmp_path, name,
                                                                       file_name, content,
                                                                       message):
    path = tmp_path / file_name
    path.write_bytes(content)
    done = subprocess.run([sys.executable, "-m", "analysis", "proximity", "--sightings",
                           str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]
    assert "Traceback" not in done.stderr


def test_the_command_line_reads_csv_sightings(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("name,lat,lon\nNear Caracas,10.5,-66.9\n")
    done = subprocess.run([sys.executable, "-m", "analysis", "proximity", "--sightings",
                           str(path), "--radius-km", "20", "--format", "json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sightings"][0]["nearest_facility_id"] == "rosneft-office-caracas"
    assert result["sightings"][0]["within_radius"] is True


def test_readers_do_not_need_a_file_on_disk():
    assert read_bytes(io.BytesIO(b"name,lat,lon\nA,10.5,-66.9\n").getvalue(), "b.csv",
                      "sightings").errors == ()


def test_positions_with_extra_values_still_count_towards_the_limit():
    positions = [[-66.9, 10.5, "0"]] * (MAX_COORDINATES + 1)
    result = read_bytes(fc({"type": "Feature", "properties": {"id": "x"},
                            "geometry": {"type": "MultiPoint", "coordinates": positions}}),
                        "a.geojson", "facilities")
    assert result.frame.empty
    assert "coordinate positions" in str(result.errors[0])


def test_long_lines_are_limited_by_their_length_not_their_coordinates():
    from analysis.nearest import DENSIFY_DEGREES as ANALYSIS_STEP
    from layers.readers import DENSIFY_DEGREES, MAX_DENSIFIED_VERTICES

    assert DENSIFY_DEGREES == ANALYSIS_STEP  # the limit measures what the analysis does
    lines = [{"type": "Feature", "properties": {"id": f"l{i}"},
              "geometry": {"type": "LineString",
                           "coordinates": [[-179, -80 + i], [179, 80 - i]]}}
             for i in range(20)]  # 40 coordinates, about 190,000 vertices once split
    result = read_bytes(fc(*lines), "long.geojson", "facilities")
    assert result.frame.empty
    assert str(result.errors[0]).startswith(
        f"long.geojson: field 'geometry': expected lines and polygon edges short enough to "
        f"measure: at most {MAX_DENSIFIED_VERTICES:,} vertices")


# (name, file name, content, field, its limit, characters given)
TOO_LONG_TEXT = [
    ("24_mb_description", "a.geojson",
     fc(point(-66.9, 10.5, id="x", description="d" * 24_000_000)), "description", 10_000,
     24_000_000),
    ("long_name", "a.geojson", fc(point(-66.9, 10.5, id="x", name="n" * 5_000)), "name", 300,
     5_000),
    ("long_quote", "a.geojson", fc(point(-66.9, 10.5, id="x", sources=[
        {"publisher": "P", "title": "T", "published": None, "url": None,
         "quote": "q" * 50_000}])), "sources[0].quote", 10_000, 50_000),
    ("long_csv_cell", "a.csv", b"name,lat,lon,note\nA,10.5,-66.9," + b"z" * 100_000 + b"\n",
     "note", 10_000, 100_000),
    ("long_id", "a.geojson", fc(point(-66.9, 10.5, id="i" * 1_000)), "id", 300, 1_000),
]
# An id is cut without the notice, so that what is left is still an id (a slug).


@pytest.mark.parametrize("name,file_name,content,field,limit,given", TOO_LONG_TEXT,
                         ids=[row[0] for row in TOO_LONG_TEXT])
def test_a_text_over_its_limit_is_cut_with_a_visible_notice_and_a_warning(
        name, file_name, content, field, limit, given):
    from layers.readers import cut_notice

    result = read_bytes(content, file_name, "sightings")
    assert result.errors == ()
    assert len(result.frame) == 1
    cut = [p for p in result.warnings if p.field == field]
    assert len(cut) == 1, result.warnings
    assert str(cut[0]).startswith(f"warning: {file_name}: ")
    assert cut[0].feature  # names the feature (its id, or the CSV line)
    assert f"at most {limit:,} characters" in str(cut[0]) and f"{given:,}" in str(cut[0])
    properties = result.features[0]["properties"]
    value = properties["sources"][0]["quote"] if "[" in field else properties[field]
    notice = "" if field == "id" else cut_notice(given - limit)
    assert value == value[:limit] + notice
    assert len(result.to_geojson()) < 100_000


def test_a_text_at_its_limit_is_kept_whole_without_a_warning():
    result = read_bytes(fc(point(-66.9, 10.5, id="x", description="d" * 10_000,
                                 name="n" * 300)), "a.geojson", "sightings")
    assert {"description", "name"}.isdisjoint(p.field for p in result.warnings)
    assert result.features[0]["properties"]["description"] == "d" * 10_000
