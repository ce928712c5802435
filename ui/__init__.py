"""Streamlit glue shared by the pages: cached loading, the sidebar, URL state."""
