"""Cached calls into the analysis package, keyed by the data version and the choices."""

from __future__ import annotations

import streamlit as st

from analysis import nulls
from analysis import settings as analysis_settings
from analysis.envelope import DEFAULT_R_MAX_KM, global_test, r_min_from_precision
from analysis.io import counted_sightings, placed_at_facility
from analysis.proximity import proximity_table
from analysis.robustness import robustness
from analysis.stats import location_uncertainty, radius_sweep, simulate_null
from analysis.summary import headline_from, other_nulls_global
from analysis.wording import WEAK_NULLS, target_phrase
from layers.registry import get_layer
from mapview.build import MapState, analysis_subset, filter_by_date
from mapview.lru import BoundedLRU
from ui.data import working_frames, working_version
from ui.i18n import _, number
from ui.settings import SETTINGS

#: Simulations behind the one-line result on the Map page (the Analysis page can change it).
MAP_SIMULATIONS = SETTINGS["simulations"].default
DEFAULT_SEED = SETTINGS["seed"].default
#: Simulations x sightings kept in memory for one result (8 bytes each): beyond it, fewer
#: simulations are run (see :func:`affordable_simulations`).
MAX_DRAWS = analysis_settings.MAX_DRAWS
#: The location-uncertainty run: repeats, each with at most this many simulations.
UNCERTAINTY_REPEATS = 50
UNCERTAINTY_SIMULATIONS = 1999


#: The subsets by choices: a rerun asks for them a dozen times (shared, never modified).
_FRAMES = BoundedLRU(size=16, budget=16)


def analysis_frames(state: MapState, with_at_facility: bool | None = None):
    """(facilities, sightings) counted in the analysis for these choices.

    Sightings placed at a facility by construction are counted only when the state says so
    (or when ``with_at_facility`` is True: the robustness panel shows both choices).
    """
    include = state.include_at_facility if with_at_facility is None else with_at_facility

    def subset():
        frames = working_frames()
        facilities = analysis_subset(frames["facilities"], state.facility_categories)
        sightings = filter_by_date(frames["sightings"], state.date_start, state.date_end)
        sightings = analysis_subset(sightings, state.sighting_categories)
        return facilities, counted_sightings(sightings, include)

    return _FRAMES.cached((_key(state), include), subset)


def left_out_at_facility(state: MapState) -> list[str]:
    """Ids of the sightings left out because they were placed at a facility."""
    if state.include_at_facility:
        return []
    _facilities, sightings = analysis_frames(state, with_at_facility=True)
    if sightings.empty or "id" not in sightings:
        return []
    return [str(i) for i in sightings.loc[placed_at_facility(sightings), "id"]]


