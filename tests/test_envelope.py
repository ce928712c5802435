"""The global envelope test (extreme rank length): hand-worked ranks, the plain-loop
definition, both code paths of the vectorised counts and ranks, uniformity under the null,
and the known answer on the shipped data."""

import math

import geopandas as gpd
import numpy as np
import pytest

from analysis.envelope import (
    SMALL_COUNTS,
    at_least_as_extreme,
    curves_within,
    default_r_min_km,
    erl_p_value,
    global_envelope,
    global_p_value,
    global_test,
    pointwise_ranks,
    r_min_from_precision,
    radius_grid,
    reference_erl_p_value,
)
from analysis.io import counted_sightings
from analysis.nulls import draw_without_replacement, venezuelan_towns
from analysis.stats import counts_within, simulate_null
from tests.shipped import SEED, shipped, shipped_layers

# -- a hand-worked example ----------------------------------------------------------------
# Six curves (the observed one first, then five simulated), three radii:
#
#          r1 r2 r3
#   O    (  2, 3, 4 )
#   S1   (  2, 3, 3 )
#   S2   (  1, 3, 4 )
#   S3   (  2, 2, 2 )
#   S4   (  0, 1, 4 )
#   S5   (  2, 3, 3 )   identical to S1
#
# Pointwise rank = how many of the 6 curves have K >= the curve's own K at that radius
# (so tied curves share the larger rank):
#   r1: values 2,2,1,2,0,2.  K >= 2: O,S1,S3,S5 -> 4;  K >= 1: 5;  K >= 0: 6
#   r2: values 3,3,3,2,1,3.  K >= 3: O,S1,S2,S5 -> 4;  K >= 2: 5;  K >= 1: 6
#   r3: values 4,3,4,2,4,3.  K >= 4: O,S2,S4 -> 3;     K >= 3: 5;  K >= 2: 6
HAND_OBSERVED = [2, 3, 4]
HAND_SIMULATED = [[2, 3, 3], [1, 3, 4], [2, 2, 2], [0, 1, 4], [2, 3, 3]]
HAND_RANKS = [
    [4, 4, 3],  # O
    [4, 4, 5],  # S1
    [5, 4, 3],  # S2
    [4, 5, 6],  # S3
    [6, 6, 3],  # S4
    [4, 4, 5],  # S5
]
# Each row sorted ascending:
#   O (3,4,4)  S1 (4,4,5)  S2 (3,4,5)  S3 (4,5,6)  S4 (3,6,6)  S5 (4,4,5)
# Lexicographic order, most extreme first:
#   O (3,4,4) < S2 (3,4,5) < S4 (3,6,6) < S1 = S5 (4,4,5) < S3 (4,5,6)
# (O and S2 both start with 3 and 4; O's third entry, 4, is smaller than S2's 5.)
# Curves at least as extreme (sorted vector <=, itself included; S1 and S5 tie, so each
# counts the other):
#   O 1,  S1 5,  S2 2,  S3 6,  S4 3,  S5 5
HAND_SORTED = [[3, 4, 4], [4, 4, 5], [3, 4, 5], [4, 5, 6], [3, 6, 6], [4, 4, 5]]
HAND_AT_LEAST = [1, 5, 2, 6, 3, 5]
# So the observed p is 1/6, and each curve's own p is its count / 6:
HAND_P = [1 / 6, 5 / 6, 2 / 6, 6 / 6, 3 / 6, 5 / 6]
# The envelope keeps the simulated curves whose p > alpha:
#   alpha = 0.4: S1, S3, S4, S5 (S2 has 1/3) -> low (0,1,2), high (2,3,4)
#   alpha = 0.5: S1, S3, S5 (S4 has exactly 0.5, not above) -> low (2,2,2), high (2,3,3)
#   alpha = 0.84: only S3 (p = 1) -> low = high = (2,2,2)
HAND_ENVELOPES = {
    0.4: ([0, 1, 2], [2, 3, 4]),
    0.5: ([2, 2, 2], [2, 3, 3]),
    0.6: ([2, 2, 2], [2, 3, 3]),
    0.84: ([2, 2, 2], [2, 2, 2]),
}


def hand_curves():
    return np.array([HAND_OBSERVED, *HAND_SIMULATED])


