"""Global envelope test over radii: no radius has to be chosen by anyone.

The curve
---------
K(r) is the number of counted sightings with a counted facility within r km (geodesic,
WGS84), for every integer r from ``r_min_km`` to ``r_max_km``. The observed curve is compared
with N curves simulated under a null model (:mod:`analysis.nulls`), all from the same N
simulated sets of places that the single-radius test uses.

Extreme rank length (ERL) ordering
----------------------------------
Myllymäki, Mrkvička, Grabarnik, Seijo and Hahn (2017), "Global envelope tests for spatial
processes", Journal of the Royal Statistical Society B 79(2), 381-404. One-sided: many
sightings near facilities is the extreme direction.

* With all s = N + 1 curves together (the observed one included), the pointwise rank of
  curve i at radius r is the number of curves whose K at r is >= its own. rank / s is its
  pointwise p-value; tied curves share the larger rank.
* Each curve's ranks are sorted ascending. Curve a is at least as extreme as curve b when its
  sorted rank vector is lexicographically <= b's: its most extreme radius is more extreme, or
  as extreme and then its second most extreme radius is, and so on.
* p = (number of the s curves at least as extreme as the observed, the observed included) / s.

The 100 (1 - alpha)% global envelope is the pointwise range (min and max at each radius) of
the curves (the N + 1, observed included) that are not among the most extreme alpha share,
that is, whose own ERL p-value (computed as above, for that curve) is above alpha. So the
observed curve can leave the band only when its p is at most alpha (with tied counts it may
stay inside even then); the chart marks the radii where it leaves.

Because every radius is looked at together, this p does not grow more optimistic by looking
at many radii, unlike picking the smallest of the single-radius p-values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .nearest import GeodesicIndex
from .prepare import facility_index, sighting_coordinates
from .stats import _precision_km

METHOD = "erl"
REFERENCE = (
    "Myllymäki, Mrkvička, Grabarnik, Seijo and Hahn (2017), 'Global envelope tests for "
    "spatial processes', Journal of the Royal Statistical Society B 79(2), 381-404"
)
DEFAULT_R_MAX_KM = 300
R_MIN_RULE = (
    "radii below the stated location precision cannot be tested honestly: for each counted "
    "sighting, its location_precision_km plus its nearest facility's; r_min is the median "
    "of those sums, rounded up to a whole km"
)
#: Up to this many sightings, counts and ranks loop over count values (fast for small n).
SMALL_COUNTS = 48
#: Curves x radii above this would not fit comfortably in memory (int32 ranks).
MAX_CELLS = 60_000_000


# -- the definition, vectorised -----------------------------------------------------------
def radius_grid(r_min_km: float, r_max_km: float) -> np.ndarray:
    """The integer radii from ``r_min_km`` to ``r_max_km`` (both included when integers).

    Examples
    --------
    >>> radius_grid(20, 25).tolist()
    [20.0, 21.0, 22.0, 23.0, 24.0, 25.0]
    """
    for name, value in (("r_min_km", r_min_km), ("r_max_km", r_max_km)):
        if not (isinstance(value, int | float | np.integer | np.floating)
                and not isinstance(value, bool) and math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} should be a finite number >= 0, got {value!r}")
    first, last = math.ceil(r_min_km), math.floor(r_max_km)
    if last < first:
        raise ValueError(f"no whole radius between r_min_km = {r_min_km:g} and "
                         f"r_max_km = {r_max_km:g}: r_max_km should be larger")
    return np.arange(first, last + 1, dtype=float)


def pointwise_ranks(curves) -> np.ndarray:
    """(s, R) one-sided pointwise ranks: rank[i, r] = #{j : curves[j, r] >= curves[i, r]}.

    ``curves`` holds non-negative integer counts (s curves, R radii). Each column is counted
    once (a histogram per radius, then a cumulative sum from the top), so the cost is
    O(s R), not O(s^2 R).

    Examples
    --------
    >>> pointwise_ranks([[3, 1], [2, 1], [3, 0]]).tolist()
    [[2, 2], [3, 2], [2, 3]]
    """
    curves = np.asarray(curves)
    if curves.ndim != 2 or curves.shape[0] == 0 or curves.shape[1] == 0:
        raise ValueError("curves should be a non-empty (curves, radii) array")
    if not np.issubdtype(curves.dtype, np.integer):
        if not np.all(np.isfinite(curves)) or np.any(curves != np.round(curves)):
            raise ValueError("curves should hold whole counts")
        curves = curves.astype(np.int64)
    if curves.min() < 0:
        raise ValueError("curves should hold counts >= 0")
    s, radii = curves.shape
    top = int(curves.max()) + 1
    if top <= SMALL_COUNTS:  # few sightings: one pass over the curves per count value
        at_least = np.empty((top, radii), dtype=np.int32)
        for value in range(top):
            at_least[value] = np.count_nonzero(curves >= value, axis=0)
        ranks = np.empty((s, radii), dtype=np.int32)
        ranks[...] = at_least[0]
        for value in range(1, top):
            np.copyto(ranks, at_least[value][None, :], where=curves == value)
        return ranks
    flat = (curves.astype(np.int64) + top * np.arange(radii)[None, :]).ravel()
    per_value = np.bincount(flat, minlength=top * radii).reshape(radii, top)
    at_least = np.cumsum(per_value[:, ::-1], axis=1)[:, ::-1]  # [r, v] = #{K(r) >= v}
    return np.take_along_axis(at_least.T.astype(np.int32), curves.astype(np.intp), axis=0)


def curves_within(distances_km, radii_km) -> np.ndarray:
    """(rows, R) counts K(r) of distances <= r for an evenly spaced grid of whole radii.

    Equal to :func:`analysis.stats.counts_within` on such a grid (the tests check), but
    computed from each distance's first radius index, in 16 or 32-bit integers.

    Examples
    --------
    >>> curves_within([[1.0, 5.0], [2.5, 9.0]], [1.0, 2.0, 3.0]).tolist()
    [[1, 1, 1], [0, 0, 1]]
    """
    distances_km = np.atleast_2d(np.asarray(distances_km, dtype=float))
    radii_km = np.asarray(radii_km, dtype=float)
    rows, n = distances_km.shape
    size = radii_km.size
    if size > 1 and not np.all(np.diff(radii_km) == 1.0):
        raise ValueError("radii_km should be whole km one apart (see radius_grid)")
    dtype = np.int16 if n < 2**15 else np.int32
    offset = np.ceil(distances_km - radii_km[0])
    first = np.clip(np.where(np.isnan(offset), size, offset), 0, size).astype(np.int32)
    if n <= SMALL_COUNTS:
        grid = np.arange(size, dtype=np.int32)[None, :]
        out = np.zeros((rows, size), dtype=dtype)
        for column in range(n):
            out += grid >= first[:, column:column + 1]
        return out
    flat = (np.arange(rows, dtype=np.int64)[:, None] * (size + 1) + first).ravel()
    histogram = np.bincount(flat, minlength=rows * (size + 1)).reshape(rows, size + 1)
    return np.cumsum(histogram[:, :size], axis=1, dtype=dtype)


def _sorted_ranks(curves) -> np.ndarray:
    ranks = pointwise_ranks(curves)
    ranks.sort(axis=1)
    return ranks


def at_least_as_extreme(sorted_ranks) -> np.ndarray:
    """For each curve, how many curves (itself included) are at least as extreme by ERL.

    ``sorted_ranks`` is (s, R) with each row sorted ascending. Rows are compared
    lexicographically: written as big-endian unsigned integers, byte order is that order, so
    one sort of the rows as raw bytes ranks them all.

    Examples
    --------
    >>> at_least_as_extreme([[1, 3], [1, 2], [2, 2], [1, 2]]).tolist()
    [3, 2, 4, 2]
    """
    ranks = np.ascontiguousarray(np.asarray(sorted_ranks), dtype=">u4")
    rows = ranks.view(np.dtype((np.void, ranks.dtype.itemsize * ranks.shape[1]))).ravel()
    _, inverse, counts = np.unique(rows, return_inverse=True, return_counts=True)
    return np.cumsum(counts)[inverse.ravel()]


def erl_p_value(observed, simulated) -> float:
    """Global ERL p-value of the observed curve against the simulated curves.

    Parameters
    ----------
    observed : (R,) counts K_obs(r)
    simulated : (N, R) counts K_sim(r)

    Examples
    --------
    Two radii, three simulated curves. The observed curve (3, 3) is the only one at the top
    at both radii, so it is the most extreme of the four: p = 1/4.

    >>> erl_p_value([3, 3], [[3, 1], [1, 2], [0, 0]])
    0.25
    """
    curves = _stack(observed, simulated)
    ordered = _sorted_ranks(curves)
    differs = ordered[1:] != ordered[0]
    first = np.argmax(differs, axis=1)
    rows = np.arange(ordered.shape[0] - 1)
    as_extreme = ~differs.any(axis=1) | (ordered[1:][rows, first] < ordered[0][first])
    return float((1 + np.count_nonzero(as_extreme)) / curves.shape[0])


def _stack(observed, simulated) -> np.ndarray:
    observed = np.asarray(observed)
    simulated = np.asarray(simulated)
    if observed.ndim != 1 or simulated.ndim != 2 or simulated.shape[1] != observed.size:
        raise ValueError("observed should be (R,) and simulated (N, R) with the same R")
    if simulated.shape[0] == 0:
        raise ValueError("at least one simulated curve is needed")
    if simulated.size + observed.size > MAX_CELLS:
        raise ValueError(f"{simulated.shape[0]:,} simulations x {observed.size} radii is too "
                         "much to rank at once: use fewer simulations or a narrower range")
    return np.vstack([observed[None, :], simulated])


def global_envelope(observed, simulated, alpha: float = 0.05):
    """(low, high, p_values): the 100 (1 - alpha)% global envelope and every curve's p.

    The envelope is the pointwise min and max of the curves (observed included) whose ERL
    p-value is above ``alpha``; ``p_values[0]`` is the observed curve's (equal to
    :func:`erl_p_value`).

    Examples
    --------
    The two curves (3, 1) and (1, 2) tie (sorted ranks 2, 3): each has p = 3/4. With
    alpha = 0.8 only the least extreme curve, (0, 0), is left to span the band.

    >>> low, high, p = global_envelope([3, 3], [[3, 1], [1, 2], [0, 0]], alpha=0.8)
    >>> low.tolist(), high.tolist(), p.tolist()
    ([0, 0], [0, 0], [0.25, 0.75, 0.75, 1.0])
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha should be between 0 and 1, got {alpha!r}")
    curves = _stack(observed, simulated)
    p_values = at_least_as_extreme(_sorted_ranks(curves)) / curves.shape[0]
    # Every curve not among the most extreme alpha share, the observed one included (as in
    # the paper and the GET package): so an observed curve with p > alpha is inside the band.
    keep = curves[p_values > alpha]
    if keep.shape[0] == 0:  # cannot happen with alpha < 1: the least extreme curve has p = 1
        keep = curves[1:]
    return keep.min(axis=0), keep.max(axis=0), p_values


