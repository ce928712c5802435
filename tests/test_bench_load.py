"""bench/bench_load.py's browserless sessions speak Streamlit's protocol as the frontend
does: a moved radius reaches the script and a new proximity table comes back."""

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import bench_load  # noqa: E402


def run(coroutine):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright may leave an
    event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = bench_load.Server(tmp_path_factory.mktemp("bench-load"))
    yield running
    running.stop()


def test_a_protocol_session_moves_the_radius_and_gets_a_new_table(server):
    async def session():
        async with bench_load.Protocol(server.url) as client:
            first = await client.run()
            table_at_default = client.table
            moved = await client.run(300.0)
            table_at_300 = client.table
            back = await client.run(1.0)
            return client.slider_id, first, moved, back, table_at_default, table_at_300

    slider_id, first, moved, back, default, wide = run(session())
    assert slider_id and slider_id.endswith("-radius_km")
    for to_table, to_end in (first, moved, back):
        assert 0 < to_table <= to_end
    assert default and wide and default != wide


def test_a_protocol_level_reports_moves_and_no_errors(server, monkeypatch):
    monkeypatch.setattr(bench_load, "MOVE_S", 2.0)
    monkeypatch.setattr(bench_load, "MOVE_EVERY_S", 0.5)
    monkeypatch.setattr(bench_load, "SESSION_TTL_S", 0)
    monkeypatch.setattr(bench_load, "SETTLE_S", 1.0)
    line = run(bench_load.protocol_level(server, 2))
    assert line["errors"] == 0, line["error_samples"]
    assert line["sessions"] == 2 and line["slider_to_table_s"]["moves"] >= 4
    assert line["slider_to_table_s"]["p95"] is not None
    assert line["rss_mb"]["peak"] > 0