def test_hand_example_pointwise_ranks_ties_share_the_larger_rank():
    assert pointwise_ranks(hand_curves()).tolist() == HAND_RANKS


def test_hand_example_sorted_ranks_and_lexicographic_order():
    ranks = np.sort(pointwise_ranks(hand_curves()), axis=1)
    assert ranks.tolist() == HAND_SORTED
    assert at_least_as_extreme(ranks).tolist() == HAND_AT_LEAST


def test_hand_example_p_value():
    assert erl_p_value(HAND_OBSERVED, HAND_SIMULATED) == pytest.approx(1 / 6)
    assert reference_erl_p_value(HAND_OBSERVED, HAND_SIMULATED) == pytest.approx(1 / 6)


@pytest.mark.parametrize("alpha", sorted(HAND_ENVELOPES))
def test_hand_example_global_envelope(alpha):
    low, high, p = global_envelope(HAND_OBSERVED, HAND_SIMULATED, alpha=alpha)
    assert (low.tolist(), high.tolist()) == HAND_ENVELOPES[alpha]
    assert p.tolist() == pytest.approx(HAND_P)


# A second hand example, where the observed curve ties a *different* simulated curve:
#
#          r1 r2         ranks (4 curves)   sorted
#   O    ( 3, 1 )        (1, 3)             (1, 3)
#   S1   ( 1, 3 )        (3, 1)             (1, 3)   mirror image of O: a tie
#   S2   ( 0, 0 )        (4, 4)             (4, 4)
#   S3   ( 2, 2 )        (2, 2)             (2, 2)
#
# Order: O = S1 (1,3) < S3 (2,2) < S2 (4,4). O and S1 count each other: p = 2/4.
def test_hand_example_observed_tied_with_a_simulated_curve_counts_it():
    observed, simulated = [3, 1], [[1, 3], [0, 0], [2, 2]]
    assert pointwise_ranks([observed, *simulated]).tolist() == [[1, 3], [3, 1], [4, 4],
                                                                [2, 2]]
    assert at_least_as_extreme([[1, 3], [1, 3], [4, 4], [2, 2]]).tolist() == [2, 2, 4, 3]
    assert erl_p_value(observed, simulated) == 0.5
    low, high, p = global_envelope(observed, simulated, alpha=0.6)
    # S1 has p = 2/4, not above 0.6; S3 has 3/4 and S2 has 1: the band is their range.
    assert (low.tolist(), high.tolist(), p.tolist()) == ([0, 0], [2, 2], [0.5, 0.5, 1, 0.75])


# -- the fast code equals the plain-loop definition ----------------------------------------
def random_case(seed):
    rng = np.random.default_rng(seed)
    n_sim, radii, top = int(rng.integers(1, 30)), int(rng.integers(1, 9)), int(rng.integers(
        1, 6))
    simulated = rng.integers(0, top + 1, (n_sim, radii))
    if seed % 3 == 0:  # the observed curve is one of the simulated ones
        observed = simulated[int(rng.integers(n_sim))].copy()
    else:
        observed = rng.integers(0, top + 1, radii)
    if seed % 5 == 0:  # make curves monotone in r, like K(r)
        simulated, observed = np.sort(simulated, axis=1), np.sort(observed)
    return observed, simulated


@pytest.mark.parametrize("seed", range(60))
def test_erl_p_value_equals_the_plain_loop_definition(seed):
    observed, simulated = random_case(seed)
    assert erl_p_value(observed, simulated) == reference_erl_p_value(observed, simulated)


@pytest.mark.parametrize("seed", range(0, 60, 4))
def test_every_curves_p_in_the_envelope_equals_the_definition(seed):
    observed, simulated = random_case(seed)
    curves = np.vstack([observed, simulated])
    _, _, p = global_envelope(observed, simulated, alpha=0.5)
    for i in range(curves.shape[0]):
        rest = np.delete(curves, i, axis=0)
        assert p[i] == pytest.approx(reference_erl_p_value(curves[i], rest))
    assert p[0] == erl_p_value(observed, simulated)


