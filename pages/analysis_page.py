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
)
from analysis.wording import P_MEANING, format_p, p_equals, plural
from layers.dates import precision_summary
from ui import compute, exports
from ui.data import working_frames
from ui.present import envelope_frame, names_of, scenario_frame, table_for_display
from ui.settings import INT_RANGES, SETTINGS
from ui.state import WORDS, current

choices = current()
state = choices.map_state
model = NULL_MODELS[choices.null]
facilities, sightings = compute.analysis_frames(state)
left_out = compute.left_out_at_facility(state)



def _words(kind: str, ids) -> str:
    """Category ids as the sidebar names them (lower case inside a sentence)."""
    return ", ".join(WORDS[kind].get(i, i).lower() for i in ids) or "none"


st.header("Are the sightings closer to Russian assets than chance?")
counted = (
    f"**Counted:** {plural(len(sightings), 'sighting')} "
    f"({_words('sighting_categories', state.sighting_categories)}) against "
    f"{len(facilities)} facilities "
    f"({_words('facility_categories', state.facility_categories)}), dates "
    f"{state.date_start} to "
    f"{state.date_end}. {precision_summary(sightings, state.date_start, state.date_end)}"
)
if left_out:
    counted += (f" Left out because they were placed at a facility by construction: "
                f"{', '.join(names_of(working_frames(), left_out))}.")
st.markdown(counted + " Change these in the sidebar.")
st.markdown(f"**Null model, in plain words:** {model.plain_words}")

default_r_min = compute.default_r_min(state)
a, b, c, d = st.columns(4)
simulations = a.number_input("Simulations", *INT_RANGES["simulations"],
                             SETTINGS["simulations"].default, step=100, key="simulations",
                             bind="query-params", help=SETTINGS["simulations"].help)
seed = b.number_input("Seed", *INT_RANGES["seed"], SETTINGS["seed"].default, key="seed",
                      bind="query-params", help=SETTINGS["seed"].help)
r_min = c.number_input("Global test from (km)", *INT_RANGES["r_min"], None, step=1,
                       key="r_min", bind="query-params",
                       placeholder=f"{default_r_min} (from precision)",
                       help=SETTINGS["r_min"].help)
r_max = d.number_input("… to (km)", *INT_RANGES["r_max"], SETTINGS["r_max"].default,
                       step=10, key="r_max", bind="query-params", help=SETTINGS["r_max"].help)

if facilities.empty or sightings.empty:
    st.info("Nothing to test: no sightings or no facilities match the current choices. "
            "Widen the date range or the categories in the sidebar.")
    st.stop()

too_many = compute.sample_size_problem(state, choices.null)
if too_many:
    st.warning(too_many)
    st.stop()

affordable = compute.affordable_simulations(state, int(simulations))
if affordable < simulations:
    st.info(f"{plural(len(sightings), 'sighting')}: {affordable:,} simulations are run instead of "
            f"{int(simulations):,}, to keep the simulated distances in memory.")

run = dict(null=choices.null, simulations=int(simulations), seed=int(seed),
           r_min=None if r_min is None else int(r_min), r_max=int(r_max))
low_km, high_km = compute.radius_range(state, run["r_min"], run["r_max"])
if run["r_max"] < low_km:
    st.warning(f"The global test's range ends ({run['r_max']} km) below where it starts "
               f"({low_km:g} km): only {low_km:g} km is tested. Set a larger end, or a "
               "smaller start.")


def stage(start: float, width: float, text: str):
    return lambda f: progress.progress(start + min(f, 1.0) * width, text=text)


# Each part is cached: the bar only moves for what has to be simulated again.
progress = st.progress(0.0, text="Simulating the null model…")
result = compute.test(state, choices.null, run["simulations"], run["seed"],
                      progress=stage(0.0, 0.25, "Simulating the null model…"))
found = compute.global_result(state, **run)
sweep = compute.sweep(state, choices.null, run["simulations"], run["seed"],
                      progress=stage(0.25, 0.15, "Sweeping radii…"))
uncertainty = compute.uncertainty(
    state, choices.null, run["simulations"], run["seed"],
    progress=stage(0.4, 0.2, "Jittering locations within their precision…"))
panel = compute.robustness_panel(
    state, **run, progress=stage(0.6, 0.4, "Trying every scenario a critic might try…"))
line = compute.headline_text(state, **run)
progress.empty()

st.subheader("Result")
weak = compute.is_weak(choices.null)
st.markdown(line if weak else f"**{line}**")
st.caption(f"What p means: {P_MEANING}")
if weak:
    st.warning("This chance model scatters points anywhere in Venezuela, a weak comparison: "
               "most of the country is empty, so almost any real set of places looks "
               "clustered against it. Quote the town models instead.")
spread = panel.single_radius_range() if panel else None
summary = panel.summary() if panel else None
a, b, c, d = st.columns(4)
a.metric(f"Sightings within {state.radius_km:g} km", f"{result.observed_within} of "
         f"{result.n_sightings}")
