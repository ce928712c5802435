"""Compile each folium/branca template once per process.

folium and branca compile a Jinja template whenever many of their elements are created or
rendered (about 330 compilations per rerun of the Map page, some 40% of its time), although
the template texts never change. A compiled template is immutable, so compiling each text
once is enough. :func:`install` wraps ``jinja2.Environment.from_string`` with a bounded
cache keyed by environment and source text; anything unusual (globals, non-text source,
a text over :data:`MAX_SOURCE_CHARS`, such as the script of a big upload) goes to the
original, so the cache holds at most about :data:`MAX_TEMPLATES` x 1 MB.
"""

from __future__ import annotations

from collections import OrderedDict

import jinja2

MAX_TEMPLATES = 512
MAX_SOURCE_CHARS = 1_000_000
_original = jinja2.Environment.from_string


def install() -> None:
    """Idempotently install the cache."""
    if getattr(jinja2.Environment.from_string, "footprint_cached", False):
        return
    cache: OrderedDict = OrderedDict()

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or not isinstance(source, str) or len(source) > MAX_SOURCE_CHARS:
            return _original(self, source, globals, template_class)
        key = (id(self), template_class, source)
        template = cache.get(key)
        if template is None:
            template = _original(self, source, None, template_class)
            cache[key] = template
            if len(cache) > MAX_TEMPLATES:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return template

    from_string.footprint_cached = True
    jinja2.Environment.from_string = from_string
