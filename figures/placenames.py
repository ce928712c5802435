"""Names on the basemap, placed after the story's labels wherever room is left: the
Orinoco along its course, Lake Maracaibo, towns and cities (the biggest ones and those near
the story's places), and the names of seas and countries in spaced capitals.

None of these is ever drawn over a story marker, a story label, the scale bar or another
name; a name with no room is left out (they are background, not the story).
"""

from __future__ import annotations

import math

import geopandas as gpd
import shapely

from . import basemap
from .style import (
    COUNTRY_TEXT,
    NARROW,
    PLACE_DOT,
    PLACE_TEXT,
    SANS,
    WATER_TEXT,
    halo,
    spaced,
)
from .text import LITERAL, literal

NEAR_STORY_KM = 60.0     # places this close to a story feature may be named
SAME_PLACE_KM = 12.0     # ...but not those the story's own label already names


def draw(canvas, drawn: dict) -> None:
    rivers(canvas, drawn.get("rivers"))
    lakes(canvas, drawn.get("lakes"))
    places(canvas)
    seas_and_countries(canvas, drawn.get("countries"))


def _try_text(canvas, x, y, text, *, pad=0.0, **style):
    """Draw ``text`` at display (x, y) if its box is free; returns the artist or None."""
    axes = canvas.axes
    data_xy = axes.transData.inverted().transform((x, y))
    artist = axes.text(data_xy[0], data_xy[1], text, **style, **LITERAL)
    box = canvas.box_of(artist)
    if not canvas.is_free(box, pad=pad):
        artist.remove()
        return None
    canvas.taken.append(box)
    return artist


# --------------------------------------------------------------------------- water
def rivers(canvas, frame) -> None:
    """The name of each rank-1 river (the Orinoco), along a straight stretch of it."""
    if frame is None or "name" not in frame:
        return
    spec = canvas.spec
    ranks = frame["rank"] if "rank" in frame else [1] * len(frame)
    for name, rank, shape in zip(frame["name"], ranks, frame.geometry, strict=True):
        if rank != 1 or not isinstance(name, str):
            continue
        line = shapely.line_merge(shape) if shape.geom_type == "MultiLineString" else shape
        parts = list(getattr(line, "geoms", [line]))
        line = max(parts, key=lambda p: p.length)
        display = canvas.to_display(line)
        text = literal(name, 30)
        size = spec.legend_pt * 0.95
        width = canvas.text_width(text, size, SANS, style="italic")
        spots = []
        for fraction in sorted((i / 20 for i in range(2, 19)), key=lambda f: abs(f - 0.5)):
            middle = display.interpolate(fraction, normalized=True)
            along = display.project(middle)
            a = display.interpolate(max(along - width / 2, 0))
            b = display.interpolate(min(along + width / 2, display.length))
            angle = math.degrees(math.atan2(b.y - a.y, b.x - a.x))
            if angle > 90:
                angle -= 180
            elif angle < -90:
                angle += 180
            # straight enough there: the text follows the chord
            chord = shapely.LineString([a, b])
            if display.interpolate(along).distance(chord) > canvas.px(size) * 0.5:
                continue
            spots.append((abs(angle) > 35, fraction, middle, angle))
        for _, _, middle, angle in sorted(spots, key=lambda spot: spot[0]):
            normal = math.radians(angle + 90)
            offset = canvas.px(size * 0.75)
            x, y = middle.x + math.cos(normal) * offset, middle.y + math.sin(normal) * offset
            artist = _try_text(canvas, x, y, text, ha="center", va="center",
                               rotation=angle, rotation_mode="anchor", fontsize=size,
                               fontfamily=SANS, fontstyle="italic", color=WATER_TEXT,
                               zorder=2.6, path_effects=halo(size * 0.25))
            if artist is not None:
                canvas.info.place_labels.append(text)
                break


