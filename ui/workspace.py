"""Workspaces in the app: open one from its link, save and autosave, history, conflicts.

The session's uploads (``st.session_state["uploads"]``), the URL's choices and the export
panel's settings are what a workspace holds (:class:`store.Snapshot`). A link
``?workspace=TOKEN`` opens it: the edit token makes it editable (every change is then saved
as a new version), the read-only token shows the same thing and changes nothing in the
store. The store is the embedded SQLite file unless ``FOOTPRINT_DATABASE_URL`` names a
PostgreSQL server (:func:`store.open_store`).
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, date, datetime

import streamlit as st

from layers.readers import read_bytes
from store import InvalidLink, Snapshot, StaleVersion, StoreError, Upload, open_store
from ui.i18n import _, ngettext

PARAM = "workspace"
STATE = "_workspace"          # {"id", "token", "can_edit", "version", "name", "saved"}
NOTICE = "_workspace_notice"  # (kind, text) shown at the top of the next runs
NOTICE_SHOWN = "_workspace_notice_shown"  # (notice, when it was first shown)
#: How long a workspace notice stays at the top of the page (through quick reruns).
NOTICE_SECONDS = 8.0
CONFLICT = "_workspace_conflict"
PENDING = "_workspace_pending"
#: The frame's container for :func:`status`, under the page links.
STATUS_KEY = "fp-workspace-status"
#: URL parameters that are not part of what a workspace holds.
NOT_SAVED = {PARAM, "screenshot"}
#: Changing only these does not make a new version (the map's view moves on every pan).
NOT_A_CHANGE = {"view"}
#: The export panel's settings a workspace keeps (text, choices; never a button's state).
SETTING_PREFIXES = ("export_title", "export_subtitle", "export_extent", "export_preset",
                    "export_format", "export_label_", "export_bounds_",
                    "_export_extent_chosen")


@st.cache_resource(show_spinner=False)
def _store():
    """One store per server process (a connection is opened per operation)."""
    return open_store()


def store():
    """The store, or None with the reason in the session's notice."""
    try:
        return _store()
    except StoreError as error:
        st.session_state[NOTICE] = ("error", str(error))
        return None


# --------------------------------------------------------------------------- snapshot
def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


#: The sidebar's and the Analysis page's widgets a workspace keeps (their keys are their
#: URL parameters). Kept as the widgets' values, not as URL text: the browser writes the
#: URL, the server knows the values.
WIDGETS = ("radius_km", "buffer", "null", "layers", "facility_categories",
           "sighting_categories", "at_facility", "dates", "selected", "basemap",
           "simulations", "seed", "r_min", "r_max")
#: URL parameters kept as they are (not widgets).
URL_ONLY = ("view", "title")


