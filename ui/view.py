"""The live map's view (centre, zoom, bounds) and its layer switcher, kept in the URL.

``?view=lat,lon,zoom`` opens the map on that view. The view the user pans to comes back
from streamlit-folium (``bounds``, ``center``, ``zoom``) and is written to the URL, so a link,
the screenshot view and the publication figure all show what the user is looking at. The
map is given the URL's view only once per session (its first run): passing each returned
view back would move the map by rounding and start a loop of reruns.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from mapview.build import STORY_LAYERS, story_layer_of

MAP_KEY = "footprint-map"
ZOOM_RANGE = (3.0, 18.0)


@dataclass(frozen=True)
class View:
    lat: float
    lon: float
    zoom: float

    def text(self) -> str:
        return f"{self.lat:.4f},{self.lon:.4f},{self.zoom:g}"


def parse_view(text: str | None) -> View | None:
    """``lat,lon,zoom`` as a View, or None when absent or not usable (out of range)."""
    if not text:
        return None
    parts = str(text).split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    if not (-85 <= lat <= 85 and -180 <= lon <= 180 and ZOOM_RANGE[0] <= zoom <= ZOOM_RANGE[1]):
        return None
    return View(round(lat, 4), round(lon, 4), round(zoom * 4) / 4)


def initial_view(mode: str = "map") -> View | None:
    """The URL's view when this map (``mode``: the page's map, or the screenshot image)
    was first drawn in the session (None: the default view).

    Kept per map: the map is told its view once, then moves on its own (telling it again
    on every rerun would fight the user's panning). A new map, such as the page's map on
    leaving screenshot mode, opens where the URL says the last one was."""
    views = st.session_state.setdefault("_initial_views", {})
    if mode not in views:
        views[mode] = parse_view(st.query_params.get("view"))
    return views[mode]


def record_view(returned: dict) -> None:
    """Write the returned view into the URL (``view=lat,lon,zoom``)."""
    centre, zoom = (returned or {}).get("center") or {}, (returned or {}).get("zoom")
    try:
        view = parse_view(f"{float(centre['lat'])},{float(centre['lng'])},{float(zoom)}")
    except (KeyError, TypeError, ValueError):
        return
    if view is not None and st.query_params.get("view") != view.text():
        st.query_params["view"] = view.text()


def layers_from_switcher(returned: dict, current: list[str]) -> list[str] | None:
    """The story layers ticked in the map's own layer switcher, in the sidebar's order, when
    they differ from ``current`` (None: no change, or nothing reported yet)."""
    selected = (returned or {}).get("selected_layers")
    if not isinstance(selected, list):
        return None
    names = {story_layer_of(str(item.get("name"))) for item in selected
             if isinstance(item, dict) and item.get("url") == "footprint"}
    ticked = [name for name in STORY_LAYERS if name in names]
    reported = any(isinstance(item, dict) and item.get("url") == "footprint-switcher"
                   for item in selected)
    if not reported:
        # streamlit-folium reports an empty list before the switcher is drawn; only the
        # switcher's own report (with its marker entry) can say that all are unticked.
        return None
    return ticked if set(ticked) != set(current) else None
