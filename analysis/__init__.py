"""Footprint analysis: geodesic proximity of sightings to facilities and a Monte Carlo test.

Never imports streamlit or the app's ``layers``; works on any GeoDataFrames in lon/lat.

Modules, one job each: :mod:`~analysis.geodesic` (distances, circles, buffers),
:mod:`~analysis.nearest` (exact nearest-facility index), :mod:`~analysis.proximity`
(tables), :mod:`~analysis.nulls` (null models registry), :mod:`~analysis.stats` (the test,
radius sweep, location uncertainty), :mod:`~analysis.io` (GeoJSON reader),
:mod:`~analysis.report` (CSV / Markdown), :mod:`~analysis.cli` (command line).
"""

from .geodesic import distance_km, geodesic_buffer, geodesic_circle
from .io import InputError, filter_categories, read_feature_file
from .nearest import GeodesicIndex
from .nulls import NULL_MODELS, NullModel
from .proximity import ProximityResult, geodesic_buffers, proximity_table
from .stats import (
    SweepResult,
    TestResult,
    UncertaintyResult,
    location_uncertainty,
    proximity_test,
    radius_sweep,
)

__all__ = [
    "NULL_MODELS",
    "GeodesicIndex",
    "InputError",
    "NullModel",
    "ProximityResult",
    "SweepResult",
    "TestResult",
    "UncertaintyResult",
    "distance_km",
    "filter_categories",
    "geodesic_buffer",
    "geodesic_buffers",
    "geodesic_circle",
    "location_uncertainty",
    "proximity_table",
    "proximity_test",
    "radius_sweep",
    "read_feature_file",
]
