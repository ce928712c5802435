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

import threading
from collections import OrderedDict

import jinja2

MAX_TEMPLATES = 512
MAX_SOURCE_CHARS = 256_000
MAX_TOTAL_CHARS = 16_000_000
_original = jinja2.Environment.from_string


def install() -> None:
    """Idempotently install the cache."""
    if getattr(jinja2.Environment.from_string, "footprint_cached", False):
        return
    cache: OrderedDict = OrderedDict()
    total = 0
    lock = threading.Lock()  # shared by every session's script thread

    def from_string(self, source, globals=None, template_class=None):
        nonlocal total
        if globals is not None or not isinstance(source, str) or len(source) > MAX_SOURCE_CHARS:
            return _original(self, source, globals, template_class)
        key = (id(self), template_class, source)
        with lock:
            template = cache.get(key)
            if template is not None:
                cache.move_to_end(key)
                return template
        template = _original(self, source, None, template_class)
        with lock:
            if key not in cache:
                cache[key] = template
                total += len(source)
            while cache and (len(cache) > MAX_TEMPLATES or total > MAX_TOTAL_CHARS):
                (_, _, dropped), _ = cache.popitem(last=False)
                total -= len(dropped)
        return template

    from_string.footprint_cached = True
    jinja2.Environment.from_string = from_string
