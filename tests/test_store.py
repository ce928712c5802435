"""The workspace stores: every test runs on the embedded SQLite store and on PostGIS.

The PostGIS cases (marker ``postgis``) need ``FOOTPRINT_TEST_DATABASE_URL``; ``make test``
starts a throwaway cluster (scripts/postgis-test-cluster.sh) and sets it. Each PostGIS test
gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import secrets
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import store.base
import store.sqlite
from store import (
    MAX_WORKSPACE_BYTES,
    InvalidLink,
    Snapshot,
    StaleVersion,
    StoreError,
    Upload,
)
from store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("FOOTPRINT_TEST_DATABASE_URL", "")
WRITERS = 6


# ---------------------------------------------------------------------- backends
class Backend:
    """One store's location; ``open()`` makes a new store object on it (as a restarted
    server would), ``sql()`` reads or changes the tables behind the store's back."""

    def __init__(self, kind: str, location: str):
        self.kind, self.location = kind, location

    @property
    def module(self):
        return importlib.import_module(f"store.{self.kind}")

    def open(self):
        return make_store(self.kind, self.location)

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        if self.kind == "sqlite":
            connection = sqlite3.connect(self.location, isolation_level=None)
            try:
                return connection.execute(query.replace("%s", "?"), params).fetchall()
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(self.location, autocommit=True) as connection:
            cursor = connection.execute(query, params)
            return cursor.fetchall() if cursor.description else []


def make_store(kind: str, location: str):
    if kind == "sqlite":
        return SqliteStore(Path(location))
    from store.postgis import PostgisStore

    return PostgisStore(location)


@pytest.fixture(scope="session")
def database():
    """The test server's address, with PostGIS enabled in its public schema."""
    if not URL:
        pytest.skip("FOOTPRINT_TEST_DATABASE_URL is not set (make test starts a PostGIS "
                    "cluster: scripts/postgis-test-cluster.sh start)")
    import psycopg

    with psycopg.connect(URL, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public")
    return URL


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def backend(request, tmp_path):
    if request.param == "sqlite":
        yield Backend("sqlite", str(tmp_path / "var" / "workspaces.sqlite"))
        return
    url = request.getfixturevalue("database")
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    schema = "footprint_test_" + secrets.token_hex(6)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield Backend("postgis", make_conninfo(url, options=f"-c search_path={schema},public"))
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(
                sql.Identifier(schema)))


# ---------------------------------------------------------------------- content
def feature_collection(*points, **properties) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": f"place-{i}",
         "geometry": {"type": "Point", "coordinates": list(point)},
         "properties": {"id": f"place-{i}", "name": f"Place {i}", **properties}}
        for i, point in enumerate(points, start=1)]})


def snapshot(radius: int = 50, points=((-66.9, 10.5), (-63.55, 8.12))) -> Snapshot:
    upload = Upload(key="sightings: sightings.geojson", target="sightings", mode="add",
                    file="sightings.geojson", geojson=feature_collection(*points),
                    uploaded_at="2026-01-02T03:04:05+00:00", problems=("one row skipped",))
    return Snapshot(uploads=(upload,), choices={"radius": [str(radius)]},
                    settings={"labels": True, "export": {"preset": "16x9"}})


# ---------------------------------------------------------------------- links
def test_create_and_open_by_either_link(backend):
    created, edit_token = backend.open().create("Mining arc  sightings\n", snapshot())
    assert created.version == 1 and created.name == "Mining arc sightings"
    assert created.snapshot == snapshot()
    assert edit_token != created.id

    read = backend.open().open(created.id)
    assert read is not None and not read.can_edit and read.workspace == created
    edit = backend.open().open(edit_token)
    assert edit is not None and edit.can_edit and edit.workspace == created


def test_unknown_token_opens_nothing(backend):
    store_ = backend.open()
    store_.create("one", snapshot())
    assert store_.open(store.base.new_token()) is None


