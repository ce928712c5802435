"""The Analysis page in a real Chromium: the headline, the envelope chart, the robustness panel."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TEXT = "() => document.querySelector('[data-testid=\"stMain\"]').innerText"


def open_analysis(app, query: str = ""):
    app.open(f"analysis{query}", with_map=False)
    app.page.wait_for_selector('[data-testid="stVegaLiteChart"]', state="attached")
    app.page.wait_for_selector('[data-testid="stDataFrame"]', state="attached")
    return app.page.evaluate(TEXT)


def test_headline_global_test_and_robustness_are_stated_in_words(app):
    text = open_analysis(app)
    assert "2 of 3 independent sightings lie within 50 km of a Russian-financed asset." in text
    assert "(global test, p = 0.024)" in text
    assert "not the chance that the pattern is a coincidence" in text
    assert "Robustness: what a critic might try" in text
    assert "scenarios stay below 0.05" in text
    assert "Which sighting carries the result" in text
    assert "could be up to 20 km apart" in text  # Acarigua and CEMAREH share a point
    assert "Radii below 20 km are not tested" in text


def test_envelope_chart_tooltip_speaks_in_words(app):
    open_analysis(app)
    page = app.page
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    box = chart.locator("canvas, svg").first.bounding_box()
    found = ""
    # Hover over the chart (bands, lines) until Vega's tooltip shows up; every mark must
    # speak in words, so wherever it lands, no raw field name may appear.
    for fraction in (0.3, 0.5, 0.15, 0.7, 0.9):
        for height in (0.1, 0.2, 0.45, 0.6, 0.75):
            page.mouse.move(box["x"] + box["width"] * fraction,
                            box["y"] + box["height"] * height)
            page.wait_for_timeout(150)
            tooltip = page.locator("#vg-tooltip-element")
            if tooltip.count() and tooltip.is_visible():
                found = tooltip.inner_text()
                for raw in ("radius_km", "global_low", "global_high", "0.000000"):
                    assert raw not in found, found
                if "Sightings within" in found:
                    break
        if "Sightings within" in found:
            break
    assert "Radius" in found and "km" in found, found
    assert "Sightings within" in found and "%" in found
    for raw in ("radius_km", "observed_fraction", "pointwise_high", "global_low", "0.000000"):
        assert raw not in found
