"""Labels of the story's features: one per place, short names by default, texts the user
gave (``labels={id: text}``) instead where given, placed by :mod:`figures.labels` clear of
markers, the scale bar and each other, drawn as text with a halo (no box hides the coast
or a marker). What fits nowhere is listed in ``FigureInfo.unplaced_labels`` and in a note
on the figure."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from .labels import LabelRequest, place_labels
from .style import INK, LIMITS, NARROW, halo
from .text import LITERAL, balanced_wrap, literal, merge_names, short_name


def requests(canvas) -> list[LabelRequest]:
    """One request per place: features at identical coordinates share one label.

    Sightings of the tested categories come first (those placed at a facility by
    construction too: they are part of the story even when the test leaves them out), then
    the facilities nearest to them, then the other facilities. Features outside the map get
    no label; features whose label text is empty neither."""
    scene = canvas.scene
    candidates = scene.candidate_sightings
    tested = set((candidates if candidates is not None
                  else scene.tested_sightings).get("id", []))
    nearest = list(scene.nearest_facility_ids)
    entries = []  # (priority, order, point, row)
    sightings = scene.shown.get("sightings")
    if sightings is not None:
        for order, row in enumerate(sightings.to_dict("records")):
            if isinstance(row["geometry"], shapely.Point):
                priority = 0 if row.get("id") in tested else 1
                entries.append((priority, order, row["geometry"], row))
    facilities = scene.shown.get("facilities")
    if facilities is not None:
        for order, row in enumerate(facilities.to_dict("records")):
            geometry = row["geometry"]
            point = geometry if isinstance(geometry, shapely.Point) else \
                geometry.representative_point()
            priority = 2 + nearest.index(row.get("id")) / 100 \
                if row.get("id") in nearest else 3
            entries.append((priority, order, point, row))
    groups: dict[tuple, list] = {}
    for entry in sorted(entries, key=lambda e: (e[0], e[1])):
        key = (round(entry[2].x, 6), round(entry[2].y, 6))
        groups.setdefault(key, []).append(entry)
    projected = gpd.GeoSeries([shapely.Point(k) for k in groups], crs="EPSG:4326")
    projected = projected.to_crs(canvas.crs) if len(projected) else projected
    axes = canvas.axes
    frame = canvas.axes_box()
    out = []
    for (key, members), point in zip(groups.items(), projected, strict=True):
        if not canvas.frame.intersects(point):
            continue
        x, y = axes.transData.transform((point.x, point.y))
        if not frame.contains(x, y):
            continue
        names = [name_of(canvas, row) for _, _, _, row in members]
        names = [n for n in names if n]
        if not names:
            continue
        out.append(LabelRequest(f"{key[0]},{key[1]}", label_text(canvas, names), x, y,
                                marker_radius(canvas, x, y)))
    return out


def name_of(canvas, row) -> str:
    """The text for one feature: the user's, else its short name (the full name for
    presets with ``short_labels=False``)."""
    feature_id = row.get("id")
    given = canvas.scene.labels
    if feature_id is not None and str(feature_id) in given:
        return literal(given[str(feature_id)], LIMITS["label"])
    name = literal(row.get("name") or feature_id, LIMITS["name"])
    return short_name(name) if canvas.spec.short_labels else name


def label_text(canvas, names) -> str:
    """One label for the features at a place: merged names, each wrapped to the preset's
    label width (two lines at most), joined with " / " when that fits."""
    spec = canvas.spec
    names = merge_names(names)
    max_px = spec.label_width_em * spec.label_pt * canvas.dpi / 72

    def width(text):
        return canvas.text_width(text, spec.label_pt, NARROW)

    joined = " / ".join(names)
    if len(names) > 1 and width(joined) <= max_px:
        return joined
    lines = []
    for name in names:
        head, colon, tail = name.partition(": ")
        if width(name) > max_px and colon and width(head + ":") <= max_px \
                and width(tail) <= max_px:
            lines += [head + ":", tail]  # "Place:" / "what happened there"
        else:
            lines += balanced_wrap(name, max_px, width, 2)
    return "\n".join(lines)


def marker_radius(canvas, x, y) -> float:
    """Half the size of the largest marker drawn at display point (x, y)."""
    halves = [half for axes, mx, my, half in canvas.info.markers
              if np.hypot(*(axes.transData.transform((mx, my)) - (x, y))) < 0.5]
    return canvas.px(max(halves, default=canvas.spec.marker_pt / 2))


def draw(canvas) -> None:
    """Place and draw every story label; record the ones that fit nowhere."""
    spec, axes = canvas.spec, canvas.axes
    pad_pt = spec.label_pt * 0.18
    pad_px = canvas.px(pad_pt)
    measurer = axes.text(0, 0, "", fontsize=spec.label_pt, fontfamily=NARROW,
                         linespacing=1.1, **LITERAL)

    def measure(text):
        measurer.set_text(text)
        box = measurer.get_window_extent(canvas.renderer)
        return box.width + 2 * pad_px, box.height + 2 * pad_px

    wanted = requests(canvas)
    frame = canvas.axes_box()
    inset = canvas.px(2)
    placed, unplaced = place_labels(
        wanted, measure, obstacles=canvas.marker_boxes() + canvas.obstacles + canvas.taken,
        bounds=(frame.x0 + inset, frame.y0 + inset, frame.x1 - inset, frame.y1 - inset),
        gap=canvas.px(spec.label_pt * 0.3), step=canvas.px(spec.label_pt * 1.1), rings=8,
        avoid=canvas.avoid)
    measurer.remove()
    to_points = 72 / canvas.dpi
    for placement in placed:
        request = placement.request
        ha = {0.0: "left", 0.5: "center", 1.0: "right"}[placement.ha_fraction]
        va = {0.0: "bottom", 0.5: "center", 1.0: "top"}[placement.va_fraction]
        # The box includes the padding; the text's reference point sits inside it.
        dx = placement.dx + pad_px * (1 - 2 * placement.ha_fraction)
        dy = placement.dy + pad_px * (1 - 2 * placement.va_fraction)
        data_xy = axes.transData.inverted().transform((request.x, request.y))
        arrow = None
        if placement.leader:
            arrow = {"arrowstyle": "-", "color": "#444444", "lw": 0.7 * spec.line_pt,
                     "shrinkA": 0, "shrinkB": request.marker_radius * to_points + 1}
        annotation = axes.annotate(
            request.text, xy=data_xy, xytext=(dx * to_points, dy * to_points),
            textcoords="offset points", ha=ha, va=va,
            multialignment=ha if ha != "center" else "center", fontsize=spec.label_pt,
            fontfamily=NARROW, color=INK, linespacing=1.1, zorder=30, arrowprops=arrow,
            path_effects=halo(spec.label_pt * 0.32), annotation_clip=False, **LITERAL)
        canvas.info.labels.append(annotation)
        canvas.taken.append(placement.box)
    canvas.info.unplaced_labels.extend(" ".join(r.text.split()) for r in unplaced)