@pytest.mark.parametrize("shape", [(1, 1), (5, 1), (1, 7), (20, 4)])
def test_all_equal_curves_give_p_one(shape):
    simulated = np.full(shape, 2)
    observed = np.full(shape[1], 2)
    assert erl_p_value(observed, simulated) == 1.0
    assert reference_erl_p_value(observed, simulated) == 1.0
    low, high, p = global_envelope(observed, simulated)
    assert (p == 1).all() and low.tolist() == high.tolist() == observed.tolist()


def test_observed_above_every_simulation_everywhere_gives_the_smallest_p():
    simulated = np.random.default_rng(3).integers(0, 5, (99, 10))
    assert erl_p_value(np.full(10, 9), simulated) == pytest.approx(1 / 100)


def test_at_least_as_extreme_equals_brute_force_tuple_comparison():
    rng = np.random.default_rng(11)
    rows = np.sort(rng.integers(1, 6, (80, 4)), axis=1)
    brute = [sum(tuple(b) <= tuple(a) for b in rows) for a in rows]
    assert at_least_as_extreme(rows).tolist() == brute


def brute_ranks(curves):
    curves = np.asarray(curves)
    return (curves[None, :, :] >= curves[:, None, :]).sum(axis=1)


@pytest.mark.parametrize("top", [1, 5, SMALL_COUNTS - 1, SMALL_COUNTS, SMALL_COUNTS + 1, 400])
def test_pointwise_ranks_both_paths_equal_brute_force(top):
    rng = np.random.default_rng(top)
    curves = rng.integers(0, top + 1, (150, 9))
    curves[0, 0] = top  # the largest count is there, so the path is decided by ``top``
    assert pointwise_ranks(curves).tolist() == brute_ranks(curves).tolist()
    assert pointwise_ranks(curves.astype(float)).tolist() == brute_ranks(curves).tolist()
    assert pointwise_ranks(curves.astype(np.int16)).tolist() == brute_ranks(curves).tolist()


@pytest.mark.parametrize("bad, message", [
    ([[1, -1]], "counts >= 0"),
    ([[1.5, 2]], "whole counts"),
    ([[np.nan, 2]], "whole counts"),
    ([1, 2], "non-empty"),
    (np.zeros((0, 3)), "non-empty"),
])
def test_pointwise_ranks_rejects_what_is_not_a_table_of_counts(bad, message):
    with pytest.raises(ValueError, match=message):
        pointwise_ranks(bad)


def distances_on_and_around_radii(rng, rows, n, radii):
    """Random distances, with some exactly on a radius, one float either side, 0, and
    below the first and beyond the last radius."""
    distances = rng.uniform(0, radii[-1] + 10, (rows, n))
    special = np.concatenate([radii, np.nextafter(radii, np.inf), np.nextafter(radii, 0),
                              [0.0, radii[0] - 0.5, radii[-1] + 0.5, 1e4]])
    mask = rng.random((rows, n)) < 0.5
    distances[mask] = rng.choice(special, int(mask.sum()))
    return distances


@pytest.mark.parametrize("n", [1, 3, 8, SMALL_COUNTS, SMALL_COUNTS + 1, 120])
@pytest.mark.parametrize("grid", [(1, 40), (20, 60), (0, 0)])
def test_curves_within_equals_counts_within_on_whole_km_grids(n, grid):
    rng = np.random.default_rng(n * 100 + grid[0])
    radii = radius_grid(*grid)
    distances = distances_on_and_around_radii(rng, 30, n, radii)
    fast = curves_within(distances, radii)
    assert fast.tolist() == counts_within(distances, radii).tolist()
    assert fast.tolist() == (distances[:, :, None] <= radii[None, None, :]).sum(axis=1).tolist()


def test_curves_within_one_row_and_exact_radius():
    # within 20: 20.0 and 19.0; within 21: also 21.0 and 20.5; 23.0 never (r_max is 22)
    assert curves_within([20.0, 21.0, 20.5, 19.0, 23.0], radius_grid(20, 22)).tolist() == [
        [2, 4, 4]]


def test_curves_within_rejects_radii_not_one_km_apart():
    with pytest.raises(ValueError, match="one apart"):
        curves_within([[1.0]], [1.0, 3.0])


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_curves_within_nan_distance_like_counts_within():
    radii = radius_grid(1, 4)
    distances = np.array([[np.nan, 3.0]])
    assert curves_within(distances, radii).tolist() == counts_within(distances,
                                                                     radii).tolist()


