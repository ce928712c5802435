"""Renderings of results: CSV for spreadsheets, Markdown methodology boxes for stories.

Any text that comes from input files is escaped with :func:`escape_markdown`: files can be
hostile, and a name is not allowed to inject links, HTML or formatting into a story.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from .envelope import GlobalResult
from .proximity import ProximityResult
from .robustness import ROBUSTNESS_RADII_KM, RobustnessResult, summarise
from .settings import UNKNOWN_PRECISION_KM
from .stats import SweepResult, TestResult, UncertaintyResult
from .wording import P_MEANING, WEAK_NULLS, format_p, p_equals

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


#: What Markdown would misread inside a sentence: emphasis, code, links, raw HTML, tables.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
#: What it would misread at the start of a line: a heading, quote, list item or rule.
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def markdown_text(text) -> str:
    """Text for a Markdown document that a CMS shows as it reads: only what Markdown would
    misread is escaped (no backslash before ordinary words, hyphens, apostrophes, colons or
    slashes). Newlines become spaces.

    >>> print(markdown_text("Coro: the hotel's guests, data/sightings.geojson"))
    Coro: the hotel's guests, data/sightings.geojson
    >>> print(markdown_text("<img src=x> [click](javascript:x) *bold* a_b &amp;"))
    \\<img src=x\\> \\[click\\](javascript:x) \\*bold\\* a\\_b &amp;amp;
    >>> print(markdown_text("# not a heading"))
    \\# not a heading
    """
    flat = " ".join(str(text).split())
    flat = _INLINE_SPECIAL.sub(r"\\\1", flat)
    flat = re.sub(r"&(?=#?\w+;)", "&amp;", flat)  # an entity would be decoded
    return _BLOCK_START.sub(r"\1\\\2", flat)


def methodology_text(box: str) -> str:
    """The methodology box as plain text, for an editor that does not read Markdown: the
    same sentences without the quote marks, emphasis and escapes.

    >>> box = "> ### How\\n>\\n> **Data.** a\\\\_b \\\\<x\\\\>, *p* &amp;amp;\\n> - one"
    >>> print(methodology_text(box))
    How
    <BLANKLINE>
    Data. a_b <x>, p &amp;
    - one
    """
    out = []
    for line in box.splitlines():
        line = re.sub(r"^> ?", "", line)
        line = re.sub(r"^#+ ", "", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"\1", line)
        line = re.sub(r"(?<![\\*])\*(?!\s)(.+?)(?<![\s\\])\*", r"\1", line)
        line = re.sub(r"\\(.)", r"\1", line)
        out.append(line.replace("&amp;", "&"))
    return "\n".join(out).strip() + "\n"


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
    facilities_within (ids joined by ';'), written by :func:`spreadsheet_csv`.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"id": ["s"], "nearest_facility_id": ["f"], "distance_km": [1.5],
    ...                       "within_radius": [True], "facilities_within": [["f"]]})
    >>> proximity_csv(ProximityResult(5.0, table, pd.DataFrame())).splitlines()
    ['id,nearest_facility_id,distance_km,within_radius,facilities_within,radius_km', \
's,f,1.500,true,f,5.0']
    """
    return spreadsheet_csv(
        ["id", "nearest_facility_id", "distance_km", "within_radius", "facilities_within",
         "radius_km"],
        ([row.id, row.nearest_facility_id, f"{row.distance_km:.3f}",
          "true" if row.within_radius else "false",
          ";".join(csv_safe(i) for i in row.facilities_within), result.radius_km]
         for row in result.sightings.itertuples(index=False)),
    )


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """``value`` as text that a spreadsheet will not run as a formula.

    The rule, for headers and values alike: a cell that starts with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return gets a leading apostrophe, unless the whole cell is a
    plain number (``-66.9``, ``+1``, ``1e-3``), which stays a number.

    >>> csv_safe("=HYPERLINK(1)"), csv_safe("-66.9"), csv_safe("-1+2"), csv_safe(3)
    ("'=HYPERLINK(1)", '-66.9', "'-1+2", '3')
    """
    text = str(value)
    if text[:1] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SpreadsheetDialect(csv.excel):
    """RFC 4180 CSV: comma, double quotes, CRLF line ends. Python's writer quotes any field
    holding a character of the line terminator, so with CRLF every field with a carriage
    return or a line feed is quoted (with a bare LF terminator a CR would go out unquoted
    and a reader would start a new row there)."""

    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


