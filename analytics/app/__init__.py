"""Streamlit-only helpers: context, cached access, formats, tables, charts, first run, jobs."""
