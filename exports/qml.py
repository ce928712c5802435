"""QGIS styles (QML) in the app's colours, one per GeoPackage layer.

QGIS reads a layer's default style from the GeoPackage's ``layer_styles`` table
(:mod:`exports.geopackage`). Each style here is a QML document: a categorized renderer
where the registry colours features by an attribute (facilities by ``category``,
sightings by ``confidence``), otherwise a single symbol, with the sizes, outlines and
dashes of the live map (:mod:`mapview.build`). Built with ElementTree, so every value is
escaped as XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from layers.language import _
from layers.registry import BY_NAME, PALETTE
from mapview.build import BUFFER_COLOR

QGIS_VERSION = "3.34.0"
#: Symbol of each geometry family: (QGIS symbol type, symbol layer class).
SYMBOL = {"points": ("marker", "SimpleMarker"), "lines": ("line", "SimpleLine"),
          "polygons": ("fill", "SimpleFill")}
#: Per layer, as on the live map: marker size (mm), outline, line width (mm), fill alpha.
LOOK = {
    "facilities": {"size": 4.2, "outline": "#222222", "shape": "square", "width": 0.4},
    "sightings": {"size": 2.8, "outline": "#ffffff", "shape": "circle", "width": 0.5},
    "flights": {"size": 2.0, "outline": "#ffffff", "shape": "circle", "width": 0.7},
    "orinoco_mining_arc": {"width": 0.3, "fill_alpha": 0.25},
    "buffers": {"width": 0.5, "fill_alpha": 0.12, "dash": True},
}


def rgba(color: str, alpha: float = 1.0) -> str:
    """A ``#rrggbb`` colour as QGIS writes it.

    >>> rgba("#E69F00", 0.25)
    '230,159,0,64'
    """
    value = color.lstrip("#")
    red, green, blue = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return f"{red},{green},{blue},{round(alpha * 255)}"


def layer_qml(layer: str, family: str) -> str:
    """The QML of one layer: ``layer`` is a story layer name or ``buffers``; ``family``
    is ``points``, ``lines`` or ``polygons``."""
    look = LOOK.get(layer, {})
    registry = BY_NAME.get(layer)
    base = BUFFER_COLOR if layer == "buffers" else (
        registry.style.get("color", PALETTE["black"]) if registry else PALETTE["black"])
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology")
    column = registry.style.get("color_by") if registry else None
    if column:
        renderer = ET.SubElement(root, "renderer-v2", type="categorizedSymbol", attr=column,
                                 forceraster="0", symbollevels="0", enableorderby="0")
        categories = ET.SubElement(renderer, "categories")
        symbols = ET.SubElement(renderer, "symbols")
        entries = list(registry.style["colors"].items())
        labels = registry.style.get("labels", {})
        for index, (value, color) in enumerate(entries):
            ET.SubElement(categories, "category", value=value, symbol=str(index),
                          label=_(labels[value]) if value in labels else value,
                          render="true")
            symbols.append(_symbol(str(index), family, color, look))
        other = str(len(entries))
        ET.SubElement(categories, "category", value="", symbol=other, label=_("Other"),
                      render="true")
        symbols.append(_symbol(other, family, PALETTE["grey"], look))
    else:
        renderer = ET.SubElement(root, "renderer-v2", type="singleSymbol", forceraster="0",
                                 symbollevels="0", enableorderby="0")
        symbols = ET.SubElement(renderer, "symbols")
        symbols.append(_symbol("0", family, base, look))
    ET.SubElement(root, "layerGeometryType").text = {"points": "0", "lines": "1",
                                                     "polygons": "2"}[family]
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            + ET.tostring(root, encoding="unicode"))


def _symbol(name: str, family: str, color: str, look: dict) -> ET.Element:
    kind, layer_class = SYMBOL[family]
    symbol = ET.Element("symbol", type=kind, name=name, alpha="1", clip_to_extent="1",
                        force_rhr="0")
    layer = ET.SubElement(symbol, "layer", {"class": layer_class, "enabled": "1",
                                            "locked": "0", "pass": "0"})
    if family == "points":
        options = {"name": look.get("shape", "circle"), "color": rgba(color),
                   "outline_color": rgba(look.get("outline", "#ffffff")),
                   "outline_width": str(look.get("width", 0.4)), "outline_width_unit": "MM",
                   "size": str(look.get("size", 2.5)), "size_unit": "MM",
                   "outline_style": "solid"}
    elif family == "lines":
        options = {"line_color": rgba(color, 0.95), "line_width": str(look.get("width", 0.6)),
                   "line_width_unit": "MM", "capstyle": "round", "joinstyle": "round",
                   "line_style": "dash" if look.get("dash") else "solid"}
    else:
        options = {"color": rgba(color, look.get("fill_alpha", 0.25)), "style": "solid",
                   "outline_color": rgba(color), "outline_width": str(look.get("width", 0.3)),
                   "outline_width_unit": "MM",
                   "outline_style": "dash" if look.get("dash") else "solid",
                   "joinstyle": "round"}
    # QGIS 3.26 and later read the <Option> map; earlier 3.x releases read <prop>.
    container = ET.SubElement(layer, "Option", type="Map")
    for key, value in options.items():
        ET.SubElement(container, "Option", name=key, type="QString", value=value)
    for key, value in options.items():
        ET.SubElement(layer, "prop", k=key, v=value)
    return symbol
