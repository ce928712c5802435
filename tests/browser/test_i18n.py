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
    ("data?lang=es", ("pages/data_page.py", "ui/upload.py", "ui/workspace.py",
                      "layers/registry.py"),
     ["Fuentes y método", "Capas en uso", "Añada sus propios avistamientos o instalaciones",
      "Mapa y prueba"]),
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
