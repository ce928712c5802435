"""The export panel: publication figures of the current view, with editable title, subtitle
and labels, a low-resolution preview, and downloads rendered only when clicked.

The files are built in the language the page is read in: it is taken while the page runs
(:func:`ui.i18n.current_language`) and each download's builder writes inside
``layers.language.speaking(language)``, since Streamlit may call it outside the run."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from figures import FORMATS, PRESETS
from layers.language import speaking
from ui.exports import FigureOptions, figure_file, map_view_bounds
from ui.i18n import N_, _, current_language, number
from ui.workspace import workspace_label

MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
EXTENTS = {"auto": N_("Automatic (Venezuela)"), "view": N_("The map's current view"),
           "custom": N_("A box I type")}
PREVIEW_KEY = "export_preview_image"
EXTENT_CHOSEN_KEY = "_export_extent_chosen"


def _extent_chosen() -> None:
    st.session_state[EXTENT_CHOSEN_KEY] = True


def export_panel(frames, choices, result, headline=None, bounds=None) -> None:
    """Title, subtitle, extent, labels, size and format; a preview; one download button;
    a screenshot-mode link.

    ``headline`` (text, or a callable giving it when the figure is drawn) goes into the
    credit line. ``bounds`` (west, south, east, north) is the live map's view; without it
    the view streamlit-folium last returned for the map is used, when there is one."""
    from figures.scene import label_table  # no matplotlib: the drawing waits for a click

    with st.expander(_("Export for publication")):
        title = st.text_input(_("Title"), "", key="export_title", max_chars=160,
                              placeholder=_("Automatic: what is shown and its years"),
                              help=_("Empty: the default title with the years of the "
                                     "sightings and flights the figure shows."))
        subtitle = st.text_input(_("Subtitle"), "", key="export_subtitle", max_chars=240,
                                 placeholder=_("Automatic: the radius and the dates shown"))
        view = bounds if bounds is not None else map_view_bounds()
        # The map's view by default once the map has reported it (the figure follows the
        # map), until the user picks an extent themselves.
        if view is not None and not st.session_state.get(EXTENT_CHOSEN_KEY):
            st.session_state["export_extent"] = "view"
        # Each menu's words translated here, in the script's run: AppTest (and Streamlit)
        # may call format_func later, outside it.
        extents = {key: _(text) for key, text in EXTENTS.items()}
        extent = st.radio(_("Extent"), list(EXTENTS), format_func=extents.get,
                          horizontal=True, key="export_extent", on_change=_extent_chosen,
                          help=_("The figure shows exactly the box chosen; features outside "
                                 "it are neither drawn nor labelled."))
        chosen_bounds, problem = _extent_bounds(extent, view)
        labels = _label_editor(label_table(frames, choices.map_state))
        left, right = st.columns(2)
        sizes = {name: _(spec.label) for name, spec in PRESETS.items()}
        preset = left.selectbox(_("Size"), list(PRESETS), key="export_preset",
                                format_func=sizes.get)
        fmt = right.radio(_("Format"), FORMATS, horizontal=True, key="export_format")
        if problem:
            st.error(problem)
            return
        options = FigureOptions(preset=preset, title=title or None,
                                subtitle=subtitle or None, bounds=chosen_bounds,
                                labels=labels)
        language = current_language()
        workspace = workspace_label()

        def render(fmt=fmt, scale=None) -> bytes:
            with speaking(language):
                return figure_file(frames, choices, result, options, fmt=fmt, scale=scale,
                                   headline=headline() if callable(headline) else headline,
                                   workspace=workspace)

        _preview(options, lambda: render("png", options.preview_scale), sizes)
        st.download_button(_("Download {format} ({preset})").format(format=fmt.upper(),
                                                                     preset=preset),
                           data=render,
                           file_name=f"footprint-{preset}-{choices.radius_km:g}km.{fmt}",
                           mime=MIME[fmt], key="export_download", type="primary",
                           on_click="ignore")  # a click does not rerun: its file stays
        _story_downloads(frames, choices, result, options, language)
        st.caption(_("The figure shows the layers, dates and radius chosen in the sidebar, a "
                     "legend, a scale bar, a locator and the credits with the method and "
                     "the result as on this page: the global test over radii and the spread. "
                     "It is drawn when you click, from data on this machine; the data version "
                     "is in the file's metadata."))
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        params["screenshot"] = ["1"]
        query = urlencode([(k, v) for k, values in params.items() for v in values])
        st.link_button(_("Open the screenshot view"), f"?{query}",
                       help=_("The live map full-width with title, legend, scale and "
                              "credits, and no Streamlit controls."))


#: The story's other exports (exports.write): button label and file extension.
STORY_FILES = {"html": N_("Interactive map (HTML)"), "gpkg": N_("GeoPackage (QGIS)"),
               "kml": N_("KML (Google Earth)")}


def _story_downloads(frames, choices, result, options, language: str) -> None:
    """A row of downloads: the embed, the GeoPackage and the KML, made when clicked, with
    the same choices, extent, title and test (simulations, seed) as the figure, in the
    page's ``language``."""
    import exports

    def build(fmt: str) -> bytes:
        with speaking(language):
            return exports.to_bytes(fmt, frames, choices.map_state, **run)

    run = {"null": choices.null, "title": options.title, "subtitle": options.subtitle,
           "bounds": options.bounds}
    if result is not None:
        run.update(simulations=result.simulations, seed=result.seed)
    for column, (fmt, label) in zip(st.columns(len(STORY_FILES)), STORY_FILES.items(),
                                    strict=True):
        column.download_button(
            _(label), data=lambda fmt=fmt: build(fmt),
            file_name=f"footprint-{choices.radius_km:g}km.{fmt}",
            mime=exports.MEDIA_TYPES[fmt], key=f"export_download_{fmt}", on_click="ignore")


