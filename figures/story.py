"""The story layers on the map: the mining arc, buffers, facilities and sightings, in the
registry's colours. Flights are drawn by :mod:`figures.flights`."""

from __future__ import annotations

import geopandas as gpd
import shapely

from analysis.geodesic import geodesic_buffer
from layers.registry import BY_NAME
from mapview.build import BUFFER_COLOR

from . import flights
from .style import FACILITY_SIZE, INK


def draw(canvas) -> None:
    """Every visible story layer, bottom to top."""
    shown = canvas.scene.shown
    if shown.get("orinoco_mining_arc") is not None:
        mining_arc(canvas, shown["orinoco_mining_arc"])
    buffers(canvas)
    if shown.get("flights") is not None:
        flights.draw_lines(canvas, shown["flights"])
    if shown.get("facilities") is not None:
        facilities(canvas, shown["facilities"])
    if shown.get("sightings") is not None:
        sightings(canvas, shown["sightings"])


def mining_arc(canvas, frame) -> None:
    color = BY_NAME["orinoco_mining_arc"].style["color"]
    projected = canvas.project(frame)
    projected.plot(ax=canvas.axes, facecolor=color, alpha=0.22, edgecolor="none", zorder=3)
    projected.plot(ax=canvas.axes, facecolor="none", edgecolor=color,
                   linewidth=0.9 * canvas.spec.line_pt, zorder=3)


def buffers(canvas) -> None:
    """Geodesic circles at the radius around the tested sightings (or facilities)."""
    state, scene = canvas.state, canvas.scene
    around = {"sightings": scene.tested_sightings,
              "facilities": scene.tested_facilities}.get(state.buffer_around)
    if around is None or not len(around) or state.radius_km <= 0:
        return
    circles = gpd.GeoSeries([geodesic_buffer(g, float(state.radius_km), 128)
                             for g in around.geometry], crs="EPSG:4326")
    projected = circles.to_crs(canvas.crs)
    projected.plot(ax=canvas.axes, facecolor=BUFFER_COLOR, alpha=0.10, edgecolor="none",
                   zorder=4)
    projected.plot(ax=canvas.axes, facecolor="none", edgecolor=BUFFER_COLOR,
                   linewidth=1.1 * canvas.spec.line_pt, linestyle=(0, (4, 2.5)), zorder=4)


def facilities(canvas, frame) -> None:
    layer = BY_NAME["facilities"]
    for row, geometry in zip(frame.to_dict("records"), canvas.project(frame).geometry,
                             strict=True):
        color = layer.color_for(row)
        point = geometry if isinstance(geometry, shapely.Point) else \
            geometry.representative_point()
        if not isinstance(geometry, shapely.Point):
            gpd.GeoSeries([geometry]).plot(ax=canvas.axes, facecolor=color, alpha=0.3,
                                           edgecolor=color, zorder=6)
        if canvas.clip.contains(point) and canvas.frame.intersects(point):
            canvas.marker(point, "s", canvas.spec.marker_pt * FACILITY_SIZE, color, INK, 0.8,
                          zorder=7)


def sightings(canvas, frame) -> None:
    """Tested sightings as filled circles, the others (not in the test) as rings."""
    layer = BY_NAME["sightings"]
    tested = set(canvas.scene.tested_sightings.get("id", []))
    size = canvas.spec.marker_pt
    for row, geometry in zip(frame.to_dict("records"), canvas.project(frame).geometry,
                             strict=True):
        if not isinstance(geometry, shapely.Point) or not canvas.frame.intersects(geometry):
            continue
        color = layer.color_for(row)
        if row.get("id") in tested or "id" not in row:
            canvas.marker(geometry, "o", size, color, "white", 1.0, zorder=8)
        else:
            canvas.marker(geometry, "o", size * 0.9, "none", color, 1.6, zorder=8)
