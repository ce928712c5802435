"""The shared sidebar: every choice is a widget bound to the URL, so a link reproduces it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from analysis.nulls import NULL_MODELS
from layers.dates import feature_span, precision_summary
from mapview.build import BASEMAP_LABELS, MapState, filter_by_date
from ui.data import working_version
from ui.settings import RADIUS_MAX_KM, RADIUS_MIN_KM, SETTINGS

STORY_LAYERS = ["orinoco_mining_arc", "flights", "facilities", "sightings"]
FACILITY_CATEGORIES = ["russian_asset", "context", "background"]
SIGHTING_CATEGORIES = ["sighting", "insider_account"]


@dataclass(frozen=True)
class Choices:
    """Everything the user chose in the sidebar."""

    map_state: MapState
    null: str
    basemap: str
    screenshot: bool

    @property
    def radius_km(self) -> float:
        return self.map_state.radius_km


def date_extent(frames) -> tuple[date, date]:
    """First and last day covered by the dated sightings and flights (computed once per
    data version and uploads, not on every rerun)."""
    return _date_extent(working_version(), frames.get("sightings"), frames.get("flights"))


@st.cache_resource(show_spinner=False, max_entries=16)
def _date_extent(version: tuple, _sightings, _flights) -> tuple[date, date]:
    days = []
    for frame in (_sightings, _flights):
        if frame is None:
            continue
        for row in frame.drop(columns="geometry").to_dict("records"):
            span = feature_span({k: v for k, v in row.items() if isinstance(v, str)})
            if span:
                days.extend(d for d in span if d is not None)
    if not days:
        return date(2018, 1, 1), date(2019, 12, 31)
    return min(days), max(days)


def _help(name: str) -> str:
    return SETTINGS[name].help


def _dates_help(sightings) -> str:
    """The date setting's help, with how precisely the current sightings are dated."""
    text = (f"{_help('dates')} Sightings dated only to a month or a year are kept when that "
            "month or year overlaps the range, even if the range covers only part of it.")
    if sightings is None:
        return text
    return f"{text} Current data: {precision_summary(sightings)}"


def sidebar(frames) -> Choices:
    """Draw the shared sidebar and return the choices (all bound to URL parameters)."""
    bar = st.sidebar
    bar.header("Map and test")
    radius = bar.slider("Buffer radius (km)", RADIUS_MIN_KM, RADIUS_MAX_KM,
                        SETTINGS["radius_km"].default, step=1, key="radius_km",
                        bind="query-params", help=_help("radius_km"))
    around = bar.radio("Buffers around", ["sightings", "facilities"], horizontal=True,
                       key="buffer", bind="query-params", help=_help("buffer"))
    # Options are shown by their short names: the URL holds exactly what the menu shows.
    null = bar.selectbox("Null model", list(NULL_MODELS), key="null", bind="query-params",
                         help=_help("null"))
    bar.caption(NULL_MODELS[null].label)
    visible = bar.multiselect("Layers", STORY_LAYERS, default=SETTINGS["layers"].default,
                              key="layers",
                              bind="query-params", help=_help("layers"))
    first, last = date_extent(frames)
    sightings = frames.get("sightings")
    dates = bar.slider("Dates (sightings and flights)", first, last, (first, last),
                       format="YYYY-MM-DD", key="dates", bind="query-params",
                       help=_dates_help(sightings))
    if sightings is not None:
        bar.caption(precision_summary(filter_by_date(sightings, dates[0], dates[1]),
                                      dates[0], dates[1]))
    with bar.expander("What is counted"):
        facility_categories = st.multiselect(
            "Facility categories", FACILITY_CATEGORIES,
            default=SETTINGS["facility_categories"].default, key="facility_categories",
            bind="query-params", help=_help("facility_categories"))
        sighting_categories = st.multiselect(
            "Sighting categories", SIGHTING_CATEGORIES,
            default=SETTINGS["sighting_categories"].default, key="sighting_categories",
            bind="query-params", help=_help("sighting_categories"))
        include_at_facility = st.toggle(
            "Count sightings placed at a facility", SETTINGS["at_facility"].default,
            key="at_facility", bind="query-params", help=_help("at_facility"))
    ids = ["none"] + (list(sightings["id"]) if sightings is not None else [])
    selected = bar.selectbox("Selected sighting", ids, key="selected", bind="query-params",
                             help=_help("selected"))
    basemap = bar.selectbox("Basemap", list(BASEMAP_LABELS), key="basemap",
                            bind="query-params", help=_help("basemap"))
    bar.caption(BASEMAP_LABELS[basemap])
    if basemap != "offline":
        bar.warning("Web basemap on: tile requests tell a third-party server which area you "
                    "are viewing. Switch back to the offline basemap to send nothing.")
    screenshot = st.query_params.get("screenshot", "0") == "1"
    state = MapState(
        radius_km=float(radius),
        buffer_around=around,
        visible_layers=tuple(visible),
        date_start=dates[0],
        date_end=dates[1],
        selected_id=None if selected in (None, "none") else selected,
        facility_categories=tuple(facility_categories),
        sighting_categories=tuple(sighting_categories),
        include_at_facility=bool(include_at_facility),
    )
    return Choices(map_state=state, null=null, basemap=basemap, screenshot=screenshot)


def current() -> Choices:
    """The choices drawn by the frame in this run (pages call this).

    If a page runs without the frame (Streamlit's folder-based routing, before the frame
    has run once in this server), go through the frame instead.
    """
    if "_choices" not in st.session_state:
        st.switch_page("app.py")
    return st.session_state["_choices"]
