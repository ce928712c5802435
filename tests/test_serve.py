"""ui.serve: the launcher's warm-up loads what a first visit needs before the visit."""

import json
import subprocess
import sys
from pathlib import Path

from ui import serve

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import json, sys
from ui import serve
before = set(sys.modules)
serve.warm_up(wait_s=0)  # no runtime here: it does not wait for one
from mapview import basemap
print(json.dumps({"new": sorted(set(serve.WARM_MODULES) - before),
                  "loaded": [m for m in serve.WARM_MODULES if m in sys.modules],
                  "basemap": basemap.live_payload.cache_info().currsize,
                  "components": "streamlit_folium" in sys.modules,
                  "frozen": __import__("gc").get_freeze_count()}))
"""


def test_warm_up_imports_the_pages_modules_and_loads_the_basemap_once():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    found = json.loads(out.strip().splitlines()[-1])
    assert found["new"], "the probe imported the modules before the warm-up"
    assert found["loaded"] == list(serve.WARM_MODULES)
    assert found["basemap"] == 1
    # What the warm-up loaded lives as long as the server: out of the collector's way.
    assert found["frozen"] > 100_000
    # A component declared outside a script run is never registered: the map's component
    # must first be imported by the Map page's run.
    assert not found["components"]


def test_warm_up_never_raises(monkeypatch):
    """A broken module or file is the first run's to report (with its banner), not the
    launcher's: the warm-up swallows it."""
    monkeypatch.setattr(serve, "WARM_MODULES", ("no_such_module_here",))
    serve.warm_up(wait_s=0)


def test_the_server_skips_streamlit_s_full_collection_after_every_run():
    """Streamlit's ``runner.postScriptGC`` (a full ``gc.collect(2)`` after each run) cost
    ~150 ms of a slider move's ~230 ms and held the GIL, so 20 sessions queued
    (bench/bench_load.py): the project's config turns it off."""
    probe = ("from streamlit import config; config.get_config_options(force_reparse=True); "
             "print(config.get_option('runner.postScriptGC'))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"
