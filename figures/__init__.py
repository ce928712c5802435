"""Publication figures: the map as PNG, SVG or PDF for the web, social media and print.

Never imports streamlit. :func:`render_figure` draws; :func:`export` and
:func:`figure_bytes` write; :data:`PRESETS` lists the sizes. The drawing code (and
matplotlib) is imported on first use, so the app starts without it.
"""

from .presets import DEFAULT_TITLE, FORMATS, PRESETS, Preset, get_preset

_RENDER = ("FigureInfo", "default_frames", "export", "figure_bytes", "layout_boxes",
           "render_figure")

__all__ = ["DEFAULT_TITLE", "FORMATS", "PRESETS", "Preset", "get_preset", *_RENDER]


def __getattr__(name):
    if name in _RENDER:
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module 'figures' has no attribute {name!r}")
