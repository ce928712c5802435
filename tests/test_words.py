"""The interface shows words while the URL keeps stable ids; URL values the app cannot use
are explained, not silently reset."""

import re
from pathlib import Path

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
    at.run()  # still there on the next run (the map reruns the page as soon as it loads)
    assert said in " ".join(w.value for w in at.warning)
    next(b for b in at.button if b.key == "url_notices_dismiss").click().run()
    assert said not in " ".join(w.value for w in at.warning)  # until dismissed


def test_the_methodology_box_pastes_cleanly_in_both_forms():
    at = run_app("pages/analysis_page.py")
    codes = [c.value for c in at.code]
    box = next(c for c in codes if c.startswith("> ### How we tested this"))
    plain = next(c for c in codes if c.startswith("How we tested this"))
    # No backslash before ordinary words, hyphens, apostrophes, colons or slashes.
    assert not re.search(r"\\[A-Za-z0-9'\-:/.,()]", box), re.findall(r".{20}\\.{5}", box)
    assert "Footprint\\'s" not in box and "data\\/" not in box
    # Plain text: no Markdown left, and no escapes.
    assert "**" not in plain and "\\" not in plain and not plain.startswith(">")
    # Both complete: every caveat the page lists.
    page = " ".join(m.value for m in at.markdown)
    titles = re.findall(r"- \*\*([^*]+?)\.\*\* ", page)
    assert len(titles) >= 7, titles
    for title in titles:
        plain_title = title.replace("\\", "")
        assert f"**{plain_title}.**" in box, title
        assert f"{plain_title}." in plain, title
    # Shown wrapped, not in a box to scroll sideways.
    assert all(c.proto.wrap_lines for c in at.code if c.value in (box, plain))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2.2 contrast ratio of two sRGB colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_knows_the_textbook_values():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


def test_every_marker_stands_out_from_the_land_by_3_to_1():
    from layers.registry import PALETTE
    from mapview.build import LAND_FILLS, MARKER_OUTLINE

    # A rumored sighting's yellow fill alone would not (about 1.2:1): its outline must.
    assert contrast(PALETTE["yellow"], LAND_FILLS[0]) < 3
    for land in LAND_FILLS:
        assert contrast(MARKER_OUTLINE, land) >= 3, land
    script = (Path(__file__).resolve().parent.parent / "static/footprint-map.js").read_text()
    for land in LAND_FILLS:  # the constants are the basemap's real fills
        assert f'fillColor: "{land}"' in script


def test_the_map_is_described_in_words_under_it():
    at = run_app()
    caption = next(c.value for c in at.caption if c.value.startswith("**Map, in words.**"))
    caption = re.sub(r"\\(.)", r"\1", caption)  # as displayed
    assert "5 Russian-financed facilities" in caption
    assert "of which 2 of the 3 counted lie within 50 km" in caption
    assert "Orinoco Mining Arc" in caption


@pytest.mark.parametrize("key", ["radius_km", "view", "title", "anything"])
def test_an_over_long_url_parameter_is_not_used_and_said_so(key):
    at = run_app(**{key: "9" * 100_000})
    warnings = " ".join(w.value for w in at.warning)
    assert f"The address's parameter '{key}' is 100,000 characters long" in warnings
    assert "within 50 km" in result_line(at)  # the defaults, and the page works
