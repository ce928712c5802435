"""Exports beyond a PNG (issue 14): the HTML embed, the GeoPackage and the KML, read back.

The shipped story is written once per format; the GeoPackage is read back with pyogrio
(layers, fields, styles), the KML with fastkml (validated against the KML 2.2 schema), the
HTML is checked as text here (the browser test opens it). Hostile text goes through all
three. The command's bad output paths give one line and exit 2.
"""

import json
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import fastkml
import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import Geod

import exports
import figures
from analysis.proximity import proximity_table
from exports.qml import rgba
from exports.story import prepare_story
from layers.registry import PALETTE
from mapview.build import MapState
from tests.hostile import PAYLOADS, hostile_sightings_geojson, jinja_ran

REPO = Path(__file__).resolve().parent.parent
STORY_LAYERS = ("orinoco_mining_arc", "flights", "facilities", "sightings")
STYLE_COLUMNS = ["id", "f_table_catalog", "f_table_schema", "f_table_name",
                 "f_geometry_column", "styleName", "styleQML", "styleSLD", "useAsDefault",
                 "description", "owner", "ui", "update_time"]
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def frames():
    return figures.default_frames()


@pytest.fixture(scope="module")
def written(frames, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    paths = {fmt: folder / f"story.{fmt}" for fmt in ("html", "gpkg", "kml")}
    for path in paths.values():
        exports.write(path, None, frames, MapState(radius_km=50))
    return paths


def hostile_frames(frames):
    sightings = gpd.GeoDataFrame.from_features(hostile_sightings_geojson()["features"],
                                               crs=4326)
    return {**frames, "sightings": sightings}


# --------------------------------------------------------------------------- format, path
@pytest.mark.parametrize("target, fmt, expected", [
    ("story-map.html", None, "html"), ("story.GPKG", None, "gpkg"), ("a/b.kml", None, "kml"),
    ("x.htm", None, "html"), ("x.png", None, "png"), ("x.kml", "gpkg", "gpkg"),
    ("no-extension", "html", "html"),
])
def test_format_comes_from_the_extension_and_format_overrides_it(target, fmt, expected):
    assert exports.format_for(target, fmt) == expected


@pytest.mark.parametrize("name, fmt, message", [
    ("story.txt", None, "unknown file type '.txt'"),
    ("story", None, "unknown file type (no extension)"),
    ("story.html", "docx", "unknown format 'docx'"),
    ("missing/story.html", None, "does not exist"),
    ("a-file.txt/story.html", None, "is not a folder"),
    (".", None, "is a folder"),
])
def test_a_bad_target_is_refused_before_any_work(tmp_path, name, fmt, message):
    (tmp_path / "a-file.txt").write_text("x")
    with pytest.raises(exports.ExportPathError, match=message.replace("(", r"\(")
                       .replace(")", r"\)")):
        exports.check_target(tmp_path / name, fmt)


def test_a_failed_write_leaves_no_partial_file(tmp_path, frames, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("stopped")

    monkeypatch.setattr("exports.kml.kml_text", boom)
    with pytest.raises(RuntimeError):
        exports.write(tmp_path / "story.kml", None, frames, MapState())
    assert list(tmp_path.iterdir()) == []


def test_to_bytes_gives_the_same_file_as_write(written, frames):
    body = exports.to_bytes("kml", frames, MapState(radius_km=50))
    assert body == written["kml"].read_bytes()


# --------------------------------------------------------------------------- GeoPackage
def test_geopackage_holds_every_story_layer_the_buffers_and_the_proximity_table(written,
                                                                                  frames):
    layers = dict(pyogrio.list_layers(written["gpkg"]))
    # flights mix points and lines: one table each
    assert set(layers) == {"orinoco_mining_arc", "flights_lines", "flights_points",
                           "facilities", "sightings", "buffers", "proximity",
                           "layer_styles"}
    assert layers["orinoco_mining_arc"] == "Polygon" and layers["flights_lines"] \
        == "LineString" and layers["proximity"] is None
    sightings = pyogrio.read_dataframe(written["gpkg"], layer="sightings")
    assert len(sightings) == len(frames["sightings"])
    for field in ("id", "name", "confidence", "location_precision_km", "date",
                  "location_method", "sources", "placement", "time_start", "time_end"):
        assert field in sightings.columns, field
    coro = sightings.set_index("id").loc["coro-cumberland-hotel"]
    original = frames["sightings"].set_index("id").loc["coro-cumberland-hotel"]
    assert json.loads(coro["sources"]) == original["sources"]  # sources as JSON text
    assert str(coro["time_start"].date()) == str(coro["time_end"].date()) == "2019-05-03"
    flights = pyogrio.read_dataframe(written["gpkg"], layer="flights_points")
    assert len(flights) + len(pyogrio.read_dataframe(written["gpkg"], layer="flights_lines")) \
        == len(frames["flights"])


def test_geopackage_buffers_are_geodesic_at_the_chosen_radius(written):
    buffers = pyogrio.read_dataframe(written["gpkg"], layer="buffers")
    proximity = pyogrio.read_dataframe(written["gpkg"], layer="proximity")
    assert len(buffers) == len(proximity) == 3  # the three counted sightings
    assert set(buffers["radius_km"]) == {50.0}
    sightings = pyogrio.read_dataframe(written["gpkg"], layer="sightings").set_index("id")
    for row in buffers.itertuples():
        centre = sightings.loc[row.id].geometry
        lon, lat = shapely.get_coordinates(row.geometry.exterior).T
        _, _, metres = GEOD.inv([centre.x] * len(lon), [centre.y] * len(lat), lon, lat)
        assert abs(metres / 1000 - 50).max() < 0.01


def test_geopackage_proximity_table_matches_the_analysis(written, frames):
    table = pyogrio.read_dataframe(written["gpkg"], layer="proximity").set_index("sighting_id")
    story = prepare_story(frames, MapState(radius_km=50), headline="-")
    expected = proximity_table(story.tested_facilities, story.tested_sightings, 50.0)
    for row in expected.sightings.itertuples():
        got = table.loc[row.id]
        assert got["nearest_facility_id"] == row.nearest_facility_id
        assert got["distance_km"] == pytest.approx(row.distance_km, abs=0.001)
        assert bool(got["within_radius"]) == bool(row.within_radius)
        assert json.loads(got["facilities_within"]) == list(row.facilities_within)
        assert got["radius_km"] == 50
    assert table["within_radius"].sum() == 2  # as the result line says: 2 of 3


def test_geopackage_stores_a_qgis_style_per_layer_in_the_app_colours(written):
    with sqlite3.connect(written["gpkg"]) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(layer_styles)")]
        rows = connection.execute("SELECT f_table_name, f_geometry_column, styleQML, "
                                  "useAsDefault FROM layer_styles").fetchall()
        contents = dict(connection.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert columns == STYLE_COLUMNS
    assert contents["layer_styles"] == "attributes"
    styled = {name: (column, qml, default) for name, column, qml, default in rows}
    assert set(styled) == {"orinoco_mining_arc", "flights_lines", "flights_points",
                           "facilities", "sightings", "buffers"}
    for name, (column, qml, default) in styled.items():
        assert column == "geom" and default == 1
        assert ET.fromstring(qml.split("\n", 1)[1]).tag == "qgis", name
    sightings = ET.fromstring(styled["sightings"][1].split("\n", 1)[1])
    renderer = sightings.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "confidence"
    colours = {o.get("value") for o in sightings.iter("Option") if o.get("name") == "color"}
    assert rgba(PALETTE["blue"]) in colours and rgba(PALETTE["yellow"]) in colours
    arc = ET.fromstring(styled["orinoco_mining_arc"][1].split("\n", 1)[1])
    assert rgba(PALETTE["orange"], 0.25) in {o.get("value") for o in arc.iter("Option")}


# --------------------------------------------------------------------------- KML
def _placemarks(document):
    return {folder.name: list(folder.features) for folder in document.features}


def test_kml_parses_back_valid_with_a_folder_per_layer(written, frames):
    document = fastkml.KML.parse(written["kml"], validate=True).features[0]
    folders = _placemarks(document)
    assert list(folders) == ["Orinoco Mining Arc (schematic)", "Documented flights",
                             "Facilities", "Sightings of Russian specialists",
                             "Buffers, 50 km around sightings (geodesic)"]
    assert len(folders["Documented flights"]) == len(frames["flights"])
    arc = folders["Orinoco Mining Arc (schematic)"][0]
    assert arc.geometry.geom_type == "Polygon"
    kinds = {p.geometry.geom_type for p in folders["Documented flights"]}
    assert kinds == {"LineString", "Point"}
    assert document.name.startswith("Where Russian specialists were seen in Venezuela")


def test_kml_placemarks_carry_names_escaped_descriptions_styles_and_times(written):
    document = fastkml.KML.parse(written["kml"]).features[0]
    sightings = {p.name: p for p in _placemarks(document)["Sightings of Russian specialists"]}
    coro = sightings["Coro: Cumberland hotel by the airport"]
    assert "They’ve taken up an entire floor" in coro.description  # the quote
    assert "Reported: from a journalist" in coro.description
    assert coro.style_url.url == "#sightings-reported"
    assert str(coro.times.timestamp) == "2019-05-03"
    data = {d.name: d.value for d in coro.extended_data.elements}
    assert data["location_precision_km"] == "1" and data["date"] == "2019-05-03"
    assert json.loads(data["sources"])[0]["publisher"] == "Meduza"
    bakery = next(p for name, p in sightings.items() if "Acarigua" in name)
    assert (str(bakery.times.begin), str(bakery.times.end)) == ("2019-01-01", "2019-12-31")
    undated = [p for p in sightings.values() if p.times is None]
    assert len(undated) == 1  # the Rosneft guard's account has no date
    styles = {style.id: style for style in document.styles}
    icon = next(s for s in styles["sightings-confirmed"].styles
                if isinstance(s, fastkml.IconStyle))
    assert icon.color == "ffb27200"  # Okabe-Ito blue as aabbggrr


# --------------------------------------------------------------------------- HTML
def test_html_is_one_file_that_loads_nothing_and_fits_the_budget(written):
    html = written["html"].read_text("utf-8")
    assert written["html"].stat().st_size < 2_000_000
    assert "<script src=" not in html and "<link rel=\"stylesheet\"" not in html
    assert "/app/static" not in html
    assert '"basemapData": {"layers"' in html and '"basemapUrl": null' in html
    assert 'name="viewport"' in html
    for text in ("Where Russian specialists were seen in Venezuela", "What p means",
                 "independent sightings lie within 50 km", "Sources: Meduza", "Legend"):
        assert text in html, text


# --------------------------------------------------------------------------- hostile
def test_hostile_text_stays_inert_in_every_format(tmp_path, frames):
    hostile = hostile_frames(frames)
    title = PAYLOADS["script_close"]
    for fmt in ("html", "gpkg", "kml"):
        exports.write(tmp_path / f"h.{fmt}", None, hostile, MapState(), title=title,
                      simulations=99)
    assert not jinja_ran()
    html = (tmp_path / "h.html").read_text("utf-8")
    for raw in ("<script>window.__pwned", "onerror=\"window", "onload=\"window",
                "${window.__pwned", "`; window.__pwned", "</script><script>window"):
        assert raw not in html, raw
    # GeoPackage: the text round-trips literally (it is data, not markup)
    names = set(pyogrio.read_dataframe(tmp_path / "h.gpkg", layer="sightings")["name"])
    assert set(PAYLOADS.values()) <= names
    # KML: names literal, descriptions escaped HTML, javascript: never a link
    document = fastkml.KML.parse(tmp_path / "h.kml", validate=True).features[0]
    assert document.name == title
    placemarks = _placemarks(document)["Sightings of Russian specialists"]
    assert set(PAYLOADS.values()) <= {p.name for p in placemarks}
    for placemark in placemarks:
        for raw in ("<script", "<img", "<svg", "<b onmouseover", "href=\"javascript"):
            assert raw not in placemark.description, (placemark.name, raw)


# --------------------------------------------------------------------------- command
def run(*args):
    return subprocess.run([sys.executable, "-m", "analysis", "export", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("name, extra, message", [
    ("missing-folder/story-map.html", [], "does not exist"),
    ("story.docx", [], "unknown file type '.docx'"),
    ("story.kml", ["--format", "docx"], "invalid choice"),
    ("", [], "is a folder"),
])
def test_a_bad_output_path_is_one_line_and_exit_2(tmp_path, name, extra, message):
    result = run("-o", tmp_path / name, *extra)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    assert message in lines[-1]
    if message != "invalid choice":  # argparse prints its usage line first
        assert len(lines) == 1 and lines[0].startswith("error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_command_writes_the_kml_and_prints_its_size(tmp_path):
    out = tmp_path / "story.kml"
    result = run("-o", out, "--layers", "sightings", "facilities", "--radius-km", 25,
                 "--bounds", -72, 8, -62, 12)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out} (") and "kB)" in result.stdout
    document = fastkml.KML.parse(out).features[0]
    assert [f.name for f in document.features] == [
        "Facilities", "Sightings of Russian specialists",
        "Buffers, 25 km around sightings (geodesic)"]
    assert round(document.view.longitude, 3) == -67.0


@pytest.mark.filterwarnings("ignore:.*non conformant file extension")
def test_format_overrides_the_extension_on_the_command_line(tmp_path):
    out = tmp_path / "story.data"
    result = run("-o", out, "--format", "gpkg", "--layers", "sightings")
    assert result.returncode == 0, result.stderr
    assert "sightings" in dict(pyogrio.list_layers(out))
