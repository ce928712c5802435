"""What area the map shows, and in which projection.

Two cases. Given ``bounds`` (west, south, east, north in degrees), the map shows exactly
that box, in an equidistant cylindrical projection whose true-scale parallel is the box's
middle latitude: a lon/lat box is a rectangle there, so the axes' limits are the bounds.
Otherwise the extent is automatic: all of Venezuela and every tested feature (or only the
story's places, for the presets with ``focus="story"``), in an azimuthal equidistant
projection centred on that area. In both, distances on the map are within about 1% of the
geodesic ones over Venezuela, and the scale bar is measured geodesically where it stands.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from .geo import Extent, local_crs
from .style import MIN_STORY_SPAN_DEG

DEFAULT_LONLAT = (-73.4, 0.6, -59.8, 12.6)  # Venezuela, when no layer gives an area


def bounds_crs(bounds) -> CRS:
    """Equidistant cylindrical CRS true to scale along the middle parallel of ``bounds``.

    >>> bounds_crs((-72.5, 9.5, -67.0, 12.5)).srs.split()[:3]
    ['+proj=eqc', '+lat_ts=11.000000', '+lon_0=-69.750000']
    """
    west, south, east, north = bounds
    return CRS.from_proj4(f"+proj=eqc +lat_ts={(south + north) / 2:.6f} "
                          f"+lon_0={(west + east) / 2:.6f} +datum=WGS84 +units=m +no_defs")


def map_crs(scene, spec, state) -> CRS:
    if scene.bounds is not None:
        return bounds_crs(scene.bounds)
    lon_min, lat_min, lon_max, lat_max = focus_bounds(scene, spec, state)
    return local_crs((lon_min + lon_max) / 2, (lat_min + lat_max) / 2)


def focus_bounds(scene, spec, state):
    """The area the map must show, in lon/lat: Venezuela and every tested feature
    (``focus="country"``), or only the places drawn (``focus="story"``: sightings,
    facilities, mining arc; at least :data:`MIN_STORY_SPAN_DEG` across)."""
    story = [scene.tested_sightings, scene.tested_facilities]
    if spec.focus == "story":
        candidates = story + [scene.shown.get(name) for name in
                              ("sightings", "facilities", "orinoco_mining_arc")]
    else:
        candidates = [scene.venezuela, *story]
    parts = [frame.total_bounds for frame in candidates if frame is not None and len(frame)]
    if not parts:
        return DEFAULT_LONLAT
    around = {"sightings": scene.tested_sightings,
              "facilities": scene.tested_facilities}.get(state.buffer_around)
    if around is not None and len(around) and state.radius_km > 0:
        # Framing only (nothing is measured here): keep whole circles in view.
        lon0, lat0, lon1, lat1 = around.total_bounds
        dlat = state.radius_km / 110.6
        dlon = dlat / max(math.cos(math.radians(max(abs(lat0), abs(lat1)))), 0.1)
        parts.append(np.array([lon0 - dlon, lat0 - dlat, lon1 + dlon, lat1 + dlat]))
    bounds = np.array(parts)
    lon_min, lat_min = bounds[:, 0].min(), bounds[:, 1].min()
    lon_max, lat_max = bounds[:, 2].max(), bounds[:, 3].max()
    half = MIN_STORY_SPAN_DEG / 2
    lon_c, lat_c = (lon_min + lon_max) / 2, (lat_min + lat_max) / 2
    return (min(lon_min, lon_c - half), min(lat_min, lat_c - half),
            max(lon_max, lon_c + half), max(lat_max, lat_c + half))


def map_extent(scene, spec, state, crs, aspect: float) -> Extent:
    """The projected extent: exactly ``scene.bounds`` when given (whatever ``aspect``; the
    map's axes take the bounds' shape), else the automatic extent fitted to ``aspect``."""
    if scene.bounds is not None:
        west, south, east, north = scene.bounds
        xs, ys = _project_points(crs, [west, east], [south, north])
        return Extent(xs[0], ys[0], xs[1], ys[1])
    lon_min, lat_min, lon_max, lat_max = focus_bounds(scene, spec, state)
    grid_lon, grid_lat = np.meshgrid(np.linspace(lon_min, lon_max, 9),
                                     np.linspace(lat_min, lat_max, 9))
    xs, ys = _project_points(crs, grid_lon.ravel(), grid_lat.ravel())
    # Extra room at the top: the Caribbean coast, where most labels sit, and the flights.
    extent = Extent(xs.min(), ys.min(), xs.max(), ys.max()).grow(0.07, top=0.14)
    return extent.fit_aspect(aspect)


def frame_lonlat(crs, extent: Extent) -> shapely.Polygon:
    """The map's frame in lon/lat: the extent's outline, densified, unprojected."""
    outline = shapely.segmentize(shapely.box(extent.xmin, extent.ymin, extent.xmax,
                                             extent.ymax), max(extent.width, extent.height) / 40)
    series = gpd.GeoSeries([outline], crs=crs).to_crs("EPSG:4326")
    return series.iloc[0]


def _project_points(crs, lons, lats):
    points = gpd.GeoSeries(gpd.points_from_xy(lons, lats), crs="EPSG:4326").to_crs(crs)
    return points.x.to_numpy(), points.y.to_numpy()
