"""Downloads: the publication figure, the proximity CSV, buffers and results as GeoJSON,
the Markdown box.

Each function returns the file's bytes or text. Pages hand ``st.download_button`` the
bytes themselves, through :func:`download_bytes` (built once per data version and choices),
never a callable, with ``on_click="ignore"``. Streamlit forgets a callable's placeholder at
the end of the next run of any session, so a click racing a rerun never got its file
("Deferred file ... not found"); and a stored file that two runs in a row did not render
(the click's own reruns, each interrupted by the next click) is deleted, so the next click
of it was cancelled (404).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from analysis.proximity import geodesic_buffers
from analysis.report import DataDescription
from mapview.lru import MISSING, BoundedLRU

#: streamlit-folium's key for the Map page's map (its last returned view is read from it).
MAP_KEY = "footprint-map"

#: Download files by what they are built from, shared by every session: at most
#: :data:`DOWNLOAD_FILES` files and :data:`DOWNLOAD_BYTES` bytes in all.
DOWNLOAD_FILES = 64
DOWNLOAD_BYTES = 64 * 2**20
_DOWNLOADS = BoundedLRU(size=DOWNLOAD_FILES, budget=DOWNLOAD_BYTES)


def download_bytes(key: tuple, build) -> bytes:
    """The file ``build()`` makes (text is encoded as UTF-8), kept under ``key``.

    ``key`` must name everything the file depends on: its kind, the data version and the
    choices. A page passes the result to ``st.download_button(data=...)``, so the button
    holds a real file whatever reruns happen before the click, and a rerun with the same
    choices costs a lookup.

    >>> calls = []
    >>> build = lambda: calls.append(1) or "a,b"
    >>> download_bytes(("doctest", 1), build), download_bytes(("doctest", 1), build), calls
    (b'a,b', b'a,b', [1])
    """
    data = _DOWNLOADS.lookup(key)
    if data is MISSING:
        data = build()
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        _DOWNLOADS.store(key, data, weight=len(data))
    return data


@dataclass(frozen=True)
class FigureOptions:
    """What the export panel asks of a figure (besides the sidebar's choices)."""

    preset: str = "16x9"
    title: str | None = None          # None: the automatic title
    subtitle: str | None = None       # None: the automatic subtitle
    bounds: tuple | None = None       # (west, south, east, north); None: automatic extent
    labels: dict = field(default_factory=dict)  # feature id -> label text

    @property
    def preview_scale(self) -> float:
        """A preview about 800 px wide, whatever the preset."""
        from figures import PRESETS

        return min(1.0, 800 / PRESETS[self.preset].width_px)


def figure_file(frames, choices, result, options: FigureOptions, *, fmt: str = "png",
                scale: float | None = None, headline: str | None = None,
                workspace: str | None = None) -> bytes:
    """The publication figure for the sidebar's ``choices`` and the panel's ``options``;
    ``workspace`` ("<read-only id> version <n>") goes into the file's metadata beside the
    data version, so the figure can be traced to the saved work it shows."""
    from figures import figure_bytes, render_figure  # matplotlib: only when asked
    from figures.credits import data_version

    version = data_version(frames) + (f"; workspace {workspace}" if workspace else "")
    figure = render_figure(frames, choices.map_state, preset=options.preset,
                           data_version=version,
                           title=options.title, subtitle=options.subtitle,
                           test_result=result, null=choices.null, headline=headline,
                           bounds=options.bounds, labels=options.labels or None,
                           scale=scale or 1.0)
    return figure_bytes(figure, fmt, scale=scale)


def map_view_bounds(state=None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the view the live map last reported, or None.

    ``state`` is the session state (default Streamlit's); the map reports its view only
    when the page asks streamlit-folium for ``bounds``."""
    if state is None:
        import streamlit as st

        state = st.session_state
    returned = state.get(MAP_KEY) if hasattr(state, "get") else None
    bounds = (returned or {}).get("bounds") or {}
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        values = (float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"]))
    except (KeyError, TypeError, ValueError):
        return None
    west, south, east, north = values
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -90.0), min(north, 90.0)
    if not (west < east and south < north):
        return None
    return west, south, east, north


def publishers(*frames) -> tuple[str, ...]:
    """Every publisher cited by the features, in order of first appearance."""
    seen: dict[str, None] = {}
    for frame in frames:
        if "sources" not in frame:
            continue
        for sources in frame["sources"]:
            for source in sources if isinstance(sources, list) else []:
                if isinstance(source, dict) and source.get("publisher"):
                    seen.setdefault(str(source["publisher"]), None)
    return tuple(seen)


def data_description(facilities, sightings, state, uploads: dict) -> DataDescription:
    def origin(target):
        names = [u["file"] for u in uploads.values() if u["target"] == target]
        return "Footprint's shipped layer" + (f" plus {', '.join(names)}" if names else "")

    return DataDescription(
        facilities_file=origin("facilities"), sightings_file=origin("sightings"),
        n_facilities=len(facilities), n_sightings=len(sightings),
        facility_categories=tuple(state.facility_categories),
        sighting_categories=tuple(state.sighting_categories),
        sources=publishers(facilities, sightings))


def buffers_geojson(facilities, sightings, state, proximity, result) -> str:
    """Buffers at the radius with each sighting's result, and the test in the collection."""
    around = sightings if state.buffer_around != "facilities" else facilities
    buffers = geodesic_buffers(around, state.radius_km)
    if state.buffer_around != "facilities":
        table = proximity.sightings.set_index("id")
        buffers["nearest_facility_id"] = [table.loc[i, "nearest_facility_id"]
                                          for i in buffers["id"]]
        buffers["distance_km"] = [float(table.loc[i, "distance_km"]) for i in buffers["id"]]
        buffers["within_radius"] = [bool(table.loc[i, "within_radius"]) for i in buffers["id"]]
    else:
        table = proximity.facilities.set_index("id")
        buffers["sightings_within"] = [list(table.loc[i, "sightings_within"])
                                       for i in buffers["id"]]
    collection = json.loads(buffers.to_json(drop_id=True))
    collection["buffer_around"] = state.buffer_around
    collection["radius_km"] = state.radius_km
    collection["distances"] = "geodesic, WGS84 ellipsoid"
    if result is not None:
        test = result.to_dict()
        test.pop("null_within_distribution", None)
        collection["test"] = test
    return json.dumps(collection, ensure_ascii=False, indent=1)

