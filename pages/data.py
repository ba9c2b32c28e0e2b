"""Data and policy: what is loaded (and what is not), the warehouse version, the credit policy in force."""

import polars as pl
import streamlit as st

from analytics.ui import context, get_policy, get_warehouse, table

ctx = context()
wh = get_warehouse()
info = wh.info()
policy = get_policy()

st.title("Data and policy")
c = st.columns(3)
c[0].metric("Warehouse version", info.get("version", wh.version), border=True)
c[1].metric("Loaded at (UTC)", info.get("loaded_at", "?"), border=True)
c[2].metric("Reporting currency", info.get("reporting_currency", "?"), border=True)
st.caption(f"Source folder: {info.get('source_dir') or 'unknown'}")

st.subheader("Tables")
tables = wh.query("table_info")
missing = tables.filter(~pl.col("is_present"))["table_name"].to_list()
if missing:
    st.info("Not loaded (optional): " + ", ".join(missing) + ". Views that need them say so where they appear.",
            icon=":material/info:")
table(tables, "table_info", "t_tables", ctx.currency)
st.markdown(
    "Load new data with `python -m analytics load SOURCE_DIR [--mapping mapping.toml]`: every row is validated "
    "first; on any error nothing changes and a report names the file, row, column, value and rule. A successful "
    "load builds a new warehouse version that this dashboard picks up on the next interaction."
)

st.subheader("Credit policy in force")
st.caption(f"File: {policy.source}")
grades = pl.DataFrame({"grade": list(policy.scale), "pd_pct": [policy.pd_pct[g] for g in policy.scale]})
c1, c2 = st.columns(2)
with c1:
    st.markdown("**Rating scale and one-year PD**")
    table(grades, "policy_grades", "t_grades", ctx.currency)
with c2:
    st.markdown("**Settings**")
    st.markdown(
        f"- LGD: {policy.lgd_pct:g} %\n"
        f"- Unrated customers are treated as grade {policy.unrated_grade}\n"
        f"- Aging buckets: {', '.join(policy.bucket_labels())}\n"
        f"- Utilization bands: {', '.join(f'{b:g} %' for b in policy.utilization_bands_pct)}\n"
        f"- Payment tolerance: {policy.payment_tolerance_pct:g} %\n"
        f"- Concentration tables show the top {policy.top_n}"
    )
