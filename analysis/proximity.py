"""Who is near whom: nearest facility per sighting, and everything within a radius.

All distances are geodesic on the WGS84 ellipsoid, in km (see :mod:`analysis.nearest`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from .geodesic import geodesic_buffer
from .prepare import Progress, _geometries, _notify, facility_index, sighting_coordinates
from .settings import UNKNOWN_PRECISION_KM


def feature_ids(frame) -> list[str]:
    """Ids of a GeoDataFrame's rows: its ``id`` column as strings, else its index.

    Examples
    --------
    >>> feature_ids(gpd.GeoDataFrame({"id": [7, "b"]}, geometry=[None, None]))
    ['7', 'b']
    >>> feature_ids(gpd.GeoSeries([None, None]))
    ['0', '1']
    """
    if isinstance(frame, gpd.GeoDataFrame) and "id" in frame.columns:
        return [str(value) for value in frame["id"]]
    return [str(value) for value in frame.index]


@dataclass(frozen=True)
class ProximityResult:
    """Nearest facilities and within-radius lists.

    ``sightings``: DataFrame with columns id, nearest_facility_id, distance_km, within_radius,
    facilities_within (list of ids, nearest first). ``facilities``: DataFrame with columns id,
    sightings_within (list of ids, nearest first), nearest_sighting_distance_km.
    """

    radius_km: float
    sightings: pd.DataFrame
    facilities: pd.DataFrame

    def to_dict(self) -> dict:
        sightings = [
            {
                "id": row.id,
                "nearest_facility_id": row.nearest_facility_id,
                "distance_km": float(row.distance_km),
                "within_radius": bool(row.within_radius),
                "facilities_within": list(row.facilities_within),
            }
            for row in self.sightings.itertuples(index=False)
        ]
        facilities = [
            {
                "id": row.id,
                "sightings_within": list(row.sightings_within),
                "nearest_sighting_distance_km": float(row.nearest_sighting_distance_km),
            }
            for row in self.facilities.itertuples(index=False)
        ]
        return {"radius_km": self.radius_km, "sightings": sightings, "facilities": facilities}


def proximity_table(facilities, sightings, radius_km: float, progress: Progress = None):
    """Nearest facility and all facilities within radius_km for each sighting, and the
    sightings within radius_km of each facility.

    Parameters
    ----------
    facilities : GeoDataFrame or GeoSeries (points, lines, polygons...; ids from ``id``)
    sightings : GeoDataFrame or GeoSeries of points (ids from ``id``)
    radius_km : float
    progress : callable(fraction), optional

    Returns
    -------
    ProximityResult

    Examples
    --------
    >>> facilities = gpd.GeoDataFrame({"id": ["hotel"]},
    ...     geometry=gpd.points_from_xy([-66.0], [9.5]), crs=4326)
    >>> sightings = gpd.GeoDataFrame({"id": ["s1", "s2"]},
    ...     geometry=gpd.points_from_xy([-66.0, -66.0], [9.6, 10.5]), crs=4326)
    >>> table = proximity_table(facilities, sightings, 20.0).sightings
    >>> table[["id", "distance_km", "within_radius"]].round(1).to_dict("list")
    {'id': ['s1', 's2'], 'distance_km': [11.1, 110.6], 'within_radius': [True, False]}
    """
    if not (isinstance(radius_km, int | float) and math.isfinite(radius_km) and radius_km >= 0):
        raise ValueError(f"radius_km should be a finite number >= 0, got {radius_km!r}")
    index = facility_index(facilities)
    lon, lat = sighting_coordinates(sightings)
    facility_id = np.asarray(feature_ids(facilities), dtype=object)
    sighting_id = feature_ids(sightings)
    _notify(progress, 0.1)
    nearest, distance = index.nearest(lon, lat)
    _notify(progress, 0.5)
    within = index.within(lon, lat, radius_km)
    _notify(progress, 0.9)
    per_facility: list[list[tuple[float, int]]] = [[] for _ in range(index.size)]
    for row, (hits, dists) in enumerate(within):
        for facility, dist in zip(hits, dists, strict=True):
            per_facility[facility].append((float(dist), row))
    nearest_sighting = np.min(index.distances(lon, lat), axis=0) if lon.size else []
    sightings_table = pd.DataFrame({
        "id": sighting_id,
        "nearest_facility_id": facility_id[nearest].tolist(),
        "distance_km": distance,
        "within_radius": distance <= radius_km,
        "facilities_within": [facility_id[hits].tolist() for hits, _ in within],
    })
    facilities_table = pd.DataFrame({
        "id": facility_id.tolist(),
        "sightings_within": [[sighting_id[row] for _, row in sorted(pairs)]
                             for pairs in per_facility],
        "nearest_sighting_distance_km": nearest_sighting,
    })
    _notify(progress, 1.0)
    return ProximityResult(float(radius_km), sightings_table, facilities_table)


def geodesic_buffers(frame, radius_km: float, vertices: int = 128) -> gpd.GeoDataFrame:
    """Geodesic buffers of radius_km around every feature, for display, in EPSG:4326.

    Keeps the ``id`` of each feature (see :func:`feature_ids`) and adds ``radius_km``.

    Examples
    --------
    >>> points = gpd.GeoDataFrame({"id": ["a"]}, geometry=gpd.points_from_xy([-66.0], [10.0]),
    ...                           crs=4326)
    >>> buffers = geodesic_buffers(points, 10.0)
    >>> buffers.crs.to_epsg(), buffers.geom_type.tolist(), buffers.id.tolist()
    (4326, ['Polygon'], ['a'])
    """
    geometries = _geometries(frame, "frame")
    polygons = [geodesic_buffer(g, radius_km, vertices) for g in geometries]
    return gpd.GeoDataFrame(
        {"id": feature_ids(frame), "radius_km": float(radius_km)}, geometry=polygons,
        crs="EPSG:4326",
    )


def _stated_km(value) -> float | None:
    """A stated precision in km, or None when unknown (missing, null or NaN)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _or_unknown(value: float | None) -> float:
    return UNKNOWN_PRECISION_KM if value is None else value


def shared_points(proximity, facilities, sightings, tolerance_km: float = 0.01) -> list[dict]:
    """Counted sightings placed on the same point as a facility without being placed there
    by construction (two features given one town's gazetteer point), with the distance the
    stated precision allows: the two precisions added. An unknown precision counts as
    :data:`analysis.settings.UNKNOWN_PRECISION_KM`, and ``*_precision_unknown`` says so."""
    if proximity is None:
        return []
    precision = {}
    for frame in (facilities, sightings):
        if "location_precision_km" in frame:
            precision.update(zip(frame["id"], frame["location_precision_km"], strict=True))
    names = {}
    for frame in (facilities, sightings):
        names.update(zip(frame["id"], frame.get("name", frame["id"]), strict=True))
    out = []
    for row in proximity.sightings.itertuples(index=False):
        if float(row.distance_km) <= tolerance_km:
            stated = [_stated_km(precision.get(i)) for i in (row.id, row.nearest_facility_id)]
            out.append({"sighting": names.get(row.id, row.id),
                        "facility": names.get(row.nearest_facility_id,
                                              row.nearest_facility_id),
                        "sighting_precision_km": _or_unknown(stated[0]),
                        "facility_precision_km": _or_unknown(stated[1]),
                        "sighting_precision_unknown": stated[0] is None,
                        "facility_precision_unknown": stated[1] is None,
                        "up_to_km": sum(_or_unknown(v) for v in stated)})
    return out
