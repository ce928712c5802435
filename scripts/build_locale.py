"""Build the interface's message catalogues with Babel: extract, update, compile.

``python scripts/build_locale.py`` extracts every string wrapped in ``_()``, ``ngettext()``
or ``N_()`` from the interface's modules (:data:`SOURCES`) into ``locale/footprint.pot``,
merges the template into ``locale/<lang>/LC_MESSAGES/footprint.po`` for each translated
language (new strings arrive with an empty translation, dropped ones are removed: git
keeps them) and compiles each ``.po`` to the ``footprint.mo`` the app reads.

``python scripts/build_locale.py --compile`` only compiles (``make install`` runs it; the
``.mo`` files are not committed). ``tests/test_i18n.py`` fails when the template is behind
the code or a catalogue lacks a translation.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALE_DIR, catalogue_path  # noqa: E402

#: The modules whose strings a reader sees: the pages and the frame, and the sentences of
#: the packages that never import streamlit (translated through layers.language): the
#: analysis, the map, the publication figure and the exported files.
SOURCES = ("app.py", "pages/*.py", "ui/*.py", "mapview/build.py", "analysis/wording.py",
           "analysis/summary.py", "analysis/report.py", "layers/dates.py",
           "figures/credits.py", "figures/flights.py", "figures/furniture.py",
           "figures/inset.py", "figures/layout.py", "figures/legend.py",
           "figures/presets.py", "figures/scene.py", "exports/geopackage.py",
           "exports/html.py", "exports/kml.py", "exports/qml.py", "exports/story.py")
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
HEADER = ("# %s of Footprint, extracted by scripts/build_locale.py.\n"
          "# Edit the translations in locale/<lang>/LC_MESSAGES/footprint.po; keep every\n"
          "# {placeholder} as it is. Quotes from sources are data and never appear here.")
TRANSLATED = tuple(language for language in LANGUAGES if language != DEFAULT_LANGUAGE)


def source_files(root: Path = ROOT) -> list[Path]:
    return sorted({path for pattern in SOURCES for path in root.glob(pattern)})


def extract(root: Path = ROOT) -> Catalog:
    """Every interface string in :data:`SOURCES`, with the files that use it."""
    catalog = Catalog(project="Footprint", domain=DOMAIN, charset="utf-8",
                      header_comment=HEADER % "Interface strings", msgid_bugs_address="",
                      copyright_holder="")
    for path in source_files(root):
        relative = path.relative_to(root).as_posix()
        for line, message, comments, context in extract_from_file(
                "python", str(path), comment_tags=("TRANSLATORS:",)):
            catalog.add(message, None, [(relative, line)], auto_comments=comments,
                        context=context)
    for text, relative in table_messages():
        catalog.add(text, None, [(relative, 0)])
    return catalog


def table_messages() -> list[tuple[str, str]]:
    """Texts the interface shows from tables outside :data:`SOURCES`, translated where they
    are shown: each layer's legend label, legend entries and description
    (``layers/registry.py``) and each null model's name and plain words
    (``analysis/nulls.py``), with the file they come from."""
    from analysis.nulls import NULL_MODELS
    from layers.registry import LAYERS

    texts = [(text, "layers/registry.py") for layer in LAYERS
             for text in (layer.legend_label, layer.description) if text]
    texts += [(text, "layers/registry.py") for layer in LAYERS
              for text in layer.style.get("labels", {}).values()]
    texts += [(text, "analysis/nulls.py") for model in NULL_MODELS.values()
              for text in (model.label, model.plain_words, model.in_a_sentence)]
    return texts


def _po_bytes(catalog: Catalog, **options) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=96, include_lineno=False, sort_by_file=False,
             sort_output=True, **options)
    return buffer.getvalue()


def _write_if_changed(path: Path, text: bytes) -> bool:
    """Write ``text`` unless only the header's dates would change (no churn in git)."""
    def body(data: bytes) -> list[bytes]:
        return [line for line in data.splitlines()
                if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))]

    if path.exists() and body(path.read_bytes()) == body(text):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    return True


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def update(template: Catalog) -> None:
    """The template and every language's ``.po`` brought up to date with the code."""
    _write_if_changed(TEMPLATE, _po_bytes(template, omit_header=False))
    for language in TRANSLATED:
        po = catalogue_path(language, ".po")
        if po.exists():
            catalog = read_catalog(po, language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="Footprint",
                              charset="utf-8")
        catalog.header_comment = HEADER % f"{language} translations"
        catalog.fuzzy = False
        catalog.language_team = catalog.last_translator = "Footprint newsroom"
        catalog.update(template, no_fuzzy_matching=True)
        _write_if_changed(po, _po_bytes(catalog, ignore_obsolete=True))


def compile_all() -> list[Path]:
    """Each language's ``.po`` compiled to its ``.mo``; returns the files written."""
    written = []
    for language in TRANSLATED:
        po = catalogue_path(language, ".po")
        if not po.exists():
            continue
        buffer = io.BytesIO()
        write_mo(buffer, read_catalog(po, language))
        mo = catalogue_path(language)
        mo.write_bytes(buffer.getvalue())
        written.append(mo)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", action="store_true",
                        help="only compile the .po files to .mo (no extraction)")
    args = parser.parse_args(argv)
    if not args.compile:
        update(extract())
    for path in compile_all():
        print(f"compiled {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
