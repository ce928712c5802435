"""Benchmark of the Streamlit app in headless Chromium against a minimal streamlit-folium app.

The baseline is written to a temporary folder at run time: one slider, one text line and a
folium map with one circle marker, loading Leaflet from the same local assets as Footprint
(``mapview.assets``, served from a ``static/`` link with ``server.enableStaticServing``), so
both work offline. Both are measured in the same run, as medians: five fresh servers each for
startup, 21 slider moves each (End, Home, ...) for the updates.

- ``startup_to_map``: from starting the server to the map visible in Chromium (Leaflet panes
  and at least one vector marker drawn). Each app is started as its users start it:
  Footprint with its launcher (``python -m ui.serve``, what ``make run`` runs, which warms
  the app's caches while the browser loads the page), the baseline with ``streamlit run``.
  Target ratio <= 1.5.
- ``slider_to_update``: from a key press on the radius slider to the updated proximity table
  (Footprint) or the updated text (baseline). Target ratio <= 2 and under 0.5 s.
- ``slider_to_map`` (Footprint only, no target): from the same key press to the buffers
  redrawn at the new radius inside the map, which is not reloaded. Footprint writes the
  table before it builds the map, so this comes a little later; its ratio is against the
  baseline's text update, the only update the minimal app has.
- ``bytes_per_rerun``: what the server sends over the websocket for one slider move (median
  of the 21), against the minimal app's. Target: under ``RERUN_BYTES_TARGET`` (150 kB).
  The offline basemap is a static file fetched once per page (its size is printed too), so
  it is never part of a rerun.

Prints one JSON line per case: {"case", "seconds", "baseline", "baseline_seconds", "ratio",
...} with ratio = seconds / baseline_seconds. Not a test: nothing asserts on time.

Run with ``make bench`` or ``.venv/bin/python bench/bench_app.py``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mapview import assets  # noqa: E402
from ui.serve import free_port, healthy, stop  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
RUNS = 5  # servers started per app for startup_to_map
MOVES = (("End", 300), ("Home", 1)) * 10 + (("End", 300),)  # slider moves per app (21)
TIMEOUT_MS = 120_000
#: What one slider move may send to the browser: the result line, the table and the map's
#: changing layers (buffers, nearest lines), never the basemap or the story layers again.
RERUN_BYTES_TARGET = 150_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SLIDER = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]'
NOT_RUNNING = '[data-test-script-state="notRunning"]'

BASELINE_APP = '''\
"""Baseline: the least a streamlit-folium page with one slider and one marker does."""
import folium
import streamlit as st
from streamlit_folium import st_folium

radius = st.sidebar.slider("Buffer radius (km)", 1, 300, 50, key="radius_km")
st.markdown(f"**Baseline radius {{radius}} km**")
m = folium.Map(location=[7.2, -66.2], zoom_start=5.5, tiles=None)
m.default_js = {js!r}
m.default_css = {css!r}
folium.CircleMarker([8.35122, -62.64102], radius=6, tooltip="one marker").add_to(m)
st_folium(m, key="map", returned_objects=[], use_container_width=True, height=620)
'''

BASELINE_CONFIG = """\
[server]
enableStaticServing = true
headless = true

