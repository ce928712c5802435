"""The embedded store: one SQLite file, created on first use, no set-up step.

Every change is one transaction (SQLite's journal makes it atomic: a crash mid-save leaves
the last saved version as it was). Saves take the write lock first (``BEGIN IMMEDIATE``)
and compare the version they are based on, so two processes saving at once cannot both
win. The file survives restarts; several processes on one machine may share it.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

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

#: Schema changes in order; a store at version n gets n+1... applied when opened.
MIGRATIONS = {
    1: ["CREATE TABLE workspaces (id TEXT PRIMARY KEY, edit_hash TEXT NOT NULL UNIQUE, "
        "name TEXT NOT NULL, created_at TEXT NOT NULL, version INTEGER NOT NULL)",
        "CREATE TABLE versions (workspace_id TEXT NOT NULL REFERENCES workspaces(id), "
        "number INTEGER NOT NULL, saved_at TEXT NOT NULL, note TEXT NOT NULL, "
        "payload TEXT NOT NULL, PRIMARY KEY (workspace_id, number))"],
}
LATEST = max(MIGRATIONS)


def _problem(error: Exception) -> StoreError:
    text = str(error).lower()
    if "readonly" in text or "read-only" in text or "permission" in text:
        reason = "the store's folder or file is not writable"
    elif "full" in text or "disk" in text:
        reason = "the disk is full"
    elif "locked" in text or "busy" in text:
        reason = "another process held the store for too long"
    else:
        reason = "the store's file could not be opened or is damaged"
    return StoreError(f"The workspace store could not be used ({reason}). Your work stays "
                      "in this browser session until it can be saved.")


class SqliteStore(Store):
    def __init__(self, path: Path):
        self.path = Path(path)
        self._ready = False

    # ------------------------------------------------------------------ connection
    @contextmanager
    def _connect(self, write: bool = False):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise _problem(error) from None
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            if not self._ready:
                self._migrate(connection)
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            raise _problem(error) from None
        finally:
            connection.close()

    def _migrate(self, connection) -> None:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("CREATE TABLE IF NOT EXISTS schema_version "
                               "(version INTEGER NOT NULL)")
            row = connection.execute("SELECT max(version) FROM schema_version").fetchone()
            version = row[0] or 0
            if version > LATEST:
                raise StoreError(f"The workspace store was written by a newer Footprint "
                                 f"(schema {version}; this one knows {LATEST}): update "
                                 "the app.")
            for number in range(version + 1, LATEST + 1):
                for statement in MIGRATIONS[number]:
                    connection.execute(statement)
                connection.execute("INSERT INTO schema_version (version) VALUES (?)",
                                   (number,))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        self._ready = True

    def schema(self) -> int:
        """The store's schema version (after migrating)."""
        with self._connect() as db:
            return db.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    # ------------------------------------------------------------------ reading
    def _workspace(self, db, workspace_id: str) -> Workspace | None:
        row = db.execute(
            "SELECT w.id, w.name, w.created_at, w.version, v.saved_at, v.payload "
            "FROM workspaces w JOIN versions v ON v.workspace_id = w.id "
            "AND v.number = w.version WHERE w.id = ?", (workspace_id,)).fetchone()
        if row is None:
            return None
        return Workspace(row[0], row[1], row[2], row[3], row[4], Snapshot.from_json(row[5]))

    def open(self, token: str) -> Access | None:
        check_token(token)
        with self._connect() as db:
            workspace = self._workspace(db, token)
            if workspace is not None:
                return Access(workspace, can_edit=False)
            row = db.execute("SELECT id FROM workspaces WHERE edit_hash = ?",
                             (edit_hash(token),)).fetchone()
            return Access(self._workspace(db, row[0]), can_edit=True) if row else None

    def history(self, workspace_id: str) -> list[Version]:
        with self._connect() as db:
            rows = db.execute("SELECT number, saved_at, note FROM versions WHERE "
                              "workspace_id = ? ORDER BY number DESC",
                              (workspace_id,)).fetchall()
        return [Version(*row) for row in rows]

    def snapshot(self, workspace_id: str, version: int) -> Snapshot | None:
        with self._connect() as db:
            row = db.execute("SELECT payload FROM versions WHERE workspace_id = ? AND "
                             "number = ?", (workspace_id, int(version))).fetchone()
        return Snapshot.from_json(row[0]) if row else None

    # ------------------------------------------------------------------ writing
    def create(self, name, snapshot, note="created"):
        payload = payload_of(snapshot)
        workspace_id, token, stamp = new_token(), new_token(), now()
        with self._connect(write=True) as db:
            db.execute("INSERT INTO workspaces (id, edit_hash, name, created_at, version) "
                       "VALUES (?, ?, ?, ?, 1)", (workspace_id, edit_hash(token),
                                                 clean_text(name, MAX_NAME) or "Workspace",
                                                 stamp))
            db.execute("INSERT INTO versions VALUES (?, 1, ?, ?, ?)",
                       (workspace_id, stamp, clean_text(note, MAX_NOTE), payload))
            workspace = self._workspace(db, workspace_id)
        return workspace, token

    def save(self, workspace_id, edit_token, expected_version, snapshot, note=""):
        check_token(edit_token)
        payload = payload_of(snapshot)
        with self._connect(write=True) as db:
            row = db.execute("SELECT version, edit_hash FROM workspaces WHERE id = ?",
                             (workspace_id,)).fetchone()
            if row is None or row[1] != edit_hash(edit_token):
                raise StoreError("This link does not allow changes to the workspace.")
            if row[0] != int(expected_version):
                raise StaleVersion(row[0])
            number, stamp = row[0] + 1, now()
            db.execute("INSERT INTO versions VALUES (?, ?, ?, ?, ?)",
                       (workspace_id, number, stamp, clean_text(note, MAX_NOTE), payload))
            db.execute("UPDATE workspaces SET version = ? WHERE id = ? AND version = ?",
                       (number, workspace_id, row[0]))
            db.execute("DELETE FROM versions WHERE workspace_id = ? AND number <= ?",
                       (workspace_id, number - MAX_VERSIONS))
            return self._workspace(db, workspace_id)
