"""Load benchmark: many browser sessions on one Footprint server, and one session's uploads.

One server (``python -m ui.serve``, its own process, workspaces in a temporary folder) and
one headless Chromium in this process driving many pages (a browser context each, so a
Streamlit session each). For each level of :data:`LEVELS` concurrent sessions:

- every session opens the Map page at once; ``first_map_s`` is from ``goto`` to the map's
  iframe showing Leaflet with the offline basemap drawn
  (``.leaflet-container[data-fp-basemap="ready"]``);
- then, for :data:`MOVE_S` seconds, each session moves the radius slider (End, Home, ...)
  every :data:`MOVE_EVERY_S` seconds; ``slider_to_table_s`` is from the key press to the
  proximity table's text changing;
- ``errors``: waits (the page, the map, a table update) longer than :data:`TIMEOUT_S`
  each, and page errors;
- the server's resident memory (VmRSS of the server and its children, from /proc) before
  the sessions open, at its peak while they run, and after they close (the server is
  started with ``server.disconnectedSessionTTL`` = :data:`SESSION_TTL_S` so that closed
  sessions are dropped within the wait; Streamlit's default keeps them 120 s), and the
  server's CPU seconds while the sessions opened their first map (against the wall time:
  the clients share the machine, so a server that is mostly idle meanwhile is waiting for
  the browsers, not the other way round).

Then one session uploads :data:`UPLOADS` files in turn on the Data page (malformed JSON,
a PNG named .geojson, a CSV without coordinates, good small GeoJSON and CSV files, each good
one applied): the RSS before, after the uploads, and after the session closed.

Prints one JSON line per level and one for the uploads. Not a test: nothing asserts on
time. Targets (issue 15, a 2-core machine): 20 sessions with p95 slider-to-table under 1 s,
no errors, RSS after within 20% of the idle figure (``rss_after_vs_idle``).

Run with ``make bench`` or ``.venv/bin/python bench/bench_load.py [--levels 1,5]
[--server-levels 20] [--server-only]``. The browserless sessions (:class:`Protocol`) run
first: they measure the server alone, the two cores its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ui.serve import free_port, healthy, stop  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    "--disable-dev-shm-usage",
]
LEVELS = (1, 5, 10, 20)
SERVER_LEVELS = (1, 5, 10, 20, 40)
MOVE_S = 30.0         # how long each session moves the slider, after its first map
MOVE_EVERY_S = 3.0    # a move every this many seconds (from one move's start to the next)
TIMEOUT_S = 90.0      # a first map or a table update later than this is an error
SESSION_TTL_S = 5     # the server drops a closed tab's session after this
SETTLE_S = 20.0       # the longest wait for the RSS to settle after the sessions close
UPLOADS = 30
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
BASEMAP_READY = '.leaflet-container[data-fp-basemap="ready"]'
SLIDER = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]'
TABLE = '[data-testid="stTable"]'
NOT_RUNNING = '[data-test-script-state="notRunning"]'


# --------------------------------------------------------------------------- the server
def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB (VmRSS from /proc)."""
    total_kb = 0
    for member in _tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return round(total_kb / 1024, 1)


