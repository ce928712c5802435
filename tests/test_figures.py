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


# --------------------------------------------------------------------------- extent, labels
NORTH_WEST = (-72.5, 9.5, -67.0, 12.5)


def lonlat_of(figure, x, y):
    from pyproj import Transformer

    return Transformer.from_crs(figure.footprint.crs, "EPSG:4326", always_xy=True).transform(x, y)


def test_bounds_are_drawn_exactly_and_nothing_outside_is_labelled(frames):
    figure = render_figure(frames, MapState(), preset="16x9", bounds=NORTH_WEST, scale=SMALL,
                           simulations=99)
    axes = figure.axes[0]
    (x0, x1), (y0, y1) = axes.get_xlim(), axes.get_ylim()
    west, south = lonlat_of(figure, x0, y0)
    east, north = lonlat_of(figure, x1, y1)
    assert (west, south, east, north) == pytest.approx(NORTH_WEST, abs=1e-6)
    assert figure.footprint.extent_lonlat == pytest.approx(NORTH_WEST, abs=1e-6)
    texts = [a.get_text() for a in figure.footprint.labels]
    assert any("Coro" in t for t in texts) and any("Acarigua" in t for t in texts)
    assert not any("Puerto Ordaz" in t or "Guri" in t or "Caracas" in t for t in texts)
    for annotation in figure.footprint.labels:  # every labelled anchor lies inside
        lon, lat = lonlat_of(figure, *annotation.xy)
        assert west <= lon <= east and south <= lat <= north
    assert not figure.footprint.unplaced_labels  # outside is not "no room"


def test_only_visible_layers_are_drawn(frames):
    state = MapState(visible_layers=("sightings",))
    figure = render_figure(frames, state, preset="1x1", scale=SMALL, simulations=99)
    texts = " ".join(a.get_text() for a in figure.footprint.labels)
    assert "Coro" in texts and "Kalashnikov" not in texts
    assert not figure.footprint.edge_labels  # no flights
    assert "Documented flight (great circle)" not in figure.footprint.legend_labels


def test_given_labels_replace_short_names_and_reach_the_svg(frames):
    figure = render_figure(frames, MapState(), preset="4x5", scale=SMALL, simulations=99,
                           labels={"guri-dam": "Guri hydro dam (edited)",
                                   "amuay-refinery-visit": ""})
    text = svg_text(figure_bytes(figure, "svg"))
    assert "Guri hydro dam (edited)" in text
    assert "advisers' visit" not in text
    assert "Amuay refinery" in text  # the refinery at the same place keeps its label


def test_short_names_are_the_default_labels(rendered):
    texts = " ".join(t for t, _ in layout_boxes(rendered["16x9"])[0])
    assert "Puerto Ordaz: Rosa Bela hotel" in texts and "Ciudad Guayana" not in texts


def test_unknown_label_id_is_named():
    frames = default_frames()
    with pytest.raises(ValueError, match="no-such-id"):
        render_figure(frames, MapState(), labels={"no-such-id": "x"}, scale=SMALL,
                      simulations=99)