def spreadsheet_csv(header, rows) -> str:
    """CSV text for spreadsheets: every header and value through :func:`csv_safe`, every
    field quoted by the csv module where it needs it (:class:`SpreadsheetDialect`); None is
    an empty cell.

    >>> import io
    >>> text = spreadsheet_csv(["=HYPERLINK(1)", "x"], [[chr(13) + "=1+1", -66.9]])
    >>> list(csv.reader(io.StringIO(text, newline="")))
    [["'=HYPERLINK(1)", 'x'], ["'\\r=1+1", '-66.9']]
    """
    out = io.StringIO()
    writer = csv.writer(out, dialect=SpreadsheetDialect)
    writer.writerow([csv_safe(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else csv_safe(cell) for cell in row])
    return out.getvalue()


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
        return f" (categories: {', '.join(markdown_text(v) for v in values)})" if values else ""

    text = (
        f"**Data.** {data.n_sightings} sightings from {markdown_text(data.sightings_file)}"
        f"{categories(data.sighting_categories)} and {data.n_facilities} facilities from "
        f"{markdown_text(data.facilities_file)}{categories(data.facility_categories)}."
    )
    if data.sources:
        text += " Sources: " + "; ".join(markdown_text(s) for s in data.sources) + "."
    text += (
        " Comparison towns: GeoNames populated places (CC BY 4.0) with 15,000 or more "
        "inhabitants."
    )
    return text


def _km_or_unknown(shared: dict, side: str) -> str:
    """``'10 km'``, or ``'unknown, taken as 25 km'`` for a precision nobody stated."""
    if shared.get(f"{side}_precision_unknown"):
        return f"unknown, taken as {UNKNOWN_PRECISION_KM:g} km"
    return f"{shared[f'{side}_precision_km']:g} km"


def methodology_markdown(
    result: TestResult,
    data: DataDescription,
    sweep: SweepResult | None = None,
    uncertainty: UncertaintyResult | None = None,
    *,
    global_result: GlobalResult | None = None,
    panel: RobustnessResult | None = None,
    headline: str | None = None,
    left_out: list[str] | tuple[str, ...] = (),
    shared: list[dict] | tuple[dict, ...] = (),
    caveats: list[tuple[str, str]] | None = None,
) -> str:
    """A methodology box a journalist can paste under a story.

    ``caveats``: the (title, text) pairs the Analysis page shows (:func:`caveat_items`),
    so the box says all of them; None: the box's own short list.

    Sections: Finding (the headline and what p means), Data, Method, Result, Robustness,
    Caveats. Text from input files (file names, categories, sources, ids) is escaped; the
    rest is written by this package.
    """
    seed = "none (not reproducible)" if result.seed is None else str(result.seed)
    lines = ["> ### How we tested this", ">"]
    if headline:
        lines += [f"> **Finding.** {headline}", ">", f"> *What p means.* {P_MEANING}", ">"]
    lines.append("> " + _data_paragraph(data))
    if left_out:
        lines[-1] += (
            " Not counted, because they were placed at a facility by construction (a "
            "reported visit to it, a job at it): "
            + ", ".join(markdown_text(i) for i in left_out) + "."
        )
    lines += [
        ">",
        f"> **Method.** For each sighting we measured the distance to the nearest facility "
        f"along the Earth's surface (geodesic distances on the WGS84 ellipsoid). To see what "
        f"chance alone would give, we simulated {result.simulations:,} alternative sets of "
        f"{result.n_sightings} places. {result.null_description} "
        f"At one radius, p is the share of simulated sets with at least as many places "
        f"within it, counting the real set as one of them: (1 + number of such simulations)"
        f" / ({result.simulations:,} + 1). Random seed: {seed}.",
    ]
    if global_result is not None:
        g = global_result
        lines += [
            ">",
            f"> **Global test over radii.** Instead of picking one radius, we counted the "
            f"sightings with a facility within every whole radius from {g.r_min_km:g} to "
            f"{g.r_max_km:g} km, and asked how often a simulated set is at least as extreme "
            f"over that whole range, ranking the sets by their most extreme radii (extreme "
            f"rank length global envelope test; Myllymäki and others, 2017, Journal of the "
            f"Royal Statistical Society B 79, 381-404). Radii below {g.r_min_km:g} km are "
            f"not tested because the stated location precision of the places does not "
            f"support them. Result: {p_equals(g.p_value)}"
            + (f"; the sightings are more often near a facility than the 95% global envelope"
               f" allows at {_ranges(g.outside_ranges)}." if g.outside_ranges else
               "; the observed count stays inside the 95% global envelope at every radius.")
            + (f" {_WEAK_WARNING}" if g.null in WEAK_NULLS else ""),
        ]
    lines += [
        ">",
        f"> **Result at {result.radius_km:g} km.** {result.statement} The average distance "
        f"to the nearest facility was {result.mean_nearest_distance_km:.1f} km, against "
        f"{result.null_mean_nearest_distance_km:.1f} km in the simulations "
        f"({p_equals(result.p_value_mean_distance)}).",
    ]
    if panel is not None:
        lines += [">", "> **Robustness.** " + robustness_sentence(panel)]
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
            f"> **Other radii, one at a time.** Repeating the count for {len(frame)} radii "
            f"from {frame.radius_km.min():g} to {frame.radius_km.max():g} km, the share of "
            f"sightings near a facility was above the simulations' pointwise 95% range "
            f"{span}. Looking at many radii one at a time makes some such excess likely by "
            f"chance; the global test above accounts for that.",
        ]
    reach = (
        f"With {result.n_sightings} sightings the smallest p-value this test could give at "
        f"one radius is about {format_p(result.min_achievable_p_value)}"
        + ("; it cannot reach the usual 0.05 threshold." if not result.can_reach_0_05 else ".")
    )
    lines += [">", "> **Caveats.**"]
    if caveats is not None:
        lines += [f"> - **{markdown_text(title)}.** {markdown_text(text)}"
                  for title, text in caveats]
    else:
        lines += [
            "> - Sightings are the ones that were reported, not a sample: people are seen "
            "and written about where reporters and witnesses are, which is often where the "
            "facilities are too.",
            f"> - Small numbers. {reach}",
            "> - Locations are approximate (some only to the nearest town); distances "
            "inherit that imprecision.",
            "> - A small p-value says the pattern is unusual under this null model, not why.",
        ]
        for s in shared:
            lines.append(
                f"> - {markdown_text(s['sighting'])} and {markdown_text(s['facility'])} are "
                f"both placed on one gazetteer point, so their distance is 0 km by "
                f"construction; with the stated precision ({_km_or_unknown(s, 'sighting')} "
                f"and {_km_or_unknown(s, 'facility')}) they could be up to "
                f"{s['up_to_km']:g} km apart.")
        if result.null in WEAK_NULLS:
            lines.append(f"> - {_WEAK_WARNING}")
    return "\n".join(lines) + "\n"


