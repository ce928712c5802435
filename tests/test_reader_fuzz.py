"""Fuzzing the reader (issue 15): random GeoJSON and CSV structures and byte mutations of
valid files never raise anything but the reader's own error type, stay within a bounded
time per example (Hypothesis' deadline), and never change ``data/``.

Deterministic (``derandomize=True``) and bounded (``max_examples``), so it runs in CI.
"""

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.io import InputError, read_features
from layers.readers import ReadResult, read_bytes

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
#: The deadline bounds each example's time (generous: the tests share 2 cores); nothing is
#: stored between runs (``database=None``).
FUZZ = settings(max_examples=200, derandomize=True, database=None,
                deadline=timedelta(seconds=20),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# ---------------------------------------------------------------------------- strategies
NUMBERS = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False,
                                                          allow_infinity=False),
                    st.sampled_from([-66.9, 10.5, -69.68, 11.41, 181.0, -91.0, 1e308]))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=20),
                    st.sampled_from(["-66.9", "\u202eevil", "javascript:x"]))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20)
POSITION = st.one_of(st.lists(NUMBERS, min_size=2, max_size=3), JSON)
GEOMETRY_TYPES = st.sampled_from(["Point", "MultiPoint", "LineString", "MultiLineString",
                                  "Polygon", "MultiPolygon", "GeometryCollection", "Nope"])
COORDINATES = st.one_of(POSITION, st.lists(POSITION, max_size=5),
                        st.lists(st.lists(POSITION, max_size=5), max_size=3))
GEOMETRY = st.one_of(JSON, st.fixed_dictionaries(
    {"type": GEOMETRY_TYPES, "coordinates": COORDINATES}))
PROPERTY_KEYS = st.sampled_from(["id", "name", "category", "confidence", "sources", "people",
                                 "date", "location_precision_km", "placement", "url", "x"])
PROPERTIES = st.one_of(JSON, st.dictionaries(PROPERTY_KEYS, JSON, max_size=6))
FEATURE = st.one_of(JSON, st.fixed_dictionaries(
    {"type": st.just("Feature"), "geometry": GEOMETRY, "properties": PROPERTIES},
    optional={"id": JSON}))
COLLECTION = st.one_of(JSON, st.fixed_dictionaries(
    {"type": st.sampled_from(["FeatureCollection", "Feature"]),
     "features": st.one_of(st.lists(FEATURE, max_size=6), JSON)},
    optional={"crs": JSON}))
CELL = st.one_of(st.text(max_size=12), NUMBERS.map(str),
                 st.sampled_from(["", "10.5", "-66.9", "\"", ";", "\r", "=1+1"]))
HEADER = st.lists(st.sampled_from(["lat", "lon", "latitude", "x", "y", "name", "id",
                                   "people", "date", "location_precision_km", ""]),
                  min_size=1, max_size=6)
TARGETS = st.sampled_from(["sightings", "facilities", None])

VALID_GEOJSON = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"id": "coro", "name": "Coro", "people": 3},
     "geometry": {"type": "Point", "coordinates": [-69.68, 11.41]}},
    {"type": "Feature", "properties": {"id": "line"},
     "geometry": {"type": "LineString", "coordinates": [[-66.9, 10.5], [-66.8, 10.6]]}}]}
).encode()
VALID_CSV = b"id,name,lat,lon,people\ncoro,Coro,11.41,-69.68,3\nccs,Caracas,10.5,-66.9,\n"


@st.composite
def csv_files(draw) -> bytes:
    header = draw(HEADER)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 1), max_size=6))
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def mutated(draw, seeds=(VALID_GEOJSON, VALID_CSV)) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete" and data:
            del data[position:position + draw(st.integers(1, 8))]
        elif action == "truncate":
            del data[position:]
    return bytes(data)


FILES = st.one_of(
    st.tuples(COLLECTION.map(lambda o: json.dumps(o).encode()), st.just("f.geojson")),
    st.tuples(csv_files(), st.just("f.csv")),
    st.tuples(mutated(), st.sampled_from(["m.geojson", "m.csv", "m.txt", "m"])),
    st.tuples(st.binary(max_size=200), st.sampled_from(["b.geojson", "b.csv", "b.gpkg", "b"])),
)


# ---------------------------------------------------------------------------- fixtures
def _data_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(DATA.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(DATA)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module", autouse=True)
def data_unchanged():
    """``data/`` is the same after the fuzzing as before it."""
    read_bytes(VALID_CSV, "warm.csv", "sightings")  # loads the country outline once
    before = _data_digest()
    yield
    assert _data_digest() == before, "the reader changed a file in data/"


def _check(result: ReadResult) -> None:
    assert isinstance(result, ReadResult)
    written = json.loads(result.to_geojson())  # valid JSON, RFC 7946 numbers only
    for feature in written["features"]:
        stack = [feature["geometry"].get("coordinates", [])]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            else:
                assert type(item) in (int, float), item
    for problem in result.problems:
        assert "\n" not in str(problem)


# ---------------------------------------------------------------------------- tests
@FUZZ
@given(file=FILES, target=TARGETS)
def test_the_reader_answers_any_bytes_with_problems_never_an_exception(file, target):
    data, name = file
    _check(read_bytes(data, name, target))


@FUZZ
@given(file=FILES)
def test_the_command_line_reader_raises_only_its_own_error(tmp_path_factory, file):
    data, name = file
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    try:
        frame = read_features(path).frame
    except InputError as error:
        assert "\n" not in str(error) and str(error).startswith(str(path))
    else:
        assert len(frame) >= 1 and frame.crs.to_epsg() == 4326
