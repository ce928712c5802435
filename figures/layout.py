"""The figure assembled: title and subtitle at the top, credits (and, when some label had
no room, a note naming it) at the bottom, the map with a legend and locator beside it
(``layout="side"``) or under it (``layout="below"``)."""

from __future__ import annotations

import shapely

from layers.language import N_, _

from . import basemap, feature_labels, flights, furniture, inset, legend, placenames, story
from .extent import frame_lonlat, map_extent
from .style import INK, MUTED, SANS
from .text import LITERAL, wrap

NOTE_PREFIX = N_("Not labelled for lack of room: ")


def assemble(canvas, *, note: str | None = None) -> None:
    """Draw everything on ``canvas``. ``note``: the unplaced-labels note to reserve room
    for and write above the credits (None: no note)."""
    spec, info = canvas.spec, canvas.info
    width, height, margin = spec.width_in, spec.height_in, spec.margin_in
    top = height - margin
    top = text_block(canvas, info.title, spec.title_pt, top, weight="bold", max_lines=2,
                     color=INK)
    if info.subtitle:
        top = text_block(canvas, info.subtitle, spec.subtitle_pt,
                         top - spec.subtitle_pt * 0.35 / 72, max_lines=3, color="#333333")
    top -= spec.subtitle_pt * 0.9 / 72
    bottom = credits_block(canvas, margin)
    if note is not None:
        bottom = note_block(canvas, note, bottom + spec.credits_pt * 0.3 / 72)
    bottom += spec.credits_pt * 0.9 / 72
    entries = legend.handles(canvas)
    if spec.layout == "side":
        panel_width = width * 0.27
        map_box = (margin, bottom, width - 2 * margin - panel_width - 0.25, top - bottom)
        drawn = legend.draw(canvas, entries, (width - margin - panel_width, top), ncols=1)
        legend_height = canvas.height_in(drawn)
        inset_height = min(panel_width * 0.78, top - bottom - legend_height - 0.25)
        inset_box = (width - margin - panel_width, bottom, panel_width, inset_height)
    else:
        inset_width = width * (0.27 if spec.name != "print" else 0.3)
        ncols = 1 if spec.name == "print" else 2
        drawn = legend.draw(canvas, entries, (margin, bottom), ncols=ncols,
                            anchor="lower left")
        room = width - 2 * margin - inset_width - 0.15
        if ncols > 1 and canvas.width_in(drawn) > room:
            # Longer words (a translation) would run under the locator: one column.
            drawn.remove()
            drawn = legend.draw(canvas, entries, (margin, bottom), ncols=1,
                                anchor="lower left")
        band = max(canvas.height_in(drawn), inset_width * 0.72)
        inset_box = (width - margin - inset_width, bottom, inset_width, band)
        gap = spec.legend_pt * 1.2 / 72
        map_box = (margin, bottom + band + gap, width - 2 * margin, top - bottom - band - gap)
        legend.centre_in_band(canvas, drawn, margin, bottom, band)
    draw_map(canvas, map_box)
    if spec.layout == "side":
        # A given extent narrower than the frame shrinks the map to its shape: the legend
        # and the locator follow it, so no empty band opens between the map and them.
        map_right = canvas.axes.get_position().x1 * width
        panel_left = min(map_right + 0.25, width - margin - panel_width)
        drawn.set_bbox_to_anchor((panel_left / width, top / height))
        inset_box = (panel_left, *inset_box[1:])
    inset.draw(canvas, inset_box)