def reference_erl_p_value(observed, simulated) -> float:
    """The definition written out with plain loops (slow; for tests and the benchmark).

    >>> reference_erl_p_value([3, 3], [[3, 1], [1, 2], [0, 0]])
    0.25
    """
    curves = [list(observed)] + [list(row) for row in simulated]
    s, radii = len(curves), len(curves[0])
    ranks = []
    for i in range(s):
        ranks.append(sorted(
            sum(1 for j in range(s) if curves[j][r] >= curves[i][r]) for r in range(radii)
        ))
    return sum(1 for i in range(s) if ranks[i] <= ranks[0]) / s  # list <= is lexicographic


# -- the test on facilities and sightings -------------------------------------------------
@dataclass(frozen=True)
class GlobalResult:
    """Result of :func:`global_test`; ``to_dict()`` gives the JSON of the command line."""

    method: str
    r_min_km: float
    r_max_km: float
    null: str
    null_label: str
    simulations: int
    seed: int | None
    n_sightings: int
    alpha: float
    p_value: float
    radius_km: tuple[float, ...]
    observed: tuple[int, ...]
    low: tuple[int, ...]
    high: tuple[int, ...]
    pointwise_low: tuple[float, ...]
    pointwise_high: tuple[float, ...]
    pointwise_p: tuple[float, ...]
    outside_km: tuple[float, ...]

    @property
    def outside_ranges(self) -> list[tuple[float, float]]:
        """Radii where the observed curve is above the global envelope, as (first, last)."""
        ranges: list[tuple[float, float]] = []
        for r in self.outside_km:
            if ranges and r - ranges[-1][1] <= 1.0 + 1e-9:
                ranges[-1] = (ranges[-1][0], r)
            else:
                ranges.append((r, r))
        return ranges

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "reference": REFERENCE,
            "r_min_km": self.r_min_km,
            "r_max_km": self.r_max_km,
            "null": self.null,
            "simulations": self.simulations,
            "seed": self.seed,
            "n_sightings": self.n_sightings,
            "alpha": self.alpha,
            "p_value": self.p_value,
            "outside_envelope_km": [list(r) for r in self.outside_ranges],
            "envelope": {
                "radius_km": list(self.radius_km),
                "low": list(self.low),
                "high": list(self.high),
                "observed": list(self.observed),
                "pointwise_low": list(self.pointwise_low),
                "pointwise_high": list(self.pointwise_high),
                "pointwise_p": list(self.pointwise_p),
            },
        }


