"""The robustness panel on the shipped data, the wording of results, and the 'placement'
field of sightings."""

import dataclasses
import json
import math
import re

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod

from analysis.envelope import global_test
from analysis.io import counted_sightings
from analysis.robustness import (
    GLOBAL,
    JITTER_REPEATS,
    JITTER_SIMULATIONS,
    ROBUSTNESS_RADII_KM,
    Scenario,
    robustness,
    single_radius_spread,
    summarise,
)
from analysis.stats import simulate_null
from analysis.wording import (
    CHANCE_SUBJECTS,
    format_p,
    format_share,
    headline,
    p_equals,
    p_range,
)
from layers import get_layer, load_bytes
from tests import shipped as data

DATA, SEED, shipped = data.DATA, data.SEED, data.shipped
AT_FACILITY = "amuay-refinery-visit"


def shipped_layers():
    return (*data.shipped_layers(), data.shipped_boundary())


@pytest.fixture(scope="module")
def layers():
    return shipped_layers()


@pytest.fixture(scope="module")
def full(layers):
    """The panel with the command line's defaults (9,999 simulations)."""
    facilities, sightings, boundary = layers
    return robustness(facilities, sightings, rng=SEED, boundary=boundary, r_min_km=20)


def quick_panel(layers, **options):
    facilities, sightings, boundary = layers
    options = {"rng": SEED, "boundary": boundary, "r_min_km": 20, "simulations": 999,
               "jitter_repeats": 3, "jitter_simulations": 199, **options}
    return robustness(facilities, sightings, **options)


# -- the panel -----------------------------------------------------------------------------
@shipped
def test_scenario_fields_and_values(full):
    assert [f.name for f in dataclasses.fields(Scenario)] == [
        "null", "radius_km", "jitter", "left_out", "at_facility_included", "n_sightings",
        "observed_within", "p_value", "p_value_low", "p_value_high", "simulations"]
    assert {s.null for s in full.scenarios} == {"towns", "towns_weighted", "uniform"}
    assert full.skipped == ()
    for s in full.scenarios:
        assert set(s.to_dict()) == {f.name for f in dataclasses.fields(Scenario)}
        assert s.radius_km == GLOBAL or s.radius_km in ROBUSTNESS_RADII_KM
        assert (s.observed_within is None) == (s.radius_km == GLOBAL)
        if s.observed_within is not None:
            assert 0 <= s.observed_within <= s.n_sightings
        assert 0 < s.p_value <= 1
        if s.jitter:
            assert s.left_out is None and s.simulations == JITTER_SIMULATIONS
            assert s.p_value_low <= s.p_value <= s.p_value_high
        else:
            assert s.p_value_low is None and s.p_value_high is None
            assert s.simulations == 9999
            assert (s.p_value * 10_000) == pytest.approx(round(s.p_value * 10_000))
    json.dumps(full.to_dict())  # JSON-able as it is
    settings = full.to_dict()["settings"]
    assert (settings["jitter_repeats"], settings["jitter_simulations"]) == (JITTER_REPEATS,
                                                                            JITTER_SIMULATIONS)
    assert settings["r_min_km"] == 20 and settings["r_max_km"] == 300


@shipped
def test_base_scenario_equals_the_single_radius_and_global_tests_with_the_seed(layers, full):
    facilities, sightings, _ = layers
    counted = counted_sightings(sightings)
    null = simulate_null(facilities, counted, simulations=9999, rng=SEED)
    base = full.base(50.0)
    assert (base.null, base.jitter, base.left_out, base.at_facility_included) == (
        "towns", False, None, False)
    assert base.n_sightings == 3
    assert base.p_value == null.evaluate(50).p_value == 0.1407
    assert base.observed_within == null.evaluate(50).observed_within == 2
    for radius in ROBUSTNESS_RADII_KM:
        assert full.base(radius).p_value == null.evaluate(radius).p_value
    assert full.base(GLOBAL).p_value == global_test(null, 20, 300).p_value == 0.0243
    assert full.global_by_null()["towns"] == 0.0243
    assert full.single_radius_range() == single_radius_spread(null)