# -- radius grid and argument errors -------------------------------------------------------
def test_radius_grid_includes_both_ends_and_rounds_inwards():
    assert radius_grid(20, 25).tolist() == [20, 21, 22, 23, 24, 25]
    assert radius_grid(0, 0).tolist() == [0]
    assert radius_grid(19.5, 22.7).tolist() == [20, 21, 22]
    assert radius_grid(np.int64(3), np.float64(4)).tolist() == [3, 4]
    assert radius_grid(20, 300).size == 281


@pytest.mark.parametrize("r_min, r_max, message", [
    (30, 20, "r_max_km should be larger"),
    (20.2, 20.8, "no whole radius between r_min_km = 20.2 and r_max_km = 20.8"),
    (-1, 20, "r_min_km should be a finite number >= 0, got -1"),
    (1, -5, "r_max_km should be a finite number >= 0"),
    (float("nan"), 20, "r_min_km should be a finite number >= 0, got nan"),
    (1, float("nan"), "r_max_km should be a finite number"),
    (1, float("inf"), "r_max_km should be a finite number"),
    ("1", 20, "r_min_km should be a finite number"),
    (True, 20, "r_min_km should be a finite number"),
    (None, 20, "r_min_km should be a finite number"),
])
def test_radius_grid_errors_say_what_is_wrong(r_min, r_max, message):
    with pytest.raises(ValueError, match=message) as caught:
        radius_grid(r_min, r_max)
    assert "\n" not in str(caught.value)


def test_other_argument_errors():
    with pytest.raises(ValueError, match="same R"):
        erl_p_value([1, 2], [[1, 2, 3]])
    with pytest.raises(ValueError, match="same R"):
        erl_p_value([[1, 2]], [[1, 2]])
    with pytest.raises(ValueError, match="at least one simulated curve"):
        erl_p_value([1, 2], np.zeros((0, 2), dtype=int))
    for alpha in (0, 1, -0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match="alpha should be between 0 and 1"):
            global_envelope([1], [[1]], alpha=alpha)


# -- default r_min -------------------------------------------------------------------------
@pytest.mark.parametrize("facility, sighting, nearest, expected", [
    ([10, 10, 60], [1, 10, 15], [0, 1, 2], 20),    # the shipped data: 11, 20, 75
    ([0], [0], [0], 1),                             # at least 1 km
    ([10, 60], [10, 15], [0, 1], 48),               # median of 20 and 75 = 47.5, up to 48
    ([5], [2.5], [0], 8),                           # 7.5 rounds up
    ([9.9], [10.1], [0], 20),                       # 20.000000000000004 is 20, not 21
    ([0.1], [0.2], [0], 1),
    ([np.nan, 4], [np.nan, 3], [0, 1], 4),          # missing precision counts as 0: 0 and 7
    ([1, 100], [1, 1, 1], [0, 0, 1], 2),            # nearest facility picks the precision
    ([10], [], [], 1),                              # no sightings
])
def test_default_r_min_known_answers(facility, sighting, nearest, expected):
    assert default_r_min_km(facility, sighting, nearest) == expected


# -- uniformity under the null -------------------------------------------------------------
def binomial_upper(n, p, tail=1e-4):
    """The smallest k with P(Binomial(n, p) > k) < tail."""
    total = 0.0
    for k in range(n + 1):
        total += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        if 1 - total < tail:
            return k
    return n


@shipped
@pytest.mark.parametrize("n", [3, 8])
def test_global_p_is_uniform_or_conservative_when_sightings_come_from_the_null(n):
    """'Observed' sightings drawn from the towns null itself: P(p <= a) must not exceed a
    (beyond binomial noise); ties make the test conservative, but not uselessly so."""
    facilities, _ = shipped_layers()
    towns = venezuelan_towns()
    repeats, simulations = 600, 199
    rng = np.random.default_rng(12345 + n)
    picks = draw_without_replacement(len(towns), n, repeats, rng)
    p = []
    for i, pick in enumerate(picks):
        chosen = towns.iloc[pick]
        sightings = gpd.GeoDataFrame(geometry=gpd.points_from_xy(chosen.lon, chosen.lat),
                                     crs=4326)
        null = simulate_null(facilities, sightings, simulations=simulations, rng=1000 + i)
        p.append(global_test(null, 20, 300).p_value)
    p = np.array(p)
    for level in (0.05, 0.1, 0.2, 0.5):
        below = int(np.count_nonzero(p <= level))
        assert below <= binomial_upper(repeats, level), (level, below)
    assert np.count_nonzero(p <= 0.5) > 0.3 * repeats  # not absurdly conservative
    assert np.count_nonzero(p <= 0.2) > 0.08 * repeats