def crowded_sightings(frames, count=14):
    """Sightings a few km apart around Coro, each with a long name: no room for all."""
    import geopandas as gpd
    import shapely

    base = frames["sightings"].iloc[0].to_dict()
    rows = []
    for i in range(count):
        row = dict(base, id=f"crowd-{i}", name=f"Crowded place number {i}: a long label",
                   geometry=shapely.Point(-69.68 + 0.05 * (i % 4), 11.41 + 0.05 * (i // 4)))
        rows.append(row)
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def test_labels_without_room_are_listed_on_the_figure_and_in_the_info(frames):
    figure = render_figure({**frames, "sightings": crowded_sightings(frames)}, MapState(),
                           preset="print", scale=SMALL, simulations=99)
    info = figure.footprint
    assert info.unplaced_labels
    placed = [a.get_text() for a in info.labels]
    for i in range(14):  # every label is either drawn or named in the note: none dropped
        name = f"Crowded place number {i}"
        assert any(name in t for t in placed) or any(name in t for t in info.unplaced_labels)
    text = svg_text(figure_bytes(figure, "svg"))
    assert "Not labelled for lack of room:" in text
    note = " ".join(info.note.split())
    assert all(" ".join(u.split())[:20] in note for u in info.unplaced_labels[:2])


def havana_flight(frames):
    import geopandas as gpd
    import shapely

    base = frames["flights"].iloc[0].to_dict()
    row = dict(base, id="caracas-havana", name="Caracas to Havana", origin="Caracas",
               destination="Havana (MUHA)",
               geometry=shapely.LineString([(-66.99, 10.60), (-82.41, 22.99)]))
    return gpd.GeoDataFrame([row], crs="EPSG:4326")


def test_a_flight_leaving_the_frame_ends_in_an_arrow_and_its_destination(frames):
    figure = render_figure({**frames, "flights": havana_flight(frames)}, MapState(),
                           preset="16x9", bounds=(-75, 5, -60, 14), simulations=99)
    info = figure.footprint
    assert info.edge_labels == ["to Havana"]
    assert "to Havana" in svg_text(figure_bytes(figure, "svg"))
    frame = figure.axes[0].get_window_extent(figure.canvas.get_renderer())
    (tip_x, tip_y), (tail_x, tail_y) = info.edge_arrows[0]
    on_edge = min(abs(tip_x - frame.x0), abs(tip_x - frame.x1), abs(tip_y - frame.y0),
                  abs(tip_y - frame.y1))
    assert on_edge <= 3  # the head sits on the frame...
    assert tip_x < tail_x and tip_y > tail_y  # ...pointing out, north-west, towards Havana
    # The drawn line stops at the frame.
    line = figure.footprint.flight_lines[0]
    x0, x1 = figure.axes[0].get_xlim()
    y0, y1 = figure.axes[0].get_ylim()
    bx0, by0, bx1, by1 = line.bounds
    assert x0 - 1 <= bx0 and bx1 <= x1 + 1 and y0 - 1 <= by0 and by1 <= y1 + 1


def test_flight_from_off_the_map_is_named_at_the_frame(rendered):
    assert "from Moscow" in rendered["16x9"].footprint.edge_labels


def dated_sightings(frames):
    sightings = frames["sightings"].copy()
    sightings["date"] = ["2017-03-02", None, None, "2018-07", None]  # Coro, Puerto Ordaz
    return sightings


def test_title_and_subtitle_dates_come_from_what_is_shown(frames):
    state = MapState(visible_layers=("sightings", "facilities"))
    figure = render_figure({**frames, "sightings": dated_sightings(frames)}, state,
                           preset="1x1", scale=SMALL, simulations=99)
    assert figure.footprint.title.endswith(", 2017–18")
    assert "Sightings dated 2 March 2017 to July 2018." in figure.footprint.subtitle
    # Zoomed on Puerto Ordaz: only its sighting's date; on the north-west: only Coro's.
    for bounds, year, words in (((-64, 7.5, -62, 9), "2018", "July 2018"),
                                (NORTH_WEST, "2017", "2 March 2017")):
        zoomed = render_figure({**frames, "sightings": dated_sightings(frames)}, state,
                               preset="1x1", scale=SMALL, simulations=99, bounds=bounds)
        assert zoomed.footprint.title.endswith(f", {year}")
        assert f"Sightings dated {words}." in zoomed.footprint.subtitle


def test_default_title_years_follow_the_data(rendered):
    assert rendered["16x9"].footprint.title.endswith(", 2018–19")  # flights from Dec 2018
    assert "December 2018 to 2019" in rendered["16x9"].footprint.subtitle


def test_credits_hold_no_internal_ids_file_names_or_hashes(rendered):
    import re

    from layers.registry import LAYERS

    for figure in rendered.values():
        credit = figure.footprint.credits
        for layer in LAYERS:  # ids such as orinoco_mining_arc; plain words are fine
            assert layer.file not in credit
            assert "_" not in layer.name or layer.name not in credit
        assert "_" not in credit
        for word in ("russian_asset", "insider_account", ".geojson", ".csv", "Data version",
                     figure.footprint.data_version):
            assert word not in credit
        # no hex digest (the seed, a plain number, is a reader's fact)
        assert not re.search(r"\b(?=[0-9]*[a-f])[0-9a-f]{8,}\b", credit)


def test_the_data_version_extent_and_layers_are_in_every_file_s_metadata(frames):
    import re

    state = MapState(visible_layers=("facilities", "sightings"))
    figure = render_figure(frames, state, preset="1x1", scale=SMALL, simulations=99,
                           data_version="v-2019-06", bounds=(-72.5, 9.5, -67.0, 12.5))
    png = Image.open(io.BytesIO(figure_bytes(figure, "png", scale=SMALL)))
    assert png.info["Data version"] == "v-2019-06"
    assert png.info["Extent"] == "-72.5000 9.5000 -67.0000 12.5000"
    assert png.info["Layers"] == "facilities, sightings"
    described = ("Footprint data version v-2019-06. Extent in degrees, west south east north: "
                 "-72.5000 9.5000 -67.0000 12.5000. Layers: facilities, sightings.")
    root = ET.fromstring(figure_bytes(figure, "svg"))
    metadata = {el.tag.rsplit("}", 1)[-1]: (el.text or "").strip() for el in root.iter()
                if "purl.org/dc/elements" in el.tag}
    assert metadata["description"] == described
    assert metadata["identifier"] == "footprint-data-version:v-2019-06"
    pdf = figure_bytes(figure, "pdf")
    assert re.search(rb"/Subject \(" + re.escape(described.encode()) + rb"\)", pdf)
    automatic = render_figure(frames, MapState(), preset="1x1", scale=SMALL, simulations=99)
    png = Image.open(io.BytesIO(figure_bytes(automatic, "png", scale=SMALL)))
    assert png.info["Extent"] == "automatic"
    assert png.info["Layers"] == "orinoco_mining_arc, flights, facilities, sightings"


def test_default_data_version_is_the_story_layers_fingerprint(rendered, frames):
    from figures.credits import data_version

    assert rendered["1x1"].footprint.data_version == data_version(frames)


def test_finer_basemap_names_the_orinoco_seas_countries_and_cities(rendered):
    names = rendered["4x5"].footprint.place_labels
    for name in ("Orinoco", "Caribbean Sea", "Colombia", "Brazil", "Guyana"):
        assert name in names
    assert "Maracaibo" in names  # a city of a million people


def test_a_missing_basemap_file_leaves_its_layer_out(frames, tmp_path, monkeypatch):
    from figures import basemap

    monkeypatch.setattr(basemap, "BASEMAP_DIR", tmp_path)  # an empty folder: no files
    figure = render_figure(frames, MapState(), preset="1x1", scale=SMALL, simulations=99)
    figure_bytes(figure, "png", scale=SMALL)
    names = figure.footprint.place_labels
    assert "Orinoco" not in names and "Caribbean Sea" not in names
    assert "GSHHG" not in figure.footprint.credits
    assert figure.footprint.labels  # the story is still labelled


def test_placer_with_avoid_hard_never_covers_the_line():
    import shapely

    coast = shapely.LineString([(0, 50), (100, 50)])  # a horizontal coast through the marker
    placed, _ = place_labels([LabelRequest("a", "A", 50, 50, 4)], lambda text: (20, 10),
                             bounds=(0, 0, 100, 100), avoid=[coast], avoid_hard=True)
    box = placed[0].box
    assert box[1] >= 50 or box[3] <= 50  # above or below, never across the coast
    soft, _ = place_labels([LabelRequest("a", "A", 50, 50, 4)], lambda text: (20, 10),
                           bounds=(0, 0, 100, 100), avoid=[coast])
    assert soft[0].box[1] >= 50 or soft[0].box[3] <= 50  # preferred when free


# --------------------------------------------------------------------------- the export panel
def test_export_panel_previews_the_figure_with_the_edited_texts(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    import figures.render

    original_init = PagesManager.__init__

    def init(self, *args, **kwargs):  # as tests/test_app.py: the server's page mode
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    drawn = []
    original = figures.render.render_figure

    def spy(*args, **kwargs):
        figure = original(*args, **kwargs)
        drawn.append((kwargs, figure))
        return figure

    monkeypatch.setattr(figures.render, "render_figure", spy)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception
    assert not drawn  # nothing is drawn until asked
    at.text_input(key="export_title").input("Edited title").run()
    at.text_input(key="export_label_facilities_guri-dam").input("Guri (edited)").run()
    assert not at.image
    at.button(key="export_preview").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.image) == 1 and at.image[0].proto.imgs[0].url.endswith(".png")
    kwargs, figure = drawn[-1]
    assert kwargs["title"] == "Edited title" and kwargs["labels"] == {"guri-dam": "Guri (edited)"}
    assert kwargs["scale"] < 1  # a low-resolution preview
    assert figure.footprint.title == "Edited title"
    assert any(a.get_text() == "Guri (edited)" for a in figure.footprint.labels)
    # Options changed: the old preview is not passed off as the new figure.
    at.text_input(key="export_title").input("Another title").run()
    assert not at.image