@shipped
def test_quick_panel_and_other_choices_reuse_the_seed(layers, full):
    facilities, sightings, boundary = layers
    quick = robustness(facilities, sightings, rng=SEED, boundary=boundary, r_min_km=20,
                       jitter_repeats=0, leave_one_out=False, both_choices=False)
    assert len(quick.scenarios) == 3 * (len(ROBUSTNESS_RADII_KM) + 1)
    for s in quick.scenarios:  # the same numbers as in the full panel
        assert s in full.scenarios
    # the included choice, and another null, each with the seed itself
    included = quick_panel(layers, include_at_facility=True, null="uniform",
                           jitter_repeats=0, leave_one_out=False, both_choices=False)
    null = simulate_null(facilities, sightings, "uniform", simulations=999, rng=SEED,
                         boundary=boundary)
    assert included.base(50.0).n_sightings == 4
    assert included.base(50.0).p_value == null.evaluate(50).p_value
    assert included.base(GLOBAL).p_value == global_test(null, 20).p_value


@shipped
def test_leave_one_out_rows_for_every_counted_sighting(layers, full):
    _, sightings, _ = layers
    for included in (False, True):
        counted = counted_sightings(sightings, included)
        ids, n = set(counted.id), len(counted)
        rows = [s for s in full.rows(included) if not s.jitter]
        assert {s.left_out for s in rows} - {None} == ids
        for s in rows:
            assert s.n_sightings == (n if s.left_out is None else n - 1)
        for null in ("towns", "towns_weighted", "uniform"):
            for left_out in ids:
                radii = [s.radius_km for s in rows if s.null == null and s.left_out == left_out]
                assert radii == [*ROBUSTNESS_RADII_KM, GLOBAL]


@shipped
def test_both_at_facility_choices_and_the_visit_counted_only_when_included(full):
    assert full.has_at_facility and not full.include_at_facility
    excluded, included = full.rows(False), full.rows(True)
    assert excluded and included and len(excluded) + len(included) == len(full.scenarios)
    assert {s.n_sightings for s in excluded if s.left_out is None} == {3}
    assert {s.n_sightings for s in included if s.left_out is None} == {4}
    assert AT_FACILITY in {s.left_out for s in included}
    assert AT_FACILITY not in {s.left_out for s in excluded}
    # the visit is at its facility (0 km): counting it raises K at every radius
    for radius in ROBUSTNESS_RADII_KM:
        assert full.base(radius, True).observed_within == full.base(radius).observed_within + 1


@shipped
def test_summary_is_consistent_with_the_rows(full):
    for included in (False, True):
        rows = full.rows(included)
        p = [s.p_value for s in rows]
        assert full.summary(included) == {"p_min": min(p), "p_max": max(p),
                                          "below_0_05": sum(v < 0.05 for v in p),
                                          "scenarios": len(rows)}
        assert full.summary(included) == summarise(rows)
    # 3 nulls x ((1 + n left out) x (5 radii + global) + 6 jittered rows)
    assert full.summary()["scenarios"] == 3 * (4 * 6 + 6) == 90
    assert full.summary(True)["scenarios"] == 3 * (5 * 6 + 6) == 108
    data = full.to_dict()
    assert data["summary"] == full.summary()
    assert data["summary_other_at_facility_choice"] == full.summary(True)
    assert data["robustness"] == [s.to_dict() for s in full.scenarios]
    low, high = full.single_radius_range()
    single = [s.p_value for s in full.rows() if s.null == "towns" and not s.jitter
              and s.left_out is None and s.radius_km != GLOBAL]
    assert (low, high) == (min(single), max(single))
    assert summarise([]) == {"p_min": None, "p_max": None, "below_0_05": 0, "scenarios": 0}


@shipped
def test_same_seed_same_panel_other_seed_different(layers):
    first, second = quick_panel(layers), quick_panel(layers)
    assert first == second and first.to_dict() == second.to_dict()
    other = quick_panel(layers, rng=7)
    assert [s.p_value for s in other.scenarios] != [s.p_value for s in first.scenarios]


@shipped
def test_without_a_boundary_uniform_rows_are_absent_and_skipped_is_said(layers):
    panel = quick_panel(layers, boundary=None)
    assert panel.scenarios and {s.null for s in panel.scenarios} == {"towns",
                                                                      "towns_weighted"}
    assert panel.skipped == ("uniform null: no boundary given",)
    assert panel.to_dict()["skipped"] == ["uniform null: no boundary given"]
    assert "uniform" not in panel.global_by_null()


