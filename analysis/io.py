"""Lenient, strict-where-it-matters reading of GeoJSON FeatureCollections.

Only a geometry is required per feature. The id is ``properties.id``, else the feature's
top-level ``id``, else its position in the file (as a string). Any problem raises
:class:`InputError`, whose message is one line naming the file and the problem.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

MAX_FILE_BYTES = 200_000_000


class InputError(ValueError):
    """A problem with an input file; ``str()`` is one line naming the file and the problem.

    Examples
    --------
    >>> str(InputError("data/x.geojson", "file not found"))
    'data/x.geojson: file not found'
    """

    def __init__(self, path, message: str):
        self.path = str(path)
        self.message = " ".join(str(message).split())
        super().__init__(f"{self.path}: {self.message}")


def read_feature_file(path) -> gpd.GeoDataFrame:
    """Read a GeoJSON FeatureCollection into a GeoDataFrame in EPSG:4326.

    Columns: ``id`` (str), every property found in the features (missing values as None),
    and ``geometry``. Coordinates must be finite, longitudes in [-180, 180] and latitudes in
    [-90, 90].

    Raises
    ------
    InputError
        If the file is missing or unreadable, is not valid JSON, is not a FeatureCollection,
        is empty, or a feature has no usable geometry or out-of-range coordinates.

    Examples
    --------
    >>> import tempfile, json, os
    >>> doc = {"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"name": "A"},
    ...      "geometry": {"type": "Point", "coordinates": [-66.9, 10.5]}}]}
    >>> with tempfile.NamedTemporaryFile("w", suffix=".geojson", delete=False) as f:
    ...     json.dump(doc, f)
    >>> frame = read_feature_file(f.name)
    >>> frame[["id", "name"]].to_dict("records"), frame.crs.to_epsg()
    ([{'id': '0', 'name': 'A'}], 4326)
    >>> os.unlink(f.name)
    """
    document = _load_json(path)
    features = _features(path, document)
    rows, geometries = [], []
    for position, feature in enumerate(features):
        where = f"feature {position}"
        if not isinstance(feature, dict):
            raise InputError(path, f"{where} is not a JSON object")
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise InputError(path, f"{where}: 'properties' is not an object")
        geometries.append(_geometry(path, where, feature.get("geometry")))
        feature_id = properties.get("id", feature.get("id"))
        row = {key: value for key, value in properties.items() if key != "id"}
        row["id"] = str(position) if feature_id is None else str(feature_id)
        rows.append(row)
    frame = pd.DataFrame.from_records(rows)
    columns = ["id"] + [c for c in frame.columns if c not in ("id", "geometry")]
    frame = frame[columns].astype(object).where(frame[columns].notna(), None)
    return gpd.GeoDataFrame(frame, geometry=geometries, crs="EPSG:4326")


def _load_json(path):
    path = Path(path)
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except OSError as error:
        raise InputError(path, f"cannot read file ({error.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise InputError(path, f"file is {size} bytes, more than the {MAX_FILE_BYTES} allowed")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    except OSError as error:
        raise InputError(path, f"cannot read file ({error.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            path, f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise InputError(path, "invalid JSON: nested too deeply") from None


def _features(path, document) -> list:
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        got = document.get("type") if isinstance(document, dict) else type(document).__name__
        raise InputError(path, f"expected a GeoJSON FeatureCollection, got {_short(got)}")
    features = document.get("features")
    if not isinstance(features, list):
        raise InputError(path, "FeatureCollection has no 'features' list")
    if not features:
        raise InputError(path, "FeatureCollection is empty (no features)")
    return features


def _geometry(path, where, geometry):
    if geometry is None:
        raise InputError(path, f"{where} has no geometry")
    try:
        shape = shapely.geometry.shape(geometry)
    except Exception as error:  # shapely raises several types for malformed input
        raise InputError(path, f"{where} has an invalid geometry ({_short(error)})") from None
    if shape.is_empty:
        raise InputError(path, f"{where} has an empty geometry")
    coords = shapely.get_coordinates(shape)
    if not np.isfinite(coords).all():
        raise InputError(path, f"{where} has non-finite coordinates")
    lon, lat = coords[:, 0], coords[:, 1]
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        bad = np.flatnonzero((np.abs(lon) > 180) | (np.abs(lat) > 90))[0]
        raise InputError(
            path,
            f"{where} has coordinates out of range ({lon[bad]:g}, {lat[bad]:g}); expected "
            "longitude in [-180, 180] and latitude in [-90, 90]",
        )
    return shape


def _short(value, limit: int = 60) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def filter_categories(frame: gpd.GeoDataFrame, categories) -> gpd.GeoDataFrame:
    """Rows whose ``category`` is in ``categories``.

    ``None``, an empty list, or a list containing ``"all"`` keeps every row; so does a frame
    without a ``category`` column. Returns a new frame with a fresh index; input is untouched.

    Examples
    --------
    >>> frame = gpd.GeoDataFrame({"category": ["a", "b"]},
    ...                          geometry=gpd.points_from_xy([0, 1], [0, 1]))
    >>> filter_categories(frame, ["b"]).category.tolist()
    ['b']
    >>> len(filter_categories(frame, ["all"]))
    2
    """
    if not categories or "all" in categories or "category" not in frame.columns:
        return frame.reset_index(drop=True)
    keep = frame["category"].isin(list(categories))
    return frame[keep].reset_index(drop=True)


def union_boundary(frame) -> shapely.Geometry:
    """A single (Multi)Polygon from a boundary GeoDataFrame, GeoSeries or geometry.

    Examples
    --------
    >>> union_boundary(shapely.box(0, 0, 1, 1)).area
    1.0
    """
    if isinstance(frame, gpd.GeoDataFrame | gpd.GeoSeries):
        frame = frame.to_crs("EPSG:4326") if frame.crs is not None else frame
        geometry = shapely.union_all(np.asarray(frame.geometry))
    else:
        geometry = frame
    polygonal = shapely.get_type_id(geometry) in (3, 6)
    if geometry is None or geometry.is_empty or not polygonal or not math.isfinite(geometry.area):
        raise ValueError(f"boundary should be a Polygon or MultiPolygon, got {_short(geometry)}")
    return geometry