def global_test(simulated_null, r_min_km: float, r_max_km: float = DEFAULT_R_MAX_KM,
                alpha: float = 0.05) -> GlobalResult:
    """The ERL global envelope test of a :class:`analysis.stats.SimulatedNull`.

    Uses the same simulated sets as the single-radius test, so one simulation answers both.
    The pointwise band is the 2.5% and 97.5% quantiles of K_sim(r) at each radius.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from analysis.stats import simulate_null
    >>> facilities = gpd.GeoSeries.from_xy([-66.9, -71.6], [10.5, 10.6], crs=4326)
    >>> sightings = gpd.GeoSeries.from_xy([-66.91, -71.62], [10.5, 10.62], crs=4326)
    >>> result = global_test(simulate_null(facilities, sightings, simulations=999, rng=1), 5)
    >>> result.method, result.p_value < 0.05, result.outside_ranges[0][0]
    ('erl', True, 5.0)
    """
    radii = radius_grid(r_min_km, r_max_km)
    index: GeodesicIndex = simulated_null.index
    observed_km = index.nearest(simulated_null.lon, simulated_null.lat)[1]
    observed = curves_within(observed_km[None, :], radii)[0]
    simulated = curves_within(simulated_null.simulated, radii)
    low, high, p_values = global_envelope(observed, simulated, alpha)
    point_low, point_high = _pointwise_quantiles(simulated, (0.025, 0.975))
    pointwise_p = (1 + np.count_nonzero(simulated >= observed[None, :], axis=0)) / (
        simulated.shape[0] + 1)
    model = simulated_null.model
    return GlobalResult(
        method=METHOD,
        r_min_km=float(radii[0]),
        r_max_km=float(radii[-1]),
        null=model.name,
        null_label=model.label,
        simulations=int(simulated.shape[0]),
        seed=simulated_null.seed,
        n_sightings=int(observed_km.size),
        alpha=float(alpha),
        p_value=float(p_values[0]),
        radius_km=tuple(float(r) for r in radii),
        observed=tuple(int(v) for v in observed),
        low=tuple(int(v) for v in low),
        high=tuple(int(v) for v in high),
        pointwise_low=tuple(float(v) for v in point_low),
        pointwise_high=tuple(float(v) for v in point_high),
        pointwise_p=tuple(float(v) for v in pointwise_p),
        outside_km=tuple(float(r) for r, o, h in zip(radii, observed, high, strict=True)
                         if o > h),
    )


