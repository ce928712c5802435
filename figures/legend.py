"""The legend: one entry per kind of thing drawn, in the registry's words and colours, in
the current language (:mod:`layers.language`)."""

from __future__ import annotations

import matplotlib
from matplotlib import patches
from matplotlib.lines import Line2D

from layers.language import N_, _, numbers
from layers.registry import BY_NAME
from mapview.build import BUFFER_COLOR

from .style import FACILITY_SIZE, INK, LIMITS, SANS
from .text import literal

#: Why a sighting drawn is not in the test, by its placement or category.
NOT_TESTED = {"at_facility": N_("placed at a facility"),
              "insider_account": N_("insider account"), "other": N_("other")}
#: The circles' entry, by what they are drawn around.
AROUND = {"sightings": N_("{km} km around each sighting"),
          "facilities": N_("{km} km around each facility")}


def handles(canvas) -> list[tuple[object, str]]:
    """(artist, label) pairs for what the map shows."""
    spec, scene, state = canvas.spec, canvas.scene, canvas.state
    out: list[tuple[object, str]] = []
    size = spec.marker_pt
    facilities = scene.shown.get("facilities")
    layer = BY_NAME["facilities"]
    words = layer.style["labels"]  # the registry's, in the catalogue
    if facilities is not None:
        present = set(facilities.get("category", []))
        for key, color in layer.style["colors"].items():
            if key in present:
                out.append((Line2D([], [], ls="none", marker="s",
                                   markersize=size * FACILITY_SIZE, markerfacecolor=color,
                                   markeredgecolor=INK, markeredgewidth=0.8 * spec.line_pt),
                            _(words[key])))
    sightings = scene.shown.get("sightings")
    layer = BY_NAME["sightings"]
    words = layer.style["labels"]
    if sightings is not None:
        tested = set(scene.tested_sightings.get("id", []))
        tested_rows = sightings[sightings["id"].isin(tested)] if "id" in sightings \
            else sightings
        present = set(tested_rows.get("confidence", []))
        for key, color in layer.style["colors"].items():
            if key in present:
                out.append((Line2D([], [], ls="none", marker="o", markersize=size,
                                   markerfacecolor=color, markeredgecolor="white"),
                            _(words[key])))
        others = sightings[~sightings["id"].isin(tested)] if "id" in sightings else []
        if len(others):  # one entry, with why they are not counted
            reasons = dict.fromkeys(
                _reason("at_facility" if row.get("placement") == "at_facility"
                        else str(row.get("category") or "other"))
                for row in others.drop(columns="geometry").to_dict("records"))
            label = _("Not in the test ({reasons})").format(reasons=", ".join(reasons))
            out.append((Line2D([], [], ls="none", marker="o", markersize=size * 0.9,
                               markerfacecolor="none",
                               markeredgecolor=layer.color_for(others.iloc[0].to_dict()),
                               markeredgewidth=1.6 * spec.line_pt),
                        literal(label, LIMITS["legend"])))
    if state.buffer_around in ("sightings", "facilities") and state.radius_km > 0:
        out.append((patches.Patch(facecolor=(0, 0.62, 0.45, 0.12), edgecolor=BUFFER_COLOR,
                                  linestyle="--", linewidth=1.1 * spec.line_pt),
                    _(AROUND[state.buffer_around]).format(
                        km=numbers(f"{state.radius_km:g}"))))
    if scene.shown.get("orinoco_mining_arc") is not None:
        arc = BY_NAME["orinoco_mining_arc"]
        color = arc.style["color"]
        out.append((patches.Patch(facecolor=matplotlib.colors.to_rgba(color, 0.22),
                                  edgecolor=color, linewidth=0.9 * spec.line_pt),
                    _(arc.legend_label)))
    flights = scene.shown.get("flights")
    if flights is not None:
        color = BY_NAME["flights"].style["color"]
        kinds = set(flights.geom_type)
        if "LineString" in kinds:
            out.append((Line2D([], [], color=color, linewidth=1.3 * spec.line_pt),
                        _("Documented flight (great circle)")))
        if "Point" in kinds:
            out.append((Line2D([], [], ls="none", marker="o", markersize=size * 1.55,
                               markerfacecolor="none", markeredgecolor=color,
                               markeredgewidth=1.3 * spec.line_pt),
                        _("Flight destination (route unknown)")))
    return out


def _reason(key: str) -> str:
    """Why a sighting is left out of the test, in words (an unknown category as written,
    underscores as spaces).

    >>> _reason("at_facility"), _reason("insider_account"), _reason("rumour_mill")
    ('placed at a facility', 'insider account', 'rumour mill')
    """
    return _(NOT_TESTED[key]) if key in NOT_TESTED else key.replace("_", " ")


def draw(canvas, entries, anchor_in, *, ncols, anchor="upper left"):
    """The legend at ``anchor_in`` (inches from the figure's lower left)."""
    spec = canvas.spec
    if not entries:
        entries = [(patches.Patch(alpha=0), _("No layers shown"))]
    legend = canvas.figure.legend(
        [h for h, _ in entries], [label for _, label in entries], loc=anchor,
        bbox_to_anchor=(anchor_in[0] / spec.width_in, anchor_in[1] / spec.height_in),
        ncols=ncols, frameon=False, fontsize=spec.legend_pt, borderaxespad=0,
        borderpad=0, handlelength=1.6, handleheight=1.0, columnspacing=1.2,
        labelspacing=0.45, prop={"family": SANS, "size": spec.legend_pt})
    for text in legend.get_texts():
        text.set_parse_math(False)
        text.set_usetex(False)
    canvas.info.legend_labels = [label for _, label in entries]
    return legend


def centre_in_band(canvas, legend, left_in, bottom_in, band_in) -> None:
    """Vertically centre a below-the-map legend in its band."""
    height = canvas.height_in(legend)
    legend.set_bbox_to_anchor((left_in / canvas.spec.width_in,
                               (bottom_in + (band_in - height) / 2) / canvas.spec.height_in))
