"""In a real browser: ?lang=ru and ?lang=es leave no English interface string visible.

The English strings looked for are the catalogue's own (``locale/footprint.pot``): every
msgid used by the page, the sidebar and the frame, cut at its placeholders into pieces long
enough not to occur by chance in data (names, quotes and publishers stay as they are)."""

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.browser.conftest import App

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
#: The text a reader sees: the page, the sidebar, the navigation, and what menus show.
VISIBLE = """() => document.body.innerText + ' ' + Array.from(document.querySelectorAll(
  '[data-testid="stSidebar"] input')).map(i => i.value).join(' ')"""
#: Shorter pieces could be data ("Facilities" is also a word in a quote); these are not.
MIN_PIECE = 14
#: The shipped data's own text (names, quotes, publishers): shown as it is in any language,
#: so a piece that occurs in it is not looked for.
DATA_TEXT = " ".join(
    json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
    for path in sorted((ROOT / "data").glob("*.*json")))


def english_pieces(language: str, *modules: str) -> set[str]:
    """The literal pieces of every msgid used in ``modules`` that ``language`` translates
    differently ("Venezuela (Natural Earth)" is the same in Spanish)."""
    with (ROOT / "locale" / language / "LC_MESSAGES" / "footprint.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    pieces = set()
    for message in catalog:
        if not message.id or not {path for path, _ in message.locations} & set(modules):
            continue
        if message.string == message.id:
            continue
        for text in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for piece in re.split(r"\{\w*\}|\*\*|[“”]", text):
                piece = piece.strip(" .,:;…")
                if len(piece) >= MIN_PIECE and piece not in DATA_TEXT:
                    pieces.add(piece)
    return pieces


FRAME = ("app.py", "ui/state.py")


def _open(app: App, path: str) -> str:
    app.open("?" + path.split("?")[1])  # the server routes a page's path once it ran
    app.open(path, with_map=False)
    app.page.wait_for_selector('[data-testid="stHeading"]')
    return app.page.evaluate(VISIBLE)


@pytest.mark.parametrize(("path", "modules", "expected"), [
    ("sources?lang=ru", ("pages/sources_page.py",),
     ["Источники и метод", "Насколько надёжно каждое сообщение?", "Утверждения без места",
      "Карта и тест"]),
    ("sources?lang=es", ("pages/sources_page.py",),
     ["Fuentes y método", "¿Qué tan segura es cada información?", "Afirmaciones sin lugar",
      "Mapa y prueba"]),
    ("data?lang=es", ("pages/data_page.py", "ui/upload.py", "ui/workspace.py",
                      "layers/registry.py"),
     ["Fuentes y método", "Capas en uso", "Añada sus propios avistamientos o instalaciones",
      "Mapa y prueba"]),
    ("data?lang=ru", ("pages/data_page.py", "ui/upload.py", "ui/workspace.py",
                      "layers/registry.py"),
     ["Источники и метод", "Используемые слои", "Добавьте свои наблюдения или объекты",
      "Карта и тест"]),
])
def test_no_english_interface_string_is_left(page, app_url, artifacts, path, modules,
                                             expected):
    app = App(page, app_url)
    shown = _open(app, path)
    for text in expected:
        assert text in shown, text
    language = path.split("lang=")[1]
    looked_for = english_pieces(language, *modules, *FRAME)
    assert len(looked_for) > 30, looked_for  # the page's strings, not an empty list
    left = sorted(piece for piece in looked_for if piece in shown)
    assert not left, [shown[max(0, shown.index(p) - 80):shown.index(p) + 80] for p in left]
    assert f"lang={language}" in page.url
    app.screenshot(artifacts / f"i18n-{path.split('?')[0]}-{language}.png")


#: What the map's iframe shows a reader: its text (legend, open popup, layer switcher,
#: notices) and the words of its controls (titles and labels read aloud).
MAP_WORDS = """() => document.body.innerText + ' ' + Array.from(document.querySelectorAll(
  '[title], [aria-label]')).map(e => (e.getAttribute('title') || '') + ' ' +
  (e.getAttribute('aria-label') || '')).join(' ')"""
MAP_MODULES = ("pages/map_page.py", "mapview/build.py", "ui/present.py", "analysis/wording.py",
               "layers/registry.py", "layers/dates.py", "analysis/nulls.py")


@pytest.mark.parametrize(("language", "expected", "in_map"), [
    ("es", ["¿Se vio a especialistas rusos cerca de activos empresariales rusos?",
            "avistamientos independientes", "El mapa, en palabras", "Mapa y prueba"],
     ["Leyenda", "Zona de influencia al radio elegido", "Precisión de la ubicación",
      "fecha:", "Fuentes", "Restablecer la vista"]),
    ("ru", ["Видели ли российских специалистов рядом с российскими бизнес-активами?",
            "независимых наблюдений", "Карта словами", "Карта и тест"],
     ["Легенда", "Буферная зона выбранного радиуса", "Точность местоположения", "дата:",
      "Источники", "Сбросить вид"]),
])
def test_the_map_page_and_its_map_leave_no_english(page, app_url, artifacts, language,
                                                   expected, in_map):
    from tests.browser.test_map_page import mark_sighting

    app = App(page, app_url)
    frame = app.open(f"?lang={language}")
    map_frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    map_frame.locator(".leaflet-control-layers").hover()  # the layer switcher opens
    map_frame.locator(".leaflet-control-layers-overlays").wait_for()
    map_frame.locator(mark_sighting(frame, "acarigua-bakery")).click()
    map_frame.locator(".leaflet-popup-content").first.wait_for()
    app.wait()
    app.wait_until_quiet()
    map_frame.locator(".leaflet-control-layers").hover()
    frame = app.map_frame()
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length >= 1")
    shown = page.evaluate(VISIBLE)
    in_frame = frame.evaluate(MAP_WORDS)
    for text in expected:
        assert text in shown, text
    for text in in_map:
        assert text in in_frame, text
    looked_for = english_pieces(language, *MAP_MODULES, *FRAME)
    assert len(looked_for) > 60, looked_for
    for where, text in (("page", shown), ("map", in_frame)):
        left = sorted(piece for piece in looked_for if piece in text)
        assert not left, (where, [text[max(0, text.index(p) - 80):text.index(p) + 80]
                                  for p in left])
    assert f"lang={language}" in page.url
    app.screenshot(artifacts / f"i18n-map-{language}.png")


#: Still English on the Analysis page: nothing (the null models' words, what p means and
#: the one-radius and uncertainty sentences are translated there and in the methodology box).
ANALYSIS_PAGE_ENGLISH: tuple[str, ...] = ()


@pytest.mark.parametrize(("language", "expected"), [
    ("es", ["Resultado", "Salvedades", "Sesgo de selección", "Cómo lo comprobamos"]),
    ("ru", ["Результат", "Оговорки", "Систематическая ошибка отбора",
            "Как мы это проверяли"]),
])
def test_the_analysis_page_leaves_no_english(page, app_url, artifacts, language, expected):
    app = App(page, app_url)
    shown = _open(app, f"analysis?lang={language}")
    expanders = page.locator('[data-testid="stExpander"] summary')
    for index in range(expanders.count()):  # the methodology box is read in an expander
        expanders.nth(index).click()
    app.wait(with_map=False)
    shown = page.evaluate(VISIBLE)
    for text in expected:
        assert text in shown, text
    looked_for = english_pieces(language, "pages/analysis_page.py", "analysis/report.py",
                                "analysis/wording.py", "analysis/nulls.py", *FRAME)
    assert len(looked_for) > 40, looked_for
    looked_for = {piece for piece in looked_for
                  if not any(piece in text for text in ANALYSIS_PAGE_ENGLISH)}
    left = sorted(piece for piece in looked_for if piece in shown)
    assert not left, [shown[max(0, shown.index(p) - 80):shown.index(p) + 80] for p in left]
    app.screenshot(artifacts / f"i18n-analysis-{language}.png")
