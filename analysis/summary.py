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


#: The robustness options that run only the base scenarios (no jitter, nobody left out,
#: the chosen handling of at-facility sightings): enough for the headline's other nulls.
BASE_SCENARIOS = dict(jitter_repeats=0, leave_one_out=False, both_choices=False)


def other_nulls_global(facilities, sightings, *, null: str, simulations: int, seed,
                       boundary, r_min_km: float, r_max_km: float,
                       include_at_facility: bool = False) -> dict[str, float]:
    """{null: global p} for every null model but ``null``, with every sighting and no
    jitter: the same numbers (same random streams) as those rows of the robustness panel."""
    return robustness(facilities, sightings, null=null, simulations=simulations, rng=seed,
                      boundary=boundary, r_min_km=r_min_km, r_max_km=r_max_km,
                      include_at_facility=include_at_facility,
                      nulls=[name for name in NULL_MODELS if name != null],
                      **BASE_SCENARIOS).global_by_null()


def headline_from(simulated, radius_km: float, found: GlobalResult | None, others,
                  *, include_at_facility: bool = False,
                  target: str = "a Russian-financed asset", short: bool = False,
                  spread: tuple[float, float] | None = None) -> str:
    """The headline for one simulated null (:class:`analysis.stats.SimulatedNull`): the
    count at ``radius_km``, the global result ``found`` (None: the count alone), the
    single-radius spread and the other nulls' global p (``others``)."""
    result = simulated.evaluate(float(radius_km))
    if spread is None:
        spread = single_radius_spread(simulated, ROBUSTNESS_RADII_KM)
    return headline(observed_within=result.observed_within, n_sightings=result.n_sightings,
                    radius_km=float(radius_km), null=simulated.model.name,
                    global_p=found.p_value if found else None,
                    r_min_km=found.r_min_km if found else None,
                    r_max_km=found.r_max_km if found else None, single_radius_p=spread,
                    independent=not include_at_facility, target=target,
                    other_nulls=others, short=short, simulations=result.simulations)


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
    low = r_min_from_precision(facilities, counted) if r_min_km is None else r_min_km
    found = global_test(simulated, low, max(r_max_km, low))
    spread = single_radius_spread(simulated, ROBUSTNESS_RADII_KM)
    others = other_nulls_global(facilities, sightings, null=null, simulations=simulations,
                                seed=seed, boundary=boundary, r_min_km=found.r_min_km,
                                r_max_km=found.r_max_km,
                                include_at_facility=include_at_facility)
    others[null] = found.p_value
    words = dict(include_at_facility=include_at_facility, target=target, spread=spread)
    return Headline(simulated.evaluate(float(radius_km)), found, spread, others,
                    headline_from(simulated, radius_km, found, others, **words),
                    headline_from(simulated, radius_km, found, others, short=True, **words))