b.metric(f"Global test, {low_km:g}-{high_km:g} km"
         + (" (weak comparison)" if weak else ""), p_equals(found.p_value),
         help="The extreme rank length global envelope test over every whole radius in the "
              "range (Myllymäki et al. 2017): no radius is chosen by anyone.")
c.metric("Single radii 10-200 km", from_to(*spread) if spread else "—",
         help="The smallest and largest single-radius p at 10, 25, 50, 100 and 200 km.")
strong = panel.summary_without_weak_nulls() if panel else None
d.metric("Scenarios below 0.05", f"{summary['below_0_05']} of {summary['scenarios']}"
         if summary else "—",
         delta=(f"{strong['below_0_05']} of {strong['scenarios']} without the uniform null"
                if strong and strong["scenarios"] != summary["scenarios"] else None),
         delta_color="off", delta_arrow="off",
         help="See the robustness panel below. The uniform null is a weak comparison: most "
              "of its scenarios come out below 0.05 whatever the data.")
st.caption(f"Radii below {low_km:g} km are not tested: "
           + ("you set this range above." if run["r_min"] is not None else
              f"{default_r_min} km is the median, over the counted sightings, of each "
              "sighting's location precision plus its nearest facility's; closer than that, "
              "two places could be at the same spot or that far apart. ")
           + f" Seed {run['seed']}, {result.simulations:,} simulations.")

st.subheader(f"One radius: {state.radius_km:g} km")
st.markdown(result.statement)
if not result.can_reach_0_05:
    st.warning(f"With {plural(result.n_sightings, 'sighting')} and this null model, no "
               "outcome could reach p < 0.05 at this radius. A large p here says the test "
               "cannot tell, not that the sightings are random.")
st.caption(f"Expected by chance: {result.null_mean_within:.2f} sightings within "
           f"{state.radius_km:g} km. Smallest possible p at this radius: "
           f"{format_p(result.min_achievable_p_value)}. Mean distance to the nearest "
           f"facility: {result.mean_nearest_distance_km:,.1f} km (chance: "
           f"{result.null_mean_nearest_distance_km:,.1f} km), "
           f"{p_equals(result.p_value_mean_distance)} (smaller is more extreme). "
           f"p = (1 + number of simulations with at least as many sightings within the radius)"
           f" / ({result.simulations:,} + 1).")

st.subheader("Every radius at once: the global envelope")
frame = envelope_frame(found)
words = ["Radius", "Sightings within", "Random draws, middle 95%", "Global 95% envelope",
         "Single-radius p", "Above the global envelope"]
SERIES = {"observed": "Sightings",
          "pointwise_high": "Random draws: 97.5% (one radius)",
          "global_high": "Global 95% envelope (top)"}
x = alt.X("radius_km:Q", title="Radius (km)")
share = alt.Axis(format="%")
long = frame.melt(id_vars=["radius_km", *words], value_vars=list(SERIES),
                  var_name="series", value_name="share")
long["Line"] = long["series"].map(SERIES)
colour = alt.Color("Line:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0),
                   scale=alt.Scale(domain=list(SERIES.values()),
                                   range=["#D55E00", "#777777", "#0072B2"]))
envelope_area = alt.Chart(frame).mark_area(opacity=0.15, color="#0072B2").encode(
    x=x, y=alt.Y("global_low:Q", axis=share, scale=alt.Scale(domain=[0, 1])),
    y2="global_high:Q", tooltip=words)
lines = alt.Chart(long).mark_line(interpolate="step-after").encode(
    x=x, y=alt.Y("share:Q", title="Sightings with an asset within r",
                 axis=share, scale=alt.Scale(domain=[0, 1])),
    color=colour,
    strokeDash=alt.StrokeDash("Line:N", legend=None,
                              scale=alt.Scale(domain=list(SERIES.values()),
                                              range=[[1, 0], [5, 3], [1, 0]])),
    strokeWidth=alt.condition(alt.datum.series == "observed", alt.value(3), alt.value(2)),
    tooltip=words)
outside = alt.Chart(frame[frame.outside]).mark_point(
    color="#D55E00", filled=True, size=45, shape="triangle-up").encode(
    x=x, y="observed:Q", tooltip=words)
rule = alt.Chart(pd.DataFrame({"r": [state.radius_km],
                              "Chosen radius": [f"{state.radius_km:g} km (sidebar)"]})
                ).mark_rule(color="#000000", strokeDash=[2, 2]).encode(
    x="r:Q", tooltip=["Chosen radius"])
st.altair_chart(envelope_area + lines + outside + rule, width="stretch")
ranges = found.outside_ranges
where = ("; ".join(f"{a:g}" + (f" to {b:g}" if b != a else "") + " km" for a, b in ranges)
         if ranges else "no radius")
