"""The map's view in the URL and the layers ticked in the map's own switcher."""

import pytest

from mapview.build import story_group_name
from ui.view import View, layers_from_switcher, parse_view

ALL = ["orinoco_mining_arc", "flights", "facilities", "sightings"]
SWITCHER = {"name": "switcher", "url": "footprint-switcher"}


def reported(*layers):
    """What streamlit-folium returns once the switcher has reported ``layers`` ticked."""
    return {"selected_layers": [SWITCHER] + [{"name": story_group_name(name),
                                              "url": "footprint"} for name in layers]}


@pytest.mark.parametrize("text,expected", [
    ("10.5,-68.5,7", View(10.5, -68.5, 7.0)),
    ("10.123456,-68.5,7.3", View(10.1235, -68.5, 7.25)),   # zoom to the map's 0.25 steps
    (None, None), ("", None), ("10.5,-68.5", None), ("a,b,c", None),
    ("91,-68.5,7", None), ("10.5,-181,7", None), ("10.5,-68.5,30", None),
    ("nan,-68.5,7", None), ("10.5,inf,7", None), ("10.5,-68.5,7,1", None),
])
def test_a_view_is_three_numbers_in_range_or_nothing(text, expected):
    assert parse_view(text) == expected


def test_the_switcher_s_ticks_become_the_sidebar_s_layers_in_its_order():
    assert layers_from_switcher(reported("sightings", "facilities"), ALL) == [
        "facilities", "sightings"]
    assert layers_from_switcher(reported(*ALL), ALL) is None  # no change


def test_unticking_every_story_layer_in_the_switcher_is_taken():
    assert layers_from_switcher(reported(), ALL) == []


def test_nothing_is_taken_before_the_switcher_has_reported():
    assert layers_from_switcher({"selected_layers": []}, ALL) is None
    assert layers_from_switcher({}, ALL) is None
    assert layers_from_switcher({"selected_layers": "junk"}, ALL) is None
    # Entries that are not the switcher's (another component's layers) are ignored.
    other = {"selected_layers": [{"name": "Documented flights", "url": "elsewhere"}]}
    assert layers_from_switcher(other, ALL) is None
