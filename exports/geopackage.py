"""The GeoPackage for QGIS: the story's layers, buffers and proximity table, styled.

Layers (all EPSG:4326):

- one per visible story layer (``orinoco_mining_arc``, ``flights``, ``facilities``,
  ``sightings``), every property kept as a column: lists and dicts (``sources`` with
  publisher, title, date, address and quote; ``people``; ``russian_entities``) as JSON
  text, plus ``time_start``/``time_end`` (the first and last day the feature's partial
  date covers, :func:`layers.dates.feature_span`) for QGIS's temporal controller. A layer
  mixing geometry types is split (``flights_lines``, ``flights_points``): a GeoPackage
  table holds one type.
- ``buffers``: the geodesic buffers at the chosen radius (``radius_km``, ``around``).
- ``proximity``: the proximity table, one row per tested sighting (no geometry).
- ``layer_styles``: the QGIS styles (:mod:`exports.qml`), one default style per layer, in
  the table QGIS reads, registered in ``gpkg_contents`` as an attributes table.
"""

from __future__ import annotations

import json
import sqlite3
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from layers.dates import feature_span
from layers.language import N_, _, numbers

from .qml import layer_qml
from .story import Story, plain, records

FAMILY = {"Point": "points", "MultiPoint": "points", "LineString": "lines",
          "MultiLineString": "lines", "Polygon": "polygons", "MultiPolygon": "polygons"}
STYLES_TABLE = "layer_styles"
STYLES_DDL = f"""CREATE TABLE IF NOT EXISTS {STYLES_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
    f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
    useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
    update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""
#: The buffers table's description, by what they are drawn around.
BUFFER_DESCRIPTIONS = {"sightings": N_("Geodesic buffers of {km} km (WGS84) around sightings"),
                       "facilities": N_("Geodesic buffers of {km} km (WGS84) around "
                                        "facilities")}


def geopackage_layers(story: Story) -> dict[str, tuple[gpd.GeoDataFrame, str, str]]:
    """``{table name: (frame, family, style layer)}`` in drawing order (areas first)."""
    out = {}
    for name, frame in story.shown.items():
        table = _table(frame)
        families = table.geometry.geom_type.map(FAMILY)
        kinds = [kind for kind in ("polygons", "lines", "points") if (families == kind).any()]
        for kind in kinds:
            part = table[(families == kind).to_numpy()].reset_index(drop=True)
            out[name if len(kinds) == 1 else f"{name}_{kind}"] = (part, kind, name)
    if story.buffers is not None:
        out["buffers"] = (story.buffers, "polygons", "buffers")
    return out


def proximity_frame(story: Story) -> pd.DataFrame | None:
    """The proximity table as plain columns (lists of ids as JSON text)."""
    if story.proximity is None:
        return None
    names = {}
    for frame in (story.tested_facilities, story.tested_sightings):
        if "id" in frame and "name" in frame:
            names.update(zip(frame["id"].astype(str), frame["name"], strict=True))
    rows = [{"sighting_id": row["id"], "sighting_name": plain(names.get(row["id"])),
             "nearest_facility_id": row["nearest_facility_id"],
             "nearest_facility_name": plain(names.get(row["nearest_facility_id"])),
             "distance_km": round(float(row["distance_km"]), 3),
             "within_radius": bool(row["within_radius"]),
             "radius_km": float(story.proximity.radius_km),
             "facilities_within": json.dumps(list(row["facilities_within"]),
                                             ensure_ascii=False)}
            for row in story.proximity.sightings.to_dict("records")]
    return pd.DataFrame(rows)


def write_geopackage(path: Path, story: Story) -> None:
    """Write ``story`` to a new GeoPackage at ``path`` (which must not exist)."""
    layers = geopackage_layers(story)
    proximity = proximity_frame(story)
    with warnings.catch_warnings():
        # GDAL warns about a file not named .gpkg (--format gpkg, or the temporary name)
        warnings.filterwarnings("ignore", "File .* non conformant file extension")
        for table, (frame, *_kinds) in layers.items():
            pyogrio.write_dataframe(frame, path, layer=table, driver="GPKG")
        if proximity is not None:
            pyogrio.write_dataframe(proximity, path, layer="proximity", driver="GPKG")
        if not layers and proximity is None:  # an empty story still gives a valid file
            pyogrio.write_dataframe(pd.DataFrame({"note": [_("no layer is visible")]}), path,
                                    layer="proximity", driver="GPKG")
    _write_styles(path, {table: (family, style) for table, (_frame, family, style)
                         in layers.items()}, story)


def _table(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = records(frame)
    columns = {}
    for column in frame.columns:
        if column != "geometry":
            columns[str(column)] = [plain(row[column]) for row in rows]
    spans = [feature_span({k: v for k, v in row.items() if isinstance(v, str)})
             for row in rows]
    columns["time_start"] = pd.to_datetime([s[0] if s and s[0] else None for s in spans])
    columns["time_end"] = pd.to_datetime([s[1] if s and s[1] else None for s in spans])
    table = gpd.GeoDataFrame(columns, geometry=list(frame.geometry), crs="EPSG:4326")
    for column in table.columns:
        if column not in ("geometry", "time_start", "time_end") \
                and table[column].dtype == object:
            table[column] = table[column].astype("string")
    return table


def _write_styles(path: Path, styled: dict[str, tuple[str, str]], story: Story) -> None:
    with sqlite3.connect(path) as connection:
        geometry_columns = dict(connection.execute(
            "SELECT table_name, column_name FROM gpkg_geometry_columns"))
        connection.execute(STYLES_DDL)
        for table, (family, style) in styled.items():
            connection.execute(
                f"INSERT INTO {STYLES_TABLE} (f_table_catalog, f_table_schema, f_table_name,"
                " f_geometry_column, styleName, styleQML, styleSLD, useAsDefault,"
                " description, owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL)",
                (table, geometry_columns.get(table, "geom"), f"Footprint {table}",
                 layer_qml(style, family), _("Colours of the Footprint map")))
        connection.execute(
            "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier,"
            " description, last_change) VALUES (?, 'attributes', ?, ?,"
            " strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
            (STYLES_TABLE, STYLES_TABLE, _("QGIS layer styles")))
        if "buffers" in styled:
            connection.execute(
                "UPDATE gpkg_contents SET description = ? WHERE table_name = 'buffers'",
                (_(BUFFER_DESCRIPTIONS[story.state.buffer_around]).format(
                    km=numbers(f"{story.state.radius_km:g}")),))
