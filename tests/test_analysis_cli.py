"""The command line, run as a subprocess, and the lenient GeoJSON reader."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pyproj import Geod

from analysis.io import InputError, read_feature_file

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "analysis"
FACILITIES = FIXTURES / "facilities.geojson"
SIGHTINGS = FIXTURES / "sightings.geojson"


def run(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "analysis", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def feature(geometry, **properties):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


POINT = {"type": "Point", "coordinates": [-66.9, 10.5]}

BAD_FILES = {
    "missing": None,
    "invalid_json": "{not json",
    "not_a_feature_collection": json.dumps({"type": "Feature", "geometry": POINT}),
    "a_list": json.dumps([1, 2]),
    "feature_without_geometry": json.dumps(
        {"type": "FeatureCollection", "features": [feature(None, id="a")]}),
    "out_of_range": json.dumps(
        {"type": "FeatureCollection",
         "features": [feature({"type": "Point", "coordinates": [-66.9, 100.0]})]}),
    "empty": json.dumps({"type": "FeatureCollection", "features": []}),
    "malformed_geometry": json.dumps(
        {"type": "FeatureCollection",
         "features": [feature({"type": "Polygon", "coordinates": [[1, 2]]})]}),
}


@pytest.mark.parametrize("problem", sorted(BAD_FILES))
@pytest.mark.parametrize("option", ["--facilities", "--sightings"])
def test_bad_input_file_gives_one_line_naming_the_file_and_exit_2(tmp_path, problem, option):
    path = tmp_path / f"{problem}.geojson"
    if BAD_FILES[problem] is not None:
        path.write_text(BAD_FILES[problem])
    other = "--sightings" if option == "--facilities" else "--facilities"
    other_path = SIGHTINGS if other == "--sightings" else FACILITIES
    done = run("proximity", option, path, other, other_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(path) in lines[0]
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("problem", ["missing", "invalid_json", "empty", "out_of_range"])
def test_reader_raises_input_error_with_one_line_message(tmp_path, problem):
    path = tmp_path / "x.geojson"
    if BAD_FILES[problem] is not None:
        path.write_text(BAD_FILES[problem])
    with pytest.raises(InputError) as caught:
        read_feature_file(path)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_reader_takes_id_from_properties_then_feature_then_position(tmp_path):
    path = tmp_path / "ids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature(POINT, id="from-properties"),
        {**feature(POINT), "id": 17},
        feature(POINT),
    ]}))
    assert read_feature_file(path).id.tolist() == ["from-properties", "17", "2"]


def test_proximity_json_schema_and_category_filters():
    done = run("proximity", "--facilities", FACILITIES, "--sightings", SIGHTINGS,
               "--radius-km", 10, "--format", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"radius_km", "sightings", "facilities"}
    assert {s["id"] for s in out["sightings"]} == {"s-caracas", "s-orinoco", "s-far"}
    for sighting in out["sightings"]:
        assert set(sighting) >= {"id", "nearest_facility_id", "distance_km", "within_radius",
                                 "facilities_within"}
    assert {f["id"] for f in out["facilities"]} == {"caracas-office", "maracay-plant",
                                                     "orinoco-block"}
    assert all(set(f) >= {"id", "sightings_within"} for f in out["facilities"])
    by_id = {s["id"]: s for s in out["sightings"]}
    assert by_id["s-orinoco"]["distance_km"] == 0.0  # inside the polygon
    assert by_id["s-caracas"]["facilities_within"] == ["caracas-office"]


def test_category_all_keeps_every_feature():
    done = run("proximity", "--facilities", FACILITIES, "--sightings", SIGHTINGS,
               "--facility-category", "all", "--sighting-category", "all")
    out = json.loads(done.stdout)
    assert len(out["sightings"]) == 4 and len(out["facilities"]) == 4


def test_command_distances_agree_with_independent_geod_inv():
    done = run("proximity", "--facilities", FACILITIES, "--sightings", SIGHTINGS,
               "--facility-category", "all", "--sighting-category", "all")
    out = json.loads(done.stdout)
    facilities = json.loads(FACILITIES.read_text())["features"]
    sightings = json.loads(SIGHTINGS.read_text())["features"]
    points = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in facilities
              if f["geometry"]["type"] == "Point"}
    geod = Geod(ellps="WGS84")
    coords = {f["properties"].get("id", f.get("id")): f["geometry"]["coordinates"]
              for f in sightings}
    for row in out["sightings"]:
        lon, lat = coords[row["id"]]
        if row["nearest_facility_id"] not in points:
            continue
        distances = {fid: geod.inv(lon, lat, *xy)[2] / 1000 for fid, xy in points.items()}
        assert row["distance_km"] == pytest.approx(distances[row["nearest_facility_id"]],
                                                   abs=1e-6)
        assert row["distance_km"] <= min(distances.values()) + 1e-9


def test_test_command_json_keys_and_reproducible_with_seed(tmp_path):
    args = ("test", "--facilities", FACILITIES, "--sightings", SIGHTINGS, "--radius-km", 20,
            "--simulations", 999, "--seed", 5, "--format", "json")
    first, second = run(*args), run(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout  # defaults resolved from the package, not the cwd
    out = json.loads(first.stdout)
    assert {"radius_km", "null", "null_description", "simulations", "seed", "n_sightings",
            "n_facilities", "observed_within", "null_mean_within", "p_value",
            "mean_nearest_distance_km", "null_mean_nearest_distance_km",
            "p_value_mean_distance", "min_achievable_p_value", "can_reach_0_05",
            "statement"} <= set(out)
    assert out["seed"] == 5 and out["simulations"] == 999 and out["n_sightings"] == 3


def test_test_command_uniform_null_with_boundary_sweep_and_uncertainty():
    done = run("test", "--facilities", FACILITIES, "--sightings", SIGHTINGS, "--null", "uniform",
               "--boundary", FIXTURES / "boundary.geojson", "--simulations", 199, "--sweep",
               "--uncertainty", 3, "--format", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert len(out["sweep"]["rows"]) == 300
    assert out["uncertainty"]["repeats"] == 3


def test_markdown_escapes_hostile_text_from_files(tmp_path):
    hostile = tmp_path / "hostile.geojson"
    hostile.write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature(POINT, id="<img src=x onerror=alert(1)>", category="sighting",
                sources=[{"publisher": "[click](javascript:alert(1))"}]),
    ]}))
    for command in ("proximity", "test"):
        extra = ("--simulations", 99) if command == "test" else ()
        done = run(command, "--facilities", FACILITIES, "--sightings", hostile,
                   "--format", "markdown", *extra)
        assert done.returncode == 0, done.stderr
        body = re.sub(r"(?m)^>", "", done.stdout)  # the methodology box is a blockquote
        assert not re.search(r"(?<!\\)<[A-Za-z/!?]", body)  # no unescaped HTML tag
        assert not re.search(r"(?<!\\)\]\(", done.stdout)
    assert "\\<img" in run("proximity", "--facilities", FACILITIES, "--sightings", hostile,
                           "--format", "markdown").stdout


def test_markdown_methodology_box_has_its_sections_in_order():
    done = run("test", "--facilities", FACILITIES, "--sightings", SIGHTINGS,
               "--simulations", 99, "--format", "markdown")
    headings = ("**Finding.**", "*What p means.*", "**Data.**", "**Method.**",
                "**Global test over radii.**", "**Result at 50 km.**", "**Caveats.**")
    positions = [done.stdout.find(heading) for heading in headings]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "not the chance that the pattern is a coincidence" in done.stdout
    assert "WGS84" in done.stdout and "p = " in done.stdout


def test_csv_output_has_one_row_per_sighting():
    done = run("proximity", "--facilities", FACILITIES, "--sightings", SIGHTINGS,
               "--format", "csv")
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("id,nearest_facility_id,distance_km")
    assert len(lines) == 4


def test_sightings_that_are_not_points_are_rejected_with_the_file_named():
    done = run("proximity", "--facilities", FACILITIES, "--sightings", FACILITIES,
               "--sighting-category", "all")
    assert done.returncode == 2
    assert str(FACILITIES) in done.stderr and "points" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(not (REPO / "data" / "facilities.geojson").exists(),
                    reason="shipped layers not present")
def test_default_files_resolve_from_the_package_not_the_cwd(tmp_path):
    done = run("proximity", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sightings"]


# -- the global test, robustness and at-facility sightings on the shipped data --------------
shipped = pytest.mark.skipif(not (REPO / "data" / "facilities.geojson").exists(),
                             reason="shipped layers not present")


def run_json(*args):
    done = run("test", *map(str, args))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@shipped
def test_global_flag_gives_the_erl_test_over_every_whole_radius():
    out = run_json("--global", "--simulations", 999)
    result = out["global"]
    assert result["method"] == "erl"
    assert (result["r_min_km"], result["r_max_km"]) == (20, 300)
    assert result["simulations"] == 999 and 0 < result["p_value"] <= 1
    assert result["n_sightings"] == out["n_sightings"] == 3
    assert "precision" in result["r_min_rule"]
    envelope = result["envelope"]
    lengths = {len(envelope[key]) for key in ("radius_km", "low", "high", "observed")}
    assert lengths == {281}
    assert envelope["radius_km"][0] == 20 and envelope["radius_km"][-1] == 300
    assert all(low <= high for low, high in zip(envelope["low"], envelope["high"],
                                                 strict=True))
    for first, last in result["outside_envelope_km"]:
        for r, observed, high in zip(envelope["radius_km"], envelope["observed"],
                                     envelope["high"], strict=True):
            if first <= r <= last:
                assert observed > high
    assert "global test" in out["headline"]


@shipped
def test_global_r_min_and_r_max_are_respected():
    out = run_json("--global", "--r-min", 30, "--r-max", 100, "--simulations", 999)
    result = out["global"]
    assert (result["r_min_km"], result["r_max_km"]) == (30, 100)
    assert result["envelope"]["radius_km"] == list(range(30, 101))
    assert result["r_min_rule"] == "given with --r-min"
    assert "from 30 to 100 km" in out["headline"]


@shipped
def test_robustness_flag_gives_every_scenario_and_the_summary():
    out = run_json("--robustness")  # the default 9,999 simulations, once
    rows = out["robustness"]
    assert rows and isinstance(rows, list)
    for row in rows:
        assert {"null", "radius_km", "jitter", "left_out", "observed_within",
                "p_value"} <= set(row)
        assert row["radius_km"] == "global" or isinstance(row["radius_km"], int | float)
    summary = out["robustness_summary"]
    assert set(summary) >= {"p_min", "p_max", "below_0_05", "scenarios"}
    chosen = [row for row in rows if row["at_facility_included"] is False]
    p = [row["p_value"] for row in chosen]
    assert summary == {"p_min": min(p), "p_max": max(p),
                       "below_0_05": sum(v < 0.05 for v in p), "scenarios": len(chosen)}
    base = [row for row in chosen if row["null"] == "towns" and not row["jitter"]
            and row["left_out"] is None]
    by_radius = {row["radius_km"]: row["p_value"] for row in base}
    assert by_radius[50.0] == out["p_value"]
    assert by_radius["global"] == 0.0243
    assert out["robustness_skipped"] == []


@shipped
def test_include_at_facility_counts_the_visit():
    left_out = run_json("--simulations", 999)
    assert left_out["n_sightings"] == 3
    assert left_out["left_out_at_facility"] == ["amuay-refinery-visit"]
    assert left_out["include_at_facility"] is False
    included = run_json("--include-at-facility", "--simulations", 999)
    assert included["n_sightings"] == 4 and included["left_out_at_facility"] == []
    assert included["include_at_facility"] is True
    assert included["observed_within"] == left_out["observed_within"] + 1
    assert re.match(r"\d of 4 sightings lie within 50 km", included["headline"])
    assert re.match(r"\d of 3 independent sightings lie within 50 km", left_out["headline"])


@shipped
def test_global_json_is_the_same_for_the_same_seed():
    args = ("test", "--global", "--simulations", 999, "--seed", 11)
    first, second = run(*args), run(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    other = run("test", "--global", "--simulations", 999, "--seed", 12)
    assert json.loads(other.stdout)["global"]["seed"] == 12


@shipped
@pytest.mark.parametrize("extra", [("--r-max", 10), ("--r-min", 50, "--r-max", 40),
                                   ("--r-min", -5), ("--r-max", "nan")])
def test_bad_global_radii_exit_2_with_one_line(extra):
    done = run("test", "--global", "--simulations", 99, *extra)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert re.search(r"r[-_]m(?:in|ax)", lines[0])  # names the option at fault
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("value", ['"nearby"', "5", '["at_facility"]'])
def test_an_unknown_placement_is_named_with_its_file_feature_and_field(tmp_path, value):
    path = tmp_path / "placed.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                    '"geometry": {"type": "Point", "coordinates": [-66.9, 10.5]}, '
                    '"properties": {"id": "s-1", "placement": ' + value + '}}]}')
    done = run("test", "--sightings", path, "--simulations", 99)
    assert done.returncode == 2
    assert str(path) in done.stderr and "'s-1'" in done.stderr
    assert "field 'placement'" in done.stderr and len(done.stderr.strip().splitlines()) == 1
