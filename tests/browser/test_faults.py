"""Faults with a real server and a real browser: ``kill -9`` of the server, then a restart.

Each test starts its own server (it is killed) on a free port, with its workspaces in a
folder of the test, and restarts it on the same port: the open tab reconnects by itself
(Streamlit retries), gets a new server session with the page's address, and must say that
the server restarted and what the session lost; with a saved workspace in the address, its
saved data is back.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, SERVER_START_TIMEOUT_S, App
from tests.browser.test_workspaces import CSV
from ui.serve import free_port, healthy, stop

pytestmark = pytest.mark.browser

RESTARTED = "The server restarted"
#: The reconnecting tab waits longer and longer between tries: allow for a loaded machine.
RECONNECT_TIMEOUT_MS = 120_000


class Server:
    """``python -m ui.serve`` on one port, that a test can kill and start again."""

    def __init__(self, port: int, data_dir: Path, log: Path):
        self.port, self.data_dir, self.log = port, data_dir, log
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "ui.serve", "--server.port", str(self.port),
                   "--server.headless", "true", "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        env = {**os.environ, "FOOTPRINT_DATA_DIR": str(self.data_dir)}
        env.pop("FOOTPRINT_DATABASE_URL", None)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=log,
                                            stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not healthy(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start on {self.url}; log:\n"
                            f"{self.log.read_text(errors='replace')[-3000:]}", pytrace=False)
            time.sleep(0.2)

    def kill(self) -> None:
        """``kill -9``: no shutdown, nothing saved on the way out."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@pytest.fixture
def server(chromium_path, tmp_path):
    server = Server(free_port(), tmp_path / "workspaces", tmp_path / "server.log")
    server.data_dir.mkdir()
    server.start()
    yield server
    server.stop()


def _upload(app: App, name: str = "mine.csv") -> None:
    page = app.page
    app.open("data", with_map=False)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": CSV}])
    page.get_by_role("button", name=re.compile(r"Use these 3 sightings")).click()
    page.get_by_text("Added. The map and the analysis now use your sightings.").wait_for()
    app.wait(with_map=False)


def _restart_notice(page) -> str:
    notice = page.get_by_text(re.compile(RESTARTED))
    notice.wait_for(timeout=RECONNECT_TIMEOUT_MS)
    return " ".join(notice.inner_text().split())


def test_after_a_kill_and_restart_the_page_says_which_upload_was_lost(server, page):
    app = App(page, server.url)
    _upload(app, "may-sightings.csv")
    page.get_by_text(re.compile("not saved: a reload")).wait_for()
    assert RESTARTED not in page.inner_text("body")  # uploading is not a restart

    server.kill()
    server.start()
    text = _restart_notice(page)
    assert "Lost: 1 uploaded file(s) that were not saved in a workspace" in text
    assert "may-sightings.csv" in text
    app.wait(with_map=False)
    # The session now holds the shipped data only, and says so nowhere else.
    assert page.get_by_text("Your uploads in this session").count() == 0

    page.get_by_role("button", name="Dismiss").click()
    page.get_by_text(re.compile(RESTARTED)).wait_for(state="detached")


def test_after_a_kill_and_restart_a_saved_workspace_comes_back(server, page):
    app = App(page, server.url)
    _upload(app, "kept.csv")
    page.get_by_role("textbox", name="Name").fill("Before the crash")
    page.get_by_role("button", name="Save workspace").click()
    page.get_by_text(re.compile(r"Saved as workspace")).wait_for()
    app.wait(with_map=False)
    page.wait_for_function("() => new URLSearchParams(location.search).has('workspace')")

    server.kill()
    server.start()
    text = _restart_notice(page)
    assert "Workspace “Before the crash” was reloaded as saved (version 1)" in text
    assert "Lost:" not in text
    page.get_by_text("kept.csv: 3 feature(s), adds to the sightings").wait_for()


def test_a_reload_on_the_same_server_is_not_called_a_restart(server, page):
    app = App(page, server.url)
    app.open("data", with_map=False)
    page.get_by_text("Add your own sightings or facilities").wait_for()
    app.open("data", with_map=False)  # a new session, same server process
    app.wait_until_quiet()
    assert RESTARTED not in page.inner_text("body")
