"""Sources & method: every source with the features it supports, placeless claims, method."""

import streamlit as st

from analysis.nulls import NULL_MODELS
from analysis.report import escape_markdown
from analysis.wording import P_MEANING
from layers.registry import story_layers
from layers.schema import UNKNOWN_PRECISION_KM
from mapview.build import CONFIDENCE_WORDS
from ui.data import shipped, working_frames
from ui.i18n import N_, _, ngettext, number
from ui.present import quoted, sources_index
from ui.state import current
from ui.workspace import uploaded_layers

#: Layer names in a sentence ("Amuay refinery (a facility)").
LAYER_WORDS = {"facilities": N_("facility"), "sightings": N_("sighting"),
               "flights": N_("documented flight"), "orinoco_mining_arc": N_("Orinoco Mining Arc")}
#: Upload modes in a sentence.
HOW_WORDS = {"replaces": N_("replaces"), "adds to": N_("adds to")}

current()  # the shared sidebar and URL state come from the frame
frames = working_frames()
claims = shipped()[2]

uploaded = uploaded_layers()
if uploaded:
    st.header(_("Uploaded layers"))
    st.caption(_("Files added in this session or its workspace: their features appear below "
                 "with the sources they cite."))
    for row in uploaded:
        how, layer = HOW_WORDS[row["how"]], row["layer"]  # ids, translated below
        st.text(ngettext("{file}: {n} feature(s), {how} the {layer}, uploaded {when}",
                         "{file}: {n} feature(s), {how} the {layer}, uploaded {when}",
                         row["features"]).format(
            file=row["file"], n=row["features"], how=_(how), layer=_(layer),
            when=row["uploaded"] or _("at an unknown time")))

st.header(_("How sure is each report?"))
st.caption(_("Every feature says how firm its reporting is, in its popup and in the tables:"))
for level, words in CONFIDENCE_WORDS.items():
    if level != "background":
        head, _colon, rest = _(words).partition(":")
        st.markdown(f"- **{escape_markdown(head)}**:{escape_markdown(rest)}.")
st.caption(_("And how precisely it is placed: “location within about 10 km” means the "
             "source names a town or an area, not an address; the point stands for "
             "anywhere in that circle. “Precision unknown”: the file did not say, and the "
             "uncertainty run assumes {km} km.").format(km=number(UNKNOWN_PRECISION_KM)))

st.header(_("Sources"))
st.caption(_("Every feature on the map cites at least one source; quotes are verbatim, in the "
             "language they were written in. An address is given only where our copy of the "
             "source has it."))
for source, supported in sources_index(frames, claims, [layer.name for layer in
                                                          story_layers()]).items():
    publisher, title, published, url = source
    with st.container(border=True):
        st.text(f"{publisher}: {title}" + (f" ({published})" if published else ""))
        if url:
            st.link_button(_("Open the source"), url)
        else:
            st.caption(_("No public address in our copy of this source."))
        for layer_name, name, quote in supported:
            st.text(f"• {name} ({_(LAYER_WORDS.get(layer_name, layer_name))})")
            if quote:
                st.caption(escape_markdown(quoted(quote)))

st.header(_("Claims without a place"))
st.caption(_("The sources make these claims without a place that could honestly be mapped. "
             "They are listed here and never placed at invented coordinates."))
for claim in claims:
    with st.container(border=True):
        st.text(f"{claim['name']}  ({claim['confidence']})")
        st.caption(_("Why not on the map: {reason}").format(
            reason=escape_markdown(claim["why_no_place"])))
        for source in claim["sources"]:
            st.caption(escape_markdown(f"{quoted(source['quote'])} ({source['publisher']})"))

st.header(_("Method, for non-statisticians"))
st.markdown("\n\n".join([
    _("**Distances.** Every distance is measured along the Earth's surface on the WGS84 "
      "ellipsoid (the model GPS uses), in kilometres: never in map degrees or on a flat "
      "web map, which would stretch distances."),
    _("**The question.** For a radius r, we count how many sightings have at least one "
      "Russian-financed asset within r km. Call that count K."),
    _("**What chance would give.** We then imagine the same number of sightings placed "
      "by chance, thousands of times, and count K for each imagined set. There are "
      "three ways to imagine chance:"),
]))
for model in NULL_MODELS.values():
    st.markdown(f"- **{_(model.label)}.** {model.plain_words}")
st.markdown("\n\n".join([
    _("**The p-value** at one radius is the share of imagined sets in which K is at "
      "least as large as what was observed: p = (1 + number of such sets) / (number of "
      "sets + 1). A small p (say below 0.05) means chance rarely puts sightings this "
      "close to the assets.") + " " + P_MEANING,
    _("**No radius chosen by anyone: the global test.** A radius picked after looking "
      "at the map flatters the result. So the headline does not rest on one radius: it "
      "counts K at every whole radius from the smallest the location precision allows "
      "(the median, over the counted sightings, of each sighting's precision plus its "
      "nearest facility's) up to 300 km, and asks how often an imagined set is at least "
      "as extreme over the whole range. Sets are ranked by their most extreme radius "
      "first, then the next (the extreme rank length global envelope test of Myllymäki, "
      "Mrkvička, Grabarnik, Seijo and Hahn, 2017, Journal of the Royal Statistical "
      "Society B 79, 381-404)."),
    _("**Robustness.** The Analysis page repeats the test the ways a sceptical editor "
      "would: every chance model, radii of 10 to 200 km and the global test, locations "
      "moved within their precision, each sighting left out in turn, and sightings "
      "placed at a facility by construction (a reported visit to it) left out or "
      "counted. It states the range of p and how many scenarios stay below 0.05."),
    _("**What it cannot say.** With four or five sightings even a perfect result may "
      "not reach a small p; the app says so. Sightings are the ones that were reported, "
      "which favours busy places."),
    _("**Location precision.** Most places are known only to the city (10-15 km). The "
      "Analysis page moves every point at random within its precision and reports how "
      "much the result changes."),
]))
