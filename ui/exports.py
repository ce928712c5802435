"""Downloads of the analysis: proximity CSV, buffers and results as GeoJSON, Markdown box.

Each function returns the file's text; pages pass them to ``st.download_button`` as
callables, so nothing is rendered until the button is clicked.
"""

from __future__ import annotations

import json

from analysis.proximity import geodesic_buffers
from analysis.report import DataDescription


def publishers(*frames) -> tuple[str, ...]:
    """Every publisher cited by the features, in order of first appearance."""
    seen: dict[str, None] = {}
    for frame in frames:
        if "sources" not in frame:
            continue
        for sources in frame["sources"]:
            for source in sources if isinstance(sources, list) else []:
                if isinstance(source, dict) and source.get("publisher"):
                    seen.setdefault(str(source["publisher"]), None)
    return tuple(seen)


def data_description(facilities, sightings, state, uploads: dict) -> DataDescription:
    def origin(target):
        names = [u["file"] for u in uploads.values() if u["target"] == target]
        return "Footprint's shipped layer" + (f" plus {', '.join(names)}" if names else "")

    return DataDescription(
        facilities_file=origin("facilities"), sightings_file=origin("sightings"),
        n_facilities=len(facilities), n_sightings=len(sightings),
        facility_categories=tuple(state.facility_categories),
        sighting_categories=tuple(state.sighting_categories),
        sources=publishers(facilities, sightings))


def buffers_geojson(facilities, sightings, state, proximity, result) -> str:
    """Buffers at the radius with each sighting's result, and the test in the collection."""
    around = sightings if state.buffer_around != "facilities" else facilities
    buffers = geodesic_buffers(around, state.radius_km)
    if state.buffer_around != "facilities":
        table = proximity.sightings.set_index("id")
        buffers["nearest_facility_id"] = [table.loc[i, "nearest_facility_id"]
                                          for i in buffers["id"]]
        buffers["distance_km"] = [float(table.loc[i, "distance_km"]) for i in buffers["id"]]
        buffers["within_radius"] = [bool(table.loc[i, "within_radius"]) for i in buffers["id"]]
    else:
        table = proximity.facilities.set_index("id")
        buffers["sightings_within"] = [list(table.loc[i, "sightings_within"])
                                       for i in buffers["id"]]
    collection = json.loads(buffers.to_json(drop_id=True))
    collection["buffer_around"] = state.buffer_around
    collection["radius_km"] = state.radius_km
    collection["distances"] = "geodesic, WGS84 ellipsoid"
    if result is not None:
        test = result.to_dict()
        test.pop("null_within_distribution", None)
        collection["test"] = test
    return json.dumps(collection, ensure_ascii=False, indent=1)

