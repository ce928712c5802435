"""What a figure shows, before anything is drawn: the layers kept by the user's choices,
the analysed subset, label texts, the extent asked for and the dates of what is shown.

No matplotlib here: the app's export panel reads the label table and the default title
from this module without loading the drawing code. The title and subtitle are written in
the current language (:mod:`layers.language`); English outside the app.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import shapely

from analysis.io import counted_sightings
from analysis.proximity import proximity_table
from layers.dates import feature_span, range_text
from layers.language import N_, _, language, numbers
from mapview.build import MapState, analysis_subset, filter_by_date

from .presets import DEFAULT_TITLE
from .text import literal, short_name

STORY_LAYERS = ("orinoco_mining_arc", "flights", "facilities", "sightings")
#: Layers whose features get a label (and may be given one with ``labels={id: text}``).
LABELLED_LAYERS = ("sightings", "facilities")
DATED_LAYERS = ("sightings", "flights")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
#: Babel patterns of a month alone, a month and its year, a day (English: :data:`MONTHS`).
DATE_PATTERNS = {"es": ("LLLL", "LLLL 'de' y", "d 'de' MMMM 'de' y"),
                 "ru": ("LLLL", "LLLL y\xa0'г.'", "d MMMM y\xa0'г.'")}
#: The subtitle's last sentence, by the dated layers shown.
DATED_SENTENCES = {("sightings",): N_("Sightings dated {dates}."),
                   ("flights",): N_("Flights dated {dates}."),
                   ("sightings", "flights"): N_("Sightings and flights dated {dates}."),
                   (): N_("Features dated {dates}.")}
#: The subtitle's circles, by what they are drawn around.
CIRCLES = {"sightings": N_("Circles: {km} km around each sighting."),
           "facilities": N_("Circles: {km} km around each facility.")}


@dataclass(frozen=True)
class Scene:
    """The data of one figure, in EPSG:4326."""

    shown: dict                 # layer name -> frame as drawn (visible, date-filtered)
    countries: object
    venezuela: object
    tested_facilities: object
    tested_sightings: object     # counted: at-facility sightings only if the state says so
    nearest_facility_ids: tuple
    candidate_sightings: object = None  # before leaving out at-facility sightings
    labels: dict = field(default_factory=dict)  # feature id -> label text given by the user
    bounds: tuple | None = None  # (west, south, east, north) asked for, or None
    date_filtered: bool = False  # the chosen dates left out some dated feature shown

    def story_frames(self):
        return [frame for frame in self.shown.values() if frame is not None]


def to_wgs84(frame):
    """Rows with a geometry, in EPSG:4326; None when nothing is left."""
    if frame is None or len(frame) == 0:
        return None
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    return frame if len(frame) else None


def prepare(frames: dict, state: MapState, *, labels=None, bounds=None) -> Scene:
    """The scene for ``state``: visible layers, date filter, analysed subset, labels."""
    frames = {name: to_wgs84(frame) for name, frame in frames.items()}
    empty = gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    shown, date_filtered = {}, False
    for name in STORY_LAYERS:
        frame = frames.get(name)
        if name in state.visible_layers and frame is not None:
            if name in DATED_LAYERS:
                kept = filter_by_date(frame, state.date_start, state.date_end)
                date_filtered |= len(kept) < len(frame)
                frame = kept
            shown[name] = frame if len(frame) else None
    facilities = frames.get("facilities")
    facilities = analysis_subset(empty if facilities is None else facilities,
                                 state.facility_categories)
    sightings = frames.get("sightings")
    sightings = analysis_subset(
        filter_by_date(sightings, state.date_start, state.date_end)
        if sightings is not None else empty, state.sighting_categories)
    sightings = sightings[sightings.geom_type == "Point"]
    counted = counted_sightings(sightings, state.include_at_facility)
    nearest = ()
    if len(facilities) and len(counted):
        table = proximity_table(facilities, counted, float(state.radius_km)).sightings
        nearest = tuple(dict.fromkeys(table["nearest_facility_id"]))
    return Scene(shown, frames.get("basemap_countries"), frames.get("venezuela"),
                 facilities, counted, nearest, sightings,
                 check_labels(frames, labels), check_bounds(bounds), date_filtered)


# --------------------------------------------------------------------------- extent
def check_bounds(bounds) -> tuple[float, float, float, float] | None:
    """``(west, south, east, north)`` in degrees (WGS84), checked; None stays None.

    Examples
    --------
    >>> check_bounds([-72.5, 9.5, -67, 12.5])
    (-72.5, 9.5, -67.0, 12.5)
    >>> check_bounds((-67, 9.5, -72.5, 12.5))
    Traceback (most recent call last):
    ValueError: bounds should have west < east, got west -67 and east -72.5
    """
    if bounds is None:
        return None
    try:
        values = tuple(float(v) for v in bounds)
    except (TypeError, ValueError):
        shown = " ".join(map(str, bounds)) if isinstance(bounds, list | tuple) else bounds
        raise ValueError(f"bounds should be four numbers (west south east north), got "
                         f"{shown!r}") from None
    if len(values) != 4:
        raise ValueError(f"bounds should be four numbers (west south east north), got "
                         f"{len(values)}")
    west, south, east, north = values
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"bounds should be finite numbers, got {bounds!r}")
    for name, value, limit in (("west", west, 180), ("east", east, 180),
                               ("south", south, 90), ("north", north, 90)):
        if not -limit <= value <= limit:
            raise ValueError(f"bounds: {name} should be within -{limit} to {limit} degrees, "
                             f"got {value:g}")
    if not west < east:
        raise ValueError(f"bounds should have west < east, got west {west:g} and east {east:g}")
    if not south < north:
        raise ValueError(f"bounds should have south < north, got south {south:g} and "
                         f"north {north:g}")
    return values


# --------------------------------------------------------------------------- labels
def label_table(frames: dict, state: MapState | None = None) -> list[dict]:
    """One row per labelled feature (``id``, ``layer``, ``name``, ``label``): the default
    label is the short name, the editor's starting point. Only layers ``state`` shows.

    >>> import geopandas as gpd, shapely
    >>> frame = gpd.GeoDataFrame({"id": ["a"], "name": ["Coro (Falcón): hotel"]},
    ...                          geometry=[shapely.Point(-69.7, 11.4)], crs="EPSG:4326")
    >>> label_table({"sightings": frame})
    [{'id': 'a', 'layer': 'sightings', 'name': 'Coro (Falcón): hotel', 'label': 'Coro: hotel'}]
    """
    visible = (state or MapState()).visible_layers
    rows = []
    for layer in LABELLED_LAYERS:
        frame = frames.get(layer)
        if frame is None or layer not in visible or "id" not in frame:
            continue
        names = frame["name"] if "name" in frame else frame["id"]
        for feature_id, name in zip(frame["id"], names, strict=True):
            name = literal(name if isinstance(name, str) else feature_id)
            rows.append({"id": str(feature_id), "layer": layer, "name": name,
                         "label": short_name(name)})
    return rows


def check_labels(frames: dict, labels) -> dict:
    """``labels`` as ``{feature id: text}``, each id checked against the labelled layers;
    an unknown id is a ValueError naming it. An empty text means: no label.

    >>> check_labels({}, None)
    {}
    """
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        raise TypeError(f"'labels' should be a dict of feature id to text, got "
                        f"{type(labels).__name__}")
    known = set()
    for layer in LABELLED_LAYERS:
        frame = frames.get(layer)
        if frame is not None and "id" in frame:
            known.update(str(i) for i in frame["id"])
    unknown = [str(k) for k in labels if str(k) not in known]
    if unknown:
        raise ValueError(f"unknown feature id {unknown[0]!r} in labels (expected the id of a "
                         f"sighting or facility, e.g. {sorted(known)[0] if known else 'none'})")
    return {str(k): literal(v, 200) for k, v in labels.items()}


# --------------------------------------------------------------------------- dates
def date_range(frames, area=None) -> tuple[str, str] | None:
    """The first and last date of the dated features in ``frames`` (those meeting ``area``,
    a lon/lat geometry, when given), as the partial dates they are written with.

    >>> import geopandas as gpd, shapely
    >>> frame = gpd.GeoDataFrame({"date": ["2019-05", None], "date_start": [None, "2018-12"],
    ...                           "date_end": [None, "2019-03"]},
    ...                          geometry=[shapely.Point(0, 0)] * 2, crs="EPSG:4326")
    >>> date_range([frame])
    ('2018-12', '2019-05')
    """
    first = last = None  # (date, text)
    for frame in frames:
        if frame is None or not len(frame):
            continue
        if area is not None:
            frame = frame[frame.geometry.intersects(area)]
        for row in frame.drop(columns="geometry").to_dict("records"):
            row = {k: v for k, v in row.items() if isinstance(v, str) and v}
            span = feature_span(row)
            if span is None:
                continue
            start_text = row.get("date") or row.get("date_start")
            end_text = row.get("date") or row.get("date_end")
            if span[0] is not None and (first is None or span[0] < first[0]):
                first = (span[0], start_text)
            if span[1] is not None and (last is None or span[1] > last[0]):
                last = (span[1], end_text)
    if first is None and last is None:
        return None
    return (first or last)[1], (last or first)[1]


def date_words(value: str) -> str:
    """A partial ISO date in words.

    >>> date_words("2019-05-03"), date_words("2018-12"), date_words("2019")
    ('3 May 2019', 'December 2018', '2019')
    """
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    patterns = DATE_PATTERNS.get(language())
    if patterns is not None:
        from babel.dates import format_date

        day = date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 1)
        return format_date(day, patterns[len(parts) - 1], locale=language())
    month = MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def month_words(value: str) -> str:
    """The month of a partial ISO date, alone.

    >>> month_words("2019-05")
    'May'
    """
    patterns = DATE_PATTERNS.get(language())
    if patterns is None:
        return MONTHS[int(value.split("-")[1]) - 1]
    from babel.dates import format_date

    return format_date(date(int(value[:4]), int(value[5:7]), 1), patterns[0],
                       locale=language())


def range_words(first: str, last: str) -> str:
    """'December 2018 to May 2019'; one date once.

    >>> range_words("2019", "2019"), range_words("2018-12", "2019")
    ('2019', 'December 2018 to 2019')
    """
    if first == last:
        return date_words(first)
    return _("{first} to {last}").format(first=date_words(first), last=date_words(last))


def years_text(first: str, last: str) -> str:
    """The years a range covers, for a title.

    >>> years_text("2018-12", "2019-05"), years_text("2019", "2019-05"), \
