"""Lenient, strict-where-it-matters reading of GeoJSON FeatureCollections.

Only a geometry is required per feature. The id is ``properties.id``, else the feature's
top-level ``id``, else its position in the file (as a string). Any problem raises
:class:`InputError`, whose message is one line naming the file and the problem.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry


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



@dataclass(frozen=True)
class FeatureFile:
    """A file read by :func:`read_features`: its features, the reader's warnings (one line
    each, naming the file, feature and field) and whether points look swapped."""

    frame: gpd.GeoDataFrame
    warnings: tuple[str, ...] = ()
    swap_suggested: bool = False


def read_features(path, *, name: str | None = None, swap: bool = False) -> FeatureFile:
    """Read a GeoJSON FeatureCollection, a CSV with latitude/longitude columns or a
    GeoPackage, with the reader's warnings; see :func:`read_feature_file`.

    ``name`` is how the file is named in messages (default: ``path`` as given, never a
    path the user did not type). ``swap`` exchanges latitude and longitude of the points
    that look swapped, as the app's upload checkbox does.
    """
    from layers.readers import read_bytes, strip_invisible
    from layers.validation import read_limited

    # Invisible direction characters are taken out of the name in every message.
    name = strip_invisible(str(path) if name is None else name)
    data, problem = read_limited(Path(path), name)  # regular files only, size while reading
    if problem is not None:
        raise InputError(name, str(problem).removeprefix(f"{name}: "))
    result = read_bytes(data, name, None, swap=swap, repair=False)
    if result.errors:
        first = str(result.errors[0]).removeprefix(f"{result.file}: ")
        more = len(result.errors) - 1
        if more:
            first += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise InputError(result.file, first)
    frame = result.frame
    ids = [str(value) for value in frame["id"]]
    columns = [c for c in frame.columns if c not in ("id", "geometry")]
    table = frame[columns].astype(object)
    table = table.where(table.notna(), None)
    table.insert(0, "id", ids)
    frame = gpd.GeoDataFrame(table, geometry=frame.geometry.values, crs="EPSG:4326")
    return FeatureFile(frame, tuple(" ".join(str(p).split()) for p in result.warnings),
                       result.swap_suggested)


def read_feature_file(path, *, name: str | None = None, swap: bool = False
                      ) -> gpd.GeoDataFrame:
    """Read a GeoJSON FeatureCollection, a CSV with latitude/longitude columns or a
    GeoPackage into a GeoDataFrame in EPSG:4326.

    This is the same reader as the app's upload (:func:`layers.readers.read_bytes`), in
    its geometry-only mode: only a geometry is required per feature. The id is
    ``properties.id``, else the feature's top-level ``id``, else its position (as a
    string). Coordinates must be numbers, finite, longitudes in [-180, 180] and latitudes
    in [-90, 90]. Only regular files of at most ``layers.validation.MAX_FILE_BYTES`` are
    read. The reader's warnings are dropped here: :func:`read_features` keeps them.

    Raises
    ------
    InputError
        If the file is missing, not a regular file, too large or unreadable, or any
        feature has a problem: the message is the first problem, naming the file, feature
        and field, and how many more there are.

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
    return read_features(path, name=name, swap=swap).frame


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


def placed_at_facility(frame) -> pd.Series:
    """Rows whose ``placement`` is ``at_facility`` (placed at a facility by construction).

    Examples
    --------
    >>> frame = gpd.GeoDataFrame({"placement": ["independent", "at_facility", None]},
    ...                          geometry=gpd.points_from_xy([0, 1, 2], [0, 1, 2]))
    >>> placed_at_facility(frame).tolist()
    [False, True, False]
    """
    if "placement" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["placement"].eq("at_facility").fillna(False).astype(bool)


def counted_sightings(frame, include_at_facility: bool = False):
    """The sightings the test counts: those placed at a facility by construction are left
    out unless ``include_at_facility`` (see ``data/README.md``, ``placement``).

    Examples
    --------
    >>> frame = gpd.GeoDataFrame({"placement": ["independent", "at_facility"]},
    ...                          geometry=gpd.points_from_xy([0, 1], [0, 1]))
    >>> len(counted_sightings(frame)), len(counted_sightings(frame, True))
    (1, 2)
    """
    if include_at_facility:
        return frame
    mask = placed_at_facility(frame)
    return frame if not mask.any() else frame[~mask]


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
