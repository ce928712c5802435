"""Benchmark of the analysis package against straightforward baselines, measured in the same run.

Prints one JSON line per case: {"case", "seconds", "baseline", "baseline_seconds", "ratio"}
with ratio = seconds / baseline_seconds. Not a test: nothing here asserts on time, but the
script exits non-zero if the fast nearest distances disagree with brute-force Geod.inv.

Run with ``make bench`` or ``.venv/bin/python bench/bench_analysis.py``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from analysis.io import filter_categories, read_feature_file  # noqa: E402
from analysis.nearest import GeodesicIndex  # noqa: E402
from analysis.nulls import venezuelan_towns  # noqa: E402
from analysis.stats import proximity_test, radius_sweep  # noqa: E402

VENEZUELA_BBOX = (-73.4, 0.6, -59.8, 12.2)


def timed(function, repeat: int = 1):
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return best, value


def emit(case, seconds, baseline, baseline_seconds, **extra):
    line = {"case": case, "seconds": round(seconds, 4), "baseline": baseline,
            "baseline_seconds": round(baseline_seconds, 4),
            "ratio": round(seconds / baseline_seconds, 4), **extra}
    print(json.dumps(line), flush=True)


def bench_nearest(rng) -> bool:
    west, south, east, north = VENEZUELA_BBOX
    n_sightings, n_facilities = 1_000_000, 10_000
    lon, lat = rng.uniform(west, east, n_sightings), rng.uniform(south, north, n_sightings)
    flon, flat = rng.uniform(west, east, n_facilities), rng.uniform(south, north, n_facilities)

    def fast():
        return GeodesicIndex(shapely.points(flon, flat)).nearest(lon, lat)

    seconds, (facility, dist_km) = timed(fast, repeat=3)

    sightings = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    facilities = gpd.GeoDataFrame(geometry=gpd.points_from_xy(flon, flat), crs=4326)

    def baseline():
        utm = "EPSG:32619"
        return gpd.sjoin_nearest(sightings.to_crs(utm), facilities.to_crs(utm),
                                 distance_col="distance_m")

    baseline_seconds, _ = timed(baseline)

    sample = rng.choice(n_sightings, 300, replace=False)
    geod = Geod(ellps="WGS84")
    brute = np.array([
        geod.inv(np.full(n_facilities, lon[i]), np.full(n_facilities, lat[i]), flon, flat)[2]
        for i in sample
    ]) / 1000.0
    max_error = float(np.abs(brute.min(axis=1) - dist_km[sample]).max())
    exact = max_error < 1e-9 and bool((brute.argmin(axis=1) == facility[sample]).all())
    emit("nearest_1M_sightings_10k_facilities", seconds, "geopandas.sjoin_nearest in EPSG:32619",
         baseline_seconds, brute_force_sample=len(sample), brute_force_max_error_km=max_error,
         exact=exact)
    return exact


def shipped_layers():
    facilities = filter_categories(read_feature_file(REPO / "data/facilities.geojson"),
                                   ["russian_asset"])
    sightings = filter_categories(read_feature_file(REPO / "data/sightings.geojson"),
                                  ["sighting"])
    return facilities, sightings


def loop_test_once(facilities_utm, towns, n, radius_km, rng):
    """One simulation, the straightforward way: draw towns, project, sjoin_nearest, count."""
    chosen = towns.iloc[rng.choice(len(towns), n, replace=False)]
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(chosen.lon, chosen.lat), crs=4326)
    joined = gpd.sjoin_nearest(points.to_crs(facilities_utm.crs), facilities_utm,
                               distance_col="distance_m")
    nearest = joined.groupby(level=0).distance_m.min()
    return int((nearest <= radius_km * 1000).sum()), float(nearest.mean())


def bench_test(rng):
    facilities, sightings = shipped_layers()
    simulations, radius_km = 9_999, 25.0
    seconds, _ = timed(lambda: proximity_test(facilities, sightings, radius_km,
                                              simulations=simulations, rng=1), repeat=3)
    towns = venezuelan_towns()
    facilities_utm = facilities.to_crs("EPSG:32619")
    loops = 200
    start = time.perf_counter()
    for _ in range(loops):
        loop_test_once(facilities_utm, towns, len(sightings), radius_km, rng)
    baseline_seconds = (time.perf_counter() - start) * simulations / loops
    emit("test_9999_simulations_shipped_layers", seconds,
         "loop: draw towns, to_crs UTM, sjoin_nearest, count", baseline_seconds,
         baseline_note=f"baseline timed for {loops} simulations and scaled linearly to "
         f"{simulations}", n_sightings=len(sightings), n_facilities=len(facilities))


def bench_sweep(rng):
    facilities, sightings = shipped_layers()
    simulations = 9_999
    radii = np.arange(1.0, 301.0)
    seconds, _ = timed(lambda: radius_sweep(facilities, sightings, radii,
                                            simulations=simulations, rng=1))
    per_radius = 5
    start = time.perf_counter()
    for radius in radii[:per_radius]:
        proximity_test(facilities, sightings, float(radius), simulations=simulations, rng=1)
    baseline_seconds = (time.perf_counter() - start) * radii.size / per_radius
    emit("radius_sweep_300_radii_9999_simulations", seconds,
         "per-radius loop re-running proximity_test", baseline_seconds,
         baseline_note=f"baseline timed for {per_radius} radii and scaled linearly to "
         f"{radii.size}")


def main() -> int:
    rng = np.random.default_rng(20190101)
    exact = bench_nearest(rng)
    if (REPO / "data/facilities.geojson").exists():
        bench_test(rng)
        bench_sweep(rng)
    else:
        print(json.dumps({"case": "shipped_layers", "skipped": "data/*.geojson not found"}))
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
