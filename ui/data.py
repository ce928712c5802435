"""Cached loading of the shipped layers, and the session's working layers."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

import layers
from analysis import nulls
from layers.registry import DATA_DIR


def data_version() -> tuple:
    """Changes whenever a shipped data file changes: the cache key for the loaders."""
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                        for p in [*DATA_DIR.glob("*json"), *DATA_DIR.glob("*.csv")]))


@st.cache_resource(show_spinner="Loading layers…", max_entries=4)
def _load(version: tuple):
    """Shared, not copied, between reruns and sessions: nothing may modify these frames."""
    results = layers.load_all()
    frames = {name: result.frame for name, result in results.items()}
    problems = [str(p) for result in results.values() for p in result.problems]
    claims, claim_problems = layers.load_claims()
    towns = nulls.towns_problem()  # the towns null models need it; the rest does not
    return frames, problems + [str(p) for p in claim_problems] + ([towns] if towns else []), \
        claims


def shipped() -> tuple[dict[str, gpd.GeoDataFrame], list[str], list[dict]]:
    """(frames by layer name, problems as lines, claims without place)."""
    return _load(data_version())


def working_frames() -> dict[str, gpd.GeoDataFrame]:
    """The frames this session works on: shipped layers plus the user's uploads."""
    frames, _, _ = shipped()
    frames = dict(frames)
    for upload in st.session_state.get("uploads", {}).values():
        target = upload["target"]
        if upload["mode"] == "replace":
            frames[target] = upload["frame"]
        else:
            combined = pd.concat([frames[target], upload["frame"]], ignore_index=True)
            frames[target] = gpd.GeoDataFrame(combined, geometry="geometry", crs="EPSG:4326")
    return frames


def working_version() -> tuple:
    """A hashable key for the working frames (data files plus uploads)."""
    uploads = st.session_state.get("uploads", {})
    return data_version() + tuple(sorted((n, u["digest"], u["mode"], u["target"])
                                         for n, u in uploads.items()))