MALFORMED = ["", "a" * 21, "a" * 23, "a" * 21 + "!", "a" * 21 + "=", "a" * 21 + "é",
             "a" * 22 + "\n", " " + "a" * 21, "a" * 10_240, None, 12345,
             "'; DROP TABLE workspaces; --"]


@pytest.mark.parametrize("token", MALFORMED, ids=lambda t: repr(t)[:16])
def test_malformed_tokens_are_invalid_links(backend, token):
    store_ = backend.open()
    created, edit_token = store_.create("one", snapshot())
    with pytest.raises(InvalidLink) as raised:
        store_.open(token)
    message = str(raised.value)
    assert message == "This workspace link is not valid: check that it was copied whole."
    for word in ("exist", "other", "found", "unknown", "Traceback"):
        assert word not in message
    with pytest.raises(InvalidLink):
        store_.save(created.id, token, 1, snapshot(60))
    assert store_.open(edit_token).workspace.version == 1


# ---------------------------------------------------------------------- saving
def test_save_increments_version(backend):
    store_ = backend.open()
    created, token = store_.create("one", snapshot(50))
    saved = store_.save(created.id, token, 1, snapshot(75), note="radius 75")
    assert saved.version == 2 and saved.snapshot == snapshot(75)
    again = store_.save(created.id, token, 2, snapshot(100), note="radius 100")
    assert again.version == 3
    assert backend.open().open(created.id).workspace == again


def test_stale_save_is_refused_with_the_current_version(backend):
    store_ = backend.open()
    created, token = store_.create("one", snapshot(50))
    store_.save(created.id, token, 1, snapshot(75), note="first")
    with pytest.raises(StaleVersion) as raised:
        store_.save(created.id, token, 1, snapshot(100), note="second, stale")
    assert raised.value.current == 2 and "version 2" in str(raised.value)
    assert [v.note for v in store_.history(created.id)] == ["first", "created"]
    assert store_.open(created.id).workspace.snapshot == snapshot(75)


def test_read_only_token_cannot_save(backend):
    store_ = backend.open()
    created, token = store_.create("one", snapshot())
    other, other_token = store_.create("two", snapshot())
    for wrong in (created.id, other_token, other.id):
        with pytest.raises(StoreError) as raised:
            store_.save(created.id, wrong, 1, snapshot(99))
        assert not isinstance(raised.value, StaleVersion)
        assert "does not allow changes" in str(raised.value)
    with pytest.raises(StoreError):
        store_.restore(created.id, created.id, 1, 1)
    assert [v.number for v in store_.history(created.id)] == [1]


def test_history_newest_first_with_notes(backend):
    store_ = backend.open()
    created, token = store_.create("one", snapshot(10), note="created")
    for version, radius in ((1, 20), (2, 30)):
        store_.save(created.id, token, version, snapshot(radius),
                    note=f"radius {radius}\x07  with\x1bcontrols")
    history = store_.history(created.id)
    assert [v.number for v in history] == [3, 2, 1]
    assert [v.note for v in history] == ["radius 30 withcontrols", "radius 20 withcontrols",
                                         "created"]
    assert all(v.saved_at.endswith("+00:00") for v in history)
    assert store_.history(store.base.new_token()) == []


def test_restore_makes_a_new_version_with_the_old_content(backend):
    store_ = backend.open()
    created, token = store_.create("one", snapshot(10))
    store_.save(created.id, token, 1, snapshot(20))
    restored = store_.restore(created.id, token, 1, expected_version=2)
    assert restored.version == 3 and restored.snapshot == snapshot(10)
    assert store_.history(created.id)[0].note == "restored version 1"
    assert store_.snapshot(created.id, 2) == snapshot(20)
    assert store_.snapshot(created.id, 7) is None
    with pytest.raises(StoreError, match="no version 7"):
        store_.restore(created.id, token, 7, expected_version=3)
    with pytest.raises(StaleVersion):
        store_.restore(created.id, token, 2, expected_version=2)


