"""Renderings of results: CSV for spreadsheets, Markdown methodology boxes for stories.

Any text that comes from input files is escaped with :func:`escape_markdown`: files can be
hostile, and a name is not allowed to inject links, HTML or formatting into a story.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from .proximity import ProximityResult
from .stats import SweepResult, TestResult, UncertaintyResult

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&\"'=:$@%;/^?])")


def escape_markdown(text) -> str:
    """Backslash-escape Markdown and HTML special characters; newlines become spaces.

    Examples
    --------
    >>> escape_markdown("<script>alert(1)</script> *x*")
    '\\\\<script\\\\>alert\\\\(1\\\\)\\\\<\\\\/script\\\\> \\\\*x\\\\*'
    >>> print(escape_markdown("[click](http://x)"))
    \\[click\\]\\(http\\:\\/\\/x\\)
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


@dataclass(frozen=True)
class DataDescription:
    """What went into a run, for the 'Data' paragraph: file names, counts, sources."""

    facilities_file: str
    sightings_file: str
    n_facilities: int
    n_sightings: int
    facility_categories: tuple[str, ...] = ()
    sighting_categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


def proximity_csv(result: ProximityResult) -> str:
    """One row per sighting: id, nearest_facility_id, distance_km, within_radius,
    facilities_within (ids joined by ';').

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"id": ["s"], "nearest_facility_id": ["f"], "distance_km": [1.5],
    ...                       "within_radius": [True], "facilities_within": [["f"]]})
    >>> print(proximity_csv(ProximityResult(5.0, table, pd.DataFrame())).strip())
    id,nearest_facility_id,distance_km,within_radius,facilities_within,radius_km
    s,f,1.500,true,f,5.0
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "nearest_facility_id", "distance_km", "within_radius",
                     "facilities_within", "radius_km"])
    for row in result.sightings.itertuples(index=False):
        writer.writerow([
            csv_safe(row.id), csv_safe(row.nearest_facility_id), f"{row.distance_km:.3f}",
            "true" if row.within_radius else "false",
            ";".join(csv_safe(i) for i in row.facilities_within), result.radius_km,
        ])
    return out.getvalue()


def csv_safe(value) -> str:
    """``value`` as text that a spreadsheet will not run as a formula (a leading apostrophe
    before = + - @, tab or carriage return)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def proximity_markdown(result: ProximityResult, data: DataDescription) -> str:
    """A Markdown table of sightings with their nearest facility and distance."""
    lines = [
        f"**Distances from each sighting to the nearest facility** (geodesic, WGS84; "
        f"radius {result.radius_km:g} km)",
        "",
        "| Sighting | Nearest facility | Distance (km) | Facilities within radius |",
        "|---|---|---:|---|",
    ]
    for row in result.sightings.itertuples(index=False):
        within = ", ".join(escape_markdown(i) for i in row.facilities_within) or "none"
        lines.append(
            f"| {escape_markdown(row.id)} | {escape_markdown(row.nearest_facility_id)} | "
            f"{row.distance_km:.1f} | {within} |"
        )
    lines += ["", _data_paragraph(data)]
    return "\n".join(lines) + "\n"


def _data_paragraph(data: DataDescription) -> str:
    def categories(values):
        return f" (categories: {', '.join(escape_markdown(v) for v in values)})" if values else ""

    text = (
        f"**Data.** {data.n_sightings} sightings from {escape_markdown(data.sightings_file)}"
        f"{categories(data.sighting_categories)} and {data.n_facilities} facilities from "
        f"{escape_markdown(data.facilities_file)}{categories(data.facility_categories)}."
    )
    if data.sources:
        text += " Sources: " + "; ".join(escape_markdown(s) for s in data.sources) + "."
    text += (
        " Comparison towns: GeoNames populated places (CC BY 4.0) with 15,000 or more "
        "inhabitants."
    )
    return text


def methodology_markdown(
    result: TestResult,
    data: DataDescription,
    sweep: SweepResult | None = None,
    uncertainty: UncertaintyResult | None = None,
) -> str:
    """A methodology box a journalist can paste under a story.

    Sections: Data, Method, Result, Caveats. Text from input files (file names, categories,
    sources) is escaped; the rest is written by this package.
    """
    seed = "none (not reproducible)" if result.seed is None else str(result.seed)
    lines = [
        "> ### How we tested this",
        ">",
        "> " + _data_paragraph(data),
        ">",
        f"> **Method.** For each sighting we measured the distance to the nearest facility "
        f"along the Earth's surface (geodesic distances on the WGS84 ellipsoid) and counted "
        f"the sightings within {result.radius_km:g} km of a facility. To see what chance "
        f"alone would give, we simulated {result.simulations:,} alternative sets of "
        f"{result.n_sightings} places. {result.null_description} "
        f"The p-value is the share of simulated sets with at least as many places within "
        f"{result.radius_km:g} km, counting the real set as one of them: "
        f"(1 + number of such simulations) / ({result.simulations:,} + 1). "
        f"Random seed: {seed}.",
        ">",
        f"> **Result.** {result.statement} The average distance to the "
        f"nearest facility was {result.mean_nearest_distance_km:.1f} km, against "
        f"{result.null_mean_nearest_distance_km:.1f} km in the simulations "
        f"(p = {result.p_value_mean_distance:.3g}).",
    ]
    if uncertainty is not None:
        lines += [">", f"> **Location uncertainty.** {uncertainty.statement}"]
    if sweep is not None:
        frame = sweep.to_frame()
        above = frame[frame.observed_fraction > frame.null_high_fraction]
        span = (
            f"between {above.radius_km.min():g} and {above.radius_km.max():g} km"
            if len(above) else "at none of them"
        )
        lines += [
            ">",
            f"> **Other radii.** Repeating the count for {len(frame)} radii from "
            f"{frame.radius_km.min():g} to {frame.radius_km.max():g} km, the share of "
            f"sightings near a facility was above the simulations' 95% range {span}. "
            f"Looking at many radii makes some such excess likely by chance.",
        ]
    reach = (
        f"With {result.n_sightings} sightings the smallest p-value this test could give is "
        f"about {result.min_achievable_p_value:.2g}"
        + ("; it cannot reach the usual 0.05 threshold." if not result.can_reach_0_05 else ".")
    )
    lines += [
        ">",
        "> **Caveats.**",
        "> - Sightings are the ones that were reported, not a sample: people are seen and "
        "written about where reporters and witnesses are, which is often where the "
        "facilities are too.",
        f"> - Small numbers. {reach}",
        f"> - The radius ({result.radius_km:g} km) may have been chosen after looking at the "
        "map, which makes a small p-value easier to get.",
        "> - Locations are approximate (some only to the nearest town); distances inherit "
        "that imprecision.",
        "> - A small p-value says the pattern is unusual under this null model, not why.",
    ]
    return "\n".join(lines) + "\n"
