"""Escaping for text that reaches the map, tables and exports.

Folium inserts popup and tooltip content as raw HTML, sometimes inside JavaScript template
literals where ``${...}`` runs. And folium renders its output twice through Jinja on the
server (branca wraps each rendered script in a new template), so ``{{ ... }}`` in a data file
or a URL would run Python there. Everything from outside is escaped here first: HTML special
characters, then backtick, dollar sign, backslash and braces as HTML entities, so that the
text is inert as HTML, inside a template literal and as a Jinja template.
"""

from __future__ import annotations

import html
import re

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;",
                        "}": "&#125;"})
_WEB_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def escape_text(value) -> str:
    """Text made inert as HTML, inside a JavaScript template literal and as a Jinja template.

    >>> escape_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> escape_text("${alert(1)} `x` \\\\")
    '&#36;&#123;alert(1)&#125; &#96;x&#96; &#92;'
    >>> escape_text("{{ 7*7 }} {% if 1 %}")
    '&#123;&#123; 7*7 &#125;&#125; &#123;% if 1 %&#125;'
    """
    if value is None:
        return ""
    return html.escape(str(value), quote=True).translate(_EXTRA)


def safe_link(url, text=None) -> str:
    """An ``<a>`` for http(s) addresses only; anything else is shown as plain text.

    >>> safe_link("javascript:alert(1)")
    'javascript:alert(1)'
    >>> safe_link("https://example.org/a?b=1&c=2", "source")  # doctest: +ELLIPSIS
    '<a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener...">source</a>'
    """
    if not url:
        return escape_text(text) if text else ""
    label = escape_text(text if text is not None else url)
    if isinstance(url, str) and _WEB_URL.match(url):
        return (f'<a href="{escape_text(url)}" target="_blank" rel="noopener noreferrer">'
                f"{label}</a>")
    return escape_text(url)
