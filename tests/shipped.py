"""The shipped layers as the analysis counts them by default, for tests that use them."""

from pathlib import Path

import pytest

from analysis.io import filter_categories, read_feature_file

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = 20190101
shipped = pytest.mark.skipif(not (DATA / "facilities.geojson").exists(),
                             reason="shipped layers not present")


def shipped_layers():
    """(facilities, sightings) of the default categories (at-facility sightings kept)."""
    facilities = filter_categories(read_feature_file(DATA / "facilities.geojson"),
                                   ["russian_asset"])
    sightings = filter_categories(read_feature_file(DATA / "sightings.geojson"), ["sighting"])
    return facilities, sightings


def shipped_boundary():
    return read_feature_file(DATA / "venezuela.geojson")