def test_panel_without_id_column_leaves_out_the_at_facility_row():
    facilities = gpd.GeoDataFrame(geometry=gpd.points_from_xy([-66.9], [10.5]), crs=4326)
    sightings = gpd.GeoDataFrame(
        {"placement": ["at_facility", "independent"]},
        geometry=gpd.points_from_xy([-66.9, -62.6], [10.5, 8.3]), crs=4326)
    panel = robustness(facilities, sightings, simulations=99, rng=1, r_min_km=5,
                       jitter_repeats=0, leave_one_out=False, both_choices=False)
    # the independent sighting is ~500 km away: none within 10 km
    assert panel.base(10.0).observed_within == 0


# -- wording -------------------------------------------------------------------------------
@pytest.mark.parametrize("p, text", [
    (0.04421, "0.044"), (0.0005, "< 0.001"), (1.0, "1"), (0.1, "0.1"), (0.1822, "0.18"),
    (0.0243, "0.024"), (0.001, "0.001"), (0.0999, "0.1"), (0.0001, "< 0.001"), (0.0, "< 0.001"),
    (0.5, "0.5"), (0.0807, "0.081"), (0.3739, "0.37"), (0.00999, "0.01"), (1, "1"),
])
def test_format_p(p, text):
    assert format_p(p) == text
    assert p_equals(p) == (f"p {text}" if text.startswith("<") else f"p = {text}")


@pytest.mark.parametrize("bad", [-0.01, 1.01, float("nan"), float("inf")])
def test_format_p_rejects_what_is_not_a_p_value(bad):
    with pytest.raises(ValueError, match="between 0 and 1"):
        format_p(bad)


@pytest.mark.parametrize("share, text", [
    (0.0243, "2.4%"), (0.5, "50%"), (0.0004, "less than 0.1%"), (0, "none"), (1.0, "100%"),
    (0.001, "0.1%"), (0.12, "12%"), (0.0999, "10%"), (0.05, "5%"),
])
def test_format_share(share, text):
    assert format_share(share) == text


def test_p_range_uses_one_formatter_for_both_ends():
    assert p_range(0.0807, 0.3739) == "p = 0.081 to 0.37"
    assert p_range(0.0004, 0.05) == "p < 0.001 to 0.05"
    assert p_range(0.2, 0.2) == p_range(0.2, 0.2001) == "p = 0.2"


def sentences(text):
    return re.split(r"(?<=[.;])\s+(?=[A-Z0-9])", text)


def shipped_headline(null="towns", global_p=0.0243, **options):
    arguments = dict(observed_within=2, n_sightings=3, radius_km=50, null=null,
                     global_p=global_p, r_min_km=20, r_max_km=300,
                     single_radius_p=(0.0807, 0.3739))
    return headline(**{**arguments, **options})


def test_headline_for_uniform_warns_in_the_same_sentence_as_its_p():
    text = shipped_headline(null="uniform", global_p=0.0004)
    with_p = [s for s in sentences(text) if "global test, p" in s]
    assert len(with_p) == 1 and "weak comparison" in with_p[0]
    assert "p < 0.001" in with_p[0]


def test_headline_other_null_uniform_warns_in_the_same_sentence_as_its_p():
    text = shipped_headline(other_nulls={"towns": 0.0243, "towns_weighted": 0.16,
                                         "uniform": 0.001})
    assert text.count("p = 0.024") == 1  # the chosen null is not repeated among the others
    other = [s for s in sentences(text) if "other chance models" in s]
    assert len(other) == 1
    assert re.search(r"p = 0\.001 \(points anywhere in Venezuela, a weak comparison", other[0])
    assert "weak" not in text.replace(other[0], "")


def test_headline_for_towns_has_no_warning_and_reads_as_documented():
    text = shipped_headline()
    assert "weak" not in text and CHANCE_SUBJECTS["towns"] in text
    assert text.startswith("2 of 3 independent sightings lie within 50 km of a "
                           "Russian-financed asset.")
    assert "2.4% of draws (global test, p = 0.024)" in text
    assert "single-radius results range from p = 0.081 to 0.37" in text
    assert shipped_headline(global_p=None) == text.split(" Across")[0]


def share_and_p(text):
    match = re.search(r"close in (.+?) of draws \(global test, p (?:= )?(.+?)\)", text)
    return match.group(1), match.group(2)


