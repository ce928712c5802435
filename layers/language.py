"""The translation hook of the packages that never import streamlit.

``layers``, ``analysis``, ``mapview`` and ``figures`` write their sentences in English and
pass them through :func:`_` (or :func:`ngettext` when they depend on a count), as the app's
own pages do with :mod:`ui.i18n`. Nothing is translated here: the app installs a provider
once (:func:`install`, from ``ui/i18n.py``), a function that returns the current run's
language and its gettext catalogue. The provider is asked on every call, and it answers for
the Streamlit session running in this thread, so two readers in two languages never share
a module-level setting. Without a provider (the command line, scripts, tests, doctests)
every text is the code's English, byte for byte.

Numbers inside translated sentences are written by the code in English
(``f"{km:,.1f}"``); :func:`numbers` rewrites their separators for the language (a decimal
comma in Spanish and Russian), and leaves English text as it is.

Examples
--------
>>> _("Legend"), language()
('Legend', 'en')
>>> ngettext("{n} sighting", "{n} sightings", 3).format(n=3)
'3 sightings'
>>> numbers("1,234.5 km", "es"), numbers("1,234.5 km", "ru"), numbers("1,234.5 km", "en")
('1.234,5 km', '1\\xa0234,5 km', '1,234.5 km')
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterator

#: () -> (language, gettext translations): set by the app; None outside it.
_provider: Callable[[], tuple[str, object]] | None = None

#: True inside :func:`english` (per thread: another session's run is not affected).
_ENGLISH = contextvars.ContextVar("footprint_english", default=False)

#: How each language writes a thousands separator and a decimal point.
SEPARATORS = {"es": (".", ","), "ru": ("\xa0", ",")}
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+")


def install(provider: Callable[[], tuple[str, object]] | None) -> None:
    """Use ``provider`` for every later call (None: English again)."""
    global _provider
    _provider = provider


@contextlib.contextmanager
def english() -> Iterator[None]:
    """Write English inside the block, whatever the run's language (a file whose own texts
    are English, such as the figure, keeps its headline in English too).

    >>> with english():
    ...     language()
    'en'
    """
    token = _ENGLISH.set(True)
    try:
        yield
    finally:
        _ENGLISH.reset(token)


def _active() -> bool:
    return _provider is not None and not _ENGLISH.get()


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (translated when shown)."""
    return message


def language() -> str:
    """The language texts are written in now: the app's run, else English."""
    return _provider()[0] if _active() else "en"


def _(message: str) -> str:
    """``message`` in the current language (English without the app or a translation)."""
    if not _active():
        return message
    return _provider()[1].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` (Russian has three); not formatted."""
    if not _active():
        return singular if n == 1 else plural
    return _provider()[1].ngettext(singular, plural, n)


def numbers(text: str, language_code: str | None = None) -> str:
    """``text`` with the English separators of its numbers ("1,234.5") in the language's
    (``language_code``, default the current one); English text unchanged.

    >>> numbers("p = 0.024 to 0.37; 9,999 draws; 1, 2 and 3.", "es")
    'p = 0,024 to 0,37; 9.999 draws; 1, 2 and 3.'
    """
    separators = SEPARATORS.get(language_code or language())
    if separators is None:
        return text
    group, point = separators

    def swap(match: re.Match) -> str:
        return match[0].replace(",", "\0").replace(".", point).replace("\0", group)

    return _NUMBER.sub(swap, text)
