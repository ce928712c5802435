"""The publication figure in Spanish and Russian (issue 13): every fixed text the figure
draws comes from the catalogue, data stay as written, and the command line stays English.

The English texts are taken from the code (the strings the catalogue extracts from the
modules the figure draws from), so a new English string that is not translated, or not
passed through ``_()``, makes these tests fail.
"""

import os
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

import figures
import ui.i18n  # noqa: F401  (installs the app's catalogues, as the app does)
from figures import layout, scene
from figures.presets import DEFAULT_TITLE
from layers import language
from layers.language import speaking
from mapview.build import MapState
from ui.i18n import catalogue_path, translations

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import build_locale  # noqa: E402

#: The modules whose texts a figure draws (its own, and the headline's and dates').
FIGURE_SOURCES = sorted(REPO.glob("figures/*.py")) + [
    REPO / "analysis" / "summary.py", REPO / "analysis" / "wording.py",
    REPO / "layers" / "dates.py"]
PLACEHOLDER = re.compile(r"\{\w*\}")


def english_messages() -> list[str]:
    """Every English message the figure may draw: the figure's modules' ``_()`` strings
    and the registry's legend words."""
    messages = []
    for path in FIGURE_SOURCES:
        for _line, message, _comments, _context in extract_from_file("python", str(path)):
            messages.extend(message if isinstance(message, tuple) else [message])
    messages += [text for text, where in build_locale.table_messages()
                 if where == "layers/registry.py"]
    return messages


def translated_texts(language_code: str) -> dict[str, str]:
    """{English: translation} as the ``.po`` has them (untranslated ones left out)."""
    with catalogue_path(language_code, ".po").open("rb") as handle:
        catalog = read_po(handle, locale=language_code)
    out = {}
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and all(forms) and not message.fuzzy:
            out.update(dict.fromkeys(ids, " ".join(forms)))
    return out


def fixed_fragments(language_code: str) -> set[str]:
    """The pieces of English between placeholders that the language's translation does
    not keep (a piece it keeps, such as 'km' in Spanish, cannot tell); every piece of an
    untranslated message."""
    catalogue = translated_texts(language_code)
    pieces = set()
    for message in english_messages():
        translated = catalogue.get(message, "")
        for piece in PLACEHOLDER.split(message):
            piece = piece.strip(" .,;:")
            if len(re.sub(r"[^A-Za-z]", "", piece)) >= 4 and piece not in translated:
                pieces.add(plain(piece))
    return pieces


def svg_lines(data: bytes) -> list[str]:
    """The SVG's text elements, each a line, spaces of every kind as one space."""
    root = ET.fromstring(data)
    return [" ".join("".join(node.itertext()).split())
            for node in root.iter("{http://www.w3.org/2000/svg}text")]


def plain(text: str) -> str:
    return " ".join(text.split())


def data_lines(info) -> set[str]:
    """Lines drawn from the data: feature labels and basemap names (never translated)."""
    lines = {line for label in info.labels for line in label.get_text().split("\n")}
    lines |= {line for name in info.place_labels for line in name.split("\n")}
    lines |= {" ".join(name.upper()) for name in info.place_labels}
    return {plain(line) for line in lines}


@pytest.fixture(scope="module")
def frames():
    return figures.default_frames()


@pytest.fixture(scope="module")
def drawn(frames):
    """{language: (figure info, svg lines)} for a 4x5 figure of the shipped story."""
    out = {}
    for code in ("en", "es", "ru"):
        with speaking(code):
            figure = figures.render_figure(frames, MapState(), preset="4x5", simulations=99)
            out[code] = (figure.footprint, svg_lines(figures.figure_bytes(figure, "svg")))
    return out


def test_the_english_texts_are_found_in_the_english_figure(drawn):
    """The check below is not vacuous: the fragments it looks for are in the English
    figure."""
    info, lines = drawn["en"]
    text = " ".join(lines)
    found = [piece for piece in fixed_fragments("es") if piece in text]
    for expected in ("Where Russian specialists were seen in Venezuela", "Area shown",
                     "Documented flight (great circle)", "Map data: Natural Earth"):
        assert any(piece.startswith(expected) for piece in found), expected


@pytest.mark.parametrize("code", ["es", "ru"])
def test_no_english_fixed_text_is_left_in_a_translated_figure(drawn, code):
    info, lines = drawn[code]
    data = data_lines(info)
    text = " ".join(line for line in lines if line not in data)
    left = sorted(piece for piece in fixed_fragments(code) if piece in text)
    assert not left, f"{code}: English left in the figure: {left}"


@pytest.mark.parametrize("code", ["es", "ru"])
def test_every_line_of_the_english_figure_that_is_not_data_changes(drawn, code):
    """A fixed text drawn without ``_()`` (which no catalogue would know) stays English:
    each line of the English figure with words in it, other than data, is not in the
    translated one."""
    english, english_lines = drawn["en"]
    info, lines = drawn[code]
    data = data_lines(english) | data_lines(info)
    same = [line for line in english_lines if line not in data
            and len(re.sub(r"[^A-Za-z]", "", line)) >= 3 and line in lines]
    assert not same, f"{code}: lines left in English: {same}"


