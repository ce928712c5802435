"""Read and validate GeoJSON layers: keep the valid features, name every problem.

Structure is checked with ``geojson-pydantic`` (RFC 7946 models), properties with the
pydantic models in :mod:`layers.schema`. Nothing here mutates its input, and nothing in a
file is ever evaluated: files are parsed as JSON data only.
"""

from __future__ import annotations

import copy
import json
import math
import os
import stat
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import pydantic
import shapely
from geojson_pydantic import Feature

from layers.registry import Layer

#: Largest file accepted, in megabytes of 1,000,000 bytes: the one limit of the upload
#: (``st.file_uploader(max_upload_size=...)``, whose MB are these), the command line and
#: the caption (documented in data/README.md and README.md).
MAX_FILE_MB = 25
#: :data:`MAX_FILE_MB` in bytes: 25,000,000.
MAX_FILE_BYTES = MAX_FILE_MB * 1_000_000
_UNION_TAGS = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
    "GeometryCollection", "Position2D", "Position3D", "function-after[_partial_date(), str]",
}


def _short(value, limit: int = 60) -> str:
    """A short, one-line representation of a found value.

    >>> _short("x" * 100)[-4:]
    "...'"
    >>> len(_short("x" * 100))
    60
    """
    text = repr(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 4] + "...'"


@dataclass(frozen=True)
class Problem:
    """One problem in one file, feature and field, with what was expected and found."""

    file: str
    feature: str | None
    field: str | None
    expected: str
    found: str
    severity: str = "error"  # "error": the feature is rejected; "warning": kept

    def __str__(self) -> str:
        parts = [self.file]
        if self.feature is not None:
            is_line = self.feature.startswith("line ")  # a CSV row
            parts.append(self.feature if is_line else f"feature {self.feature}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        prefix = "warning: " if self.severity == "warning" else ""
        return prefix + ": ".join(parts) + f": expected {self.expected}, found {self.found}"


@dataclass(frozen=True)
class LoadResult:
    """Valid features as a GeoDataFrame (EPSG:4326), and the problems met on the way."""

    name: str
    file: str
    frame: gpd.GeoDataFrame
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def feature_label(feature, index: int) -> str:
    """How a feature is named in messages: its id if it has one, else its index.

    >>> feature_label({"properties": {"id": "coro"}}, 3)
    "'coro'"
    >>> feature_label({"properties": {}}, 3)
    '#3'
    """
    if isinstance(feature, dict):
        properties = feature.get("properties")
        if isinstance(properties, dict) and isinstance(properties.get("id"), str | int):
            return _short(str(properties["id"]), 40)
        if isinstance(feature.get("id"), str | int):
            return _short(str(feature["id"]), 40)
    return f"#{index}"


def size_problem(data: bytes, file: str) -> Problem | None:
    """A problem when ``data`` is over the size limit, else None."""
    if len(data) > MAX_FILE_BYTES:
        return Problem(file, None, None, f"a file of at most {MAX_FILE_BYTES:,} bytes "
                       f"({MAX_FILE_MB} MB)", f"{len(data):,} bytes")
    return None


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_limited(path, file: str | None = None) -> tuple[bytes | None, Problem | None]:
    """The bytes of the regular file at ``path``, read up to :data:`MAX_FILE_BYTES`.

    Anything that is not a regular file (a folder, a FIFO, a device such as /dev/zero) is
    refused before it is opened, and the size is checked while reading, so an endless or
    growing stream stops one byte past the limit. ``file`` names it in messages (default:
    ``path`` as given). Returns ``(data, None)`` or ``(None, problem)``.

    >>> read_limited("/dev/zero", "zero")[1].found
    'a character device'
    """
    file = str(path) if file is None else file
    try:
        before = os.stat(path)
    except OSError as error:
        return None, Problem(file, None, None, "a readable file",
                             error.strerror or type(error).__name__)
    if not stat.S_ISREG(before.st_mode):
        return None, Problem(file, None, None, "a regular file", _kind_of(before.st_mode))
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, opening it
        # does not wait for a writer; fstat then refuses it.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return None, Problem(file, None, None, "a readable file",
                             error.strerror or type(error).__name__)
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            return None, Problem(file, None, None, "a regular file", _kind_of(mode))
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            return None, Problem(file, None, None, "a readable file",
                                 error.strerror or type(error).__name__)
    if len(data) > MAX_FILE_BYTES:
        return None, Problem(file, None, None, f"a file of at most {MAX_FILE_BYTES:,} bytes "
                             f"({MAX_FILE_MB} MB)", "a larger file")
    return data, None