def test_payload_over_the_limit_is_refused_and_nothing_written(backend):
    store_ = backend.open()
    created, token = store_.create("one", snapshot())
    huge = replace(snapshot(), settings={"note": "x" * MAX_WORKSPACE_BYTES})
    with pytest.raises(StoreError, match="over the limit"):
        store_.save(created.id, token, 1, huge)
    with pytest.raises(StoreError, match="over the limit"):
        store_.create("huge", huge)
    assert [v.number for v in store_.history(created.id)] == [1]
    assert backend.sql("SELECT count(*) FROM workspaces") == [(1,)]
    assert backend.sql("SELECT count(*) FROM versions") == [(1,)]


def test_survives_a_restart(backend):
    created, token = backend.open().create("one", snapshot(40))
    backend.open().save(created.id, token, 1, snapshot(45), note="after restart")
    reopened = backend.open()
    assert reopened.open(token).workspace.snapshot == snapshot(45)
    assert [v.note for v in reopened.history(created.id)] == ["after restart", "created"]


def test_awkward_content_comes_back_exactly(backend):
    """What the embedded store keeps, PostGIS keeps too: NUL characters, NaN, any script."""
    awkward = Snapshot(
        uploads=(Upload("sightings: n\x00ul.geojson", "sightings", "add", "n\x00ul.geojson",
                        feature_collection((-66.9, 10.5), name="a\x00b \u202e ok"),
                        "2026-01-02T03:04:05+00:00"),),
        choices={"q": ["\x00", "\\u0000", "Ciudad Bolívar", "Москва"]},
        settings={"nan": float("nan"), "inf": float("inf"), "big": 10**30, "f": 0.1})
    store_ = backend.open()
    created, token = store_.create("awkward", awkward)
    back = backend.open().open(created.id).workspace.snapshot
    assert back.uploads == awkward.uploads and back.choices == awkward.choices
    assert math.isnan(back.settings["nan"]) and back.settings["inf"] == math.inf
    assert back.settings["big"] == 10**30 and back.settings["f"] == 0.1


def test_old_versions_beyond_the_limit_are_dropped(backend, monkeypatch):
    monkeypatch.setattr(backend.module, "MAX_VERSIONS", 3)
    store_ = backend.open()
    created, token = store_.create("one", snapshot(1))
    for version in range(1, 6):
        store_.save(created.id, token, version, snapshot(version + 1))
    assert [v.number for v in store_.history(created.id)] == [6, 5, 4]
    assert store_.snapshot(created.id, 3) is None
    assert store_.snapshot(created.id, 4) == snapshot(4)


# ---------------------------------------------------------------------- migrations
def test_older_store_opens_with_a_newer_app(backend, monkeypatch):
    module = backend.module
    old = backend.open()
    created, token = old.create("one", snapshot())
    assert old.schema() == module.LATEST
    newer = module.LATEST + 1
    monkeypatch.setattr(module, "MIGRATIONS", {
        **module.MIGRATIONS, newer: ["CREATE TABLE migration_probe (x integer)"]})
    monkeypatch.setattr(module, "LATEST", newer)
    reopened = backend.open()
    assert reopened.schema() == newer
    assert reopened.open(token).workspace == created
    assert reopened.save(created.id, token, 1, snapshot(60)).version == 2
    assert backend.sql("SELECT count(*) FROM migration_probe") == [(0,)]
    assert [row[0] for row in backend.sql("SELECT version FROM schema_version "
                                          "ORDER BY version")] == [*range(1, newer + 1)]


def test_newer_store_is_refused(backend):
    store_ = backend.open()
    created, token = store_.create("one", snapshot())
    backend.sql("INSERT INTO schema_version (version) VALUES (%s)", (99,))
    later = backend.open()
    for call in (later.schema, lambda: later.open(token)):
        with pytest.raises(StoreError) as raised:
            call()
        message = str(raised.value)
        assert "newer Footprint" in message and "schema 99" in message
        assert "update the app" in message
    assert backend.sql("SELECT max(version) FROM schema_version") == [(99,)]


