"""Cached calls into the analysis package, keyed by the data version and the choices."""

from __future__ import annotations

import streamlit as st

from analysis import nulls
from analysis.proximity import proximity_table
from analysis.stats import location_uncertainty, radius_sweep, simulate_null
from mapview.build import MapState, analysis_subset, filter_by_date
from mapview.lru import BoundedLRU
from ui.data import working_frames, working_version
from ui.settings import SETTINGS

#: Simulations behind the one-line result on the Map page (the Analysis page can change it).
MAP_SIMULATIONS = SETTINGS["simulations"].default
DEFAULT_SEED = SETTINGS["seed"].default
#: Simulations x sightings kept in memory for one result (8 bytes each): beyond it, fewer
#: simulations are run (see :func:`affordable_simulations`).
MAX_DRAWS = 10_000_000
#: The location-uncertainty run: repeats, each with at most this many simulations.
UNCERTAINTY_REPEATS = 50
UNCERTAINTY_SIMULATIONS = 1999


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


class _Results(BoundedLRU):
    """Simulation results shared by every session, least recently used dropped first.

    Like ``st.cache_resource``, but a page can pass a progress callback that runs only when
    a result has to be computed (Streamlit refuses element updates from inside its cached
    functions). Keys hold only hashable, cheap values. Memory is bounded by ``budget``, in
    units of the ``weight`` given with each result (about one per stored number).
    """

    def get(self, key, compute, weight: int = 1_000):
        return self.cached(key, compute, weight)


_RESULTS = _Results(size=128, budget=3 * MAX_DRAWS)


def affordable_simulations(state: MapState, simulations: int) -> int:
    """``simulations``, or fewer when there are so many sightings that the simulated
    distances would not fit in :data:`MAX_DRAWS` (never fewer than 99)."""
    _, sightings = analysis_frames(state)
    return max(99, min(int(simulations), MAX_DRAWS // max(len(sightings), 1)))


def _simulated(state: MapState, null: str, simulations: int, seed: int, progress=None):
    simulations = affordable_simulations(state, simulations)

    def compute():
        facilities, sightings = analysis_frames(state)
        if facilities.empty or sightings.empty:
            return None
        if progress is None:
            with st.spinner("Simulating the null model…"):
                return simulate_null(facilities, sightings, null=null, simulations=simulations,
                                     rng=seed, boundary=working_frames()["venezuela"])
        return simulate_null(facilities, sightings, null=null, simulations=simulations,
                             rng=seed, boundary=working_frames()["venezuela"],
                             progress=progress)

    _, sightings = analysis_frames(state)
    return _RESULTS.get(("null", _key(state), null, simulations, seed), compute,
                        weight=simulations * max(len(sightings), 1))


def sample_size_problem(state: MapState, null: str) -> str | None:
    """Why ``null`` cannot be simulated for these sightings (too many for the towns)."""
    _, sightings = analysis_frames(state)
    return nulls.sample_size_problem(null, len(sightings))


def test(state: MapState, null: str, simulations: int = MAP_SIMULATIONS,
         seed: int = DEFAULT_SEED, progress=None):
    """The proximity test for these choices, or None when a side is empty.

    The null is simulated once per data, choices, null and seed (cached); moving the
    radius only re-counts, so the result equals ``proximity_test`` at that radius.
    ``progress`` (a callable taking 0..1) is only called when simulating.
    """
    simulated = _simulated(state, null, simulations, seed, progress)
    return None if simulated is None else simulated.evaluate(state.radius_km)


def sweep(state: MapState, null: str, simulations: int, seed: int, progress=None):
    """The radius sweep for these choices (cached: it does not depend on the radius)."""
    simulations = affordable_simulations(state, simulations)

    def compute():
        facilities, sightings = analysis_frames(state)
        return radius_sweep(facilities, sightings, null=null, simulations=simulations,
                            rng=seed, boundary=working_frames()["venezuela"],
                            progress=progress)

    return _RESULTS.get(("sweep", _key(state), null, simulations, seed), compute)


def uncertainty(state: MapState, null: str, simulations: int, seed: int, progress=None):
    """The location-uncertainty range at the chosen radius (cached)."""
    simulations = affordable_simulations(state, simulations)

    def compute():
        facilities, sightings = analysis_frames(state)
        return location_uncertainty(facilities, sightings, state.radius_km, null=null,
                                    simulations=min(simulations, UNCERTAINTY_SIMULATIONS),
                                    repeats=UNCERTAINTY_REPEATS, rng=seed,
                                    boundary=working_frames()["venezuela"], progress=progress)

    return _RESULTS.get(("uncertainty", _key(state), state.radius_km, null, simulations, seed),
                        compute)
