"""Static maps for publication: the web map's choices drawn with matplotlib.

:func:`render_figure` draws the offline basemap (land, water, states, rivers, lakes and
names), the visible layers in the registry's colours, geodesic circles at the chosen
radius, labels placed without overlaps, a legend, a geodesic scale bar, a north arrow, a
locator inset, title, subtitle and a credit line with sources, licences, method and result.
:func:`export` and :func:`figure_bytes` write it as PNG, SVG or PDF, with the data version
in the file's metadata.

Each drawn part is a module of its own (:mod:`figures.basemap`, :mod:`figures.story`,
:mod:`figures.flights`, :mod:`figures.feature_labels`, :mod:`figures.placenames`,
:mod:`figures.legend`, :mod:`figures.furniture`, :mod:`figures.inset`), assembled by
:mod:`figures.layout` on a shared :class:`figures.canvas.Canvas`; :mod:`figures.scene`
decides what is shown. Nothing here imports streamlit or pyplot (no global figure state,
safe in a web server).
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import matplotlib
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from analysis.nulls import NULL_MODELS
from analysis.settings import default
from analysis.summary import headline_for
from analysis.wording import target_phrase
from mapview.build import MapState

from . import basemap, credits, layout, scene
from .canvas import Canvas
from .extent import focus_bounds, map_crs
from .presets import FORMATS, Preset, get_preset
from .style import LIMITS, SAVE_RC, halos_under_text
from .text import literal


@dataclass
class FigureInfo:
    """What a rendered figure holds besides its artists, attached as ``figure.footprint``."""

    preset: Preset
    scale: float
    title: str
    subtitle: str
    credits: str
    labels: list = field(default_factory=list)          # Annotation artists
    unplaced_labels: list = field(default_factory=list)  # texts that fitted nowhere
    markers: list = field(default_factory=list)          # (axes, x, y, half size in points)
    test_result: object = None
    legend_labels: list = field(default_factory=list)
    data_version: str = ""                 # written to the file's metadata, not the credits
    bounds: tuple | None = None            # (west, south, east, north) asked for
    extent_lonlat: tuple | None = None     # lon/lat bounds of the map as drawn
    dates: tuple | None = None             # first and last date of what is shown
    edge_labels: list = field(default_factory=list)   # "to Havana", "from Moscow"
    edge_arrows: list = field(default_factory=list)   # (tip, tail) in display units
    place_labels: list = field(default_factory=list)  # basemap names drawn
    note: str = ""                         # the note naming labels with no room
    crs: object = None                     # the map's projection (pyproj CRS)
    flight_lines: list = field(default_factory=list)  # projected flight lines as drawn
    layers: tuple = ()                     # the story layers shown (ids), for the metadata

    def reset_drawing(self) -> None:
        """Forget what was drawn (before the figure is drawn again)."""
        for name in ("labels", "unplaced_labels", "markers", "legend_labels", "edge_labels",
                     "edge_arrows", "place_labels", "flight_lines"):
            setattr(self, name, [])
        self.note = ""


# --------------------------------------------------------------------------- public API
def render_figure(
    frames: dict,
    state: MapState | None = None,
    *,
    preset: str = "16x9",
    title: str | None = None,
    subtitle: str | None = None,
    test_result=None,
    null: str = "towns",
    data_version: str | None = None,
    scale: float = 1.0,
    simulations: int | None = None,
    seed: int | None = None,
    headline: str | None = None,
    bounds=None,
    labels: dict | None = None,
) -> Figure:
    """Draw the map for ``state`` as a publication figure.

    Parameters
    ----------
    frames : dict of GeoDataFrames (EPSG:4326) by layer name: ``facilities``,
        ``sightings``, ``flights``, ``orinoco_mining_arc``, ``venezuela``,
        ``basemap_countries``; missing or empty layers are skipped. The rest of the
        basemap (states, rivers, lakes, places, names) is read from ``data/basemap/``
        (:mod:`figures.basemap`); a missing file leaves its layer out.
    state : the user's choices (radius, layers, dates, categories); default ``MapState()``.
        Only ``state.visible_layers`` are drawn.
    preset : ``16x9``, ``1x1``, ``4x5`` or ``print`` (see :data:`figures.presets.PRESETS`).
    title, subtitle : drawn literally (no mathtext), ellipsised when very long. The default
        title ends with the years, and the default subtitle states the radius and the first
        and last date, of the dated sightings and flights the map shows.
    test_result, headline : the result and the headline to quote (the app passes its own
        short headline, ``analysis.wording.headline(..., short=True)``); when
        ``test_result`` is None, the test and the global test over radii are run on the
        analysed subset with ``null``, ``simulations`` (default 9,999) and
        ``seed`` (default the analysis seed), so the same choices give the same sentence as
        the app (:func:`analysis.summary.headline_for`).
    data_version : written into the file's metadata by :func:`export`; default a
        fingerprint of the story layers.
    scale : resolution factor the labels are placed at (the layout does not change).
    bounds : ``(west, south, east, north)`` in degrees (WGS84): the map shows exactly that
        box, and nothing outside it is labelled. None: the automatic extent (all of
        Venezuela, or the story's places for the small presets).
    labels : ``{feature id: text}`` for sightings and facilities: the text replaces the
        feature's short name in its label; an empty text leaves it unlabelled. An unknown
        id is a ValueError naming it.

    Returns
    -------
    matplotlib.figure.Figure, with ``figure.footprint`` (a :class:`FigureInfo`).
    """
    spec = get_preset(preset)
    state = state or MapState()
    _check_inputs(frames, state, null, scale)
    data = scene.prepare(frames, state, labels=labels, bounds=bounds)
    if test_result is None:
        found = _run_headline(data, state, null, simulations, seed)
        if found is not None:
            test_result, headline = found.result, headline or found.short
    dates, dated = _shown_dates(data, spec, state)
    title_text = literal(title, LIMITS["title"]) or scene.default_title(dates)
    subtitle_text = literal(subtitle if subtitle is not None
                            else scene.default_subtitle(
                                state, dates, dated, data.shown.get("sightings"),
                                data.date_filtered),
                            LIMITS["subtitle"])
    credit = credits.credit_text(
        credits.publishers(*data.story_frames()),
        credits.method_text(state.radius_km, state.buffer_around, test_result,
                            len(data.tested_facilities), headline=headline),
        credits.map_data_text(rivers=basemap.load("rivers") is not None),
    )
    figure = Figure(figsize=(spec.width_in, spec.height_in), dpi=spec.dpi * scale,
                    facecolor="white")
    FigureCanvasAgg(figure)
    info = FigureInfo(spec, scale, title_text, subtitle_text, credit, test_result=test_result,
                      data_version=literal(data_version, 80) if data_version is not None
                      else credits.data_version(frames), bounds=data.bounds, dates=dates,
                      layers=tuple(state.visible_layers))
    figure.footprint = info
    crs = map_crs(data, spec, state)
    layout.assemble(Canvas(figure, spec, info, data, state, crs))
    if info.unplaced_labels:
        # Draw again with room for a note naming them above the credits; the note then
        # names what did not fit in the drawing that stays.
        first = list(info.unplaced_labels)
        figure.clear()
        info.reset_drawing()
        canvas = Canvas(figure, spec, info, data, state, crs)
        layout.assemble(canvas, note=layout.note_text(first))
        layout.update_note(canvas, layout.note_text(info.unplaced_labels))
    halos_under_text(figure)
    return figure


def export(figure: Figure, file, fmt: str | None = None, *, scale: float | None = None) -> None:
    """Write a figure from :func:`render_figure` to a path or binary file object.

    ``fmt`` is ``png``, ``svg`` or ``pdf`` (default: from the file name, else ``png``).
    PNGs are ``preset size x scale`` pixels (default scale: 2 for screens, 1 for print at
    300 dpi) with that dpi in their metadata. SVG keeps text as ``<text>``; PDF embeds
    TrueType fonts. The data version is in the metadata (:func:`file_metadata`). No
    creation dates are written: same figure, same bytes.
    """
    fmt = _format(fmt, file)
    info = _info(figure)
    if scale is None:
        scale = info.preset.default_scale if fmt == "png" else 1.0
    if not (isinstance(scale, int | float) and math.isfinite(scale) and 0 < scale <= 8):
        raise ValueError(f"scale should be a number in (0, 8], got {scale!r}")
    with matplotlib.rc_context(SAVE_RC):
        figure.savefig(file, format=fmt, dpi=info.preset.dpi * scale,
                       metadata=file_metadata(info, fmt), facecolor=figure.get_facecolor())


def file_metadata(info: FigureInfo, fmt: str) -> dict:
    """The metadata written with the figure: title, the data version, and what it shows
    (the extent asked for, ``west south east north`` in degrees or ``automatic``, and the
    story layers): PNG text chunks ``Data version``, ``Extent`` and ``Layers``; SVG
    ``dc:description`` and ``dc:identifier``; PDF ``Subject`` and ``Keywords``. An editor
    (or a test) can tell from the file which view it was drawn from."""
    version = literal(info.data_version, 80)
    extent = (" ".join(f"{value:.4f}" for value in info.bounds) if info.bounds is not None
              else "automatic")
    layers = ", ".join(info.layers) or "none"
    described = (f"Footprint data version {version}. Extent in degrees, west south east north: "
                 f"{extent}. Layers: {layers}.")
    title = literal(info.title, LIMITS["title"])
    if fmt == "png":
        metadata = {"Software": "Footprint (matplotlib)", "Data version": version,
                    "Extent": extent, "Layers": layers}
        if _latin1(title):
            metadata["Title"] = title
        return metadata
    if fmt == "svg":
        return {"Date": None, "Title": title, "Description": described,
                "Identifier": f"footprint-data-version:{version}"}
    return {"CreationDate": None, "ModDate": None, "Title": title, "Subject": described,
            "Keywords": f"footprint-data-version:{version}"}


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def figure_bytes(figure: Figure, fmt: str = "png", *, scale: float | None = None) -> bytes:
    """The figure as bytes, for download buttons (see :func:`export`)."""
    buffer = io.BytesIO()
    export(figure, buffer, fmt, scale=scale)
    return buffer.getvalue()


def layout_boxes(figure: Figure) -> tuple[list[tuple[str, Bbox]], list[Bbox]]:
    """Display-coordinate boxes of every label (text with its background) and every marker,
    at the figure's current dpi: ``([(text, bbox), ...], [bbox, ...])``."""
    info = _info(figure)
    renderer = figure.canvas.get_renderer()
    labels = []
    for annotation in info.labels:
        # The text alone (Annotation.get_window_extent would add the leader line), placed
        # for the current dpi.
        annotation.update_positions(renderer)
        box = matplotlib.text.Text.get_window_extent(annotation, renderer)
        patch = annotation.get_bbox_patch()
        if patch is not None:
            annotation.update_bbox_position_size(renderer)
            box = Bbox.union([box, patch.get_window_extent(renderer)])
        labels.append((annotation.get_text(), box))
    markers = []
    for axes, x, y, half_pt in info.markers:
        cx, cy = axes.transData.transform((x, y))
        half = half_pt * figure.dpi / 72.0
        markers.append(Bbox.from_extents(cx - half, cy - half, cx + half, cy + half))
    return labels, markers


# --------------------------------------------------------------------------- inputs
def _check_inputs(frames, state, null, scale) -> None:
    if not isinstance(frames, dict):
        raise TypeError(f"'frames' should be a dict of GeoDataFrames, got {type(frames).__name__}")
    for name, frame in frames.items():
        if frame is not None and not isinstance(frame, gpd.GeoDataFrame):
            raise TypeError(f"frames[{name!r}] should be a GeoDataFrame, "
                            f"got {type(frame).__name__}")
    if not isinstance(state, MapState):
        raise TypeError(f"'state' should be a MapState, got {type(state).__name__}")
    radius = state.radius_km
    if not (isinstance(radius, int | float) and math.isfinite(radius) and radius >= 0):
        raise ValueError(f"radius_km should be a finite number >= 0, got {radius!r}")
    if null not in NULL_MODELS:
        raise ValueError(f"unknown null model {null!r}; expected one of "
                         f"{', '.join(sorted(NULL_MODELS))}")
    if not (isinstance(scale, int | float) and math.isfinite(scale) and 0 < scale <= 8):
        raise ValueError(f"scale should be a number in (0, 8], got {scale!r}")


def _format(fmt, file) -> str:
    if fmt is None:
        suffix = Path(file).suffix.lower().lstrip(".") if isinstance(file, str | os.PathLike) \
            else ""
        fmt = suffix if suffix in FORMATS else "png"
    fmt = str(fmt).lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt


def _info(figure) -> FigureInfo:
    info = getattr(figure, "footprint", None)
    if not isinstance(info, FigureInfo):
        raise TypeError("expected a figure made by figures.render_figure")
    return info


def _shown_dates(data, spec, state):
    """First and last date of the dated sightings and flights the map shows (those meeting
    the bounds, or the automatic extent's focus area), and which of the two layers have
    dates there."""
    area = shapely.box(*(data.bounds or focus_bounds(data, spec, state)))
    frames = {name: data.shown.get(name) for name in scene.DATED_LAYERS}
    dated = [name for name, frame in frames.items()
             if scene.date_range([frame], area) is not None]
    return scene.date_range(frames.values(), area), dated


def _run_headline(data, state: MapState, null: str, simulations, seed):
    if not len(data.tested_facilities) or not len(data.tested_sightings):
        return None
    if NULL_MODELS[null].needs_boundary and data.venezuela is None:
        return None
    return headline_for(
        data.tested_facilities, data.candidate_sightings, radius_km=float(state.radius_km),
        null=null, simulations=simulations or default("simulations"),
        seed=default("seed") if seed is None else seed, boundary=data.venezuela,
        include_at_facility=state.include_at_facility,
        target=target_phrase(state.facility_categories))


def default_frames() -> dict:
    """The shipped layers, loaded and validated, as ``{name: GeoDataFrame}``."""
    import layers

    return {name: result.frame for name, result in layers.load_all().items()}
