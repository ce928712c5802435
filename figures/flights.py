"""Documented flights: great-circle lines cut at the map's frame, with an arrow head and the
other end's name where a line leaves the map ("to Havana", "from Moscow"), and destination
rings. A destination outside the map is pointed at from the frame's edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from layers.language import _
from layers.registry import BY_NAME
from mapview.build import great_circle

from .style import NARROW, halo
from .text import LITERAL, literal, short_name

EDGE_TEXT = "#7d3a63"  # the flights' purple, darkened for small text


@dataclass(frozen=True)
class EdgeCrossing:
    """Where a flight meets the frame: the point (projected), the travel direction (unit
    vector), whether it leaves the map there, and the text for the far end."""

    x: float
    y: float
    ux: float
    uy: float
    leaving: bool
    text: str


def end_names(row: dict) -> tuple[str, str]:
    """Short names of a flight's origin and destination ("" when not given).

    >>> end_names({"origin": "over Barbados (drawn at TBPB)",
    ...            "destination": "Caracas (drawn at Maiquetía, SVMI)"})
    ('over Barbados', 'Caracas')
    """
    names = []
    for key in ("origin", "destination"):
        value = row.get(key)
        names.append(short_name(literal(value, 60)) if isinstance(value, str) else "")
    return names[0], names[1]


def far_end_text(name: str, leaving: bool) -> str:
    """'to Havana' where the line leaves the map, 'from Moscow' where it comes in ('via'
    for an overflight).

    >>> far_end_text("Havana", True), far_end_text("Moscow", False), \
far_end_text("over Barbados", False)
    ('to Havana', 'from Moscow', 'via Barbados')
    """
    if not name:
        return _("flight continues") if leaving else _("flight from off the map")
    if name.startswith("over "):  # the data's word for an overflight
        return _("via {place}").format(place=name.removeprefix("over "))
    return (_("to {place}") if leaving else _("from {place}")).format(place=name)


def draw_lines(canvas, frame) -> None:
    """Lines cut at the frame; destination rings inside it; crossings kept for the edges."""
    color = BY_NAME["flights"].style["color"]
    axes, spec = canvas.axes, canvas.spec
    box = canvas.frame
    crossings: list[EdgeCrossing] = []
    ends = []
    for row in frame.to_dict("records"):
        geometry = row["geometry"]
        if isinstance(geometry, shapely.LineString):
            origin, destination = end_names(row)
            line = gpd.GeoSeries([great_circle(geometry, step_km=25)],
                                 crs="EPSG:4326").to_crs(canvas.crs).iloc[0]
            inside = line.intersection(box)
            if not inside.is_empty:
                gpd.GeoSeries([inside]).plot(ax=axes, color=color,
                                             linewidth=1.3 * spec.line_pt, alpha=0.9,
                                             zorder=5)
                canvas.flight_lines.append(inside)
                canvas.info.flight_lines.append(inside)
            crossings.extend(frame_crossings(line, box, origin, destination))
        elif isinstance(geometry, shapely.Point):
            ends.append((geometry, end_names(row)[1]))
    size = spec.marker_pt * 1.55
    if ends:
        projected = gpd.GeoSeries([p for p, _ in ends], crs="EPSG:4326").to_crs(canvas.crs)
        for point, (_end, name) in zip(projected, ends, strict=True):
            if box.contains(point):
                canvas.marker(point, "o", size, "none", color, 1.3, zorder=5)
            else:
                crossings.append(pointer(box, point, name))
    canvas.edge_crossings = _unique(crossings)


def frame_crossings(line, box, origin: str, destination: str) -> list[EdgeCrossing]:
    """Every point where ``line`` (projected, in travel order) crosses ``box``'s edge.

    >>> box = shapely.box(0, 0, 10, 10)
    >>> [(c.x, c.y, c.leaving, c.text) for c in frame_crossings(
    ...     shapely.LineString([(5, 5), (15, 5)]), box, "Caracas", "Havana")]
    [(10.0, 5.0, True, 'to Havana')]
    """
    coords = np.asarray(line.coords)
    inside = shapely.contains_xy(box, coords[:, 0], coords[:, 1])
    edge = box.exterior
    out = []
    for i in range(len(coords) - 1):
        if inside[i] == inside[i + 1]:
            segment = shapely.LineString(coords[i:i + 2])
            if inside[i] or not segment.intersects(box):
                continue
        segment = shapely.LineString(coords[i:i + 2])
        hits = segment.intersection(edge)
        points = [hits] if isinstance(hits, shapely.Point) else \
            list(getattr(hits, "geoms", []))
        (x0, y0), (x1, y1) = coords[i], coords[i + 1]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        points.sort(key=lambda p: (p.x - x0) * ux + (p.y - y0) * uy)
        for order, point in enumerate(points):
            if not isinstance(point, shapely.Point):
                continue
            leaving = bool(inside[i]) if len(points) == 1 else order == len(points) - 1
            out.append(EdgeCrossing(point.x, point.y, ux, uy, leaving,
                                    far_end_text(destination if leaving else origin,
                                                 leaving)))
    return out


def pointer(box, point, name: str) -> EdgeCrossing:
    """A destination outside the map, pointed at from the frame where the straight line
    from the map's centre to it leaves the frame."""
    centre = box.centroid
    ray = shapely.LineString([centre, point])
    hit = ray.intersection(box.exterior)
    hit = hit if isinstance(hit, shapely.Point) else list(hit.geoms)[0]
    length = math.hypot(point.x - centre.x, point.y - centre.y) or 1.0
    text = (_("flight to {place}").format(place=name) if name
            else _("flight destination off the map"))
    return EdgeCrossing(hit.x, hit.y, (point.x - centre.x) / length,
                        (point.y - centre.y) / length, True, text)


