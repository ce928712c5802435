"""Small presentation helpers shared by pages (tables, sentences)."""

from __future__ import annotations

import json
import math
import re

import pandas as pd

from analysis.report import csv_safe, escape_markdown
from analysis.wording import format_p
from layers.language import numbers
from mapview.build import records_of, tooltip_plain
from ui.i18n import N_, _, ngettext, number

#: The result line when nothing can be counted (translated where shown: ``_(EMPTY_LINE)``).
EMPTY_LINE = N_("No sightings or no facilities match the current choices.")

#: How the selected sighting's row stands out in the table (colour and weight, not colour
#: alone).
SELECTED_ROW_STYLE = "background-color: #fff3c4; font-weight: 700"


def highlight_selected(table: pd.DataFrame, proximity, selected_id: str | None):
    """The display table with the selected sighting's row highlighted (a pandas Styler),
    or the table itself when nothing in it is selected."""
    ids = list(proximity.sightings["id"]) if proximity is not None else []
    if not selected_id or selected_id not in ids:
        return table
    row = ids.index(selected_id)

    def style(values):
        return [SELECTED_ROW_STYLE if values.name == row else "" for _ in values]

    return table.style.apply(style, axis=1).hide(axis="index")


def names_of(frames, ids) -> list[str]:
    """Display names (escaped for Markdown) of sightings or facilities by id."""
    names = {}
    for layer in ("sightings", "facilities"):
        frame = frames.get(layer)
        if frame is not None and "id" in frame:
            names.update(zip(frame["id"], frame["name"] if "name" in frame else frame["id"],
                             strict=True))
    return [escape_markdown(names.get(i, i)) for i in ids]


def proximity_frame(proximity, frames) -> pd.DataFrame | None:
    """The proximity table with names, for display."""
    if proximity is None:
        return None
    names = {}
    for layer in ("sightings", "facilities"):
        frame = frames[layer]
        names.update(zip(frame["id"], frame["name"] if "name" in frame else frame["id"],
                         strict=True))
    table = proximity.sightings
    return pd.DataFrame({
        # st.table renders Markdown in cells: names from uploads are escaped.
        _("sighting"): [escape_markdown(names.get(i, i)) for i in table["id"]],
        _("nearest facility"): [escape_markdown(names.get(i, i))
                                for i in table["nearest_facility_id"]],
        _("distance (km)"): [number(d, 1) for d in table["distance_km"].astype(float)],
        _("within radius"): table["within_radius"].map({True: _("yes"), False: _("no")}),
    })


def sighting_at(sightings, clicked: dict, tolerance_deg: float = 1e-4,
                tooltip: str | None = None) -> str | None:
    """The id of the sighting clicked on the map, if a sighting was clicked.

    Facilities can sit at exactly the same point as a sighting (the Rosneft office and its
    guard; a town's gazetteer point), so position alone cannot tell them apart. When the
    map reports the clicked object's tooltip, only a sighting with that tooltip matches (a
    facility's tooltip matches none); the position breaks ties between sightings with the
    same tooltip. Without a tooltip, the nearest sighting within ``tolerance_deg`` matches.
    """
    lat, lng = clicked.get("lat"), clicked.get("lng")
    if lat is None or lng is None or sightings.empty:
        return None
    distance = (sightings.geometry.x - lng) ** 2 + (sightings.geometry.y - lat) ** 2
    if tooltip:
        wanted = " ".join(str(tooltip).split())
        same = [index for index, record in zip(sightings.index, records_of(sightings),
                                               strict=True)
                if tooltip_plain(record) == wanted]
        if not same:
            return None
        best = distance.loc[same].idxmin()
        return str(sightings.loc[best, "id"])
    best = distance.idxmin()
    if math.sqrt(distance[best]) > tolerance_deg:
        return None
    return str(sightings.loc[best, "id"])


def sources_index(frames, claims, layer_names) -> dict:
    """{(publisher, title, published, url): [(layer, feature name, quote), ...]}."""
    index: dict = {}
    for layer_name in layer_names:
        frame = frames.get(layer_name)
        if frame is None or "sources" not in frame:
            continue
        for name, sources in zip(frame.get("name", frame["id"]), frame["sources"],
                                 strict=True):
            for source in sources if isinstance(sources, list) else []:
                key = (source.get("publisher"), source.get("title"), source.get("published"),
                       source.get("url"))
                index.setdefault(key, []).append((layer_name, name, source.get("quote")))
    for claim in claims:
        for source in claim["sources"]:
            key = (source.get("publisher"), source.get("title"), source.get("published"),
                   source.get("url"))
            index.setdefault(key, []).append(("claim without place", claim["name"],
                                              source.get("quote")))
    return index


