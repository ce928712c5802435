"""The credit line: sources, map data and licences, method and result.

Written for readers: no layer ids, file names or hashes. The data version (a fingerprint
of the story layers) goes into the file's metadata instead (:func:`data_version`). The
texts are in the current language (:mod:`layers.language`); names of sources stay as
they are written.
"""

from __future__ import annotations

import hashlib
import json

from analysis.wording import p_equals
from layers.language import N_, _, numbers

from .text import literal

MAP_DATA = N_("Map data: Natural Earth (public domain); GeoNames (CC BY 4.0); "
              "airportsdata (MIT)")
RIVERS = N_("GSHHG rivers, Wessel & Smith (LGPL)")
LAYERS = N_("Layers: Footprint (CC BY 4.0)")


def map_data_text(rivers: bool = False) -> str:
    """Who made the map data, with licences; GSHHG only when its rivers are drawn.

    >>> map_data_text(rivers=True)  # doctest: +ELLIPSIS
    'Map data: Natural Earth (public domain); ...; GSHHG rivers, Wessel & Smith (LGPL). ...'
    """
    return _(MAP_DATA) + (f"; {_(RIVERS)}" if rivers else "") + f". {_(LAYERS)}"


def publishers(*frames) -> list[str]:
    """Publishers named in the frames' ``sources`` lists, in order of first appearance.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"sources": [[{"publisher": "Meduza"}],
    ...                                   [{"publisher": "Meduza", "via": "The Moscow Times"}]]})
    >>> publishers(frame)
    ['Meduza', 'The Moscow Times']
    """
    names: list[str] = []
    for frame in frames:
        if frame is None or "sources" not in frame:
            continue
        for value in frame["sources"]:
            for source in value if isinstance(value, list) else [value]:
                if not isinstance(source, dict):
                    continue
                for key in ("publisher", "via"):
                    name = literal(source.get(key), 60)
                    if name and name not in names:
                        names.append(name)
    return names


def method_text(radius_km: float, buffer_around: str, test_result, n_facilities: int,
                headline: str | None = None) -> str:
    """The method and result in one sentence pair, for the credit line.

    Examples
    --------
    >>> method_text(50, "sightings", None, 0)
    'Method: circles of 50 km (geodesic) around sightings. No test: nothing to compare.'
    """
    if buffer_around in ("sightings", "facilities") and radius_km > 0:
        rings = (_("Method: circles of {km} km (geodesic) around sightings.")
                 if buffer_around == "sightings"
                 else _("Method: circles of {km} km (geodesic) around facilities."))
        text = rings.format(km=numbers(f"{radius_km:g}"))
    else:
        text = _("Method: no circles drawn.")
    if test_result is None:
        return text + " " + _("No test: nothing to compare.")
    r = test_result
    if headline:
        return f"{text} {headline} " + _(
            "{simulations} simulations, seed {seed}; global envelope test by extreme rank "
            "length (Myllymäki et al. 2017).").format(
                simulations=numbers(f"{r.simulations:,}"), seed=r.seed)
    return f"{text} " + _(
        "{observed} of {n} sightings lie within {km} km of one of {facilities} facilities "
        "tested; chance model: {model}, {p} ({simulations} simulations, seed {seed}).").format(
            observed=r.observed_within, n=r.n_sightings, km=numbers(f"{r.radius_km:g}"),
            facilities=n_facilities, model=_(r.null_label).lower(),
            p=numbers(p_equals(r.p_value)), simulations=numbers(f"{r.simulations:,}"),
            seed=r.seed)


def data_version(frames: dict) -> str:
    """A short fingerprint of the story layers, so a figure can be traced to its data.

    Examples
    --------
    >>> data_version({})
    'e3b0c442'
    """
    digest = hashlib.sha256()
    for name in sorted(frames):
        frame = frames[name]
        if name in ("basemap_countries", "venezuela") or frame is None:
            continue
        digest.update(name.encode())
        digest.update(json.dumps(json.loads(frame.to_json(drop_id=True)),
                                 sort_keys=True).encode())
    return digest.hexdigest()[:8]


def credit_text(sources: list[str], method: str, map_data: str | None = None) -> str:
    """The whole credit line.

    >>> credit_text(["Meduza"], "Method: x.")  # doctest: +ELLIPSIS
    'Sources: Meduza. Map data: ... Layers: Footprint (CC BY 4.0). Method: x.'
    """
    sources_text = "; ".join(sources) if sources else _("none named")
    return _("Sources: {sources}.").format(sources=sources_text) + \
        f" {map_data or map_data_text()}. {method}"
