"""``python -m analysis figure``: --bounds and --label, good and bad input, exit codes."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FAST = ["--preset", "1x1", "--scale", "0.25", "--null", "uniform"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "analysis", "figure", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def svg_text(path: Path) -> str:
    root = ET.fromstring(path.read_bytes())
    texts = [" ".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text")]
    return " ".join(" ".join(texts).split())


def test_bounds_and_labels_reach_the_svg(tmp_path):
    out = tmp_path / "zoom.svg"
    result = run("--bounds", -72.5, 9.5, -67, 12.5, "--label", "coro-cumberland-hotel=Hotel X",
                 "--label", "acarigua-bakery=", "-o", out, *FAST)
    assert result.returncode == 0, result.stderr
    text = svg_text(out)
    assert "Hotel X" in text
    assert "Cumberland" not in text            # replaced by the given text
    assert "bakery" not in text                # an empty text: no label
    assert "Puerto Ordaz" not in text          # outside the bounds: not labelled
    assert "CEMAREH" in text                   # same place as the bakery, still labelled


@pytest.mark.parametrize("args, message", [
    (["--bounds", -67, 9.5, -72.5, 12.5], "west < east"),
    (["--bounds", -72.5, 12.5, -67, 9.5], "south < north"),
    (["--bounds", -190, 9.5, -67, 12.5], "west should be within -180 to 180"),
    (["--bounds", -72.5, 9.5, -67, 95], "north should be within -90 to 90"),
    (["--bounds", -72.5, 9.5, -67], "four numbers"),
    (["--bounds", "west", 9.5, -67, 12.5], "four numbers"),
    (["--label", "no-such-feature=X"], "no-such-feature"),
    (["--label", "coro-cumberland-hotel"], "ID=TEXT"),
])
def test_bad_bounds_or_label_is_one_line_and_exit_2(tmp_path, args, message):
    out = tmp_path / "x.png"
    result = run(*args, "-o", out, *FAST)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert not out.exists()
