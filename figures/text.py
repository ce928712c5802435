"""Text that is drawn literally: no mathtext, no TeX, bounded length, wrapped to a width.

Every string that can come from a user or a data file (titles, feature names, sources)
goes through :func:`literal` before it reaches matplotlib, and every Text artist is made
with :data:`LITERAL` (``parse_math=False, usetex=False``), so ``$\\alpha$`` is drawn as
typed. SVG output keeps text as ``<text>`` elements, which matplotlib XML-escapes.
"""

from __future__ import annotations

import unicodedata

LITERAL = {"parse_math": False, "usetex": False}
"""Keyword arguments that make a matplotlib Text draw its string as typed."""

ELLIPSIS = "\u2026"


def literal(value, limit: int | None = None) -> str:
    """One line of plain text: whitespace collapsed, control characters dropped, at most
    ``limit`` characters (the last one an ellipsis when cut).

    Examples
    --------
    >>> literal("  Coro:\\n hotel\\t by the airport ")
    'Coro: hotel by the airport'
    >>> literal("Acarigua bakery", limit=9)
    'Acarigua…'
    >>> literal(None)
    ''
    """
    if value is None:
        return ""
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(value)
        if unicodedata.category(c) not in ("Cf", "Cs", "Co") or c == "\u00ad"
    )
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return text


def wrap(text: str, fits, max_lines: int) -> list[str]:
    """Greedy word wrap: lines for which ``fits(line)`` holds, at most ``max_lines``; the
    last line is ellipsised if text remains. A word too long for a line is cut.

    Examples
    --------
    >>> wrap("one two three four", lambda s: len(s) <= 9, 2)
    ['one two', 'three…']
    >>> wrap("abcdefghijkl", lambda s: len(s) <= 5, 3)
    ['abcd…']
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word if fits(word) else _ellipsise(word, fits)
        if current != word:  # a word too long for any line ends the text
            lines.append(current)
            current = ""
            break
    if current:
        lines.append(current)
    consumed = " ".join(lines).replace(ELLIPSIS, "")
    if len(lines) > max_lines or (lines and len(consumed) < len(" ".join(text.split()))
                                  and not lines[-1].endswith(ELLIPSIS)):
        head = lines[: max_lines - 1]
        rest = " ".join(text.split()[len(" ".join(head).split()):])
        lines = head + [_ellipsise(rest, fits)]
    return lines


def balanced_wrap(text: str, width: float, measure, max_lines: int) -> list[str]:
    """Word wrap to at most ``width`` (as measured by ``measure``) in as few lines as the
    greedy wrap needs, with lines as even as possible.

    >>> balanced_wrap("Coro: Cumberland hotel by the airport", 24, len, 3)
    ['Coro: Cumberland', 'hotel by the airport']
    """
    lines = wrap(text, lambda s: measure(s) <= width, max_lines)
    if len(lines) < 2 or lines[-1].endswith(ELLIPSIS):
        return lines
    low, high = 0.0, width
    for _ in range(12):
        middle = (low + high) / 2
        trial = wrap(text, lambda s, m=middle: measure(s) <= m, max_lines)
        if len(trial) == len(lines) and not trial[-1].endswith(ELLIPSIS):
            high = middle
        else:
            low = middle
    return wrap(text, lambda s: measure(s) <= high, max_lines)


def _ellipsise(text: str, fits) -> str:
    if fits(text):
        return text
    words = text.split()
    for count in range(len(words) - 1, 0, -1):
        shorter = " ".join(words[:count]) + ELLIPSIS
        if fits(shorter):
            return shorter
    cut = len(text)
    while cut > 1 and not fits(text[:cut].rstrip() + ELLIPSIS):
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


def short_name(name: str) -> str:
    """A feature name without its parenthetical asides, for tight layouts.

    Examples
    --------
    >>> short_name("Puerto Ordaz (Ciudad Guayana): Rosa Bela hotel")
    'Puerto Ordaz: Rosa Bela hotel'
    >>> short_name("(only an aside)")
    '(only an aside)'
    """
    out, depth = [], 0
    for char in name:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    shorter = " ".join("".join(out).split()).replace(" :", ":").replace(" ,", ",")
    return shorter.strip(" ,;:") or name


def merge_names(names: list[str]) -> list[str]:
    """Names of features at one place, without repeating what another name says.

    Drops duplicates and names that begin another name; drops a trailing ", Place" when
    another name mentions the place.

    Examples
    --------
    >>> merge_names(["Acarigua: bakery", "CEMAREH helicopter maintenance centre, Acarigua"])
    ['Acarigua: bakery', 'CEMAREH helicopter maintenance centre']
    >>> merge_names(["Amuay refinery: advisers' visit", "Amuay refinery"])
    ["Amuay refinery: advisers' visit"]
    """
    unique = [n for n in dict.fromkeys(names) if n]
    kept = [n for n in unique
            if not any(o != n and o.lower().startswith(n.lower()) for o in unique)]
    out = []
    for name in kept:
        head, comma, place = name.rpartition(", ")
        others = " ".join(o for o in kept if o != name)
        if comma and place and head and place.lower() in others.lower():
            name = head
        out.append(name)
    return out
