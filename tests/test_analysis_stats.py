"""The Monte Carlo test: p-value formula, reproducibility, clustered vs random designs."""

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis.nearest import GeodesicIndex
from analysis.nulls import (
    NULL_MODELS,
    draw_without_replacement,
    towns_prob_all_within,
    uniform_points,
    venezuelan_towns,
)
from analysis.stats import (
    counts_within,
    location_uncertainty,
    p_value_at_least,
    p_value_at_most,
    proximity_test,
    radius_sweep,
)

TOWNS = venezuelan_towns()
BOX = shapely.box(-72.0, 1.0, -60.0, 12.0)


def points(lon, lat, **columns):
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def facilities_at_towns(count=12, seed=0):
    rng = np.random.default_rng(seed)
    chosen = TOWNS.iloc[rng.choice(len(TOWNS), count, replace=False)]
    return points(chosen.lon, chosen.lat)


@pytest.mark.parametrize(
    "observed, simulated, expected",
    [
        (3, [0, 1, 3, 4], (1 + 2) / 5),
        (5, [0, 1, 3, 4], 1 / 5),
        (0, [0, 0, 0], 4 / 4),
        (2, [2] * 9, 10 / 10),
    ],
)
def test_p_value_counts_simulations_at_least_as_extreme_plus_one(observed, simulated, expected):
    assert p_value_at_least(observed, simulated) == pytest.approx(expected)


def test_p_value_for_mean_distance_counts_smaller_or_equal():
    assert p_value_at_most(2.0, [1.0, 2.0, 3.0, 4.0]) == pytest.approx(3 / 5)


def test_counts_within_match_direct_comparison():
    rng = np.random.default_rng(0)
    distances = rng.uniform(0, 100, (50, 7))
    radii = np.array([0.0, 1.0, 10.0, 33.3, 99.0, 150.0])
    direct = (distances[:, :, None] <= radii).sum(axis=1)
    np.testing.assert_array_equal(counts_within(distances, radii), direct)


def test_same_seed_gives_same_result_and_different_seed_differs():
    facilities = facilities_at_towns()
    sightings = points(TOWNS.lon[:5], TOWNS.lat[:5])
    first = proximity_test(facilities, sightings, 30.0, simulations=999, rng=42)
    second = proximity_test(facilities, sightings, 30.0, simulations=999, rng=42)
    other = proximity_test(facilities, sightings, 30.0, simulations=999, rng=43)
    assert first == second
    assert first.null_within_distribution != other.null_within_distribution


def test_result_does_not_depend_on_progress_callback():
    facilities = facilities_at_towns()
    sightings = points(TOWNS.lon[:5], TOWNS.lat[:5])
    seen = []
    with_progress = proximity_test(facilities, sightings, 30.0, simulations=2500, rng=1,
                                   progress=seen.append)
    without = proximity_test(facilities, sightings, 30.0, simulations=2500, rng=1)
    assert with_progress == without
    assert seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize("null", ["towns", "towns_weighted", "uniform"])
def test_sightings_placed_at_facilities_give_small_p(null):
    facilities = facilities_at_towns(count=8)
    shift = np.array([0.01, -0.02, 0.015, 0.0, -0.01, 0.02, 0.005, -0.005])
    sightings = points(facilities.geometry.x + shift, facilities.geometry.y)
    result = proximity_test(facilities, sightings, 10.0, null=null, simulations=999, rng=7,
                            boundary=BOX)
    assert result.observed_within == 8
    assert result.p_value < 0.01
    assert result.p_value_mean_distance < 0.01
    assert result.can_reach_0_05


def test_random_towns_give_large_p():
    facilities = facilities_at_towns(count=10, seed=1)
    rng = np.random.default_rng(11)
    ps = []
    for _ in range(5):
        chosen = TOWNS.iloc[rng.choice(len(TOWNS), 6, replace=False)]
        result = proximity_test(facilities, points(chosen.lon, chosen.lat), 20.0,
                                simulations=999, rng=rng)
        ps.append(result.p_value)
    assert np.median(ps) > 0.1


def test_towns_null_draws_distinct_towns_and_weighted_favours_big_towns():
    rng = np.random.default_rng(0)
    draws = draw_without_replacement(216, 5, 2000, rng)
    assert all(len(set(row)) == 5 for row in draws.tolist())
    weights = TOWNS.population.to_numpy()
    weighted = draw_without_replacement(216, 1, 20000, rng, weights)[:, 0]
    biggest = int(np.argmax(weights))
    assert np.mean(weighted == biggest) == pytest.approx(weights[biggest] / weights.sum(), abs=0.01)


