"""The interface shows words while the URL keeps stable ids; URL values the app cannot use
are explained, not silently reset."""

import re

import pytest

from tests.test_app import navigation_like_the_server, result_line, run_app

__all__ = ["navigation_like_the_server"]

INTERNAL = re.compile(r"\b(?:orinoco_mining_arc|towns_weighted|russian_asset|"
                      r"insider_account|coro-cumberland-hotel)\b")


def test_menus_show_words_and_the_url_keeps_the_ids():
    at = run_app(null="towns_weighted", layers=["facilities", "sightings"])
    null = at.selectbox(key="null")
    assert null.value == "towns_weighted"
    # What the menu shows (AppTest's options are the displayed texts).
    assert "Random towns (bigger towns more likely)" in null.options
    assert not any(INTERNAL.search(o) for o in null.options)
    layers = at.multiselect(key="layers")
    assert layers.value == ["facilities", "sightings"]
    null.set_value("uniform").run()
    assert at.query_params["null"] in ("uniform", ["uniform"])
    at.multiselect(key="layers").set_value(
        ["orinoco_mining_arc", "flights", "facilities", "sightings"]).run()
    assert "layers" not in at.query_params  # the default is left out of the URL


def test_sighting_names_not_ids_and_no_empty_category():
    at = run_app()
    selected = at.selectbox(key="selected")
    shown = selected.options
    assert "Coro: Cumberland hotel by the airport" in shown
    assert not any(INTERNAL.search(s) for s in shown)
    facility = at.multiselect(key="facility_categories")
    # No facility is in the background category: it is not offered.
    assert facility.options == ["Russian-financed assets", "Context (no Russian money)"]


@pytest.mark.parametrize("query,said", [
    ({"radius_km": "500"}, "?radius_km=500 is beyond the largest radius: shown at 300 km."),
    ({"radius_km": "abc"}, "?radius_km='abc' is not a number"),
    ({"null": "bogus"}, "?null='bogus' is not one of the choices: the default is shown."),
    ({"selected": "no-such-sighting"}, "?selected='no-such-sighting' is not one of the "
                                        "choices"),
    ({"layers": ["sightings", "ghosts"]}, "?layers= named 'ghosts', which this data does "
                                          "not have: ignored."),
])
def test_a_url_value_the_app_cannot_use_is_explained(query, said):
    at = run_app(**query)
    warnings = " ".join(w.value for w in at.warning)
    assert said in warnings
    assert result_line(at)  # and the page works
    at.run()
    assert said not in " ".join(w.value for w in at.warning)  # said once
