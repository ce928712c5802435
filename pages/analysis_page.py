"""Analysis page: the headline, the global test over radii, the robustness panel, caveats."""

import altair as alt
import pandas as pd
import streamlit as st

from analysis.nulls import NULL_MODELS
from analysis.proximity import shared_points
from analysis.report import (
    caveat_items,
    escape_markdown,
    from_to,
    methodology_markdown,
    methodology_text,
    proximity_csv,
    robustness_csv,
    robustness_sentence,
    statement,
    uncertainty_statement,
)
from analysis.wording import P_MEANING, format_p, p_equals
from layers.dates import precision_summary
from ui import compute, exports
from ui.data import working_frames, working_version
from ui.i18n import _, day, ngettext, number
from ui.present import (
    envelope_frame,
    names_of,
    scenario_frame,
    table_for_display,
)
from ui.settings import INT_RANGES, SETTINGS
from ui.state import current, words

choices = current()
state = choices.map_state
model = NULL_MODELS[choices.null]
facilities, sightings = compute.analysis_frames(state)
left_out = compute.left_out_at_facility(state)


def _words(kind: str, ids) -> str:
    """Category ids as the sidebar names them (lower case inside a sentence)."""
    names = words(kind)
    return ", ".join(names.get(i, i).lower() for i in ids) or _("none")


def _help(name: str) -> str:
    return _(SETTINGS[name].help)


def _sightings(n: int) -> str:
    return ngettext("{n} sighting", "{n} sightings", n).format(n=number(n))


st.header(_("Are the sightings closer to Russian assets than chance?"))
counted = ngettext(
    "**Counted:** {sightings} ({sighting_categories}) against {n} facilities "
    "({facility_categories}), dates {start} to {end}.",
    "**Counted:** {sightings} ({sighting_categories}) against {n} facilities "
    "({facility_categories}), dates {start} to {end}.", len(facilities)).format(
    sightings=_sightings(len(sightings)),
    sighting_categories=_words("sighting_categories", state.sighting_categories),
    n=len(facilities),
    facility_categories=_words("facility_categories", state.facility_categories),
    start=day(state.date_start), end=day(state.date_end),
) + f" {precision_summary(sightings, state.date_start, state.date_end)}"
if left_out:
    counted += " " + _("Left out because they were placed at a facility by construction: "
                       "{names}.").format(names=", ".join(names_of(working_frames(), left_out)))
st.markdown(counted + " " + _("Change these in the sidebar."))
st.markdown(_("**Null model, in plain words:** {words}").format(words=_(model.plain_words)))

default_r_min = compute.default_r_min(state)
a, b, c, d = st.columns(4)
simulations = a.number_input(_("Simulations"), *INT_RANGES["simulations"],
                             SETTINGS["simulations"].default, step=100, key="simulations",
                             bind="query-params", help=_help("simulations"))
seed = b.number_input(_("Seed"), *INT_RANGES["seed"], SETTINGS["seed"].default, key="seed",
                      bind="query-params", help=_help("seed"))
r_min = c.number_input(_("Global test from (km)"), *INT_RANGES["r_min"], None, step=1,
                       key="r_min", bind="query-params",
                       placeholder=_("{km} (from precision)").format(km=default_r_min),
                       help=_help("r_min"))
r_max = d.number_input(_("… to (km)"), *INT_RANGES["r_max"], SETTINGS["r_max"].default,
                       step=10, key="r_max", bind="query-params",
                       help=_help("r_max"))

if facilities.empty or sightings.empty:
    st.info(_("Nothing to test: no sightings or no facilities match the current choices. "
              "Widen the date range or the categories in the sidebar."))
    st.stop()

too_many = compute.sample_size_problem(state, choices.null)
if too_many:
    st.warning(too_many)
    st.stop()

affordable = compute.affordable_simulations(state, int(simulations))
if affordable < simulations:
    st.info(_("{sightings}: {affordable} simulations are run instead of {asked}, to keep the "
              "simulated distances in memory.").format(
        sightings=_sightings(len(sightings)), affordable=number(affordable),
        asked=number(int(simulations))))

run = dict(null=choices.null, simulations=int(simulations), seed=int(seed),
           r_min=None if r_min is None else int(r_min), r_max=int(r_max))
