"""The test across the choices a sceptical editor would try, each with its count and p.

Scenarios
---------
* every null model in :data:`analysis.nulls.NULL_MODELS` (the uniform one only with a
  boundary);
* radii :data:`ROBUSTNESS_RADII_KM` and the global envelope test over all radii from r_min to
  r_max (:mod:`analysis.envelope`);
* the stated locations, and the same with every location moved at random within its
  ``location_precision_km`` (:data:`JITTER_REPEATS` times; the row gives the median p and the
  range);
* all counted sightings, and each one left out in turn (which sighting carries the result);
* sightings placed at a facility by construction (``placement`` = ``at_facility``) left out,
  and put back in.

The summary of one choice of the last item gives the smallest and largest p over its
scenarios and how many stay below 0.05.

Random draws: the scenario with the chosen null, every sighting and no jitter uses ``seed``
itself, so its numbers equal the single-radius and global tests run with that seed; every
other scenario draws from its own stream derived from ``seed`` and the scenario (so one
scenario does not change when another is added). The same seed gives the same panel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .envelope import DEFAULT_R_MAX_KM, global_p_value
from .io import placed_at_facility, union_boundary
from .nulls import NULL_MODELS, get_null_model, sample_size_problem
from .prepare import Progress, _geometries, _notify, facility_index, sighting_coordinates
from .stats import (
    SimulatedNull,
    _simulate,
    jitter_places,
    jitter_precision_km,
    p_value_at_least,
    seed_of,
)
from .wording import WEAK_NULLS

ROBUSTNESS_RADII_KM = (10.0, 25.0, 50.0, 100.0, 200.0)
JITTER_REPEATS = 10
JITTER_SIMULATIONS = 999
GLOBAL = "global"
#: Leave-one-out runs one simulation per sighting: beyond this many sightings it is skipped.
MAX_LEAVE_ONE_OUT = 30


@dataclass(frozen=True)
class Scenario:
    """One row of the panel. ``radius_km`` is a number or ``"global"``."""

    null: str
    radius_km: float | str
    jitter: bool
    left_out: str | None
    at_facility_included: bool
    n_sightings: int
    observed_within: int | None
    p_value: float
    p_value_low: float | None = None
    p_value_high: float | None = None
    simulations: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def single_radius_spread(simulated_null, radii_km=ROBUSTNESS_RADII_KM) -> tuple[float, float]:
    """(min, max) single-radius p over ``radii_km``, from one simulated null (cheap)."""
    p = [simulated_null.evaluate(float(r)).p_value for r in radii_km]
    return float(min(p)), float(max(p))


def summarise(scenarios) -> dict:
    """p_min, p_max, below_0_05 and scenarios (the count) over ``scenarios``.

    >>> rows = [Scenario("towns", 50.0, False, None, False, 3, 2, 0.04),
    ...         Scenario("towns", GLOBAL, False, None, False, 3, None, 0.2)]
    >>> summarise(rows)
    {'p_min': 0.04, 'p_max': 0.2, 'below_0_05': 1, 'scenarios': 2}
    """
    p = [s.p_value for s in scenarios]
    if not p:
        return {"p_min": None, "p_max": None, "below_0_05": 0, "scenarios": 0}
    return {"p_min": float(min(p)), "p_max": float(max(p)),
            "below_0_05": int(sum(v < 0.05 for v in p)), "scenarios": len(p)}


@dataclass(frozen=True)
class RobustnessResult:
    """Every scenario, and the summaries; ``to_dict()`` is the command line's JSON."""

    scenarios: tuple[Scenario, ...]
    include_at_facility: bool
    null: str
    simulations: int
    seed: int | None
    r_min_km: float
    r_max_km: float
    jitter_repeats: int
    jitter_simulations: int
    skipped: tuple[str, ...] = ()

    def rows(self, at_facility_included: bool | None = None) -> list[Scenario]:
        """Scenarios for one choice about at-facility sightings (default: the chosen one)."""
        chosen = self.include_at_facility if at_facility_included is None \
            else at_facility_included
        return [s for s in self.scenarios if s.at_facility_included == chosen]

    @property
    def has_at_facility(self) -> bool:
        return any(s.at_facility_included != self.include_at_facility for s in self.scenarios)

    def summary(self, at_facility_included: bool | None = None) -> dict:
        return summarise(self.rows(at_facility_included))

    def summary_without_weak_nulls(self, at_facility_included: bool | None = None) -> dict:
        """:meth:`summary` without the null models that are weak comparisons (uniform)."""
        return summarise([s for s in self.rows(at_facility_included)
                          if s.null not in WEAK_NULLS])

    def jitter_extremes(self, at_facility_included: bool | None = None):
        """(lowest, highest) p of any single jittered repeat, or None without jitter rows."""
        rows = [s for s in self.rows(at_facility_included) if s.jitter
                and s.p_value_low is not None]
        if not rows:
            return None
        return (min(s.p_value_low for s in rows), max(s.p_value_high for s in rows))

    def base(self, radius_km, at_facility_included: bool | None = None) -> Scenario | None:
        """The scenario with the chosen null, no jitter and nobody left out."""
        for s in self.rows(at_facility_included):
            if (s.null == self.null and not s.jitter and s.left_out is None
                    and s.radius_km == radius_km):
                return s
        return None

    def global_by_null(self, at_facility_included: bool | None = None) -> dict[str, float]:
        """{null: global p} with every sighting and no jitter."""
        return {s.null: s.p_value for s in self.rows(at_facility_included)
                if s.radius_km == GLOBAL and not s.jitter and s.left_out is None}

    def single_radius_range(self, at_facility_included: bool | None = None):
        """(min, max) p over the single radii, chosen null, no jitter, nobody left out."""
        p = [s.p_value for s in self.rows(at_facility_included)
             if s.null == self.null and not s.jitter and s.left_out is None
             and s.radius_km != GLOBAL]
        return (min(p), max(p)) if p else None

    def to_dict(self) -> dict:
        out = {
            "robustness": [s.to_dict() for s in self.scenarios],
            "summary": self.summary(),
            "settings": {
                "null": self.null,
                "simulations": self.simulations,
                "seed": self.seed,
                "radii_km": list(ROBUSTNESS_RADII_KM),
                "r_min_km": self.r_min_km,
                "r_max_km": self.r_max_km,
                "jitter_repeats": self.jitter_repeats,
                "jitter_simulations": self.jitter_simulations,
                "include_at_facility": self.include_at_facility,
                "jitter_p_value": "median over the jittered repeats (p_value_low, "
                                  "p_value_high: their range)",
            },
            "skipped": list(self.skipped),
            "summary_without_weak_nulls": self.summary_without_weak_nulls(),
        }
        extremes = self.jitter_extremes()
        if extremes:
            out["jitter_single_repeat_p_range"] = list(extremes)
        if self.has_at_facility:
            out["summary_other_at_facility_choice"] = self.summary(not self.include_at_facility)
        return out


