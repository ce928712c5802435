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
from ui.i18n import N_, _, ngettext, number
from ui.present import table_for_display

TARGETS = ("sightings", "facilities")
#: The targets and modes in a sentence ("add to the shipped sightings").
TARGET_WORDS = {"sightings": N_("sightings"), "facilities": N_("facilities")}
#: Features a session may add in all its uploads together (one file may hold as many).
MAX_SESSION_FEATURES = MAX_FEATURES
MAX_SESSION_COORDINATES = MAX_COORDINATES


def _coordinates(frame) -> int:
    return int(shapely.get_num_coordinates(frame.geometry.values).sum()) if len(frame) else 0


def _problems_table(problems) -> pd.DataFrame:
    return table_for_display(pd.DataFrame(
        [{_("severity"): p.severity, _("feature or line"): p.feature or _("(file)"),
          _("field"): p.field or "", _("expected"): p.expected, _("found"): p.found}
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


#: The session's one read file: (what it was read from, the result). Only the file now in
#: the uploader is kept (a refused one, while its problems are shown), never a shared
#: copy: another file, or none, drops it.
READ_KEY = "_upload_read"


def _read(data: bytes, name: str, target: str, swap: bool, existing_ids: frozenset):
    """The file read and validated once, not again on every rerun of the Data page."""
    key = (hashlib.sha256(data).hexdigest(), len(data), name, target, swap, existing_ids)
    kept = st.session_state.get(READ_KEY)
    if kept is not None and kept[0] == key:
        return kept[1]
    st.session_state.pop(READ_KEY, None)  # the earlier file's result goes before this one
    result = read_bytes(data, name, target, swap=swap, existing_ids=existing_ids)
    st.session_state[READ_KEY] = (key, result)
    return result


def upload_panel() -> None:
    """Draw the upload form and the list of this session's uploads."""
    uploads: dict = st.session_state.setdefault("uploads", {})
    st.subheader(_("Add your own sightings or facilities"))
    st.caption(_(
        "GeoJSON, CSV with latitude/longitude columns (lat/latitude/y and "
        "lon/lng/long/longitude/x), or GeoPackage, up to {mb} MB, {features} features and "
        "{coordinates} coordinate positions. Your file stays in this browser session (until "
        "you save a workspace, below): it is used by the map, the analysis and the exports, "
        "and never changes the shipped data.").format(
            mb=number(MAX_FILE_MB), features=number(MAX_FEATURES),
            coordinates=number(MAX_COORDINATES)))
    left, right = st.columns(2)
    # The menus' words translated now, in the script's run (format_func may run later).
    targets = {name: _(TARGET_WORDS[name]) for name in TARGETS}
    target = left.radio(_("The file holds"), TARGETS, horizontal=True, key="upload_target",
                        format_func=targets.get)
    modes = {"add": _("add to the shipped {target}").format(target=targets[target]),
             "replace": _("replace the {target}").format(target=targets[target])}
    mode = right.radio(_("It should"), ["add", "replace"], horizontal=True, key="upload_mode",
                       format_func=modes.get)
    file = st.file_uploader(_("Your file"), type=["geojson", "json", "csv", "gpkg"],
                            key="upload_file", max_upload_size=MAX_FILE_MB)
    if file is None:
        st.session_state.pop(READ_KEY, None)  # nothing of a removed file stays
        _list_uploads(uploads)
        return
    data = file.getvalue()
    swap = st.session_state.get("upload_swap", False)
    with st.spinner(_("Reading your file…")):
        result = _read(data, file.name, target, swap,
                       frozenset(_taken_ids(target, uploads, mode,
                                            replacing=f"{target}: {file.name}")))
    valid, errors = len(result.frame), result.errors
    if result.swap_suggested or swap:
        st.checkbox(_("Swap latitude and longitude of the points that look swapped"),
                    key="upload_swap",
                    help=_("Points outside Venezuela that fall inside it once swapped."))
    if errors:
        st.error(ngettext("{n} problem(s): the features listed were left out.",
                          "{n} problem(s): the features listed were left out.",
                          len(errors)).format(n=len(errors)) + " "
                 + ngettext("{n} valid feature(s) kept.", "{n} valid feature(s) kept.",
                            valid).format(n=valid))
    else:
        st.success(ngettext("{n} valid feature(s), no errors.",
                            "{n} valid feature(s), no errors.", valid).format(n=valid))
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
        st.error(_("This session already holds {kept} uploaded feature(s) with "
                   "{kept_coordinates} coordinate positions; with these {valid} "
                   "({coordinates}) it would be over the limit of {max_features} features "
                   "and {max_coordinates} positions. Remove an earlier upload below, or "
                   "choose 'replace'.").format(
            kept=number(kept), kept_coordinates=number(kept_coordinates),
            valid=number(valid), coordinates=number(coordinates),
            max_features=number(MAX_SESSION_FEATURES),
            max_coordinates=number(MAX_SESSION_COORDINATES)))
        _list_uploads(uploads)
        return
    confirmed = True
    if mode == "replace" and earlier:
        confirmed = st.checkbox(
            _("Replacing discards your earlier upload(s) for {target}: {files}. Discard "
              "them?").format(target=_(TARGET_WORDS[target]),
                              files=escape_markdown(", ".join(earlier))),
            key="upload_confirm_replace")
    if st.button(_("Use these {n} {target} on the map and in the analysis").format(
            n=valid, target=_(TARGET_WORDS[target])),
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
        st.success(_("Added. The map and the analysis now use your {target}.").format(
            target=_(TARGET_WORDS[target])))
    _list_uploads(uploads)


def _list_uploads(uploads: dict) -> None:
    if not uploads:
        return
    st.markdown(_("**Your uploads in this session**"))
    for name, upload in list(uploads.items()):
        with st.container(border=True):
            text = (_("{file}: {n} feature(s), replaces the {target}")
                    if upload["mode"] == "replace" else
                    _("{file}: {n} feature(s), adds to the {target}"))
            st.text(text.format(file=upload["file"], n=len(upload["frame"]),
                                target=_(TARGET_WORDS.get(upload["target"],
                                                          upload["target"]))))
            a, b = st.columns(2)
            a.download_button(_("Download validated GeoJSON"), data=upload["geojson"],
                              file_name=f"{upload['target']}-validated.geojson",
                              mime="application/geo+json", key=f"download-upload-{name}",
                              on_click="ignore")
            if b.button(_("Remove"), key=f"remove-upload-{name}"):
                del uploads[name]
                st.rerun()