low_km, high_km = compute.radius_range(state, run["r_min"], run["r_max"])
if run["r_max"] < low_km:
    st.warning(_("The global test's range ends ({end} km) below where it starts ({start} km): "
                 "only {start} km is tested. Set a larger end, or a smaller start.").format(
        end=run["r_max"], start=number(low_km)))


def stage(start: float, width: float, text: str):
    return lambda f: progress.progress(start + min(f, 1.0) * width, text=text)


# Each part is cached: the bar only moves for what has to be simulated again.
progress = st.progress(0.0, text=_("Simulating the null model…"))
result = compute.test(state, choices.null, run["simulations"], run["seed"],
                      progress=stage(0.0, 0.25, _("Simulating the null model…")))
found = compute.global_result(state, **run)
sweep = compute.sweep(state, choices.null, run["simulations"], run["seed"],
                      progress=stage(0.25, 0.15, _("Sweeping radii…")))
uncertainty = compute.uncertainty(
    state, choices.null, run["simulations"], run["seed"],
    progress=stage(0.4, 0.2, _("Jittering locations within their precision…")))
panel = compute.robustness_panel(
    state, **run, progress=stage(0.6, 0.4, _("Trying every scenario a critic might try…")))
line = compute.headline_text(state, **run)
progress.empty()

st.subheader(_("Result"))
weak = compute.is_weak(choices.null)
st.markdown(line if weak else f"**{line}**")
st.caption(_("What p means: {meaning}").format(meaning=_(P_MEANING)))
if weak:
    st.warning(_("This chance model scatters points anywhere in Venezuela, a weak comparison: "
                 "most of the country is empty, so almost any real set of places looks "
                 "clustered against it. Quote the town models instead."))
spread = panel.single_radius_range() if panel else None
summary = panel.summary() if panel else None
a, b, c, d = st.columns(4)
radius = number(state.radius_km)
a.metric(_("Sightings within {km} km").format(km=radius),
         _("{observed} of {total}").format(observed=result.observed_within,
                                           total=result.n_sightings))
b.metric((_("Global test, {low}-{high} km (weak comparison)") if weak else
          _("Global test, {low}-{high} km")).format(low=number(low_km), high=number(high_km)),
         p_equals(found.p_value),
         help=_("The extreme rank length global envelope test over every whole radius in the "
                "range (Myllymäki et al. 2017): no radius is chosen by anyone."))
c.metric(_("Single radii 10-200 km"), from_to(*spread) if spread else "—",
         help=_("The smallest and largest single-radius p at 10, 25, 50, 100 and 200 km."))
strong = panel.summary_without_weak_nulls() if panel else None
d.metric(_("Scenarios below 0.05"),
         _("{observed} of {total}").format(observed=summary["below_0_05"],
                                           total=summary["scenarios"]) if summary else "—",
         delta=(_("{observed} of {total} without the uniform null").format(
             observed=strong["below_0_05"], total=strong["scenarios"])
                if strong and strong["scenarios"] != summary["scenarios"] else None),
         delta_color="off", delta_arrow="off",
         help=_("See the robustness panel below. The uniform null is a weak comparison: most "
                "of its scenarios come out below 0.05 whatever the data."))
st.caption(_("Radii below {km} km are not tested:").format(km=number(low_km)) + " "
           + (_("you set this range above.") if run["r_min"] is not None else
              _("{km} km is the median, over the counted sightings, of each sighting's "
                "location precision plus its nearest facility's; closer than that, two "
                "places could be at the same spot or that far apart.").format(
                  km=default_r_min) + " ")
           + " " + _("Seed {seed}, {n} simulations.").format(
               seed=run["seed"], n=number(result.simulations)))

st.subheader(_("One radius: {km} km").format(km=radius))
st.markdown(statement(result))
if not result.can_reach_0_05:
    st.warning(_("With {sightings} and this null model, no outcome could reach p < 0.05 at "
                 "this radius. A large p here says the test cannot tell, not that the "
                 "sightings are random.").format(sightings=_sightings(result.n_sightings)))
st.caption(_("Expected by chance: {expected} sightings within {km} km. Smallest possible p "
             "at this radius: {min_p}. Mean distance to the nearest facility: {mean} km "
             "(chance: {chance} km), {p} (smaller is more extreme). p = (1 + number of "
             "simulations with at least as many sightings within the radius) / ({n} + 1).")
           .format(expected=number(result.null_mean_within, 2), km=radius,
                   min_p=format_p(result.min_achievable_p_value),
                   mean=number(result.mean_nearest_distance_km, 1),
                   chance=number(result.null_mean_nearest_distance_km, 1),
                   p=p_equals(result.p_value_mean_distance), n=number(result.simulations)))

