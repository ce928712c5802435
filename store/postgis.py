"""The newsroom's store: PostgreSQL with PostGIS, shared by several app processes.

The same workspaces as :mod:`store.sqlite`, with the same behaviour, in three tables:
``workspaces``, ``versions`` (each version's payload as ``jsonb``) and ``upload_features``
(each saved version's uploaded features as PostGIS geometries in EPSG:4326, with their
properties as ``jsonb``), so a team can open them in QGIS or query them in SQL; the view
``current_upload_features`` holds those of each workspace's current version. Every change
is one transaction; a save locks its workspace's row (``SELECT … FOR UPDATE``) and swaps the
version number only if it is still the one the save was based on, so of two processes saving
at once one wins and the other gets :class:`~store.base.StaleVersion`. Every value goes to
the server as a query parameter. One connection per operation (no pool to set up).
"""

from __future__ import annotations

import json
import logging
import math
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg

from .base import (
    MAX_NAME,
    MAX_NOTE,
    MAX_VERSIONS,
    Access,
    Snapshot,
    StaleVersion,
    Store,
    StoreError,
    Version,
    Workspace,
    check_token,
    clean_text,
    edit_hash,
    new_token,
    now,
    payload_of,
)

log = logging.getLogger(__name__)

#: Schema changes in order; a store at version n gets n+1... applied when opened.
MIGRATIONS = {
    1: ["CREATE EXTENSION IF NOT EXISTS postgis",
        "CREATE TABLE workspaces (id text PRIMARY KEY, edit_hash text NOT NULL UNIQUE, "
        "name text NOT NULL, created_at timestamptz NOT NULL, version integer NOT NULL)",
        # payload_text keeps the exact JSON only when jsonb cannot hold it (a NUL
        # character, NaN); payload then holds it with those replaced.
        "CREATE TABLE versions (workspace_id text NOT NULL REFERENCES workspaces(id) "
        "ON DELETE CASCADE, number integer NOT NULL, saved_at timestamptz NOT NULL, "
        "note text NOT NULL, payload jsonb NOT NULL, payload_text text, "
        "PRIMARY KEY (workspace_id, number))",
        "CREATE TABLE upload_features (fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "workspace_id text NOT NULL, version integer NOT NULL, upload_key text NOT NULL, "
        "feature_id text NOT NULL, geom geometry(Geometry, 4326), properties jsonb, "
        "FOREIGN KEY (workspace_id, version) REFERENCES versions(workspace_id, number) "
        "ON DELETE CASCADE)",
        "CREATE INDEX upload_features_version ON upload_features (workspace_id, version)",
        "CREATE INDEX upload_features_geom ON upload_features USING gist (geom)",
        "CREATE VIEW current_upload_features AS SELECT f.* FROM upload_features f "
        "JOIN workspaces w ON w.id = f.workspace_id AND w.version = f.version"],
}
LATEST = max(MIGRATIONS)
#: The advisory lock that keeps two processes from migrating the same database at once.
MIGRATION_LOCK = 0x466F6F74  # "Foot"
#: How long a save waits for another process's save of the same workspace.
LOCK_TIMEOUT = "15s"

_GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                   "MultiPolygon", "GeometryCollection"}
_INSERT_FEATURE = (
    "INSERT INTO upload_features (workspace_id, version, upload_key, feature_id, geom, "
    "properties) VALUES (%s, %s, %s, %s, "
    "ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326)), %s::jsonb)")


def _problem(error: Exception) -> StoreError:
    """The user's message for a server's error: names no host, port, user or password (the
    details go to the server's log)."""
    state = getattr(error, "sqlstate", None) or ""
    text = str(error).lower()
    log.warning("PostgreSQL store: %s (%s): %s", type(error).__name__, state or "-", error)
    if state.startswith("28") or "authentication" in text or "password" in text \
            or "pg_hba.conf" in text or ("role" in text and "does not exist" in text):
        reason = "the PostgreSQL server refused the login"
    elif "connection option" in text or "invalid dsn" in text or 'missing "="' in text \
            or "invalid connection" in text:
        reason = "the address of the PostgreSQL server is not valid"
    elif state == "3D000" or ("database" in text and "does not exist" in text):
        reason = "the database does not exist on the PostgreSQL server"
    elif state == "53100" or "no space" in text or "disk full" in text:
        reason = "the PostgreSQL server's disk is full"
    elif state.startswith("53"):
        reason = "the PostgreSQL server is out of resources"
    elif state == "58P01" or 'extension "postgis"' in text:
        reason = "PostGIS is not installed on the PostgreSQL server"
    elif state == "42501":
        reason = "the PostgreSQL server does not allow this user to change the store's tables"
    elif state == "25006":
        reason = "the PostgreSQL server is read-only"
    elif state in ("40001", "40P01", "55P03"):
        reason = "another process held the workspace for too long"
    elif state.startswith(("08", "57")) or isinstance(error, psycopg.OperationalError):
        reason = "the PostgreSQL server could not be reached"
    else:
        reason = "the PostgreSQL server reported an error"
    return StoreError(f"The workspace store could not be used ({reason}). Your work stays "
                      "in this browser session until it can be saved.")


