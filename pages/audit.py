"""The audit trail: every sign-in, application, decision, vote and agenda change with who,
when, before and after; checked against its hash chain; exported for internal audit.

The entries are shown as stored (the trail is evidence: its actions, record kinds and
before/after values are data); the headers, the check and its verdict are in the reader's
language."""

import polars as pl
import streamlit as st

from analytics.app.auth import current_actor
from analytics.app.ui import context, fmt_int, get_store, kpi, plain, table
from analytics.i18n import N_, _, ngettext

ENTITY_LABELS = {  # the trail's record kinds in words (the filter's options; the entries stay as stored)
    "session": N_("sign-in session"), "application": N_("application"), "meeting": N_("meeting"),
    "agenda_item": N_("agenda item"), "decided_limit": N_("decided limit"), "account": N_("account"),
    "export": N_("export"),
}

ctx = context("audit")
actor = current_actor()
store = get_store()

st.title(_("Audit trail"))
st.caption(_("Append-only: each entry carries the hash of the one before, so an edited, inserted or deleted entry "
             "breaks the chain. The same check runs from the command line: `python -m analytics audit verify`."))

check = store.verify_audit()
cols = st.columns(3)
kpi(cols[0], _("Entries"), fmt_int(check.entries))
kpi(cols[1], _("Chain"), _("intact") if check.ok else _("BROKEN"),
    help=_("Recomputed from the first entry on every visit."))
kpi(cols[2], _("Head hash"), check.head_hash[:8],
    help=_("The last entry's hash, `{hash}`: note it down to anchor the chain (`audit verify --expect HASH` then "
           "also detects a cut-off end).").format(hash=check.head_hash))
if not check.ok:
    st.error(_("The audit trail was tampered with:") + "\n\n" + "\n".join(f"- {plain(p)}" for p in check.problems),
             icon=":material/gpp_bad:")

entries = store.audit_entries(actor)
entities = sorted(set(entries["entity"].to_list()))
actors = sorted(set(entries["actor"].to_list()))
left, mid, right = st.columns(3)
entity = left.multiselect(_("Record kind"), entities, key="audit_entity", placeholder=_("All"),
                          format_func=lambda e: _(ENTITY_LABELS[e]) if e in ENTITY_LABELS else e)
who = mid.multiselect(_("Who"), actors, key="audit_actor", placeholder=_("All"))
text = right.text_input(_("Record ID"), key="audit_id")
shown = entries
if entity:
    shown = shown.filter(pl.col("entity").is_in(entity))
if who:
    shown = shown.filter(pl.col("actor").is_in(who))
if text.strip():
    shown = shown.filter(pl.col("entity_id") == text.strip())
st.markdown(ngettext("**{n} entry**, newest first", "**{n} entries**, newest first", shown.height).format(
    n=fmt_int(shown.height)))
COLUMNS = ("entry_id", "at", "actor", "action", "entity", "entity_id", "before_json", "after_json")
table(shown.select(*COLUMNS).with_columns(pl.col("at").str.to_datetime(time_zone="UTC", strict=False)),
      "audit_trail", "t_audit", ctx.currency, height=520, download=lambda: shown)
