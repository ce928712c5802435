"""KML for Google Earth, written with fastkml (pinned in requirements.txt).

One folder per visible story layer and one for the buffers. Each feature is a placemark
with its name, the app's popup as description (:func:`mapview.build.popup_html`: every
value escaped, links for http(s) addresses only, so a hostile text is shown, never run, in
Google Earth's balloons), its fields as ``ExtendedData`` (plain text; sources as JSON), a
style by layer and category in the app's colours, and a ``TimeSpan`` covering its partial
date (:func:`layers.dates.feature_span`; an open end is left open; one day is a
``TimeStamp``) so Google Earth's time slider works. The mining arc is a polygon, flights
are lines along great circles, the document opens on the chosen view.
"""

from __future__ import annotations

import math
from datetime import date

import pygeoif
import shapely
from fastkml import (
    KML,
    Data,
    Document,
    ExtendedData,
    Folder,
    IconStyle,
    KmlDateTime,
    LabelStyle,
    LineStyle,
    LookAt,
    Placemark,
    PolyStyle,
    Style,
    StyleUrl,
    TimeSpan,
    TimeStamp,
)
from fastkml import geometry as kml_geometry
from fastkml.enums import DateTimeResolution

from layers.dates import feature_span
from layers.language import N_, _, numbers
from layers.registry import BY_NAME, PALETTE
from mapview.build import BUFFER_COLOR, great_circle, popup_html
from mapview.safe import escape_text

from .story import Story, plain, records

ICONS = {"square": "https://maps.google.com/mapfiles/kml/shapes/placemark_square.png",
         "circle": "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"}
#: Fields copied to ExtendedData, when present (provenance first).
FIELDS = ("id", "category", "confidence", "date", "date_start", "date_end",
          "location_precision_km", "location_method", "placement", "placement_facility",
          "registration", "aircraft_type", "operator", "origin", "destination", "sources")
#: The buffers' folder, by what they are drawn around.
BUFFER_FOLDERS = {"sightings": N_("Buffers, {km} km around sightings (geodesic)"),
                  "facilities": N_("Buffers, {km} km around facilities (geodesic)")}


def kml_color(color: str, alpha: float = 1.0) -> str:
    """``#rrggbb`` as KML's ``aabbggrr``.

    >>> kml_color("#0072B2", 0.5)
    '80b27200'
    """
    value = color.lstrip("#").lower()
    return f"{round(alpha * 255):02x}{value[4:6]}{value[2:4]}{value[0:2]}"


def kml_text(story: Story) -> str:
    """The story as a KML document (text)."""
    document = Document(id="footprint", name=story.title, description=_about(story),
                        styles=_styles(), view=_view(story), features=[])
    for name, frame in story.shown.items():
        layer = BY_NAME[name]
        folder = Folder(name=_(layer.legend_label), features=[])
        for row in records(frame):
            placemark = _placemark(row, name)
            if placemark is not None:
                folder.features.append(placemark)
        document.features.append(folder)
    if story.buffers is not None:
        km = numbers(f"{story.state.radius_km:g}")
        folder = Folder(name=_(BUFFER_FOLDERS[story.state.buffer_around]).format(km=km),
                        features=[])
        for row in records(story.buffers):
            folder.features.append(Placemark(
                name=_("{km} km around {name}").format(km=numbers(f"{row['radius_km']:g}"),
                                                       name=row["name"]),
                style_url=StyleUrl(url="#buffers"),
                geometry=pygeoif.shape(row["geometry"])))
        document.features.append(folder)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + KML(features=[document]).to_string(prettyprint=True))


def _about(story: Story) -> str:
    parts = [story.subtitle, story.headline, story.caveat, story.credits]
    return "".join(f"<p>{escape_text(part)}</p>" for part in parts if part)


def _styles() -> list[Style]:
    styles = [Style(id="buffers", styles=[
        LineStyle(color=kml_color(BUFFER_COLOR), width=2),
        PolyStyle(color=kml_color(BUFFER_COLOR, 0.15))])]
    for name in ("orinoco_mining_arc", "flights", "facilities", "sightings"):
        layer = BY_NAME[name]
        colors = dict(layer.style.get("colors", {}))
        colors[""] = layer.style.get("color", PALETTE["grey"] if colors else PALETTE["black"])
        for value, color in colors.items():
            styles.append(Style(id=_style_id(name, value), styles=[
                IconStyle(color=kml_color(color), scale=1.1 if name == "facilities" else 0.9,
                          icon_href=ICONS[layer.style.get("marker", "circle")]),
                LabelStyle(scale=0.8),
                LineStyle(color=kml_color(color), width=2.5 if name == "flights" else 1.5),
                PolyStyle(color=kml_color(color, 0.3))]))
    return styles


def _style_id(layer: str, value: str = "") -> str:
    return f"{layer}-{value}" if value else layer


def _placemark(row: dict, name: str) -> Placemark | None:
    geometry = row.get("geometry")
    if geometry is None or geometry.is_empty:
        return None
    layer = BY_NAME[name]
    value = row.get(layer.style.get("color_by", ""))
    style = _style_id(name, value if value in layer.style.get("colors", {}) else "")
    properties = {k: v for k, v in row.items() if k != "geometry"}
    data = [Data(name=field, value=str(plain(row[field])))
            for field in FIELDS if plain(row.get(field)) is not None]
    return Placemark(
        id=None, name=str(row.get("name") or row.get("id") or ""),
        description=popup_html(properties, layer),
        style_url=StyleUrl(url=f"#{style}"), times=_times(properties),
        extended_data=ExtendedData(elements=data) if data else None,
        kml_geometry=_geometry(geometry, name))


def _geometry(geometry, name: str):
    if isinstance(geometry, shapely.LineString):
        line = great_circle(geometry) if name == "flights" else geometry
        return kml_geometry.LineString(geometry=pygeoif.shape(line), tessellate=True)
    if isinstance(geometry, shapely.Polygon):
        return kml_geometry.Polygon(geometry=pygeoif.shape(geometry), tessellate=True)
    if isinstance(geometry, shapely.Point):
        return kml_geometry.Point(geometry=pygeoif.shape(geometry))
    return kml_geometry.MultiGeometry(geometry=pygeoif.shape(geometry))


def _times(properties: dict):
    """TimeStamp for one day, TimeSpan for a month, a year or a range; None undated."""
    span = feature_span({k: v for k, v in properties.items() if isinstance(v, str)})
    if span is None:
        return None
    first, last = span
    if first is not None and first == last:
        return TimeStamp(timestamp=_when(first))
    return TimeSpan(begin=_when(first) if first else None, end=_when(last) if last else None)


def _when(day: date) -> KmlDateTime:
    return KmlDateTime(day, DateTimeResolution.date)


def _view(story: Story) -> LookAt | None:
    """Look straight down on the chosen bounds, or on the story's places."""
    boxes = [frame.total_bounds for name, frame in story.shown.items() if name != "flights"]
    if story.bounds is not None:
        west, south, east, north = story.bounds
    elif boxes:
        west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
        east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    else:
        return None
    latitude = (south + north) / 2
    width_m = max((east - west) * 111_320 * math.cos(math.radians(latitude)),
                  (north - south) * 110_574, 20_000)
    return LookAt(longitude=(west + east) / 2, latitude=latitude, altitude=0, heading=0,
                  tilt=0, range=round(width_m * 1.4))