#: Schema 1 of the embedded store as it was shipped, frozen: later apps must open it.
SQLITE_SCHEMA_1 = [
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "INSERT INTO schema_version VALUES (1)",
    "CREATE TABLE workspaces (id TEXT PRIMARY KEY, edit_hash TEXT NOT NULL UNIQUE, "
    "name TEXT NOT NULL, created_at TEXT NOT NULL, version INTEGER NOT NULL)",
    "CREATE TABLE versions (workspace_id TEXT NOT NULL REFERENCES workspaces(id), "
    "number INTEGER NOT NULL, saved_at TEXT NOT NULL, note TEXT NOT NULL, "
    "payload TEXT NOT NULL, PRIMARY KEY (workspace_id, number))",
]


@pytest.mark.parametrize("extra_migration", [False, True])
def test_sqlite_file_of_schema_1_opens(tmp_path, monkeypatch, extra_migration):
    path = tmp_path / "workspaces.sqlite"
    workspace_id, token = store.base.new_token(), store.base.new_token()
    connection = sqlite3.connect(path)
    for statement in SQLITE_SCHEMA_1:
        connection.execute(statement)
    connection.execute("INSERT INTO workspaces VALUES (?, ?, 'old', "
                       "'2026-01-01T00:00:00+00:00', 1)",
                       (workspace_id, store.base.edit_hash(token)))
    connection.execute("INSERT INTO versions VALUES (?, 1, '2026-01-01T00:00:00+00:00', "
                       "'created', ?)", (workspace_id, snapshot().to_json()))
    connection.commit()
    connection.close()
    if extra_migration:
        monkeypatch.setattr(store.sqlite, "MIGRATIONS", {
            **store.sqlite.MIGRATIONS,
            store.sqlite.LATEST + 1: ["CREATE INDEX versions_saved ON versions (saved_at)"]})
        monkeypatch.setattr(store.sqlite, "LATEST", store.sqlite.LATEST + 1)
    opened = SqliteStore(path)
    assert opened.schema() == store.sqlite.LATEST
    access = opened.open(token)
    assert access.can_edit and access.workspace.snapshot == snapshot()
    assert opened.save(workspace_id, token, 1, snapshot(70)).version == 2


def test_sqlite_empty_file_is_schema_0(tmp_path):
    path = tmp_path / "workspaces.sqlite"
    path.write_bytes(b"")
    opened = SqliteStore(path)
    assert opened.schema() == store.sqlite.LATEST
    assert opened.create("one", snapshot())[0].version == 1


# ---------------------------------------------------------------------- concurrency
#: One writer process: open the store, say it is ready, wait for the gate file, then save
#: from version 1 and print the outcome. Plain subprocesses (not multiprocessing): a
#: multiprocessing writer that lost its result left the whole suite waiting in CI.
WRITER = """
import json, sys, time
from pathlib import Path
root, kind, location, workspace_id, token, index, gate = sys.argv[1:8]
sys.path.insert(0, root)
from store import StaleVersion
from tests.test_store import make_store, snapshot
writer = make_store(kind, location)
writer.schema()
Path(gate + ".ready" + index).touch()
deadline = time.monotonic() + 120
while not Path(gate).exists() and time.monotonic() < deadline:
    time.sleep(0.002)
try:
    saved = writer.save(workspace_id, token, 1, snapshot(100 + int(index)),
                        note="writer " + index)
    print(json.dumps([int(index), "saved", saved.version]))
except StaleVersion as error:
    print(json.dumps([int(index), "stale", error.current]))
"""


