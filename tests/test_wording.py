"""Sentences a reporter may print: grammar at the edges, one rounding, the band and p agree."""

import numpy as np
import pytest

from analysis.envelope import global_envelope
from analysis.report import from_to
from analysis.wording import count_of, headline, plural

BASE = dict(radius_km=50, null="towns", r_min_km=20, r_max_km=300)


@pytest.mark.parametrize("count, total, expected", [
    (0, 1, "0 of 1 independent sighting lies within 50 km"),
    (1, 1, "1 of 1 independent sighting lies within 50 km"),
    (1, 3, "1 of 3 independent sightings lies within 50 km"),
    (2, 3, "2 of 3 independent sightings lie within 50 km"),
])
def test_the_count_is_grammatical(count, total, expected):
    line = headline(observed_within=count, n_sightings=total, global_p=0.5,
                    single_radius_p=(0.2, 0.6), **BASE)
    assert line.startswith(expected)


def test_the_smallest_possible_p_says_no_draw_came_out_as_close():
    line = headline(observed_within=3, n_sightings=3, global_p=1 / 1000,
                    single_radius_p=(0.01, 0.2), simulations=999, **BASE)
    assert "in none of 999 draws did random Venezuelan towns come out at least as close" \
        in line
    assert "p = 0.001, the smallest 999 draws can give" in line
    assert "0.1% of draws" not in line


def test_equal_single_radius_results_are_not_a_range():
    line = headline(observed_within=0, n_sightings=2, global_p=1.0,
                    single_radius_p=(1.0, 1.0), **BASE)
    assert "single-radius results all give p = 1." in line and "range from" not in line


def test_short_headline_for_one_sighting():
    line = headline(observed_within=1, n_sightings=1, global_p=0.5, single_radius_p=None,
                    short=True, **BASE)
    assert line.startswith("1 of 1 independent sighting within 50 km")


def test_ranges_and_plurals_in_words():
    assert from_to(0.0001, 0.57) == "less than 0.001 to 0.57"
    assert plural(1, "sighting") == "1 sighting" and plural(1200, "sighting") == \
        "1,200 sightings"
    assert count_of(0, 2) == "0 of 2 sightings lie"


@pytest.mark.parametrize("seed", range(5))
def test_an_observed_curve_with_p_above_alpha_is_inside_the_band(seed):
    """The band is made of every curve not among the 5% most extreme, the observed one
    included: the chart never shows the sightings above the band with p > 0.05."""
    rng = np.random.default_rng(seed)
    for _ in range(200):
        simulated = np.sort(rng.integers(0, 4, (199, 15)), axis=1)
        observed = np.sort(rng.integers(0, 4, 15))
        low, high, p = global_envelope(observed, simulated)
        if p[0] > 0.05:
            assert (observed <= high).all() and (observed >= low).all()
