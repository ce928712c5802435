"""Read analysts' own files: GeoJSON, CSV with latitude/longitude columns, GeoPackage.

One code path for the app's upload and the command line's ``--facilities``/``--sightings``:
:func:`read_bytes` turns the file into GeoJSON features, fills sensible defaults for
missing optional fields, validates them like the shipped data (when a target layer is
given), and returns the valid features together with one :class:`Problem` per rejected
feature or row. Files are parsed as data only; nothing in them is evaluated.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely

from layers.registry import BY_NAME, Layer
from layers.schema import UNKNOWN_PRECISION_KM
from layers.validation import (
    Problem,
    _short,
    decode_text,
    feature_label,
    features_to_frame,
    parse_json_bytes,
    size_problem,
    validate_collection,
)

LATITUDE_NAMES = ("lat", "latitude", "y")
LONGITUDE_NAMES = ("lon", "lng", "long", "longitude", "x")
FORMATS = ("geojson", "csv", "gpkg")
#: Coordinates further than this from Venezuela are checked for swapped latitude/longitude.
SWAP_CHECK_BUFFER_DEG = 0.5
#: Limits per file, beyond the 25 MB of :data:`layers.validation.MAX_FILE_BYTES`: what the map
#: and the null simulations can handle interactively. Larger files are refused, with the
#: limit named in the message.
MAX_FEATURES = 5_000
#: Line and polygon edges are split every 0.05 degrees to measure distances
#: (``analysis.nearest.DENSIFY_DEGREES``): the work follows their length, not the number of
#: coordinates, so the length is limited too, as vertices once split.
MAX_DENSIFIED_VERTICES = 20_000
DENSIFY_DEGREES = 0.05
#: Ids the app uses itself: ``none`` is the sidebar's "no sighting selected".
RESERVED_IDS = frozenset({"none"})
MAX_COORDINATES = 100_000
#: Longest text kept in a description, a quote, a note or any other free-text field, in
#: characters; the rest is cut and replaced by :func:`cut_notice`, with a warning. A 24 MB
#: description made the map take 21 s to draw.
MAX_TEXT_CHARS = 10_000
#: Longest id, name, category, publisher, title, date, placement or address (and property
#: name) kept, in characters.
MAX_NAME_CHARS = 300
#: Fields held to :data:`MAX_NAME_CHARS` (the others to :data:`MAX_TEXT_CHARS`).
NAME_FIELDS = frozenset({"id", "name", "short_name", "category", "publisher", "title",
                         "placement", "date", "url"})


@dataclass(frozen=True)
class ReadResult:
    """Valid features (GeoDataFrame, EPSG:4326), the problems found, and a swap hint."""

    file: str
    frame: gpd.GeoDataFrame
    problems: tuple[Problem, ...] = ()
    features: tuple[dict, ...] = ()
    swap_suggested: bool = False
    format: str = "geojson"

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    def to_geojson(self) -> str:
        """The valid features, with fixes and defaults applied, as a FeatureCollection."""
        return json.dumps({"type": "FeatureCollection", "features": list(self.features)},
                          ensure_ascii=False, indent=1)


def detect_format(data: bytes, file_name: str) -> str:
    """``geojson``, ``csv`` or ``gpkg``, from the extension, else from the content.

    >>> detect_format(b"lat,lon", "points.CSV")
    'csv'
    >>> detect_format(b"SQLite format 3\\x00...", "upload")
    'gpkg'
    """
    lowered = file_name.lower()
    if lowered.endswith((".geojson", ".json")):
        return "geojson"
    if lowered.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    if lowered.endswith(".gpkg") or data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    return "geojson" if data.lstrip()[:1] in (b"{", b"[") else "csv"


# --------------------------------------------------------------------------- formats
def _geojson_features(data: bytes, file: str):
    obj, problems = parse_json_bytes(data, file)
    if problems:  # (a file holding JSON null parses to None without a problem)
        return None, problems
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
        found = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        return None, [Problem(file, None, "type", "a GeoJSON FeatureCollection", _short(found))]
    features = obj.get("features")
    if not isinstance(features, list):
        return None, [Problem(file, None, "features", "a list of features", _short(features))]
    crs = obj.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", ""))
        if name and not re.search(r"(CRS84|EPSG::?4326)$", name):
            return None, [Problem(file, None, "crs", "longitude/latitude on WGS84 (RFC 7946); "
                                  "reproject the file first", _short(name))]
    return features, []


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _csv_features(data: bytes, file: str):
    text, problems = decode_text(data, file, "a CSV file with a header row")
    if text is None:
        return None, problems
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return None, [Problem(file, None, None, "a CSV file with a header row", "no header")]
    names = [h.strip() for h in header]
    lowered = [h.lower() for h in names]
    lat = next((lowered.index(n) for n in LATITUDE_NAMES if n in lowered), None)
    lon = next((lowered.index(n) for n in LONGITUDE_NAMES if n in lowered), None)
    if lat is None or lon is None:
        return None, [Problem(file, None, "header",
                              "latitude and longitude columns (lat/latitude/y and "
                              "lon/lng/long/longitude/x)", _short(", ".join(names), 80))]
    features, problems = [], []
    try:
        for row in reader:
            line = f"line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                problems.append(Problem(file, line, None, f"{len(names)} fields",
                                        f"{len(row)} fields"))
                continue
            values = dict(zip(names, row, strict=True))
            lat_value, lon_value = _number(row[lat]), _number(row[lon])
            bad = [(names[i], row[i]) for i, v in ((lat, lat_value), (lon, lon_value))
                   if v is None]
            if bad:
                column, found = bad[0]
                problems.append(Problem(file, line, column, "a number", _short(found)))
                continue
            properties = {k: v for k, v in values.items()
                          if k not in (names[lat], names[lon]) and v.strip() != ""}
            features.append({"type": "Feature", "properties": properties, "_line": line,
                             "geometry": {"type": "Point",
                                          "coordinates": [lon_value, lat_value]}})
    except csv.Error as error:
        problems.append(Problem(file, f"line {reader.line_num}", None, "valid CSV",
                                _short(str(error))))
    return features, problems


def _ascii_lower(name: str) -> str:
    """Names as SQLite compares them: ASCII letters folded, anything else kept."""
    return "".join(c.lower() if c.isascii() else c for c in str(name))


def _gpkg_unsafe(data: bytes) -> list[str]:
    """What in a GeoPackage could make reading it run without end or eat memory.

    A layer (or a table GDAL reads, such as ``gpkg_contents``) can be an SQL view, and a
    recursive view returns rows without end; a virtual table can generate rows; a generated
    column computes its value on every read. Only plain tables are read: any view, any
    virtual table other than the standard R-tree spatial index, and any generated column
    make the file refused. Raises sqlite3.Error for a file that is not SQLite.
    """
    import sqlite3
    import tempfile

    reasons = []
    with tempfile.NamedTemporaryFile(suffix=".gpkg") as copy:
        copy.write(data)
        copy.flush()
        connection = sqlite3.connect(f"file:{copy.name}?mode=ro", uri=True)
        try:
            objects = connection.execute(
                "SELECT l.name, l.type, m.sql FROM pragma_table_list AS l "
                "LEFT JOIN sqlite_master AS m ON m.name = l.name "
                "WHERE l.schema = 'main'").fetchall()
            kinds = {_ascii_lower(name): kind for name, kind, _ in objects}
            views = [name for name, kind, _ in objects if kind == "view"]
            if views:
                reasons.append(f"SQL view(s): {', '.join(map(str, views))}")
            virtual = [name for name, kind, sql in objects if kind == "virtual"
                       and not re.search(r"\bUSING\s+RTREE\s*\(", sql or "", re.IGNORECASE)]
            if virtual:
                reasons.append(f"virtual table(s): {', '.join(map(str, virtual))}")
            generated = [f"{name}.{column[1]}" for name, kind, _ in objects if kind == "table"
                         for column in connection.execute(
                             "SELECT * FROM pragma_table_xinfo(?)", (name,))
                         if column[6] in (2, 3)]
            if generated:
                reasons.append(f"generated column(s): {', '.join(generated)}")
            if kinds.get("gpkg_contents") != "table":
                reasons.append("no gpkg_contents table")
            elif not reasons:
                for (layer,) in connection.execute("SELECT table_name FROM gpkg_contents"):
                    if kinds.get(_ascii_lower(layer)) != "table":
                        reasons.append(f"layer {layer} is not a table")
        finally:
            connection.close()
    return reasons


def _gpkg_features(data: bytes, file: str):
    import sqlite3

    import pyogrio

    too_big = size_problem(data, file)
    if too_big:
        return None, [too_big]
    try:
        unsafe = _gpkg_unsafe(data)
    except sqlite3.Error as error:
        return None, [Problem(file, None, None, "a readable GeoPackage",
                              _short(" ".join(str(error).split())))]
    if unsafe:
        return None, [Problem(file, None, "layers", "a GeoPackage of plain tables",
                              _short(f"{'; '.join(unsafe)}: not read"))]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pyogrio.read_dataframe(io.BytesIO(data), max_features=MAX_FEATURES + 1)
    except Exception as error:  # GDAL raises many types for a broken file
        return None, [Problem(file, None, None, "a readable GeoPackage",
                              _short(" ".join(str(error).split())))]
    problems = []
    if frame.crs is None:
        coords = shapely.get_coordinates(frame.geometry.values)
        if len(coords) and (np.abs(coords[:, 0]) > 180).any():
            return None, [Problem(file, None, "crs", "a coordinate reference system",
                                  "none, and coordinates that look projected (metres)")]
    elif frame.crs.to_epsg() != 4326:
        problems.append(Problem(file, None, "crs", "longitude/latitude on WGS84",
                                f"{frame.crs.to_string()}: reprojected", severity="warning"))
        frame = frame.to_crs(4326)
    binary = [column for column in frame.columns if column != frame.geometry.name
              and frame[column].map(_is_binary).any()]
    for column in binary:
        problems.append(Problem(file, None, str(column), "text, numbers or dates",
                                "binary data (a BLOB column): the column was left out",
                                severity="warning"))
    frame = frame.drop(columns=binary)
    try:
        collection = json.loads(frame.to_json(na="drop", drop_id=True))
    except (TypeError, ValueError, OverflowError) as error:
        return None, problems + [Problem(file, None, None, "a GeoPackage of text, number and "
                                         "date columns", _short(" ".join(str(error).split())))]
    return collection["features"], problems


def _is_binary(value) -> bool:
    return isinstance(value, bytes | bytearray | memoryview)


READERS = {"geojson": _geojson_features, "csv": _csv_features, "gpkg": _gpkg_features}


# --------------------------------------------------------------------------- checks
def _count_coordinates(geometry) -> int:
    """Positions in a GeoJSON geometry (0 for anything malformed: validation reports it)."""
    if not isinstance(geometry, dict):
        return 0
    if geometry.get("type") == "GeometryCollection":
        parts = geometry.get("geometries")
        return sum(_count_coordinates(g) for g in parts) if isinstance(parts, list) else 0
    total, stack = 0, [geometry.get("coordinates")]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            if item and not any(isinstance(v, list) for v in item):
                total += 1  # a position, whatever it holds (validation checks the numbers)
            else:
                stack.extend(item)
    return total


def densified_vertices(geometries) -> int:
    """Vertices of the lines and polygon edges once split every :data:`DENSIFY_DEGREES`,
    computed from the edge lengths (nothing is split).

    >>> densified_vertices([shapely.LineString([(0, 0), (1, 0)]), shapely.Point(0, 0)])
    20
    """
    parts = shapely.get_parts(np.asarray(list(geometries), dtype=object))
    kinds = shapely.get_type_id(parts)
    lines = np.concatenate([parts[(kinds == 1) | (kinds == 2)],
                            shapely.get_parts(shapely.boundary(parts[kinds == 3]))])
    if not lines.size:
        return 0
    xy, owner = shapely.get_coordinates(lines, return_index=True)
    same = owner[1:] == owner[:-1]
    steps = np.hypot(*(xy[1:] - xy[:-1]).T)[same]
    return int(np.ceil(steps / DENSIFY_DEGREES).sum())


def _over_limits(raw: list, file: str, counted_all: bool = True) -> Problem | None:
    """A problem when the file has more features or coordinates than the app handles
    (``counted_all`` False: the reader stopped after one feature over the limit)."""
    if len(raw) > MAX_FEATURES:
        return Problem(file, None, "features", f"at most {MAX_FEATURES:,} features",
                       f"{len(raw):,}" if counted_all else f"more than {MAX_FEATURES:,}")
    count = sum(_count_coordinates(f.get("geometry")) for f in raw if isinstance(f, dict))
    if count > MAX_COORDINATES:
        return Problem(file, None, "geometry.coordinates",
                       f"at most {MAX_COORDINATES:,} coordinate positions in the file",
                       f"{count:,}: simplify the geometries first")
    return None


@lru_cache(maxsize=1)
def _venezuela():
    from layers.validation import load_layer

    frame = load_layer(BY_NAME["venezuela"]).frame
    if frame.empty:
        return None
    return shapely.union_all(frame.geometry.values).buffer(SWAP_CHECK_BUFFER_DEG)


def _point(feature) -> tuple[float, float] | None:
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    coordinates = geometry.get("coordinates")
    if (isinstance(coordinates, list) and len(coordinates) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool)
                    for c in coordinates[:2])):
        return float(coordinates[0]), float(coordinates[1])
    return None


def _swap(feature):
    """A copy of a point feature with longitude and latitude exchanged."""
    point = _point(feature)
    if point is None:
        return feature
    geometry = {**feature["geometry"], "coordinates": [point[1], point[0]]}
    return {**feature, "geometry": geometry}


def _looks_swapped(feature) -> bool:
    """Whether a point lies outside Venezuela but inside it once swapped."""
    country = _venezuela()
    point = _point(feature)
    if country is None or point is None:
        return False
    lon, lat = point
    return (-90 <= lon <= 90 and -180 <= lat <= 180
            and not country.contains(shapely.Point(lon, lat))
            and country.contains(shapely.Point(lat, lon)))


def _looks_projected(features) -> bool:
    """True when coordinates are far beyond degrees, as metres in a projected CRS are."""
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict):
            continue
        flat = json.dumps(geometry.get("coordinates"))
        numbers = [abs(float(n)) for n in re.findall(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", flat)]
        if numbers and max(numbers) > 1000:
            return True
    return False


# --------------------------------------------------------------------------- invisible text
def invisible_characters(text: str) -> list[str]:
    """The invisible format characters in ``text`` (Unicode category Cf), as U+XXXX.

    These are the right-to-left and left-to-right overrides, embeddings and isolates
    (U+202A-U+202E, U+2066-U+2069), the direction marks, the zero-width space, joiners
    and no-break space (U+200B-U+200D, U+2060, U+FEFF), the soft hyphen and the like:
    they make a name display as something else ("Coro<U+202E>gpj.exe" shows as
    "Coroexe.jpg") or make two names that look the same differ.

    >>> invisible_characters("Coro\u202eevil\u200b")
    ['U+202E', 'U+200B']
    """
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cf"]


def strip_invisible(text: str) -> str:
    """``text`` without its :func:`invisible_characters`.

    >>> strip_invisible("Co\u200bro")
    'Coro'
    """
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _visible_feature(feature, label: str, file: str) -> tuple[object, list[Problem]]:
    """A copy of ``feature`` whose id and top-level text properties have their invisible
    characters removed, with one warning per field changed (the input is not mutated)."""
    if not isinstance(feature, dict):
        return feature, []
    problems, out = [], feature
    properties = feature.get("properties")
    if isinstance(properties, dict):
        changed = {}
        for key, value in properties.items():
            if isinstance(value, str) and invisible_characters(value):
                changed[key] = strip_invisible(value)
                problems.append(_invisible_warning(file, label, key, value))
        if changed:
            out = {**out, "properties": {**properties, **changed}}
    if isinstance(feature.get("id"), str) and invisible_characters(feature["id"]):
        problems.append(_invisible_warning(file, label, "id", feature["id"]))
        out = {**out, "id": strip_invisible(feature["id"])}
    return out, problems


def _invisible_warning(file, label, field, value) -> Problem:
    found = invisible_characters(value)
    return Problem(file, label, field, "text without invisible direction or zero-width "
                   "characters", f"{', '.join(dict.fromkeys(found))} ({len(found)} in all): "
                   "removed", severity="warning")


# --------------------------------------------------------------------------- defaults
def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].strip("-")


_NUMERIC = {"location_precision_km": float, "people": int, "official_area_km2": float}


def _with_defaults(feature, index: int, layer: Layer, file: str, filled: dict) -> dict:
    """A copy of ``feature`` with missing optional properties filled (never mutates)."""
    if not isinstance(feature, dict):
        return feature
    properties = feature.get("properties")
    properties = dict(properties) if isinstance(properties, dict) else {}
    if feature.get("_line") and isinstance(properties, dict):
        for key, kind in _NUMERIC.items():  # CSV cells are text
            value = properties.get(key)
            if isinstance(value, str):
                number = _number(value)
                if number is not None and (kind is float or number.is_integer()):
                    properties[key] = kind(number)
    if "id" not in properties:
        fid = feature.get("id")
        base = _slug(str(fid if fid is not None else properties.get("name", "")))
        properties["id"] = f"upload-{base or index}"
        filled.setdefault("id", properties["id"])
    defaults = {
        "name": properties["id"],
        "category": {"facilities": "russian_asset", "sightings": "sighting"}.get(layer.name),
        "confidence": "rumored",
        "location_precision_km": None,  # unknown: never 0 km ("exact")
        "description": "",
        "sources": [{"publisher": f"Uploaded file {file}", "title": file, "published": None,
                     "url": None, "quote": None}],
    }
    if layer.name == "facilities":
        defaults.update(russian_entities=[], sector="unknown")
    if layer.name == "sightings":
        defaults["people"] = None
    for key, value in defaults.items():
        if key in properties or (value is None and key not in ("people",
                                                                "location_precision_km")):
            continue
        properties[key] = value
        filled.setdefault(key, value)
    out = {k: v for k, v in feature.items() if k != "_line"}
    out["properties"] = properties
    return out


def _default_warnings(file: str, filled: dict) -> list[Problem]:
    notes = {
        "id": "ids made from the name or position",
        "confidence": "set to 'rumored' (unknown provenance)",
        "location_precision_km": "unknown (null): not treated as exact; the "
                                 "location-uncertainty run moves such places within "
                                 f"{UNKNOWN_PRECISION_KM:g} km",
        "sources": "the uploaded file is cited as the source",
    }
    return [Problem(file, None, key, "a value", f"nothing: {note}", severity="warning")
            for key, note in notes.items() if key in filled]


# --------------------------------------------------------------------------- long text
def cut_notice(removed: int) -> str:
    """The visible notice that ends a text cut at its limit.

    >>> cut_notice(23_999_000)
    ' … [cut: 23,999,000 more characters]'
    """
    return f" … [cut: {removed:,} more characters]"


def cap_text(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its first ``limit`` characters
    and :func:`cut_notice`.

    >>> cap_text("Caracas", 4)
    'Cara … [cut: 3 more characters]'
    >>> cap_text("Coro", 4)
    'Coro'
    """
    return text if len(text) <= limit else text[:limit] + cut_notice(len(text) - limit)


