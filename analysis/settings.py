"""Defaults of the analysis, with their help text: one table for the command line and docs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"


@dataclass(frozen=True)
class Setting:
    """A named default with its help text."""

    name: str
    default: object
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("facilities", DATA_DIR / "facilities.geojson",
                "GeoJSON FeatureCollection of facilities (any geometry)"),
        Setting("sightings", DATA_DIR / "sightings.geojson",
                "GeoJSON FeatureCollection of sightings (points)"),
        Setting("boundary", DATA_DIR / "venezuela.geojson",
                "GeoJSON polygon of Venezuela, used by the 'uniform' null"),
        Setting("radius_km", 50.0, "radius in km (geodesic)"),
        Setting("null", "towns", "null model"),
        Setting("simulations", 9999, "number of Monte Carlo simulations"),
        Setting("seed", 20190101, "random seed (same seed, same answer)"),
        Setting("facility_category", ("russian_asset",),
                "facility categories to keep (repeatable; 'all' keeps every category)"),
        Setting("sighting_category", ("sighting",),
                "sighting categories to keep (repeatable; 'all' keeps every category)"),
        Setting("uncertainty_repeats", 0,
                "repeats of the location-uncertainty run (0 = skip)"),
        Setting("uncertainty_simulations", 999,
                "simulations per location-uncertainty repeat"),
    )
}
"""Every default of the analysis, by name."""


def default(name: str):
    """The default value of a setting.

    Examples
    --------
    >>> default("null")
    'towns'
    """
    return SETTINGS[name].default