def cpu_s(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` and its children so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


class Server:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "ui.serve", "--server.port", str(self.port),
                   "--server.headless", "true", "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                   "--server.disconnectedSessionTTL", str(SESSION_TTL_S)]
        env = {**os.environ, "FOOTPRINT_DATA_DIR": str(folder)}
        env.pop("FOOTPRINT_DATABASE_URL", None)
        self.log = open(folder / "server.log", "wb")
        self.process = subprocess.Popen(command, cwd=REPO, stdout=self.log,
                                        stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 90
        while not healthy(self.url, timeout=1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: see {folder / 'server.log'}")
            time.sleep(0.1)

    @property
    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    @property
    def cpu_s(self) -> float:
        return cpu_s(self.process.pid)

    def stop(self) -> None:
        stop(self.process)
        self.log.close()


async def settled_rss(server: Server) -> float:
    """The RSS once it has stopped falling (or after :data:`SETTLE_S`)."""
    await asyncio.sleep(SESSION_TTL_S + 1)
    last = server.rss_mb
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        await asyncio.sleep(2)
        now = server.rss_mb
        if now >= last - 1:
            return now
        last = now
    return server.rss_mb


class Peak:
    """Samples the server's RSS every half second while running."""

    def __init__(self, server: Server):
        self.server, self.value, self.task = server, 0.0, None

    async def _sample(self):
        while True:
            self.value = max(self.value, self.server.rss_mb)
            await asyncio.sleep(0.5)

    def __enter__(self):
        self.task = asyncio.ensure_future(self._sample())
        return self

    def __exit__(self, *exc):
        self.task.cancel()
        self.value = max(self.value, self.server.rss_mb)


# --------------------------------------------------------------------------- the sessions
def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def session(browser, url: str, index: int, record: dict) -> None:
    """One tab: open the map, then move the slider every few seconds for MOVE_S."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = await context.new_page()
    page.on("pageerror", lambda error: record["errors"].append(f"pageerror: {error}"[:200]))
    try:
        started = time.monotonic()
        await page.goto(url)
        frame_element = await page.wait_for_selector(MAP_FRAME)
        frame = await frame_element.content_frame()
        await frame.wait_for_selector(BASEMAP_READY, state="attached")
        record["first_map"].append(time.monotonic() - started)
        await page.wait_for_selector(TABLE, state="attached")
        await page.wait_for_selector(NOT_RUNNING, state="attached")
        slider = page.locator(SLIDER).first
        until = time.monotonic() + MOVE_S
        moves = 0
        while time.monotonic() < until:
            began = time.monotonic()
            before = await page.locator(TABLE).first.inner_text()
            await slider.focus()
            pressed = time.perf_counter()
            await page.keyboard.press("End" if moves % 2 == 0 else "Home")
            await page.wait_for_function(
                "([selector, before]) => { const t = document.querySelector(selector); "
                "return t && t.innerText !== before; }", arg=[TABLE, before], polling=50)
            record["slider"].append(time.perf_counter() - pressed)
            moves += 1
            await page.wait_for_selector(NOT_RUNNING, state="attached")
            # index-dependent offsets spread the sessions' moves over the interval
            await asyncio.sleep(max(0.1, MOVE_EVERY_S - (time.monotonic() - began)
                                    + (index % 3) * 0.1))
    except Exception as error:  # noqa: BLE001 - a benchmark counts failures, never stops
        record["errors"].append(f"session {index}: {type(error).__name__}: "
                                f"{str(error).splitlines()[0][:160]}")
    finally:
        await context.close()


async def level(browser, server: Server, sessions: int) -> dict:
    before = server.rss_mb
    record = {"first_map": [], "slider": [], "errors": []}
    cpu_before = server.cpu_s
    started = time.monotonic()
    with Peak(server) as peak:
        tasks = [asyncio.ensure_future(session(browser, server.url, i, record))
                 for i in range(sessions)]
        # The server's CPU while the sessions open their first map (their first runs).
        while len(record["first_map"]) + len(record["errors"]) < sessions \
                and not all(task.done() for task in tasks):
            await asyncio.sleep(0.2)
        first_runs_cpu = server.cpu_s - cpu_before
        first_runs_wall = time.monotonic() - started
        await asyncio.gather(*tasks)
    after = await settled_rss(server)
    first, slider = record["first_map"], record["slider"]
    return {
        "case": "load", "sessions": sessions,
        "first_map_s": {"median": _median(first),
                        "max": _round(max(first) if first else None)},
        "slider_to_table_s": {"median": _median(slider),
                              "p95": _round(_percentile(slider, 0.95)),
                              "moves": len(slider)},
        "errors": len(record["errors"]), "error_samples": record["errors"][:3],
        "server_cpu_s_first_maps": round(first_runs_cpu, 2),
        "server_cpu_s_per_first_map": round(first_runs_cpu / max(sessions, 1), 2),
        "first_maps_wall_s": round(first_runs_wall, 2),
        "rss_mb": {"before": before, "peak": peak.value, "after": after},
    }


def _round(value):
    return None if value is None else round(value, 3)


def _median(values: list[float]):
    return _round(statistics.median(values)) if values else None


# --------------------------------------------------------------------------- the server alone
SLIDER_KEY = "radius_km"     # the radius slider's key (its widget id ends with it)
RADII = (300.0, 1.0)         # the values a protocol session moves the slider to, in turn


class Protocol:
    """One Streamlit session spoken to over its own websocket, as the browser would, but
    without a browser: it sends the script's rerun requests (the slider's new value in the
    widget states, as the frontend sends them) and reads the server's messages. What it
    measures is the server's part of a slider move: from the request to the new proximity
    table's message, and to the run's end."""

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws, self.slider_id, self.table = None, None, None

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"],
                                           max_size=None, open_timeout=TIMEOUT_S)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, radius: float | None = None) -> tuple[float, float]:
        """Rerun the page (with the slider at ``radius``): seconds to the table's message
        and to the run's end. Raises TimeoutError after :data:`TIMEOUT_S`."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        request = BackMsg()
        request.rerun_script.query_string = ""
        request.rerun_script.page_script_hash = ""
        if radius is not None:
            widget = request.rerun_script.widget_states.widgets.add()
            widget.id = self.slider_id
            widget.double_array_value.data.append(radius)
        started = time.perf_counter()
        await self.ws.send(request.SerializeToString())
        to_table = None
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(
                self.ws.recv(), max(0.1, deadline - time.monotonic())))
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                which = element.WhichOneof("type")
                if which == "slider" and element.slider.id.endswith(f"-{SLIDER_KEY}"):
                    self.slider_id = element.slider.id
                elif which == "table" and to_table is None:
                    to_table = time.perf_counter() - started
                    table = element.table.SerializeToString()
                    if radius is not None and table == self.table:
                        raise RuntimeError("the table did not change with the radius")
                    self.table = table
            elif kind == "script_finished":
                if to_table is None:
                    raise RuntimeError("the run ended without a proximity table")
                return to_table, time.perf_counter() - started


async def protocol_session(url: str, index: int, record: dict) -> None:
    try:
        async with Protocol(url) as client:
            record["first_run"].append((await client.run())[1])
            if client.slider_id is None:
                raise RuntimeError("no radius slider in the first run")
            until = time.monotonic() + MOVE_S
            moves = 0
            # index-dependent offsets spread the sessions' moves over the interval
            await asyncio.sleep((index % 10) * MOVE_EVERY_S / 10)
            while time.monotonic() < until:
                began = time.monotonic()
                to_table, to_end = await client.run(RADII[moves % 2])
                record["slider"].append(to_table)
                record["run"].append(to_end)
                moves += 1
                await asyncio.sleep(max(0.05, MOVE_EVERY_S - (time.monotonic() - began)))
    except Exception as error:  # noqa: BLE001 - a benchmark counts failures, never stops
        record["errors"].append(f"protocol session {index}: {type(error).__name__}: "
                                f"{str(error).splitlines()[0][:160] if str(error) else ''}")


async def protocol_level(server: Server, sessions: int) -> dict:
    """:func:`level` without browsers: the server's own figures for ``sessions``."""
    before = server.rss_mb
    record = {"first_run": [], "slider": [], "run": [], "errors": []}
    cpu_before, started = server.cpu_s, time.monotonic()
    client_cpu_before = time.process_time()
    with Peak(server) as peak:
        await asyncio.gather(*(protocol_session(server.url, i, record)
                               for i in range(sessions)))
    wall = time.monotonic() - started
    server_cpu = server.cpu_s - cpu_before
    after = await settled_rss(server)
    first, slider, runs = record["first_run"], record["slider"], record["run"]
    return {
        "case": "load_server_only", "sessions": sessions,
        "first_run_s": {"median": _median(first),
                        "max": _round(max(first) if first else None)},
        "slider_to_table_s": {"median": _median(slider),
                              "p95": _round(_percentile(slider, 0.95)),
                              "moves": len(slider)},
        "slider_to_run_end_s": {"median": _median(runs),
                                "p95": _round(_percentile(runs, 0.95))},
        "errors": len(record["errors"]), "error_samples": record["errors"][:3],
        "server_cpu_share": round(server_cpu / wall, 2),
        "client_cpu_share": round((time.process_time() - client_cpu_before) / wall, 2),
        "rss_mb": {"before": before, "peak": peak.value, "after": after},
    }


# --------------------------------------------------------------------------- uploads
def _good_geojson(i: int) -> bytes:
    """Three sightings of their own (names and places differ from file to file, so no id
    is taken by an earlier upload)."""
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [-67.6 + i / 100 + k / 10, 10.25]},
         "properties": {"name": f"Bench sighting {i}-{k}", "date": "2019-05-01",
                        "category": "sighting"}} for k in range(3)]}).encode()


def _good_csv(i: int) -> bytes:
    return (f"name,lat,lon\nNear Maracay {i},10.25,{-67.6 + i / 100:.3f}\n"
            f"Near Coro {i},11.4,{-69.67 + i / 100:.3f}\n").encode()


def upload_files(folder: Path) -> list[tuple[Path, bool]]:
    """:data:`UPLOADS` files in turn, refused and accepted: (path, accepted)."""
    kinds = [
        ("bad-{i}.geojson", lambda i: b'{"type": "FeatureCollection", "features": [', False),
        ("image-{i}.geojson", lambda i: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
         False),
        ("nocoords-{i}.csv", lambda i: b"name,town\nA,Coro\nB,Maracay\n", False),
        ("good-{i}.geojson", _good_geojson, True),
        ("good-{i}.csv", _good_csv, True),
    ]
    files = []
    for i in range(UPLOADS):
        name, content, accepted = kinds[i % len(kinds)]
        path = folder / name.format(i=i)
        path.write_bytes(content(i))
        files.append((path, accepted))
    return files


async def uploads(browser, server: Server, folder: Path) -> dict:
    files = upload_files(folder)
    before = server.rss_mb
    errors, applied = [], 0
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = await context.new_page()
    with Peak(server) as peak:
        try:
            await page.goto(f"{server.url}/data")
            await page.wait_for_selector(NOT_RUNNING, state="attached")
            for path, accepted in files:
                try:
                    await page.locator('[data-testid="stFileUploaderDropzoneInput"]') \
                        .set_input_files(str(path))
                    # The file's verdict: the success line, or the problems' error.
                    verdict = page.locator('[data-testid="stAlert"]').filter(
                        has_text="valid feature" if accepted else "problem")
                    await verdict.first.wait_for()
                    if accepted:
                        await page.get_by_role("button", name="Use these").click()
                        await page.get_by_text("Added. The map and the analysis").wait_for()
                        applied += 1
                    await page.wait_for_selector(NOT_RUNNING, state="attached")
                except Exception as error:  # noqa: BLE001
                    await page.screenshot(path=str(folder / f"{path.name}.png"))
                    errors.append(f"{path.name}: {type(error).__name__}: "
                                  f"{str(error).splitlines()[0][:160]}")
            after_uploads = server.rss_mb
        finally:
            await context.close()
    after_close = await settled_rss(server)
    return {"case": "uploads", "files": len(files),
            "refused": sum(not accepted for _, accepted in files), "applied": applied,
            "errors": len(errors), "error_samples": errors[:3],
            "rss_mb": {"before": before, "peak": peak.value, "after_uploads": after_uploads,
                       "after_close": after_close}}


# --------------------------------------------------------------------------- main
async def run(levels: tuple[int, ...], server_levels: tuple[int, ...],
              browsers: bool = True) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder = Path(tmp)
        server = Server(folder)
        try:
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM,
                                                   args=CHROMIUM_ARGS)
                cold = server.rss_mb
                # One session first (loads the libraries and the shared caches): the idle
                # figure is the server after it closed.
                warm = {"first_map": [], "slider": [], "errors": []}
                await session(browser, server.url, 0, warm)
                idle = await settled_rss(server)
                print(json.dumps({"case": "idle", "rss_mb_cold": cold,
                                  "rss_mb_idle_after_one_session": idle,
                                  "warm_up_first_map_s": _round(warm["first_map"][0]
                                                                if warm["first_map"] else None),
                                  "warm_up_errors": warm["errors"][:3],
                                  "cpus": os.cpu_count()}), flush=True)
                # The server alone first: the sessions speak Streamlit's protocol without
                # a browser, so the two cores are the server's.
                for sessions in server_levels:
                    line = await protocol_level(server, sessions)
                    line["rss_after_vs_idle"] = round(line["rss_mb"]["after"] / idle, 3)
                    print(json.dumps(line), flush=True)
                for sessions in levels if browsers else ():
                    line = await level(browser, server, sessions)
                    line["rss_after_vs_idle"] = round(line["rss_mb"]["after"] / idle, 3)
                    print(json.dumps(line), flush=True)
                if browsers:
                    line = await uploads(browser, server, folder)
                    line["rss_after_close_vs_idle"] = round(
                        line["rss_mb"]["after_close"] / idle, 3)
                    print(json.dumps(line), flush=True)
                await browser.close()
        finally:
            server.stop()


def _levels(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split(",") if n.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)),
                        help="concurrent browser sessions per level, comma-separated")
    parser.add_argument("--server-levels", default=",".join(map(str, SERVER_LEVELS)),
                        help="concurrent protocol sessions (no browser) per level")
    parser.add_argument("--server-only", action="store_true",
                        help="only the protocol sessions (one browser session warms up)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(json.dumps({"case": "load", "skipped": f"{CHROMIUM} not found (make browser)"}))
        return 1
    asyncio.run(run(_levels(args.levels), _levels(args.server_levels),
                    browsers=not args.server_only))
    return 0


if __name__ == "__main__":
    sys.exit(main())
