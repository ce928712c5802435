"""Analysis page: the proximity test, the radius sweep and the location-uncertainty run."""

import altair as alt
import pandas as pd
import streamlit as st

from analysis.nulls import NULL_MODELS
from analysis.report import methodology_markdown, proximity_csv
from ui import compute, exports
from ui.settings import INT_RANGES, SETTINGS
from ui.state import current

choices = current()
state = choices.map_state
model = NULL_MODELS[choices.null]
facilities, sightings = compute.analysis_frames(state)

st.header("Are the sightings closer to Russian assets than chance?")
st.markdown(
    f"**Counted:** {len(sightings)} sightings ({', '.join(state.sighting_categories) or 'none'})"
    f" against {len(facilities)} facilities ({', '.join(state.facility_categories) or 'none'})"
    f", dates {state.date_start} to {state.date_end}. Change these in the sidebar."
)
st.markdown(f"**Null model, in plain words:** {model.plain_words}")

left, right = st.columns(2)
simulations = left.number_input("Simulations", *INT_RANGES["simulations"],
                                SETTINGS["simulations"].default, step=100, key="simulations",
                                bind="query-params", help=SETTINGS["simulations"].help)
seed = right.number_input("Seed", *INT_RANGES["seed"], SETTINGS["seed"].default, key="seed",
                          bind="query-params", help=SETTINGS["seed"].help)

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
    st.info(f"{len(sightings):,} sightings: {affordable:,} simulations are run instead of "
            f"{int(simulations):,}, to keep the simulated distances in memory.")

# Each part is cached: the bar only moves for what has to be simulated again.
progress = st.progress(0.0, text="Simulating the null model…")
result = compute.test(state, choices.null, int(simulations), int(seed),
                      progress=lambda f: progress.progress(min(f, 1.0) * 0.4,
                                                           text="Simulating the null model…"))
sweep = compute.sweep(state, choices.null, int(simulations), int(seed),
                      progress=lambda f: progress.progress(0.4 + min(f, 1.0) * 0.3,
                                                           text="Sweeping radii…"))
uncertainty = compute.uncertainty(
    state, choices.null, int(simulations), int(seed),
    progress=lambda f: progress.progress(0.7 + min(f, 1.0) * 0.3,
                                         text="Jittering locations within their precision…"))
progress.empty()

st.subheader("Result")
a, b, c, d = st.columns(4)
a.metric(f"Sightings within {state.radius_km:g} km", f"{result.observed_within} of "
         f"{result.n_sightings}")
b.metric("Expected by chance", f"{result.null_mean_within:.2f}")
c.metric("p-value", f"{result.p_value:.3g}")
d.metric("Smallest possible p", f"{result.min_achievable_p_value:.2g}")
st.markdown(result.statement)
if not result.can_reach_0_05:
    st.warning(f"With {result.n_sightings} sightings and this null model, no outcome could "
               "reach p < 0.05. A large p here says the test cannot tell, not that the "
               "sightings are random.")
st.caption(f"Mean distance to the nearest facility: {result.mean_nearest_distance_km:,.1f} km "
           f"(chance: {result.null_mean_nearest_distance_km:,.1f} km), p = "
           f"{result.p_value_mean_distance:.3g} (smaller is more extreme). "
           f"p = (1 + number of simulations with at least as many sightings within the radius)"
           f" / ({result.simulations:,} + 1). Seed {seed}.")

st.subheader("Radius sweep")
frame = sweep.to_frame()
band = alt.Chart(frame).mark_area(opacity=0.25, color="#999999").encode(
    x=alt.X("radius_km:Q", title="Radius (km)"),
    y=alt.Y("null_low_fraction:Q", title="Share of sightings within radius",
            axis=alt.Axis(format="%")),
    y2="null_high_fraction:Q")
mean = alt.Chart(frame).mark_line(color="#777777", strokeDash=[4, 3]).encode(
    x="radius_km:Q", y="null_mean_fraction:Q")
observed = alt.Chart(frame).mark_line(color="#D55E00", strokeWidth=2.5).encode(
    x="radius_km:Q", y="observed_fraction:Q",
    tooltip=["radius_km", alt.Tooltip("observed_fraction", format=".0%"),
             alt.Tooltip("p_value", format=".3g")])
rule = alt.Chart(pd.DataFrame({"r": [state.radius_km]})).mark_rule(color="#0072B2").encode(
    x="r:Q")
st.altair_chart(band + mean + observed + rule, width="stretch")
st.caption("Orange: observed share of sightings with a facility within the radius. Grey "
           "band: the middle 95% of the null model's simulations (2.5% to 97.5%); dashed: "
           "its mean. Blue: the radius chosen in the sidebar. Reading many radii and "
           "picking the best one inflates significance: choose the radius before looking.")

st.subheader("Location uncertainty")
st.markdown(uncertainty.statement)
st.caption(f"Each sighting and facility moved at random within its stated "
           f"location precision, {uncertainty.repeats} times "
           f"({uncertainty.simulations:,} simulations each).")

proximity = compute.proximity(state)
same_place = int((proximity.sightings["distance_km"] == 0).sum()) if proximity is not None \
    else 0
st.subheader("Caveats")
st.markdown(
    "- **Selection bias.** Sightings are what reached journalists: people notice and report "
    "foreigners near refineries and hotels more than elsewhere.\n"
    f"- **Small n.** {result.n_sightings} sightings; the smallest achievable p is "
    f"{result.min_achievable_p_value:.2g}.\n"
    "- **Radius chosen after looking at the map.** Report the sweep, not one radius.\n"
    "- **Location precision.** Most places are city-level (10-15 km); the Carabobo-2 field "
    "is approximate (60 km). See the location-uncertainty range above.\n"
    f"- **Shared places.** {same_place} sighting(s) sit on the same gazetteer point as a "
    "facility (the same town), so their distance is 0 by construction, not by "
    "measurement.\n"
    "- **Assets are the ones the story names.** Russian interests not in the sources are "
    "not on the map.")

st.subheader("Downloads")
description = exports.data_description(facilities, sightings, state,
                                       st.session_state.get("uploads", {}))
box = methodology_markdown(result, description, sweep, uncertainty)
a, b, c = st.columns(3)
a.download_button("Proximity table (CSV)", data=lambda: proximity_csv(proximity),
                  file_name=f"footprint-proximity-{state.radius_km:g}km.csv", mime="text/csv",
                  key="download-proximity-csv")
b.download_button("Buffers and results (GeoJSON)",
                  data=lambda: exports.buffers_geojson(facilities, sightings, state, proximity,
                                                       result),
                  file_name=f"footprint-buffers-{state.radius_km:g}km.geojson",
                  mime="application/geo+json", key="download-buffers-geojson")
c.download_button("Methodology box (Markdown)", data=box,
                  file_name="footprint-methodology.md", mime="text/markdown",
                  key="download-methodology")
with st.expander("Methodology box to paste under a story"):
    st.code(box, language="markdown")