st.subheader(_("Every radius at once: the global envelope"))
frame = envelope_frame(found)
columns = ["Radius", "Sightings within", "Random draws, middle 95%", "Global 95% envelope",
         "Single-radius p", "Above the global envelope"]
SERIES = {"observed": _("Sightings"),
          "pointwise_high": _("Random draws: 97.5% (one radius)"),
          "global_high": _("Global 95% envelope (top)")}
x = alt.X("radius_km:Q", title=_("Radius (km)"))
share = alt.Axis(format="%")
long = frame.melt(id_vars=["radius_km", *columns], value_vars=list(SERIES),
                  var_name="series", value_name="share")
long["Line"] = long["series"].map(SERIES)
colour = alt.Color("Line:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0),
                   scale=alt.Scale(domain=list(SERIES.values()),
                                   range=["#D55E00", "#777777", "#0072B2"]))
envelope_area = alt.Chart(frame).mark_area(opacity=0.15, color="#0072B2").encode(
    x=x, y=alt.Y("global_low:Q", axis=share, scale=alt.Scale(domain=[0, 1])),
    y2="global_high:Q", tooltip=columns)
lines = alt.Chart(long).mark_line(interpolate="step-after").encode(
    x=x, y=alt.Y("share:Q", title=_("Sightings with an asset within r"),
                 axis=share, scale=alt.Scale(domain=[0, 1])),
    color=colour,
    strokeDash=alt.StrokeDash("Line:N", legend=None,
                              scale=alt.Scale(domain=list(SERIES.values()),
                                              range=[[1, 0], [5, 3], [1, 0]])),
    strokeWidth=alt.condition(alt.datum.series == "observed", alt.value(3), alt.value(2)),
    tooltip=columns)
outside = alt.Chart(frame[frame.outside]).mark_point(
    color="#D55E00", filled=True, size=45, shape="triangle-up").encode(
    x=x, y="observed:Q", tooltip=columns)
rule = alt.Chart(pd.DataFrame({"r": [state.radius_km],
                              "Chosen radius": [_("{km} km (sidebar)").format(km=radius)]})
                ).mark_rule(color="#000000", strokeDash=[2, 2]).encode(
    x="r:Q", tooltip=["Chosen radius"])
st.altair_chart(envelope_area + lines + outside + rule, width="stretch")
ranges = found.outside_ranges
where = ("; ".join((_("{low} to {high} km").format(low=number(a), high=number(b)) if b != a
                    else _("{km} km").format(km=number(a))) for a, b in ranges)
         if ranges else _("no radius"))
st.caption(_(
    "Orange: the share of counted sightings with an asset within each radius. Grey dashed: "
    "97.5% of the random draws stay at or below it at that radius taken alone (pointwise). "
    "Blue: the 95% global envelope, the range of the curves (the sightings' and the draws') "
    "that are not among the 5% most extreme over all radii together; the sightings can rise "
    "above it only when the global p is at most 0.05 (with tied counts they may stay inside "
    "even then). Triangles: radii where the sightings are above the global envelope "
    "({where}). Dotted: the radius chosen in the sidebar. Hover for the numbers.").format(
    where=where))

st.subheader(_("Robustness: what a critic might try"))
if panel is None:
    st.info(_("No scenarios to run for these choices."))
