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
from ui.i18n import LANGUAGE_NAMES, LANGUAGES, N_, PARAM, _, browser_language, number
from ui.settings import RADIUS_MAX_KM, RADIUS_MIN_KM, SETTINGS

STORY_LAYERS = ["orinoco_mining_arc", "flights", "facilities", "sightings"]
FACILITY_CATEGORIES = ["russian_asset", "context", "background"]
SIGHTING_CATEGORIES = ["sighting", "insider_account"]
#: What the menus show for the ids the URL keeps (?null=towns_weighted).
WORDS = {
    "layers": {"orinoco_mining_arc": N_("Orinoco Mining Arc (schematic)"),
               "flights": N_("Documented flights"), "facilities": N_("Facilities"),
               "sightings": N_("Sightings")},
    "facility_categories": {"russian_asset": N_("Russian-financed assets"),
                            "context": N_("Context (no Russian money)"),
                            "background": N_("Background (reference only)")},
    "sighting_categories": {"sighting": N_("Sightings"),
                            "insider_account": N_("Insider accounts")},
    "buffer": {"sightings": N_("sightings"), "facilities": N_("facilities")},
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


def words(kind: str) -> dict[str, str]:
    """:data:`WORDS` of ``kind`` in the interface's language."""
    return {key: _(text) for key, text in WORDS[kind].items()}


def _help(name: str) -> str:
    return _(SETTINGS[name].help)


def _dates_help(sightings) -> str:
    """The date setting's help, with how precisely the current sightings are dated."""
    text = _help("dates") + " " + _(
        "Sightings dated only to a month or a year are kept when that month or year "
        "overlaps the range, even if the range covers only part of it.")
    if sightings is None:
        return text
    return text + " " + _("Current data: {summary}").format(
        summary=precision_summary(sightings))


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
            _notice(_("?{key}= named {values}, which this data does not have: ignored.")
                    .format(key=key, values=", ".join(repr(v[:60]) for v in unknown)))
        return kept or None
    value = st.query_params.get(key)
    if value is None:
        return None
    if value not in options:
        _notice(_("?{key}={value} is not one of the choices: the default is shown.")
                .format(key=key, value=repr(value[:60])))
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
        _notice(_("?radius_km={value} is not a number: the default {default} km is shown.")
                .format(value=repr(raw[:40]), default=SETTINGS["radius_km"].default))
        return
    if not math.isfinite(value):
        _notice(_("?radius_km={value} is not a usable radius: the default {default} km is "
                  "shown.").format(value=repr(raw[:40]), default=SETTINGS["radius_km"].default))
    elif value > RADIUS_MAX_KM:
        _notice(_("?radius_km={value} is beyond the largest radius: shown at {km} km.")
                .format(value=raw[:40], km=RADIUS_MAX_KM))
    elif value < RADIUS_MIN_KM:
        _notice(_("?radius_km={value} is below the smallest radius: shown at {km} km.")
                .format(value=raw[:40], km=RADIUS_MIN_KM))
    elif value != int(value):
        _notice(_("?radius_km={value} is shown at {km} km (whole kilometres).")
                .format(value=raw[:40], km=round(value)))


#: The longest URL parameter value the app reads (a view, a title or a workspace link is
#: far shorter); a longer one is not used, with a notice.
MAX_PARAM_CHARS = 2_000


def check_url_lengths() -> None:
    """Say which URL parameters are too long to use, once per session, and drop those the
    app owns (a widget's own parameter is refused by the widget)."""
    if st.session_state.get("_url_lengths_checked"):
        return
    st.session_state["_url_lengths_checked"] = True
    for key in list(st.query_params):
        values = st.query_params.get_all(key)
        longest = max((len(v) for v in values), default=0)
        if len(key) > 200 or longest > MAX_PARAM_CHARS:
            _notice(_("The address's parameter {key} is {n} characters long, more than the "
                      "{limit} the app reads: it was not used.").format(
                          key=repr(key[:40]), n=number(longest),
                          limit=number(MAX_PARAM_CHARS)))
            try:
                del st.query_params[key]
            except Exception:  # a bound widget's parameter: the widget refuses it itself
                pass


def url_notices() -> None:
    """Show what the URL asked for that the app could not use, until the user dismisses it
    (the map's first report reruns the page at once: a notice shown only once would vanish
    before anyone read it)."""
    notices = st.session_state.get(URL_NOTICES) or []
    if not notices:
        return
    for text in notices:
        st.warning(text, icon=":material/link_off:")
    if st.button(_("Dismiss"), key="url_notices_dismiss", type="tertiary"):
        st.session_state[URL_NOTICES] = []
        st.rerun()


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
    # Written only when it changes: every write sends the browser the server's copy of all
    # parameters, which would put back a value a bound widget has just left.
    wanted = None if (list(value) if multi else value) == (list(default) if multi
                                                           else default) \
        else [str(v) for v in value] if multi else str(value)
    present = st.query_params.get_all(key) if multi else st.query_params.get(key)
    if wanted is None:
        if key in st.query_params:
            del st.query_params[key]
    elif present != wanted:
        st.query_params[key] = wanted
    return value


def sidebar(frames) -> Choices:
    """Draw the shared sidebar and return the choices (all bound to URL parameters)."""
    bar = st.sidebar
    bar.header(_("Map and test"))
    if "radius_km" not in st.session_state:
        _check_radius(st.query_params.get("radius_km"))
    radius = bar.slider(_("Buffer radius (km)"), RADIUS_MIN_KM, RADIUS_MAX_KM,
                        SETTINGS["radius_km"].default, step=1, key="radius_km",
                        bind="query-params", help=_help("radius_km"))
    around = labelled(bar, "radio", _("Buffers around"), ["sightings", "facilities"],
                      words("buffer"), key="buffer", default=SETTINGS["buffer"].default,
                      help=_help("buffer"))
    null = labelled(bar, "selectbox", _("Null model (what chance looks like)"),
                    list(NULL_MODELS), {k: _(m.label) for k, m in NULL_MODELS.items()},
                    key="null", default=SETTINGS["null"].default, help=_help("null"))
    visible = labelled(bar, "multiselect", _("Layers"), STORY_LAYERS, words("layers"),
                       key="layers", default=list(SETTINGS["layers"].default),
                       help=_help("layers"))
    first, last = date_extent(frames)
    sightings = frames.get("sightings")
    dates = bar.slider(_("Dates (sightings and flights)"), first, last, (first, last),
                       format="YYYY-MM-DD", key="dates", bind="query-params",
                       help=_dates_help(sightings))
    if sightings is not None:
        bar.caption(precision_summary(filter_by_date(sightings, dates[0], dates[1]),
                                      dates[0], dates[1]))
    with bar.expander(_("What is counted")):
        facility_categories = labelled(
            st, "multiselect", _("Facility categories"),
            _present(frames.get("facilities"), FACILITY_CATEGORIES),
            words("facility_categories"), key="facility_categories",
            default=list(SETTINGS["facility_categories"].default),
            help=_help("facility_categories"))
        sighting_categories = labelled(
            st, "multiselect", _("Sighting categories"),
            _present(frames.get("sightings"), SIGHTING_CATEGORIES),
            words("sighting_categories"), key="sighting_categories",
            default=list(SETTINGS["sighting_categories"].default),
            help=_help("sighting_categories"))
        include_at_facility = st.toggle(
            _("Count sightings placed at a facility"), SETTINGS["at_facility"].default,
            key="at_facility", bind="query-params", help=_help("at_facility"))
    ids = ["none"] + (list(sightings["id"]) if sightings is not None else [])
    names = {"none": _("None")}
    if sightings is not None:
        names.update({str(i): str(n) for i, n in zip(sightings["id"], sightings["name"],
                                                     strict=True)})
    selected = labelled(bar, "selectbox", _("Selected sighting"), ids, names, key="selected",
                        default="none", help=_help("selected"))
    basemap = labelled(bar, "selectbox", _("Basemap"), list(BASEMAP_LABELS),
                       {key: _(text) for key, text in BASEMAP_LABELS.items()},
                       key="basemap", default=SETTINGS["basemap"].default,
                       help=_help("basemap"))
    if basemap != "offline":
        bar.warning(_("Web basemap on: tile requests tell a third-party server which area "
                      "you are viewing. Switch back to the offline basemap to send nothing."))
    language_menu(bar)
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


def language_menu(container) -> str:
    """The language menu (key ``lang``), bound to ``?lang=`` as the other menus are; the
    browser's preferred language is its default and leaves the URL without ``lang``. Its
    label is in the three languages, so a reader lost in one finds it."""
    return labelled(container, "selectbox", "Language · Idioma · Язык", list(LANGUAGES),
                    LANGUAGE_NAMES, key=PARAM, default=browser_language(),
                    help=_("The interface's language. Quotes from sources stay in the "
                           "language they were written in."))


def current() -> Choices:
    """The choices drawn by the frame in this run (pages call this).

    If a page runs without the frame (Streamlit's folder-based routing, before the frame
    has run once in this server), go through the frame instead.
    """
    if "_choices" not in st.session_state:
        st.switch_page("app.py")
    return st.session_state["_choices"]
