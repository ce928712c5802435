"""The export panel: publication figures of the current view, rendered only when clicked."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from figures import DEFAULT_TITLE, FORMATS, PRESETS

MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


def export_panel(frames, choices, result, headline=None) -> None:
    """Title, subtitle, size and format; one download button; a screenshot-mode link.

    ``headline`` (text, or a callable giving it when the figure is drawn) goes into the
    credit line."""
    with st.expander("Export for publication"):
        title = st.text_input("Title", DEFAULT_TITLE, key="export_title", max_chars=160)
        subtitle = st.text_input("Subtitle (empty: the radius)", "", key="export_subtitle",
                                 max_chars=240)
        left, right = st.columns(2)
        preset = left.selectbox("Size", list(PRESETS), key="export_preset",
                                format_func=lambda name: PRESETS[name].label)
        fmt = right.radio("Format", FORMATS, horizontal=True, key="export_format")

        def render() -> bytes:
            from figures import figure_bytes, render_figure  # matplotlib: only when clicked

            figure = render_figure(frames, choices.map_state, preset=preset, title=title,
                                   subtitle=subtitle or None, test_result=result,
                                   null=choices.null,
                                   headline=headline() if callable(headline) else headline)
            return figure_bytes(figure, fmt)

        st.download_button(f"Download {fmt.upper()} ({preset})", data=render,
                           file_name=f"footprint-{preset}-{choices.radius_km:g}km.{fmt}",
                           mime=MIME[fmt], key="export_download", type="primary")
        st.caption("The figure shows the layers, dates and radius chosen in the sidebar, a "
                   "legend, a scale bar, a locator and the credits with the method and "
                   "the result as on this page: the global test over radii and the spread. "
                   "It is drawn when you click, from data on this machine.")
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        params["screenshot"] = ["1"]
        query = urlencode([(k, v) for k, values in params.items() for v in values])
        st.link_button("Open the screenshot view", f"?{query}",
                       help="The live map full-width with title, legend, scale and credits, "
                            "and no Streamlit controls.")