def _capped(value, field: str, path: str, found: list):
    """``value`` (a property, at any depth) with every text held to its field's limit; each
    cut is recorded in ``found`` as (path, limit, length)."""
    if isinstance(value, str):
        limit = MAX_NAME_CHARS if field in NAME_FIELDS else MAX_TEXT_CHARS
        if len(value) > limit:
            found.append((path, limit, len(value)))
            # An id is cut without the notice: what is left is still an id (a slug).
            return value[:limit] if path == "id" else cap_text(value, limit)
        return value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = key
            if isinstance(key, str) and len(key) > MAX_NAME_CHARS:
                name = cap_text(key, MAX_NAME_CHARS)
                found.append((f"{path}.{key[:40]}…" if path else f"{key[:40]}…",
                              MAX_NAME_CHARS, len(key)))
            where = f"{path}.{name}" if path else str(name)
            out[name] = _capped(item, str(key), where if len(where) < 80 else where[:80], found)
        return out
    if isinstance(value, list):
        return [_capped(item, field, f"{path}[{i}]", found) for i, item in enumerate(value)]
    return value


def _short_text_feature(feature, label: str, file: str) -> tuple[object, list[Problem]]:
    """A copy of ``feature`` whose id and properties hold no text longer than its limit
    (:data:`MAX_NAME_CHARS`, :data:`MAX_TEXT_CHARS`), with one warning per field cut (the
    input is not mutated)."""
    if not isinstance(feature, dict):
        return feature, []
    found: list = []
    out = feature
    if isinstance(feature.get("properties"), dict):
        properties = _capped(feature["properties"], "", "", found)
        if found:
            out = {**out, "properties": properties}
    if isinstance(feature.get("id"), str) and len(feature["id"]) > MAX_NAME_CHARS:
        found.append(("id", MAX_NAME_CHARS, len(feature["id"])))
        out = {**out, "id": feature["id"][:MAX_NAME_CHARS]}
    return out, [Problem(file, label, path, f"text of at most {limit:,} characters",
                         f"{length:,} characters: cut after {limit:,}"
                         + ("" if path == "id" else ", with a notice"),
                         severity="warning") for path, limit, length in found]


