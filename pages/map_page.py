"""Map page: the story layers, buffers at the chosen radius, and the nearest-asset table."""

import streamlit as st
from streamlit_folium import st_folium

from analysis.report import markdown_text
from analysis.wording import P_MEANING
from mapview.build import Overlay, base_map, dynamic_groups, layer_control
from ui import compute
from ui.data import working_frames
from ui.export_panel import export_panel
from ui.i18n import _, number
from ui.layout import HEADLINE_KEY, TITLE_KEY, fill_frame, send_now
from ui.present import (
    EMPTY_LINE,
    highlight_selected,
    map_description,
    names_of,
    proximity_frame,
    sighting_at,
)
from ui.settings import SETTINGS, url_int, url_radius
from ui.state import current
from ui.view import MAP_KEY, initial_view, layers_from_switcher, record_view

choices = current()
# ?view=lat,lon,zoom when this map (the page's or the screenshot's) was first drawn
view = initial_view("screenshot" if choices.screenshot else "map")
state = choices.map_state
frames = working_frames()
proximity = compute.proximity(state)
nearest = ({row["id"]: row for row in proximity.sightings.to_dict("records")}
           if proximity is not None else {})
too_many = compute.sample_size_problem(state, choices.null)
# The Analysis page's simulations, seed and radius range of the global test (from the URL).
run = dict(null=choices.null, simulations=url_int("simulations"), seed=url_int("seed"),
           r_min=url_radius("r_min"), r_max=url_radius("r_max"))
result = None if too_many else compute.test(state, run["null"], run["simulations"],
                                            run["seed"])
left_out = compute.left_out_at_facility(state)


def headline_line() -> str:
    return too_many or compute.headline_text(state, **run) or _(EMPTY_LINE)

overlay = None
if choices.screenshot:
    overlay = Overlay(
        title=st.query_params.get("title", SETTINGS["title"].default),
        subtitle=headline_line(),
        credits=_("Sources: Meduza (2019); The Moscow Times / WSJ (2019). Map data: Natural "
                  "Earth; GSHHG (Wessel & Smith); GeoNames; airportsdata. Geodesic distances "
                  "on WGS84. Global envelope test over radii (extreme rank length), "
                  "{simulations} simulations, seed {seed}.").format(
                      simulations=number(run["simulations"]), seed=run["seed"]),
    )
    map_column, side = st.container(), None
else:
    st.container(key=TITLE_KEY).subheader(
        _("Were Russian specialists seen near Russian business assets?"))
    # The result line above the map and the side column: on a phone the columns stack,
    # and the sentence should come before the map, not after it.
    headline_box = st.container(key=HEADLINE_KEY)
    map_column, side = st.columns([5, 3], gap="medium")


def figure_headline() -> str | None:
    """The figure's credit line, in the page's language (the export panel builds the figure
    inside ``speaking(language)``, as its other texts are)."""
    return compute.headline_text(state, **run, short=True)


def on_map_change():
    """What the user did on the map, passed to the sidebar and the URL: a clicked sighting
    is selected, the story layers ticked in the map's switcher become the sidebar's, and
    the view goes into ``?view=``. A callback runs before the rerun draws the sidebar, so it
    may set the widgets' state (after a widget exists it may not)."""
    returned = st.session_state.get(MAP_KEY) or {}
    clicked = returned.get("last_object_clicked")
    click = (str(clicked), returned.get("last_object_clicked_tooltip"))
    if clicked and st.session_state.get("_last_click") != click:  # a new click, not a pan
        st.session_state["_last_click"] = click
        hit = sighting_at(working_frames()["sightings"], clicked,
                          tooltip=returned.get("last_object_clicked_tooltip"))
        if hit:
            st.session_state["selected"] = hit
    ticked = layers_from_switcher(returned, list(st.session_state.get("layers") or []))
    if ticked is not None:
        st.session_state["layers"] = ticked
    record_view(returned)


def show_headline() -> None:
    line = headline_line()
    # Bold only when the sentence cannot mislead: a weak null's result is plain text
    # (and its warning is inside the same sentence anyway).
    st.markdown(line if compute.is_weak(choices.null) or result is None else f"**{line}**")


# The numbers first when they are ready. The headline's global test over radii runs once
# per data and choices: when it has to run, the table and the map are drawn before it, and
# on every later slider move it is a cached result, shown at once.
headline_first = too_many is not None or result is None or compute.headline_ready(state, **run)
if side is not None:
    if headline_first:
        with headline_box:
            show_headline()
    with side:
        if result is not None:
            st.caption(_("What p means: {meaning} Chance model: {model}").format(
                meaning=_(P_MEANING), model=_(result.null_description)))
        if left_out:
            st.caption(_("Not counted (placed at a facility by construction): {names}. "
                         "Turn on “{setting}” in the sidebar to count them.").format(
                names=", ".join(names_of(frames, left_out)),
                setting=_("Count sightings placed at a facility")))
        table = proximity_frame(proximity, frames)
        if table is None:
            st.info(_("No sightings or no facilities match the current choices: widen the "
                      "date range or the categories in the sidebar."))
        else:
            st.table(highlight_selected(table, proximity, state.selected_id), hide_index=True)
            send_now()  # the numbers leave before the map is built
        st.caption(_("Click a sighting on the map (or pick one in the sidebar) to draw the "
                     "line to its nearest facility. Distances are geodesic on the WGS84 "
                     "ellipsoid."))
        export_panel(frames, choices, result, None if too_many or result is None
                     else figure_headline)

with map_column:
    st_folium(
        fill_frame(base_map(frames, choices.basemap, overlay,
                            zoom=5.75 if choices.screenshot else 5.5,
                            fit=choices.screenshot and view is None), choices.screenshot),
        key="footprint-map",
        feature_group_to_add=dynamic_groups(frames, state, nearest,
                                            every_story_layer=not choices.screenshot),
        layer_control=None if choices.screenshot else layer_control(state),
        returned_objects=["last_object_clicked", "last_object_clicked_tooltip", "bounds",
                          "center", "zoom", "selected_layers"],
        center=[view.lat, view.lon] if view else None,
        zoom=view.zoom if view else None,
        use_container_width=True,
        height=860 if choices.screenshot else 620,
        on_change=on_map_change,
    )
    if not choices.screenshot:  # the map as text, for screen readers and a quick read
        st.caption(_("**Map, in words.**") + " " + markdown_text(map_description(
            frames, state, proximity)), help=_("A text description of what the map shows, "
                                               "from the data and the current choices."))

if side is not None and not headline_first:
    with headline_box:
        show_headline()
