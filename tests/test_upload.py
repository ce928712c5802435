"""The upload panel's memory: a session keeps the result of the file now in the uploader
only, read once; a refused file, once replaced or removed, leaves nothing behind."""

import pytest

import ui.upload
from tests.test_app import navigation_like_the_server, run_app  # noqa: F401 (autouse)

GOOD = b"name,lat,lon\nNear Maracay,10.25,-67.6\nNear Coro,11.4,-69.67\n"
REFUSED = [
    ("malformed.geojson", b'{"type": "FeatureCollection", "features": ['),
    ("image.geojson", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
    ("no-coordinates.csv", b"name,town\nA,Coro\n"),
]


def _upload(at, name: str, content: bytes):
    at.file_uploader(key="upload_file").upload(name, content, "text/csv")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _kept(at):
    return at.session_state[ui.upload.READ_KEY] if ui.upload.READ_KEY in at.session_state \
        else None


@pytest.fixture
def reads(monkeypatch):
    """The files the reader was asked to read, by name."""
    calls = []
    original = ui.upload.read_bytes

    def counting(data, name, *args, **kwargs):
        calls.append(name)
        return original(data, name, *args, **kwargs)

    monkeypatch.setattr(ui.upload, "read_bytes", counting)
    return calls


@pytest.mark.parametrize("name,content", REFUSED, ids=[row[0] for row in REFUSED])
def test_a_refused_file_is_gone_once_another_file_replaces_it(name,
                                                               content):
    at = _upload(run_app("pages/data_page.py"), name, content)
    assert any("problem" in e.value for e in at.error)
    key, result = _kept(at)
    assert key[2] == name and len(result.frame) == 0
    _upload(at, "good.csv", GOOD)
    key, result = _kept(at)
    assert key[2] == "good.csv" and len(result.frame) == 2  # the refused one is dropped
    assert at.session_state["uploads"] == {}  # nothing was applied


def test_removing_the_file_keeps_nothing_of_it():
    at = _upload(run_app("pages/data_page.py"), *REFUSED[0])
    at.file_uploader(key="upload_file").clear()
    at.run()
    assert _kept(at) is None


def test_a_file_is_read_once_however_often_the_page_reruns(reads):
    at = _upload(run_app("pages/data_page.py"), "good.csv", GOOD)
    at.run()
    at.run()
    assert reads == ["good.csv"]
    at.button(key="upload_apply").click().run()
    assert reads == ["good.csv"]
    assert [u["file"] for u in at.session_state["uploads"].values()] == ["good.csv"]
