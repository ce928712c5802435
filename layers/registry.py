"""The layer registry: one entry per layer, looped over by the map, analysis and exports.

Colours are from the Okabe-Ito palette, which stays distinguishable with the common
forms of colour blindness.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from layers.schema import (
    AreaProperties,
    BasemapProperties,
    BoundaryProperties,
    FacilityProperties,
    FlightProperties,
    SightingProperties,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}


@dataclass(frozen=True)
class Layer:
    """One map layer.

    ``style`` holds the attribute that colours features (``color_by``), the colour for
    each value (``colors``), and the legend labels for each value (``labels``).
    """

    name: str
    file: str
    geometry_types: tuple[str, ...]
    legend_label: str
    properties_model: type[BaseModel]
    style: dict = field(default_factory=dict)
    role: str = "story"  # story | boundary | basemap
    visible_by_default: bool = True
    description: str = ""

    @property
    def path(self) -> Path:
        return DATA_DIR / self.file

    def color_for(self, properties: dict) -> str:
        key = properties.get(self.style.get("color_by", ""), None)
        return self.style.get("colors", {}).get(key, self.style.get("color", PALETTE["black"]))

    def legend_entries(self, present=None) -> list[tuple[str, str]]:
        """``(label, colour)`` pairs for the legend, in display order.

        ``present``: the values of the colouring attribute found in the data; entries for
        other values are left out (None keeps all).
        """
        if "colors" in self.style:
            labels = self.style.get("labels", {})
            return [(labels.get(k, k), c) for k, c in self.style["colors"].items()
                    if present is None or k in present]
        return [(self.legend_label, self.style.get("color", PALETTE["black"]))]


LAYERS: tuple[Layer, ...] = (
    Layer(
        name="basemap_countries",
        file="basemap_countries.geojson",
        geometry_types=("Polygon", "MultiPolygon"),
        legend_label="Countries (Natural Earth)",
        properties_model=BasemapProperties,
        style={"color": "#bdbdbd", "fill": "#f2f0eb"},
        role="basemap",
        description="Offline basemap: Natural Earth 1:110m countries (public domain).",
    ),
    Layer(
        name="venezuela",
        file="venezuela.geojson",
        geometry_types=("Polygon", "MultiPolygon"),
        legend_label="Venezuela (Natural Earth)",
        properties_model=BoundaryProperties,
        style={"color": "#7a7a7a", "fill": "#fbfaf7"},
        role="boundary",
        description="National boundary: the uniform null model and the offline basemap.",
    ),
    Layer(
        name="orinoco_mining_arc",
        file="orinoco_mining_arc.geojson",
        geometry_types=("Polygon", "MultiPolygon"),
        legend_label="Orinoco Mining Arc (schematic)",
        properties_model=AreaProperties,
        style={"color": PALETTE["orange"], "fill": PALETTE["orange"]},
        description="Gold, bauxite, diamond and coltan zone south of the Orinoco.",
    ),
    Layer(
        name="flights",
        file="flights.geojson",
        geometry_types=("LineString", "Point"),
        legend_label="Documented flights",
        properties_model=FlightProperties,
        style={"color": PALETTE["purple"]},
        description="Flights by registration; lines where origin and destination are known.",
    ),
    Layer(
        name="facilities",
        file="facilities.geojson",
        geometry_types=("Point", "MultiPoint", "LineString", "Polygon", "MultiPolygon"),
        legend_label="Facilities",
        properties_model=FacilityProperties,
        style={
            "color_by": "category",
            "colors": {
                "russian_asset": PALETTE["vermillion"],
                "context": PALETTE["black"],
                "background": PALETTE["grey"],
            },
            "labels": {
                "russian_asset": "Russian-financed asset",
                "context": "Context (no Russian money)",
                "background": "Background joint venture",
            },
            "marker": "square",
        },
        description="Russian-financed or Russian-operated business assets, and context.",
    ),
    Layer(
        name="sightings",
        file="sightings.geojson",
        geometry_types=("Point",),
        legend_label="Sightings of Russian specialists",
        properties_model=SightingProperties,
        style={
            "color_by": "confidence",
            "colors": {
                "confirmed": PALETTE["blue"],
                "reported": PALETTE["sky_blue"],
                "rumored": PALETTE["yellow"],
            },
            "labels": {
                "confirmed": "Sighting: confirmed",
                "reported": "Sighting: reported",
                "rumored": "Sighting: rumored",
            },
            "marker": "circle",
        },
        description="Places where Russian specialists were reported seen.",
    ),
)

BY_NAME = {layer.name: layer for layer in LAYERS}
CLAIMS_FILE = DATA_DIR / "claims_without_place.json"


def get_layer(name: str) -> Layer:
    """The registered layer called ``name``.

    >>> get_layer("sightings").file
    'sightings.geojson'
    """
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no layer named {name!r}; known: {', '.join(BY_NAME)}") from None


def story_layers() -> tuple[Layer, ...]:
    return tuple(layer for layer in LAYERS if layer.role == "story")
