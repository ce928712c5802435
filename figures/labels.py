"""A small deterministic label placer: candidate positions around each anchor, greedy.

Works in display units (pixels, y up). Each label tries positions around its anchor, nearest
ring first and, within a ring, right, left, above, below and the diagonals; it takes the
free position whose box stays inside ``bounds`` and touches no obstacle (markers, scale
bar...), no label already placed and no leader line already drawn. Among the free positions
of a ring it takes the one that covers the least of the ``avoid`` lines (the coast, rivers,
flight lines), so halo text sits beside the coast rather than on it; with
``avoid_hard=True`` (labels on opaque boxes) a box never covers those lines. Labels on
outer rings get a leader line. Labels that fit nowhere are returned unplaced rather than
drawn on top of something.

Same input, same output: no randomness, ties broken by the input order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import shapely
import shapely.ops

Box = tuple[float, float, float, float]
"""(x0, y0, x1, y1) in display units, x0 <= x1 and y0 <= y1."""

# Unit direction and which corner/edge of the box sits at the offset point
# (fraction of width and height measured from the box's lower-left corner).
_DIRECTIONS = (
    ((1.0, 0.0), (0.0, 0.5)),     # right
    ((-1.0, 0.0), (1.0, 0.5)),    # left
    ((0.0, 1.0), (0.5, 0.0)),     # above
    ((0.0, -1.0), (0.5, 1.0)),    # below
    ((0.72, 0.72), (0.0, 0.0)),   # upper right
    ((-0.72, 0.72), (1.0, 0.0)),  # upper left
    ((0.72, -0.72), (0.0, 1.0)),  # lower right
    ((-0.72, -0.72), (1.0, 1.0)),  # lower left
)


@dataclass(frozen=True)
class LabelRequest:
    """A label to place: its text, anchor (display units) and the anchor marker's radius."""

    key: str
    text: str
    x: float
    y: float
    marker_radius: float = 0.0


@dataclass(frozen=True)
class Placement:
    """Where a label went: its box, the offset of its reference point from the anchor,
    the box fractions (``ha_fraction``, ``va_fraction``) of that reference point, and
    whether it needs a leader line."""

    request: LabelRequest
    box: Box
    dx: float
    dy: float
    ha_fraction: float
    va_fraction: float
    leader: bool


def boxes_overlap(a: Box, b: Box) -> bool:
    """Whether two boxes share interior (touching edges do not count).

    >>> boxes_overlap((0, 0, 2, 2), (1, 1, 3, 3)), boxes_overlap((0, 0, 1, 1), (1, 0, 2, 1))
    (True, False)
    """
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    requests: Sequence[LabelRequest],
    measure: Callable[[str], tuple[float, float]],
    *,
    obstacles: Sequence[Box] = (),
    bounds: Box | None = None,
    gap: float = 3.0,
    step: float = 14.0,
    rings: int = 6,
    avoid: Sequence = (),
    avoid_hard: bool = False,
) -> tuple[list[Placement], list[LabelRequest]]:
    """Place labels without overlaps; returns (placements, requests that did not fit).

    Parameters
    ----------
    requests : labels in priority order (earlier ones choose first)
    measure : text -> (width, height) of its box in display units, padding included
    obstacles : boxes no label may touch (every marker, the scale bar, ...)
    bounds : box every label must stay inside
    gap : clearance between a marker's edge and its label, and between two labels
    step : how much further out each ring is
    rings : number of rings tried; rings after the first get leader lines
    avoid : shapely lines (display units) a label should cover as little of as it can
    avoid_hard : never cover them (for labels drawn on opaque boxes)

    Examples
    --------
    >>> same_place = [LabelRequest("a", "A", 50, 50, 4), LabelRequest("b", "B", 50, 50, 4)]
    >>> placed, unplaced = place_labels(same_place, lambda text: (20, 10),
    ...                                 obstacles=[(46, 46, 54, 54)], bounds=(0, 0, 100, 100))
    >>> [(p.request.key, p.box) for p in placed], unplaced
    ([('a', (57.0, 45.0, 77.0, 55.0)), ('b', (23.0, 45.0, 43.0, 55.0))], [])
    """
    obstacle_geoms = [shapely.box(*_pad(box, gap / 2)) for box in obstacles]
    lines = [line for line in avoid if line is not None and not line.is_empty]
    sizes = [measure(request.text) for request in requests]
    chosen: dict[int, Placement] = {}
    taken = []  # padded boxes of placed labels and their leader lines
    # Ring by ring: every label gets a chance next to its marker before any label is
    # pushed out onto a leader line (where it could block a neighbour's close spot).
    for ring in range(rings):
        for index, request in enumerate(requests):
            if index in chosen:
                continue
            placement = _try_ring(request, sizes[index], ring, gap, step, bounds,
                                  obstacle_geoms, taken, lines, avoid_hard)
            if placement is not None:
                chosen[index] = placement
    placed = [chosen[i] for i in sorted(chosen)]
    unplaced = [r for i, r in enumerate(requests) if i not in chosen]
    return placed, unplaced


def _try_ring(request, size, ring, gap, step, bounds, obstacle_geoms, taken, lines=(),
              avoid_hard=False):
    """The best free position on ``ring`` around the request's anchor, or None; a found
    placement's box (and leader) is appended to ``taken``. Best: covering the least of
    ``lines``; ties go to the first direction (right, left, above, below, diagonals)."""
    width, height = size
    distance = request.marker_radius + gap + ring * step
    best = None  # (cost, placement, geom, leader)
    for (ux, uy), (fx, fy) in _DIRECTIONS:
        px, py = request.x + ux * distance, request.y + uy * distance
        box = (px - fx * width, py - fy * height,
               px - fx * width + width, py - fy * height + height)
        if bounds is not None and not _inside(box, bounds):
            continue
        geom = shapely.box(*_pad(box, gap / 2))
        leader = _leader(request, box) if ring > 0 else None
        if _collides(geom, leader, obstacle_geoms, taken, request):
            continue
        cost = sum(shapely.clip_by_rect(line, *box).length for line in lines)
        if avoid_hard and cost > 0:
            continue
        if best is None or cost < best[0]:
            best = (cost, Placement(request, box, px - request.x, py - request.y, fx, fy,
                                    ring > 0), geom, leader)
            if cost == 0:
                break
    if best is None:
        return None
    _, placement, geom, leader = best
    taken.append(geom)
    if leader is not None:
        taken.append(leader)
    return placement


def _pad(box: Box, pad: float) -> Box:
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def _inside(box: Box, bounds: Box) -> bool:
    return (box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2]
            and box[3] <= bounds[3])


def _leader(request: LabelRequest, box: Box):
    """The leader line from the marker's edge to the nearest point of the label's box."""
    anchor = shapely.Point(request.x, request.y)
    target = shapely.ops.nearest_points(shapely.box(*box), anchor)[0]
    line = shapely.LineString([anchor, target])
    start = request.marker_radius + 1.0
    if line.length <= start:
        return None
    return shapely.ops.substring(line, start, line.length)


def _collides(geom, leader, obstacles, taken, request) -> bool:
    for other in obstacles:
        if _hit(geom, other):
            return True
        if leader is not None and _hit(leader, other) and not _own_marker(other, request):
            return True
    for other in taken:
        if _hit(geom, other) or (leader is not None and _hit(leader, other)):
            return True
    return False


def _hit(a, b) -> bool:
    """Shared interior or a crossing; touching at the edge is allowed."""
    return a.intersects(b) and not a.touches(b)


def _own_marker(geom, request: LabelRequest) -> bool:
    return geom.contains(shapely.Point(request.x, request.y))
