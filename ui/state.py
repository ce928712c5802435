"""The shared sidebar: every choice is a widget bound to the URL, so a link reproduces it."""

from __future__ import annotations

import math
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
#: What the menus show for the ids the URL keeps (?null=towns_weighted).
WORDS = {
    "layers": {"orinoco_mining_arc": "Orinoco Mining Arc (schematic)",
               "flights": "Documented flights", "facilities": "Facilities",
               "sightings": "Sightings"},
    "facility_categories": {"russian_asset": "Russian-financed assets",
                            "context": "Context (no Russian money)",
                            "background": "Background (reference only)"},
    "sighting_categories": {"sighting": "Sightings", "insider_account": "Insider accounts"},
    "buffer": {"sightings": "sightings", "facilities": "facilities"},
}
#: Notices about URL values the app could not use, shown once (see url_notices).
URL_NOTICES = "_url_notices"


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


def _present(frame, categories: list[str]) -> list[str]:
    """The categories some feature has (an empty category is not offered), in order."""
    if frame is None or "category" not in frame:
        return list(categories)
    found = set(frame["category"].dropna())
    return [c for c in categories if c in found] + sorted(found - set(categories))


def _help(name: str) -> str:
    return SETTINGS[name].help


def _dates_help(sightings) -> str:
    """The date setting's help, with how precisely the current sightings are dated."""
    text = (f"{_help('dates')} Sightings dated only to a month or a year are kept when that "
            "month or year overlaps the range, even if the range covers only part of it.")
    if sightings is None:
        return text
    return f"{text} Current data: {precision_summary(sightings)}"


def _from_url(key: str, options: list, multi: bool):
    """The URL's value for ``key`` if the options hold it (ids), else None, with a notice
    naming what was ignored."""
    if multi:
        values = st.query_params.get_all(key)
        if not values:
            return None
        kept = [v for v in values if v in options]
        unknown = [v for v in values if v not in options]
        if unknown:
            _notice(f"?{key}= named {', '.join(repr(v[:60]) for v in unknown)}, which this "
                    f"data does not have: ignored.")
        return kept or None
    value = st.query_params.get(key)
    if value is None:
        return None
    if value not in options:
        _notice(f"?{key}={value[:60]!r} is not one of the choices: the default is shown.")
        return None
    return value


def _check_radius(raw: str | None) -> None:
    """Say what becomes of a ?radius_km= the slider cannot show (the slider itself clamps
    or drops it without a word)."""
    if raw is None:
        return
    try:
        value = float(raw)
    except ValueError:
        _notice(f"?radius_km={raw[:40]!r} is not a number: the default "
                f"{SETTINGS['radius_km'].default} km is shown.")
        return
    if not math.isfinite(value):
        _notice(f"?radius_km={raw[:40]!r} is not a usable radius: the default "
                f"{SETTINGS['radius_km'].default} km is shown.")
    elif value > RADIUS_MAX_KM:
        _notice(f"?radius_km={raw[:40]} is beyond the largest radius: shown at "
                f"{RADIUS_MAX_KM} km.")
    elif value < RADIUS_MIN_KM:
        _notice(f"?radius_km={raw[:40]} is below the smallest radius: shown at "
                f"{RADIUS_MIN_KM} km.")
    elif value != int(value):
        _notice(f"?radius_km={raw[:40]} is shown at {round(value)} km (whole kilometres).")


def url_notices() -> None:
    """Show, once, what the URL asked for that the app could not use."""
    for text in st.session_state.pop(URL_NOTICES, []):
        st.warning(text, icon=":material/link_off:")


def _notice(text: str) -> None:
    st.session_state.setdefault(URL_NOTICES, []).append(text)