@pytest.mark.parametrize(("code", "expected"), [
    ("es", ["Dónde se vio a especialistas rusos en Venezuela, 2018–19", "Zona mostrada",
            "Vuelo documentado (ortodrómica)", "500 km", "Fuentes: Meduza.",
            "Datos del mapa: Natural Earth (dominio público)",
            "Círculos: 50 km alrededor de cada avistamiento.", "diciembre de 2018 a 2019",
            "Fuera de la prueba (situado en una instalación)", "Activo financiado por Rusia"]),
    ("ru", ["Где видели российских специалистов в Венесуэле,", "Показанная область",
            "Известный рейс (по ортодромии)", "500 км", "Источники: Meduza.",
            "Картографические данные: Natural Earth", "С",
            "Круги: 50 км вокруг каждого наблюдения.", "декабрь 2018\xa0г. — 2019",
            "Симуляций: 99, зерно"]),
])
def test_a_translated_figure_has_its_title_legend_credits_and_furniture(drawn, code,
                                                                         expected):
    info, lines = drawn[code]
    text = " ".join(lines)
    for piece in expected:
        assert plain(piece) in text, (code, piece)
    assert info.title.startswith(translations(code).gettext(DEFAULT_TITLE))


@pytest.mark.parametrize("code", ["es", "ru"])
def test_data_stay_as_written_in_a_translated_figure(drawn, code):
    """Sources, feature labels and place names are data: the same in every language."""
    english, _ = drawn["en"]
    info, lines = drawn[code]
    assert [a.get_text() for a in info.labels] == [a.get_text() for a in english.labels]
    assert "Maracaibo" in info.place_labels and "Caribbean Sea" in info.place_labels
    assert "Meduza" in info.credits


@pytest.mark.parametrize(("code", "number"), [("es", "p = 0,"), ("ru", "p = 0,")])
def test_numbers_in_a_translated_credit_line_use_the_decimal_comma(drawn, code, number):
    info, _ = drawn[code]
    assert number in info.credits
    assert "p = 0." not in info.credits


@pytest.mark.parametrize(("code", "expected"), [
    ("es", "Sin etiqueta por falta de espacio: Coro: hotel."),
    ("ru", "Без подписи из-за нехватки места: Coro: hotel."),
    ("en", "Not labelled for lack of room: Coro: hotel.")])
def test_the_note_on_labels_left_out_is_in_the_language(code, expected):
    with speaking(code):
        assert layout.note_text(["Coro: hotel"]) == expected


def test_speaking_outside_any_streamlit_run_writes_that_language():
    state = MapState(radius_km=25)
    with speaking("es"):
        assert language.language() == "es"
        assert scene.default_title(("2019-01", "2019-05")) == (
            "Dónde se vio a especialistas rusos en Venezuela, 2019")
        assert "Círculos: 25 km alrededor de cada avistamiento." in scene.default_subtitle(
            state, ("2019-01", "2019-05"), ["flights"])
        with speaking("en"):
            assert scene.default_title(None) == DEFAULT_TITLE
        assert scene.range_words("2019-05-03", "2019-05-03") == "3 de mayo de 2019"
    with speaking("ru"):
        assert scene.default_subtitle(state, ("2019-01", "2019-05"), ["flights"]).endswith(
            "Рейсы датированы: январь — май 2019\xa0г.")
    assert language.language() == "en"
    assert scene.default_title(None) == DEFAULT_TITLE


def test_speaking_holds_for_its_own_thread_only():
    seen = {}
    inside, done = threading.Event(), threading.Event()

    def reader():
        inside.wait(5)
        seen["other"] = scene.default_title(None)
        done.set()

    thread = threading.Thread(target=reader)
    thread.start()
    with speaking("ru"):
        inside.set()
        done.wait(5)
        seen["mine"] = scene.default_title(None)
    thread.join(5)
    assert seen == {"other": DEFAULT_TITLE,
                    "mine": "Где видели российских специалистов в Венесуэле"}


def test_without_the_apps_catalogues_speaking_stays_english(monkeypatch):
    monkeypatch.setattr(language, "_loader", None)
    with speaking("es"):
        assert scene.default_title(None) == DEFAULT_TITLE


def test_the_command_line_figure_stays_english(tmp_path):
    out = tmp_path / "map.svg"
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "figure", "--preset", "1x1", "-o", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=180,
        env={**os.environ, "PYTHONPATH": str(REPO), "LANG": "es_ES.UTF-8",
             "LANGUAGE": "es"})
    assert result.returncode == 0, result.stderr
    text = " ".join(svg_lines(out.read_bytes()))
    assert "Where Russian specialists were seen in Venezuela" in text
    assert "Area shown" in text and "Map data: Natural Earth (public domain)" in text
    spanish = translations("es")
    for message in ("Area shown", "Documented flight (great circle)"):
        assert spanish.gettext(message) not in text
