"""Footprint: the frame. Page config, shared sidebar, navigation; pages live in pages/."""

import runpy
from pathlib import Path

import streamlit as st

from mapview.assets import assets_installed, install_assets
from ui import workspace
from ui.data import shipped, working_frames
from ui.i18n import _, ngettext
from ui.layout import exit_screenshot_link, page_links, page_style
from ui.state import check_url_lengths, sidebar, url_notices

st.set_page_config(page_title=_("Footprint: Russian specialists in Venezuela"),
                   layout="wide")

if not assets_installed():  # make run installs them; a bare `streamlit run` does too
    install_assets()

screenshot = st.query_params.get("screenshot", "0") == "1"
page_style(screenshot)  # phone layout, or screenshot mode without Streamlit's chrome

check_url_lengths()  # an over-long parameter is not used (and said so)
workspace.open_from_url()  # ?workspace=TOKEN: its uploads and choices, before the sidebar
frames, problems, _claims = shipped()
if problems:
    with st.sidebar.expander("⚠️ " + ngettext(
            "{n} problem(s) in the shipped layers", "{n} problem(s) in the shipped layers",
            len(problems)).format(n=len(problems))):
        st.caption(_("Valid layers and features are kept; these were left out:"))
        st.code("\n".join(problems), language=None)

st.session_state["_choices"] = sidebar(working_frames())

# The page files' names differ from their URL paths on purpose: with a pages/ folder,
# Streamlit routes a URL that names a file straight to that file, skipping this frame,
# until st.navigation below has run once in the server.
pages = [
    st.Page("pages/map_page.py", title=_("Map"), default=True),
    st.Page("pages/analysis_page.py", title=_("Analysis"), url_path="analysis"),
    st.Page("pages/sources_page.py", title=_("Sources & method"), url_path="sources"),
    st.Page("pages/data_page.py", title=_("Data"), url_path="data"),
]


def _map_at_slash_map() -> None:
    """/map: the Map page (the default page's own address is /, whatever its url_path)."""
    runpy.run_path(str(Path(__file__).parent / "pages" / "map_page.py"), run_name="__main__")


alias = st.Page(_map_at_slash_map, title=_("Map"), url_path="map", visibility="hidden")
page = st.navigation([*pages, alias], position="hidden" if screenshot else "top")
if screenshot:
    exit_screenshot_link()
else:
    page_links(pages)  # phones: Streamlit folds the top navigation into the sidebar
status = st.container(key=workspace.STATUS_KEY)  # filled after the page ran (below)
page.run()
workspace.autosave()  # an editable workspace keeps every change as a new version
if not screenshot:
    with status:
        workspace.session_marker()  # after a server restart: what this tab lost, said plainly
        workspace.restart_notice()
        url_notices()  # URL values the app could not use, said once
        workspace.status()  # what this view is built on, and whether it is saved