# --------------------------------------------------------------------------- entry point
def read_bytes(data: bytes, file_name: str, layer: str | Layer | None = None, *,
               swap: bool = False, existing_ids=(), repair: bool = True) -> ReadResult:
    """Read an uploaded or command-line file into validated features.

    Parameters
    ----------
    data : bytes
        The file's content.
    file_name : str
        Its name, used to pick the format and in every message.
    layer : str or Layer, optional
        ``"facilities"`` or ``"sightings"``: validate against that layer's schema, with
        defaults for missing optional fields. None: geometry only (the command line).
    swap : bool
        Exchange longitude and latitude of the points that look swapped (outside
        Venezuela, inside it once swapped).
    existing_ids : iterable of str
        Ids already in use (the shipped layers); an uploaded feature reusing one is rejected.
    repair : bool
        Repair invalid polygons with a warning instead of rejecting them.

    Examples
    --------
    >>> result = read_bytes(b"name,lat,lon\\nCoro,11.41,-69.68\\nBad,x,1\\n", "mine.csv",
    ...                     "sightings")
    >>> list(result.frame["name"]), [str(p) for p in result.errors]
    (['Coro'], ["mine.csv: line 3: field 'lat': expected a number, found 'x'"])
    """
    layer = BY_NAME[layer] if isinstance(layer, str) else layer
    file = strip_invisible(file_name)  # the name shown in every message
    named = [] if file == file_name else [_invisible_warning(file, None, "file name",
                                                             file_name)]
    kind = detect_format(data, file_name)
    raw, problems = READERS[kind](data, file)
    problems = named + list(problems)
    if raw is None:
        return ReadResult(file, features_to_frame([]), tuple(problems), format=kind)
    if not raw:
        problems.append(Problem(file, None, "features", "at least one feature", "none"))
        return ReadResult(file, features_to_frame([]), tuple(problems), format=kind)
    too_much = _over_limits(raw, file, counted_all=kind != "gpkg")
    if too_much:
        return ReadResult(file, features_to_frame([]), tuple(problems) + (too_much,),
                          format=kind)
    if _looks_projected(raw):
        problems.append(Problem(file, None, "geometry.coordinates",
                                "longitude/latitude in degrees (WGS84)",
                                "values in the thousands, which look projected (metres) "
                                "with no CRS given"))
    if swap:  # only the points that look swapped: the others are left as they are
        raw = [_swap(f) if _looks_swapped(f) else f for f in raw]
    visible = []
    for index, feature in enumerate(raw):
        label = feature.get("_line") if isinstance(feature, dict) else None
        name = label or feature_label(feature, index)
        feature, cut = _short_text_feature(feature, name, file)
        feature, found = _visible_feature(feature, name, file)
        visible.append(feature)
        problems.extend(cut + found)
    raw = visible
    lines = {}
    prepared = []
    filled: dict = {}
    for index, feature in enumerate(raw):
        if isinstance(feature, dict) and feature.get("_line"):
            lines[index] = feature["_line"]
        if layer is not None:
            feature = _with_defaults(feature, index, layer, file, filled)
        elif isinstance(feature, dict) and "_line" in feature:
            feature = {k: v for k, v in feature.items() if k != "_line"}
        prepared.append(feature)
    valid, feature_problems = validate_collection(
        {"type": "FeatureCollection", "features": prepared}, file, layer, repair=repair,
        context={"upload": True}, null_optional=True)
    # Name CSV rows by their line, not their position or the id given them by default.
    by_label = {f"#{i}": line for i, line in lines.items()}
    by_label.update({feature_label(prepared[i], i): line for i, line in lines.items()
                     if not (raw[i].get("properties") or {}).get("id")})
    feature_problems = [
        Problem(p.file, by_label.get(p.feature, p.feature), p.field, p.expected, p.found,
                p.severity) for p in feature_problems]
    problems.extend(feature_problems)
    existing = set(existing_ids)
    kept = []
    for feature in valid:
        fid = (feature.get("properties") or {}).get("id")
        if fid is not None and fid in existing:
            problems.append(Problem(file, repr(fid), "id", "an id not already in use",
                                    "the id of a shipped or earlier uploaded feature"))
            continue
        if fid in RESERVED_IDS:
            problems.append(Problem(file, repr(fid), "id", "an id other than "
                                    f"{', '.join(map(repr, sorted(RESERVED_IDS)))}",
                                    "a word the app uses for 'no selection'"))
            continue
        kept.append(feature)
    if layer is not None:
        problems.extend(_default_warnings(file, filled))
    frame = features_to_frame(kept)
    vertices = densified_vertices(frame.geometry.values) if len(frame) else 0
    if vertices > MAX_DENSIFIED_VERTICES:
        problems.append(Problem(
            file, None, "geometry", f"lines and polygon edges short enough to measure: at most "
            f"{MAX_DENSIFIED_VERTICES:,} vertices once split every {DENSIFY_DEGREES} degrees",
            f"{vertices:,}: simplify or shorten the geometries first"))
        return ReadResult(file, features_to_frame([]), tuple(problems), format=kind)
    swapped = 0 if swap else sum(_looks_swapped(f) for f in kept)
    if swapped:
        problems.append(Problem(file, None, "geometry.coordinates",
                                "points inside Venezuela",
                                f"{swapped} point(s) outside it that fall inside once latitude "
                                "and longitude are swapped: they look swapped; choose 'swap' "
                                "to fix", severity="warning"))
    return ReadResult(file, frame, tuple(problems), tuple(kept),
                      swap_suggested=bool(swapped), format=kind)
