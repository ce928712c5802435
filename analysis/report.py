"""Renderings of results: CSV for spreadsheets, Markdown methodology boxes for stories.

Any text that comes from input files is escaped with :func:`escape_markdown`: files can be
hostile, and a name is not allowed to inject links, HTML or formatting into a story.

The caveats, the robustness sentence and the methodology box are written in English and
translated through :mod:`layers.language` in the app (the command line prints English).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from layers.language import N_, _, language, ngettext, numbers

from .envelope import GlobalResult
from .nulls import get_null_model
from .proximity import ProximityResult
from .robustness import ROBUSTNESS_RADII_KM, RobustnessResult, summarise
from .settings import UNKNOWN_PRECISION_KM
from .stats import SweepResult, TestResult, UncertaintyResult
from .wording import P_MEANING, WEAK_NULLS, format_p, p_equals, p_text

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
        if not values:
            return ""
        return _(" (categories: {names})").format(
            names=", ".join(markdown_text(v) for v in values))

    # English says "sightings" for any number here (as it always has); plural forms are
    # for the languages that need them.
    sightings = ngettext("{n} sightings from {file}", "{n} sightings from {file}",
                         data.n_sightings).format(n=data.n_sightings,
                                                  file=markdown_text(data.sightings_file))
    facilities = ngettext("{n} facilities from {file}", "{n} facilities from {file}",
                          data.n_facilities).format(n=data.n_facilities,
                                                    file=markdown_text(data.facilities_file))
    text = _("**Data.** {sightings} and {facilities}.").format(
        sightings=sightings + categories(data.sighting_categories),
        facilities=facilities + categories(data.facility_categories))
    if data.sources:
        text += " " + _("Sources: {sources}.").format(
            sources="; ".join(markdown_text(s) for s in data.sources))
    text += " " + _("Comparison towns: GeoNames populated places (CC BY 4.0) with {n} or more "
                    "inhabitants.").format(n=numbers("15,000"))
    return text


def _km_or_unknown(shared: dict, side: str) -> str:
    """``'10 km'``, or ``'unknown, taken as 25 km'`` for a precision nobody stated."""
    if shared.get(f"{side}_precision_unknown"):
        return _("unknown, taken as {km} km").format(km=numbers(f"{UNKNOWN_PRECISION_KM:g}"))
    return numbers(f"{shared[f'{side}_precision_km']:g}") + " " + _("km")


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
    seed = _("none (not reproducible)") if result.seed is None else str(result.seed)
    lines = ["> ### " + _("How we tested this"), ">"]
    if headline:
        lines += ["> " + _("**Finding.** {headline}").format(headline=headline), ">",
                  "> " + _("*What p means.* {meaning}").format(meaning=_(P_MEANING)), ">"]
    lines.append("> " + _data_paragraph(data))
    if left_out:
        lines[-1] += " " + _(
            "Not counted, because they were placed at a facility by construction (a "
            "reported visit to it, a job at it): {names}.").format(
                names=", ".join(markdown_text(i) for i in left_out))
    lines += [
        ">",
        "> " + _("**Method.** For each sighting we measured the distance to the nearest "
                 "facility along the Earth's surface (geodesic distances on the WGS84 "
                 "ellipsoid). To see what chance alone would give, we simulated {simulations} "
                 "alternative sets of {n} places. {null_description} At one radius, p is the "
                 "share of simulated sets with at least as many places within it, counting the "
                 "real set as one of them: (1 + number of such simulations) / ({simulations} "
                 "+ 1). Random seed: {seed}.").format(
                     simulations=numbers(f"{result.simulations:,}"), n=result.n_sightings,
                     null_description=_(result.null_description), seed=seed),
    ]
    if global_result is not None:
        g = global_result
        if g.outside_ranges:
            outcome = _("; the sightings are more often near a facility than the 95% global "
                        "envelope allows at {ranges}.").format(ranges=_ranges(g.outside_ranges))
        else:
            outcome = _("; the observed count stays inside the 95% global envelope at every "
                        "radius.")
        lines += [
            ">",
            "> " + _("**Global test over radii.** Instead of picking one radius, we counted "
                     "the sightings with a facility within every whole radius from {low} to "
                     "{high} km, and asked how often a simulated set is at least as extreme "
                     "over that whole range, ranking the sets by their most extreme radii "
                     "(extreme rank length global envelope test; Myllymäki and others, 2017, "
                     "Journal of the Royal Statistical Society B 79, 381-404). Radii below "
                     "{low} km are not tested because the stated location precision of the "
                     "places does not support them. Result: {p}").format(
                         low=numbers(f"{g.r_min_km:g}"), high=numbers(f"{g.r_max_km:g}"),
                         p=p_text(g.p_value))
            + outcome + (" " + _(_WEAK_WARNING) if g.null in WEAK_NULLS else ""),
        ]
    lines += [
        ">",
        "> " + _("**Result at {km} km.** {statement} The average distance to the nearest "
                 "facility was {observed} km, against {simulated} km in the simulations "
                 "({p}).").format(
                     km=numbers(f"{result.radius_km:g}"), statement=statement(result),
                     observed=numbers(f"{result.mean_nearest_distance_km:.1f}"),
                     simulated=numbers(f"{result.null_mean_nearest_distance_km:.1f}"),
                     p=p_text(result.p_value_mean_distance)),
    ]
    if panel is not None:
        lines += [">", "> " + _("**Robustness.**") + " " + robustness_sentence(panel)]
    if uncertainty is not None:
        lines += [">", "> " + _("**Location uncertainty.**") + " "
                  + uncertainty_statement(uncertainty, result.n_sightings)]
    if sweep is not None:
        frame = sweep.to_frame()
        above = frame[frame.observed_fraction > frame.null_high_fraction]
        span = (
            _("between {low} and {high} km").format(low=numbers(f"{above.radius_km.min():g}"),
                                                    high=numbers(f"{above.radius_km.max():g}"))
            if len(above) else _("at none of them")
        )
        lines += [
            ">",
            "> " + _("**Other radii, one at a time.** Repeating the count for {n} radii from "
                     "{low} to {high} km, the share of sightings near a facility was above the "
                     "simulations' pointwise 95% range {span}. Looking at many radii one at a "
                     "time makes some such excess likely by chance; the global test above "
                     "accounts for that.").format(
                         n=len(frame), low=numbers(f"{frame.radius_km.min():g}"),
                         high=numbers(f"{frame.radius_km.max():g}"), span=span),
        ]
    reach = _("With {n} sightings the smallest p-value this test could give at one radius is "
              "about {p}{reach}").format(n=result.n_sightings,
                                         p=numbers(format_p(result.min_achievable_p_value)),
                                         reach=_reach(result))
    lines += [">", "> " + _("**Caveats.**")]
    if caveats is not None:
        lines += [f"> - **{markdown_text(title)}.** {markdown_text(text)}"
                  for title, text in caveats]
    else:
        lines += [
            "> - " + _("Sightings are the ones that were reported, not a sample: people are "
                       "seen and written about where reporters and witnesses are, which is "
                       "often where the facilities are too."),
            "> - " + _("Small numbers. {reach}").format(reach=reach),
            "> - " + _("Locations are approximate (some only to the nearest town); distances "
                       "inherit that imprecision."),
            "> - " + _("A small p-value says the pattern is unusual under this null model, "
                       "not why."),
        ]
        for shared_place in shared:
            lines.append("> - " + _shared_sentence(shared_place, markdown_text))
        if result.null in WEAK_NULLS:
            lines.append("> - " + _(_WEAK_WARNING))
    return "\n".join(lines) + "\n"


_WEAK_WARNING = N_(
    "The null model scatters points anywhere in Venezuela, a weak comparison: most of the "
    "country is empty, so almost any real set of places looks clustered against it."
)


def caveat_items(result: TestResult, *, low_km: float, high_km: float,
                 shared=(), precisions=(), null: str | None = None) -> list[tuple[str, str]]:
    """Every caveat of a result as (title, plain text), for the Analysis page and the
    methodology box alike. ``precisions``: (name, km or None) of the counted sightings and
    tested facilities, from which the location caveat is written (never a fixed text)."""
    n = result.n_sightings
    reach = _reach(result)
    items = [
        (_("Selection bias"), _("Sightings are what reached journalists: people notice and "
                                "report foreigners near refineries and hotels more than "
                                "elsewhere, which is often where the facilities are too.")),
        (_("Small n"), ngettext("{n} sighting; the smallest achievable p at one radius is "
                                "{p}{reach}", "{n} sightings; the smallest achievable p at one "
                                "radius is {p}{reach}", n).format(
                                    n=n, p=numbers(format_p(result.min_achievable_p_value)),
                                    reach=reach)),
        (_("Choice of radius"), _("Any one radius may have been picked after looking at the "
                                  "map; quote the global test, which covers every radius "
                                  "from {low} to {high} km, and the spread.").format(
                                      low=numbers(f"{low_km:g}"), high=numbers(f"{high_km:g}"))),
        (_("Placed by construction"), _("Sightings reported as a visit to a facility or a job "
                                        "at it sit on it because of how they were reported; "
                                        "they are left out unless counted in the sidebar.")),
    ]
    known = sorted((km, name) for name, km in precisions if km is not None)
    unknown = [name for name, km in precisions if km is None]
    if known:
        median = known[len(known) // 2][0]
        widest_km, widest = known[-1]
        text = _("Half the places are known to within {median} km or better; the least "
                 "precise, {widest}, only to {widest_km} km. Distances inherit that "
                 "imprecision (see the location-uncertainty range).").format(
                     median=numbers(f"{median:g}"), widest=widest,
                     widest_km=numbers(f"{widest_km:g}"))
    else:
        text = _("No place states its precision. Distances inherit that imprecision.")
    if unknown:
        text += " " + ngettext(
            "{n} place states no precision (taken as {km} km in the uncertainty run).",
            "{n} places state no precision (taken as {km} km in the uncertainty run).",
            len(unknown)).format(n=len(unknown), km=numbers(f"{UNKNOWN_PRECISION_KM:g}"))
    items.append((_("Location precision"), text))
    for shared_place in shared:
        items.append((_("Shared places"), _shared_sentence(shared_place, str)))
    items.append((_("What p says"), _("A small p-value says the pattern is unusual under "
                                      "this chance model, not why.")))
    items.append((_("Assets are the ones the story names"),
                  _("Russian interests not in the sources are not on the map.")))
    if (null or result.null) in WEAK_NULLS:
        items.append((_("Weak comparison"), _(_WEAK_WARNING)))
    return items


def _reach(result: TestResult) -> str:
    """'; it cannot reach the usual 0.05 threshold.' or '.' (after the smallest p)."""
    if result.can_reach_0_05:
        return "."
    return _("; it cannot reach the usual {threshold} threshold.").format(
        threshold=numbers("0.05"))


def _shared_sentence(shared: dict, name) -> str:
    """Two places on one gazetteer point, in a sentence (``name`` writes their names)."""
    return _("{sighting} and {facility} are both placed on one gazetteer point, so their "
             "distance is 0 km by construction; with the stated precision ({sighting_km} and "
             "{facility_km}) they could be up to {km} km apart.").format(
                 sighting=name(shared["sighting"]), facility=name(shared["facility"]),
                 sighting_km=_km_or_unknown(shared, "sighting"),
                 facility_km=_km_or_unknown(shared, "facility"),
                 km=numbers(f"{shared['up_to_km']:g}"))


def _ranges(ranges) -> str:
    parts = [numbers(f"{a:g}") + " " + _("km") if a == b else
             _("{low} to {high} km").format(low=numbers(f"{a:g}"), high=numbers(f"{b:g}"))
             for a, b in ranges]
    return ", ".join(parts)


def robustness_sentence(panel: RobustnessResult) -> str:
    """The robustness panel in two or three sentences, for the methodology box and pages.

    The range and the count below 0.05 are over every scenario of the chosen handling of
    at-facility sightings; the other handling, when the data has such sightings, follows.
    """
    def one(summary) -> str:
        if not summary["scenarios"]:
            return _("no scenario could be run")
        # English keeps "scenarios stay" for any number (there are always several)
        return ngettext("p ranges from {range}, and {below} of {n} scenarios stay below "
                        "{threshold}", "p ranges from {range}, and {below} of {n} scenarios "
                        "stay below {threshold}", summary["scenarios"]).format(
            range=from_to(summary["p_min"], summary["p_max"]), below=summary["below_0_05"],
            n=summary["scenarios"], threshold=numbers("0.05"))

    fill = dict(
        nulls=len({s.null for s in panel.scenarios}),
        radii=", ".join(numbers(f"{r:g}") for r in ROBUSTNESS_RADII_KM),
        left_out=_("; all sightings and each one left out in turn")
        if any(s.left_out for s in panel.scenarios) else "",
        result=one(panel.summary()))
    if panel.include_at_facility:
        text = _("Across every scenario a critic might try (the {nulls} null models; radii of "
                 "{radii} km and the global test; the stated locations and locations moved at "
                 "random within their precision{left_out}), counting sightings placed at a "
                 "facility by construction, {result}.").format(**fill)
    else:
        text = _("Across every scenario a critic might try (the {nulls} null models; radii of "
                 "{radii} km and the global test; the stated locations and locations moved at "
                 "random within their precision{left_out}), leaving out sightings placed at a "
                 "facility by construction, {result}.").format(**fill)
    if panel.has_at_facility:
        other_summary = one(panel.summary(not panel.include_at_facility))
        text += " " + (_("Leaving them out instead, {result}.") if panel.include_at_facility
                       else _("Counting them instead, {result}.")).format(result=other_summary)
    rows = panel.rows()
    if rows and min(rows, key=lambda s: s.p_value).null in WEAK_NULLS:
        without = summarise([s for s in rows if s.null not in WEAK_NULLS])
        text += " " + _("The lowest values come from the uniform null model, a weak "
                        "comparison (most of Venezuela is empty)")
        if without["scenarios"]:
            text += ngettext(
                "; without it, p ranges from {range} and {below} of {n} scenarios stay below "
                "{threshold}", "; without it, p ranges from {range} and {below} of {n} "
                "scenarios stay below {threshold}", without["scenarios"]).format(
                range=from_to(without["p_min"], without["p_max"]),
                below=without["below_0_05"], n=without["scenarios"],
                threshold=numbers("0.05"))
        text += "."
    extremes = panel.jitter_extremes()
    if extremes:
        text += " " + _("With locations moved at random, the scenarios give the median of "
                        "{n} repeats; single repeats range from p = {range}.").format(
                            n=panel.jitter_repeats, range=from_to(*extremes))
    return text


def from_to(low: float, high: float) -> str:
    """'0.024 to 1', 'less than 0.001 to 0.57': a range in words, one formatter.

    >>> from_to(0.0003, 1.0), from_to(0.0243, 0.37)
    ('less than 0.001 to 1', '0.024 to 0.37')
    """
    def word(p):
        text = format_p(p)
        return _("less than {p}").format(p=numbers("0.001")) if text.startswith("<") \
            else numbers(text)

    return _("{low} to {high}").format(low=word(low), high=word(high))


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


# --------------------------------------------------------------------------- statements
def _count(value: int) -> str:
    """A whole number with the reader's thousands separator."""
    return numbers(f"{value:,}")