st.caption(
    "Orange: the share of counted sightings with an asset within each radius. Grey dashed: "
    "97.5% of the random draws stay at or below it at that radius taken alone (pointwise). "
    "Blue: the 95% global envelope, the range of the curves (the sightings' and the draws') "
    "that are not among the 5% most extreme over all radii together; the sightings can rise "
    "above it only when the global p is at most 0.05 (with tied counts they may stay inside "
    "even then). "
    f"Triangles: radii where the sightings are above the global envelope ({where}). Dotted: "
    "the radius chosen in the sidebar. Hover for the numbers.")

st.subheader("Robustness: what a critic might try")
if panel is None:
    st.info("No scenarios to run for these choices.")
else:
    st.markdown(robustness_sentence(panel))
    everyone = working_frames()["sightings"]
    plain = dict(zip(everyone["id"], everyone.get("name", everyone["id"]), strict=True))
    names = dict(zip(everyone["id"], names_of(working_frames(), everyone["id"]), strict=True))
    labels = {name: m.label for name, m in NULL_MODELS.items()}
    options = [panel.include_at_facility] + ([not panel.include_at_facility]
                                             if panel.has_at_facility else [])
    shown = st.radio("Scenarios", options, horizontal=True, key="robustness_choice",
                     format_func=lambda included: "counting sightings placed at a facility"
                     if included else "leaving out sightings placed at a facility")
    leave = [s for s in panel.rows(shown) if s.left_out and s.radius_km == "global"
             and s.null == choices.null]
    if leave:
        st.markdown("**Which sighting carries the result** (global test, "
                    f"{NULL_MODELS[choices.null].label}): "
                    + "; ".join(f"without {names.get(s.left_out, s.left_out)}, "
                                f"{p_equals(s.p_value)}" for s in leave) + ".")
    st.dataframe(table_for_display(scenario_frame(panel.rows(shown), plain, labels)),
                 hide_index=True,
                 width="stretch")
    if panel.skipped:
        st.caption("Not run: " + "; ".join(escape_markdown(s) for s in panel.skipped))
    st.caption(f"{panel.simulations:,} simulations per scenario; with locations moved, "
               f"{panel.jitter_repeats} repeats of {panel.jitter_simulations:,} simulations, "
               "the median p shown with its range. Same seed, same table "
               "(`python -m analysis test --robustness`).")

st.subheader("Location uncertainty")
st.markdown(uncertainty.statement)
st.caption(f"Each sighting and facility moved at random within its stated "
           f"location precision, {uncertainty.repeats} times "
           f"({uncertainty.simulations:,} simulations each).")

proximity = compute.proximity(state)
shared = shared_points(proximity, facilities, sightings)
precisions = [(str(row.get("name") or row.get("id")), None if pd.isna(row.get(
    "location_precision_km")) else float(row["location_precision_km"]))
    for frame in (sightings, facilities) for row in frame.to_dict("records")]
caveats = caveat_items(result, low_km=low_km, high_km=high_km, shared=shared,
                       precisions=precisions, null=choices.null)
st.subheader("Caveats")
st.markdown("\n".join(f"- **{escape_markdown(title)}.** {escape_markdown(text)}"
                       for title, text in caveats))

st.subheader("Downloads")
description = exports.data_description(facilities, sightings, state,
                                       st.session_state.get("uploads", {}))
box = methodology_markdown(result, description, sweep, uncertainty, global_result=found,
                           panel=panel, headline=line, left_out=left_out, shared=shared,
                           caveats=caveats)
plain = methodology_text(box)
a, b, c, d = st.columns(4)
a.download_button("Proximity table (CSV)", data=lambda: proximity_csv(proximity),
                  file_name=f"footprint-proximity-{state.radius_km:g}km.csv", mime="text/csv",
                  key="download-proximity-csv")
b.download_button("Buffers and results (GeoJSON)",
                  data=lambda: exports.buffers_geojson(facilities, sightings, state, proximity,
                                                       result),
                  file_name=f"footprint-buffers-{state.radius_km:g}km.geojson",
                  mime="application/geo+json", key="download-buffers-geojson")
c.download_button("Robustness scenarios (CSV)",
                  data=lambda: robustness_csv(panel) if panel else "",
                  file_name="footprint-robustness.csv", mime="text/csv",
                  key="download-robustness-csv")
d.download_button("Methodology box (Markdown)", data=box,
                  file_name="footprint-methodology.md", mime="text/markdown",
                  key="download-methodology")
with st.expander("Methodology box to paste under a story"):
    st.caption("Two forms of the same text, every caveat above included: Markdown for a "
               "CMS that reads it, plain text for one that does not. The copy button is at "
               "the top right of each.")
    as_markdown, as_text = st.tabs(["Markdown", "Plain text"])
    as_markdown.code(box, language="markdown", wrap_lines=True)
    as_text.code(plain, language=None, wrap_lines=True)
    st.download_button("Methodology box (plain text)", data=plain,
                       file_name="footprint-methodology.txt", mime="text/plain",
                       key="download-methodology-text")
