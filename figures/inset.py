"""The locator: northern South America and the Caribbean, Venezuela in grey, and the
area the main map shows outlined."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from layers.language import _
from layers.registry import PALETTE

from . import basemap
from .furniture import plain_frame
from .geo import Extent
from .style import BORDER, LAND, MUTED, SANS, SEA
from .text import LITERAL

#: Area shown by the locator inset: northern South America and the Caribbean.
INSET_LONLAT = (-84.0, -6.0, -48.0, 22.0)


def draw(canvas, box) -> None:
    spec, figure = canvas.spec, canvas.figure
    left, bottom, width, height = box
    axes = figure.add_axes((left / spec.width_in, bottom / spec.height_in,
                            width / spec.width_in, height / spec.height_in))
    lon_min, lat_min, lon_max, lat_max = INSET_LONLAT
    lons, lats = np.meshgrid(np.linspace(lon_min, lon_max, 7),
                             np.linspace(lat_min, lat_max, 7))
    corners = gpd.GeoSeries(gpd.points_from_xy(lons.ravel(), lats.ravel()),
                            crs="EPSG:4326").to_crs(canvas.crs)
    inner = Extent(corners.x.min(), corners.y.min(), corners.x.max(), corners.y.max())
    view = inner.fit_aspect(width / height)
    clip = shapely.box(view.xmin, view.ymin, view.xmax, view.ymax)
    window = shapely.box(lon_min - 12, lat_min - 8, lon_max + 12, lat_max + 8)
    axes.set_facecolor(SEA)
    land = basemap.cropped(basemap.load("world_land"), window, canvas.crs, clip)
    if land is not None:
        land.plot(ax=axes, facecolor=LAND, edgecolor="none")
    countries = basemap.cropped(canvas.scene.countries, window, canvas.crs, clip)
    if countries is not None:
        countries.plot(ax=axes, facecolor=LAND, edgecolor=BORDER,
                       linewidth=0.35 * spec.line_pt)
    if canvas.scene.venezuela is not None:
        canvas.project(canvas.scene.venezuela).plot(ax=axes, facecolor="#6d6a63",
                                                    edgecolor="none")
    frame = gpd.GeoSeries([canvas.frame], crs=canvas.crs)
    frame.plot(ax=axes, facecolor="none", edgecolor=PALETTE["vermillion"],
               linewidth=1.2 * spec.line_pt, zorder=5)
    axes.text(0.04, 0.05, _("Area shown"), transform=axes.transAxes, ha="left", va="bottom",
              fontsize=spec.legend_pt * 0.8, fontfamily=SANS, color=MUTED, **LITERAL)
    axes.set_xlim(view.xmin, view.xmax)
    axes.set_ylim(view.ymin, view.ymax)
    axes.set_aspect("equal", adjustable="box")
    axes.set_anchor("SE" if spec.layout == "below" else "S")
    plain_frame(axes, spec)
