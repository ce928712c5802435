"""Bad input to the command line: one line on stderr, the right exit code, never a traceback,
and the valid parts kept (issue 15)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from layers.validation import MAX_FILE_BYTES

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "analysis"
FACILITIES = FIXTURES / "facilities.geojson"


def run(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "analysis", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def one_line(done) -> str:
    """The only line on stderr (asserting there is one and no traceback)."""
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def fc(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def point(coordinates, **properties) -> dict:
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Point", "coordinates": coordinates}}


SWAPPED_CSV = "name,lat,lon\nCoro,-69.68,11.41\nCaracas,10.5,-66.9\n"


def test_points_that_look_swapped_stop_the_command_with_a_hint(tmp_path):
    path = tmp_path / "swapped.csv"
    path.write_text(SWAPPED_CSV)
    done = run("proximity", "--sightings", path, "--facilities", FACILITIES)
    assert done.returncode == 2 and done.stdout == ""
    line = one_line(done)
    assert line.startswith(f"error: {path}: ") and "look swapped" in line
    assert "--swap-lat-lon" in line


def test_swap_lat_lon_applies_the_same_swap_as_the_app(tmp_path):
    from layers.readers import read_bytes

    path = tmp_path / "swapped.csv"
    path.write_text(SWAPPED_CSV)
    done = run("proximity", "--sightings", path, "--facilities", FACILITIES,
               "--swap-lat-lon")
    assert done.returncode == 0, done.stderr
    app = read_bytes(SWAPPED_CSV.encode(), "swapped.csv", "sightings", swap=True)
    expected = sorted(zip(app.frame.geometry.x, app.frame.geometry.y, strict=True))
    assert expected == [(-69.68, 11.41), (-66.9, 10.5)]
    ids = [row["id"] for row in json.loads(done.stdout)["sightings"]]
    assert len(ids) == 2  # both kept, the swapped one moved into Venezuela


def test_reader_warnings_reach_stderr_and_the_run_succeeds(tmp_path):
    import geopandas as gpd

    path = tmp_path / "mercator.gpkg"
    gpd.GeoDataFrame({"id": ["s-1"]}, geometry=gpd.points_from_xy([-66.9], [10.5]),
                     crs=4326).to_crs(3857).to_file(path)
    done = run("proximity", "--sightings", path, "--facilities", FACILITIES)
    assert done.returncode == 0
    assert one_line(done).startswith(f"warning: {path}: field 'crs': ")
    assert [s["id"] for s in json.loads(done.stdout)["sightings"]] == ["s-1"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_before_reading(device):
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    done = run("proximity", "--sightings", device)
    assert done.returncode == 2 and done.stdout == ""
    assert one_line(done) == f"error: {device}: expected a regular file, found a character " \
                             "device"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.geojson"
    os.mkfifo(fifo)
    done = run("proximity", "--sightings", fifo)  # would hang if it were opened
    assert done.returncode == 2
    assert one_line(done) == f"error: {fifo}: expected a regular file, found a named pipe " \
                             "(FIFO)"


def test_a_folder_is_refused(tmp_path):
    done = run("proximity", "--sightings", tmp_path)
    assert done.returncode == 2
    assert one_line(done) == f"error: {tmp_path}: expected a regular file, found a folder"


def test_a_file_over_the_one_byte_limit_is_refused_while_reading(tmp_path):
    path = tmp_path / "big.geojson"
    with path.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_FILE_BYTES + 1)
    done = run("proximity", "--sightings", path)
    assert done.returncode == 2
    assert one_line(done) == (f"error: {path}: expected a file of at most "
                              f"{MAX_FILE_BYTES:,} bytes (25 MB), found a larger file")


def test_a_file_at_the_byte_limit_is_read(tmp_path):
    body = fc(point([-66.9, 10.5], id="s-1")).encode()
    path = tmp_path / "padded.geojson"
    path.write_bytes(body + b" " * (MAX_FILE_BYTES - len(body)))
    done = run("proximity", "--sightings", path, "--facilities", FACILITIES)
    assert done.returncode == 0, done.stderr
    assert [s["id"] for s in json.loads(done.stdout)["sightings"]] == ["s-1"]


@pytest.mark.parametrize("args, option", [
    (("test", "--simulations", 10**9), "--simulations should be between 99 and 99,999"),
    (("test", "--simulations", 10), "--simulations should be between 99 and 99,999"),
    (("test", "--uncertainty", 10**9), "--uncertainty should be between 0 and 1,000"),
    (("test", "--radius-km", "1e9"), "--radius-km should be between 0 and 20,003.93 km"),
    (("proximity", "--radius-km", "-1"), "--radius-km should be between 0 and 20,003.93 km"),
    (("proximity", "--radius-km", "nan"), "--radius-km should be between 0 and 20,003.93 km"),
    (("figure", "--radius-km", "1e9", "-o", "never.png"),
     "--radius-km should be between 0 and 300 km (the map's largest radius)"),
    (("figure", "--radius-km", "5000", "-o", "never.png"),
     "--radius-km should be between 0 and 300 km (the map's largest radius)"),
])
def test_counts_and_radii_out_of_bounds_give_one_line_and_exit_2(args, option, tmp_path):
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert one_line(done).startswith(f"error: {option}")
    assert not (tmp_path / "never.png").exists()


def test_the_app_and_the_command_share_the_simulation_and_radius_bounds():
    from analysis.settings import BOUNDS, MAP_RADIUS_KM
    from ui.settings import INT_RANGES, RADIUS_MAX_KM, RADIUS_MIN_KM

    assert INT_RANGES["simulations"] is BOUNDS["simulations"]
    assert (RADIUS_MIN_KM, RADIUS_MAX_KM) == MAP_RADIUS_KM


def test_the_uploader_caption_and_reader_state_one_byte_limit():
    import tomllib

    from layers.validation import MAX_FILE_MB

    assert MAX_FILE_BYTES == MAX_FILE_MB * 1_000_000  # the uploader's MB are 10**6 bytes
    upload = (REPO / "ui" / "upload.py").read_text()
    assert "max_upload_size=MAX_FILE_MB" in upload
    assert "{mb} MB" in upload and "mb=number(MAX_FILE_MB)" in upload  # the caption's limit
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    # The server's ceiling (MiB) lies above the limit, so only the reader's message refuses.
    assert config["server"]["maxUploadSize"] * 2**20 >= MAX_FILE_BYTES
    assert "26,214,400" not in (REPO / "data" / "README.md").read_text()


def test_messages_name_default_files_relative_to_the_repository(tmp_path):
    done = run("proximity", "--sightings", FACILITIES, "--sighting-category", "nothing")
    assert done.returncode == 2
    assert str(FACILITIES) in one_line(done)  # typed by the user: shown as typed
    done = run("proximity", "--sighting-category", "nothing")
    line = one_line(done)
    assert "data/sightings.geojson" in line and str(REPO) not in line


def test_a_sweep_at_the_simulation_bound_finishes_in_bounded_memory(tmp_path):
    from analysis.settings import BOUNDS

    high = BOUNDS["simulations"][1]
    # The peak of this process's own memory (VmHWM): getrusage's ru_maxrss would also
    # count the test runner's memory at the fork, which Linux keeps across exec.
    code = ("import re, sys\nfrom analysis.cli import main\n"
            f"code = main(['test', '--sweep', '--simulations', '{high}'])\n"
            "status = open('/proc/self/status').read()\n"
            "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1), file=sys.stderr)\n"
            "sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sweep"]["simulations"] == high
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    assert peak_kib < 400 * 1024  # was 640 MB before the histogram was counted in chunks


@pytest.mark.parametrize("simulations, sightings", [(99, 3), (2_501, 40), (10, 1)])
def test_the_sweep_envelope_from_chunked_counts_equals_numpys_quantiles(simulations,
                                                                         sightings):
    import numpy as np

    from analysis.stats import _count_histogram, _quantile_from_histogram, counts_within

    simulated = np.random.default_rng(7).uniform(0, 400, (simulations, sightings))
    radii = np.arange(1.0, 301.0)
    histogram = _count_histogram(simulated, radii, sightings)
    k_sim = counts_within(simulated, radii)
    for q in (0.025, 0.5, 0.975):
        assert np.array_equal(_quantile_from_histogram(histogram, q),
                              np.quantile(k_sim, q, axis=0))


# (name, coordinates) of points whose coordinates are not numbers
NOT_NUMBERS = [("strings", ["-66.9", "10.5"]), ("booleans", [True, False]),
               ("null", None), ("null_inside", [None, 10.5]),
               ("nested_wrong", [[-66.9, 10.5]]), ("object", {"lon": -66.9, "lat": 10.5})]


@pytest.mark.parametrize("name, coordinates", NOT_NUMBERS, ids=[n for n, _ in NOT_NUMBERS])
def test_coordinates_that_are_not_numbers_are_refused_naming_file_and_feature(
        tmp_path, name, coordinates):
    path = tmp_path / f"{name}.geojson"
    path.write_text(fc(point([-66.9, 10.5], id="good"), point(coordinates, id="bad")))
    done = run("proximity", "--sightings", path, "--facilities", FACILITIES)
    assert done.returncode == 2 and done.stdout == ""
    line = one_line(done)
    assert line.startswith(f"error: {path}: feature 'bad': field 'geometry")


def test_a_geopackage_blob_column_is_dropped_with_one_warning_line(tmp_path):
    import sqlite3

    import geopandas as gpd

    path = tmp_path / "blob.gpkg"
    gpd.GeoDataFrame({"id": ["s-1"]}, geometry=gpd.points_from_xy([-66.9], [10.5]),
                     crs=4326).to_file(path, layer="sightings", SPATIAL_INDEX="NO")
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE sightings ADD COLUMN photo BLOB")
        connection.execute("UPDATE sightings SET photo = x'00ff00ff'")
    done = run("proximity", "--sightings", path, "--facilities", FACILITIES)
    assert done.returncode == 0, done.stderr
    assert one_line(done).startswith(f"warning: {path}: field 'photo': ")
    assert [s["id"] for s in json.loads(done.stdout)["sightings"]] == ["s-1"]


def test_invisible_characters_in_names_become_a_warning_and_are_removed(tmp_path):
    path = tmp_path / "names.geojson"
    path.write_text(fc(point([-66.9, 10.5], id="s\u200b1", name="Coro\u202ehotel")))
    done = run("proximity", "--sightings", path, "--facilities", FACILITIES)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith(f"warning: {path}: ") for line in lines)
    assert {"field 'id'", "field 'name'"} <= {part for line in lines
                                              for part in line.split(": ")}
    assert [s["id"] for s in json.loads(done.stdout)["sightings"]] == ["s1"]
    assert "\u202e" not in done.stdout and "\u200b" not in done.stdout



def test_the_analysis_the_app_calls_refuses_radii_by_the_same_rule():
    import geopandas as gpd

    from analysis.stats import simulate_null

    simulated = simulate_null(gpd.GeoSeries.from_xy([-66.9], [10.5], crs=4326),
                              gpd.GeoSeries.from_xy([-66.9], [10.6], crs=4326),
                              simulations=99, rng=0)
    assert simulated.evaluate(20_003.93).observed_within == 1
    with pytest.raises(ValueError, match=r"^radius_km should be between 0 and 20,003.93 km"):
        simulated.evaluate(1e9)


# -- spreadsheet formulas in CSV downloads ---------------------------------------------------
HOSTILE_CELLS = [("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
                 ("\r=1+1", "'\r=1+1"), ("+cmd|'/c calc'!A0", "'+cmd|'/c calc'!A0"),
                 ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("-1+2", "'-1+2"),
                 ("-66.9", "-66.9"), ("+1", "+1"), ("1e-3", "1e-3"), ("Coro", "Coro")]


@pytest.mark.parametrize("cell, expected", HOSTILE_CELLS, ids=[repr(c) for c, _ in HOSTILE_CELLS])
def test_csv_headers_and_values_are_neutralised_quoted_and_parse_back(cell, expected):
    import csv
    import io

    from analysis.report import spreadsheet_csv

    text = spreadsheet_csv([cell, "next"], [[cell, "x"], ["y", cell]])
    if "\r" in cell:
        assert f'"{expected}"' in text  # quoted: a reader does not start a row there
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [[expected, "next"], [expected, "x"], ["y", expected]]


def test_the_proximity_csv_neutralises_hostile_ids_and_keeps_one_row_per_sighting():
    import csv
    import io

    import pandas as pd

    from analysis.proximity import ProximityResult
    from analysis.report import proximity_csv

    table = pd.DataFrame({"id": ["\r=1+1", "=HYPERLINK(1)"], "nearest_facility_id": ["@f", "g"],
                          "distance_km": [1.5, 2.0], "within_radius": [True, False],
                          "facilities_within": [["@f"], []]})
    rows = list(csv.reader(io.StringIO(proximity_csv(ProximityResult(5.0, table, None)),
                                       newline="")))
    assert [len(row) for row in rows] == [6, 6, 6]
    assert [row[0] for row in rows[1:]] == ["'\r=1+1", "'=HYPERLINK(1)"]
    assert rows[1][1] == rows[1][4] == "'@f"


def test_the_display_table_neutralises_headers_and_has_no_line_break_in_a_cell():
    import pandas as pd

    from ui.present import table_for_display

    shown = table_for_display(pd.DataFrame({"=HYPERLINK(1)": ["\r=1+1", "a\nb"],
                                            "lon": [-66.9, -67.0]}))
    assert shown.columns.tolist() == ["'=HYPERLINK(1)", "lon"]
    assert shown.iloc[:, 0].tolist() == ["' =1+1", "a b"]
    assert shown["lon"].tolist() == [-66.9, -67.0]
