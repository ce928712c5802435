"""Compile each folium/branca template once per process.

folium and branca compile a Jinja template whenever many of their elements are created or
rendered (about 330 compilations per rerun of the Map page, some 40% of its time), although
the template texts never change. A compiled template is immutable, so compiling each text
once is enough. :func:`install` wraps ``jinja2.Environment.from_string`` with a bounded
cache keyed by environment and source text; anything unusual (globals, non-text source,
a text over :data:`MAX_SOURCE_CHARS`, such as the script of a big upload) goes to the
original. The least recently used templates are dropped beyond :data:`MAX_TEMPLATES` or
:data:`MAX_TOTAL_CHARS` of source text, so memory stays bounded whatever is uploaded.
"""

from __future__ import annotations

import jinja2

from mapview.lru import BoundedLRU

MAX_TEMPLATES = 512
MAX_SOURCE_CHARS = 256_000
MAX_TOTAL_CHARS = 16_000_000
_original = jinja2.Environment.from_string


def install() -> None:
    """Idempotently install the cache."""
    if getattr(jinja2.Environment.from_string, "footprint_cached", False):
        return
    cache = BoundedLRU(MAX_TEMPLATES, MAX_TOTAL_CHARS)  # weight: the source's length

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or not isinstance(source, str) or len(source) > MAX_SOURCE_CHARS:
            return _original(self, source, globals, template_class)
        return cache.cached((id(self), template_class, source),
                            lambda: _original(self, source, None, template_class),
                            weight=len(source))

    from_string.footprint_cached = True
    jinja2.Environment.from_string = from_string
