"""Small presentation helpers shared by pages (tables, sentences)."""

from __future__ import annotations

import json
import math

import pandas as pd

from analysis.nulls import NULL_MODELS
from analysis.report import csv_safe, escape_markdown
from mapview.build import MapState

CHANCE_PHRASES = {
    "towns": "among random Venezuelan towns",
    "towns_weighted": "among random Venezuelan towns weighted by population",
    "uniform": "among random points in Venezuela",
}


def result_line(result, state: MapState, null: str) -> str:
    """'3 of 4 sightings lie within 50 km of a Russian-financed asset; ...'"""
    if result is None:
        return "No sightings or no facilities match the current choices."
    chance = CHANCE_PHRASES.get(null, NULL_MODELS[null].label.lower())
    what = "a Russian-financed asset" if state.facility_categories == ("russian_asset",) \
        else "a selected facility"
    text = (f"{result.observed_within} of {result.n_sightings} sightings lie within "
            f"{state.radius_km:g} km of {what}; {chance} that happens with "
            f"p = {result.p_value:.2g} ({result.simulations:,} draws).")
    if not result.can_reach_0_05:
        text += " With so few sightings no result could reach p < 0.05."
    return text


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
        "sighting": [escape_markdown(names.get(i, i)) for i in table["id"]],
        "nearest facility": [escape_markdown(names.get(i, i))
                             for i in table["nearest_facility_id"]],
        "distance (km)": [f"{d:,.1f}" for d in table["distance_km"].astype(float)],
        "within radius": table["within_radius"].map({True: "yes", False: "no"}),
    })


def sighting_at(sightings, clicked: dict, tolerance_deg: float = 1e-4) -> str | None:
    """The id of the sighting at a clicked map position, if any."""
    lat, lng = clicked.get("lat"), clicked.get("lng")
    if lat is None or lng is None or sightings.empty:
        return None
    distance = (sightings.geometry.x - lng) ** 2 + (sightings.geometry.y - lat) ** 2
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
    return csv_safe(value)


def table_for_display(table: pd.DataFrame) -> pd.DataFrame:
    """A copy safe for ``st.dataframe`` and the CSV it offers for download.

    Text columns (anything not numeric, boolean or datetime) become text, lists and
    dictionaries JSON; a cell that a spreadsheet would run as a formula gets a leading
    apostrophe (st.dataframe's own "Download as CSV" does not quote it). Integers too big
    for Arrow are text too.

    >>> table_for_display(pd.DataFrame({"name": ["=HYPERLINK(1)", "Coro"],
    ...                                 "people": [15, 10**30]})).values.tolist()
    [["'=HYPERLINK(1)", '15'], ['Coro', '1000000000000000000000000000000']]
    """
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
                or pd.api.types.is_datetime64_any_dtype(values)):
            continue
        out[column] = values.map(_display_cell).astype(object)
    return out
