"""Type, colours and line weights shared by every drawn part of a figure.

Colours of the story layers come from the layer registry; this module holds the
basemap's (land, water, borders) and the text inks. Sizes are in points and scale with a
preset's ``line_pt``.
"""

from __future__ import annotations

import matplotlib
from matplotlib import patheffects


def _installed(*candidates: str) -> list[str]:
    """The first of ``candidates`` that matplotlib can find (Liberation fonts have Arial's
    metrics, so SVG text viewed with Arial keeps its size), else DejaVu Sans."""
    names = {font.name for font in matplotlib.font_manager.fontManager.ttflist}
    return [next((name for name in candidates if name in names), "DejaVu Sans")]


SANS = _installed("Liberation Sans", "Arial", "Helvetica")
NARROW = _installed("Liberation Sans Narrow", "Arial Narrow", "DejaVu Sans Condensed")
SERIF = _installed("Liberation Serif", "Times New Roman", "DejaVu Serif")

INK, MUTED = "#1a1a1a", "#555555"
SEA = "#d4e4ee"            # sea, lakes and reservoirs
WATER_LINE = "#6f9fc0"     # rivers and the names of water
WATER_TEXT = "#4d7fa3"
LAND, VENEZUELA_FILL = "#ebe8e1", "#ffffff"
BORDER, COAST = "#b3ada3", "#6d6a63"
STATE_LINE = "#d5d0c6"
PLACE_DOT, PLACE_TEXT = "#5c5a55", "#3d3b37"
COUNTRY_TEXT = "#8f8a80"

FACILITY_SIZE = 1.2  # squares a little larger than circles: both show at a shared place
MIN_STORY_SPAN_DEG = 4.0  # a story-focused map is never narrower than ~450 km
LIMITS = {"title": 120, "subtitle": 240, "name": 60, "legend": 60, "label": 80}

SAVE_RC = {
    "svg.fonttype": "none",      # text stays text in SVG (searchable, escaped by matplotlib)
    "svg.hashsalt": "footprint",  # stable ids: same figure, same file
    "pdf.fonttype": 42,          # TrueType in PDF: selectable text
    "text.usetex": False,
}


class Halo(patheffects.Stroke):
    """A halo around text: a white outline drawn under the text, so it stays legible over
    lines and fills without a box that would hide the coast or a marker."""


def halo(width_pt: float, color: str = "white") -> list:
    """Path effects asking for a halo of ``width_pt`` around a text. Before saving,
    :func:`halos_under_text` turns them into an outline drawn under the text, so the text
    itself stays text in SVG and PDF (matplotlib draws text with path effects as paths).

    >>> [type(effect).__name__ for effect in halo(2.0)]
    ['Halo']
    """
    return [Halo(linewidth=width_pt, foreground=color, alpha=0.9)]


def halos_under_text(figure) -> None:
    """Every text with a :class:`Halo` draws it as an outlined copy underneath, then
    itself as plain text (searchable and selectable)."""
    for text in figure.findobj(matplotlib.text.Text):
        effects = text.get_path_effects()
        halos = [effect for effect in effects if isinstance(effect, Halo)]
        if halos:
            text.set_path_effects([e for e in effects if not isinstance(e, Halo)])
            _draw_halo_first(text, halos)


def _draw_halo_first(text, halos) -> None:
    draw = text.draw

    def draw_with_halo(renderer):
        if text.get_visible() and text.get_text():
            effects, color = text.get_path_effects(), text.get_color()
            outline = [patheffects.Stroke(**effect._gc) for effect in halos]
            foreground = halos[0]._gc.get("foreground", "white")
            text.set_path_effects(outline)
            text.set_color(foreground)
            if isinstance(text, matplotlib.text.Annotation):
                text.update_positions(renderer)
            matplotlib.text.Text.draw(text, renderer)
            text.set_path_effects(effects)
            text.set_color(color)
        draw(renderer)

    text.draw = draw_with_halo


def spaced(text: str) -> str:
    """Capitals with thin spaces between letters, the cartographer's spaced caps for the
    names of seas and countries.

    >>> spaced("Gulf of Paria")
    'G\\u2009U\\u2009L\\u2009F   O\\u2009F   P\\u2009A\\u2009R\\u2009I\\u2009A'
    """
    return "   ".join("\u2009".join(word.upper()) for word in text.split())