def _extent_bounds(extent: str, view):
    """(bounds or None, problem or None) for the extent chosen."""
    from figures.scene import check_bounds

    if extent == "view":
        if view is None:
            return None, _("The map has not reported its view yet: pan or zoom it once, or "
                           "choose another extent.")
        west, south, east, north = (number(value, 2) for value in view)
        st.caption(_("West {west}, south {south}, east {east}, north {north} (degrees)")
                   .format(west=west, south=south, east=east, north=north))
        candidate = view
    elif extent == "custom":
        columns = st.columns(4)
        defaults = view or (-73.4, 0.6, -59.8, 12.6)
        names = {"West": _("West"), "South": _("South"), "East": _("East"),
                 "North": _("North")}
        candidate = [column.number_input(names[name], value=float(value), step=0.5,
                                         format="%.2f", key=f"export_bounds_{name.lower()}")
                     for column, name, value in zip(columns, ("West", "South", "East",
                                                              "North"), defaults, strict=True)]
    else:
        return None, None
    try:
        return check_bounds(candidate), None
    except ValueError as error:
        return None, _("Extent: {problem}").format(problem=error)


def _label_editor(rows) -> dict:
    """A text input per labelled feature, its short name to start with; returns the
    texts changed (an emptied text: no label)."""
    if not rows:
        return {}
    st.markdown(_("**Labels** (empty: no label)"))
    columns = st.columns(2)
    labels = {}
    for index, row in enumerate(rows):
        text = columns[index % 2].text_input(
            row["name"], row["label"], key=f"export_label_{row['layer']}_{row['id']}",
            max_chars=80, help=_("Label of {name} on the figure.").format(name=row["name"]))
        if text != row["label"]:
            labels[row["id"]] = text
    return labels


def _preview(options, render_png, sizes) -> None:
    """A low-resolution PNG of the figure, drawn when asked and kept while the options stay
    the same."""
    stored = st.session_state.get(PREVIEW_KEY)
    clicked = st.button(_("Preview"), key="export_preview",
                        help=_("Draws the figure at low resolution, here, before you "
                               "download."))
    if clicked:
        with st.spinner(_("Drawing the figure…")):
            stored = (options, render_png())
        st.session_state[PREVIEW_KEY] = stored
    if stored is not None:
        if stored[0] == options:
            st.image(stored[1], caption=_("Preview ({size}, low resolution)").format(
                size=sizes[options.preset]), width="stretch")
        else:
            st.caption(_("The options changed since the last preview: preview again."))
