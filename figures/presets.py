"""Output presets: canvas size, resolution and type sizes, one entry per use.

Sizes are defined in pixels at the preset's base ``dpi``; the figure is laid out in inches
(``width_px / dpi``), so a PNG at ``scale`` s is exactly ``width_px * s`` by
``height_px * s`` pixels and every element keeps its place. Type sizes are in points.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.language import N_


@dataclass(frozen=True)
class Preset:
    """One output format.

    ``layout`` is ``"side"`` (legend and locator in a column right of the map) or
    ``"below"`` (legend and locator in a band under the map). ``focus`` is ``"country"``
    (all of Venezuela) or ``"story"`` (zoomed to the places drawn, for small or wide
    canvases; the locator inset gives the context). ``short_labels`` drops
    parenthetical asides from feature names; ``label_width_em`` is the widest a label line
    may be, in multiples of its type size. ``default_scale`` is the PNG
    scale used when none is given: 2 for screens (sharp on high-density displays), 1 for
    print (already 300 dpi).
    """

    name: str
    label: str  # for people: marked for the catalogue, translated where it is shown
    width_px: int
    height_px: int
    dpi: int
    layout: str
    default_scale: float
    title_pt: float
    subtitle_pt: float
    label_pt: float
    legend_pt: float
    credits_pt: float
    marker_pt: float
    line_pt: float
    margin_in: float
    focus: str = "country"
    short_labels: bool = True
    label_width_em: float = 16.0

    @property
    def width_in(self) -> float:
        return self.width_px / self.dpi

    @property
    def height_in(self) -> float:
        return self.height_px / self.dpi

    def pixel_size(self, scale: float = 1.0) -> tuple[int, int]:
        """(width, height) of a PNG at ``scale``.

        >>> PRESETS["16x9"].pixel_size(2)
        (3200, 1800)
        """
        return round(self.width_px * scale), round(self.height_px * scale)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("16x9", N_("Web, 16:9 (1600 x 900 px)"), 1600, 900, 100, "side", 2.0,
               title_pt=24, subtitle_pt=14, label_pt=11, legend_pt=11, credits_pt=9,
               marker_pt=9, line_pt=1.0, margin_in=0.3,
               label_width_em=20.0),
        Preset("1x1", N_("Social, square (1080 x 1080 px)"), 1080, 1080, 100, "below", 2.0,
               title_pt=26, subtitle_pt=15, label_pt=13.5, legend_pt=13, credits_pt=10,
               marker_pt=11, line_pt=1.2, margin_in=0.3, focus="story"),
        Preset("4x5", N_("Social, portrait 4:5 (1080 x 1350 px)"), 1080, 1350, 100, "below",
               2.0,
               title_pt=26, subtitle_pt=15, label_pt=13.5, legend_pt=13, credits_pt=10,
               marker_pt=11, line_pt=1.2, margin_in=0.3),
        # One newspaper column: 1040 px at 300 dpi = 88 mm wide, 118.5 mm tall.
        Preset("print", N_("Print, one column (88 mm wide, 300 dpi)"), 1040, 1400, 300,
               "below", 1.0, title_pt=10, subtitle_pt=7, label_pt=6, legend_pt=6, credits_pt=5.5,
               marker_pt=4.5, line_pt=0.5, margin_in=0.08, focus="story",
               label_width_em=10.0),
    )
}
"""Every preset by name: ``16x9``, ``1x1``, ``4x5``, ``print``."""

FORMATS = ("png", "svg", "pdf")
DEFAULT_TITLE = N_("Where Russian specialists were seen in Venezuela")
"""The default title (translated where it is drawn); :func:`figures.scene.default_title` adds
the years of what is shown."""


def get_preset(name: str) -> Preset:
    """The preset called ``name``; a ValueError names the choices otherwise.

    >>> get_preset("print").dpi
    300
    """
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown preset {name!r}; expected one of {', '.join(PRESETS)}"
        ) from None