[browser]
gatherUsageStats = false
"""

#: Footprint's proximity table (the 'within radius' column) and result line for a radius.
FOOTPRINT_UPDATED = """([radius, allWithin]) => {
  const line = Array.from(document.querySelectorAll('strong'))
    .some(s => s.innerText.includes(`within ${radius} km`));
  const rows = Array.from(document.querySelectorAll('[data-testid="stTable"] tr'));
  if (!line || rows.length < 2) return false;
  const header = Array.from(rows[0].querySelectorAll('th, td')).map(c => c.innerText.trim());
  const column = header.indexOf('within radius');
  const within = rows.slice(1).map(r => r.querySelectorAll('th, td')[column].innerText.trim());
  return within.every(v => v === 'yes') === allWithin;
}"""
BASELINE_UPDATED = """([radius]) => Array.from(document.querySelectorAll('strong'))
  .some(s => s.innerText === `Baseline radius ${radius} km`)"""
#: Records, inside the map iframe, when the buffers (dash "6 4") are drawn at a radius: more
#: than 100 px wide at 300 km, under 10 px at 1 km (zoom 5.5: about 3.5 km per pixel).
WATCH_BUFFERS = """([big, start]) => {
  window.__bench_map_done = undefined;
  const done = () => {
    const widths = Array.from(document.querySelectorAll('path[stroke-dasharray="6 4"]'))
      .map(p => p.getBBox().width);
    return widths.length > 0 && (big ? Math.max(...widths) > 100 : Math.max(...widths) < 10);
  };
  const tick = () => {
    if (done()) window.__bench_map_done = performance.timeOrigin + performance.now() - start;
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
MAP_VISIBLE = """() => !!document.querySelector('.leaflet-container .leaflet-map-pane')
  && !!document.querySelector('.leaflet-overlay-pane path.leaflet-interactive')"""


def emit(case, seconds, baseline, baseline_seconds, **extra):
    line = {"case": case, "seconds": round(seconds, 4), "baseline": baseline,
            "baseline_seconds": round(baseline_seconds, 4),
            "ratio": round(seconds / baseline_seconds, 4), **extra}
    print(json.dumps(line), flush=True)


def write_baseline(folder: Path) -> Path:
    """The baseline app in ``folder``, with ``static/`` linked to Footprint's assets."""
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit/config.toml").write_text(BASELINE_CONFIG)
    (folder / "static").symlink_to(assets.STATIC, target_is_directory=True)
    app = folder / "baseline_app.py"
    app.write_text(BASELINE_APP.format(js=list(assets.JS), css=list(assets.CSS)))
    return app


@contextmanager
def server(app: Path):
    """Start ``app`` from its folder as its users do (Footprint: ``python -m ui.serve``;
    another app: ``streamlit run``); yield (base URL, start time)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start = ["ui.serve"] if app == REPO / "app.py" else ["streamlit", "run", app.name]
    command = [sys.executable, "-m", *start, "--server.port", str(port),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=app.parent, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = started + TIMEOUT_MS / 1000
        while not healthy(url, timeout=1):
            if process.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"{app} did not start: {process.stderr.read().decode()}")
            time.sleep(0.02)
        yield url, started
    finally:
        stop(process)


def open_map(browser, url: str, on_page=None):
    """A new page on ``url``, returned once the script has run and the map is drawn.
    ``on_page(page)`` runs before the page opens the URL (to listen to its traffic)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    if on_page is not None:
        on_page(page)
    page.goto(url)
    page.wait_for_selector(MAP_FRAME)
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_function(MAP_VISIBLE, polling="raf")
    return page


def startup_to_map(browser, app: Path) -> list[float]:
    """Seconds from `streamlit run` to the map visible, one per run (a fresh server each)."""
    times = []
    for _ in range(RUNS):
        with server(app) as (url, started):
            page = open_map(browser, url)
            times.append(time.perf_counter() - started)
            page.close()
    return times


def slider_to_update(browser, app: Path, updated: str, expected, watch_map=False):
    """Seconds from a key press on the slider to ``updated`` holding, one per run,
    (``watch_map``) to the buffers redrawn in the map, and the bytes the server sent over
    the websocket for each move (the rerun's payload: the basemap is a static file fetched
    once, so it must not be in there).

    The slider goes End (300 km), Home (1 km), End, ... (:data:`MOVES`): each move changes
    what is shown.
    Timed inside the page (performance.now) from just before the key press to the first
    animation frame where the update is visible.
    """
    times, map_times, sent = [], [], []
    received = [0]

    def listen(page):
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: received.__setitem__(0, received[0] + len(
                payload if isinstance(payload, bytes) else payload.encode()))))

    with server(app) as (url, _):
        page = open_map(browser, url, on_page=listen)
        page.wait_for_selector(NOT_RUNNING, state="attached")
        frame = page.locator(MAP_FRAME).element_handle().content_frame()
        slider = page.locator(SLIDER).first
        for key, radius in MOVES:
            slider.focus()
            before = received[0]
            start = page.evaluate("window.__bench_start = performance.now(); "
                                  "performance.timeOrigin + window.__bench_start")
            if watch_map:
                frame.evaluate(WATCH_BUFFERS, [radius == 300, start])
            page.keyboard.press(key)
            elapsed_ms = page.wait_for_function(
                f"args => ({updated})(args) && performance.now() - window.__bench_start",
                arg=expected(radius), polling="raf").json_value()
            times.append(elapsed_ms / 1000)
            if watch_map:
                map_ms = frame.wait_for_function("window.__bench_map_done").json_value()
                map_times.append(map_ms / 1000)
            page.wait_for_selector(NOT_RUNNING, state="attached")
            page.wait_for_timeout(300)  # late frames of the rerun (the component's update)
            sent.append(received[0] - before)
        page.close()
    return times, map_times, sent


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(json.dumps({"case": "app", "skipped": f"{CHROMIUM} not found (make browser)"}))
        return 1
    if not assets.assets_installed():
        assets.install_assets()
    footprint = REPO / "app.py"
    with tempfile.TemporaryDirectory(prefix="bench-app-") as folder, sync_playwright() as pw:
        baseline = write_baseline(Path(folder))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ours, theirs = startup_to_map(browser, footprint), startup_to_map(browser, baseline)
            emit("startup_to_map", statistics.median(ours), "minimal streamlit-folium app",
                 statistics.median(theirs), target_ratio=1.5,
                 runs=[round(t, 3) for t in ours], baseline_runs=[round(t, 3) for t in theirs])
            ours, ours_map, ours_bytes = slider_to_update(
                browser, footprint, FOOTPRINT_UPDATED, lambda radius: [radius, radius == 300],
                watch_map=True)
            theirs, _, their_bytes = slider_to_update(browser, baseline, BASELINE_UPDATED,
                                                      lambda r: [r])
            emit("slider_to_update", statistics.median(ours), "slider to text, minimal app",
                 statistics.median(theirs), target_ratio=2.0, target_seconds=0.5,
                 runs=[round(t, 3) for t in ours], baseline_runs=[round(t, 3) for t in theirs])
            emit("slider_to_map", statistics.median(ours_map), "slider to text, minimal app",
                 statistics.median(theirs), target_ratio=None,
                 runs=[round(t, 3) for t in ours_map])
            basemap = assets.STATIC / assets.live_url("").lstrip("/")
            print(json.dumps({
                "case": "bytes_per_rerun", "bytes": int(statistics.median(ours_bytes)),
                "baseline": "slider move, minimal app",
                "baseline_bytes": int(statistics.median(their_bytes)),
                "ratio": round(statistics.median(ours_bytes)
                               / max(statistics.median(their_bytes), 1), 1),
                "target_bytes": RERUN_BYTES_TARGET, "runs": ours_bytes,
                "basemap_file_bytes": basemap.stat().st_size,
                "basemap_note": "fetched once per page from a hashed static URL, not per "
                                "rerun"}), flush=True)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
