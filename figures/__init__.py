"""Publication figures: the map as PNG, SVG or PDF for the web, social media and print.

Never imports streamlit. :func:`render_figure` draws; :func:`export` and
:func:`figure_bytes` write; :data:`PRESETS` lists the sizes.
"""

from .presets import FORMATS, PRESETS, Preset, get_preset
from .render import (
    DEFAULT_TITLE,
    FigureInfo,
    default_frames,
    export,
    figure_bytes,
    layout_boxes,
    render_figure,
)

__all__ = [
    "DEFAULT_TITLE", "FORMATS", "PRESETS", "FigureInfo", "Preset", "default_frames", "export",
    "figure_bytes", "get_preset", "layout_boxes", "render_figure",
]