def assert_one_rounding(p):
    text = shipped_headline(global_p=p, other_nulls={"uniform": p})
    share, shown = share_and_p(text)
    if shown.startswith("<"):
        assert share == "less than 0.1%"
    else:
        assert math.isclose(float(share.rstrip("%")) / 100, float(shown)), (share, shown)
    for number in re.findall(r"\d+\.\d+", text):  # two significant digits at most
        assert len(number.replace(".", "").lstrip("0")) <= 2, number


@pytest.mark.parametrize("p", [0.0243, 0.04421, 0.5, 1.0, 0.001, 0.0005, 0.0999, 0.1407,
                               0.0001, 0.05])
def test_headline_never_uses_more_than_one_rounding(p):
    assert_one_rounding(p)


@pytest.mark.parametrize("p", [0.0125, 0.0445, 0.155])
def test_headline_share_and_p_agree_at_half_way_values(p):
    assert_one_rounding(p)


# -- placement of sightings ----------------------------------------------------------------
def sighting(**overrides):
    properties = {
        "id": "s1", "name": "A sighting", "category": "sighting", "confidence": "reported",
        "location_precision_km": 5, "date": "2019-05", "description": "", "people": 2,
        "sources": [{"publisher": "Meduza", "title": "T", "published": "2019", "url": None,
                     "quote": "q"}],
        **overrides,
    }
    document = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [-70.2, 11.7]},
        "properties": properties}]}
    return load_bytes(json.dumps(document).encode(), "upload.geojson", get_layer("sightings"))


def test_placement_at_facility_with_its_facility_is_accepted():
    result = sighting(placement="at_facility", placement_facility="amuay-refinery")
    assert not result.errors
    assert result.frame["placement"].tolist() == ["at_facility"]
    assert result.frame["placement_facility"].tolist() == ["amuay-refinery"]
    assert not sighting(placement="independent").errors
    assert not sighting().errors  # independent is the default


@pytest.mark.parametrize("overrides, message", [
    ({"placement": "at_facility"}, "placement 'at_facility' needs placement_facility"),
    ({"placement": "at_facility", "placement_facility": None}, "needs placement_facility"),
    ({"placement": "independent", "placement_facility": "amuay-refinery"},
     "placement_facility is only for placement 'at_facility'"),
    ({"placement_facility": "amuay-refinery"}, "only for placement 'at_facility'"),
    ({"placement": "nearby"}, "expected 'independent' or 'at_facility', found 'nearby'"),
])
def test_placement_problems_are_rejected_with_a_message(overrides, message):
    result = sighting(**overrides)
    assert len(result.errors) == 1 and len(result.frame) == 0
    assert message in str(result.errors[0])
    assert str(result.errors[0]).startswith("upload.geojson: feature 's1'")


@shipped
def test_shipped_at_facility_sightings_name_an_existing_facility_and_lie_at_it():
    facilities = {f["properties"]["id"]: f for f in
                  json.loads((DATA / "facilities.geojson").read_text())["features"]}
    sightings = json.loads((DATA / "sightings.geojson").read_text())["features"]
    at_facility = [f for f in sightings if f["properties"].get("placement") == "at_facility"]
    assert {f["properties"]["id"] for f in at_facility} >= {AT_FACILITY}
    geod = Geod(ellps="WGS84")
    for feature in sightings:
        properties = feature["properties"]
        if properties.get("placement") != "at_facility":
            assert properties.get("placement_facility") is None
            continue
        facility = facilities.get(properties["placement_facility"])
        assert facility is not None, properties["id"]
        assert facility["geometry"]["type"] == "Point"
        distance_km = geod.inv(*feature["geometry"]["coordinates"],
                               *facility["geometry"]["coordinates"])[2] / 1000
        assert distance_km <= (properties["location_precision_km"]
                               + facility["properties"]["location_precision_km"])


@shipped
def test_shipped_at_facility_sighting_is_nearest_to_the_facility_it_names(layers):
    facilities, sightings, _ = layers
    from analysis.prepare import facility_index, sighting_coordinates

    rows = sightings[sightings["placement"] == "at_facility"]
    nearest, distance = facility_index(facilities).nearest(*sighting_coordinates(rows))
    assert facilities.id.iloc[nearest].tolist() == rows.placement_facility.tolist()
    assert np.all(distance < 1.0)