years_text("1999", "2001")
    ('2018–19', '2019', '1999–2001')
    """
    start, end = int(first[:4]), int(last[:4])
    if start == end:
        return str(start)
    if start // 100 == end // 100:
        return f"{start}–{end % 100:02d}"
    return f"{start}–{end}"


def default_title(dates: tuple[str, str] | None) -> str:
    """The title: what the map shows and the years of the dated features shown.

    >>> default_title(("2018-12", "2019"))
    'Where Russian specialists were seen in Venezuela, 2018–19'
    """
    return _(DEFAULT_TITLE) + (f", {years_text(*dates)}" if dates else "")


def default_subtitle(state: MapState, dates: tuple[str, str] | None,
                     dated_layers=("sightings", "flights"), sightings=None,
                     date_filtered=True) -> str:
    """What the figure shows: the circles and the dates of what is shown.

    With a date range chosen (``state.date_start`` or ``state.date_end``) that leaves
    something out (``date_filtered``), the range is stated instead, naming the
    ``sightings`` kept only through a month or a year (:func:`layers.dates.range_text`), so
    the figure never claims a precision the dates lack. A range that keeps everything (the
    app's slider at its ends) is not a choice worth a line: the dates shown are given.

    >>> default_subtitle(MapState(radius_km=25), ("2019-01", "2019-05"), ["flights"])
    'Reported sightings of Russian specialists and Russian-financed business assets. \
Circles: 25 km around each sighting. Flights dated January to May 2019.'
    """
    rings = (" " + _(CIRCLES[state.buffer_around]).format(km=numbers(f"{state.radius_km:g}"))
             if state.buffer_around in ("sightings", "facilities") and state.radius_km > 0
             else "")
    text = _("Reported sightings of Russian specialists and Russian-financed business "
             "assets.")
    text += rings
    chosen = range_text(sightings, state.date_start, state.date_end) if date_filtered else ""
    if chosen:
        return f"{text} {chosen}"
    if dates:
        words = range_words(*dates)
        first, last = dates
        if len(first) == len(last) >= 7 and first[:4] == last[:4] and first != last:
            words = _("{first} to {last}").format(first=month_words(first),
                                                  last=date_words(last))
        sentence = DATED_SENTENCES.get(tuple(dated_layers))
        if sentence is None:  # another order of the layers: named as the code calls them
            text += f" {' and '.join(dated_layers).capitalize()} dated {words}."
        else:
            sentence = _(sentence).format(dates=words)
            # a date ending in an abbreviation ("2019 г.") ends the sentence too
            text += " " + (sentence[:-1] if sentence.endswith("..") else sentence)
    return text


def lonlat_box(bounds) -> shapely.Polygon:
    """The (west, south, east, north) box as a polygon."""
    return shapely.box(*bounds)


