"""Static maps for publication: the web map's choices drawn with matplotlib.

:func:`render_figure` draws the offline basemap, the visible layers in the registry's
colours, geodesic circles at the chosen radius, labels placed without overlaps, a legend, a
geodesic scale bar, a north arrow, a locator inset, title, subtitle and a credit line with
sources, licences, method, result and data version. :func:`export` and
:func:`figure_bytes` write it as PNG, SVG or PDF.

Nothing here imports streamlit or pyplot (no global figure state, safe in a web server).
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib import patches
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from analysis.geodesic import geodesic_buffer
from analysis.io import counted_sightings
from analysis.nulls import NULL_MODELS
from analysis.proximity import proximity_table
from analysis.settings import default
from analysis.summary import headline_for
from analysis.wording import target_phrase
from layers.registry import BY_NAME, PALETTE
from mapview.build import BUFFER_COLOR, MapState, analysis_subset, filter_by_date, great_circle

from . import credits
from .geo import Extent, local_crs, nice_length_km, north_angle_deg, projected_length, to_lonlat
from .labels import LabelRequest, place_labels
from .presets import DEFAULT_TITLE, FORMATS, Preset, get_preset
from .text import LITERAL, balanced_wrap, literal, merge_names, short_name, wrap


def _installed(*candidates: str) -> list[str]:
    """The first of ``candidates`` that matplotlib can find (Liberation fonts have Arial's
    metrics, so SVG text viewed with Arial keeps its size), else DejaVu Sans."""
    names = {font.name for font in matplotlib.font_manager.fontManager.ttflist}
    return [next((name for name in candidates if name in names), "DejaVu Sans")]


SANS = _installed("Liberation Sans", "Arial", "Helvetica")
NARROW = _installed("Liberation Sans Narrow", "Arial Narrow", "DejaVu Sans Condensed")
INK, MUTED = "#1a1a1a", "#555555"
SEA, LAND, VENEZUELA_FILL = "#dde8ee", "#ebe8e1", "#ffffff"
FACILITY_SIZE = 1.2  # squares a little larger than circles: both show at a shared place
MIN_STORY_SPAN_DEG = 4.0  # a story-focused map is never narrower than ~450 km
LIMITS = {"title": 120, "subtitle": 240, "name": 60, "legend": 60}
#: Area shown by the locator inset: northern South America and the Caribbean.
INSET_LONLAT = (-84.0, -6.0, -48.0, 22.0)

SAVE_RC = {
    "svg.fonttype": "none",      # text stays text in SVG (searchable, escaped by matplotlib)
    "svg.hashsalt": "footprint",  # stable ids: same figure, same file
    "pdf.fonttype": 42,          # TrueType in PDF: selectable text
    "text.usetex": False,
}


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


# --------------------------------------------------------------------------- public API
def render_figure(
    frames: dict,
    state: MapState | None = None,
    *,
    preset: str = "16x9",
    title: str = DEFAULT_TITLE,
    subtitle: str | None = None,
    test_result=None,
    null: str = "towns",
    data_version: str | None = None,
    scale: float = 1.0,
    simulations: int | None = None,
    seed: int | None = None,
    headline: str | None = None,
) -> Figure:
    """Draw the map for ``state`` as a publication figure.

    Parameters
    ----------
    frames : dict of GeoDataFrames (EPSG:4326) by layer name: ``facilities``,
        ``sightings``, ``flights``, ``orinoco_mining_arc``, ``venezuela``,
        ``basemap_countries``; missing or empty layers are skipped.
    state : the user's choices (radius, layers, dates, categories); default ``MapState()``.
    preset : ``16x9``, ``1x1``, ``4x5`` or ``print`` (see :data:`figures.presets.PRESETS`).
    title, subtitle : drawn literally (no mathtext), ellipsised when very long. The default
        subtitle states the radius.
    test_result, headline : the result and the headline to quote (the app passes its own
        short headline, ``analysis.wording.headline(..., short=True)``); when
        ``test_result`` is None, the test and the global test over radii are run on the
        analysed subset with ``null``, ``simulations`` (default 9,999) and
        ``seed`` (default the analysis seed), so the same choices give the same sentence as
        the app (:func:`analysis.summary.headline_for`).
    data_version : text for the credit line; default a fingerprint of the story layers.
    scale : resolution factor the labels are placed at (the layout does not change).

    Returns
    -------
    matplotlib.figure.Figure, with ``figure.footprint`` (a :class:`FigureInfo`).
    """
    spec = get_preset(preset)
    state = state or MapState()
    _check_inputs(frames, state, null, scale)
    data = _prepare(frames, state)
    if test_result is None:
        found = _run_headline(data, state, null, simulations, seed)
        if found is not None:
            test_result, headline = found.result, headline or found.short
    title_text = literal(title, LIMITS["title"]) or DEFAULT_TITLE
    subtitle_text = literal(subtitle if subtitle is not None
                            else _default_subtitle(state, data.shown.get("sightings")),
                            LIMITS["subtitle"])
    credit = credits.credit_text(
        credits.publishers(*data.story_frames()),
        credits.method_text(state.radius_km, state.buffer_around, test_result,
                            len(data.tested_facilities), headline=headline),
        data_version if data_version is not None else credits.data_version(frames),
    )
    figure = Figure(figsize=(spec.width_in, spec.height_in), dpi=spec.dpi * scale,
                    facecolor="white")
    FigureCanvasAgg(figure)
    info = FigureInfo(spec, scale, title_text, subtitle_text, credit, test_result=test_result)
    figure.footprint = info
    _Drawing(figure, spec, info, data, state).draw()
    return figure


def export(figure: Figure, file, fmt: str | None = None, *, scale: float | None = None) -> None:
    """Write a figure from :func:`render_figure` to a path or binary file object.

    ``fmt`` is ``png``, ``svg`` or ``pdf`` (default: from the file name, else ``png``).
    PNGs are ``preset size x scale`` pixels (default scale: 2 for screen presets, 1 for
    print at 300 dpi) with that dpi in their metadata. SVG keeps text as ``<text>``; PDF
    embeds TrueType fonts. No creation dates are written: same figure, same bytes.
    """
    fmt = _format(fmt, file)
    info = _info(figure)
    if scale is None:
        scale = info.preset.default_scale if fmt == "png" else 1.0
    if not (isinstance(scale, int | float) and math.isfinite(scale) and 0 < scale <= 8):
        raise ValueError(f"scale should be a number in (0, 8], got {scale!r}")
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None},
                "png": {"Software": "Footprint (matplotlib)"}}[fmt]
    with matplotlib.rc_context(SAVE_RC):
        figure.savefig(file, format=fmt, dpi=info.preset.dpi * scale, metadata=metadata,
                       facecolor=figure.get_facecolor())


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


def _to_wgs84(frame):
    if frame is None or len(frame) == 0:
        return None
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    return frame if len(frame) else None


@dataclass(frozen=True)
class _Data:
    shown: dict                 # layer name -> frame as drawn (visible, date-filtered)
    basemap: object
    venezuela: object
    tested_facilities: object
    tested_sightings: object     # counted: at-facility sightings only if the state says so
    nearest_facility_ids: tuple
    candidate_sightings: object = None  # before leaving out at-facility sightings

    def story_frames(self):
        return [frame for frame in self.shown.values() if frame is not None]


def _prepare(frames, state: MapState) -> _Data:
    frames = {name: _to_wgs84(frame) for name, frame in frames.items()}
    empty = gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    shown = {}
    for name in ("orinoco_mining_arc", "flights", "facilities", "sightings"):
        frame = frames.get(name)
        if name in state.visible_layers and frame is not None:
            if name in ("sightings", "flights"):
                frame = filter_by_date(frame, state.date_start, state.date_end)
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
    return _Data(shown, frames.get("basemap_countries"), frames.get("venezuela"),
                 facilities, counted, nearest, sightings)


def _run_headline(data: _Data, state: MapState, null: str, simulations, seed):
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


def _default_subtitle(state: MapState, sightings=None) -> str:
    """What the figure shows; the dates name sightings kept only through a coarse date."""
    from layers.dates import range_text  # kept here: this change touches this function only

    rings = (f" Circles: {state.radius_km:g} km around each "
             f"{state.buffer_around.removesuffix('s')}."
             if state.buffer_around in ("sightings", "facilities") and state.radius_km > 0
             else "")
    dates = range_text(sightings, state.date_start, state.date_end)
    return ("Reported sightings of Russian specialists and Russian-financed business assets."
            + rings + (" " + dates if dates else ""))


# --------------------------------------------------------------------------- drawing
class _Drawing:
    """One figure being drawn; holds the preset, the projection and the obstacles."""

    def __init__(self, figure: Figure, spec: Preset, info: FigureInfo, data: _Data,
                 state: MapState):
        self.figure, self.spec, self.info, self.data, self.state = (
            figure, spec, info, data, state)
        self.renderer = figure.canvas.get_renderer()
        self.obstacles: list[tuple[float, float, float, float]] = []
        self.legend_handles: list = []
        lon0, lat0 = self._centre()
        self.crs = local_crs(lon0, lat0)

    # ---- layout ------------------------------------------------------------------
    def draw(self) -> None:
        spec = self.spec
        width, height = spec.width_in, spec.height_in
        margin = spec.margin_in
        top = height - margin
        top = self._text_block(self.info.title, spec.title_pt, top, weight="bold",
                               max_lines=2, color=INK)
        if self.info.subtitle:
            top = self._text_block(self.info.subtitle, spec.subtitle_pt,
                                   top - spec.subtitle_pt * 0.35 / 72, max_lines=3,
                                   color="#333333")
        top -= spec.subtitle_pt * 0.9 / 72
        bottom = self._credits_block(margin)
        bottom += spec.credits_pt * 0.9 / 72
        handles = self._legend_handles()
        if spec.layout == "side":
            panel_width = width * 0.27
            map_box = (margin, bottom, width - 2 * margin - panel_width - 0.25, top - bottom)
            legend = self._legend(handles, (width - margin - panel_width, top), ncols=1)
            legend_height = self._height_in(legend)
            inset_height = min(panel_width * 0.78, top - bottom - legend_height - 0.25)
            inset_box = (width - margin - panel_width, bottom, panel_width, inset_height)
        else:
            inset_width = width * (0.27 if spec.name != "print" else 0.3)
            ncols = 1 if spec.name == "print" else 2
            legend = self._legend(handles, (margin, bottom), ncols=ncols, anchor="lower left")
            band = max(self._height_in(legend), inset_width * 0.72)
            inset_box = (width - margin - inset_width, bottom, inset_width, band)
            gap = spec.legend_pt * 1.2 / 72
            map_box = (margin, bottom + band + gap, width - 2 * margin,
                       top - bottom - band - gap)
            self._fit_legend(legend, margin, width - 2 * margin - inset_width - 0.1, bottom,
                             band)
        self._map(map_box)
        self._inset(inset_box)

    def _text_block(self, text, size_pt, top_in, *, max_lines, color, weight="normal"):
        """Wrapped text with its top at ``top_in``; returns the new top (its bottom)."""
        width_px = (self.spec.width_in - 2 * self.spec.margin_in) * self.figure.dpi
        lines = wrap(text, lambda s: self._text_width(s, size_pt, SANS, weight) <= width_px,
                     max_lines)
        artist = self.figure.text(
            self.spec.margin_in / self.spec.width_in, top_in / self.spec.height_in,
            "\n".join(lines), ha="left", va="top", fontsize=size_pt, fontfamily=SANS,
            fontweight=weight, color=color, linespacing=1.15, **LITERAL)
        return top_in - self._height_in(artist)

    def _credits_block(self, bottom_in) -> float:
        size = self.spec.credits_pt
        width_px = (self.spec.width_in - 2 * self.spec.margin_in) * self.figure.dpi
        lines = wrap(self.info.credits,
                     lambda s: self._text_width(s, size, SANS) <= width_px, 8)
        artist = self.figure.text(
            self.spec.margin_in / self.spec.width_in, bottom_in / self.spec.height_in,
            "\n".join(lines), ha="left", va="bottom", fontsize=size, fontfamily=SANS,
            color=MUTED, linespacing=1.2, **LITERAL)
        return bottom_in + self._height_in(artist)

    def _text_width(self, text, size_pt, family, weight="normal") -> float:
        props = matplotlib.font_manager.FontProperties(family=family, size=size_pt,
                                                       weight=weight)
        width, _, _ = self.renderer.get_text_width_height_descent(text, props, ismath=False)
        return width

    def _height_in(self, artist) -> float:
        return artist.get_window_extent(self.renderer).height / self.figure.dpi

    # ---- map ---------------------------------------------------------------------
    def _centre(self) -> tuple[float, float]:
        lon_min, lat_min, lon_max, lat_max = self._focus_bounds()
        return (lon_min + lon_max) / 2, (lat_min + lat_max) / 2

    def _focus_bounds(self):
        """The area the map must show, in lon/lat: Venezuela and every tested feature
        (``focus="country"``), or only the places drawn (``focus="story"``: sightings,
        facilities, mining arc; at least :data:`MIN_STORY_SPAN_DEG` across)."""
        story = [self.data.tested_sightings, self.data.tested_facilities]
        if self.spec.focus == "story":
            story += [self.data.shown.get(name) for name in
                      ("sightings", "facilities", "orinoco_mining_arc")]
            candidates = story
        else:
            candidates = [self.data.venezuela, *story]
        parts = [frame.total_bounds for frame in candidates if frame is not None and len(frame)]
        if not parts:
            return (-73.4, 0.6, -59.8, 12.6)
        around = {"sightings": self.data.tested_sightings,
                  "facilities": self.data.tested_facilities}.get(self.state.buffer_around)
        if around is not None and len(around) and self.state.radius_km > 0:
            # Framing only (nothing is measured here): keep whole circles in view.
            lon0, lat0, lon1, lat1 = around.total_bounds
            dlat = self.state.radius_km / 110.6
            dlon = dlat / max(math.cos(math.radians(max(abs(lat0), abs(lat1)))), 0.1)
            parts.append(np.array([lon0 - dlon, lat0 - dlat, lon1 + dlon, lat1 + dlat]))
        bounds = np.array(parts)
        lon_min, lat_min = bounds[:, 0].min(), bounds[:, 1].min()
        lon_max, lat_max = bounds[:, 2].max(), bounds[:, 3].max()
        half = MIN_STORY_SPAN_DEG / 2
        lon_c, lat_c = (lon_min + lon_max) / 2, (lat_min + lat_max) / 2
        return (min(lon_min, lon_c - half), min(lat_min, lat_c - half),
                max(lon_max, lon_c + half), max(lat_max, lat_c + half))

    def _extent(self, aspect: float) -> Extent:
        lon_min, lat_min, lon_max, lat_max = self._focus_bounds()
        lons = np.linspace(lon_min, lon_max, 9)
        lats = np.linspace(lat_min, lat_max, 9)
        grid_lon, grid_lat = np.meshgrid(lons, lats)
        xs, ys = gpd.GeoSeries(gpd.points_from_xy(grid_lon.ravel(), grid_lat.ravel()),
                               crs="EPSG:4326").to_crs(self.crs).pipe(
            lambda s: (s.x.to_numpy(), s.y.to_numpy()))
        # Extra room at the top: the Caribbean coast, where most labels sit, and the flights.
        extent = Extent(xs.min(), ys.min(), xs.max(), ys.max()).grow(0.07, top=0.14)
        return extent.fit_aspect(aspect)

    def _project(self, frame):
        return frame.to_crs(self.crs)

    def _map(self, box) -> None:
        spec = self.spec
        left, bottom, width, height = box
        axes = self.figure.add_axes((left / spec.width_in, bottom / spec.height_in,
                                     width / spec.width_in, height / spec.height_in))
        self.axes = axes
        extent = self._extent(width / height)
        self.extent = extent
        clip = shapely.box(extent.xmin, extent.ymin, extent.xmax, extent.ymax).buffer(
            extent.width * 0.02)
        axes.set_facecolor(SEA)
        self._basemap(axes, clip, spec.line_pt, detail=True)
        for name, drawer in (("orinoco_mining_arc", self._mining_arc),
                             ("buffers", self._buffers), ("flights", self._flights),
                             ("facilities", self._facilities), ("sightings", self._sightings)):
            if name == "buffers":
                drawer(axes)
            elif self.data.shown.get(name) is not None:
                drawer(axes, self.data.shown[name], clip)
        axes.set_xlim(extent.xmin, extent.xmax)
        axes.set_ylim(extent.ymin, extent.ymax)
        axes.set_aspect("equal", adjustable="box")
        axes.apply_aspect()  # final position now: labels are placed in display units
        _plain_frame(axes, spec)
        self._scale_bar(axes)
        self._north_arrow(axes)
        self._labels(axes)
        self._country_names(axes, clip)

    def _basemap(self, axes, clip, line_pt, detail):
        countries = self.data.basemap
        if countries is not None:
            shapes = self._project(countries).geometry.intersection(clip)
            shapes = shapes[~shapes.is_empty]
            if len(shapes):
                shapes.plot(ax=axes, facecolor=LAND, edgecolor="#b3ada3",
                            linewidth=0.5 * line_pt, zorder=1)
        venezuela = self.data.venezuela
        if venezuela is not None:
            self._project(venezuela).plot(ax=axes, facecolor=VENEZUELA_FILL,
                                          edgecolor="#6d6a63",
                                          linewidth=(1.0 if detail else 0.6) * line_pt,
                                          zorder=2)

    def _mining_arc(self, axes, frame, clip):
        color = BY_NAME["orinoco_mining_arc"].style["color"]
        self._project(frame).plot(ax=axes, facecolor=color, alpha=0.22, edgecolor="none",
                                  zorder=3)
        self._project(frame).plot(ax=axes, facecolor="none", edgecolor=color,
                                  linewidth=0.9 * self.spec.line_pt, zorder=3)

    def _buffers(self, axes):
        around = {"sightings": self.data.tested_sightings,
                  "facilities": self.data.tested_facilities}.get(self.state.buffer_around)
        if around is None or not len(around) or self.state.radius_km <= 0:
            return
        circles = gpd.GeoSeries([geodesic_buffer(g, float(self.state.radius_km), 128)
                                 for g in around.geometry], crs="EPSG:4326")
        projected = circles.to_crs(self.crs)
        projected.plot(ax=axes, facecolor=BUFFER_COLOR, alpha=0.10, edgecolor="none", zorder=4)
        projected.plot(ax=axes, facecolor="none", edgecolor=BUFFER_COLOR,
                       linewidth=1.1 * self.spec.line_pt, linestyle=(0, (4, 2.5)), zorder=4)

    def _flights(self, axes, frame, clip):
        color = BY_NAME["flights"].style["color"]
        lines, ends = [], []
        for geometry in frame.geometry:
            if isinstance(geometry, shapely.LineString):
                lines.append(great_circle(geometry, step_km=25))
            elif isinstance(geometry, shapely.Point):
                ends.append(geometry)
        if lines:
            projected = gpd.GeoSeries(lines, crs="EPSG:4326").to_crs(self.crs)
            clipped = projected.intersection(clip)
            clipped = clipped[~clipped.is_empty]
            if len(clipped):
                clipped.plot(ax=axes, color=color, linewidth=1.3 * self.spec.line_pt,
                             alpha=0.9, zorder=5)
        size = self.spec.marker_pt * 1.55
        for point in gpd.GeoSeries(ends, crs="EPSG:4326").to_crs(self.crs):
            if clip.contains(point):
                self._marker(axes, point, "o", size, "none", color, 1.3, zorder=5)

    def _facilities(self, axes, frame, clip):
        layer = BY_NAME["facilities"]
        for row, geometry in zip(frame.to_dict("records"), self._project(frame).geometry,
                                 strict=True):
            color = layer.color_for(row)
            point = geometry if isinstance(geometry, shapely.Point) else \
                geometry.representative_point()
            if not isinstance(geometry, shapely.Point):
                gpd.GeoSeries([geometry]).plot(ax=axes, facecolor=color, alpha=0.3,
                                               edgecolor=color, zorder=6)
            if clip.contains(point):
                self._marker(axes, point, "s", self.spec.marker_pt * FACILITY_SIZE, color,
                             "#1a1a1a", 0.8, zorder=7)

    def _sightings(self, axes, frame, clip):
        layer = BY_NAME["sightings"]
        tested = set(self.data.tested_sightings.get("id", []))
        for row, geometry in zip(frame.to_dict("records"), self._project(frame).geometry,
                                 strict=True):
            if not isinstance(geometry, shapely.Point) or not clip.contains(geometry):
                continue
            color = layer.color_for(row)
            if row.get("id") in tested or "id" not in row:
                self._marker(axes, geometry, "o", self.spec.marker_pt, color, "white", 1.0,
                             zorder=8)
            else:
                self._marker(axes, geometry, "o", self.spec.marker_pt * 0.9, "none", color,
                             1.6, zorder=8)

    def _marker(self, axes, point, shape, size_pt, face, edge, edge_scale, zorder):
        edge_width = edge_scale * self.spec.line_pt
        axes.plot([point.x], [point.y], linestyle="none", marker=shape, markersize=size_pt,
                  markerfacecolor=face, markeredgecolor=edge, markeredgewidth=edge_width,
                  zorder=zorder)
        self.info.markers.append((axes, point.x, point.y, (size_pt + edge_width) / 2))

    # ---- map furniture -------------------------------------------------------------
    def _axes_px(self, axes):
        return axes.get_window_extent(self.renderer)

    def _scale_bar(self, axes):
        spec = self.spec
        extent = self.extent
        x0 = extent.xmin + extent.width * 0.04
        y0 = extent.ymin + extent.height * 0.045
        lon, lat = to_lonlat(self.crs, x0, y0)
        dx_100, dy_100 = projected_length(self.crs, float(lon), float(lat), 100.0)
        metres_per_km = math.hypot(dx_100, dy_100) / 100.0
        length_km = nice_length_km(extent.width * 0.22 / metres_per_km)
        length = length_km * metres_per_km
        bar_height = extent.height * 0.008 * (self.spec.line_pt ** 0.0)
        for i, color in enumerate((INK, "white")):
            axes.add_patch(patches.Rectangle((x0 + i * length / 2, y0), length / 2, bar_height,
                                             facecolor=color, edgecolor=INK,
                                             linewidth=0.6 * spec.line_pt, zorder=20))
        texts = []
        for value, x in ((0, x0), (length_km / 2, x0 + length / 2), (length_km, x0 + length)):
            label = f"{value:g} km" if value == length_km else f"{value:g}"
            texts.append(axes.text(x, y0 + bar_height * 1.8, label, ha="center", va="bottom",
                                   fontsize=spec.legend_pt * 0.85, fontfamily=SANS, color=INK,
                                   zorder=20, **LITERAL))
        self._add_obstacle(axes, [(x0, y0), (x0 + length, y0 + bar_height)], texts)

    def _north_arrow(self, axes):
        spec = self.spec
        extent = self.extent
        x = extent.xmin + extent.width * 0.04
        y = extent.ymin + extent.height * 0.2
        angle = math.radians(north_angle_deg(self.crs, x, y))
        size = extent.height * 0.06
        dx, dy = -math.sin(angle) * size, math.cos(angle) * size
        arrow = axes.annotate(
            "", xy=(x + dx, y + dy), xytext=(x, y),
            arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.3", "color": INK,
                        "lw": 1.2 * spec.line_pt, "shrinkA": 0, "shrinkB": 0}, zorder=20)
        text = axes.text(x + dx * 1.12, y + dy * 1.12, "N", ha="center", va="bottom",
                         fontsize=spec.legend_pt, fontweight="bold", fontfamily=SANS,
                         color=INK, zorder=20, **LITERAL)
        self._add_obstacle(axes, [(x - size * 0.2, y), (x + dx + size * 0.2, y + dy)],
                           [text, arrow])

    def _add_obstacle(self, axes, corners, artists):
        points = axes.transData.transform(corners)
        boxes = [Bbox(points)] + [a.get_window_extent(self.renderer) for a in artists]
        union = Bbox.union(boxes)
        self.obstacles.append((union.x0, union.y0, union.x1, union.y1))

    def _country_names(self, axes, clip):
        """Neighbouring countries' names, in grey, where they fit without covering data."""
        countries = self.data.basemap
        if countries is None or "name" not in countries:
            return
        axes_box = self._axes_px(axes)
        taken = [b for b in self.obstacles] + [
            (b.x0, b.y0, b.x1, b.y1) for _, b in layout_boxes(self.figure)[0]]
        taken += [(b.x0, b.y0, b.x1, b.y1) for b in layout_boxes(self.figure)[1]]
        visible = shapely.box(*axes.get_xlim()[:1], axes.get_ylim()[0],
                              axes.get_xlim()[1], axes.get_ylim()[1])
        projected = self._project(countries)
        highlighted = self.data.venezuela
        for name, shape in zip(countries["name"], projected.geometry, strict=True):
            if highlighted is not None and "name" in highlighted and \
                    name in set(highlighted["name"]):
                continue  # the highlighted country needs no label
            part = shape.intersection(visible)
            if part.is_empty or part.area < visible.area * 0.02:
                continue
            text = literal(name, 30).upper()
            point = part.representative_point() if not isinstance(part, shapely.Polygon) \
                else shapely.ops.polylabel(part, tolerance=visible.area ** 0.5 / 200)
            artist = axes.text(point.x, point.y, text, ha="center", va="center",
                               fontsize=self.spec.legend_pt * 0.85, fontfamily=SANS,
                               color="#8f8a80", zorder=2.5, **LITERAL)
            artist.set_fontstretch("normal")
            box = artist.get_window_extent(self.renderer)
            inside = (box.x0 >= axes_box.x0 and box.x1 <= axes_box.x1
                      and box.y0 >= axes_box.y0 and box.y1 <= axes_box.y1)
            clash = any(box.x0 < b[2] and b[0] < box.x1 and box.y0 < b[3] and b[1] < box.y1
                        for b in taken)
            if not inside or clash:
                artist.remove()
            else:
                taken.append((box.x0, box.y0, box.x1, box.y1))

    # ---- labels --------------------------------------------------------------------
    def _label_requests(self, axes) -> list[LabelRequest]:
        """One request per place: features at identical coordinates share one label.

        Sightings of the tested categories come first (those placed at a facility by
        construction too: they are part of the story even when the test leaves them out)."""
        candidates = self.data.candidate_sightings
        tested = set((candidates if candidates is not None
                      else self.data.tested_sightings).get("id", []))
        nearest = list(self.data.nearest_facility_ids)
        entries = []  # (priority, order, lon, lat, name, half size)
        sightings = self.data.shown.get("sightings")
        if sightings is not None:
            for order, row in enumerate(sightings.to_dict("records")):
                geometry = row["geometry"]
                if isinstance(geometry, shapely.Point):
                    priority = 0 if row.get("id") in tested else 1
                    entries.append((priority, order, geometry, row))
        facilities = self.data.shown.get("facilities")
        if facilities is not None:
            for order, row in enumerate(facilities.to_dict("records")):
                geometry = row["geometry"]
                point = geometry if isinstance(geometry, shapely.Point) else \
                    geometry.representative_point()
                priority = 2 + nearest.index(row.get("id")) / 100 \
                    if row.get("id") in nearest else 3
                entries.append((priority, order, point, row))
        groups: dict[tuple, list] = {}
        for entry in sorted(entries, key=lambda e: (e[0], e[1])):
            key = (round(entry[2].x, 6), round(entry[2].y, 6))
            groups.setdefault(key, []).append(entry)
        projected = gpd.GeoSeries([shapely.Point(k) for k in groups], crs="EPSG:4326")
        projected = projected.to_crs(self.crs) if len(projected) else projected
        axes_box = self._axes_px(axes)
        requests = []
        for (key, members), point in zip(groups.items(), projected, strict=True):
            x, y = axes.transData.transform((point.x, point.y))
            if not axes_box.contains(x, y):
                continue
            text = self._label_text([row.get("name") or row.get("id")
                                     for _, _, _, row in members])
            requests.append(LabelRequest(f"{key[0]},{key[1]}", text, x, y,
                                         self._marker_radius_px(x, y)))
        return requests

    def _label_text(self, names) -> str:
        """One label for the features at a place: merged names, each wrapped to the
        preset's label width (two lines at most), joined with " / " when that fits."""
        spec = self.spec
        names = [literal(n, LIMITS["name"]) for n in names]
        if spec.short_labels:
            names = [short_name(n) for n in names]
        names = merge_names(names)
        max_px = spec.label_width_em * spec.label_pt * self.figure.dpi / 72

        def fits(line):
            return self._text_width(line, spec.label_pt, NARROW) <= max_px

        joined = " / ".join(names)
        if len(names) > 1 and fits(joined):
            return joined
        lines = []
        for name in names:
            head, colon, tail = name.partition(": ")
            if not fits(name) and colon and fits(head + ":") and fits(tail):
                lines += [head + ":", tail]  # "Place:" / "what happened there"
            else:
                lines += balanced_wrap(
                    name, max_px, lambda t: self._text_width(t, spec.label_pt, NARROW), 2)
        return "\n".join(lines)

    def _marker_radius_px(self, x, y) -> float:
        """Half the size of the largest marker drawn at display point (x, y)."""
        halves = [half for axes, mx, my, half in self.info.markers
                  if np.hypot(*(axes.transData.transform((mx, my)) - (x, y))) < 0.5]
        return max(halves, default=self.spec.marker_pt / 2) * self.figure.dpi / 72

    def _labels(self, axes):
        spec = self.spec
        dpi = self.figure.dpi
        pad_pt = spec.label_pt * 0.18
        pad_px = pad_pt * dpi / 72
        measurer = axes.text(0, 0, "", fontsize=spec.label_pt, fontfamily=NARROW,
                             linespacing=1.1, **LITERAL)

        def measure(text):
            measurer.set_text(text)
            box = measurer.get_window_extent(self.renderer)
            return box.width + 2 * pad_px, box.height + 2 * pad_px

        requests = self._label_requests(axes)
        axes_box = self._axes_px(axes)
        inset = 2 * dpi / 72
        markers = [(b.x0, b.y0, b.x1, b.y1) for b in layout_boxes(self.figure)[1]]
        placed, unplaced = place_labels(
            requests, measure, obstacles=markers + self.obstacles,
            bounds=(axes_box.x0 + inset, axes_box.y0 + inset, axes_box.x1 - inset,
                    axes_box.y1 - inset),
            gap=spec.label_pt * 0.3 * dpi / 72, step=spec.label_pt * 1.1 * dpi / 72,
            rings=8)
        measurer.remove()
        to_points = 72 / dpi
        for placement in placed:
            request = placement.request
            ha = {0.0: "left", 0.5: "center", 1.0: "right"}[placement.ha_fraction]
            va = {0.0: "bottom", 0.5: "center", 1.0: "top"}[placement.va_fraction]
            # The box includes the padding; the text's reference point sits inside it.
            dx = placement.dx + pad_px * (1 - 2 * placement.ha_fraction)
            dy = placement.dy + pad_px * (1 - 2 * placement.va_fraction)
            data_xy = axes.transData.inverted().transform((request.x, request.y))
            arrow = None
            if placement.leader:
                arrow = {"arrowstyle": "-", "color": "#444444", "lw": 0.7 * spec.line_pt,
                         "shrinkA": 0, "shrinkB": request.marker_radius * to_points + 1}
            annotation = axes.annotate(
                request.text, xy=data_xy, xytext=(dx * to_points, dy * to_points),
                textcoords="offset points", ha=ha, va=va, multialignment=ha
                if ha != "center" else "center", fontsize=spec.label_pt, fontfamily=NARROW,
                color=INK, linespacing=1.1, zorder=30, arrowprops=arrow,
                bbox={"boxstyle": f"square,pad={pad_pt / spec.label_pt:.3f}",
                      "facecolor": "white", "edgecolor": "none", "alpha": 0.82},
                annotation_clip=False, **LITERAL)
            self.info.labels.append(annotation)
        self.info.unplaced_labels.extend(r.text for r in unplaced)

    # ---- legend and inset ------------------------------------------------------------
    def _legend_handles(self):
        spec = self.spec
        handles: list[tuple[object, str]] = []
        size = spec.marker_pt
        facilities = self.data.shown.get("facilities")
        layer = BY_NAME["facilities"]
        if facilities is not None:
            present = set(facilities.get("category", []))
            for key, color in layer.style["colors"].items():
                if key in present:
                    handles.append((Line2D([], [], ls="none", marker="s",
                                           markersize=size * FACILITY_SIZE,
                                           markerfacecolor=color, markeredgecolor=INK,
                                           markeredgewidth=0.8 * spec.line_pt),
                                    layer.style["labels"][key]))
        sightings = self.data.shown.get("sightings")
        layer = BY_NAME["sightings"]
        if sightings is not None:
            tested = set(self.data.tested_sightings.get("id", []))
            tested_rows = sightings[sightings["id"].isin(tested)] if "id" in sightings \
                else sightings
            present = set(tested_rows.get("confidence", []))
            for key, color in layer.style["colors"].items():
                if key in present:
                    handles.append((Line2D([], [], ls="none", marker="o", markersize=size,
                                           markerfacecolor=color, markeredgecolor="white"),
                                    layer.style["labels"][key]))
            others = sightings[~sightings["id"].isin(tested)] if "id" in sightings else []
            if len(others):  # one entry, with why they are not counted
                reasons = dict.fromkeys(
                    "placed at a facility" if row.get("placement") == "at_facility"
                    else str(row.get("category") or "other").replace("_", " ")
                    for row in others.drop(columns="geometry").to_dict("records"))
                label = f"Not in the test ({', '.join(reasons)})"
                handles.append((Line2D([], [], ls="none", marker="o", markersize=size * 0.9,
                                       markerfacecolor="none",
                                       markeredgecolor=layer.color_for(
                                           others.iloc[0].to_dict()),
                                       markeredgewidth=1.6 * spec.line_pt),
                                literal(label, LIMITS["legend"])))
        if self.state.buffer_around in ("sightings", "facilities") and \
                self.state.radius_km > 0:
            around = self.state.buffer_around.removesuffix("s")
            handles.append((patches.Patch(facecolor=(0, 0.62, 0.45, 0.12),
                                          edgecolor=BUFFER_COLOR, linestyle="--",
                                          linewidth=1.1 * spec.line_pt),
                            f"{self.state.radius_km:g} km around each {around}"))
        if self.data.shown.get("orinoco_mining_arc") is not None:
            color = BY_NAME["orinoco_mining_arc"].style["color"]
            handles.append((patches.Patch(facecolor=matplotlib.colors.to_rgba(color, 0.22),
                                          edgecolor=color, linewidth=0.9 * spec.line_pt),
                            BY_NAME["orinoco_mining_arc"].legend_label))
        flights = self.data.shown.get("flights")
        if flights is not None:
            color = BY_NAME["flights"].style["color"]
            kinds = set(flights.geom_type)
            if "LineString" in kinds:
                handles.append((Line2D([], [], color=color, linewidth=1.3 * spec.line_pt),
                                "Documented flight (great circle)"))
            if "Point" in kinds:
                handles.append((Line2D([], [], ls="none", marker="o",
                                       markersize=size * 1.55, markerfacecolor="none",
                                       markeredgecolor=color,
                                       markeredgewidth=1.3 * spec.line_pt),
                                "Flight destination (route unknown)"))
        return handles

    def _legend(self, handles, anchor_in, *, ncols, anchor="upper left"):
        spec = self.spec
        if not handles:
            handles = [(patches.Patch(alpha=0), "No layers shown")]
        legend = self.figure.legend(
            [h for h, _ in handles], [label for _, label in handles], loc=anchor,
            bbox_to_anchor=(anchor_in[0] / spec.width_in, anchor_in[1] / spec.height_in),
            ncols=ncols, frameon=False, fontsize=spec.legend_pt, borderaxespad=0,
            borderpad=0, handlelength=1.6, handleheight=1.0, columnspacing=1.2,
            labelspacing=0.45, prop={"family": SANS, "size": spec.legend_pt})
        for text in legend.get_texts():
            text.set_parse_math(False)
            text.set_usetex(False)
        self.info.legend_labels = [label for _, label in handles]
        return legend

    def _fit_legend(self, legend, left_in, width_in, bottom_in, band_in):
        """Vertically centre a below-the-map legend in its band."""
        height = self._height_in(legend)
        legend.set_bbox_to_anchor((left_in / self.spec.width_in,
                                   (bottom_in + (band_in - height) / 2) / self.spec.height_in))

    def _inset(self, box):
        spec = self.spec
        left, bottom, width, height = box
        axes = self.figure.add_axes((left / spec.width_in, bottom / spec.height_in,
                                     width / spec.width_in, height / spec.height_in))
        lon_min, lat_min, lon_max, lat_max = INSET_LONLAT
        lons, lats = np.meshgrid(np.linspace(lon_min, lon_max, 7),
                                 np.linspace(lat_min, lat_max, 7))
        corners = gpd.GeoSeries(gpd.points_from_xy(lons.ravel(), lats.ravel()),
                                crs="EPSG:4326").to_crs(self.crs)
        inner = Extent(corners.x.min(), corners.y.min(), corners.x.max(), corners.y.max())
        view = inner.fit_aspect(width / height)
        # Shrink to the requested area rather than grow past it.
        clip = shapely.box(view.xmin, view.ymin, view.xmax, view.ymax)
        axes.set_facecolor(SEA)
        countries = self.data.basemap
        if countries is not None:
            shapes = self._project(countries).geometry.intersection(clip)
            shapes = shapes[~shapes.is_empty]
            shapes.plot(ax=axes, facecolor=LAND, edgecolor="#b3ada3",
                        linewidth=0.35 * spec.line_pt)
        if self.data.venezuela is not None:
            self._project(self.data.venezuela).plot(ax=axes, facecolor="#6d6a63",
                                                    edgecolor="none")
        e = self.extent
        axes.add_patch(patches.Rectangle((e.xmin, e.ymin), e.width, e.height,
                                         facecolor="none", edgecolor=PALETTE["vermillion"],
                                         linewidth=1.2 * spec.line_pt, zorder=5))
        axes.text(0.04, 0.05, "Area shown", transform=axes.transAxes, ha="left", va="bottom",
                  fontsize=spec.legend_pt * 0.8, fontfamily=SANS, color=MUTED, **LITERAL)
        axes.set_xlim(view.xmin, view.xmax)
        axes.set_ylim(view.ymin, view.ymax)
        axes.set_aspect("equal", adjustable="box")
        axes.set_anchor("SE" if spec.layout == "below" else "S")
        _plain_frame(axes, spec)


def _plain_frame(axes, spec: Preset) -> None:
    """No ticks or axis labels (projected metres mean nothing to a reader), a thin frame."""
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_xlabel("")
    axes.set_ylabel("")
    for spine in axes.spines.values():
        spine.set_edgecolor("#9a9a9a")
        spine.set_linewidth(0.6 * spec.line_pt)


def default_frames() -> dict:
    """The shipped layers, loaded and validated, as ``{name: GeoDataFrame}``."""
    import layers

    return {name: result.frame for name, result in layers.load_all().items()}
