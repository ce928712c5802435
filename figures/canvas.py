"""The figure being drawn, shared by every part that draws on it.

A :class:`Canvas` holds the preset, the scene, the map's projection and extent, and what is
already on the map (markers, boxes, lines), so that each part (basemap, story layers,
labels, legend, scale and north arrow, inset, credits) can be a module of its own that
reads it and adds to it.
"""

from __future__ import annotations

import matplotlib
import shapely
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from .presets import Preset

Box = tuple[float, float, float, float]


class Canvas:
    """One figure being drawn (display units: pixels at the figure's dpi, y up)."""

    def __init__(self, figure: Figure, spec: Preset, info, scene, state, crs):
        self.figure, self.spec, self.info, self.scene, self.state = (
            figure, spec, info, scene, state)
        self.crs = crs
        self.renderer = figure.canvas.get_renderer()
        self.axes = None
        self.extent = None        # figures.geo.Extent of the map, projected metres
        self.clip = None          # the extent grown a little: what is worth drawing
        self.frame = None         # the extent exactly, as a projected polygon
        self.frame_lonlat = None  # the map's frame in lon/lat (polygon)
        self.obstacles: list[Box] = []   # scale bar, north arrow: nothing may touch them
        self.taken: list[Box] = []       # text already placed (story, edge, basemap)
        self.avoid: list = []            # display-unit lines labels keep off if they can
        self.flight_lines: list = []     # projected flight lines as drawn (inside the frame)
        self.edge_crossings: list = []   # figures.flights.EdgeCrossing, for the frame's edge
        self.note_artist = None          # the unplaced-labels note, when room was kept for it

    # ---- units ---------------------------------------------------------------------
    @property
    def dpi(self) -> float:
        return self.figure.dpi

    def px(self, points: float) -> float:
        """Points to display units."""
        return points * self.figure.dpi / 72.0

    def text_width(self, text, size_pt, family, weight="normal", style="normal") -> float:
        props = matplotlib.font_manager.FontProperties(family=family, size=size_pt,
                                                       weight=weight, style=style)
        width, _, _ = self.renderer.get_text_width_height_descent(text, props, ismath=False)
        return width

    def height_in(self, artist) -> float:
        return artist.get_window_extent(self.renderer).height / self.figure.dpi

    def width_in(self, artist) -> float:
        return artist.get_window_extent(self.renderer).width / self.figure.dpi

    def box_of(self, artist) -> Box:
        box = artist.get_window_extent(self.renderer)
        return (box.x0, box.y0, box.x1, box.y1)

    # ---- geometry ------------------------------------------------------------------
    def project(self, frame):
        return frame.to_crs(self.crs)

    def axes_box(self) -> Bbox:
        return self.axes.get_window_extent(self.renderer)

    def to_display(self, geometry):
        """A projected geometry in the map axes' display units."""
        transform = self.axes.transData
        return shapely.transform(geometry, lambda xy: transform.transform(xy))

    # ---- bookkeeping -----------------------------------------------------------------
    def marker(self, point, shape, size_pt, face, edge, edge_scale, zorder, *, story=True):
        """A marker at projected ``point``; story markers are obstacles to every label."""
        edge_width = edge_scale * self.spec.line_pt
        self.axes.plot([point.x], [point.y], linestyle="none", marker=shape,
                       markersize=size_pt, markerfacecolor=face, markeredgecolor=edge,
                       markeredgewidth=edge_width, zorder=zorder)
        if story:
            self.info.markers.append((self.axes, point.x, point.y, (size_pt + edge_width) / 2))

    def marker_boxes(self) -> list[Box]:
        boxes = []
        for axes, x, y, half_pt in self.info.markers:
            cx, cy = axes.transData.transform((x, y))
            half = self.px(half_pt)
            boxes.append((cx - half, cy - half, cx + half, cy + half))
        return boxes

    def add_obstacle(self, corners, artists) -> None:
        """The union of projected ``corners`` and ``artists``' boxes: no label may touch it."""
        points = self.axes.transData.transform(corners)
        boxes = [Bbox(points)] + [a.get_window_extent(self.renderer) for a in artists]
        union = Bbox.union(boxes)
        self.obstacles.append((union.x0, union.y0, union.x1, union.y1))

    def is_free(self, box: Box, *, markers=True, pad: float = 0.0) -> bool:
        """Whether ``box`` stays inside the map and touches nothing placed so far."""
        frame = self.axes_box()
        if box[0] - pad < frame.x0 or box[1] - pad < frame.y0 or box[2] + pad > frame.x1 \
                or box[3] + pad > frame.y1:
            return False
        others = self.obstacles + self.taken + (self.marker_boxes() if markers else [])
        grown = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
        return not any(grown[0] < b[2] and b[0] < grown[2] and grown[1] < b[3]
                       and b[1] < grown[3] for b in others)
