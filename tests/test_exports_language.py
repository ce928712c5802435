"""The HTML embed, KML and GeoPackage in Spanish and Russian (issue 13): fixed texts from
the catalogues, data, table names and field names as written; the command line English."""

import sqlite3

import pyogrio
import pytest

import exports
import figures
import ui.i18n  # noqa: F401  (installs the app's catalogues, as the app does)
from layers.language import speaking
from layers.registry import BY_NAME
from mapview.build import MapState
from ui.i18n import translations

RUN = {"simulations": 99, "seed": 1}


@pytest.fixture(scope="module")
def frames():
    return figures.default_frames()


@pytest.fixture(scope="module")
def files(frames, tmp_path_factory):
    """{(language, format): path} of the shipped story in each language."""
    folder = tmp_path_factory.mktemp("exports-language")
    out = {}
    for code in ("en", "es", "ru"):
        for fmt in ("html", "kml", "gpkg"):
            path = folder / f"story-{code}.{fmt}"
            with speaking(code):
                path.write_bytes(exports.to_bytes(fmt, frames, MapState(radius_km=50), **RUN))
            out[code, fmt] = path
    return out


def said(code: str, message: str) -> str:
    return translations(code).gettext(message)


@pytest.mark.parametrize("code", ["es", "ru"])
def test_the_embed_has_translated_texts_and_verbatim_data(files, code):
    page = files[code, "html"].read_text("utf-8")
    for message in ("Where Russian specialists were seen in Venezuela",
                    "Layers: Footprint (CC BY 4.0)"):
        assert said(code, message) in page
        assert message not in page
    assert said(code, "Data version {version}.").split("{")[0] in page
    assert "Data version" not in page and "What p means" not in page
    assert "Meduza" in page  # a source's name is data


@pytest.mark.parametrize("code", ["es", "ru"])
def test_the_kml_names_its_folders_in_the_language_and_keeps_the_data(files, code):
    text = files[code, "kml"].read_text("utf-8")
    english = files["en", "kml"].read_text("utf-8")
    for name in ("facilities", "sightings", "flights"):
        label = BY_NAME[name].legend_label
        assert f"<name>{said(code, label)}</name>" in text
        assert f"<name>{label}</name>" in english
        assert f"<name>{label}</name>" not in text
    buffers = said(code, "Buffers, {km} km around sightings (geodesic)").format(km="50")
    assert buffers in text and "(geodesic)" not in text
    assert "<name>Coro: Cumberland hotel by the airport</name>" in text  # names are data
    assert '<Data name="confidence">' in text  # field names stay


@pytest.mark.parametrize("code", ["es", "ru"])
def test_the_geopackage_describes_itself_in_the_language_with_its_tables_unchanged(files,
                                                                                   code):
    path, english = files[code, "gpkg"], files["en", "gpkg"]
    tables = [row[0] for row in pyogrio.list_layers(path)]
    assert tables == [row[0] for row in pyogrio.list_layers(english)]
    with sqlite3.connect(path) as connection:
        styles = set(connection.execute("SELECT description FROM layer_styles"))
        contents = dict(connection.execute(
            "SELECT table_name, description FROM gpkg_contents"))
        qml = "".join(row[0] for row in connection.execute("SELECT styleQML FROM layer_styles"))
    assert styles == {(said(code, "Colours of the Footprint map"),)}
    assert contents["layer_styles"] == said(code, "QGIS layer styles")
    assert contents["buffers"] == said(
        code, "Geodesic buffers of {km} km (WGS84) around sightings").format(km="50")
    assert f'label="{said(code, "Other")}"' in qml and 'label="Other"' not in qml
    sightings = pyogrio.read_dataframe(path, layer="sightings")
    assert list(sightings.columns) == list(pyogrio.read_dataframe(english,
                                                                  layer="sightings").columns)
    assert set(pyogrio.read_dataframe(path, layer="buffers")["around"]) == {"sightings"}


def test_the_english_files_have_the_english_texts(files):
    page = files["en", "html"].read_text("utf-8")
    assert "Data version" in page and "What p means" in page
    with sqlite3.connect(files["en", "gpkg"]) as connection:
        assert set(connection.execute("SELECT description FROM layer_styles")) == {
            ("Colours of the Footprint map",)}


def test_outside_speaking_an_export_is_english_even_with_the_app_installed(frames):
    """The command line and scripts: no run, no speaking() block, English."""
    kml = exports.to_bytes("kml", frames, MapState(radius_km=50), **RUN).decode("utf-8")
    assert "Buffers, 50 km around sightings (geodesic)" in kml
