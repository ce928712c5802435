"""Input normalisation shared by the analysis functions: done once, at the door."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely

from .nearest import GeodesicIndex

Progress = Callable[[float], None] | None


def _notify(progress: Progress, fraction: float) -> None:
    if progress is not None:
        progress(min(max(float(fraction), 0.0), 1.0))


# -- inputs -------------------------------------------------------------------------------
def _geometries(frame, what: str) -> np.ndarray:
    if not isinstance(frame, gpd.GeoDataFrame | gpd.GeoSeries):
        raise TypeError(f"'{what}' should be a GeoDataFrame or GeoSeries, got {type(frame)}")
    if len(frame) == 0:
        raise ValueError(f"'{what}' is empty")
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    geometries = np.asarray(frame.geometry if hasattr(frame, "geometry") else frame)
    missing = [i for i, g in enumerate(geometries) if g is None or shapely.is_empty(g)]
    if missing:
        raise ValueError(f"'{what}' has missing or empty geometries at rows {missing[:5]}")
    return geometries


def sighting_coordinates(sightings) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat arrays of point sightings (a GeoDataFrame or GeoSeries, any geographic CRS)."""
    geometries = _geometries(sightings, "sightings")
    not_point = np.flatnonzero(shapely.get_type_id(geometries) != 0)
    if not_point.size:
        raise ValueError(
            f"'sightings' should be points; row {int(not_point[0])} is "
            f"{shapely.get_type_id(geometries[not_point[0]])!r} (type id)"
        )
    xy = shapely.get_coordinates(geometries)
    return xy[:, 0], xy[:, 1]


def facility_index(facilities) -> GeodesicIndex:
    """A :class:`GeodesicIndex` over a facilities GeoDataFrame or GeoSeries (any geometry)."""
    return GeodesicIndex(_geometries(facilities, "facilities"))
