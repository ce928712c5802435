"""Escaping for text that reaches the map, tables and exports.

Folium inserts popup and tooltip content as raw HTML, sometimes inside JavaScript template
literals where ``${...}`` runs. Everything from a data file is escaped here first: HTML
special characters, then backtick, dollar sign and backslash as HTML entities, so that the
text is inert both as HTML and inside a template literal.
"""

from __future__ import annotations

import html
import re

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})
_WEB_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def escape_text(value) -> str:
    """Text made inert as HTML and inside a JavaScript template literal.

    >>> escape_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> escape_text("${alert(1)} `x` \\\\")
    '&#36;{alert(1)} &#96;x&#96; &#92;'
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
