"""The legend: one entry per kind of thing drawn, in the registry's words and colours."""

from __future__ import annotations

import matplotlib
from matplotlib import patches
from matplotlib.lines import Line2D

from layers.registry import BY_NAME
from mapview.build import BUFFER_COLOR

from .style import FACILITY_SIZE, INK, LIMITS, SANS
from .text import literal


def handles(canvas) -> list[tuple[object, str]]:
    """(artist, label) pairs for what the map shows."""
    spec, scene, state = canvas.spec, canvas.scene, canvas.state
    out: list[tuple[object, str]] = []
    size = spec.marker_pt
    facilities = scene.shown.get("facilities")
    layer = BY_NAME["facilities"]
    if facilities is not None:
        present = set(facilities.get("category", []))
        for key, color in layer.style["colors"].items():
            if key in present:
                out.append((Line2D([], [], ls="none", marker="s",
                                   markersize=size * FACILITY_SIZE, markerfacecolor=color,
                                   markeredgecolor=INK, markeredgewidth=0.8 * spec.line_pt),
                            layer.style["labels"][key]))
    sightings = scene.shown.get("sightings")
    layer = BY_NAME["sightings"]
    if sightings is not None:
        tested = set(scene.tested_sightings.get("id", []))
        tested_rows = sightings[sightings["id"].isin(tested)] if "id" in sightings \
            else sightings
        present = set(tested_rows.get("confidence", []))
        for key, color in layer.style["colors"].items():
            if key in present:
                out.append((Line2D([], [], ls="none", marker="o", markersize=size,
                                   markerfacecolor=color, markeredgecolor="white"),
                            layer.style["labels"][key]))
        others = sightings[~sightings["id"].isin(tested)] if "id" in sightings else []
        if len(others):  # one entry, with why they are not counted
            reasons = dict.fromkeys(
                "placed at a facility" if row.get("placement") == "at_facility"
                else str(row.get("category") or "other").replace("_", " ")
                for row in others.drop(columns="geometry").to_dict("records"))
            label = f"Not in the test ({', '.join(reasons)})"
            out.append((Line2D([], [], ls="none", marker="o", markersize=size * 0.9,
                               markerfacecolor="none",
                               markeredgecolor=layer.color_for(others.iloc[0].to_dict()),
                               markeredgewidth=1.6 * spec.line_pt),
                        literal(label, LIMITS["legend"])))
    if state.buffer_around in ("sightings", "facilities") and state.radius_km > 0:
        around = state.buffer_around.removesuffix("s")
        out.append((patches.Patch(facecolor=(0, 0.62, 0.45, 0.12), edgecolor=BUFFER_COLOR,
                                  linestyle="--", linewidth=1.1 * spec.line_pt),
                    f"{state.radius_km:g} km around each {around}"))
    if scene.shown.get("orinoco_mining_arc") is not None:
        color = BY_NAME["orinoco_mining_arc"].style["color"]
        out.append((patches.Patch(facecolor=matplotlib.colors.to_rgba(color, 0.22),
                                  edgecolor=color, linewidth=0.9 * spec.line_pt),
                    BY_NAME["orinoco_mining_arc"].legend_label))
    flights = scene.shown.get("flights")
    if flights is not None:
        color = BY_NAME["flights"].style["color"]
        kinds = set(flights.geom_type)
        if "LineString" in kinds:
            out.append((Line2D([], [], color=color, linewidth=1.3 * spec.line_pt),
                        "Documented flight (great circle)"))
        if "Point" in kinds:
            out.append((Line2D([], [], ls="none", marker="o", markersize=size * 1.55,
                               markerfacecolor="none", markeredgecolor=color,
                               markeredgewidth=1.3 * spec.line_pt),
                        "Flight destination (route unknown)"))
    return out


def draw(canvas, entries, anchor_in, *, ncols, anchor="upper left"):
    """The legend at ``anchor_in`` (inches from the figure's lower left)."""
    spec = canvas.spec
    if not entries:
        entries = [(patches.Patch(alpha=0), "No layers shown")]
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
