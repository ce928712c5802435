"""The headline of a run in one call: the test at one radius, the global test, the spread.

Used by the figure export and the command line so that the credit line, the methodology box
and the JSON say the same thing as the app for the same data, choices and seed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .envelope import DEFAULT_R_MAX_KM, GlobalResult, global_test, r_min_from_precision
from .io import counted_sightings
from .nulls import NULL_MODELS
from .robustness import ROBUSTNESS_RADII_KM, robustness, single_radius_spread
from .stats import TestResult, simulate_null
from .wording import headline


@dataclass(frozen=True)
class Headline:
    """The single-radius result, the global result and the sentence that states them."""

    result: TestResult
    global_result: GlobalResult
    single_radius_p: tuple[float, float]
    other_nulls: dict
    text: str
    short: str  # for a figure's credit line


def headline_for(facilities, sightings, *, radius_km: float, null: str = "towns",
                 simulations: int = 9999, seed: int | None = None, boundary=None,
                 include_at_facility: bool = False, r_min_km: float | None = None,
                 r_max_km: float = DEFAULT_R_MAX_KM,
                 target: str = "a Russian-financed asset") -> Headline | None:
    """Run the test and the global test and write the headline (None: nothing counted).

    ``sightings`` may include sightings placed at a facility; they are counted only with
    ``include_at_facility``. The other null models' global p come from the same streams as
    the robustness panel's rows (:func:`analysis.robustness.robustness`).
    """
    counted = counted_sightings(sightings, include_at_facility)
    if len(facilities) == 0 or len(counted) == 0:
        return None
    simulated = simulate_null(facilities, counted, null, simulations, seed, boundary)
    result = simulated.evaluate(float(radius_km))
    low = r_min_from_precision(facilities, counted) if r_min_km is None else r_min_km
    found = global_test(simulated, low, max(r_max_km, low))
    spread = single_radius_spread(simulated, ROBUSTNESS_RADII_KM)
    others = robustness(facilities, sightings, null=null, simulations=simulations, rng=seed,
                        boundary=boundary, r_min_km=found.r_min_km, r_max_km=found.r_max_km,
                        include_at_facility=include_at_facility, jitter_repeats=0,
                        leave_one_out=False, both_choices=False,
                        nulls=[name for name in NULL_MODELS if name != null]).global_by_null()
    others[null] = found.p_value
    words = dict(observed_within=result.observed_within, n_sightings=result.n_sightings,
                 radius_km=float(radius_km), null=null, global_p=found.p_value,
                 r_min_km=found.r_min_km, r_max_km=found.r_max_km, single_radius_p=spread,
                 independent=not include_at_facility, target=target, other_nulls=others,
                 simulations=result.simulations)
    return Headline(result, found, spread, others, headline(**words),
                    headline(**words, short=True))