def test_concurrent_processes_one_wins(backend, tmp_path):
    import json
    import subprocess
    import time

    created, token = backend.open().create("shared", snapshot())
    gate = tmp_path / "go"
    writers = [subprocess.Popen(
        [sys.executable, "-c", WRITER, str(ROOT), backend.kind, backend.location,
         created.id, token, str(index), str(gate)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        for index in range(WRITERS)]
    try:
        deadline = time.monotonic() + 180
        while (len(list(tmp_path.glob("go.ready*"))) < WRITERS
               and time.monotonic() < deadline
               and all(w.poll() is None for w in writers)):
            time.sleep(0.01)
        gate.touch()  # all at once
        outcomes = []
        for writer in writers:
            out, err = writer.communicate(timeout=120)
            assert writer.returncode == 0, err
            outcomes.append(tuple(json.loads(out.strip().splitlines()[-1])))
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    outcomes.sort()
    winners = [o for o in outcomes if o[1] == "saved"]
    assert len(winners) == 1 and winners[0][2] == 2
    assert [o[2] for o in outcomes if o[1] == "stale"] == [2] * (WRITERS - 1)
    history = backend.open().history(created.id)
    assert [v.number for v in history] == [2, 1]
    assert history[0].note == f"writer {winners[0][0]}"
    assert backend.open().open(created.id).workspace.snapshot == snapshot(100 + winners[0][0])


# ---------------------------------------------------------------------- failures
def test_unwritable_sqlite_folder(tmp_path):
    if os.geteuid() == 0:
        # chmod does not stop root: a folder that cannot be made (under a regular file).
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        path = blocker / "var" / "workspaces.sqlite"
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        path = folder / "var" / "workspaces.sqlite"
    try:
        for call in (lambda s: s.create("one", snapshot()), lambda s: s.schema(),
                     lambda s: s.open(store.base.new_token())):
            with pytest.raises(StoreError) as raised:
                call(SqliteStore(path))
            message = str(raised.value)
            assert "could not be used" in message and "stays in this browser" in message
            assert str(tmp_path) not in message and "/" not in message
            assert "Traceback" not in message and "Errno" not in message
            assert raised.value.__suppress_context__
    finally:
        if os.geteuid() != 0:
            (tmp_path / "locked").chmod(0o700)


@pytest.mark.parametrize("url", [
    "postgresql://footprint:s3cret-pw@127.0.0.1:1/newsroom_db",
    "postgresql://footprint:s3cret-pw@127.0.0.1:notaport/newsroom_db",
    "host=127.0.0.1 port=1 user=footprint password=s3cret-pw dbname=newsroom_db",
])
def test_unreachable_postgres_names_no_server(url):
    pytest.importorskip("psycopg")
    from store.postgis import PostgisStore

    with pytest.raises(StoreError) as raised:
        PostgisStore(url).open(store.base.new_token())
    message = str(raised.value)
    assert "the PostgreSQL server" in message and "stays in this browser" in message
    for secret in ("s3cret", "127.0.0.1", "newsroom_db", "footprint:", "port", "Traceback"):
        assert secret not in message


@pytest.mark.postgis
def test_postgres_login_refused_names_no_user(database):
    from psycopg.conninfo import make_conninfo

    from store.postgis import PostgisStore

    url = make_conninfo(database, user="nobody_here", password="s3cret-pw")
    with pytest.raises(StoreError) as raised:
        PostgisStore(url).schema()
    message = str(raised.value)
    assert "refused the login" in message
    assert "nobody_here" not in message and "s3cret" not in message


# ---------------------------------------------------------------------- PostGIS
@pytest.mark.postgis
@pytest.mark.parametrize("backend", ["postgis"], indirect=True)
def test_upload_features_are_postgis_geometries(backend):
    points = ((-66.9036, 10.4806), (-63.5492, 8.1222), (-62.65, 8.3, 12.0))
    store_ = backend.open()
    created, token = store_.create("geo", snapshot(points=points))
    rows = backend.sql(
        "SELECT version, upload_key, feature_id, ST_SRID(geom), GeometryType(geom), "
        "ST_AsGeoJSON(geom), properties FROM upload_features WHERE workspace_id = %s "
        "ORDER BY feature_id", (created.id,))
    assert [row[:5] for row in rows] == [
        (1, "sightings: sightings.geojson", f"place-{i}", 4326, "POINT") for i in (1, 2, 3)]
    assert [json.loads(row[5])["coordinates"] for row in rows] == [
        list(point[:2]) for point in points]
    assert rows[0][6] == {"id": "place-1", "name": "Place 1"}
    columns = backend.sql("SELECT type, srid FROM geometry_columns WHERE "
                          "f_table_name = 'upload_features' AND f_table_schema = current_schema()")
    assert columns == [("GEOMETRY", 4326)]

    store_.save(created.id, token, 1, snapshot(points=points[:1]))
    counts = backend.sql("SELECT version, count(*) FROM upload_features WHERE "
                         "workspace_id = %s GROUP BY version ORDER BY version", (created.id,))
    assert counts == [(1, 3), (2, 1)]
    current = backend.sql("SELECT version, ST_X(geom), ST_Y(geom) FROM "
                          "current_upload_features WHERE workspace_id = %s", (created.id,))
    assert current == [(2, -66.9036, 10.4806)]
    near = backend.sql(
        "SELECT feature_id FROM current_upload_features WHERE ST_DWithin(geom::geography, "
        "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s)", (-66.9, 10.48, 5000))
    assert near == [("place-1",)]


@pytest.mark.postgis
@pytest.mark.parametrize("backend", ["postgis"], indirect=True)
def test_geometry_postgis_refuses_keeps_the_feature(backend):
    bad = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3]]},
         "properties": {"n": 1}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},
         "properties": {"n": 2}},
        {"type": "Feature", "geometry": None, "properties": None}]})
    awkward = Snapshot(uploads=(Upload("k", "sightings", "add", "f.geojson", bad,
                                       "2026-01-02T03:04:05+00:00"),))
    created, _ = backend.open().create("bad", awkward)
    assert backend.open().open(created.id).workspace.snapshot == awkward
    rows = backend.sql("SELECT feature_id, ST_AsText(geom), properties FROM upload_features "
                       "ORDER BY feature_id")
    assert rows == [("1", None, {"n": 1}), ("2", "POINT(1 2)", {"n": 2}), ("3", None, None)]