# -- the shipped data ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped_null():
    facilities, sightings = shipped_layers()
    counted = counted_sightings(sightings)
    return facilities, counted, simulate_null(facilities, counted, simulations=9999, rng=SEED)


@shipped
def test_shipped_default_r_min_is_20(shipped_null):
    facilities, counted, _ = shipped_null
    assert len(counted) == 3 and "amuay-refinery-visit" not in set(counted.id)
    assert r_min_from_precision(facilities, counted) == 20


@shipped
def test_shipped_global_test_known_answer(shipped_null):
    _, _, null = shipped_null
    result = global_test(null, 20, 300)
    assert result.method == "erl"
    assert result.p_value == 0.0243
    assert (result.r_min_km, result.r_max_km, result.simulations) == (20.0, 300.0, 9999)
    assert (result.null, result.seed, result.n_sightings, result.alpha) == ("towns", SEED, 3,
                                                                            0.05)
    assert len(result.radius_km) == len(result.observed) == len(result.low) == 281
    assert len(result.high) == len(result.pointwise_p) == 281
    assert result.outside_km and all(65 <= r <= 82 for r in result.outside_km)
    assert result.outside_ranges == [(65.0, 82.0)]
    observed, high = np.array(result.observed), np.array(result.high)
    assert np.array_equal(observed > high, np.isin(result.radius_km, result.outside_km))
    assert (np.array(result.low) <= high).all()
    assert global_p_value(null, 20, 300) == result.p_value
    # the pointwise band is np.quantile's
    simulated = curves_within(null.simulated, radius_grid(20, 300))
    low, high = np.quantile(simulated, [0.025, 0.975], axis=0)
    assert np.allclose(result.pointwise_low, low) and np.allclose(result.pointwise_high, high)
    data = result.to_dict()
    assert data["outside_envelope_km"] == [[65.0, 82.0]]
    assert len(data["envelope"]["radius_km"]) == 281


@shipped
def test_shipped_envelope_holds_the_curves_it_is_made_of(shipped_null):
    _, _, null = shipped_null
    radii = radius_grid(20, 300)
    observed_km = null.index.nearest(null.lon, null.lat)[1]
    observed = curves_within(observed_km[None, :], radii)[0]
    simulated = curves_within(null.simulated, radii)
    low, high, p = global_envelope(observed, simulated, 0.05)
    kept = simulated[p[1:] > 0.05]
    assert kept.shape[0] >= 0.9 * simulated.shape[0]
    assert ((kept >= low) & (kept <= high)).all()
    # a subsample of the curves, checked against the plain-loop definition
    sample = simulated[:150]
    assert erl_p_value(observed, sample) == reference_erl_p_value(observed, sample)


@shipped
def test_shipped_same_seed_same_answer_other_seed_generally_different(shipped_null):
    facilities, counted, null = shipped_null
    again = global_test(simulate_null(facilities, counted, simulations=9999, rng=SEED), 20)
    assert again == global_test(null, 20)
    others = {global_test(simulate_null(facilities, counted, simulations=9999, rng=seed),
                          20).p_value for seed in (1, 2, 3)}
    assert others - {0.0243}
    assert all(0.01 < p < 0.05 for p in others)  # a different draw, the same conclusion


@shipped
def test_global_test_argument_errors_surface(shipped_null):
    _, _, null = shipped_null
    with pytest.raises(ValueError, match="r_max_km should be larger"):
        global_test(null, 20, 10)
    with pytest.raises(ValueError, match="r_min_km should be a finite number"):
        global_test(null, float("nan"))