def _stream(seed, *codes) -> np.random.Generator:
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng(np.random.SeedSequence([int(seed), *codes]))


def _rows_for(model, index, lon, lat, simulated, radii, r_min, r_max, seed, common):
    """Scenarios for one simulated null: each radius, then the global test."""
    observed_km = index.nearest(lon, lat)[1]
    out = []
    for radius in radii:
        k_obs = int(np.count_nonzero(observed_km <= radius))
        k_sim = np.count_nonzero(simulated <= radius, axis=1)
        out.append(Scenario(radius_km=float(radius), observed_within=k_obs,
                            p_value=p_value_at_least(k_obs, k_sim), **common))
    simulated_null = SimulatedNull(model, index, lon, lat, simulated, seed)
    out.append(Scenario(radius_km=GLOBAL, observed_within=None,
                        p_value=global_p_value(simulated_null, r_min, r_max), **common))
    return out


def robustness(
    facilities,
    sightings,
    *,
    null: str = "towns",
    simulations: int = 9999,
    rng: int | None = None,
    boundary=None,
    r_min_km: float = 1,
    r_max_km: float = DEFAULT_R_MAX_KM,
    include_at_facility: bool = False,
    radii_km=ROBUSTNESS_RADII_KM,
    jitter_repeats: int = JITTER_REPEATS,
    jitter_simulations: int = JITTER_SIMULATIONS,
    leave_one_out: bool = True,
    both_choices: bool = True,
    nulls=None,
    progress: Progress = None,
) -> RobustnessResult:
    """Run every scenario (see the module docstring) and return the panel.

    Parameters
    ----------
    facilities : GeoDataFrame of the counted facilities
    sightings : GeoDataFrame of the counted sightings, *including* any placed at a facility
        (``placement`` = ``at_facility``): both choices are shown.
    null : the chosen null model (its base scenario uses ``rng`` itself)
    rng : int seed or None
    include_at_facility : the chosen handling of at-facility sightings (for ``summary``)
    leave_one_out, both_choices : False skips those scenarios (``jitter_repeats=0`` skips
        jitter): a quick panel of the base scenarios, with the same numbers as in the full one.
    nulls : names of the null models to run (default: all); the numbers do not change.

    Examples
    --------
    >>> import geopandas as gpd
    >>> facilities = gpd.GeoDataFrame(geometry=gpd.points_from_xy([-66.9, -71.6],
    ...                               [10.5, 10.6]), crs=4326)
    >>> sightings = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=gpd.points_from_xy(
    ...                              [-66.91, -71.62], [10.5, 10.62]), crs=4326)
    >>> panel = robustness(facilities, sightings, simulations=199, rng=1, jitter_repeats=2,
    ...                    jitter_simulations=99, r_min_km=5)
    >>> panel.summary()["scenarios"], sorted({s.null for s in panel.scenarios})
    (48, ['towns', 'towns_weighted'])
    """
    get_null_model(null)
    if rng is not None and not isinstance(rng, int | np.integer):
        raise ValueError("rng should be an integer seed or None")
    try:
        region = union_boundary(boundary) if boundary is not None else None
    except ValueError:  # an empty boundary: its file is missing or unreadable
        region = None
    # Stream codes use each model's position in NULL_MODELS, so a subset (``nulls``) gives
    # the same numbers as the full panel.
    models = [(code, m) for code, m in enumerate(NULL_MODELS.values())
              if (region is not None or not m.needs_boundary)
              and (nulls is None or m.name in nulls)]
    skipped = [] if region is not None else ["uniform null: no boundary given"]
    variants = [include_at_facility]
    if both_choices and placed_at_facility(sightings).any():
        variants.append(not include_at_facility)
    facility_geometries = _geometries(facilities, "facilities")
    index = facility_index(facilities)
    facility_precision = jitter_precision_km(facilities, "facilities")
    ids = (sightings["id"].astype(str).tolist() if "id" in sightings
           else [str(i) for i in range(len(sightings))])
    scenarios: list[Scenario] = []
    jobs = []
    at_facility = placed_at_facility(sightings).to_numpy()
    for v, included in enumerate(variants):
        # Positions in ``sightings`` of the counted rows (ids may repeat or be missing).
        keep = [int(i) for i in np.flatnonzero(np.ones(len(sightings), bool) if included
                                               else ~at_facility)]
        for m, model in models:
            jobs.append((v, included, m, model, keep))
    total = len(jobs)
    lon_all, lat_all = sighting_coordinates(sightings)
    sighting_precision = jitter_precision_km(sightings, "sightings")
    for done, (v, included, m, model, keep) in enumerate(jobs):
        if not keep:
            note = ("counting" if included else "leaving out") + " sightings placed at a " \
                "facility: no sighting left to count"
            if note not in skipped:
                skipped.append(note)
            continue
        problem = sample_size_problem(model.name, len(keep))
        if problem:
            skipped.append(f"{model.name}: {problem}")
            continue
        # Every sighting, then each left out in turn.
        loo = leave_one_out and 1 < len(keep) <= MAX_LEAVE_ONE_OUT
        if leave_one_out and len(keep) > MAX_LEAVE_ONE_OUT:
            skipped.append(f"{model.name}: leave-one-out with {len(keep)} sightings (more "
                           f"than {MAX_LEAVE_ONE_OUT}: one sighting alone cannot carry it)")
        elif leave_one_out and len(keep) == 1:
            skipped.append(f"{model.name}: leave-one-out (only one sighting is counted)")
        for left, drop in enumerate([None, *keep] if loo else [None]):
            rows = [i for i in keep if i != drop]
            if not rows:
                continue
            base = drop is None and model.name == null and included == include_at_facility
            generator = np.random.default_rng(rng) if base else _stream(rng, v, m, left, 0)
            simulated = _simulate(model, index, len(rows), simulations, generator, region,
                                  None)
            common = dict(null=model.name, jitter=False,
                          left_out=None if drop is None else ids[drop],
                          at_facility_included=included, n_sightings=len(rows),
                          simulations=int(simulations))
            scenarios += _rows_for(model, index, lon_all[rows], lat_all[rows], simulated,
                                   radii_km, r_min_km, r_max_km, seed_of(rng), common)
        scenarios += _jittered(model, facility_geometries, facility_precision,
                               lon_all[keep], lat_all[keep], sighting_precision[keep],
                               region, radii_km, r_min_km, r_max_km, jitter_repeats,
                               jitter_simulations, _stream(rng, v, m, 0, 1),
                               dict(null=model.name, jitter=True, left_out=None,
                                    at_facility_included=included, n_sightings=len(keep),
                                    simulations=int(jitter_simulations)))
        _notify(progress, (done + 1) / total)
    return RobustnessResult(
        scenarios=tuple(scenarios), include_at_facility=bool(include_at_facility), null=null,
        simulations=int(simulations), seed=seed_of(rng), r_min_km=float(r_min_km),
        r_max_km=float(r_max_km), jitter_repeats=int(jitter_repeats),
        jitter_simulations=int(jitter_simulations), skipped=tuple(skipped),
    )


def _jittered(model, geometries, facility_precision, lon, lat, sighting_precision, region,
              radii, r_min, r_max, repeats, simulations, generator, common):
    """Rows with locations moved within their precision: median p, and its range."""
    if repeats < 1:
        return []
    per_repeat = []
    for _ in range(repeats):
        moved_lon, moved_lat, index = jitter_places(lon, lat, sighting_precision, geometries,
                                                    facility_precision, generator)
        simulated = _simulate(model, index, lon.size, simulations, generator, region, None)
        per_repeat.append(_rows_for(model, index, moved_lon, moved_lat, simulated, radii,
                                    r_min, r_max, None, common))
    out = []
    for column in range(len(per_repeat[0])):
        rows = [repeat[column] for repeat in per_repeat]
        p = np.array([r.p_value for r in rows])
        within = [r.observed_within for r in rows]
        out.append(Scenario(
            radius_km=rows[0].radius_km,
            observed_within=None if within[0] is None else int(round(float(np.median(within)))),
            p_value=round(float(np.median(p)), 12), p_value_low=float(p.min()),
            p_value_high=float(p.max()), **common,
        ))
    return out
