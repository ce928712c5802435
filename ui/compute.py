"""Cached calls into the analysis package, keyed by the data version and the choices."""

from __future__ import annotations

import streamlit as st

from analysis import nulls
from analysis.proximity import proximity_table
from analysis.stats import simulate_null
from mapview.build import MapState, analysis_subset, filter_by_date
from ui.data import working_frames, working_version
from ui.settings import SETTINGS

#: Simulations behind the one-line result on the Map page (the Analysis page can change it).
MAP_SIMULATIONS = SETTINGS["simulations"].default
DEFAULT_SEED = SETTINGS["seed"].default


def analysis_frames(state: MapState):
    """(facilities, sightings) counted in the analysis for these choices."""
    frames = working_frames()
    facilities = analysis_subset(frames["facilities"], state.facility_categories)
    sightings = filter_by_date(frames["sightings"], state.date_start, state.date_end)
    sightings = analysis_subset(sightings, state.sighting_categories)
    return facilities, sightings


def _key(state: MapState) -> tuple:
    return (working_version(), state.facility_categories, state.sighting_categories,
            state.date_start, state.date_end)


@st.cache_resource(show_spinner=False, max_entries=256)
def _proximity(key: tuple, radius_km: float, _state: MapState):
    facilities, sightings = analysis_frames(_state)
    if facilities.empty or sightings.empty:
        return None
    return proximity_table(facilities, sightings, radius_km)


def proximity(state: MapState):
    """The proximity result for these choices, or None when a side is empty."""
    return _proximity(_key(state), state.radius_km, state)


@st.cache_resource(show_spinner="Simulating the null model…", max_entries=64)
def _simulated(key: tuple, null: str, simulations: int, seed: int, _state: MapState,
               _boundary):
    facilities, sightings = analysis_frames(_state)
    if facilities.empty or sightings.empty:
        return None
    return simulate_null(facilities, sightings, null=null, simulations=simulations,
                         rng=seed, boundary=_boundary)


def sample_size_problem(state: MapState, null: str) -> str | None:
    """Why ``null`` cannot be simulated for these sightings (too many for the towns)."""
    _, sightings = analysis_frames(state)
    return nulls.sample_size_problem(null, len(sightings))


def test(state: MapState, null: str, simulations: int = MAP_SIMULATIONS,
         seed: int = DEFAULT_SEED):
    """The proximity test for these choices, or None when a side is empty.

    The null is simulated once per data, choices, null and seed (cached); moving the
    radius only re-counts, so the result equals ``proximity_test`` at that radius.
    """
    boundary = working_frames()["venezuela"]
    simulated = _simulated(_key(state), null, simulations, seed, state, boundary)
    return None if simulated is None else simulated.evaluate(state.radius_km)
