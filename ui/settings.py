"""Defaults for every user choice, with their help text: one table for app, URL and docs.

The help texts are English here (the README's table is checked against them) and marked with
``N_`` for the message catalogues; the app translates them where it shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.settings import BOUNDS, MAP_RADIUS_KM
from analysis.settings import default as analysis_default
from ui.i18n import N_


@dataclass(frozen=True)
class Setting:
    name: str  # also the URL query parameter
    default: object
    help: str


SETTINGS = {
    s.name: s
    for s in (
        Setting("radius_km", int(analysis_default("radius_km")),
                N_("Buffer radius in km (1 to 300): a sighting counts as near an asset when one "
                "lies within this geodesic distance.")),
        Setting("buffer", "sightings", N_("Draw the buffers around sightings or around "
                "facilities.")),
        Setting("null", analysis_default("null"),
                N_("Null model: where would sightings fall by chance?")),
        Setting("layers", ["orinoco_mining_arc", "flights", "facilities", "sightings"],
                N_("Layers shown on the map.")),
        Setting("facility_categories", ["russian_asset"], N_("Facility categories counted as "
                "assets in the analysis; 'context' and 'background' are left out by default.")),
        Setting("sighting_categories", ["sighting"], N_("Sighting categories tested; insiders' "
                "accounts are left out by default (they were placed at an asset by their job).")),
        Setting("at_facility", False, N_("Count sightings placed at a facility by "
                "construction (a reported visit to it, a job at it): their distance is 0 "
                "because of how they were placed, so the test leaves them out by default.")),
        Setting("dates", None, N_("Date range for sightings and flights; undated features are "
                "always shown.")),
        Setting("selected", "none", N_("The sighting whose nearest facility is highlighted.")),
        Setting("basemap", "offline", N_("Basemap. Web basemaps send the viewed area to a "
                "third-party tile server; the offline basemap sends nothing.")),
        Setting("simulations", analysis_default("simulations"),
                N_("Number of random draws under the null model.")),
        Setting("seed", analysis_default("seed"),
                N_("Random seed: the same seed gives the same p-value.")),
        Setting("r_min", None, N_("Smallest radius of the global test, in km. Empty: from the "
                "location precision (for each counted sighting, its precision plus its "
                "nearest facility's; the median of those sums, rounded up), because radii "
                "smaller than the places' precision cannot be tested honestly.")),
        Setting("r_max", 300, N_("Largest radius of the global test, in km.")),
        Setting("view", None, N_("The map's view as latitude,longitude,zoom (e.g. "
                "10.5,-68.5,7): written as you pan and zoom, so a link, the screenshot view "
                "and the publication figure show the same area.")),
        Setting("title", "Where Russian specialists were seen in Venezuela",
                N_("Title shown on the map in screenshot mode.")),
        Setting("screenshot", "0", N_("1 hides Streamlit's chrome and overlays title, legend, "
                "scale and credits on the map.")),
    )
}

RADIUS_MIN_KM, RADIUS_MAX_KM = MAP_RADIUS_KM
#: Bounds of the Analysis page's number inputs (and of the same URL values on the Map page).
INT_RANGES = {"simulations": BOUNDS["simulations"], "seed": (0, 2**31 - 1), "r_min": (1, 300),
              "r_max": (1, 300)}


def url_int(name: str) -> int:
    """An integer setting from the URL (the Analysis page's inputs), or its default when the
    URL has none or a bad one, so the Map page's result matches the Analysis page's."""
    import streamlit as st

    low, high = INT_RANGES[name]
    try:
        value = int(st.query_params.get(name, SETTINGS[name].default))
    except (TypeError, ValueError):
        return int(SETTINGS[name].default)
    return value if low <= value <= high else int(SETTINGS[name].default)


def url_radius(name: str) -> int | None:
    """``r_min`` or ``r_max`` from the URL as the Analysis page set it; None (the default
    rule) when absent or out of range."""
    import streamlit as st

    low, high = INT_RANGES[name]
    try:
        value = int(float(st.query_params.get(name, "")))
    except (TypeError, ValueError):
        return SETTINGS[name].default
    return value if low <= value <= high else SETTINGS[name].default
