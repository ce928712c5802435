"""The interface's language: English, Spanish or Russian, from gettext message catalogues.

Every string a reader sees in the app's own interface is written in English in the code
and wrapped in :func:`_` (or :func:`ngettext` when it depends on a count). The translations
live in ``locale/<lang>/LC_MESSAGES/footprint.po`` (the source, edited by people) and are
read from the compiled ``footprint.mo`` beside it (``python scripts/build_locale.py``, which
``make install`` runs); when a ``.mo`` is missing or older than its ``.po``, the ``.po`` is
compiled in memory instead, so a fresh checkout never shows stale text. A string a
catalogue lacks is shown in English.

The language comes from ``?lang=es|ru|en`` (the sidebar's language menu, bound to the URL
like the other choices) and, when the URL has none, from the browser's preferred language
(the ``Accept-Language`` header); English otherwise.

Texts defined at import time (the settings table's help) are marked with :func:`N_`, which
only marks them for extraction, and translated where they are shown: ``_(setting.help)``.

Numbers and dates are written in the language's format by :func:`number` and :func:`day`.

Examples
--------
>>> preferred_language("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7")
'ru'
>>> number(1234.5, language="es")
'1.234,5'
>>> number(0.25, 2, language="ru")
'0,25'
"""

from __future__ import annotations

import functools
import gettext
import io
from datetime import date
from pathlib import Path

from layers import language as language_hook

LANGUAGES = ("en", "es", "ru")
DEFAULT_LANGUAGE = "en"
#: The language menu's words: each language in its own name.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "ru": "Русский"}
DOMAIN = "footprint"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
#: The URL parameter and the sidebar widget's key.
PARAM = "lang"


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (translated when shown).

    >>> N_("Layers shown on the map.")
    'Layers shown on the map.'
    """
    return message


# --------------------------------------------------------------------------- the language
def preferred_language(header: str | None) -> str:
    """The first of :data:`LANGUAGES` in an ``Accept-Language`` header, by q-value (ties in
    the header's order); English when it names none of them or cannot be read.

    >>> preferred_language("de-DE,de;q=0.9,es;q=0.8,en;q=0.7")
    'es'
    >>> preferred_language("en;q=0.2, ru;q=0.5")
    'ru'
    >>> preferred_language("fr, *;q=0.1")
    'en'
    >>> preferred_language(None)
    'en'
    """
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        tag, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = tag.split("-")[0].lower()
        if language in LANGUAGES and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def _running():
    """The Streamlit module while a script runs (None in tests, the CLI and doctests)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    import streamlit as st

    return st


def browser_language() -> str:
    """The browser's preferred language of :data:`LANGUAGES` (English without a browser)."""
    st = _running()
    if st is None:
        return DEFAULT_LANGUAGE
    known = st.session_state.get(BROWSER_KEY)  # a session's headers do not change
    if known in LANGUAGES:
        return known
    try:
        header = st.context.headers.get("Accept-Language")
    except Exception:  # no request behind this run (AppTest)
        header = None
    language = preferred_language(header)
    st.session_state[BROWSER_KEY] = language
    return language


#: Where a session keeps its browser's language (read once from the request's headers).
BROWSER_KEY = "_fp_browser_language"


def current_language() -> str:
    """The language of this run: the language menu's choice, else ``?lang=``, else the
    browser's; English outside a Streamlit run. Inside ``layers.language.speaking(code)``
    (a download's callback, which names the page's language): that language.

    >>> with language_hook.speaking("ru"):
    ...     current_language()
    'ru'
    """
    asked = language_hook.spoken()
    if asked in LANGUAGES:
        return asked
    st = _running()
    if st is None:
        return DEFAULT_LANGUAGE
    chosen = st.session_state.get(PARAM)
    if chosen in LANGUAGES:
        return chosen
    asked = st.query_params.get(PARAM)
    if asked in LANGUAGES:
        return asked
    return browser_language()


# --------------------------------------------------------------------------- catalogues
def catalogue_path(language: str, suffix: str = ".mo") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English: none, the code's own strings)."""
    if language not in LANGUAGES or language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    mo, po = catalogue_path(language), catalogue_path(language, ".po")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """``message`` in the current language (English when the catalogue lacks it)."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` in the current language (Russian has
    three). The text is not formatted: call ``.format(n=...)`` on it."""
    return translations(current_language()).ngettext(singular, plural, n)


# --------------------------------------------------------------------------- formats
def number(value: float, digits: int | None = None, *, language: str | None = None) -> str:
    """``value`` in the language's format: grouped thousands, its decimal separator;
    ``digits`` fixes the decimals (None: as many as the value has, up to three).

    >>> number(12345)
    '12,345'
    >>> number(2.5, language="es")
    '2,5'
    >>> number(1.0, 1)
    '1.0'
    """
    from babel.numbers import format_decimal

    if digits is None:
        pattern = None
    else:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=language or current_language(),
                          group_separator=True)


def day(value: date, *, language: str | None = None) -> str:
    """A day in the language's medium format.

    >>> day(date(2019, 3, 7))
    'Mar 7, 2019'
    >>> day(date(2019, 3, 7), language="es")
    '7 mar 2019'
    """
    from babel.dates import format_date

    return format_date(value, format="medium", locale=language or current_language())


# --------------------------------------------------------------------------- the hook
def _run_catalogue() -> tuple[str, gettext.NullTranslations]:
    language = current_language()
    return language, translations(language)


# The sentences of layers, analysis, mapview, figures and exports (which never import
# streamlit) are translated through layers.language, answered per run by this module, or
# in the language a ``speaking(code)`` block names (a download built outside the run).
language_hook.install(_run_catalogue, translations)
