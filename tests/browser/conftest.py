"""Fixtures for the browser tests: the real app server and Debian's chromium via Playwright.

The server is started once per session from the repository root with this interpreter
(``sys.executable -m streamlit run app.py``) on a free port. Playwright never downloads a
browser here; it drives ``/usr/bin/chromium`` (or ``$FOOTPRINT_CHROMIUM``). Without chromium
the tests are skipped on a developer machine and fail (with the install command) when ``CI``
is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ui.serve import free_port, healthy, stop

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path(os.environ.get("FOOTPRINT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SERVER_START_TIMEOUT_S = 90
APP_TIMEOUT_MS = 90_000

#: Height of the page's content: Streamlit scrolls inside its main block, not the document.
CONTENT_HEIGHT = """() => Math.max(...['[data-testid="stMain"]',
    '[data-testid="stSidebarContent"]'].map(s => document.querySelector(s))
    .filter(Boolean).map(e => e.scrollHeight))"""

#: Records every change of Streamlit's script state (``running``/``notRunning``...) in
#: ``window.__fp_states``, so a test can tell whether the app reran.
STATE_RECORDER = """
(() => {
  if (window.top !== window) return;
  window.__fp_states = [];
  const record = () => {
    const el = document.querySelector('[data-test-script-state]');
    const state = el && el.getAttribute('data-test-script-state');
    const last = window.__fp_states[window.__fp_states.length - 1];
    if (state && state !== last) window.__fp_states.push(state);
  };
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(record).observe(document.documentElement, {
      attributes: true, subtree: true, childList: true,
      attributeFilter: ['data-test-script-state'],
    });
    record();
  });
})();
"""


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    message = (f"{CHROMIUM} is missing: the browser tests drive Debian's chromium "
               "(install it with `make browser`, i.e. `apt-get install chromium`).")
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def app_url(chromium_path, tmp_path_factory):
    """Start `streamlit run app.py` on a free port; yield its base URL; stop it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [sys.executable, "-m", "ui.serve",
               "--server.port", str(port), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
    # The server's workspaces go to a folder of this test run, never the checkout's var/.
    env = {**os.environ, "FOOTPRINT_DATA_DIR": str(tmp_path_factory.mktemp("workspaces"))}
    env.pop("FOOTPRINT_DATABASE_URL", None)
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                  env=env)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy at {url}/_stcore/health "
                            f"(exit code {server.returncode}); log:\n"
                            f"{log_path.read_text(errors='replace')[-3000:]}", pytrace=False)
            time.sleep(0.2)
        yield url
    finally:
        stop(server)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path,
                                             args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser context (so a fresh Streamlit session) for each test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(APP_TIMEOUT_MS)
    context.add_init_script(STATE_RECORDER)
    yield context
    context.close()


@pytest.fixture
def page(context, app_url):
    return context.new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --------------------------------------------------------------------------- the app
class App:
    """One browser tab on the running app, with the waits every test needs."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self._requests: list[tuple[float, str]] = []
        self._open: set = set()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        self._requests.append((time.monotonic(), request.url))
        self._open.add(request)

    def _ended(self, request) -> None:
        self._open.discard(request)

    def wait_until_quiet(self, quiet_s: float = 1.0, timeout_s: float = 60.0) -> None:
        """Wait until the tab (page and iframes) has no request open and has started none
        for ``quiet_s``. Playwright's "networkidle" is not used: Streamlit re-mounts the
        map's component iframe, and the new frame's idle event may never come, so that
        wait could hang on a page that had long gone quiet. Fails, naming the requests, if
        the tab is still busy after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while True:
            last = self._requests[-1][0] if self._requests else 0.0
            if not self._open and time.monotonic() - last >= quiet_s:
                return
            if time.monotonic() > deadline:
                recent = [url for at, url in self._requests if at > deadline - 5]
                pytest.fail(f"the tab did not go quiet within {timeout_s:.0f} s: open "
                            f"{sorted(r.url for r in self._open)}; requested in the last "
                            f"5 s: {recent[-20:]}", pytrace=False)
            self.page.wait_for_timeout(200)  # lets Playwright deliver the request events

    def open(self, path: str = "", with_map: bool = True):
        """Open ``base_url/path`` (path may hold a query) and wait until the app finished
        running and, with a map, until Leaflet drew it. Returns the map iframe's Frame."""
        self.page.goto(f"{self.base_url}/{path}")
        return self.wait(with_map)

    def wait(self, with_map: bool = True):
        page = self.page
        page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached")
        if not with_map:
            return None
        page.wait_for_selector(MAP_FRAME)
        page.frame_locator(MAP_FRAME).locator(
            ".leaflet-map-pane .leaflet-overlay-pane path.leaflet-interactive"
        ).first.wait_for(state="attached")
        frame = self.map_frame()
        frame.wait_for_function("() => !!window.L && !!document.querySelector("
                                "'.leaflet-container .leaflet-map-pane')")
        page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached")
        return frame

    def map_frame(self):
        return self.page.locator(MAP_FRAME).element_handle().content_frame()

    def states(self) -> list[str]:
        """Every script state seen since the page loaded, e.g. ['initial', 'running',
        'notRunning']."""
        return self.page.evaluate("window.__fp_states")

    def screenshot(self, path: Path) -> Path:
        """A screenshot of the whole page. Streamlit scrolls inside its main block, so
        the viewport is first grown to the content's height."""
        page = self.page
        viewport = page.viewport_size
        # Wait until the content's height holds still for one polling interval (charts and
        # tables may still be laying out after the script finished).
        page.wait_for_function(f"""() => {{ const h = ({CONTENT_HEIGHT})();
            const same = window.__fp_height === h; window.__fp_height = h; return same; }}""",
                               polling=300)
        for _ in range(5):  # growing the viewport can reflow the page: repeat until it fits
            height = min(max(page.evaluate(CONTENT_HEIGHT), viewport["height"]), 12_000)
            if height == page.viewport_size["height"]:
                break
            page.set_viewport_size({"width": viewport["width"], "height": height})
            page.wait_for_function("h => window.innerHeight === h", arg=height)
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(viewport)
        return path


@pytest.fixture
def app(page, app_url) -> App:
    return App(page, app_url)
