"""Page layout for phones and for screenshot mode: static CSS, the page-link row, the map's
frame and the way out of screenshot mode.

Two facts about Streamlit 1.67 shape this module:

- Below 768 px Streamlit moves its top navigation into the sidebar, which is closed on a
  phone. :func:`page_links` draws the pages as a compact row in the header band there, so
  every page is one tap away without opening the sidebar.
- ``st_folium`` takes its height in pixels, and sets that height on the map inside its
  iframe as well. :func:`fill_frame` makes the map fill whatever height its iframe has, so
  the page's CSS can size the iframe to the viewport (a share of it on a phone, all of it
  but the exit link in screenshot mode).

The CSS is static: no data and no text from the URL reaches a style block.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import streamlit as st

from ui.i18n import _

#: Streamlit shows its top navigation from this width up (below it, in the sidebar).
TOP_NAVIGATION_MIN_PX = 768
#: The map iframe's height on a wide screen (px) and on a narrow one (share of the
#: viewport's height). The page's CSS sets it from the first paint on, so the map inside
#: is laid out once at its final size (st_folium would resize the iframe later).
MAP_HEIGHT_PX = 620
PHONE_MAP_SHARE = 0.64
#: Keys of the containers the CSS below addresses (Streamlit gives each a class
#: ``st-key-<key>``).
PAGE_LINKS_KEY = "fp-page-links"
TITLE_KEY = "fp-title"
HEADLINE_KEY = "fp-headline"
EXIT_KEY = "fp-exit-screenshot"
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'

#: Height kept free for the exit button above the map in screenshot mode: the page's top
#: padding (8 px), the button (24 px), the gap below it (4 px), the bottom padding (8 px) and
#: 2 px to spare.
SCREENSHOT_CHROME_PX = 46

_NARROW = f"(max-width: {TOP_NAVIGATION_MIN_PX - 0.02}px)"

PAGE_CSS = f"""<style>
{MAP_IFRAME} {{ display: block; height: {MAP_HEIGHT_PX}px !important; }}
/* The page-link row: only where Streamlit's top navigation is folded into the sidebar. */
.st-key-{PAGE_LINKS_KEY}, [data-testid="stLayoutWrapper"]:has(> .st-key-{PAGE_LINKS_KEY}),
.stElementContainer:has(> .st-key-{PAGE_LINKS_KEY}) {{ display: none !important; }}
@media {_NARROW} {{
  [data-testid="stLayoutWrapper"]:has(> .st-key-{PAGE_LINKS_KEY}),
  .stElementContainer:has(> .st-key-{PAGE_LINKS_KEY}) {{ display: block !important; }}
  /* In the header band, right of the sidebar button. */
  .st-key-{PAGE_LINKS_KEY} {{
    display: flex !important; position: fixed; top: 0; left: 3.1rem; right: 0.25rem;
    height: 3.75rem; z-index: 999991; flex-wrap: nowrap !important; align-items: center;
    gap: 0 !important; overflow-x: auto; scrollbar-width: none; }}
  .st-key-{PAGE_LINKS_KEY} [data-testid="stPageLink"] {{ flex: none; }}
  .st-key-{PAGE_LINKS_KEY} a {{ padding: 0.25rem 0.45rem !important; margin: 0 !important; }}
  .st-key-{PAGE_LINKS_KEY} a p {{ font-size: 0.9rem !important; white-space: nowrap; }}
  .block-container {{ padding-top: 4.25rem !important; padding-bottom: 2rem !important; }}
  /* A compact header, then the result line, then the map. */
  .st-key-{TITLE_KEY} h3 {{ font-size: 1.1rem; line-height: 1.3; padding: 0; }}
  .st-key-{HEADLINE_KEY} p {{ font-size: 0.9rem; line-height: 1.4; margin-bottom: 0; }}
  {MAP_IFRAME} {{ display: block; height: max(300px, {PHONE_MAP_SHARE * 100:g}svh) !important; }}
}}
</style>"""

SCREENSHOT_CSS = f"""<style>
header, [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer {{ display: none !important; }}
.block-container {{ padding: 0.5rem 1rem !important; max-width: 100% !important; }}
.block-container [data-testid="stVerticalBlock"] {{ gap: 0.25rem; }}
/* The image: all of the viewport but the exit link above it. */
{MAP_IFRAME} {{ display: block; height: max(320px, calc(100svh - {SCREENSHOT_CHROME_PX}px))
  !important; }}
.st-key-{EXIT_KEY} {{ height: 1.5rem; }}
.st-key-{EXIT_KEY} button {{ padding: 0 0.4rem !important; min-height: 1.5rem !important;
  line-height: 1.5rem; }}
.st-key-{EXIT_KEY} button p {{ font-size: 0.85rem !important; }}
</style>"""

#: Inside the map's iframe: the map takes the iframe's height (st_folium fixes it in px).
FRAME_CSS = """<style>
html, body { overflow: hidden; }
#map_div { height: 100vh !important; }
</style>"""
#: Inside the map's iframe in screenshot mode: the overlay carries the credits, so the
#: legend's own credit line would be a second, shorter set; the title card is widened.
SCREENSHOT_FRAME_CSS = """<style>
.fp-legend .fp-legend-credit { display: none !important; }
/* A wide, short title card: it covers the sea north of the coast, not the coast. */
.fp-title { max-width: min(780px, calc(100vw - 330px)) !important; }
.fp-title p { font-size: 13px; line-height: 1.4; }
</style>"""


def page_style(screenshot: bool) -> None:
    """The app's static CSS: phone layout, or screenshot mode without Streamlit's chrome."""
    st.html(SCREENSHOT_CSS if screenshot else PAGE_CSS)


def page_links(pages: Sequence[st.Page]) -> None:
    """Every page as a compact link row, shown only where the top navigation is hidden."""
    with st.container(key=PAGE_LINKS_KEY, horizontal=True, gap=None):
        for page in pages:
            st.page_link(page, label=page.title)


def fill_frame(m: folium.Map, screenshot: bool = False) -> folium.Map:
    """Let the map fill its iframe's height (set by the page's CSS); in screenshot mode
    also hide the legend's credit line. Returns ``m`` (changed in place: a fresh map)."""
    m.get_root().header.add_child(folium.Element(FRAME_CSS), name="fp_fill_frame")
    if screenshot:
        m.get_root().header.add_child(folium.Element(SCREENSHOT_FRAME_CSS),
                                      name="fp_screenshot_frame")
    return m


