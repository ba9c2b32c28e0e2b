"""Data and policy: what is loaded (and what is not), the extraction date, what the load noted,
the receivables ledger reconciled at the as-of date, the warehouse version, the policy in force."""

from pathlib import Path

import polars as pl
import streamlit as st

from analytics.views.receivables import dispute_rule
from analytics.app.ui import (
    plain,
    cached_info,
    cached_load_notes,
    cached_reconciliation_view,
    context,
    fmt_amount,
    get_policy,
    get_warehouse,
    table,
)

ctx = context()
wh = get_warehouse()
info = cached_info(ctx.version)
policy = get_policy()
cur = ctx.currency

st.title("Data and policy")
loaded_at = info.get("loaded_at", "?").replace("T", " ").replace("+00:00", "")
version = info.get("version", wh.version)
c = st.columns(3)
c[0].metric("Data taken on", info.get("extracted_on", "?"), border=True,
            help=f"The extraction date, the default as-of date of every page: {plain(info.get('extraction_basis', ''))}. "
                 "Nothing dated after it counts at any date.")
c[1].metric("Loaded on", loaded_at[:10], border=True, help=f"Loaded at {loaded_at} UTC; warehouse version {version}.")
c[2].metric("Reporting currency", info.get("reporting_currency", "?"), border=True)
st.caption(f"Source folder: {plain(Path(info.get('source_dir') or 'unknown').name)} · extraction date: "
           f"{plain(info.get('extraction_basis', 'not recorded'))} · first document {info.get('first_document_date', '?')} · "
           f"loaded {loaded_at} UTC · warehouse version {version}")

st.subheader("Tables")
tables = wh.query("table_info")
missing = tables.filter(~pl.col("is_present"))["table_name"].to_list()
if missing:
    st.info("Not loaded (optional): " + ", ".join(missing) + ". Views that need them say so where they appear.",
            icon=":material/info:")
table(tables, "table_info", "t_tables", cur)
st.markdown(
    "Load new data with `python -m analytics load SOURCE_DIR [--mapping mapping.toml] [--extracted-on DATE]`: every "
    "row is validated first; on any error nothing changes and a report names the file, row, column, value and "
    "rule. A successful load builds a new warehouse version that this dashboard picks up on the next interaction."
)

st.subheader("What the load noted")
notes = cached_load_notes(ctx.version)
if notes.height == 0:
    st.success("The last load noted nothing: no post-dated documents, advances, overpayments or undated closings.",
               icon=":material/check_circle:")
else:
    counts = notes.group_by("rule", "file", maintain_order=True).agg(pl.col("rows_of_kind").first().alias("rows"),
                                                                      pl.col("message").first())
    st.caption("The data loaded; these rows are legal but worth a look. Each kind with its message; below, the rows "
               "(the first 1,000 of each kind).")
    table(counts, "load_notes_by_kind", "t_note_kinds", cur)
    with st.expander(f"The rows ({notes.height:,} kept of {int(counts['rows'].sum()):,})"):
        table(notes.head(2000), "load_notes", "t_notes", cur, height=360, download=notes)

st.subheader(f"Reconciliation at {ctx.as_of.isoformat()}")
rec = cached_reconciliation_view(ctx.version, ctx.as_of, ctx.filters)
t = st.columns(3)
t[0].metric("Open AR by the ledger", fmt_amount(rec.totals["ledger_open_amt"], cur), border=True,
            help="Invoices and debit notes − credit notes + credit notes used up or refunded − receivables settled by "
                 "their paid_date − cash applied − cash on account − write-offs, from the raw tables.")
t[1].metric("Open AR by the aging", fmt_amount(rec.totals["aging_amt"], cur), border=True,
            help="The open items of the Receivables aging, credits included: the same as the portfolio's open AR.")
t[2].metric("Difference", fmt_amount(rec.totals["difference_amt"], cur, compact=False), border=True)
for note in rec.notes:
    st.info(note, icon=":material/balance:")
st.markdown(f"**The ledger line by line**: each document currency in itself; the total in {cur} at the closing "
            "rate (the aging's items converted one by one). What reduces open AR is negative.")
statement = rec.statement()
table(statement, f"reconciliation_{rec.as_of}", "t_rec", cur, height=35 * (statement.height + 1) + 3)
st.markdown("**From open AR to gross exposure**")
table(rec.bridge, f"exposure_bridge_{rec.as_of}", "t_bridge", cur)

st.subheader("Credit policy in force")
st.caption(f"File: {plain(policy.source.name)}")
grades = pl.DataFrame({"grade": list(policy.scale), "pd_pct": [policy.pd_pct[g] for g in policy.scale]})
c1, c2 = st.columns(2)
with c1:
    st.markdown("**Rating scale and one-year PD**")
    table(grades, "policy_grades", "t_grades", cur)
with c2:
    st.markdown("**Settings**")
    st.markdown(
        f"- LGD: {policy.lgd_pct:g} %\n"
        f"- Unrated customers are treated as grade {policy.unrated_grade}\n"
        f"- Aging buckets: {', '.join(policy.bucket_labels())}\n"
        f"- Utilization bands: {', '.join(f'{b:g} %' for b in policy.utilization_bands_pct)}\n"
        f"- Concentration tables show the top {policy.top_n}\n"
        "- Credits on account (cash on account, credit notes naming no invoice, overpayments, advances) are set "
        "against each customer's open items, same currency first, undisputed before disputed, oldest due first\n"
        f"- {dispute_rule(policy)}\n"
        f"- Documents more than {policy.future_error_days} days after the extraction date are refused; up to "
        f"{policy.suspect_max_documents} documents dated more than {policy.suspect_gap_days} days after all others "
        "do not set it\n"
        f"- A document needs an fx rate on or before its date ({'refused otherwise' if policy.fx_missing_rate == 'error' else 'else the earliest rate is used, with a note'})"
    )
