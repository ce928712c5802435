"""The interactive embed: one self-contained HTML file of the app's map.

The map is the app's own (:func:`mapview.build.base_map` and
:func:`mapview.build.dynamic_groups`, rendered by folium), so popups, tooltips, legend,
scale bar and escaping are the same. Then every ``<script src>`` and stylesheet link is
replaced by the file's content (Leaflet and jQuery from the pinned XStatic packages, the
map's own script and styles from ``static/``, Leaflet's images as ``data:`` addresses), and
the offline basemap is passed inline to ``FP.init`` (option ``basemapData``): the page
makes no request to any server, from ``file://`` or inside an iframe.

Around the map: the title, subtitle, the result line with what p means, and the credits,
all escaped (:func:`mapview.safe.escape_text`). The map fills the window's width and the
height left by the text; the view opens on the chosen bounds (or the story's places).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import xstatic.pkg.jquery as xjquery
import xstatic.pkg.leaflet as xleaflet

from layers.language import _
from mapview import assets
from mapview.basemap import live_payload
from mapview.build import (
    MapBehaviour,
    base_map,
    dynamic_groups,
    layer_control,
    story_bounds,
)
from mapview.safe import escape_text

from .story import Story

#: Where each asset the map asks for is read from (by its name in ``mapview.assets``).
ASSET_FILES = {
    "leaflet": Path(xleaflet.BASE_DIR) / "leaflet.js",
    "jquery": Path(xjquery.BASE_DIR) / "jquery.min.js",
    "footprint": assets.STATIC / "footprint-map.js",
    "leaflet_css": Path(xleaflet.BASE_DIR) / "leaflet.css",
    "footprint_css": assets.STATIC / "footprint-map.css",
}
#: Stands for the basemap in the rendered page until it is put in (after folium's Jinja
#: passes: the basemap never goes through a template).
_BASEMAP_SLOT = "__footprint_basemap_data__"

PAGE_CSS = """
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font: 14px/1.4 "Helvetica Neue", Arial,
  sans-serif; color: #222; background: #fff; }
.fpe-head { padding: 10px 14px 6px; flex: none; }
.fpe-head h1 { margin: 0 0 2px; font-size: 20px; line-height: 1.25; }
.fpe-head .fpe-subtitle { margin: 0 0 4px; color: #444; }
.fpe-head .fpe-result { margin: 0; font-weight: 600; }
.fpe-head .fpe-caveat { margin: 2px 0 0; color: #555; font-size: 12px; }
body > .folium-map { flex: 1 1 auto; height: auto !important; min-height: 300px; }
.fpe-credits { flex: none; padding: 4px 14px 8px; font-size: 11px; color: #444; }
@media (max-width: 600px) {
  /* A phone: the text first, then a map of most of the screen (the page scrolls). */
  body { height: auto; min-height: 100%; }
  body > .folium-map { flex: none; height: 70vh !important; min-height: 280px; }
  .fpe-head { padding: 8px 10px 4px; }
  .fpe-head .fpe-subtitle, .fpe-head .fpe-caveat { font-size: 12px; }
  .fpe-head h1 { font-size: 17px; }
  .fpe-head .fpe-result { font-size: 13px; }
  .fpe-credits { padding: 4px 10px 6px; }
}
"""


def view_bounds(story: Story, frames: dict) -> list[list[float]]:
    """The view the embed opens on, ``[[south, west], [north, east]]``: the bounds asked
    for, else the story's places (:func:`mapview.build.story_bounds`)."""
    if story.bounds is not None:
        west, south, east, north = story.bounds
        return [[south, west], [north, east]]
    return story_bounds({name: frames.get(name) for name in story.shown})


def embed_html(frames: dict, story: Story) -> str:
    """The embed's HTML for ``story`` (from :func:`exports.story.prepare_story`)."""
    view = view_bounds(story, frames)
    m = base_map(frames, "offline", None)
    behaviour = next(child for child in m._children.values()
                     if isinstance(child, MapBehaviour))
    behaviour.options = {"basemapUrl": None, "basemapData": _BASEMAP_SLOT,
                         "bounds": view, "fit": view}
    nearest = ({row["id"]: row for row in story.proximity.sightings.to_dict("records")}
               if story.proximity is not None else {})
    for group in dynamic_groups(frames, story.state, nearest):
        group.add_to(m)
    layer_control().add_to(m)
    page = m.get_root().render()
    page = _inline_assets(page)
    _, basemap = live_payload()
    page = page.replace(json.dumps(_BASEMAP_SLOT), _script_safe(basemap.decode("utf-8")), 1)
    return _frame(page, story)


def _frame(page: str, story: Story) -> str:
    """Title, result line and credits around the map, escaped; the page's own styles."""
    e = escape_text
    head = [f"<h1>{e(story.title)}</h1>"]
    if story.subtitle:
        head.append(f'<p class="fpe-subtitle">{e(story.subtitle)}</p>')
    if story.headline:
        head.append(f'<p class="fpe-result">{e(story.headline)}</p>')
        head.append(f'<p class="fpe-caveat">{e(story.caveat)}</p>')
    header = f'<header class="fpe-head">{"".join(head)}</header>'
    version = _("Data version {version}.").format(version=story.data_version)
    footer = f'<footer class="fpe-credits">{e(story.credits)} {e(version)}</footer>'
    page = re.sub(r'(<div class="folium-map" id="[^"]+" ></div>)',
                  lambda found: header + found.group(1) + footer, page, count=1)
    return page.replace(
        "<head>", f'<head>\n<meta charset="utf-8">\n<title>{e(story.title)}</title>\n'
                  f"<style>{PAGE_CSS}</style>", 1)


def _inline_assets(page: str) -> str:
    urls = {url: name for name, url in (*assets.JS, *assets.CSS)}

    def script(found):
        name = urls.get(found.group(1))
        if name is None:
            raise ValueError(f"the map asks for a script this export cannot inline: "
                             f"{found.group(1)!r}")
        return f"<script>{_script_safe(ASSET_FILES[name].read_text('utf-8'))}</script>"

    def style(found):
        name = urls.get(found.group(1))
        if name is None:
            raise ValueError(f"the map asks for a stylesheet this export cannot inline: "
                             f"{found.group(1)!r}")
        css = ASSET_FILES[name].read_text("utf-8")
        css = re.sub(r"url\((images/[\w.-]+\.png)\)",
                     lambda m: f"url({_data_url(ASSET_FILES[name].parent / m.group(1))})", css)
        return "<style>" + css.replace("</", "<\\/") + "</style>"

    page = re.sub(r'<script src="([^"]+)"></script>', script, page)
    page = re.sub(r'<link rel="stylesheet" href="([^"]+)"/>', style, page)
    left = re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=", page)
    if left:
        raise ValueError(f"the embed would still load a file: {left[0]!r}")
    return page


def _data_url(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _script_safe(text: str) -> str:
    """Text that cannot end the ``<script>`` element it sits in (nor start a comment)."""
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<!--", r"<\\!--", text)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