def decode_text(data: bytes, file: str, expected: str) -> tuple[str | None, list[Problem]]:
    """``data`` as text, after the size, emptiness and UTF-8 checks; else None and a problem.

    >>> decode_text(b"", "a.csv", "a CSV file")[1][0].found
    'an empty file'
    """
    too_big = size_problem(data, file)
    if too_big:
        return None, [too_big]
    if not data.strip():
        return None, [Problem(file, None, None, expected, "an empty file")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        return None, [Problem(file, None, None, "UTF-8 text",
                              f"byte 0x{data[error.start]:02x} at offset {error.start}")]


def parse_json_bytes(data: bytes, file: str) -> tuple[object | None, list[Problem]]:
    """Decode and parse ``data``; on failure return ``None`` and one problem.

    >>> parse_json_bytes(b'{"a": 1,}', "x.geojson")[1][0].expected
    'valid JSON'
    """
    text, problems = decode_text(data, file, "a GeoJSON FeatureCollection")
    if text is None:
        return None, problems
    try:
        return json.loads(text, parse_constant=_reject_constant), []
    except json.JSONDecodeError as error:
        return None, [Problem(file, None, None, "valid JSON",
                              f"{error.msg} at line {error.lineno}, column {error.colno}")]
    except ValueError as error:
        return None, [Problem(file, None, None, "valid JSON", str(error))]
    except RecursionError:
        return None, [Problem(file, None, None, "valid JSON", "nesting too deep")]


def _reject_constant(name: str):
    raise ValueError(f"the non-standard constant {name}")


def _not_a_number(value) -> bool:
    return isinstance(value, bool) or not isinstance(value, int | float)


def non_number_coordinate(geometry):
    """The first value in a geometry's coordinates that is not a JSON number, as a
    one-element tuple (so ``None`` can be reported), else None. RFC 7946 positions hold
    numbers only: ``"-66.9"``, ``true`` and ``null`` are refused, not converted.

    >>> non_number_coordinate({"type": "Point", "coordinates": ["-66.9", "10.5"]})
    ('-66.9',)
    >>> non_number_coordinate({"type": "Point", "coordinates": [True, False]})
    (True,)
    >>> non_number_coordinate({"type": "Point", "coordinates": [-66.9, 10.5]}) is None
    True
    """
    geometries, values = [geometry], []
    while geometries or values:
        if values:
            item = values.pop()
            if isinstance(item, list):
                values.extend(reversed(item))
            elif _not_a_number(item):
                return (item,)
            continue
        current = geometries.pop()
        if not isinstance(current, dict):
            continue
        if current.get("type") == "GeometryCollection":
            parts = current.get("geometries")
            geometries.extend(reversed(parts) if isinstance(parts, list) else [])
        elif "coordinates" in current:
            values.append(current["coordinates"])
    return None


def _coordinates_out_of_range(coordinates) -> tuple[float, float] | None:
    """The first position outside lon [-180, 180] / lat [-90, 90], if any."""
    stack = [coordinates]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple) and item and isinstance(item[0], int | float):
            lon, lat = float(item[0]), float(item[1])
            if not (math.isfinite(lon) and math.isfinite(lat)):
                return lon, lat
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                return lon, lat
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


def _pydantic_problems(file, label, error: pydantic.ValidationError, prefix=()) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = [str(p) for p in (*prefix, *item["loc"]) if str(p) not in _UNION_TAGS]
        expected, found = _plain(item["msg"]), _short(item.get("input"))
        if "coordinates" in loc:
            # Point the reader at the coordinates, not at a position index inside them.
            loc = loc[: loc.index("coordinates") + 1]
            expected = "coordinates of a valid geometry (each position [longitude, latitude])"
            found = _short(item.get("input"))
        elif item["type"] == "missing":
            expected, found = "a value (required)", "nothing"
        problems.append(Problem(file, label, ".".join(loc) or None, expected, found))
    # A union of geometry models reports the same fault once per member; keep the first.
    seen, unique = set(), []
    for problem in problems:
        key = (problem.field, problem.expected)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _plain(message: str) -> str:
    """pydantic's message in the words of an 'expected ...' clause.

    >>> _plain("List should have at least 1 item after validation, not 0")
    'at least 1 item'
    """
    message = message.removeprefix("Value error, ").removeprefix("Input should be ")
    if message.startswith("List should have at least"):
        message = message.removeprefix("List should have ").split(" after validation")[0]
    return message