def statement(result: TestResult) -> str:
    """The one-radius test's sentence in the reader's language. English is the result's own
    ``statement`` (what the command line prints); other languages rebuild it from the
    result's numbers (results are shared by sessions, so the stored sentence stays English).
    """
    if language() == "en":
        return result.statement
    n, k = result.n_sightings, result.observed_within
    at_least = sum(result.null_within_distribution[k:])
    count = ngettext("{k} of {n} sighting lies", "{k} of {n} sightings lie", n).format(
        k=k, n=n)
    text = _("{count} within {radius} km of a facility. In {simulations} simulations where "
             "{model}, {at_least} ({share}) had at least as many, so {p}.").format(
        count=count, radius=numbers(f"{result.radius_km:g}"),
        simulations=_count(result.simulations),
        model=_(get_null_model(result.null).in_a_sentence), at_least=_count(at_least),
        share=numbers(f"{at_least / result.simulations:.1%}"), p=numbers(p_equals(result.p_value)))
    if not result.can_reach_0_05:
        text += " " + ngettext(
            "With {n} sighting and this chance model no outcome could give p < 0.05: even if "
            "every sighting were within {radius} km, p would be about {p_min}.",
            "With {n} sightings and this chance model no outcome could give p < 0.05: even if "
            "every sighting were within {radius} km, p would be about {p_min}.", n).format(
            n=_count(n), radius=numbers(f"{result.radius_km:g}"),
            p_min=numbers(format_p(result.min_achievable_p_value)))
    return text


def uncertainty_statement(result: UncertaintyResult, n: int) -> str:
    """The location-uncertainty sentence in the reader's language (English: the result's
    own ``statement``); ``n`` is the number of counted sightings."""
    if language() == "en":
        return result.statement
    low, high = result.observed_within_min, result.observed_within_max
    if low == high:
        count = ngettext("{k} of {n} sighting lies", "{k} of {n} sightings lie", n).format(
            k=low, n=n)
    else:
        count = ngettext("between {low} and {high} of {n} sighting lie",
                         "between {low} and {high} of {n} sightings lie", n).format(
            low=low, high=high, n=n)
    return _("Moving every location at random within its stated precision ({repeats} times), "
             "{count} within {radius} km of a facility, and p ranges from {p_low} to "
             "{p_high}.").format(
        repeats=result.repeats, count=count, radius=numbers(f"{result.radius_km:g}"),
        p_low=numbers(format_p(result.p_value_min)), p_high=numbers(format_p(result.p_value_max)))