def labelled(container, widget: str, label: str, options: list, words: dict, *, key: str,
             default, help: str):
    """A selectbox, radio or multiselect that shows ``words`` while the URL keeps the ids.

    Streamlit's ``bind="query-params"`` writes what ``format_func`` returns into the URL
    (streamlit/streamlit#14224, open; no ``query_param_func`` in this version), so these
    widgets are synced by hand: the URL seeds the widget once per session, and every run
    writes the id back (and removes it when it is the default, as bound widgets do).
    """
    multi = widget == "multiselect"
    if key not in st.session_state:
        seeded = _from_url(key, options, multi)
        st.session_state[key] = seeded if seeded is not None else default
    if multi:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    elif st.session_state[key] not in options:
        st.session_state[key] = default
    draw = getattr(container, widget)
    kwargs = {"horizontal": True} if widget == "radio" else {}
    value = draw(label, options, key=key, help=help,
                 format_func=lambda option: words.get(option, str(option)), **kwargs)
    if (list(value) if multi else value) == (list(default) if multi else default):
        st.query_params.pop(key, None)
    elif multi:
        st.query_params[key] = list(value)
    else:
        st.query_params[key] = value
    return value


def sidebar(frames) -> Choices:
    """Draw the shared sidebar and return the choices (all bound to URL parameters)."""
    bar = st.sidebar
    bar.header("Map and test")
    if "radius_km" not in st.session_state:
        _check_radius(st.query_params.get("radius_km"))
    radius = bar.slider("Buffer radius (km)", RADIUS_MIN_KM, RADIUS_MAX_KM,
                        SETTINGS["radius_km"].default, step=1, key="radius_km",
                        bind="query-params", help=_help("radius_km"))
    around = labelled(bar, "radio", "Buffers around", ["sightings", "facilities"],
                      WORDS["buffer"], key="buffer", default=SETTINGS["buffer"].default,
                      help=_help("buffer"))
    null = labelled(bar, "selectbox", "Null model (what chance looks like)",
                    list(NULL_MODELS), {k: m.label for k, m in NULL_MODELS.items()},
                    key="null", default=SETTINGS["null"].default, help=_help("null"))
    visible = labelled(bar, "multiselect", "Layers", STORY_LAYERS, WORDS["layers"],
                       key="layers", default=list(SETTINGS["layers"].default),
                       help=_help("layers"))
    first, last = date_extent(frames)
    sightings = frames.get("sightings")
    dates = bar.slider("Dates (sightings and flights)", first, last, (first, last),
                       format="YYYY-MM-DD", key="dates", bind="query-params",
                       help=_dates_help(sightings))
    if sightings is not None:
        bar.caption(precision_summary(filter_by_date(sightings, dates[0], dates[1]),
                                      dates[0], dates[1]))
    with bar.expander("What is counted"):
        facility_categories = labelled(
            st, "multiselect", "Facility categories",
            _present(frames.get("facilities"), FACILITY_CATEGORIES),
            WORDS["facility_categories"], key="facility_categories",
            default=list(SETTINGS["facility_categories"].default),
            help=_help("facility_categories"))
        sighting_categories = labelled(
            st, "multiselect", "Sighting categories",
            _present(frames.get("sightings"), SIGHTING_CATEGORIES),
            WORDS["sighting_categories"], key="sighting_categories",
            default=list(SETTINGS["sighting_categories"].default),
            help=_help("sighting_categories"))
        include_at_facility = st.toggle(
            "Count sightings placed at a facility", SETTINGS["at_facility"].default,
            key="at_facility", bind="query-params", help=_help("at_facility"))
    ids = ["none"] + (list(sightings["id"]) if sightings is not None else [])
    names = {"none": "None"}
    if sightings is not None:
        names.update({str(i): str(n) for i, n in zip(sightings["id"], sightings["name"],
                                                     strict=True)})
    selected = labelled(bar, "selectbox", "Selected sighting", ids, names, key="selected",
                        default="none", help=_help("selected"))
    basemap = labelled(bar, "selectbox", "Basemap", list(BASEMAP_LABELS), BASEMAP_LABELS,
                       key="basemap", default=SETTINGS["basemap"].default,
                       help=_help("basemap"))
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
