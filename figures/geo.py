"""The map's projection, extent, scale bar and north arrow, all computed geodesically.

The map is drawn in an azimuthal equidistant projection centred on the area shown:
distances from the centre are true, and across Venezuela (about 1,500 km) the scale varies by
well under 1%. The scale bar is still measured along the WGS84 ellipsoid at the place where it
is drawn, and the north arrow points along the meridian through its own position.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Geod, Transformer

GEOD = Geod(ellps="WGS84")
NICE_KM = (10, 20, 25, 50, 100, 150, 200, 250, 300, 400, 500, 1000, 2000)


def local_crs(lon: float, lat: float) -> CRS:
    """An azimuthal equidistant CRS centred on (lon, lat), in metres.

    >>> local_crs(-66.2, 7.2).srs.split()[0]
    '+proj=aeqd'
    """
    return CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat:.6f} +lon_0={lon:.6f} +datum=WGS84 +units=m +no_defs"
    )


@dataclass(frozen=True)
class Extent:
    """A rectangle in projected metres: (xmin, ymin, xmax, ymax)."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    @property
    def width(self) -> float:
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        return self.ymax - self.ymin

    def fit_aspect(self, aspect: float) -> Extent:
        """The smallest extent with width / height == ``aspect`` containing this one,
        grown about the same centre.

        >>> Extent(0, 0, 10, 10).fit_aspect(2.0)
        Extent(xmin=-5.0, ymin=0.0, xmax=15.0, ymax=10.0)
        """
        cx, cy = (self.xmin + self.xmax) / 2, (self.ymin + self.ymax) / 2
        width, height = self.width, self.height
        if width / height < aspect:
            width = height * aspect
        else:
            height = width / aspect
        return Extent(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)

    def grow(self, fraction: float, top: float | None = None) -> Extent:
        """Grown on every side by ``fraction`` of its size (the top by ``top`` if given).

        >>> Extent(0, 0, 10, 10).grow(0.1, top=0.5)
        Extent(xmin=-1.0, ymin=-1.0, xmax=11.0, ymax=15.0)
        """
        dx, dy = self.width * fraction, self.height * fraction
        top_dy = dy if top is None else self.height * top
        return Extent(self.xmin - dx, self.ymin - dy, self.xmax + dx, self.ymax + top_dy)


def nice_length_km(max_km: float) -> float:
    """The largest round length not above ``max_km``.

    >>> nice_length_km(180), nice_length_km(7)
    (150, 10)
    """
    fitting = [km for km in NICE_KM if km <= max_km]
    return fitting[-1] if fitting else NICE_KM[0]


def projected_length(crs: CRS, lon: float, lat: float, km: float, azimuth: float = 90.0):
    """Projected (dx, dy) in metres of a geodesic of ``km`` from (lon, lat) at ``azimuth``.

    >>> dx, dy = projected_length(local_crs(-66, 7), -66, 7, 100)
    >>> round(dx / 1000, 1), round(abs(dy) / 1000, 3)
    (100.0, 0.0)
    """
    end_lon, end_lat, _ = GEOD.fwd(lon, lat, azimuth, km * 1000.0)
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    (x0, x1), (y0, y1) = to_map.transform([lon, end_lon], [lat, end_lat])
    return x1 - x0, y1 - y0


def north_angle_deg(crs: CRS, x: float, y: float) -> float:
    """Angle of true north at projected (x, y), in degrees counter-clockwise from up.

    >>> abs(north_angle_deg(local_crs(-66, 7), 0.0, 0.0)) < 1e-6
    True
    >>> round(north_angle_deg(local_crs(-66, 7), 700_000.0, 500_000.0), 1)
    1.1
    """
    to_geo = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = to_geo.transform(x, y)
    dx, dy = projected_length(crs, lon, lat, 10.0, azimuth=0.0)
    return math.degrees(math.atan2(-dx, dy))


def to_lonlat(crs: CRS, x, y):
    """Projected metres back to longitude and latitude."""
    to_geo = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return to_geo.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