_WEAK_WARNING = (
    "The null model scatters points anywhere in Venezuela, a weak comparison: most of the "
    "country is empty, so almost any real set of places looks clustered against it."
)


def caveat_items(result: TestResult, *, low_km: float, high_km: float,
                 shared=(), precisions=(), null: str | None = None) -> list[tuple[str, str]]:
    """Every caveat of a result as (title, plain text), for the Analysis page and the
    methodology box alike. ``precisions``: (name, km or None) of the counted sightings and
    tested facilities, from which the location caveat is written (never a fixed text)."""
    items = [
        ("Selection bias", "Sightings are what reached journalists: people notice and "
                           "report foreigners near refineries and hotels more than "
                           "elsewhere, which is often where the facilities are too."),
        ("Small n", f"{result.n_sightings} sighting{'s' if result.n_sightings != 1 else ''};"
                    f" the smallest achievable p at one radius is "
                    f"{format_p(result.min_achievable_p_value)}"
                    + ("; it cannot reach the usual 0.05 threshold." if not
                       result.can_reach_0_05 else ".")),
        ("Choice of radius", "Any one radius may have been picked after looking at the map;"
                             f" quote the global test, which covers every radius from "
                             f"{low_km:g} to {high_km:g} km, and the spread."),
        ("Placed by construction", "Sightings reported as a visit to a facility or a job at "
                                   "it sit on it because of how they were reported; they "
                                   "are left out unless counted in the sidebar."),
    ]
    known = sorted((km, name) for name, km in precisions if km is not None)
    unknown = [name for name, km in precisions if km is None]
    if known:
        median = known[len(known) // 2][0]
        widest_km, widest = known[-1]
        text = (f"Half the places are known to within {median:g} km or better; the least "
                f"precise, {widest}, only to {widest_km:g} km. Distances inherit that "
                "imprecision (see the location-uncertainty range).")
    else:
        text = "No place states its precision. Distances inherit that imprecision."
    if unknown:
        text += (f" {len(unknown)} place{'s' if len(unknown) != 1 else ''} state no "
                 f"precision (taken as {UNKNOWN_PRECISION_KM:g} km in the uncertainty run).")
    items.append(("Location precision", text))
    for s in shared:
        items.append(("Shared places", f"{s['sighting']} and {s['facility']} are both "
                      "placed on one gazetteer point, so their distance is 0 km by "
                      f"construction; with the stated precision ({_km_or_unknown(s, 'sighting')}"
                      f" and {_km_or_unknown(s, 'facility')}) they could be up to "
                      f"{s['up_to_km']:g} km apart."))
    items.append(("What p says", "A small p-value says the pattern is unusual under this "
                                 "chance model, not why."))
    items.append(("Assets are the ones the story names", "Russian interests not in the "
                                                         "sources are not on the map."))
    if (null or result.null) in WEAK_NULLS:
        items.append(("Weak comparison", _WEAK_WARNING))
    return items


def _ranges(ranges) -> str:
    parts = [f"{a:g} km" if a == b else f"{a:g} to {b:g} km" for a, b in ranges]
    return ", ".join(parts)


def robustness_sentence(panel: RobustnessResult) -> str:
    """The robustness panel in two or three sentences, for the methodology box and pages.

    The range and the count below 0.05 are over every scenario of the chosen handling of
    at-facility sightings; the other handling, when the data has such sightings, follows.
    """
    def one(summary) -> str:
        if not summary["scenarios"]:
            return "no scenario could be run"
        return (f"p ranges from {from_to(summary['p_min'], summary['p_max'])}, and "
                f"{summary['below_0_05']} of {summary['scenarios']} scenarios stay below 0.05")

    counted = "counting" if panel.include_at_facility else "leaving out"
    loo = "; all sightings and each one left out in turn" \
        if any(s.left_out for s in panel.scenarios) else ""
    text = (
        f"Across every scenario a critic might try (the {len({s.null for s in panel.scenarios})}"
        f" null models; radii of {', '.join(f'{r:g}' for r in ROBUSTNESS_RADII_KM)} km and "
        f"the global test; the stated locations and locations moved at random within their "
        f"precision{loo}), {counted} sightings "
        f"placed at a facility by construction, {one(panel.summary())}."
    )
    if panel.has_at_facility:
        other = "counting" if not panel.include_at_facility else "leaving out"
        other_summary = panel.summary(not panel.include_at_facility)
        text += f" {other.capitalize()} them instead, {one(other_summary)}."
    rows = panel.rows()
    if rows and min(rows, key=lambda s: s.p_value).null in WEAK_NULLS:
        without = summarise([s for s in rows if s.null not in WEAK_NULLS])
        text += (" The lowest values come from the uniform null model, a weak comparison "
                 "(most of Venezuela is empty)")
        if without["scenarios"]:
            text += (f"; without it, p ranges from "
                     f"{from_to(without['p_min'], without['p_max'])} and "
                     f"{without['below_0_05']} of {without['scenarios']} scenarios stay "
                     "below 0.05")
        text += "."
    extremes = panel.jitter_extremes()
    if extremes:
        text += (" With locations moved at random, the scenarios give the median of "
                 f"{panel.jitter_repeats} repeats; single repeats range from "
                 f"p = {from_to(*extremes)}.")
    return text


def from_to(low: float, high: float) -> str:
    """'0.024 to 1', 'less than 0.001 to 0.57': a range in words, one formatter.

    >>> from_to(0.0003, 1.0), from_to(0.0243, 0.37)
    ('less than 0.001 to 1', '0.024 to 0.37')
    """
    def word(p):
        text = format_p(p)
        return "less than 0.001" if text.startswith("<") else text

    return f"{word(low)} to {word(high)}"


def robustness_csv(panel: RobustnessResult) -> str:
    """Every robustness scenario as CSV rows (the command line's JSON keys as columns),
    written by :func:`spreadsheet_csv`."""
    columns = ["null", "radius_km", "jitter", "left_out", "at_facility_included",
               "n_sightings", "observed_within", "p_value", "p_value_low", "p_value_high",
               "simulations"]
    rows = []
    for scenario in panel.scenarios:
        row = scenario.to_dict()
        rows.append([str(row[c]).lower() if isinstance(row[c], bool) else row[c]
                     for c in columns])
    return spreadsheet_csv(columns, rows)