def test_uniform_points_are_uniform_by_area():
    lon, lat = uniform_points(shapely.box(-70, 0, -60, 60), 40000, np.random.default_rng(2))
    # Area between latitudes 0-30 vs 30-60 on the sphere: sin(30) vs sin(60) - sin(30).
    share = np.mean(lat < 30)
    assert share == pytest.approx(0.5 / math.sin(math.radians(60)), abs=0.01)


def test_min_achievable_p_is_reported_and_flags_when_0_05_is_out_of_reach():
    # One facility in Caracas, two sightings, a huge radius: most towns are within it, so even
    # "both within" is common under the null.
    facilities = points([-66.9], [10.5])
    sightings = points([-66.9, -66.8], [10.5, 10.4])
    result = proximity_test(facilities, sightings, 500.0, simulations=999, rng=0)
    index = GeodesicIndex(facilities.geometry)
    prob_all = towns_prob_all_within(index, 2, 500.0)
    assert result.min_achievable_p_value == pytest.approx((1 + 999 * prob_all) / 1000)
    assert not result.can_reach_0_05
    assert "no outcome could give p < 0.05" in result.statement


def test_registry_has_plain_words_for_every_null():
    for name, model in NULL_MODELS.items():
        assert model.name == name
        assert len(model.plain_words) > 80 and model.label


def test_uniform_null_without_boundary_is_an_error():
    with pytest.raises(ValueError, match="boundary"):
        proximity_test(points([-66.9], [10.5]), points([-66.9], [10.5]), 5.0, null="uniform",
                       simulations=9)


def test_radius_sweep_envelope_brackets_null_mean_and_matches_single_test():
    facilities = facilities_at_towns()
    sightings = points(TOWNS.lon[10:16], TOWNS.lat[10:16])
    sweep = radius_sweep(facilities, sightings, [5.0, 25.0, 100.0], simulations=999, rng=3)
    frame = sweep.to_frame()
    assert (frame.null_low_fraction <= frame.null_mean_fraction).all()
    assert (frame.null_mean_fraction <= frame.null_high_fraction).all()
    single = proximity_test(facilities, sightings, 25.0, simulations=999, rng=3)
    assert frame.p_value[1] == pytest.approx(single.p_value)
    assert frame.observed_fraction[1] == single.observed_within / 6


def test_location_uncertainty_reports_ranges_zero_means_fixed_and_unknown_is_not_exact():
    facilities = points([-66.9], [10.5], location_precision_km=[20.0])
    sightings = points([-66.9, -64.0], [10.62, 8.0])
    result = location_uncertainty(facilities, sightings, 15.0, simulations=99, repeats=20, rng=0)
    assert result.observed_within_min <= result.observed_within_max
    assert result.observed_within_min == 0 and result.observed_within_max == 1
    assert result.p_value_min <= result.p_value_max
    exact = points([-66.9, -64.0], [10.62, 8.0], location_precision_km=[0.0, 0.0])
    fixed = location_uncertainty(points([-66.9], [10.5], location_precision_km=[0.0]), exact,
                                 15.0, simulations=99, repeats=3, rng=0)
    assert fixed.observed_within_min == fixed.observed_within_max == 1
    # No precision stated: unknown, moved within UNKNOWN_PRECISION_KM (25 km), not exact.
    unknown = location_uncertainty(points([-66.9], [10.5]), sightings, 15.0, simulations=99,
                                   repeats=20, rng=0)
    assert unknown.observed_within_min == 0 and unknown.observed_within_max == 1


def test_test_result_to_dict_has_stable_keys():
    result = proximity_test(points([-66.9], [10.5]), points([-66.9], [10.5]), 5.0,
                            simulations=99, rng=0)
    keys = set(result.to_dict())
    assert {
        "radius_km", "null", "null_description", "simulations", "seed", "n_sightings",
        "n_facilities", "observed_within", "null_mean_within", "p_value",
        "mean_nearest_distance_km", "null_mean_nearest_distance_km", "p_value_mean_distance",
        "min_achievable_p_value", "can_reach_0_05", "statement",
    } <= keys
