"""What every export holds: the story as the user chose it, prepared once.

:func:`prepare_story` takes the frames and the user's choices (a ``MapState``) and gives
a :class:`Story`: the visible layers after the date filter, the geodesic buffers at the
chosen radius, the proximity table, the result line with its caveat, the title, subtitle
and credit line. The HTML, GeoPackage and KML writers only format it, so the three files
say the same thing as the app and the figure. Its texts are in the current language
(:mod:`layers.language`: English outside the app); the data's values stay as written.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.nulls import NULL_MODELS
from analysis.proximity import ProximityResult, geodesic_buffers, proximity_table
from analysis.settings import default
from analysis.summary import headline_for
from analysis.wording import P_MEANING, target_phrase
from figures import credits, scene
from layers.language import _
from mapview.build import MapState

#: Story layers in drawing order (areas under lines under points).
STORY_LAYERS = scene.STORY_LAYERS
#: Vertices of a buffer ring: a true geodesic circle to well under 0.1% at 50 km.
BUFFER_VERTICES = 128


@dataclass(frozen=True)
class Story:
    """The content of an export; every text in it is plain (escape before writing HTML)."""

    state: MapState
    shown: dict                 # layer name -> GeoDataFrame, visible and date-filtered
    buffers: gpd.GeoDataFrame | None
    proximity: ProximityResult | None
    tested_facilities: gpd.GeoDataFrame
    tested_sightings: gpd.GeoDataFrame
    title: str
    subtitle: str
    headline: str | None        # the result line (None: nothing to test)
    caveat: str                 # what p means
    credits: str
    bounds: tuple | None        # (west, south, east, north) asked for, or None
    data_version: str


def prepare_story(frames: dict, state: MapState | None = None, *, null: str = "towns",
                  simulations: int | None = None, seed: int | None = None,
                  headline: str | None = None, test_result=None, title: str | None = None,
                  subtitle: str | None = None, bounds=None, labels=None) -> Story:
    """The story for ``state`` (default ``MapState()``) from ``frames``
    (``{layer name: GeoDataFrame}``, as :func:`figures.default_frames` gives).

    ``headline``, ``test_result``: the result line to quote and the result it states (the
    app passes its own); without a headline the test and the global test over radii are
    run with ``null``, ``simulations`` and ``seed`` (defaults: the analysis settings), as
    :func:`figures.render_figure` does, so the same choices give the same sentence.
    ``bounds`` and ``labels`` are checked as the figure checks them.
    """
    state = state or MapState()
    _check(frames, state, null)
    data = scene.prepare(frames, state, labels=labels, bounds=bounds)
    shown = {name: data.shown[name] for name in STORY_LAYERS
             if data.shown.get(name) is not None}
    facilities, sightings = data.tested_facilities, data.tested_sightings
    proximity = (proximity_table(facilities, sightings, float(state.radius_km))
                 if len(facilities) and len(sightings) else None)
    found = None
    if headline is None and proximity is not None and (
            not NULL_MODELS[null].needs_boundary or data.venezuela is not None):
        found = headline_for(
            facilities, data.candidate_sightings, radius_km=float(state.radius_km),
            null=null, simulations=simulations or default("simulations"),
            seed=default("seed") if seed is None else seed, boundary=data.venezuela,
            include_at_facility=state.include_at_facility,
            target=target_phrase(state.facility_categories))
        headline = found.text if found is not None else None
        test_result = found.result if found is not None else None
    dated = {name: shown.get(name) for name in scene.DATED_LAYERS}
    dates = scene.date_range(dated.values())
    dated_layers = [name for name, frame in dated.items()
                    if scene.date_range([frame]) is not None]
    method = credits.method_text(state.radius_km, state.buffer_around, test_result,
                                 len(facilities),
                                 headline=found.short if found is not None else headline)
    return Story(
        state=state, shown=shown, buffers=_buffers(state, facilities, sightings),
        proximity=proximity, tested_facilities=facilities, tested_sightings=sightings,
        title=title or scene.default_title(dates),
        subtitle=subtitle if subtitle is not None else scene.default_subtitle(
            state, dates, dated_layers, shown.get("sightings"), data.date_filtered),
        headline=headline, caveat=_("What p means: {meaning}").format(meaning=_(P_MEANING)),
        credits=credits.credit_text(credits.publishers(*shown.values()), method,
                                    credits.map_data_text(rivers=True)),
        bounds=data.bounds, data_version=credits.data_version(frames))


def _check(frames, state, null) -> None:
    if not isinstance(frames, dict):
        raise TypeError(f"'frames' should be a dict of GeoDataFrames, got "
                        f"{type(frames).__name__}")
    if not isinstance(state, MapState):
        raise TypeError(f"'state' should be a MapState, got {type(state).__name__}")
    if null not in NULL_MODELS:
        raise ValueError(f"unknown null model {null!r}; expected one of "
                         f"{', '.join(sorted(NULL_MODELS))}")


def _buffers(state: MapState, facilities, sightings) -> gpd.GeoDataFrame | None:
    """Geodesic buffers at the chosen radius around what the map rings (None: no rings)."""
    if state.buffer_around not in ("sightings", "facilities") or not state.radius_km > 0:
        return None
    around = sightings if state.buffer_around == "sightings" else facilities
    if not len(around):
        return None
    buffers = geodesic_buffers(around, float(state.radius_km), BUFFER_VERTICES)
    names = around["name"] if "name" in around else around.get("id")
    buffers.insert(1, "name", [plain(v) for v in names])
    buffers["around"] = state.buffer_around
    return buffers


# --------------------------------------------------------------------------- values
def plain(value):
    """A property value as a plain scalar: None for missing, JSON text for lists and
    dicts (sources keep every field), numbers and text as they are.

    >>> plain(float("nan")) is None, plain([{"publisher": "Meduza"}]), plain(3.0)
    (True, '[{"publisher": "Meduza"}]', 3.0)
    """
    if value is None:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    if isinstance(value, list | tuple | dict | np.ndarray):
        return json.dumps(_jsonable(value), ensure_ascii=False)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _jsonable(value):
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def records(frame: gpd.GeoDataFrame) -> list[dict]:
    """Rows as dicts, missing values as None, geometry kept (for the writers' loops)."""
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (v if k == "geometry" else _missing_to_none(v)) for k, v in row.items()})
    return out


def _missing_to_none(value):
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def sources_of(properties: dict) -> list[dict]:
    """The feature's sources (a list of dicts; anything else is left out)."""
    sources = properties.get("sources")
    if not isinstance(sources, list | tuple | np.ndarray):
        return []
    return [source for source in sources if isinstance(source, dict)]