def leave_screenshot_mode() -> None:
    """Drop ``screenshot`` (and only it) from the URL: the rerun shows the same view with
    the sidebar and the pages, and the address bar no longer says screenshot=1."""
    st.query_params.pop("screenshot", None)


def exit_screenshot_link() -> None:
    """A small link-styled button above the map, outside the image, out of screenshot mode.

    A button rather than ``st.page_link``: a page link to the page already open reruns it
    with the new parameters but leaves ``screenshot=1`` in the address bar (Streamlit
    1.67), so a reload would return to screenshot mode."""
    with st.container(key=EXIT_KEY, horizontal=True, horizontal_alignment="right"):
        st.button(_("Exit screenshot mode"), icon=":material/close:", type="tertiary",
                  key="exit_screenshot", on_click=leave_screenshot_mode,
                  help=_("The same map, radius and choices, with the sidebar and the pages."))


#: How long a page waits at most, once its numbers are written, for Streamlit to send them.
SEND_WAIT_S = 0.06
#: After the queue is empty, the event loop still writes what it took (a slider move's run
#: has some sixty messages by the table): measured, 10 ms was too short and 25 ms enough.
SEND_BEAT_S = 0.03


def send_now(wait_s: float = SEND_WAIT_S) -> None:
    """Let the messages written so far (the result line, the table) leave the server before
    the page goes on with slower work (building the map).

    Streamlit's event loop sends a run's messages from another thread, which needs the GIL
    the script holds while it computes: on a slider move the table reached the browser only
    with the end of the run (about 0.1 s later). This sleeps (releasing the GIL) until the
    session's outgoing queue is empty, plus :data:`SEND_BEAT_S` for the writes, never longer
    than ``wait_s``: the map is drawn that much later, the numbers about 0.05 s sooner.
    It reads the session's queue through Streamlit's internals; where they are not found
    (AppTest, another Streamlit version) it does nothing.
    """
    import time

    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        info = Runtime.instance()._session_mgr.get_active_session_info(ctx.session_id)
        queue = info.session._browser_queue
    except Exception:  # noqa: BLE001 - no server session behind this run
        return
    deadline = time.monotonic() + wait_s
    while not queue.is_empty() and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(min(SEND_BEAT_S, max(deadline - time.monotonic(), 0)))