def lakes(canvas, frame) -> None:
    """Lakes named where the name fits inside them (Lake Maracaibo at most scales)."""
    if frame is None or "name" not in frame:
        return
    size = canvas.spec.legend_pt * 0.8
    for name, shape in zip(frame["name"], frame.geometry, strict=True):
        if not isinstance(name, str):
            continue
        display = canvas.to_display(shape)
        if display.is_empty:
            continue
        polygon = max(getattr(display, "geoms", [display]), key=lambda p: p.area)
        point = shapely.ops.polylabel(polygon, tolerance=2.0)
        text = literal(name, 30).replace(" ", "\n", 1)
        artist = _try_text(canvas, point.x, point.y, text, ha="center", va="center",
                           fontsize=size, fontfamily=SANS, fontstyle="italic",
                           color=WATER_TEXT, linespacing=1.0, zorder=2.6,
                           multialignment="center", path_effects=halo(size * 0.25))
        if artist is None:
            continue
        box = shapely.box(*canvas.box_of(artist))
        if not polygon.buffer(canvas.px(2)).contains(box):
            artist.remove()
            canvas.taken.pop()
            continue
        canvas.info.place_labels.append(" ".join(text.split()))


# --------------------------------------------------------------------------- places
def candidates(canvas, frame):
    """Places worth naming at this scale, most important first: the capital and cities of
    a million people, then (on closer maps) smaller cities, and towns near the story's
    places. Places the story's own labels already name (a story feature within
    :data:`SAME_PLACE_KM`) are left out."""
    if frame is None or "name" not in frame:
        return []
    width_km = canvas.extent.width / 1000.0
    max_rank = 2 if width_km > 1000 else 3 if width_km > 400 else 4 if width_km > 200 else 5
    story = [f for f in (canvas.scene.shown.get("sightings"), canvas.scene.shown.get(
        "facilities")) if f is not None]
    story_points = [g if isinstance(g, shapely.Point) else g.representative_point()
                    for f in story for g in f.geometry]
    inside = frame[frame.geometry.within(canvas.frame_lonlat)]
    out = []
    for row in inside.to_dict("records"):
        rank = int(row.get("rank") or 5)
        point = row["geometry"]
        near = [_km(point, p) for p in story_points]
        if near and min(near) < SAME_PLACE_KM:
            continue
        close = bool(near) and min(near) < NEAR_STORY_KM
        if rank <= max_rank or (close and rank <= max_rank + 1):
            out.append((rank, -float(row.get("population") or 0), row))
    out.sort(key=lambda item: item[:2])
    return [row for _, _, row in out]


def _km(a, b) -> float:
    """Rough distance for choosing names (not for measuring anything)."""
    dlat = (a.y - b.y) * 110.6
    dlon = (a.x - b.x) * 111.3 * math.cos(math.radians((a.y + b.y) / 2))
    return math.hypot(dlat, dlon)


def places(canvas) -> None:
    """A dot and a name for each candidate place that has room, most important first."""
    frame = basemap.load("places")
    rows = candidates(canvas, frame)
    if not rows:
        return
    spec, axes = canvas.spec, canvas.axes
    projected = gpd.GeoSeries([r["geometry"] for r in rows], crs="EPSG:4326").to_crs(
        canvas.crs)
    dot_pt = max(spec.marker_pt * 0.38, 1.5)
    half = canvas.px(dot_pt / 2 + 0.5)
    gap = canvas.px(spec.label_pt * 0.25)
    for row, point in zip(rows, projected, strict=True):
        x, y = axes.transData.transform((point.x, point.y))
        dot = (x - half, y - half, x + half, y + half)
        if not canvas.is_free(dot, pad=canvas.px(1)):
            continue
        rank = int(row.get("rank") or 5)
        size = spec.label_pt * (0.95 if rank <= 2 else 0.85)
        text = literal(row["name"], 40)
        weight = "bold" if rank == 1 else "normal"
        style = dict(fontsize=size, fontfamily=NARROW, fontweight=weight, color=PLACE_TEXT,
                     zorder=25, path_effects=halo(size * 0.3))
        for dx, dy, ha, va in ((gap + half, 0, "left", "center"),
                               (-gap - half, 0, "right", "center"),
                               (0, gap + half, "center", "bottom"),
                               (0, -gap - half, "center", "top")):
            artist = _try_text(canvas, x + dx, y + dy, text, ha=ha, va=va, **style)
            if artist is None:
                continue
            canvas.marker(point, "o", dot_pt, PLACE_DOT, "white", 0.5, zorder=24, story=False)
            canvas.taken.append(dot)
            canvas.info.place_labels.append(text)
            break


