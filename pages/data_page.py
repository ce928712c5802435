"""Data page: each layer as a table, its problems, and validated GeoJSON to download."""

import streamlit as st

from layers.registry import LAYERS
from ui.data import shipped, working_frames, working_version
from ui.exports import download_bytes
from ui.i18n import _, ngettext
from ui.present import table_for_display
from ui.state import current
from ui.upload import upload_panel
from ui.workspace import panel as workspace_panel

current()  # the shared sidebar and URL state come from the frame
frames = working_frames()
version = working_version()
problems = shipped()[1]

st.header(_("Data"))
upload_panel()
workspace_panel()

st.subheader(_("Layers in use"))
st.caption(_("Every layer as loaded and validated (with your uploads). See data/README.md "
             "for the schema."))
if problems:
    st.warning(ngettext("{n} problem(s) in the shipped layers; the valid features were kept.",
                        "{n} problem(s) in the shipped layers; the valid features were kept.",
                        len(problems)).format(n=len(problems)))
    st.code("\n".join(problems), language=None)

for layer in LAYERS:
    frame = frames.get(layer.name)
    if frame is None:
        continue
    with st.expander(ngettext("{layer}: {n} feature(s)", "{layer}: {n} feature(s)", len(frame))
                     .format(layer=_(layer.legend_label), n=len(frame)),
                     expanded=layer.role == "story"):
        st.caption(_(layer.description))
        table = table_for_display(frame.drop(columns="geometry"))
        table.insert(1, "geometry", frame.geometry.geom_type)
        st.dataframe(table, hide_index=True, width="stretch")
        # Bytes, not a callable, and no rerun on click: every click gets its file (ui.exports).
        geojson = download_bytes(("layer-geojson", version, layer.name),
                                 lambda f=frame: f.to_json(drop_id=True))
        st.download_button(_("Download as GeoJSON"), data=geojson,
                           file_name=f"{layer.name}.geojson", mime="application/geo+json",
                           key=f"download-{layer.name}", on_click="ignore")