def quoted(text: str) -> str:
    """Text in curly quotes, unless it already opens with a quotation mark.

    >>> quoted("a"), quoted("“b”")
    ('“a”', '“b”')
    """
    return text if text[:1] in "“\"" else f"“{text}”"


def _display_cell(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return _LINE_BREAK.sub(" ", csv_safe(value))


_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def table_for_display(table: pd.DataFrame) -> pd.DataFrame:
    """A copy safe for ``st.dataframe`` and the CSV it offers for download.

    Text columns (anything not numeric, boolean or datetime) become text, lists and
    dictionaries JSON; a header or cell that a spreadsheet would run as a formula gets a
    leading apostrophe (:func:`analysis.report.csv_safe`), and line breaks inside a cell
    become spaces: st.dataframe's own "Download as CSV" is written by Streamlit in the
    browser, which this app cannot make quote a carriage return. Integers too big for Arrow
    are text too.

    >>> table_for_display(pd.DataFrame({"name": ["=HYPERLINK(1)", "Coro"],
    ...                                 "people": [15, 10**30]})).values.tolist()
    [["'=HYPERLINK(1)", '15'], ['Coro', '1000000000000000000000000000000']]
    >>> shown = table_for_display(pd.DataFrame({"=HYPERLINK(2)": [chr(13) + "=1+1"]}))
    >>> shown.columns.tolist(), shown.values.tolist()
    (["'=HYPERLINK(2)"], [["' =1+1"]])
    """
    out = table.copy()
    renamed = {c: csv_safe(_LINE_BREAK.sub(" ", str(c))) for c in out.columns}
    if len(set(renamed.values())) == len(renamed):
        out.columns = [renamed[c] for c in out.columns]
    for column in out.columns:
        values = out[column]
        if (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
                or pd.api.types.is_datetime64_any_dtype(values)):
            continue
        out[column] = values.map(_display_cell).astype(object)
    return out


# -- the global test and the robustness panel, for display ----------------------------------
def envelope_frame(found) -> pd.DataFrame:
    """One row per radius of the global test, with readable columns for the chart and its
    tooltips: shares of counted sightings (0..1) and sentences."""
    n = max(found.n_sightings, 1)
    yes, no = _("yes"), _("no")
    radius = list(found.radius_km)
    outside = set(found.outside_km)
    rows = []
    for i, r in enumerate(radius):
        observed = found.observed[i]
        rows.append({
            "radius_km": r,
            "observed": observed / n,
            "pointwise_low": found.pointwise_low[i] / n,
            "pointwise_high": found.pointwise_high[i] / n,
            "global_low": found.low[i] / n,
            "global_high": found.high[i] / n,
            "outside": r in outside,
            # The column names are the chart's keys (pages/analysis_page.py); the cells are
            # in the reader's language.
            "Radius": _("{km} km").format(km=number(r)),
            "Sightings within": _("{observed} of {n} ({share})").format(
                observed=observed, n=found.n_sightings, share=numbers(f"{observed / n:.0%}")),
            "Random draws, middle 95%": _("{low} to {high}").format(
                low=numbers(f"{found.pointwise_low[i] / n:.0%}"),
                high=numbers(f"{found.pointwise_high[i] / n:.0%}")),
            "Global 95% envelope": _("{low} to {high}").format(
                low=numbers(f"{found.low[i] / n:.0%}"), high=numbers(f"{found.high[i] / n:.0%}")),
            "Single-radius p": numbers(format_p(found.pointwise_p[i])),
            "Above the global envelope": yes if r in outside else no,
        })
    return pd.DataFrame(rows)


def scenario_frame(rows, names: dict, labels: dict) -> pd.DataFrame:
    """The robustness scenarios as a table in words (no internal field names)."""
    every_radius = _("all radii (global test)")
    moved, as_stated = _("moved within their precision (median of repeats)"), _("as stated")
    nobody, yes, no = _("nobody"), _("yes"), _("no")
    of = _("{observed} of {n}")
    with_range = _("{p} (from {low} to {high})")

    def radius(s):
        return every_radius if s.radius_km == "global" else \
            _("{km} km").format(km=number(s.radius_km))

    def p_text(s):
        if s.p_value_low is None:
            return numbers(format_p(s.p_value))
        return numbers(with_range.format(p=format_p(s.p_value), low=format_p(s.p_value_low),
                                         high=format_p(s.p_value_high)))

    return pd.DataFrame({
        _("Chance model"): [labels.get(s.null, s.null) for s in rows],
        _("Radius"): [radius(s) for s in rows],
        _("Locations"): [moved if s.jitter else as_stated for s in rows],
        _("Left out"): [names.get(s.left_out, s.left_out) if s.left_out else nobody
                        for s in rows],
        _("Counted within"): ["—" if s.observed_within is None
                              else of.format(observed=s.observed_within, n=s.n_sightings)
                              for s in rows],
        "p": [p_text(s) for s in rows],
        _("Below {threshold}").format(threshold=numbers("0.05")):
            [yes if s.p_value < 0.05 else no for s in rows],
    })


def map_description(frames, state, proximity) -> str:
    """The map in one paragraph a screen reader can read: what is drawn, where, and the
    count the test is about, from the data and the current choices.

    >>> import geopandas as gpd, shapely
    >>> from mapview.build import MapState
    >>> f = gpd.GeoDataFrame({"id": ["a"], "name": ["Amuay refinery"],
    ...                       "category": ["russian_asset"]},
    ...                      geometry=[shapely.Point(-70.2, 11.7)], crs="EPSG:4326")
    >>> map_description({"facilities": f}, MapState(visible_layers=("facilities",)), None)
    'Map of Venezuela and its neighbours. Shown: 1 Russian-financed facility (Amuay refinery).'
    """
    def names(frame, limit=6):
        listed = [str(n) for n in frame["name"].head(limit)]
        more = len(frame) - len(listed)
        return ", ".join(listed) + (_(" and {n} more").format(n=more) if more > 0 else "")


    parts = []
    visible = set(state.visible_layers)
    facilities = frames.get("facilities")
    if "facilities" in visible and facilities is not None and len(facilities):
        russian = facilities[facilities.get("category") == "russian_asset"] \
            if "category" in facilities else facilities
        other = len(facilities) - len(russian)
        if len(russian):
            parts.append(ngettext("{n} Russian-financed facility ({names})",
                                  "{n} Russian-financed facilities ({names})", len(russian))
                         .format(n=number(len(russian)), names=names(russian)))
        if other:
            parts.append(ngettext("{n} other place for context",
                                  "{n} other places for context", other)
                         .format(n=number(other)))
    sightings = frames.get("sightings")
    if "sightings" in visible and sightings is not None and len(sightings):
        text = ngettext("{n} reported sighting of Russian specialists ({names})",
                        "{n} reported sightings of Russian specialists ({names})",
                        len(sightings)).format(n=number(len(sightings)), names=names(sightings))
        if proximity is not None and len(proximity.sightings):
            within = int(proximity.sightings["within_radius"].sum())
            if state.buffer_around == "facilities":
                words = ngettext(
                    ", of which {within} of the {n} counted lie within {km} km of a facility "
                    "(circles of that radius are drawn around each facility)",
                    ", of which {within} of the {n} counted lie within {km} km of a facility "
                    "(circles of that radius are drawn around each facility)",
                    len(proximity.sightings))
            else:
                words = ngettext(
                    ", of which {within} of the {n} counted lie within {km} km of a facility "
                    "(circles of that radius are drawn around each sighting)",
                    ", of which {within} of the {n} counted lie within {km} km of a facility "
                    "(circles of that radius are drawn around each sighting)",
                    len(proximity.sightings))
            text += words.format(within=number(within), n=number(len(proximity.sightings)),
                                 km=number(state.radius_km))
        parts.append(text)
    if "orinoco_mining_arc" in visible and frames.get("orinoco_mining_arc") is not None:
        parts.append(_("the Orinoco Mining Arc south of the Orinoco (schematic)"))
    flights = frames.get("flights")
    if "flights" in visible and flights is not None and len(flights):
        parts.append(ngettext("{n} documented flight record", "{n} documented flight records",
                              len(flights)).format(n=number(len(flights))))
    text = _("Map of Venezuela and its neighbours.")
    if parts:
        text += " " + _("Shown: {parts}.").format(parts="; ".join(parts))
    else:
        text += " " + _("No story layer is shown.")
    return text