# --------------------------------------------------------------------------- seas, countries
def seas_and_countries(canvas, countries) -> None:
    """Sea, gulf and ocean names (italic, blue) and country names (upright, grey), in
    spaced capitals, from ``labels.geojson``; countries it does not list, and listed ones
    whose point is off the map, are named at the middle of their visible part when that
    is big enough."""
    labels = basemap.load("labels")
    named = set()
    if labels is not None:
        rows = labels.to_dict("records")
        rows.sort(key=lambda r: int(r.get("rank") or 9))
        projected = gpd.GeoSeries([r["geometry"] for r in rows], crs="EPSG:4326").to_crs(
            canvas.crs)
        for row, point in zip(rows, projected, strict=True):
            kind, rank = row.get("kind"), int(row.get("rank") or 3)
            if not canvas.frame.contains(point):
                continue
            x, y = canvas.axes.transData.transform((point.x, point.y))
            if _name_country(canvas, x, y, literal(row.get("name"), 40), kind, rank):
                named.add(row.get("name"))
    if countries is None or "name" not in countries:
        return
    visible = canvas.frame
    venezuela = canvas.scene.venezuela
    highlighted = set(venezuela["name"]) if venezuela is not None and "name" in venezuela \
        else set()
    for name, shape in zip(countries["name"], countries.geometry, strict=True):
        if name in named or name in highlighted or not isinstance(name, str):
            continue
        part = shape.intersection(visible)
        if part.is_empty or part.area < visible.area * 0.02:
            continue
        polygon = max(getattr(part, "geoms", [part]), key=lambda p: p.area)
        point = shapely.ops.polylabel(polygon, tolerance=visible.area ** 0.5 / 200)
        x, y = canvas.axes.transData.transform((point.x, point.y))
        _name_country(canvas, x, y, literal(name, 30), "country", 2)


def _name_country(canvas, x, y, name, kind, rank) -> bool:
    spec = canvas.spec
    water = kind in ("sea", "ocean", "gulf")
    size = spec.legend_pt * {1: 1.0, 2: 0.85}.get(rank, 0.75) * (1.05 if water else 1.0)
    text = spaced(name)
    if not water and name == "Venezuela":
        size *= 1.15
    lines = [text]
    if canvas.text_width(text, size, SANS) > canvas.axes_box().width * 0.3 and " " in name:
        words = name.split()
        half = math.ceil(len(words) / 2)
        lines = [spaced(" ".join(words[:half])), spaced(" ".join(words[half:]))]
    step = canvas.px(size)
    for dx, dy in ((0, 0), (0, 1), (0, -1), (0, 2), (0, -2), (-3, 0), (3, 0), (-3, -2),
                   (3, -2), (-3, 2), (3, 2), (0, -4), (0, 4)):
        artist = _try_text(canvas, x + dx * step, y + dy * step, "\n".join(lines),
                           ha="center", va="center", fontsize=size, fontfamily=SANS,
                           fontstyle="italic" if water else "normal",
                           color=WATER_TEXT if water else COUNTRY_TEXT,
                           linespacing=1.25, multialignment="center", zorder=2.5,
                           pad=canvas.px(2))
        if artist is not None:
            canvas.info.place_labels.append(name)
            return True
    return False
