"""The audit trail: every sign-in, application, decision, vote and agenda change with who,
when, before and after; checked against its hash chain; exported for internal audit."""

import polars as pl
import streamlit as st

from analytics.app.auth import current_actor
from analytics.app.ui import context, download_buttons, get_store, kpi, plain

ctx = context("audit")
actor = current_actor()
store = get_store()

st.title("Audit trail")
st.caption("Append-only: each entry carries the hash of the one before, so an edited, inserted or deleted entry "
           "breaks the chain. The same check runs from the command line: `python -m analytics audit verify`.")

check = store.verify_audit()
cols = st.columns(3)
kpi(cols[0], "Entries", f"{check.entries:,}")
kpi(cols[1], "Chain", "intact" if check.ok else "BROKEN",
    help="Recomputed from the first entry on every visit.")
kpi(cols[2], "Head hash", check.head_hash[:8],
    help=f"The last entry's hash, {check.head_hash}: note it down to anchor the chain "
         "(`audit verify --expect HASH` then also detects a cut-off end).")
if not check.ok:
    st.error("The audit trail was tampered with:\n\n" + "\n".join(f"- {plain(p)}" for p in check.problems),
             icon=":material/gpp_bad:")

entries = store.audit_entries(actor)
entities = sorted(set(entries["entity"].to_list()))
actors = sorted(set(entries["actor"].to_list()))
left, mid, right = st.columns(3)
entity = left.multiselect("Record kind", entities, key="audit_entity", placeholder="All")
who = mid.multiselect("Who", actors, key="audit_actor", placeholder="All")
text = right.text_input("Record id", key="audit_id")
shown = entries
if entity:
    shown = shown.filter(pl.col("entity").is_in(entity))
if who:
    shown = shown.filter(pl.col("actor").is_in(who))
if text.strip():
    shown = shown.filter(pl.col("entity_id") == text.strip())
st.markdown(f"**{shown.height:,} entries**, newest first")
st.dataframe(shown.select("entry_id", "at", "actor", "action", "entity", "entity_id", "before_json", "after_json")
             .to_arrow(), hide_index=True, key="t_audit", height=520,
             column_config={"before_json": st.column_config.TextColumn("before"),
                            "after_json": st.column_config.TextColumn("after")})
download_buttons(lambda: shown, "audit_trail", "t_audit")