def _pointwise_quantiles(curves, quantiles) -> list[np.ndarray]:
    """np.quantile(curves, q, axis=0) (linear interpolation), from sorted columns."""
    ordered = np.sort(curves, axis=0)
    last = ordered.shape[0] - 1
    out = []
    for q in quantiles:
        position = q * last
        below, above = math.floor(position), math.ceil(position)
        weight = position - below
        out.append(ordered[below] * (1 - weight) + ordered[above] * weight)
    return out


def global_p_value(simulated_null, r_min_km: float,
                   r_max_km: float = DEFAULT_R_MAX_KM) -> float:
    """Only the global p of :func:`global_test` (no envelope): for the robustness panel."""
    radii = radius_grid(r_min_km, r_max_km)
    observed_km = simulated_null.index.nearest(simulated_null.lon, simulated_null.lat)[1]
    return erl_p_value(curves_within(observed_km[None, :], radii)[0],
                       curves_within(simulated_null.simulated, radii))


def default_r_min_km(facility_precision_km, sighting_precision_km, nearest_facility) -> int:
    """The smallest radius the stated location precision lets us test honestly.

    Two places each known to within a few km can be that many km apart even when they are
    at the same spot. For each counted sighting, add its ``location_precision_km`` to that of
    its nearest facility; the default r_min is the median of those sums, rounded up to a
    whole km (at least 1). On the shipped data: Coro 1 + Amuay 10, Acarigua 10 + CEMAREH 10,
    Puerto Ordaz 15 + Carabobo-2 60, so the median is 20 km.

    Examples
    --------
    >>> default_r_min_km([10, 10, 60], [1, 10, 15], [0, 1, 2])
    20
    >>> default_r_min_km([0], [0], [0])
    1
    """
    facility = np.asarray(facility_precision_km, dtype=float)
    sighting = np.asarray(sighting_precision_km, dtype=float)
    nearest = np.asarray(nearest_facility, dtype=int)
    if sighting.size == 0:
        return 1
    sums = np.nan_to_num(sighting) + np.nan_to_num(facility[nearest])
    return max(1, math.ceil(float(np.median(sums)) - 1e-9))


def r_min_from_precision(facilities, sightings) -> int:
    """:func:`default_r_min_km` for frames with a ``location_precision_km`` column.

    Examples
    --------
    >>> import geopandas as gpd
    >>> facilities = gpd.GeoDataFrame({"location_precision_km": [10.0, 60.0]},
    ...     geometry=gpd.points_from_xy([-66.9, -62.7], [10.5, 8.3]), crs=4326)
    >>> sightings = gpd.GeoDataFrame({"location_precision_km": [10.0, 15.0]},
    ...     geometry=gpd.points_from_xy([-66.9, -62.6], [10.5, 8.3]), crs=4326)
    >>> r_min_from_precision(facilities, sightings)  # median of 10 + 10 and 15 + 60
    48
    """
    lon, lat = sighting_coordinates(sightings)
    nearest = facility_index(facilities).nearest(lon, lat)[0]
    return default_r_min_km(_precision_km(facilities, "facilities"),
                            _precision_km(sightings, "sightings"), nearest)