def _unique(crossings):
    seen, out = set(), []
    for c in crossings:
        key = (round(c.x, -2), round(c.y, -2), c.text)  # within 100 m: the same place
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def draw_edges(canvas) -> None:
    """Arrow heads and far-end names at the frame, once the axes have their final place.

    The name sits inside the frame beside the arrow, away from the edge; it becomes an
    obstacle for every label placed after it."""
    crossings = getattr(canvas, "edge_crossings", [])
    if not crossings:
        return
    axes, spec = canvas.axes, canvas.spec
    color = BY_NAME["flights"].style["color"]
    frame = canvas.axes_box()
    size_pt = spec.label_pt * 0.92
    head_px = canvas.px(spec.marker_pt * 1.1)
    inset = canvas.px(1.5)
    for crossing in crossings:
        ex, ey = axes.transData.transform((crossing.x, crossing.y))
        # travel direction in display units
        tx, ty = axes.transData.transform((crossing.x + crossing.ux * 1000,
                                           crossing.y + crossing.uy * 1000))
        length = math.hypot(tx - ex, ty - ey) or 1.0
        ux, uy = (tx - ex) / length, (ty - ey) / length
        ex = min(max(ex, frame.x0 + inset), frame.x1 - inset)
        ey = min(max(ey, frame.y0 + inset), frame.y1 - inset)
        if crossing.leaving:  # the tip on the frame, pointing out
            tip, tail = (ex, ey), (ex - ux * head_px, ey - uy * head_px)
        else:                  # the tail on the frame, pointing in
            tail, tip = (ex, ey), (ex + ux * head_px, ey + uy * head_px)
        to_data = axes.transData.inverted()
        arrow = axes.annotate(
            "", xy=to_data.transform(tip), xytext=to_data.transform(tail),
            arrowprops={"arrowstyle": "-|>,head_length=0.55,head_width=0.3",
                        "color": color, "lw": 1.3 * spec.line_pt, "shrinkA": 0,
                        "shrinkB": 0, "mutation_scale": spec.label_pt * 0.9}, zorder=21,
            annotation_clip=False)
        text = _edge_text(canvas, crossing.text, (ex, ey), (ux, uy), size_pt, frame)
        canvas.info.edge_labels.append(text.get_text())
        canvas.info.edge_arrows.append((tip, tail))
        box = canvas.box_of(text)
        canvas.taken.append(box)
        canvas.taken.append(canvas.box_of(arrow))


def _edge_text(canvas, text, point, direction, size_pt, frame):
    """The far end's name inside the frame, beside the crossing point, on the side of the
    line away from where it travels, aligned with the edge it sits on."""
    axes = canvas.axes
    x, y = point
    gap = canvas.px(size_pt * 0.6)
    edges = {"left": x - frame.x0, "right": frame.x1 - x, "bottom": y - frame.y0,
             "top": frame.y1 - y}
    edge = min(edges, key=edges.get)
    ux, uy = direction
    if edge in ("top", "bottom"):
        va = "top" if edge == "top" else "bottom"
        ty = y - gap * 0.5 if edge == "top" else y + gap * 0.5
        # beside the line, on the side it does not lean to
        side = -1 if ux > 0 else 1
        ha = "right" if side < 0 else "left"
        tx = x + side * gap
    else:
        ha = "right" if edge == "right" else "left"
        tx = x - gap * 0.5 if edge == "right" else x + gap * 0.5
        side = -1 if uy > 0 else 1
        va = "top" if side < 0 else "bottom"
        ty = y + side * gap
    width = canvas.text_width(text, size_pt, NARROW, style="italic")
    # keep inside the frame
    if ha == "left":
        tx = min(tx, frame.x1 - width - canvas.px(3))
    elif ha == "right":
        tx = max(tx, frame.x0 + width + canvas.px(3))
    data_xy = axes.transData.inverted().transform((tx, ty))
    return axes.text(data_xy[0], data_xy[1], text, ha=ha, va=va, fontsize=size_pt,
                     fontfamily=NARROW, fontstyle="italic", color=EDGE_TEXT, zorder=22,
                     path_effects=halo(size_pt * 0.3), **LITERAL)