def _encode(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def current_snapshot() -> Snapshot:
    """What this session would save now."""
    uploads = tuple(
        Upload(key=key, target=u["target"], mode=u["mode"], file=u["file"],
               geojson=u["geojson"], uploaded_at=u.get("uploaded_at") or _now(),
               problems=tuple(u.get("problems") or ()))
        for key, u in st.session_state.get("uploads", {}).items())
    choices = {key: _encode(st.session_state[key]) for key in WIDGETS
               if key in st.session_state}
    choices.update({key: st.query_params.get(key) for key in URL_ONLY
                    if st.query_params.get(key) is not None})
    settings = {k: v for k, v in st.session_state.items()
                if isinstance(k, str) and k.startswith(SETTING_PREFIXES)
                and isinstance(v, str | int | float | bool)}
    if not settings.get("_export_extent_chosen"):
        # The panel moves the extent to the map's view by itself once the map reports it:
        # not a change of the user's, so not kept (and not a new version).
        settings.pop("export_extent", None)
    return Snapshot(uploads, choices, settings)


def _valid(key: str, value) -> object:
    """The saved value as the widget takes it, or None when the widget cannot take it (an
    option this version of the app no longer has)."""
    from analysis.nulls import NULL_MODELS
    from mapview.build import BASEMAP_LABELS
    from ui.data import working_frames
    from ui.state import FACILITY_CATEGORIES, SIGHTING_CATEGORIES, STORY_LAYERS

    options = {"null": list(NULL_MODELS), "basemap": list(BASEMAP_LABELS),
               "buffer": ["sightings", "facilities"]}
    lists = {"layers": STORY_LAYERS, "facility_categories": FACILITY_CATEGORIES,
             "sighting_categories": SIGHTING_CATEGORIES}
    try:
        if key in options:
            return value if value in options[key] else None
        if key in lists:
            return list(value) if set(value) <= set(lists[key]) else None
        if key == "dates":
            first, last = (date.fromisoformat(v) for v in value)
            return (first, last) if first <= last else None
        if key == "selected":
            sightings = working_frames().get("sightings")
            ids = set(sightings["id"]) if sightings is not None else set()
            return value if value == "none" or value in ids else None
        if key == "at_facility":
            return bool(value)
        if key in ("radius_km", "simulations", "seed", "r_max"):
            return int(value)
        if key == "r_min":
            return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
    return None


def _digest(snapshot: Snapshot) -> str:
    """What counts as a change: uploads, choices (but the view) and settings."""
    choices = {k: v for k, v in snapshot.choices.items() if k not in NOT_A_CHANGE}
    text = json.dumps([[u.key, hashlib.sha256(u.geojson.encode()).hexdigest(), u.mode]
                       for u in snapshot.uploads] + [choices, snapshot.settings],
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _uploads_from(snapshot: Snapshot) -> dict:
    """The session's uploads rebuilt from the saved, validated GeoJSON (read again by the
    reader the upload went through, so a damaged store cannot slip anything past it)."""
    uploads = {}
    for upload in snapshot.uploads:
        # Saved as validated GeoJSON whatever the uploaded format: read as such.
        result = read_bytes(upload.geojson.encode("utf-8"), f"{upload.file}.geojson",
                            upload.target)
        if not len(result.frame):
            continue
        geojson = result.to_geojson()
        uploads[upload.key] = {
            "target": upload.target, "mode": upload.mode, "frame": result.frame,
            "geojson": geojson, "file": upload.file, "uploaded_at": upload.uploaded_at,
            "digest": hashlib.sha256(geojson.encode()).hexdigest(),
            "problems": list(upload.problems),
        }
    return uploads


def _apply(workspace, token: str, can_edit: bool, *, override: bool = False) -> None:
    """Make ``workspace`` this session's: its uploads, its choices and its settings; the
    caller reruns so the widgets take them. Opening a link, the URL's own values win (a
    link may add a view); restoring a version (``override``), the version's do."""
    snapshot = workspace.snapshot
    st.session_state["uploads"] = _uploads_from(snapshot)
    present = set() if override else set(st.query_params)
    for key, value in snapshot.choices.items():
        if key in present:
            continue
        if key in URL_ONLY:
            st.query_params[key] = str(value)
        elif key in WIDGETS and (value := _valid(key, value)) is not None:
            st.session_state[key] = value  # the bound widget writes the URL
    for key, value in snapshot.settings.items():
        if key.startswith(SETTING_PREFIXES):
            st.session_state[key] = value
    # "fresh": the first autosave after opening takes what the widgets then show as the
    # saved state (their values, read back, may be spelled differently from the store's).
    st.session_state[STATE] = {"id": workspace.id, "token": token, "can_edit": can_edit,
                               "version": workspace.version, "name": workspace.name,
                               "saved_at": workspace.saved_at,
                               "saved": _digest(snapshot), "fresh": True}
    st.session_state.pop(CONFLICT, None)


def _apply_next_run(workspace, token: str, can_edit: bool) -> None:
    """Restore ``workspace`` at the start of the next run (a button on the page runs after
    the sidebar's widgets exist, and a widget's value cannot change once it is drawn)."""
    st.session_state[PENDING] = (workspace, token, can_edit)
    st.rerun()


# --------------------------------------------------------------------------- the frame
def open_from_url() -> None:
    """Open the workspace the URL names, once per link, or the version a button asked
    for (call before the sidebar)."""
    pending = st.session_state.pop(PENDING, None)
    if pending is not None:
        _apply(*pending, override=True)
        # Only when it changes: writing the URL sends the browser the server's copy of
        # every parameter, and a bound widget's stale value would come back from it.
        if st.query_params.get(PARAM) != pending[1]:
            st.query_params[PARAM] = pending[1]
        return
    token = st.query_params.get(PARAM)
    opened = st.session_state.get(STATE)
    if not token:
        if opened:  # a page switch drops parameters the widgets do not own: put it back
            st.query_params[PARAM] = opened["token"]
        return
    if opened and opened["token"] == token:
        return
    if st.session_state.get("_workspace_refused") == token:
        return
    backend = store()
    if backend is None:
        return
    try:
        access = backend.open(token)
    except InvalidLink as error:
        access, message = None, str(error)
    except StoreError as error:
        st.session_state[NOTICE] = ("error", str(error))
        return
    else:
        message = _("No workspace opens with this link. It may have been mistyped, or "
                    "the workspace was saved on another server.")
    if access is None:
        st.session_state["_workspace_refused"] = token
        st.session_state[NOTICE] = ("error", message)
        st.query_params.pop(PARAM, None)
        return
    _apply(access.workspace, token, access.can_edit)
    text = (_("Opened workspace “{name}” (editable), version {version}.") if access.can_edit
            else _("Opened workspace “{name}” (read-only), version {version}."))
    st.session_state[NOTICE] = ("info", text.format(name=access.workspace.name,
                                                    version=access.workspace.version))
    st.rerun()


def autosave() -> None:
    """Save a new version when something changed in an editable workspace (call after the
    page ran)."""
    opened = st.session_state.get(STATE)
    if not opened or not opened["can_edit"] or st.session_state.get(CONFLICT):
        return
    snapshot = current_snapshot()
    digest = _digest(snapshot)  # hashes every upload: once per run, status() reuses it
    if opened.pop("fresh", False):
        opened["saved"] = digest
    if digest != opened["saved"]:
        _save(opened, snapshot, digest, note=_change_note(snapshot))
    opened["in_sync"] = opened["saved"] == digest


def _change_note(snapshot: Snapshot) -> str:
    uploads = len(snapshot.uploads)
    return f"autosave: {uploads} upload(s), {len(snapshot.choices)} choice(s)"


def _save(opened: dict, snapshot: Snapshot, digest: str, note: str) -> bool:
    backend = store()
    if backend is None:
        return False
    try:
        workspace = backend.save(opened["id"], opened["token"], opened["version"],
                                 snapshot, note)
    except StaleVersion as error:
        st.session_state[CONFLICT] = error.current
        return False
    except StoreError as error:
        st.session_state[NOTICE] = ("error", str(error))
        return False
    opened.update(version=workspace.version, saved=digest,
                  saved_at=workspace.saved_at)
    return True


def status() -> None:
    """Say plainly what this view is built on and whether it is saved; offer the way out of
    a conflict. Shown at the top of every page (not in screenshot mode)."""
    notice = st.session_state.get(NOTICE)
    if notice:
        # Shown for a few seconds, not one run only: the map's first report or a URL
        # change reruns the page at once, and a notice shown once vanished unread.
        now = time.monotonic()
        first = st.session_state.get(NOTICE_SHOWN)
        if not first or first[0] != notice:
            st.session_state[NOTICE_SHOWN] = first = (notice, now)
        if now - first[1] <= NOTICE_SECONDS:
            (st.error if notice[0] == "error" else st.info)(notice[1])
        else:
            st.session_state.pop(NOTICE, None)
            st.session_state.pop(NOTICE_SHOWN, None)
    opened = st.session_state.get(STATE)
    uploads = st.session_state.get("uploads") or {}
    if st.session_state.get(CONFLICT) and opened:
        _conflict(opened)
    elif opened and not opened["can_edit"]:
        st.info(_("Read-only workspace “{name}”, version {version}").format(
                    name=opened["name"], version=opened["version"])
                + (_built_on(len(uploads)) if uploads else "")
                + _(". Changes you make here are not saved; “Save as a copy” on the Data "
                    "page keeps them."))
    elif opened:
        saved = opened.get("in_sync", True)  # autosave() ran just before, in this run
        st.caption(_("Workspace “{name}”, version {version}").format(
                       name=opened["name"], version=opened["version"])
                   + (_built_on(len(uploads)) if uploads else "")
                   + (_(": every change is saved.") if saved else _(": saving…")))
    elif uploads:
        st.warning(ngettext(
            "This view is built on {n} uploaded file(s) that are not saved: a reload or a "
            "shared link shows the shipped data instead. Save a workspace on the Data page "
            "to keep them.",
            "This view is built on {n} uploaded file(s) that are not saved: a reload or a "
            "shared link shows the shipped data instead. Save a workspace on the Data page "
            "to keep them.", len(uploads)).format(n=len(uploads)))
        _warn_before_leaving()
        return
    _warn_before_leaving(False)


def _built_on(count: int) -> str:
    return ngettext(", built on {n} uploaded file(s)", ", built on {n} uploaded file(s)",
                    count).format(n=count)


WARNING_ON = "_workspace_leave_warning"


def _warn_before_leaving(on: bool = True) -> None:
    """The browser asks before a reload or close while uploads are unsaved (``on``), and
    stops asking once they are saved or gone.

    The handler is made in the page's own realm (``parent.Function``): Streamlit may remove
    this little iframe on a later run, and a handler from a removed frame never runs."""
    if bool(st.session_state.get(WARNING_ON)) == on:
        return
    import streamlit.components.v1 as components

    st.session_state[WARNING_ON] = on
    handler = ("new window.parent.Function('e', \"e.preventDefault(); e.returnValue = ''; "
               "return '';\")" if on else "null")
    components.html(f"<script>window.parent.onbeforeunload = {handler};</script>", height=0)


def _conflict(opened: dict) -> None:
    current = st.session_state[CONFLICT]
    st.error(_("Someone else saved this workspace meanwhile (now version {current}; yours "
               "was based on version {version}). Your changes are not saved yet.").format(
                   current=current, version=opened["version"]))
    left, right = st.columns(2)
    if left.button(_("Reload the saved version (drops my changes)"), key="ws_reload"):
        access = store().open(opened["token"])
        _apply_next_run(access.workspace, opened["token"], access.can_edit)
    if right.button(_("Save mine as a copy"), key="ws_copy"):
        save_new(_("{name} (copy)").format(name=opened["name"]))
        st.rerun()


# --------------------------------------------------------------------------- Data page
def save_new(name: str) -> bool:
    """Save this session as a new workspace and open it (editable)."""
    backend = store()
    if backend is None:
        return False
    snapshot = current_snapshot()
    try:
        workspace, token = backend.create(name, snapshot)
    except StoreError as error:
        st.session_state[NOTICE] = ("error", str(error))
        return False
    st.session_state[STATE] = {"id": workspace.id, "token": token, "can_edit": True,
                               "version": workspace.version, "name": workspace.name,
                               "saved_at": workspace.saved_at, "saved": _digest(snapshot)}
    st.session_state.pop(CONFLICT, None)
    st.query_params[PARAM] = token
    st.session_state[NOTICE] = ("info", _("Saved as workspace “{name}”. Keep the edit link: "
                                          "it is the only way to change it.").format(
                                              name=workspace.name))
    return True


def links(opened: dict) -> dict:
    """The workspace's links (relative to this app): edit (if known) and read-only."""
    out = {"read-only": f"?{PARAM}={opened['id']}"}
    if opened["can_edit"]:
        out["edit"] = f"?{PARAM}={opened['token']}"
    return out


def panel() -> None:
    """Save, links, history and restore, on the Data page."""
    st.subheader(_("Workspace"))
    opened = st.session_state.get(STATE)
    if not opened:
        st.caption(_("A workspace keeps your uploads, the sidebar's choices and the export "
                     "settings on this server, with every version, and gives two links: one "
                     "to edit, one to show read-only."))
        with st.form("ws_new", border=False):
            name = st.text_input(_("Name"), max_chars=120,
                                 placeholder=_("e.g. Sightings, May 2019"))
            if st.form_submit_button(_("Save workspace"), type="primary"):
                if save_new(name or _("Workspace")):
                    st.rerun()
        return
    text = (_("**{name}** (editable), version {version}, saved {saved}") if opened["can_edit"]
            else _("**{name}** (read-only), version {version}, saved {saved}"))
    st.markdown(text.format(name=opened["name"], version=opened["version"],
                            saved=opened["saved_at"]))
    labels = {"edit": _("Edit link (add it to this app's address)"),
              "read-only": _("Read-only link (add it to this app's address)")}
    for kind, link in links(opened).items():
        st.text_input(labels[kind], link, key=f"ws_link_{kind}", disabled=True)
    if not opened["can_edit"] and st.button(_("Save as a copy"), key="ws_save_copy"):
        if save_new(_("{name} (copy)").format(name=opened["name"])):
            st.rerun()
    _history(opened)


def _history(opened: dict) -> None:
    backend = store()
    if backend is None:
        return
    try:
        versions = backend.history(opened["id"])
    except StoreError as error:
        st.error(str(error))
        return
    with st.expander(ngettext("History: {n} version(s)", "History: {n} version(s)",
                              len(versions)).format(n=len(versions))):
        for version in versions[:50]:
            left, right = st.columns([4, 1])
            left.text(_("Version {number}, {saved}: {note}").format(
                number=version.number, saved=version.saved_at, note=version.note))
            if (opened["can_edit"] and version.number != opened["version"]
                    and right.button(_("Restore"), key=f"ws_restore_{version.number}")):
                try:
                    workspace = backend.restore(opened["id"], opened["token"],
                                                version.number, opened["version"])
                except StaleVersion as error:
                    st.session_state[CONFLICT] = error.current
                    st.rerun()
                except StoreError as error:
                    st.session_state[NOTICE] = ("error", str(error))
                    st.rerun()
                st.session_state[NOTICE] = ("info", _(
                    "Restored version {number} as version {version}.").format(
                        number=version.number, version=workspace.version))
                _apply_next_run(workspace, opened["token"], True)


def workspace_label() -> str | None:
    """"<read-only id> version <n>" of the open workspace, for an export's metadata."""
    opened = st.session_state.get(STATE)
    return f"{opened['id']} version {opened['version']}" if opened else None


def uploaded_layers() -> list[dict]:
    """For the Sources page: which layers were uploaded, when and from which file."""
    return [{"file": u["file"], "layer": u["target"],
             "how": "replaces" if u["mode"] == "replace" else "adds to",
             "features": len(u["frame"]), "uploaded": u.get("uploaded_at") or ""}
            for u in (st.session_state.get("uploads") or {}).values()]


# --------------------------------------------------------------------------- restarts
#: What the browser tab last heard from the server, in the tab's ``sessionStorage``: the
#: server process's id, the uploads not saved in a workspace, the workspace open.
SESSION_STORAGE_KEY = "footprint-session"
MARKER_KEY = "fp-session-marker"
RESTART = "_restart_notice"        # the notice's text, shown until dismissed
RESTART_SEEN = "_restart_seen"     # the report it was made from
#: The longest list of lost files named, and the longest name kept from the browser.
MAX_NAMED_FILES = 20
MAX_NAME_CHARS = 200

#: Runs in the page (a v2 component has no iframe): report what the tab held when it last
#: heard from another server process (addressed ``to`` this one: the tab sends a widget's
#: last value again after a reconnect, and a report meant for an earlier process must not
#: count), then keep what this one says. Data only comes in as JSON through ``data``;
#: nothing from the session reaches the code.
_MARKER_JS = """
export default function ({ data, setStateValue }) {
  let stored = null;
  try { stored = JSON.parse(window.sessionStorage.getItem(data.key)); } catch (e) {}
  if (stored && typeof stored === "object" && stored.server && stored.server !== data.now.server) {
    setStateValue("previous", { ...stored, to: data.now.server });
  }
  try { window.sessionStorage.setItem(data.key, JSON.stringify(data.now)); } catch (e) {}
}
"""


@st.cache_resource(show_spinner=False)
def server_id() -> str:
    """A random id of this server process: a tab that reports another one was served by a
    process that has since stopped (a restart, a crash, another app process)."""
    import uuid

    return uuid.uuid4().hex


#: A tab that reconnects to a restarted server reruns the page only if the page has an
#: auto-rerunning fragment (Streamlit 1.67's frontend; otherwise the new session waits for
#: the user's next click, and the tab shows the lost session's results until then). This
#: one does nothing, once an hour.
RECONNECT_RERUN_S = 3600


@st.fragment(run_every=RECONNECT_RERUN_S)
def _rerun_after_reconnect() -> None:
    """Nothing: its being on the page makes a reconnected tab run the page at once."""


@st.cache_resource(show_spinner=False)
def _marker():
    return st.components.v2.component("footprint_session_marker", js=_MARKER_JS)


def _unsaved_files() -> list[str]:
    """Names of the session's uploads a restart would lose: all of them, unless an
    editable workspace keeps them (its autosave saves every change)."""
    opened = st.session_state.get(STATE)
    if opened and opened["can_edit"] and not st.session_state.get(CONFLICT):
        return []
    return [str(u["file"]) for u in (st.session_state.get("uploads") or {}).values()]


def _previous_session(report) -> dict | None:
    """The tab's report, checked (it comes from the browser): {"server", "lost",
    "workspace"} or None."""
    if not isinstance(report, dict) or not isinstance(report.get("server"), str):
        return None
    if report.get("to") != server_id() or report["server"] == server_id():
        return None
    lost = report.get("lost") if isinstance(report.get("lost"), list) else []
    workspace = report.get("workspace")
    return {"server": report["server"][:64],
            "lost": [str(name)[:MAX_NAME_CHARS] for name in lost][:MAX_NAMED_FILES + 1],
            "workspace": str(workspace)[:MAX_NAME_CHARS] if workspace else None}


def restart_text(previous: dict, reopened: dict | None) -> str:
    """The notice for a tab whose server restarted: what was lost and what came back."""
    from analysis.report import escape_markdown

    parts = [_("The server restarted, so this page now runs in a new session.")]
    lost = previous["lost"]
    if lost:
        names = ", ".join(escape_markdown(name) for name in lost[:MAX_NAMED_FILES])
        parts.append(ngettext(
            "Lost: {n} uploaded file(s) that were not saved in a workspace ({files}). "
            "Upload them again; save a workspace on the Data page to keep uploads.",
            "Lost: {n} uploaded file(s) that were not saved in a workspace ({files}). "
            "Upload them again; save a workspace on the Data page to keep uploads.",
            len(lost)).format(n=len(lost), files=names))
    if reopened:
        parts.append(_("Workspace “{name}” was reloaded as saved (version {version}).")
                     .format(name=escape_markdown(reopened["name"]),
                             version=reopened["version"]))
    elif previous["workspace"]:
        parts.append(_("Workspace “{name}” was not reopened: open its link again.").format(
            name=escape_markdown(previous["workspace"])))
    if not lost:
        parts.append(_("No unsaved upload was lost; the choices in the address were kept."))
    return " ".join(parts)


def session_marker() -> None:
    """Tell the tab which server process serves it and what a restart would lose; if the
    tab was last served by another process, keep a notice saying so (call at the end of
    the run, after the uploads changed)."""
    _rerun_after_reconnect()
    opened = st.session_state.get(STATE)
    now = {"server": server_id(), "lost": _unsaved_files()[:MAX_NAMED_FILES + 1],
           "workspace": opened["name"] if opened else None}
    result = _marker()(key=MARKER_KEY, data={"key": SESSION_STORAGE_KEY, "now": now},
                       on_previous_change=lambda: None, height=0)
    previous = _previous_session(getattr(result, "previous", None))
    if previous is not None and previous != st.session_state.get(RESTART_SEEN):
        st.session_state[RESTART_SEEN] = previous
        st.session_state[RESTART] = restart_text(previous, opened)


def restart_notice() -> None:
    """The restart notice, until dismissed."""
    text = st.session_state.get(RESTART)
    if not text:
        return
    st.warning(text, icon=":material/restart_alt:")
    if st.button(_("Dismiss"), key="restart_notice_dismiss", type="tertiary"):
        st.session_state[RESTART] = None
        st.rerun()
