"""Map furniture: a geodesic scale bar and a north arrow along the local meridian."""

from __future__ import annotations

import math

from matplotlib import patches

from layers.language import _, numbers

from .geo import nice_length_km, north_angle_deg, projected_length, to_lonlat
from .style import INK, SANS, halo
from .text import LITERAL


def scale_bar(canvas) -> None:
    """A bar of a round length, measured along the WGS84 ellipsoid where it is drawn."""
    spec, axes, extent = canvas.spec, canvas.axes, canvas.extent
    x0 = extent.xmin + extent.width * 0.04
    y0 = extent.ymin + extent.height * 0.045
    lon, lat = to_lonlat(canvas.crs, x0, y0)
    dx_100, dy_100 = projected_length(canvas.crs, float(lon), float(lat), 100.0)
    metres_per_km = math.hypot(dx_100, dy_100) / 100.0
    length_km = nice_length_km(extent.width * 0.22 / metres_per_km)
    length = length_km * metres_per_km
    bar_height = extent.height * 0.008
    for i, color in enumerate((INK, "white")):
        axes.add_patch(patches.Rectangle((x0 + i * length / 2, y0), length / 2, bar_height,
                                         facecolor=color, edgecolor=INK,
                                         linewidth=0.6 * spec.line_pt, zorder=20))
    texts = []
    size = spec.legend_pt * 0.85
    for value, x in ((0, x0), (length_km / 2, x0 + length / 2), (length_km, x0 + length)):
        label = (_("{length} km").format(length=numbers(f"{value:g}"))
                 if value == length_km else numbers(f"{value:g}"))
        texts.append(axes.text(x, y0 + bar_height * 1.8, label, ha="center", va="bottom",
                               fontsize=size, fontfamily=SANS, color=INK, zorder=20,
                               path_effects=halo(size * 0.3), **LITERAL))
    canvas.add_obstacle([(x0, y0), (x0 + length, y0 + bar_height)], texts)


def north_arrow(canvas) -> None:
    """An arrow along the meridian through its own position, with an N."""
    spec, axes, extent = canvas.spec, canvas.axes, canvas.extent
    x = extent.xmin + extent.width * 0.04
    y = extent.ymin + extent.height * 0.2
    angle = math.radians(north_angle_deg(canvas.crs, x, y))
    size = extent.height * 0.06
    dx, dy = -math.sin(angle) * size, math.cos(angle) * size
    arrow = axes.annotate(
        "", xy=(x + dx, y + dy), xytext=(x, y),
        arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.3", "color": INK,
                    "lw": 1.2 * spec.line_pt, "shrinkA": 0, "shrinkB": 0}, zorder=20)
    # TRANSLATORS: the north arrow's letter (one letter: North).
    text = axes.text(x + dx * 1.12, y + dy * 1.12, _("N"), ha="center", va="bottom",
                     fontsize=spec.legend_pt, fontweight="bold", fontfamily=SANS,
                     color=INK, zorder=20, path_effects=halo(spec.legend_pt * 0.3), **LITERAL)
    canvas.add_obstacle([(x - size * 0.2, y), (x + dx + size * 0.2, y + dy)], [text, arrow])


def plain_frame(axes, spec) -> None:
    """No ticks or axis labels (projected metres mean nothing to a reader), a thin frame."""
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_xlabel("")
    axes.set_ylabel("")
    for spine in axes.spines.values():
        spine.set_edgecolor("#9a9a9a")
        spine.set_linewidth(0.6 * spec.line_pt)
