"""The basemap under the story: world land, the region's countries, Venezuela, its states,
lakes, reservoirs and rivers.

Files (GeoJSON, EPSG:4326, full detail, built by ``scripts/build_data.py --basemap``) are
read once and cached by path and modification time; a missing or unreadable file leaves its
layer out and the rest is drawn. Countries and Venezuela come with the shipped layers
(``frames``); the rest from ``data/basemap/``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import shapely

from layers.registry import DATA_DIR

from .style import BORDER, COAST, LAND, SEA, STATE_LINE, VENEZUELA_FILL, WATER_LINE

BASEMAP_DIR = DATA_DIR / "basemap"
FILES = ("world_land", "states", "rivers", "lakes", "places", "labels")


def load(name: str, directory: Path | None = None):
    """The basemap layer ``name`` (one of :data:`FILES`) as a GeoDataFrame in EPSG:4326, or
    None when its file is missing or unreadable. Cached: do not modify the result.

    >>> load("no_such_layer") is None
    True
    """
    path = Path(directory or BASEMAP_DIR) / f"{name}.geojson"
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    return _read(str(path), stamp)


@functools.lru_cache(maxsize=32)
def _read(path: str, stamp: int):
    try:
        frame = gpd.read_file(path)
    except Exception:  # noqa: BLE001 - any unreadable file: the layer is skipped
        return None
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    elif not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return frame if len(frame) else None


def cropped(frame, lonlat_box, crs, projected_clip):
    """``frame``'s geometries cut to ``lonlat_box`` (before projecting, so nothing from the
    far side of the globe is projected), projected to ``crs`` and cut to ``projected_clip``."""
    if frame is None:
        return None
    part = frame[frame.geometry.intersects(lonlat_box)]
    if not len(part):
        return None
    shapes = part.geometry.intersection(lonlat_box)
    keep = ~shapes.is_empty
    part = part[keep].set_geometry(shapes[keep].values)
    part = part.to_crs(crs)
    shapes = part.geometry.intersection(projected_clip)
    keep = ~shapes.is_empty
    return part[keep].set_geometry(shapes[keep].values) if keep.any() else None


def lonlat_window(frame_lonlat, margin_deg: float = 1.0):
    """The lon/lat box around the map's frame, with a margin."""
    west, south, east, north = frame_lonlat.bounds
    return shapely.box(max(west - margin_deg, -180), max(south - margin_deg, -90),
                       min(east + margin_deg, 180), min(north + margin_deg, 90))


def draw(canvas) -> dict:
    """Land, borders, Venezuela, states, lakes and rivers on ``canvas.axes``; returns the
    projected frames drawn (``rivers``, ``lakes``, ``venezuela``) for the names."""
    axes, spec = canvas.axes, canvas.spec
    window = lonlat_window(canvas.frame_lonlat)
    clip = canvas.clip
    drawn = {}
    axes.set_facecolor(SEA)
    land = cropped(load("world_land"), window, canvas.crs, clip)
    if land is not None:
        land.plot(ax=axes, facecolor=LAND, edgecolor="none", zorder=0.5)
    countries = cropped(canvas.scene.countries, window, canvas.crs, clip)
    if countries is not None:
        countries.plot(ax=axes, facecolor=LAND, edgecolor=BORDER,
                       linewidth=0.5 * spec.line_pt, zorder=1)
    drawn["countries"] = countries
    venezuela = cropped(canvas.scene.venezuela, window, canvas.crs, clip)
    if venezuela is not None:
        venezuela.plot(ax=axes, facecolor=VENEZUELA_FILL, edgecolor="none", zorder=1.5)
    states = cropped(load("states"), window, canvas.crs, clip)
    if states is not None:
        states.boundary.plot(ax=axes, color=STATE_LINE, linewidth=0.45 * spec.line_pt,
                             zorder=1.6)
    lakes = cropped(load("lakes"), window, canvas.crs, clip)
    if lakes is not None:
        lakes.plot(ax=axes, facecolor=SEA, edgecolor=WATER_LINE,
                   linewidth=0.35 * spec.line_pt, zorder=1.7)
    drawn["lakes"] = lakes
    rivers = cropped(load("rivers"), window, canvas.crs, clip)
    if rivers is not None:
        ranks = rivers["rank"] if "rank" in rivers else [2] * len(rivers)
        for rank, shape in zip(ranks, rivers.geometry, strict=True):
            width = (1.25 if rank == 1 else 0.75) * spec.line_pt
            gpd.GeoSeries([shape]).plot(ax=axes, color=WATER_LINE, linewidth=width,
                                        zorder=1.8, capstyle="round", joinstyle="round")
    drawn["rivers"] = rivers
    if venezuela is not None:
        venezuela.boundary.plot(ax=axes, color=COAST, linewidth=1.0 * spec.line_pt,
                                zorder=2)
    drawn["venezuela"] = venezuela
    return drawn


def coast_lines(drawn) -> list:
    """Projected lines labels should keep off: Venezuela's outline and the rivers."""
    lines = []
    for name in ("venezuela", "lakes"):
        frame = drawn.get(name)
        if frame is not None:
            lines.append(shapely.union_all(frame.geometry.boundary.values))
    if drawn.get("rivers") is not None:
        lines.append(shapely.union_all(drawn["rivers"].geometry.values))
    return lines
