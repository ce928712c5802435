"""Support files (the claims without place, the towns table, the national boundary) missing
or garbled in a copy of data/: a problem line naming the file, and the rest keeps working."""

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import layers
from analysis import nulls

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ that the loaders, the app and the null models read instead."""
    import layers.registry
    import ui.data

    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setattr(layers.registry, "DATA_DIR", copy)
    monkeypatch.setattr(ui.data, "DATA_DIR", copy)
    monkeypatch.setattr(nulls, "TOWNS_FILE", copy / "venezuelan_towns.csv")
    return copy


BROKEN = [
    ("claims_missing", "claims_without_place.json", None),
    ("claims_garbage", "claims_without_place.json", b"\x00\xff not json"),
    ("towns_missing", "venezuelan_towns.csv", None),
    ("towns_garbage", "venezuelan_towns.csv", b"<html>404</html>\n"),
    ("towns_other_columns", "venezuelan_towns.csv", b"id,town\n1,Coro\n"),
    ("boundary_missing", "venezuela.geojson", None),
]


def _break(copy: Path, file: str, content: bytes | None) -> None:
    if content is None:
        (copy / file).unlink()
    else:
        (copy / file).write_bytes(content)


@pytest.mark.parametrize("name,file,content", BROKEN, ids=[row[0] for row in BROKEN])
def test_a_broken_support_file_gives_a_line_naming_it_through_the_loaders(
        data_copy, name, file, content):
    _break(data_copy, file, content)
    if file.startswith("claims"):
        claims, problems = layers.load_claims()
        assert claims == [] and problems and all(file in str(p) for p in problems)
    elif file.startswith("venezuelan_towns"):
        problem = nulls.towns_problem()
        assert problem and file in problem and "unavailable" in problem
        assert nulls.sample_size_problem("towns", 3) == problem
        assert nulls.sample_size_problem("uniform", 3) is None
        with pytest.raises(nulls.SupportFileError, match=file):
            nulls.venezuelan_towns()
    else:
        result = layers.load_all()["venezuela"]
        assert result.frame.empty and file in str(result.problems[0])
    assert nulls.towns_problem() is None or file.startswith("venezuelan_towns")


def _app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "code", "caption", "info", "warning", "error")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def like_the_server(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.mark.parametrize("name,file,content", [BROKEN[0], BROKEN[3], BROKEN[5]],
                         ids=[BROKEN[0][0], BROKEN[3][0], BROKEN[5][0]])
@pytest.mark.parametrize("page", [None, "pages/analysis_page.py"], ids=["map", "analysis"])
def test_the_app_runs_with_a_broken_support_file_and_names_it(
        data_copy, like_the_server, name, file, content, page):
    _break(data_copy, file, content)
    at = _app(page)
    assert not at.exception, [e.message for e in at.exception]
    assert file in _texts(at)


def _truncated(path: Path) -> bytes:
    data = path.read_bytes()
    return data[: len(data) // 2]


#: A shipped story layer file that is corrupt or unreadable (issue 15, faults).
CORRUPT_LAYERS = [
    ("facilities_truncated", "facilities.geojson", _truncated),
    ("flights_not_text", "flights.geojson", lambda path: b"\x00\xff\xfe garbage"),
    ("arc_a_folder", "orinoco_mining_arc.geojson", None),  # not a file one can read
]


def _corrupt(copy: Path, file: str, make) -> None:
    path = copy / file
    if make is None:
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes(make(path))


@pytest.mark.parametrize("name,file,make", CORRUPT_LAYERS, ids=[r[0] for r in CORRUPT_LAYERS])
def test_a_corrupt_layer_file_is_named_and_the_other_layers_load(data_copy, name, file, make):
    _corrupt(data_copy, file, make)
    results = layers.load_all()
    broken = next(r for r in results.values() if r.frame.empty and r.problems)
    assert all(file in str(p) for p in broken.problems)
    kept = {layer: len(r.frame) for layer, r in results.items() if r is not broken}
    assert kept and all(kept.values()), kept


@pytest.mark.parametrize("name,file,make", CORRUPT_LAYERS, ids=[r[0] for r in CORRUPT_LAYERS])
@pytest.mark.parametrize("page", [None, "pages/data_page.py"], ids=["map", "data"])
def test_the_app_runs_with_a_corrupt_layer_file_and_a_banner_names_it(
        data_copy, like_the_server, name, file, make, page):
    _corrupt(data_copy, file, make)
    at = _app(page)
    assert not at.exception, [e.message for e in at.exception]
    banner = [e.label for e in at.sidebar.expander if "problem(s) in the shipped layers" in
              e.label]
    assert banner, "no banner in the sidebar"
    assert file in "\n".join(str(c.value) for c in at.sidebar.code)
    if page:  # the other layers are listed with all their features
        labels = "\n".join(e.label for e in at.main.expander)
        assert "Sightings of Russian specialists: 5 feature(s)" in labels
        if file != "facilities.geojson":
            assert "Facilities: 6 feature(s)" in labels
