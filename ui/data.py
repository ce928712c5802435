"""Cached loading of the shipped layers, and the session's working layers."""

from __future__ import annotations

import time

import geopandas as gpd
import pandas as pd
import streamlit as st

import layers
from analysis import nulls
from layers.registry import DATA_DIR
from mapview.lru import BoundedLRU

#: How long a look at the data folder holds (a rerun asks for the version a dozen times;
#: a file replaced on the server shows at the next rerun after this).
VERSION_TTL_S = 1.0
_versions: dict = {}


def data_version() -> tuple:
    """Changes whenever a shipped data file changes: the cache key for the loaders. The
    folder is listed at most once per :data:`VERSION_TTL_S` (per folder)."""
    now = time.monotonic()
    seen = _versions.get(DATA_DIR)
    if seen is not None and now - seen[0] < VERSION_TTL_S:
        return seen[1]
    version = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                           for p in [*DATA_DIR.glob("*json"), *DATA_DIR.glob("*.csv")]))
    _versions[DATA_DIR] = (now, version)
    return version


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


#: Working frames by working version (shipped files plus the uploads' digests), shared by
#: every session with the same uploads: combining them once, not a dozen times per rerun.
_WORKING = BoundedLRU(size=8, budget=8)


def working_frames() -> dict[str, gpd.GeoDataFrame]:
    """The frames this session works on: shipped layers plus the user's uploads. Shared,
    like the shipped frames: nothing may modify them."""
    uploads = st.session_state.get("uploads", {})
    if not uploads:
        return dict(shipped()[0])
    return dict(_WORKING.cached(working_version(), lambda: _combined(uploads)))


def _combined(uploads: dict) -> dict[str, gpd.GeoDataFrame]:
    frames, _, _ = shipped()
    frames = dict(frames)
    for upload in uploads.values():
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
