"""Publication figures: sizes, formats, text as text, labels without overlaps, hostile text."""

import io
import itertools
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from figures import PRESETS, export, figure_bytes, layout_boxes, render_figure
from figures.geo import local_crs, north_angle_deg, projected_length
from figures.labels import LabelRequest, boxes_overlap, place_labels
from figures.render import default_frames
from figures.text import literal, merge_names, short_name
from mapview.build import MapState

REPO = Path(__file__).resolve().parent.parent
SMALL = 0.25  # resolution for tests where pixel size does not matter
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<?xml", "pdf": b"%PDF-"}
HOSTILE_TITLE = "<script>alert(1)</script> & $\\alpha$"
HOSTILE_NAME = "$\\alpha$ <b>bold</b> \\textbf{x}"


@pytest.fixture(scope="module")
def frames():
    return default_frames()


@pytest.fixture(scope="module")
def rendered(frames):
    """One figure per preset at full resolution (for exact label boxes), rendered once."""
    return {name: render_figure(frames, MapState(), preset=name, simulations=999)
            for name in PRESETS}


def svg_text(data: bytes) -> str:
    """Text content of every <text> element, joined with spaces."""
    root = ET.fromstring(data)
    texts = [" ".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text")]
    return " ".join(" ".join(texts).split())


# --------------------------------------------------------------------------- formats and sizes
@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_every_preset_renders_in_every_format(rendered, preset, fmt):
    data = figure_bytes(rendered[preset], fmt, scale=SMALL if fmt == "png" else None)
    assert data.startswith(MAGIC[fmt])


@pytest.mark.parametrize("preset, scale, size, dpi", [
    ("16x9", None, (3200, 1800), 200),   # screens: 2x by default
    ("16x9", 1, (1600, 900), 100),
    ("1x1", 2, (2160, 2160), 200),
    ("4x5", 1, (1080, 1350), 100),
    ("print", None, (1040, 1400), 300),  # one 88 mm column at 300 dpi
])
def test_png_is_preset_size_times_scale_with_dpi_metadata(rendered, preset, scale, size, dpi):
    image = Image.open(io.BytesIO(figure_bytes(rendered[preset], "png", scale=scale)))
    assert image.size == size
    assert tuple(round(v) for v in image.info["dpi"]) == (dpi, dpi)


def test_print_preset_is_a_newspaper_column_at_300_dpi():
    preset = PRESETS["print"]
    assert preset.dpi == 300 and preset.height_px > preset.width_px
    assert round(preset.width_in * 25.4) == 88


def test_export_writes_a_path_and_guesses_the_format(rendered, tmp_path):
    path = tmp_path / "map.pdf"
    export(rendered["print"], str(path))
    assert path.read_bytes().startswith(MAGIC["pdf"])


@pytest.mark.parametrize("fmt, scale", [("gif", None), ("png", 0), ("png", float("nan"))])
def test_export_rejects_unknown_format_or_bad_scale(rendered, fmt, scale):
    with pytest.raises(ValueError):
        figure_bytes(rendered["1x1"], fmt, scale=scale)


def test_svg_is_deterministic(rendered):
    assert figure_bytes(rendered["1x1"], "svg") == figure_bytes(rendered["1x1"], "svg")


# --------------------------------------------------------------------------- text in the SVG
def test_svg_holds_title_legend_and_credits_as_text(rendered):
    figure = rendered["16x9"]
    text = svg_text(figure_bytes(figure, "svg"))
    assert figure.footprint.title in text
    for label in figure.footprint.legend_labels:
        assert label in text
    for credit in ("Sources: Meduza", "Natural Earth", "GeoNames", "airportsdata",
                   "CC BY 4.0", "p = ", "random towns"):
        assert credit in text
    assert "Russian-financed asset" in text and "50 km around each sighting" in text


def test_credit_line_quotes_the_given_test_result_and_the_file_holds_the_version(frames):
    from analysis.stats import proximity_test

    state = MapState(radius_km=25)
    facilities = frames["facilities"][frames["facilities"].category == "russian_asset"]
    sightings = frames["sightings"][frames["sightings"].category == "sighting"]
    result = proximity_test(facilities, sightings, 25, simulations=99, rng=3)
    figure = render_figure(frames, state, preset="1x1", test_result=result,
                           data_version="v-2019-06", scale=SMALL)
    credit = " ".join(figure.footprint.credits.split())
    assert f"p = {result.p_value:.2g} (99 simulations, seed 3)" in credit
    assert "circles of 25 km (geodesic)" in credit and "v-2019-06" not in credit
    assert figure.footprint.data_version == "v-2019-06"


def test_hostile_strings_are_drawn_literally(frames):
    sightings = frames["sightings"].copy()
    sightings.loc[sightings.id == "acarigua-bakery", "name"] = HOSTILE_NAME
    figure = render_figure({**frames, "sightings": sightings}, MapState(), preset="16x9",
                           title=HOSTILE_TITLE, subtitle="100$ and 200$", scale=SMALL,
                           simulations=99)
    data = figure_bytes(figure, "svg")
    assert b"<script>" not in data  # XML-escaped in the file...
    text = svg_text(data)           # ...and literal once parsed
    assert HOSTILE_TITLE in text
    assert "100$ and 200$" in text
    assert HOSTILE_NAME in text
    figure_bytes(figure, "png", scale=SMALL)  # mathtext would fail or eat the dollars
    assert all(not a.get_usetex() for a in figure.footprint.labels)


def test_very_long_title_is_ellipsised_to_two_lines(frames):
    figure = render_figure(frames, MapState(), preset="print", title="word " * 200,
                           scale=SMALL, simulations=99)
    title = next(t for t in figure.texts if t.get_text().startswith("word"))
    assert title.get_text().endswith("…") and title.get_text().count("\n") <= 1


# --------------------------------------------------------------------------- labels
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_labels_overlap_neither_each_other_nor_markers(rendered, preset):
    figure = rendered[preset]
    labels, markers = layout_boxes(figure)
    assert labels and not figure.footprint.unplaced_labels
    boxes = [box.extents for _, box in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not boxes_overlap(a, b)
    for label, marker in itertools.product(boxes, (m.extents for m in markers)):
        assert not boxes_overlap(label, marker)
    map_box = figure.axes[0].get_window_extent(figure.canvas.get_renderer())
    assert all(map_box.x0 <= b[0] and b[2] <= map_box.x1 and map_box.y0 <= b[1]
               and b[3] <= map_box.y1 for b in boxes)


def test_features_at_one_place_share_one_label(rendered):
    texts = [text for text, _ in layout_boxes(rendered["1x1"])[0]]
    acarigua = [t for t in texts if "bakery" in t]
    assert len(acarigua) == 1 and "CEMAREH" in acarigua[0]
    assert sum("Rosneft office" in t for t in texts) == 1


def test_placer_puts_two_labels_at_one_point_on_both_sides():
    requests = [LabelRequest("a", "A", 50, 50, 4), LabelRequest("b", "B", 50, 50, 4)]
    placed, unplaced = place_labels(requests, lambda text: (20, 10),
                                    obstacles=[(46, 46, 54, 54)], bounds=(0, 0, 100, 100))
    assert not unplaced and not boxes_overlap(placed[0].box, placed[1].box)


def test_placer_moves_a_crowded_label_out_with_a_leader():
    obstacles = [(0, 35, 100, 65)]  # a band the marker sits in: no room next to it
    placed, _ = place_labels([LabelRequest("a", "A", 50, 50, 10)], lambda text: (30, 10),
                             obstacles=obstacles, bounds=(0, 0, 100, 100), step=10)
    assert placed[0].leader


def test_placer_leaves_out_a_label_that_fits_nowhere():
    placed, unplaced = place_labels([LabelRequest("a", "A", 5, 5, 2)], lambda text: (50, 50),
                                    bounds=(0, 0, 20, 20))
    assert not placed and unplaced[0].key == "a"


@pytest.mark.parametrize("value, limit, expected", [
    (None, None, ""),
    ("a\nb\tc", None, "a b c"),
    ("x" * 10, 5, "xxxx…"),
    ("zero\u200bwidth", None, "zerowidth"),
])
def test_literal(value, limit, expected):
    assert literal(value, limit) == expected


@pytest.mark.parametrize("names, expected", [
    (["Acarigua: bakery", "CEMAREH helicopter maintenance centre, Acarigua"],
     ["Acarigua: bakery", "CEMAREH helicopter maintenance centre"]),
    (["Amuay refinery: advisers' visit", short_name("Amuay refinery (offered, 2018)")],
     ["Amuay refinery: advisers' visit"]),
    (["A", "A"], ["A"]),
])
def test_merge_names(names, expected):
    assert merge_names(names) == expected


# --------------------------------------------------------------------------- geodesy
def test_scale_and_north_are_geodesic_in_the_local_projection():
    crs = local_crs(-66.2, 7.2)
    dx, dy = projected_length(crs, -66.2, 7.2, 200.0)
    assert abs(dx - 200_000) < 1 and abs(dy) < 1
    assert abs(north_angle_deg(crs, 0, 0)) < 1e-6
    assert north_angle_deg(crs, 600_000, 400_000) > 0  # meridians converge north


def test_map_is_not_drawn_in_degrees(rendered):
    x0, x1 = rendered["16x9"].axes[0].get_xlim()
    assert x1 - x0 > 100_000  # projected metres


# --------------------------------------------------------------------------- command line
def run(*args):
    return subprocess.run([sys.executable, "-m", "analysis", "figure", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_cli_writes_a_figure(tmp_path, fmt):
    out = tmp_path / f"map.{fmt}"
    result = run("--radius-km", 30, "--preset", "4x5", "--format", fmt, "--scale", SMALL,
                 "-o", out, "--title", "T $x$", "--layers", "sightings", "facilities",
                 "--null", "uniform", "--date-start", "2019-01-01")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(MAGIC[fmt])


@pytest.mark.parametrize("args", [
    ["--sightings", "missing.geojson"],
    ["--facilities", "BAD"],
    ["--date-end", "2019-02-30"],
    ["--radius-km", "-1"],
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, args):
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    args = [str(bad) if a == "BAD" else a for a in args]
    result = run(*args, "-o", tmp_path / "x.png")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