def validate_collection(
    obj, file: str, layer: Layer | None = None, *, repair: bool = False,
    context: dict | None = None, null_optional: bool = False,
) -> tuple[list[dict], list[Problem]]:
    """Split a parsed GeoJSON object into valid features and problems.

    Parameters
    ----------
    obj : object
        Parsed JSON.
    file : str
        File name used in messages.
    layer : Layer, optional
        When given, features must have one of its geometry types and its properties schema.
    repair : bool
        Repair invalid polygons (with a warning) instead of rejecting them.
    context : dict, optional
        Passed to the properties model; ``{"upload": True}`` waives the verbatim-quote
        requirement for analysts' own files.
    null_optional : bool
        An optional field (one that may be null) that fails validation loses its value,
        not the feature: it is set to null, with a warning naming the feature and field.
        Required fields and the geometry still reject the feature. Nothing is mutated.
    """
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
        found = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        return [], [Problem(file, None, "type", "a GeoJSON FeatureCollection", _short(found))]
    features = obj.get("features")
    if not isinstance(features, list):
        return [], [Problem(file, None, "features", "a list of features", _short(features))]
    if not features:
        return [], [Problem(file, None, "features", "at least one feature", "none")]

    valid, problems, seen_ids = [], [], {}
    for index, feature in enumerate(features):
        label = feature_label(feature, index)
        feature_problems, feature = _check_feature(feature, file, label, layer, repair,
                                                   context, null_optional)
        errors = [p for p in feature_problems if p.severity == "error"]
        problems.extend(feature_problems)
        if errors:
            continue
        if any(p.severity == "warning" and p.field == "geometry" for p in feature_problems):
            feature = _repaired(feature)
        fid = (feature.get("properties") or {}).get("id")
        if fid is not None:
            if fid in seen_ids:
                problems.append(Problem(file, label, "id", "an id unique in the file",
                                        f"a duplicate of feature #{seen_ids[fid]}"))
                continue
            seen_ids[fid] = index
        valid.append(feature)
    return valid, problems


def _allows_none(annotation) -> bool:
    return annotation is None or type(None) in typing.get_args(annotation)


def _nullable(model, loc: tuple) -> bool:
    """Whether the property at ``loc`` (a pydantic error location) may be null: a field
    such as ``people``, or a field of an item of a list, such as ``sources.0.url``."""
    fields = getattr(model, "model_fields", {})
    if not loc or loc[0] not in fields:
        return False
    annotation = fields[loc[0]].annotation
    if len(loc) == 1:
        return _allows_none(annotation)
    if len(loc) == 3 and isinstance(loc[1], int) and typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation) or (None,)
        return _nullable(item, loc[2:])
    return False


def _set_null(properties: dict, loc: tuple) -> dict:
    """A copy of ``properties`` with the value at ``loc`` set to null."""
    out = copy.deepcopy(properties)
    target = out
    for part in loc[:-1]:
        target = target[part]
    target[loc[-1]] = None
    return out


def _check_properties(properties, file, label, layer, context, null_optional):
    """(problems, properties): the schema's problems, and the properties to keep (with the
    optional values that failed set to null when ``null_optional``)."""
    nulled = []
    for _ in range(8):  # each round nulls at least one value; a feature has few fields
        try:
            layer.properties_model.model_validate(properties, context=context)
        except pydantic.ValidationError as error:
            fixable = [item for item in error.errors() if null_optional
                       and _nullable(layer.properties_model, item["loc"])]
            if not fixable:
                return nulled + _pydantic_problems(file, label, error), properties
            for item in fixable:
                nulled.append(Problem(
                    file, label, ".".join(map(str, item["loc"])),
                    f"{_plain(item['msg'])} (an optional field: its value was removed, the "
                    "feature kept)", _short(item.get("input")), severity="warning"))
                properties = _set_null(properties, item["loc"])
        else:
            return nulled, properties
    return nulled + [Problem(file, label, "properties", "fewer invalid fields",
                             "too many")], properties


