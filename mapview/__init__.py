"""Footprint's folium map, built from the layer registry (no streamlit import here)."""
