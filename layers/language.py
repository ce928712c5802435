"""The translation hook of the packages that never import streamlit.

``layers``, ``analysis``, ``mapview``, ``figures`` and ``exports`` write their sentences in
English and pass them through :func:`_` (or :func:`ngettext` when they depend on a count),
as the app's own pages do with :mod:`ui.i18n`. Nothing is translated here: the app installs
a provider once (:func:`install`, from ``ui/i18n.py``), a function that returns the current
run's language and its gettext catalogue, and a loader that gives the catalogue of a named
language. The provider is asked on every call, and it answers for the Streamlit session
running in this thread, so two readers in two languages never share a module-level
setting. Without a provider (the command line, scripts, tests, doctests) every text is the
code's English, byte for byte.

A file built outside the page's run (a download button's callback) names its language
explicitly: inside ``with speaking("es"):`` every text is Spanish, whatever the run (the
loader gives the catalogue); :func:`english` is ``speaking("en")``. The choice is a context
variable, so it holds for this thread (and task) only. Without the app's loader installed,
``speaking`` changes nothing: the command line stays English.

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
#: language code -> gettext translations: set by the app; None outside it.
_loader: Callable[[str], object] | None = None

#: The language asked for by :func:`speaking` (per thread and task: another session's run
#: is not affected); None: the run's.
_SPOKEN: contextvars.ContextVar[str | None] = contextvars.ContextVar("footprint_spoken",
                                                                    default=None)

#: How each language writes a thousands separator and a decimal point.
SEPARATORS = {"es": (".", ","), "ru": ("\xa0", ",")}
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+")


def install(provider: Callable[[], tuple[str, object]] | None,
            loader: Callable[[str], object] | None = None) -> None:
    """Use ``provider`` (the run's language and catalogue) and ``loader`` (the catalogue
    of a language, for :func:`speaking`) for every later call (None: English again)."""
    global _provider, _loader
    _provider, _loader = provider, loader


@contextlib.contextmanager
def speaking(language_code: str) -> Iterator[None]:
    """Write ``language_code`` inside the block, whatever the run's language: for files
    built outside the page's run (a download's callback), which name the language the
    page was read in. Nested blocks: the innermost wins. Without the app's loader
    installed, texts stay English.

    >>> with speaking("es"):
    ...     spoken()
    'es'
    >>> spoken() is None
    True
    """
    token = _SPOKEN.set(str(language_code))
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def english() -> contextlib.AbstractContextManager[None]:
    """Write English inside the block, whatever the run's language.

    >>> with english():
    ...     language()
    'en'
    """
    return speaking("en")


def spoken() -> str | None:
    """The language asked for by the innermost :func:`speaking` block, else None."""
    return _SPOKEN.get()


def _catalogue() -> tuple[str, object] | None:
    """(language, translations) to write in now; None: the code's English."""
    asked = _SPOKEN.get()
    if asked is not None:
        if asked == "en" or _loader is None:
            return None
        return asked, _loader(asked)
    return _provider() if _provider is not None else None


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (translated when shown)."""
    return message


def language() -> str:
    """The language texts are written in now: :func:`speaking`'s, else the app's run,
    else English."""
    current = _catalogue()
    return current[0] if current is not None else "en"


def _(message: str) -> str:
    """``message`` in the current language (English without the app or a translation)."""
    current = _catalogue()
    return message if current is None else current[1].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` (Russian has three); not formatted."""
    current = _catalogue()
    if current is None:
        return singular if n == 1 else plural
    return current[1].ngettext(singular, plural, n)


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