#: In a child process: start a save and die (os._exit) between its two writes, with the
#: transaction open, as a killed server would.
CRASH_MID_SAVE = """
import os, sys
from pathlib import Path
import store.sqlite as module
from store import Snapshot

original = module.sqlite3.connect

def connect(*args, **kwargs):
    connection = original(*args, **kwargs)
    connection.create_function("crash", 0, lambda: os._exit(9))
    connection.execute("CREATE TEMP TRIGGER die AFTER INSERT ON versions "
                       "BEGIN SELECT crash(); END")
    return connection

module.sqlite3.connect = connect
path, workspace_id, token = sys.argv[1:4]
module.SqliteStore(Path(path)).save(workspace_id, token, 1, Snapshot(choices={"r": 99}),
                                    "half-done")
"""


def test_a_crash_in_the_middle_of_a_save_loses_nothing_already_saved(tmp_path):
    path = tmp_path / "workspaces.sqlite"
    workspace, token = SqliteStore(path).create("Before the crash", snapshot(radius=40))
    import subprocess

    child = subprocess.run([sys.executable, "-c", CRASH_MID_SAVE, str(path), workspace.id,
                            token], cwd=ROOT, timeout=120, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.returncode == 9, child.stderr  # it died inside the save
    reopened = SqliteStore(path)  # as after a restart
    assert [v.number for v in reopened.history(workspace.id)] == [1]
    assert reopened.open(workspace.id).workspace.snapshot == workspace.snapshot
    # And the store still takes the next save.
    assert reopened.save(workspace.id, token, 1, snapshot(radius=30)).version == 2