def _stamp(value: datetime) -> str:
    """A timestamp as :func:`store.base.now` writes it (ISO 8601, UTC, whole seconds)."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _for_jsonb(data):
    """``data`` without what jsonb refuses: NUL characters become U+FFFD, NaN and
    infinities become null."""
    if isinstance(data, str):
        return data.replace("\x00", "\ufffd")
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {_for_jsonb(key): _for_jsonb(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_for_jsonb(value) for value in data]
    return data


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _jsonb_payload(payload: str) -> tuple[str, str | None]:
    """The payload for the jsonb column, and the exact text when jsonb cannot hold it."""
    if "\\u0000" not in payload and "NaN" not in payload and "Infinity" not in payload:
        return payload, None
    clean = _dumps(_for_jsonb(json.loads(payload)))
    return (payload, None) if clean == payload else (clean, payload)


def _finite_coordinates(coordinates) -> bool:
    if isinstance(coordinates, list):
        return all(_finite_coordinates(value) for value in coordinates)
    return isinstance(coordinates, int | float) and not isinstance(coordinates, bool) \
        and math.isfinite(coordinates)


def _geometry(geometry) -> str | None:
    """A GeoJSON geometry as text for ST_GeomFromGeoJSON, or None if it is not one."""
    if not isinstance(geometry, dict) or geometry.get("type") not in _GEOMETRY_TYPES:
        return None
    if geometry["type"] == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list) or any(_geometry(part) is None for part in parts):
            return None
    elif not isinstance(geometry.get("coordinates"), list) \
            or not _finite_coordinates(geometry["coordinates"]):
        return None
    return _dumps(geometry)


def _feature_rows(workspace_id: str, number: int, snapshot: Snapshot) -> list[tuple]:
    """One row for upload_features per feature of each upload's GeoJSON."""
    rows = []
    for upload in snapshot.uploads:
        try:
            data = json.loads(upload.geojson, parse_constant=lambda _: None)
        except (TypeError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        features = data.get("features") if data.get("type") == "FeatureCollection" else [data]
        for position, feature in enumerate(features or (), start=1):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                continue
            feature_id = feature.get("id")
            feature_id = str(position) if feature_id is None else str(feature_id)
            properties = feature.get("properties")
            rows.append((workspace_id, number, _for_jsonb(str(upload.key)), _for_jsonb(feature_id),
                         _geometry(feature.get("geometry")),
                         None if properties is None else _dumps(_for_jsonb(properties))))
    return rows


class PostgisStore(Store):
    def __init__(self, url: str):
        #: A libpq address: ``postgresql://…`` or ``host=… dbname=…``.
        self.url = url
        self._ready = False

    # ------------------------------------------------------------------ connection
    @contextmanager
    def _connect(self, write: bool = False):
        try:
            connection = psycopg.connect(self.url, autocommit=True, connect_timeout=15,
                                         application_name="footprint")
        except psycopg.Error as error:
            raise _problem(error) from None
        try:
            with connection:
                if not self._ready:
                    self._migrate(connection)
                with connection.transaction():
                    if write:
                        connection.execute("SELECT set_config('lock_timeout', %s, true)",
                                           (LOCK_TIMEOUT,))
                    yield connection
        except psycopg.Error as error:
            raise _problem(error) from None

    def _migrate(self, connection) -> None:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer "
                               "NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
            version = connection.execute("SELECT max(version) FROM schema_version"
                                         ).fetchone()[0] or 0
            if version > LATEST:
                raise StoreError(f"The workspace store was written by a newer Footprint "
                                 f"(schema {version}; this one knows {LATEST}): update "
                                 "the app.")
            for number in range(version + 1, LATEST + 1):
                for statement in MIGRATIONS[number]:
                    connection.execute(statement)
                connection.execute("INSERT INTO schema_version (version) VALUES (%s)",
                                   (number,))
        self._ready = True

    def schema(self) -> int:
        """The store's schema version (after migrating)."""
        with self._connect() as db:
            return db.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    # ------------------------------------------------------------------ reading
    def _workspace(self, db, workspace_id: str) -> Workspace | None:
        row = db.execute(
            "SELECT w.id, w.name, w.created_at, w.version, v.saved_at, "
            "coalesce(v.payload_text, v.payload::text) "
            "FROM workspaces w JOIN versions v ON v.workspace_id = w.id "
            "AND v.number = w.version WHERE w.id = %s", (workspace_id,)).fetchone()
        if row is None:
            return None
        return Workspace(row[0], row[1], _stamp(row[2]), row[3], _stamp(row[4]),
                         Snapshot.from_json(row[5]))

    def open(self, token: str) -> Access | None:
        check_token(token)
        with self._connect() as db:
            workspace = self._workspace(db, token)
            if workspace is not None:
                return Access(workspace, can_edit=False)
            row = db.execute("SELECT id FROM workspaces WHERE edit_hash = %s",
                             (edit_hash(token),)).fetchone()
            return Access(self._workspace(db, row[0]), can_edit=True) if row else None

    def history(self, workspace_id: str) -> list[Version]:
        with self._connect() as db:
            rows = db.execute("SELECT number, saved_at, note FROM versions WHERE "
                              "workspace_id = %s ORDER BY number DESC",
                              (workspace_id,)).fetchall()
        return [Version(number, _stamp(saved_at), note) for number, saved_at, note in rows]

    def snapshot(self, workspace_id: str, version: int) -> Snapshot | None:
        with self._connect() as db:
            row = db.execute("SELECT coalesce(payload_text, payload::text) FROM versions "
                             "WHERE workspace_id = %s AND number = %s",
                             (workspace_id, int(version))).fetchone()
        return Snapshot.from_json(row[0]) if row else None

    # ------------------------------------------------------------------ writing
    def _add_version(self, db, workspace_id: str, number: int, stamp: str, note: str,
                     snapshot: Snapshot, payload: str) -> None:
        jsonb, exact = _jsonb_payload(payload)
        db.execute("INSERT INTO versions (workspace_id, number, saved_at, note, payload, "
                   "payload_text) VALUES (%s, %s, %s, %s, %s::jsonb, %s)",
                   (workspace_id, number, datetime.fromisoformat(stamp),
                    clean_text(note, MAX_NOTE), jsonb, exact))
        rows = _feature_rows(workspace_id, number, snapshot)
        if not rows:
            return
        try:
            with db.transaction(), db.cursor() as cursor:
                cursor.executemany(_INSERT_FEATURE, rows)
        except (psycopg.DataError, psycopg.InternalError):
            # A geometry PostGIS refuses: keep each feature, that one without geometry.
            for row in rows:
                try:
                    with db.transaction():
                        db.execute(_INSERT_FEATURE, row)
                except (psycopg.DataError, psycopg.InternalError):
                    db.execute(_INSERT_FEATURE, (*row[:4], None, row[5]))

    def create(self, name, snapshot, note="created"):
        payload = payload_of(snapshot)
        workspace_id, token, stamp = new_token(), new_token(), now()
        with self._connect(write=True) as db:
            db.execute("INSERT INTO workspaces (id, edit_hash, name, created_at, version) "
                       "VALUES (%s, %s, %s, %s, 1)",
                       (workspace_id, edit_hash(token),
                        clean_text(name, MAX_NAME) or "Workspace",
                        datetime.fromisoformat(stamp)))
            self._add_version(db, workspace_id, 1, stamp, note, snapshot, payload)
            workspace = self._workspace(db, workspace_id)
        return workspace, token

    def save(self, workspace_id, edit_token, expected_version, snapshot, note=""):
        check_token(edit_token)
        payload = payload_of(snapshot)
        with self._connect(write=True) as db:
            row = db.execute("SELECT version, edit_hash FROM workspaces WHERE id = %s "
                             "FOR UPDATE", (workspace_id,)).fetchone()
            if row is None or row[1] != edit_hash(edit_token):
                raise StoreError("This link does not allow changes to the workspace.")
            if row[0] != int(expected_version):
                raise StaleVersion(row[0])
            swapped = db.execute("UPDATE workspaces SET version = version + 1 WHERE id = %s "
                                 "AND version = %s RETURNING version",
                                 (workspace_id, row[0])).fetchone()
            if swapped is None:  # cannot happen while the row is locked; never lose a save
                raise StaleVersion(row[0])
            number = swapped[0]
            self._add_version(db, workspace_id, number, now(), note, snapshot, payload)
            db.execute("DELETE FROM versions WHERE workspace_id = %s AND number <= %s",
                       (workspace_id, number - MAX_VERSIONS))
            return self._workspace(db, workspace_id)