def draw_map(canvas, box) -> None:
    """The map: basemap, story layers, furniture, then the names, most important first
    (flight ends at the frame, the story's labels, then the basemap's names)."""
    spec = canvas.spec
    left, bottom, width, height = box
    axes = canvas.figure.add_axes((left / spec.width_in, bottom / spec.height_in,
                                   width / spec.width_in, height / spec.height_in))
    canvas.axes = axes
    extent = map_extent(canvas.scene, spec, canvas.state, canvas.crs, width / height)
    canvas.extent = extent
    canvas.frame = shapely.box(extent.xmin, extent.ymin, extent.xmax, extent.ymax)
    canvas.clip = canvas.frame.buffer(max(extent.width, extent.height) * 0.02)
    canvas.frame_lonlat = frame_lonlat(canvas.crs, extent)
    canvas.info.crs = canvas.crs
    canvas.info.extent_lonlat = tuple(float(v) for v in canvas.frame_lonlat.bounds)
    drawn = basemap.draw(canvas)
    story.draw(canvas)
    axes.set_xlim(extent.xmin, extent.xmax)
    axes.set_ylim(extent.ymin, extent.ymax)
    axes.set_aspect("equal", adjustable="box")
    # Given bounds keep their shape: the axes shrink to it, against the title's margin.
    axes.set_anchor("NW" if spec.layout == "side" else "N")
    axes.apply_aspect()  # final position now: labels are placed in display units
    furniture.plain_frame(axes, spec)
    furniture.scale_bar(canvas)
    furniture.north_arrow(canvas)
    lines = basemap.coast_lines(drawn) + list(canvas.flight_lines)
    canvas.avoid = [_simplified(canvas.to_display(line), canvas.px(0.5)) for line in lines]
    flights.draw_edges(canvas)
    feature_labels.draw(canvas)
    placenames.draw(canvas, drawn)


def _simplified(line, tolerance):
    return shapely.simplify(line, tolerance)


def text_block(canvas, text, size_pt, top_in, *, max_lines, color, weight="normal"):
    """Wrapped text with its top at ``top_in``; returns the new top (its bottom)."""
    spec = canvas.spec
    width_px = (spec.width_in - 2 * spec.margin_in) * canvas.dpi
    lines = wrap(text, lambda s: canvas.text_width(s, size_pt, SANS, weight) <= width_px,
                 max_lines)
    artist = canvas.figure.text(
        spec.margin_in / spec.width_in, top_in / spec.height_in, "\n".join(lines),
        ha="left", va="top", fontsize=size_pt, fontfamily=SANS, fontweight=weight,
        color=color, linespacing=1.15, **LITERAL)
    return top_in - canvas.height_in(artist)


def credits_block(canvas, bottom_in) -> float:
    """The credit line at the bottom; returns its top."""
    spec = canvas.spec
    size = spec.credits_pt
    width_px = (spec.width_in - 2 * spec.margin_in) * canvas.dpi
    lines = wrap(canvas.info.credits, lambda s: canvas.text_width(s, size, SANS) <= width_px,
                 8)
    artist = canvas.figure.text(
        spec.margin_in / spec.width_in, bottom_in / spec.height_in, "\n".join(lines),
        ha="left", va="bottom", fontsize=size, fontfamily=SANS, color=MUTED,
        linespacing=1.2, **LITERAL)
    return bottom_in + canvas.height_in(artist)


def note_block(canvas, note: str, bottom_in) -> float:
    """The note on labels left out, in small italics above the credits (at most two
    lines); returns its top. An empty note keeps its room (the layout stays stable)."""
    spec = canvas.spec
    size = spec.credits_pt
    width_px = (spec.width_in - 2 * spec.margin_in) * canvas.dpi
    lines = wrap(note or " ", lambda s: canvas.text_width(s, size, SANS, style="italic")
                 <= width_px, 2)
    artist = canvas.figure.text(
        spec.margin_in / spec.width_in, bottom_in / spec.height_in, "\n".join(lines),
        ha="left", va="bottom", fontsize=size, fontfamily=SANS, fontstyle="italic",
        color=INK, linespacing=1.2, **LITERAL)
    canvas.info.note = "\n".join(lines).strip()
    canvas.note_artist = artist
    return bottom_in + canvas.height_in(artist)


def update_note(canvas, note: str) -> None:
    """Write the final note into the room kept for it (two lines at most)."""
    spec = canvas.spec
    width_px = (spec.width_in - 2 * spec.margin_in) * canvas.dpi
    lines = wrap(note, lambda s: canvas.text_width(s, spec.credits_pt, SANS, style="italic")
                 <= width_px, 2) if note else []
    canvas.note_artist.set_text("\n".join(lines))
    canvas.info.note = "\n".join(lines)


def note_text(unplaced: list[str]) -> str:
    """The note for labels that fitted nowhere.

    >>> note_text(["Coro: hotel", "Acarigua: bakery"])
    'Not labelled for lack of room: Coro: hotel; Acarigua: bakery.'
    """
    return _(NOTE_PREFIX) + "; ".join(unplaced) + "." if unplaced else ""
