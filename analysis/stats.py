"""Monte Carlo test: are the sightings closer to the facilities than chance would put them?

The statistic
-------------
K(r) is the number of sightings with at least one facility within r km (geodesic, WGS84).
Because "at least one facility within r" is the same as "nearest facility within r", K(r) and
the mean nearest-facility distance are both computed from each place's nearest-facility
distance.

The null model and the p-value
------------------------------
A null model (:data:`analysis.nulls.NULL_MODELS`) says where n sightings would be if they had
nothing to do with the facilities. It is simulated N times. Counting the observed set as one
more draw (so p is never 0),

    p = (1 + number of simulations with K_sim >= K_obs) / (N + 1)

and for the mean nearest-facility distance, where smaller is more extreme,

    p = (1 + number of simulations with mean_sim <= mean_obs) / (N + 1).

With few sightings even the most extreme outcome (all n within r) can be common under the
null. The smallest p this test could give is, in expectation,
(1 + N * P_null(K = n)) / (N + 1); results report it and say so when it is >= 0.05.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from .geodesic import destination, random_offsets, translate
from .io import union_boundary
from .nearest import GeodesicIndex
from .nulls import NullModel, get_null_model
from .prepare import Progress, _geometries, _notify, facility_index, sighting_coordinates
from .settings import UNKNOWN_PRECISION_KM, check_radius_km
from .wording import count_of, format_p, p_equals, plural

CHUNK_SIMULATIONS = 1_000
DEFAULT_SWEEP_RADII_KM = tuple(float(r) for r in range(1, 301))


# -- small pure helpers -------------------------------------------------------------------
def as_generator(rng=None) -> np.random.Generator:
    """A numpy Generator from a seed (int), a Generator, or None (fresh entropy); SPEC 7.

    Examples
    --------
    >>> bool(as_generator(42).integers(100) == as_generator(42).integers(100))
    True
    """
    return np.random.default_rng(rng)


def seed_of(rng) -> int | None:
    """The integer seed if ``rng`` is one, else None (used in reports).

    Examples
    --------
    >>> seed_of(7), seed_of(None)
    (7, None)
    """
    return int(rng) if isinstance(rng, int | np.integer) and not isinstance(rng, bool) else None


def p_value_at_least(observed: float, simulated) -> float:
    """Monte Carlo p-value when larger is more extreme: (1 + #{sim >= obs}) / (N + 1).

    Examples
    --------
    >>> p_value_at_least(3, [0, 1, 3, 4])
    0.6
    >>> p_value_at_least(5, [0, 1, 3, 4])
    0.2
    """
    simulated = np.asarray(simulated)
    return float((1 + np.count_nonzero(simulated >= observed)) / (simulated.size + 1))


def p_value_at_most(observed: float, simulated) -> float:
    """Monte Carlo p-value when smaller is more extreme: (1 + #{sim <= obs}) / (N + 1).

    Examples
    --------
    >>> p_value_at_most(2.0, [1.0, 2.0, 3.0, 4.0])
    0.6
    """
    simulated = np.asarray(simulated)
    return float((1 + np.count_nonzero(simulated <= observed)) / (simulated.size + 1))


def counts_within(distances_km, radii_km) -> np.ndarray:
    """(rows, len(radii)) counts of entries per row with distance <= each radius.

    Examples
    --------
    >>> counts_within([[1.0, 5.0], [2.0, 9.0]], [1.0, 5.0, 10.0]).tolist()
    [[1, 2, 2], [0, 1, 2]]
    """
    distances_km = np.atleast_2d(np.asarray(distances_km, dtype=float))
    radii_km = np.asarray(radii_km, dtype=float)
    if np.any(np.diff(radii_km) < 0):
        raise ValueError("radii_km should be sorted in increasing order")
    rows, _ = distances_km.shape
    bins = radii_km.size + 1
    first = np.searchsorted(radii_km, distances_km, side="left")  # first radius >= distance
    flat = (np.arange(rows)[:, None] * bins + first).ravel()
    histogram = np.bincount(flat, minlength=rows * bins).reshape(rows, bins)
    return np.cumsum(histogram, axis=1)[:, :-1]


def _boundary(model: NullModel, boundary):
    if not model.needs_boundary:
        return None  # not even read: a missing boundary file does not stop the towns nulls
    if boundary is None:
        if model.needs_boundary:
            raise ValueError(f"the {model.name!r} null model needs boundary=... (a polygon)")
        return None
    return union_boundary(boundary)


def _simulate(model, index, n, simulations, rng, boundary, progress) -> np.ndarray:
    """(simulations, n) nearest-facility distances under the null, in fixed-size chunks so
    the result does not depend on whether progress is reported."""
    if not isinstance(simulations, int | np.integer) or simulations < 1:
        raise ValueError(f"simulations should be a positive integer, got {simulations!r}")
    parts = []
    for start in range(0, simulations, CHUNK_SIMULATIONS):
        size = min(CHUNK_SIMULATIONS, simulations - start)
        parts.append(model.simulate(index, n, size, rng, boundary))
        _notify(progress, (start + size) / simulations)
    return np.concatenate(parts, axis=0)


# -- results ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TestResult:
    """Result of :func:`proximity_test`; ``to_dict()`` gives stable JSON-able keys."""

    __test__ = False  # not a pytest test class

    radius_km: float
    null: str
    null_label: str
    null_description: str
    simulations: int
    seed: int | None
    n_sightings: int
    n_facilities: int
    observed_within: int
    null_mean_within: float
    null_within_low: float
    null_within_high: float
    p_value: float
    mean_nearest_distance_km: float
    null_mean_nearest_distance_km: float
    p_value_mean_distance: float
    min_achievable_p_value: float
    can_reach_0_05: bool
    statement: str
    null_within_distribution: tuple[int, ...] = field(default=())
    p_value_formula: str = "(1 + #{K_sim >= K_obs}) / (N + 1)"

    def to_dict(self) -> dict:
        out = asdict(self)
        out["null_within_distribution"] = list(self.null_within_distribution)
        return out


@dataclass(frozen=True)
class SweepResult:
    """Result of :func:`radius_sweep`: one row per radius; ``to_frame()`` / ``to_dict()``."""

    null: str
    simulations: int
    seed: int | None
    n_sightings: int
    radius_km: tuple[float, ...]
    observed_fraction: tuple[float, ...]
    null_mean_fraction: tuple[float, ...]
    null_low_fraction: tuple[float, ...]
    null_high_fraction: tuple[float, ...]
    p_value: tuple[float, ...]

    _COLUMNS = (
        "radius_km", "observed_fraction", "null_mean_fraction", "null_low_fraction",
        "null_high_fraction", "p_value",
    )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: list(getattr(self, name)) for name in self._COLUMNS})

    def to_dict(self) -> dict:
        return {
            "null": self.null,
            "simulations": self.simulations,
            "seed": self.seed,
            "n_sightings": self.n_sightings,
            "envelope": "2.5% and 97.5% quantiles of K_sim(r) / n",
            "rows": self.to_frame().to_dict("records"),
        }


@dataclass(frozen=True)
class UncertaintyResult:
    """Result of :func:`location_uncertainty`: ranges of K and p over jittered repeats."""

    radius_km: float
    null: str
    simulations: int
    repeats: int
    seed: int | None
    observed_within_min: int
    observed_within_max: int
    p_value_min: float
    p_value_max: float
    p_value_mean_distance_min: float
    p_value_mean_distance_max: float
    observed_within: tuple[int, ...]
    p_values: tuple[float, ...]
    statement: str

    def to_dict(self) -> dict:
        out = asdict(self)
        out["observed_within"] = list(self.observed_within)
        out["p_values"] = list(self.p_values)
        return out


# -- the test -----------------------------------------------------------------------------
def _statement(model, k_obs, n, radius_km, simulations, at_least, p, p_min) -> str:
    share = at_least / simulations
    text = (
        f"{count_of(k_obs, n)} within {radius_km:g} km of a facility. "
        f"In {simulations:,} simulations where {model.in_a_sentence}, {at_least:,} "
        f"({share:.1%}) had at least as many, so {p_equals(p)}."
    )
    if p_min >= 0.05:
        text += (
            f" With {plural(n, 'sighting')} and this null model no outcome could give "
            "p < 0.05: even "
            f"if every sighting were within {radius_km:g} km, p would be about {format_p(p_min)}."
        )
    return text


def _evaluate(model, index, lon, lat, radius_km, simulated, seed) -> TestResult:
    n, simulations = lon.size, simulated.shape[0]
    observed_km = index.nearest(lon, lat)[1]
    k_obs = int(np.count_nonzero(observed_km <= radius_km))
    k_sim = np.count_nonzero(simulated <= radius_km, axis=1)
    mean_obs = float(observed_km.mean())
    mean_sim = simulated.mean(axis=1)
    p = p_value_at_least(k_obs, k_sim)
    if model.prob_all_within is not None:
        prob_all = model.prob_all_within(index, n, radius_km)
    else:
        prob_all = float(np.mean(k_sim == n))
    p_min = (1 + simulations * prob_all) / (simulations + 1)
    at_least = int(np.count_nonzero(k_sim >= k_obs))
    low, high = np.quantile(k_sim, [0.025, 0.975])
    return TestResult(
        radius_km=float(radius_km),
        null=model.name,
        null_label=model.label,
        null_description=model.plain_words,
        simulations=int(simulations),
        seed=seed,
        n_sightings=int(n),
        n_facilities=int(index.size),
        observed_within=k_obs,
        null_mean_within=float(k_sim.mean()),
        null_within_low=float(low),
        null_within_high=float(high),
        p_value=p,
        mean_nearest_distance_km=mean_obs,
        null_mean_nearest_distance_km=float(mean_sim.mean()),
        p_value_mean_distance=p_value_at_most(mean_obs, mean_sim),
        min_achievable_p_value=float(p_min),
        can_reach_0_05=bool(p_min < 0.05),
        statement=_statement(model, k_obs, n, radius_km, simulations, at_least, p, p_min),
        null_within_distribution=tuple(int(c) for c in np.bincount(k_sim, minlength=n + 1)),
    )


def proximity_test(
    facilities,
    sightings,
    radius_km: float,
    null: str = "towns",
    simulations: int = 9999,
    rng=None,
    boundary=None,
    progress: Progress = None,
) -> TestResult:
    """Test whether more sightings lie within radius_km of a facility than chance predicts.

    K = number of sightings whose nearest facility (geodesic, WGS84) is within radius_km.
    The null model ``null`` (see :data:`analysis.nulls.NULL_MODELS`) is simulated
    ``simulations`` times, and

        p = (1 + #{K_sim >= K_obs}) / (N + 1),
        p_mean_distance = (1 + #{mean_sim <= mean_obs}) / (N + 1).

    Parameters
    ----------
    facilities : GeoDataFrame or GeoSeries of any geometries (lon/lat or any CRS)
    sightings : GeoDataFrame or GeoSeries of points
    radius_km : float
    null : {"towns", "towns_weighted", "uniform"}
    simulations : int
    rng : int, numpy.random.Generator or None
        Seed or generator (SPEC 7). The same seed gives the same result.
    boundary : GeoDataFrame, GeoSeries or Polygon, optional
        Required by the "uniform" null (the country outline).
    progress : callable(fraction), optional

    Examples
    --------
    >>> import geopandas as gpd
    >>> facilities = gpd.GeoSeries.from_xy([-66.9, -71.6], [10.5, 10.6], crs=4326)
    >>> sightings = gpd.GeoSeries.from_xy([-66.91, -71.62], [10.5, 10.62], crs=4326)
    >>> result = proximity_test(facilities, sightings, 5.0, simulations=999, rng=1)
    >>> result.observed_within, result.p_value < 0.05
    (2, True)
    """
    _check_radius_value(radius_km)
    return simulate_null(facilities, sightings, null, simulations, rng, boundary,
                         progress).evaluate(radius_km)


def _check_radius_value(radius_km) -> None:
    """One rule for the app and the command line: :func:`analysis.settings.check_radius_km`."""
    if isinstance(radius_km, bool) or not isinstance(radius_km, int | float | np.number):
        raise ValueError(f"radius_km should be a number of km, got {radius_km!r}")
    check_radius_km(radius_km)


@dataclass(frozen=True, eq=False)
class SimulatedNull:
    """The null model simulated once: evaluate it at any radius without redrawing.

    The radius only enters when counting, so one simulation serves every radius; the app
    keeps one of these per choice of data, null and seed and evaluates it as the slider
    moves. ``simulate_null(...).evaluate(r)`` equals ``proximity_test(..., r)`` for the
    same arguments.
    """

    model: object
    index: object
    lon: np.ndarray
    lat: np.ndarray
    simulated: np.ndarray
    seed: int | None

    def evaluate(self, radius_km: float) -> TestResult:
        _check_radius_value(radius_km)
        return _evaluate(self.model, self.index, self.lon, self.lat, radius_km,
                         self.simulated, self.seed)


def simulate_null(facilities, sightings, null: str = "towns", simulations: int = 9999,
                  rng=None, boundary=None, progress: Progress = None) -> SimulatedNull:
    """Simulate ``null`` ``simulations`` times for these facilities and sightings.

    See :func:`proximity_test` for the parameters and the p-value.

    Examples
    --------
    >>> import geopandas as gpd
    >>> facilities = gpd.GeoSeries.from_xy([-66.9, -71.6], [10.5, 10.6], crs=4326)
    >>> sightings = gpd.GeoSeries.from_xy([-66.91, -71.62], [10.5, 10.62], crs=4326)
    >>> simulated = simulate_null(facilities, sightings, simulations=999, rng=1)
    >>> simulated.evaluate(5.0) == proximity_test(facilities, sightings, 5.0,
    ...                                           simulations=999, rng=1)
    True
    """
    model = get_null_model(null)
    index = facility_index(facilities)
    lon, lat = sighting_coordinates(sightings)
    region = _boundary(model, boundary)
    generator = as_generator(rng)
    simulated = _simulate(model, index, lon.size, simulations, generator, region, progress)
    return SimulatedNull(model, index, lon, lat, simulated, seed_of(rng))


def radius_sweep(
    facilities,
    sightings,
    radii_km=DEFAULT_SWEEP_RADII_KM,
    null: str = "towns",
    simulations: int = 9999,
    rng=None,
    boundary=None,
    progress: Progress = None,
) -> SweepResult:
    """K(r) / n over a grid of radii, with the null's mean and 2.5%-97.5% envelope.

    The same N simulated sets are used for every radius; p(r) = (1 + #{K_sim(r) >= K_obs(r)})
    / (N + 1) at each radius (these p-values are not corrected for looking at many radii).

    Examples
    --------
    >>> import geopandas as gpd
    >>> facilities = gpd.GeoSeries.from_xy([-66.9], [10.5], crs=4326)
    >>> sightings = gpd.GeoSeries.from_xy([-66.9, -64.0], [10.6, 10.4], crs=4326)
    >>> sweep = radius_sweep(facilities, sightings, [5, 20, 400], simulations=99, rng=0)
    >>> sweep.observed_fraction
    (0.0, 0.5, 1.0)
    """
    model = get_null_model(null)
    radii = np.asarray(radii_km, dtype=float)
    if radii.ndim != 1 or radii.size == 0 or not np.isfinite(radii).all() or (radii < 0).any():
        raise ValueError("radii_km should be a non-empty list of finite radii >= 0")
    radii = np.sort(radii)
    index = facility_index(facilities)
    lon, lat = sighting_coordinates(sightings)
    generator = as_generator(rng)
    simulated = _simulate(
        model, index, lon.size, simulations, generator, _boundary(model, boundary), progress
    )
    n = lon.size
    observed = counts_within(index.nearest(lon, lat)[1][None, :], radii)[0]
    histogram = _count_histogram(simulated, radii, n)
    low, high = (_quantile_from_histogram(histogram, q) for q in (0.025, 0.975))
    counts = np.arange(n + 1)
    mean = (histogram * counts[None, :]).sum(axis=1) / simulations
    at_least = np.cumsum(histogram[:, ::-1], axis=1)[:, ::-1]  # [r, k] = #{K_sim(r) >= k}
    p = (1 + at_least[np.arange(radii.size), observed]) / (simulations + 1)
    return SweepResult(
        null=model.name,
        simulations=int(simulations),
        seed=seed_of(rng),
        n_sightings=int(n),
        radius_km=tuple(float(r) for r in radii),
        observed_fraction=tuple(float(v) for v in observed / n),
        null_mean_fraction=tuple(float(v) for v in mean / n),
        null_low_fraction=tuple(float(v) for v in low / n),
        null_high_fraction=tuple(float(v) for v in high / n),
        p_value=tuple(float(v) for v in p),
    )


def _count_histogram(simulated, radii, n: int) -> np.ndarray:
    """(radii, n + 1) histogram: [r, k] = how many simulated sets have K(r) = k.

    Counted :data:`CHUNK_SIMULATIONS` sets at a time, so memory follows the number of radii
    and sightings, not the number of simulations.
    """
    histogram = np.zeros((radii.size, n + 1), dtype=np.int64)
    columns = np.arange(radii.size)[None, :] * (n + 1)
    for start in range(0, simulated.shape[0], CHUNK_SIMULATIONS):
        k = counts_within(simulated[start:start + CHUNK_SIMULATIONS], radii)
        histogram += np.bincount((k + columns).ravel(),
                                 minlength=radii.size * (n + 1)).reshape(radii.size, n + 1)
    return histogram


def _quantile_from_histogram(histogram, q: float) -> np.ndarray:
    """``np.quantile(k_sim, q, axis=0)`` (linear interpolation) from :func:`_count_histogram`.

    >>> k_sim = np.array([[0, 1], [2, 1], [1, 3], [3, 3]])
    >>> histogram = np.stack([np.bincount(k_sim[:, r], minlength=4) for r in range(2)])
    >>> bool((_quantile_from_histogram(histogram, 0.4) == np.quantile(k_sim, 0.4, 0)).all())
    True
    """
    total = int(histogram[0].sum())
    position = q * (total - 1)
    below = math.floor(position)
    weight = position - below
    above = min(below + 1, total - 1)
    cumulative = np.cumsum(histogram, axis=1)  # [r, k] = #{K_sim(r) <= k}
    at_below = np.array([np.searchsorted(row, below, side="right") for row in cumulative],
                        dtype=float)
    at_above = np.array([np.searchsorted(row, above, side="right") for row in cumulative],
                        dtype=float)
    difference = at_above - at_below  # as numpy's _lerp, exactly
    value = at_below + difference * weight
    return np.where(weight >= 0.5, at_above - difference * (1 - weight), value)


def _precision_km(frame, what: str, unknown_km: float = 0.0) -> np.ndarray:
    """Each row's ``location_precision_km``; ``unknown_km`` where it is missing or null.

    The location-uncertainty run passes :data:`analysis.settings.UNKNOWN_PRECISION_KM`
    (:func:`jitter_precision_km`), so an unknown precision is never treated as exact.
    """
    if not isinstance(frame, gpd.GeoDataFrame) or "location_precision_km" not in frame.columns:
        return np.full(len(frame), float(unknown_km))
    values = pd.to_numeric(frame["location_precision_km"], errors="coerce").to_numpy(float)
    values = np.where(np.isnan(values), float(unknown_km), values)
    if (values < 0).any() or not np.isfinite(values).all():
        raise ValueError(f"'{what}' has negative or infinite location_precision_km values")
    return values


def jitter_precision_km(frame, what: str) -> np.ndarray:
    """The precision each place is moved within by the location-uncertainty run: its stated
    ``location_precision_km``, else :data:`analysis.settings.UNKNOWN_PRECISION_KM` (25 km;
    the reason is given there and in README's limits).

    Examples
    --------
    >>> import geopandas as gpd
    >>> frame = gpd.GeoDataFrame({"location_precision_km": [2.0, None]},
    ...     geometry=gpd.points_from_xy([-66.9, -66.8], [10.5, 10.5]), crs=4326)
    >>> jitter_precision_km(frame, "sightings").tolist()
    [2.0, 25.0]
    """
    return _precision_km(frame, what, UNKNOWN_PRECISION_KM)


def jitter_places(lon, lat, sighting_precision, facility_geometries, facility_precision,
                  rng: np.random.Generator):
    """Sightings and facilities each moved to a random point (uniform by area) within their
    stated precision: (lon, lat, GeodesicIndex of the moved facilities).

    Sightings are drawn first, then facilities, from ``rng``; lines and polygons move as a
    whole.
    """
    az, dist = random_offsets(sighting_precision, lon.size, rng)
    moved_lon, moved_lat = destination(lon, lat, az, dist)
    az, dist = random_offsets(facility_precision, facility_geometries.size, rng)
    index = GeodesicIndex([translate(g, a, d)
                           for g, a, d in zip(facility_geometries, az, dist, strict=True)])
    return moved_lon, moved_lat, index


def location_uncertainty(
    facilities,
    sightings,
    radius_km: float,
    null: str = "towns",
    simulations: int = 999,
    repeats: int = 100,
    rng=None,
    boundary=None,
    progress: Progress = None,
) -> UncertaintyResult:
    """Re-run the test with every location moved at random within its stated precision.

    Each repeat moves each sighting and facility to a point uniform by area in a geodesic
    disc of radius ``location_precision_km`` (missing or null means unknown, never exact:
    :data:`analysis.settings.UNKNOWN_PRECISION_KM`, 25 km; lines and polygons move as a
    whole), then runs :func:`proximity_test` with
    ``simulations`` draws. Reports the min and max of K and of p over ``repeats`` repeats.

    Examples
    --------
    >>> import geopandas as gpd
    >>> facilities = gpd.GeoDataFrame({"location_precision_km": [2.0]},
    ...     geometry=gpd.points_from_xy([-66.9], [10.5]), crs=4326)
    >>> sightings = gpd.GeoDataFrame({"location_precision_km": [0.0]},
    ...     geometry=gpd.points_from_xy([-66.9], [10.51]), crs=4326)
    >>> result = location_uncertainty(facilities, sightings, 5.0, simulations=99, repeats=5,
    ...                               rng=0)
    >>> result.observed_within_min, result.observed_within_max
    (1, 1)
    """
    model = get_null_model(null)
    if not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats should be a positive integer, got {repeats!r}")
    facility_geometries = _geometries(facilities, "facilities")
    lon, lat = sighting_coordinates(sightings)
    facility_precision = jitter_precision_km(facilities, "facilities")
    sighting_precision = jitter_precision_km(sightings, "sightings")
    region = _boundary(model, boundary)
    generator = as_generator(rng)
    results = []
    for repeat in range(repeats):
        jittered_lon, jittered_lat, index = jitter_places(
            lon, lat, sighting_precision, facility_geometries, facility_precision, generator)
        simulated = _simulate(model, index, lon.size, simulations, generator, region, None)
        results.append(
            _evaluate(model, index, jittered_lon, jittered_lat, radius_km, simulated, None)
        )
        _notify(progress, (repeat + 1) / repeats)
    k = [r.observed_within for r in results]
    p = [r.p_value for r in results]
    p_mean = [r.p_value_mean_distance for r in results]
    statement = (
        f"Moving every location at random within its stated precision ({repeats} times), "
        + (f"{count_of(min(k), lon.size)}" if min(k) == max(k) else
           f"between {min(k)} and {max(k)} of {plural(lon.size, 'sighting')} lie")
        + f" within {radius_km:g} km of a facility, and p ranges from {format_p(min(p))} to "
        f"{format_p(max(p))}."
    )
    return UncertaintyResult(
        radius_km=float(radius_km),
        null=model.name,
        simulations=int(simulations),
        repeats=int(repeats),
        seed=seed_of(rng),
        observed_within_min=int(min(k)),
        observed_within_max=int(max(k)),
        p_value_min=float(min(p)),
        p_value_max=float(max(p)),
        p_value_mean_distance_min=float(min(p_mean)),
        p_value_mean_distance_max=float(max(p_mean)),
        observed_within=tuple(int(v) for v in k),
        p_values=tuple(float(v) for v in p),
        statement=statement,
    )