else:
    st.markdown(robustness_sentence(panel))
    everyone = working_frames()["sightings"]
    plain = dict(zip(everyone["id"], everyone.get("name", everyone["id"]), strict=True))
    names = dict(zip(everyone["id"], names_of(working_frames(), everyone["id"]), strict=True))
    labels = {name: _(m.label) for name, m in NULL_MODELS.items()}
    options = [panel.include_at_facility] + ([not panel.include_at_facility]
                                             if panel.has_at_facility else [])
    shown = st.radio(_("Scenarios"), options, horizontal=True, key="robustness_choice",
                     format_func={True: _("counting sightings placed at a facility"),
                                  False: _("leaving out sightings placed at a facility")}.get)
    leave = [s for s in panel.rows(shown) if s.left_out and s.radius_km == "global"
             and s.null == choices.null]
    if leave:
        st.markdown(_("**Which sighting carries the result** (global test, {null}): {list}.")
                    .format(null=_(NULL_MODELS[choices.null].label),
                            list="; ".join(_("without {name}, {p}").format(
                                name=names.get(s.left_out, s.left_out), p=p_equals(s.p_value))
                                for s in leave)))
    st.dataframe(table_for_display(scenario_frame(panel.rows(shown), plain, labels)),
                 hide_index=True,
                 width="stretch")
    if panel.skipped:
        st.caption(_("Not run: {list}").format(
            list="; ".join(escape_markdown(s) for s in panel.skipped)))
    st.caption(_("{n} simulations per scenario; with locations moved, {repeats} repeats of "
                 "{jitter} simulations, the median p shown with its range. Same seed, same "
                 "table (`python -m analysis test --robustness`).").format(
        n=number(panel.simulations), repeats=panel.jitter_repeats,
        jitter=number(panel.jitter_simulations)))

st.subheader(_("Location uncertainty"))
st.markdown(uncertainty_statement(uncertainty, result.n_sightings))
st.caption(_("Each sighting and facility moved at random within its stated location "
             "precision, {repeats} times ({n} simulations each).").format(
    repeats=uncertainty.repeats, n=number(uncertainty.simulations)))

proximity = compute.proximity(state)
shared = shared_points(proximity, facilities, sightings)
precisions = [(str(row.get("name") or row.get("id")), None if pd.isna(row.get(
    "location_precision_km")) else float(row["location_precision_km"]))
    for frame in (sightings, facilities) for row in frame.to_dict("records")]
caveats = caveat_items(result, low_km=low_km, high_km=high_km, shared=shared,
                       precisions=precisions, null=choices.null)
st.subheader(_("Caveats"))
st.markdown("\n".join(f"- **{escape_markdown(title)}.** {escape_markdown(text)}"
                       for title, text in caveats))

st.subheader(_("Downloads"))
description = exports.data_description(facilities, sightings, state,
                                       st.session_state.get("uploads", {}))
box = methodology_markdown(result, description, sweep, uncertainty, global_result=found,
                           panel=panel, headline=line, left_out=left_out, shared=shared,
                           caveats=caveats)
plain = methodology_text(box)
# The files are built here, not on click (see ui.exports.download_bytes), once per data
# version and choices, and a click does not rerun the page: every click gets its file.
built_from = (working_version(), state, tuple(sorted(run.items())))
a, b, c, d = st.columns(4)
a.download_button(_("Proximity table (CSV)"),
                  data=exports.download_bytes(("proximity-csv", *built_from),
                                              lambda: proximity_csv(proximity)),
                  file_name=f"footprint-proximity-{state.radius_km:g}km.csv", mime="text/csv",
                  key="download-proximity-csv", on_click="ignore")
b.download_button(_("Buffers and results (GeoJSON)"),
                  data=exports.download_bytes(
                      ("buffers-geojson", *built_from),
                      lambda: exports.buffers_geojson(facilities, sightings, state, proximity,
                                                      result)),
                  file_name=f"footprint-buffers-{state.radius_km:g}km.geojson",
                  mime="application/geo+json", key="download-buffers-geojson",
                  on_click="ignore")
c.download_button(_("Robustness scenarios (CSV)"),
                  data=exports.download_bytes(("robustness-csv", *built_from),
                                              lambda: robustness_csv(panel) if panel else ""),
                  file_name="footprint-robustness.csv", mime="text/csv",
                  key="download-robustness-csv", on_click="ignore")
d.download_button(_("Methodology box (Markdown)"), data=box,
                  file_name="footprint-methodology.md", mime="text/markdown",
                  key="download-methodology", on_click="ignore")
with st.expander(_("Methodology box to paste under a story")):
    st.caption(_("Two forms of the same text, every caveat above included: Markdown for a "
                 "CMS that reads it, plain text for one that does not. The copy button is at "
                 "the top right of each."))
    as_markdown, as_text = st.tabs(["Markdown", _("Plain text")])
    as_markdown.code(box, language="markdown", wrap_lines=True)
    as_text.code(plain, language=None, wrap_lines=True)
    st.download_button(_("Methodology box (plain text)"), data=plain,
                       file_name="footprint-methodology.txt", mime="text/plain",
                       key="download-methodology-text", on_click="ignore")
