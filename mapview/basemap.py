"""The live map's offline basemap: a light copy of ``data/basemap*`` served as one file.

``data/`` holds the basemap in full detail for print figures (built by
``scripts/build_data.py --basemap``). The live map does not need a 100 m coast at zoom 6,
and whatever is inside the map's HTML is sent again on every rerun, so the basemap goes to
the browser another way: :func:`write_live_basemap` simplifies each layer for the screen,
adds the labels (places, rivers, lakes, states, seas and countries, each with a priority
and the zoom from which it shows) and writes ``static/basemap/basemap-<version>.json``.
The map's script (``static/footprint-map.js``) fetches it once from this server (the
browser caches it) and draws it under the story layers. Nothing leaves the machine.

Nothing here imports streamlit.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GEOD = Geod(ellps="WGS84")

#: Source files, in drawing order, and the simplification tolerance (degrees) for screen.
#: 0.004 degrees is ~450 m: under 1 pixel up to zoom 8, where the whole country still fits.
LAYERS = {
    "world_land": ("basemap/world_land.geojson", 0.02),
    "countries": ("basemap_countries.geojson", 0.004),
    "lakes": ("basemap/lakes.geojson", 0.003),
    "states": ("basemap/states.geojson", 0.006),
    "rivers": ("basemap/rivers.geojson", 0.004),
}
#: The zoom from which a place label may show, by rank (1 capital ... 5 small towns).
PLACE_MIN_ZOOM = {1: 0, 2: 5, 3: 6, 4: 7, 5: 8}
#: Story towns (cited by the story layers) show from the start, like the capital.
STORY_MIN_ZOOM = 0


def _features(relative: str) -> list[dict]:
    path = DATA / relative
    if not path.exists():
        return []
    return json.loads(path.read_text("utf-8")).get("features", [])


def _shape(feature):
    return shapely.geometry.shape(feature["geometry"])


def _geometry(geometry, tolerance: float) -> dict:
    simple = shapely.simplify(geometry, tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, 1e-4)
    return json.loads(shapely.to_geojson(simple))


def _mercator_angle(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Screen angle (degrees, counter-clockwise) of the segment a->b in Web Mercator, the
    live map's display projection: how far to rotate a label that follows it."""
    def y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    dx = math.radians(b[0] - a[0])
    dy = y(b[1]) - y(a[1])
    angle = math.degrees(math.atan2(dy, dx))
    if angle > 90:
        angle -= 180
    elif angle < -90:
        angle += 180
    return round(angle, 1)


def river_label(geometry) -> tuple[tuple[float, float], float]:
    """Where to write a river's name: on its longest part, at the straightest stretch
    near the middle (point, angle)."""
    parts = list(getattr(geometry, "geoms", [geometry]))
    line = max(parts, key=lambda part: part.length)
    best = None
    for fraction in np.linspace(0.3, 0.7, 9):
        at = line.interpolate(fraction, normalized=True)
        before = line.interpolate(max(fraction - 0.06, 0), normalized=True)
        after = line.interpolate(min(fraction + 0.06, 1), normalized=True)
        chord = before.distance(after)
        path = line.project(after) - line.project(before)
        straightness = chord / path if path else 0
        if best is None or straightness > best[0] + 1e-9:
            best = (straightness, at, before, after)
    _, at, before, after = best
    return (round(at.x, 4), round(at.y, 4)), _mercator_angle((before.x, before.y),
                                                              (after.x, after.y))


def _label(text, lon, lat, kind, priority, min_zoom, **extra) -> dict:
    return {"text": text, "lon": round(float(lon), 4), "lat": round(float(lat), 4),
            "kind": kind, "priority": priority, "minZoom": min_zoom, **extra}


def labels() -> list[dict]:
    """Every basemap label, most important first (the map shows them in this order and
    skips one that would overlap a label already shown or a story marker)."""
    out = []
    for feature in _features("basemap/labels.geojson"):
        p = feature["properties"]
        point = _shape(feature)
        kind = p["kind"]
        min_zoom = 0 if p["rank"] == 1 else 5 if p["rank"] == 2 else 6
        out.append(_label(p["name"], point.x, point.y, kind, p["rank"], min_zoom))
    for feature in _features("basemap/places.geojson"):
        p = feature["properties"]
        point = _shape(feature)
        story = bool(p.get("story"))
        min_zoom = STORY_MIN_ZOOM if story else PLACE_MIN_ZOOM.get(p["rank"], 8)
        # "Ciudad Guayana (Puerto Ordaz)": the bracketed name, the one the story uses, is
        # shown where the whole one does not fit (a narrow map).
        short = re.fullmatch(r".+ \((.+)\)", p["name"])
        out.append(_label(p["name"], point.x, point.y, "place",
                          1.5 if story else p["rank"] + 1, min_zoom,
                          **({"short": short.group(1)} if short else {}),
                          population=p.get("population") or 0,
                          capital=bool(p.get("capital"))))
    for feature in _features("basemap/rivers.geojson"):
        p = feature["properties"]
        (lon, lat), angle = river_label(_shape(feature))
        out.append(_label(p["name"], lon, lat, "river", 2 if p["rank"] == 1 else 5,
                          5 if p["rank"] == 1 else 7, angle=angle))
    for feature in _features("basemap/lakes.geojson"):
        p = feature["properties"]
        point = _shape(feature).representative_point()
        big = p["name"] == "Lake Maracaibo"
        out.append(_label(p["name"], point.x, point.y, "lake", 3 if big else 4,
                          6 if big else 8))
    for feature in _features("basemap/states.geojson"):
        p = feature["properties"]
        point = _shape(feature).representative_point()
        out.append(_label(p["name"], point.x, point.y, "state", 7, 7))
    order = {"country": 0, "ocean": 0, "sea": 0}
    out.sort(key=lambda item: (item["priority"], order.get(item["kind"], 1),
                               -item.get("population", 0), item["text"]))
    return out


def live_basemap() -> dict:
    """The screen copy: simplified layers (geometry plus name only) and the labels."""
    layers = {}
    for name, (relative, tolerance) in LAYERS.items():
        features = []
        for feature in _features(relative):
            p = feature["properties"]
            properties = {key: p[key] for key in ("name", "iso_a3", "rank", "kind") if key in p}
            features.append({"type": "Feature", "properties": properties,
                             "geometry": _geometry(_shape(feature), tolerance)})
        layers[name] = {"type": "FeatureCollection", "features": features}
    return {"layers": layers, "labels": labels()}


@cache
def live_payload() -> tuple[str, bytes]:
    """(version, bytes) of the screen copy; the version is a hash of its content."""
    body = json.dumps(live_basemap(), ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(body).hexdigest()[:12], body


def write_live_basemap(target: Path) -> Path:
    """Write ``basemap-<version>.json`` into ``target`` (unless it is there) and remove
    older versions; returns the path."""
    version, body = live_payload()
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"basemap-{version}.json"
    if not path.exists() or path.stat().st_size != len(body):
        partial = path.with_suffix(".part")
        partial.write_bytes(body)
        partial.replace(path)
    for old in target.glob("basemap-*.json"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def live_url(prefix: str) -> str:
    """The address the map fetches the basemap from."""
    version, _ = live_payload()
    return f"{prefix}/basemap/basemap-{version}.json"
