"""The upload panel: analysts add or replace sightings and facilities for this session.

Uploads live in ``st.session_state["uploads"]`` only; nothing is ever written to ``data/``.
Every file goes through :func:`layers.readers.read_bytes`, the command line's reader.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pandas as pd
import shapely
import streamlit as st

from analysis.report import escape_markdown
from layers.readers import MAX_COORDINATES, MAX_FEATURES, read_bytes
from layers.validation import MAX_FILE_MB
from ui.data import shipped
from ui.present import table_for_display

TARGETS = ("sightings", "facilities")
#: Features a session may add in all its uploads together (one file may hold as many).
MAX_SESSION_FEATURES = MAX_FEATURES
MAX_SESSION_COORDINATES = MAX_COORDINATES


def _coordinates(frame) -> int:
    return int(shapely.get_num_coordinates(frame.geometry.values).sum()) if len(frame) else 0


def _problems_table(problems) -> pd.DataFrame:
    return table_for_display(pd.DataFrame(
        [{"severity": p.severity, "feature or line": p.feature or "(file)",
          "field": p.field or "", "expected": p.expected, "found": p.found}
         for p in problems]))


def _taken_ids(target: str, uploads: dict, mode: str, replacing: str) -> set[str]:
    frames, _, _ = shipped()
    taken = set()
    if mode == "add":
        taken |= {str(i) for i in frames[target]["id"]}
        for name, upload in uploads.items():
            if upload["target"] == target and name != replacing:
                taken |= {str(i) for i in upload["frame"]["id"]}
    return taken


@st.cache_data(show_spinner="Reading your file…", max_entries=4)
def _read(data: bytes, name: str, target: str, swap: bool, existing_ids: frozenset):
    """The file read and validated once, not again on every rerun of the Data page."""
    return read_bytes(data, name, target, swap=swap, existing_ids=existing_ids)


def upload_panel() -> None:
    """Draw the upload form and the list of this session's uploads."""
    uploads: dict = st.session_state.setdefault("uploads", {})
    st.subheader("Add your own sightings or facilities")
    st.caption(
        "GeoJSON, CSV with latitude/longitude columns (lat/latitude/y and "
        "lon/lng/long/longitude/x), or GeoPackage, up to "
        f"{MAX_FILE_MB} MB, {MAX_FEATURES:,} features and {MAX_COORDINATES:,} "
        "coordinate positions. Your file stays in this browser session (until you save "
        "a workspace, below): it is used by the map, the analysis and the exports, and "
        "never changes the shipped data.")
    left, right = st.columns(2)
    target = left.radio("The file holds", TARGETS, horizontal=True, key="upload_target")
    mode = right.radio("It should", ["add", "replace"], horizontal=True, key="upload_mode",
                       format_func={"add": f"add to the shipped {target}",
                                    "replace": f"replace the {target}"}.get)
    file = st.file_uploader("Your file", type=["geojson", "json", "csv", "gpkg"],
                            key="upload_file", max_upload_size=MAX_FILE_MB)
    if file is None:
        _list_uploads(uploads)
        return
    data = file.getvalue()
    swap = st.session_state.get("upload_swap", False)
    result = _read(data, file.name, target, swap,
                   frozenset(_taken_ids(target, uploads, mode,
                                        replacing=f"{target}: {file.name}")))
    valid, errors = len(result.frame), result.errors
    if result.swap_suggested or swap:
        st.checkbox("Swap latitude and longitude of the points that look swapped",
                    key="upload_swap",
                    help="Points outside Venezuela that fall inside it once swapped.")
    if errors:
        st.error(f"{len(errors)} problem(s): the features listed were left out. "
                 f"{valid} valid feature(s) kept.")
    else:
        st.success(f"{valid} valid feature(s), no errors.")
    if result.problems:
        st.dataframe(_problems_table(result.problems), hide_index=True, width="stretch")
    if not valid:
        _list_uploads(uploads)
        return
    earlier = [name for name, u in uploads.items() if u["target"] == target]
    key = f"{target}: {file.name}"  # an upload of the same name is overwritten
    staying = [u["frame"] for name, u in uploads.items()
               if name != key and not (mode == "replace" and name in earlier)]
    kept = sum(len(frame) for frame in staying)
    kept_coordinates = sum(_coordinates(frame) for frame in staying)
    coordinates = _coordinates(result.frame)
    if kept + valid > MAX_SESSION_FEATURES or \
            kept_coordinates + coordinates > MAX_SESSION_COORDINATES:
        st.error(f"This session already holds {kept:,} uploaded feature(s) with "
                 f"{kept_coordinates:,} coordinate positions; with these {valid:,} "
                 f"({coordinates:,}) it would be over the limit of "
                 f"{MAX_SESSION_FEATURES:,} features and {MAX_SESSION_COORDINATES:,} "
                 "positions. Remove an earlier upload below, or choose 'replace'.")
        _list_uploads(uploads)
        return
    confirmed = True
    if mode == "replace" and earlier:
        confirmed = st.checkbox(
            f"Replacing discards your earlier upload(s) for {target}: "
            f"{escape_markdown(', '.join(earlier))}. Discard them?",
            key="upload_confirm_replace")
    if st.button(f"Use these {valid} {target} on the map and in the analysis",
                 type="primary", disabled=not confirmed, key="upload_apply"):
        if mode == "replace":
            for name in earlier:
                del uploads[name]
        geojson = result.to_geojson()
        uploads[key] = {
            "target": target, "mode": mode, "frame": result.frame,
            "geojson": geojson, "file": file.name,
            # Of what is kept, not of the bytes: which features are kept also depends
            # on the ids of the session's other uploads. Caches key on this.
            "digest": hashlib.sha256(geojson.encode()).hexdigest(),
            "problems": [str(p) for p in result.problems],
            "uploaded_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        }
        st.success(f"Added. The map and the analysis now use your {target}.")
    _list_uploads(uploads)


def _list_uploads(uploads: dict) -> None:
    if not uploads:
        return
    st.markdown("**Your uploads in this session**")
    for name, upload in list(uploads.items()):
        with st.container(border=True):
            verb = "replaces" if upload["mode"] == "replace" else "adds to"
            st.text(f"{upload['file']}: {len(upload['frame'])} feature(s), {verb} the "
                    f"{upload['target']}")
            a, b = st.columns(2)
            a.download_button("Download validated GeoJSON", data=upload["geojson"],
                              file_name=f"{upload['target']}-validated.geojson",
                              mime="application/geo+json", key=f"download-upload-{name}")
            if b.button("Remove", key=f"remove-upload-{name}"):
                del uploads[name]
                st.rerun()
