"""Hostile payloads shared by the escaping tests (HTML, browser, figures, Markdown)."""

import os

#: Set in the server's environment by :data:`JINJA` if it is ever evaluated as a template.
JINJA_CANARY = "FOOTPRINT_PWNED"
#: Server-side template injection: folium renders its output twice through Jinja, so this
#: text in a data file or a URL would run Python in the app's process unless escaped.
JINJA = ("{{ cycler.__init__.__globals__.os.environ.update(FOOTPRINT_PWNED=cycler.__name__) }}"
         "{% if true %}jinja ran{% endif %}")


def jinja_ran() -> bool:
    return JINJA_CANARY in os.environ


#: Each payload sets ``window.__pwned`` if it ever runs (:data:`JINJA`: the server's
#: environment variable :data:`JINJA_CANARY`).
PAYLOADS = {
    "script_tag": "<script>window.__pwned = 'script_tag'</script>",
    "img_onerror": '<img src=x onerror="window.__pwned = \'img_onerror\'">',
    "svg_onload": '<svg onload="window.__pwned = \'svg_onload\'"><circle r="5"/></svg>',
    "template_literal": "${window.__pwned = 'template_literal'}",
    "backtick_breakout": "`; window.__pwned = 'backtick_breakout'; `",
    "script_close": "</script><script>window.__pwned = 'script_close'</script>",
    "quote_breakout": "\"'><b onmouseover=\"window.__pwned='quote_breakout'\">x</b>",
    "markdown_link": "[click me](javascript:window.__pwned='markdown_link')",
    "markdown_image": "![x](http://198.51.100.7/track.png)",
    "backslash": "\\`${window.__pwned = 'backslash'}\\`",
    "jinja_template": JINJA,
}
JAVASCRIPT_URL = "javascript:window.__pwned='javascript_url'"
LONG = "A" * 5000 + "<b>end</b>"


def hostile_sightings_geojson() -> dict:
    """A sightings FeatureCollection whose every text field is a payload."""
    features = []
    for index, (name, payload) in enumerate(PAYLOADS.items()):
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point",
                         "coordinates": [-70.0 + index * 0.6, 7.0 + (index % 3) * 0.8]},
            "properties": {
                "id": f"hostile-{index}", "name": payload, "category": "sighting",
                "confidence": "reported", "location_precision_km": 5,
                "date": "2019-05", "description": payload, "people": None,
                "sources": [{"publisher": payload, "title": payload, "published": "2019",
                             "url": JAVASCRIPT_URL, "quote": payload}],
                name: payload,  # hostile property key too
            },
        })
    features.append({
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [-64.0, 6.0]},
        "properties": {"id": "hostile-long", "name": LONG, "category": "sighting",
                       "confidence": "rumored", "location_precision_km": 1,
                       "description": LONG, "people": None,
                       "sources": [{"publisher": "P", "title": LONG, "published": None,
                                    "url": None, "quote": LONG}]},
    })
    return {"type": "FeatureCollection", "features": features}
