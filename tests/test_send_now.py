"""ui.layout.send_now: the page waits for its first numbers to be sent, boundedly."""

import time
from types import SimpleNamespace

import pytest

from ui import layout


class Queue:
    def __init__(self, empty_after_s: float):
        self.until = time.monotonic() + empty_after_s

    def is_empty(self) -> bool:
        return time.monotonic() >= self.until


def fake_runtime(monkeypatch, queue):
    import streamlit.runtime as runtime
    import streamlit.runtime.scriptrunner as scriptrunner

    info = SimpleNamespace(session=SimpleNamespace(_browser_queue=queue))
    manager = SimpleNamespace(get_active_session_info=lambda session_id: info)
    monkeypatch.setattr(runtime.Runtime, "instance",
                        classmethod(lambda cls: SimpleNamespace(_session_mgr=manager)))
    monkeypatch.setattr(scriptrunner, "get_script_run_ctx",
                        lambda suppress_warning=False: SimpleNamespace(session_id="s"))


def timed(**kwargs) -> float:
    start = time.monotonic()
    layout.send_now(**kwargs)
    return time.monotonic() - start


def test_waits_for_the_queue_then_one_beat(monkeypatch):
    fake_runtime(monkeypatch, Queue(empty_after_s=0.02))
    assert 0.02 + layout.SEND_BEAT_S * 0.8 <= timed(wait_s=1.0) < 0.5


def test_never_waits_longer_than_asked(monkeypatch):
    fake_runtime(monkeypatch, Queue(empty_after_s=60))  # a queue that never empties
    assert timed(wait_s=0.05) < 0.5


@pytest.mark.parametrize("broken", ["no session", "no runtime"])
def test_without_a_server_session_it_returns_at_once(monkeypatch, broken):
    import streamlit.runtime as runtime

    if broken == "no runtime":
        monkeypatch.setattr(runtime.Runtime, "instance",
                            classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError())))
    assert timed(wait_s=5) < 0.5  # outside a server run (as in a test): nothing to wait for