def _key(state: MapState) -> tuple:
    return (working_version(), state.facility_categories, state.sighting_categories,
            state.date_start, state.date_end, state.include_at_facility)


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
    _facilities, sightings = analysis_frames(state)
    return max(99, min(int(simulations), MAX_DRAWS // max(len(sightings), 1)))


def _simulated(state: MapState, null: str, simulations: int, seed: int, progress=None):
    simulations = affordable_simulations(state, simulations)

    def compute():
        facilities, sightings = analysis_frames(state)
        if facilities.empty or sightings.empty:
            return None
        if progress is None:
            with st.spinner(_("Simulating the chance model…")):
                return simulate_null(facilities, sightings, null=null, simulations=simulations,
                                     rng=seed, boundary=working_frames()["venezuela"])
        return simulate_null(facilities, sightings, null=null, simulations=simulations,
                             rng=seed, boundary=working_frames()["venezuela"],
                             progress=progress)

    _facilities, sightings = analysis_frames(state)
    return _RESULTS.get(("null", _key(state), null, simulations, seed), compute,
                        weight=simulations * max(len(sightings), 1))


def sample_size_problem(state: MapState, null: str) -> str | None:
    """Why ``null`` cannot be simulated for these sightings (too many for the towns, or a
    support file it needs is missing or unreadable: the towns table, the boundary), in the
    reader's language and with the chance model's name as the menus show it."""
    model = nulls.get_null_model(null)
    if model.needs_boundary and working_frames()["venezuela"].empty:
        return _("The chance model “{model}” needs the national boundary, and {file} could "
                 "not be read: it is unavailable. Choose a towns chance model.").format(
            model=_(model.label), file=get_layer("venezuela").file)
    _frames, sightings = analysis_frames(state)
    problem = nulls.sample_size_problem(null, len(sightings))
    if problem is None or nulls.towns_problem():
        return problem  # None, or the towns file's own problem (it names the file)
    return _("The chance model “{model}” picks distinct towns, and there are only {towns}: "
             "it cannot place {n} sightings. Choose “{uniform}”, or count fewer "
             "sightings.").format(model=_(model.label),
                                  towns=number(len(nulls.venezuelan_towns())),
                                  n=number(len(sightings)),
                                  uniform=_(nulls.get_null_model("uniform").label))


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


# -- the global test, the robustness panel and the headline ----------------------------------
def default_r_min(state: MapState) -> int:
    """The global test's smallest radius from location precision (see
    :func:`analysis.envelope.default_r_min_km`); 1 when a side is empty."""
    def compute():
        facilities, sightings = analysis_frames(state)
        if facilities.empty or sightings.empty:
            return 1
        return r_min_from_precision(facilities, sightings)

    return _RESULTS.get(("r_min", _key(state)), compute, weight=1)


def radius_range(state: MapState, r_min: float | None, r_max: float | None):
    """(r_min, r_max) with the defaults filled in and r_max kept above r_min."""
    low = default_r_min(state) if r_min is None else float(r_min)
    high = DEFAULT_R_MAX_KM if r_max is None else float(r_max)
    return low, max(high, low)


def _global_key(state, null, simulations, seed, r_min, r_max) -> tuple:
    return ("global", _key(state), null, simulations, seed, *radius_range(state, r_min, r_max))


def _others_key(state, null, simulations, seed, r_min, r_max) -> tuple:
    return ("others", _key(state), null, affordable_simulations(state, simulations), seed,
            *radius_range(state, r_min, r_max))


def global_result(state: MapState, null: str, simulations: int, seed: int,
                  r_min: float | None = None, r_max: float | None = None, progress=None):
    """The global envelope test over radii, from the same simulations as :func:`test`."""
    simulated = _simulated(state, null, simulations, seed, progress)
    if simulated is None:
        return None
    low, high = radius_range(state, r_min, r_max)
    return _RESULTS.get(_global_key(state, null, simulations, seed, r_min, r_max),
                        lambda: global_test(simulated, low, high), weight=4 * 300 * 8)


def robustness_panel(state: MapState, null: str, simulations: int, seed: int,
                     r_min: float | None = None, r_max: float | None = None, progress=None):
    """Every scenario of :func:`analysis.robustness.robustness` for these choices (cached)."""
    simulations = affordable_simulations(state, simulations)
    low, high = radius_range(state, r_min, r_max)

    def compute():
        facilities, everything = analysis_frames(state, with_at_facility=True)
        if facilities.empty or everything.empty:
            return None
        return robustness(facilities, everything, null=null, simulations=simulations,
                          rng=seed, boundary=working_frames()["venezuela"], r_min_km=low,
                          r_max_km=high, include_at_facility=state.include_at_facility,
                          progress=progress)

    return _RESULTS.get(("panel", _key(state), null, simulations, seed, low, high),
                        compute, weight=10_000)


def other_nulls(state: MapState, null: str, simulations: int, seed: int,
                r_min: float | None = None, r_max: float | None = None) -> dict:
    """{null: global p} for the other null models: the same numbers as the panel's rows
    (the chosen one is :func:`global_result`, already computed)."""
    def compute():
        facilities, everything = analysis_frames(state, with_at_facility=True)
        if facilities.empty or everything.empty:
            return {}
        low, high = radius_range(state, r_min, r_max)
        return other_nulls_global(
            facilities, everything, null=null,
            simulations=affordable_simulations(state, simulations), seed=seed,
            boundary=working_frames()["venezuela"], r_min_km=low, r_max_km=high,
            include_at_facility=state.include_at_facility)

    return _RESULTS.get(_others_key(state, null, simulations, seed, r_min, r_max), compute,
                        weight=10)


def headline_text(state: MapState, null: str, simulations: int, seed: int,
                  r_min: float | None = None, r_max: float | None = None,
                  short: bool = False) -> str | None:
    """The sentence for the Map page, the screenshot title box and the methodology box
    (``short``: the same facts in fewer words, for a figure's credit line)."""
    result = test(state, null, simulations, seed)
    if result is None:
        return None
    with st.spinner(_("Running the global test over all radii…")):
        found = global_result(state, null, simulations, seed, r_min, r_max)
        others = other_nulls(state, null, simulations, seed, r_min, r_max)
    return headline_from(_simulated(state, null, simulations, seed), state.radius_km, found,
                         others, include_at_facility=state.include_at_facility,
                         target=target_phrase(state.facility_categories), short=short)


def headline_ready(state: MapState, null: str, simulations: int, seed: int,
                   r_min: float | None = None, r_max: float | None = None) -> bool:
    """Whether :func:`headline_text` would only read cached results (then a page can show
    it at once; otherwise it may draw faster parts first)."""
    return all(key(state, null, simulations, seed, r_min, r_max) in _RESULTS.items
               for key in (_global_key, _others_key))


def is_weak(null: str) -> bool:
    """A null whose results are never shown in bold (see analysis.wording.WEAK_NULLS)."""
    return null in WEAK_NULLS
