"""Defaults of the analysis, with their help text: one table for the command line and docs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from layers.schema import UNKNOWN_PRECISION_KM as _UNKNOWN_PRECISION_KM

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
        Setting("simulations", 9999, "number of Monte Carlo simulations (99 to 99,999)"),
        Setting("seed", 20190101, "random seed (same seed, same answer)"),
        Setting("facility_category", ("russian_asset",),
                "facility categories to keep (repeatable; 'all' keeps every category)"),
        Setting("sighting_category", ("sighting",),
                "sighting categories to keep (repeatable; 'all' keeps every category)"),
        Setting("uncertainty_repeats", 0,
                "repeats of the location-uncertainty run (0 = skip; at most 1,000)"),
        Setting("uncertainty_simulations", 999,
                "simulations per location-uncertainty repeat"),
    )
}
"""Every default of the analysis, by name."""


#: Bounds of the counts a person can choose, shared by the app's inputs (``ui/settings.py``)
#: and the command line: (lowest, highest) allowed. The highest keeps a run within minutes
#: and its memory bounded (see :data:`MAX_DRAWS`).
BOUNDS: dict[str, tuple[int, int]] = {
    "simulations": (99, 99_999),
    "uncertainty_repeats": (0, 1_000),
}
#: Simulated distances (simulations x sightings, 8 bytes each) one result may hold: 80 MB.
#: The app runs fewer simulations beyond it; the command line refuses the run.
MAX_DRAWS = 10_000_000
#: Half the Earth's meridian circumference on the WGS84 ellipsoid, in km: no two places are
#: further apart along the surface, so a larger radius means nothing.
MAX_RADIUS_KM = 20_003.93
#: The map's radius slider and the figures drawn from the map: 1 to 300 km (the figure
#: command allows 0, no rings). Wider rings than this do not fit a map of Venezuela.
MAP_RADIUS_KM: tuple[int, int] = (1, 300)
#: The location precision assumed in the location-uncertainty run for a feature that states
#: none (``location_precision_km`` missing or null); defined with the schema
#: (``layers.schema.UNKNOWN_PRECISION_KM``, which says why). See :data:`UNKNOWN_PRECISION_RULE`.
UNKNOWN_PRECISION_KM = _UNKNOWN_PRECISION_KM
UNKNOWN_PRECISION_RULE = (
    f"a location without a stated precision is moved within {UNKNOWN_PRECISION_KM:g} km in "
    "the location-uncertainty run: about the size of a town and its surroundings, the "
    "precision of a place named only by its town; never treated as exact")


def check_count(name: str, value: int, option: str | None = None) -> int:
    """``value`` when it lies within :data:`BOUNDS` ``[name]``, else a one-line ValueError.

    Examples
    --------
    >>> check_count("simulations", 999)
    999
    >>> check_count("simulations", 10**9, "--simulations")
    Traceback (most recent call last):
    ValueError: --simulations should be between 99 and 99,999, got 1,000,000,000
    """
    low, high = BOUNDS[name]
    if not low <= value <= high:
        raise ValueError(f"{option or name} should be between {low:,} and {high:,}, "
                         f"got {value:,}")
    return value


def check_radius_km(value, option: str = "radius_km", high: float = MAX_RADIUS_KM) -> float:
    """``value`` as a float when it is a radius the Earth allows (0 to :data:`MAX_RADIUS_KM`,
    or to ``high``: the figures stop at the map's :data:`MAP_RADIUS_KM`).

    One rule for the app and the command line.

    Examples
    --------
    >>> check_radius_km(50)
    50.0
    >>> check_radius_km(1e9, "--radius-km")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: --radius-km should be between 0 and 20,003.93 km (half the Earth's ...), got 1e+09
    """
    try:
        radius = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{option} should be a number of km, got {value!r}") from None
    if not (math.isfinite(radius) and 0 <= radius <= high):
        why = "half the Earth's circumference" if high == MAX_RADIUS_KM else \
            "the map's largest radius"
        raise ValueError(f"{option} should be between 0 and {high:,} km ({why}), "
                         f"got {radius:g}")
    return radius


def default(name: str):
    """The default value of a setting.

    Examples
    --------
    >>> default("null")
    'towns'
    """
    return SETTINGS[name].default