def _check_feature(feature, file, label, layer, repair, context=None, null_optional=False):
    """(problems, feature): the feature's problems, and the feature to keep."""
    if not isinstance(feature, dict):
        return [Problem(file, label, None, "a GeoJSON Feature object", _short(feature))], feature
    if feature.get("geometry") is None:
        return [Problem(file, label, "geometry", "a geometry", "null or missing")], feature
    bad = non_number_coordinate(feature["geometry"])
    if bad is not None:
        kind = "null" if bad[0] is None else type(bad[0]).__name__
        return [Problem(file, label, "geometry.coordinates",
                        "numbers in every position (RFC 7946), e.g. [-66.9, 10.5]",
                        f"{_short(bad[0])} ({kind})")], feature
    try:
        Feature.model_validate(feature)
    except pydantic.ValidationError as error:
        return _pydantic_problems(file, label, error)[:3], feature
    geometry = feature["geometry"]
    kind = geometry.get("type")
    if layer is not None and kind not in layer.geometry_types:
        return [Problem(file, label, "geometry.type",
                        f"one of {', '.join(layer.geometry_types)}", _short(kind))], feature
    bad = _coordinates_out_of_range(geometry.get("coordinates", []))
    if bad is not None:
        return [Problem(file, label, "geometry.coordinates",
                        "longitude in [-180, 180] and latitude in [-90, 90]",
                        f"({bad[0]:g}, {bad[1]:g})")], feature
    problems = []
    shape = shapely.geometry.shape(geometry)
    if not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        problems.append(Problem(file, label, "geometry", "a valid geometry", reason,
                                severity="warning" if repair else "error"))
    if layer is not None:
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            problems.append(Problem(file, label, "properties", "an object", _short(properties)))
        else:
            found, kept = _check_properties(properties, file, label, layer, context,
                                            null_optional)
            problems.extend(found)
            if kept is not properties:
                feature = {**feature, "properties": kept}
    return problems, feature


def _repaired(feature: dict) -> dict:
    shape = shapely.make_valid(shapely.geometry.shape(feature["geometry"]))
    return {**feature, "geometry": shapely.geometry.mapping(shape)}


def features_to_frame(features: Iterable[dict]) -> gpd.GeoDataFrame:
    """Valid features as a GeoDataFrame in EPSG:4326 with an ``id`` column.

    The id is ``properties.id``, else the feature's ``id``, else its position.
    """
    features = list(features)
    rows = []
    for index, feature in enumerate(features):
        properties = dict(feature.get("properties") or {})
        if properties.get("id") is None:
            properties["id"] = str(feature.get("id", index))
        properties["geometry"] = shapely.geometry.shape(feature["geometry"])
        rows.append(properties)
    if not rows:
        return gpd.GeoDataFrame({"id": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def load_bytes(data: bytes, file: str, layer: Layer | None = None, *,
               repair: bool = False) -> LoadResult:
    """Parse and validate GeoJSON ``data``; see :func:`validate_collection`."""
    obj, problems = parse_json_bytes(data, file)
    features: list[dict] = []
    if not problems:  # JSON null parses to None: validate_collection names it
        features, problems = validate_collection(obj, file, layer, repair=repair)
    name = layer.name if layer else file
    return LoadResult(name, file, features_to_frame(features), tuple(problems))


def load_layer(layer: Layer, path=None) -> LoadResult:
    """Load a registered layer from its shipped file (or ``path``)."""
    path = path or layer.path
    data, problem = read_limited(path, path.name)
    if problem is not None:
        return LoadResult(layer.name, str(path), features_to_frame([]), (problem,))
    return load_bytes(data, path.name, layer)


def duplicate_ids(results: Iterable[LoadResult]) -> list[Problem]:
    """Ids that appear in more than one layer (ids must be unique across layers)."""
    owner: dict[str, str] = {}
    problems = []
    for result in results:
        for fid in result.frame["id"] if "id" in result.frame else []:
            if fid in owner and owner[fid] != result.file:
                problems.append(Problem(result.file, repr(fid), "id",
                                        "an id unique across layers",
                                        f"also used in {owner[fid]}"))
            owner.setdefault(fid, result.file)
    return problems
