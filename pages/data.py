"""Data and policy: what is loaded (and what is not), the extraction date, what the load noted,
the receivables ledger reconciled at the as-of date, the warehouse version, the policy in force."""

from pathlib import Path

import polars as pl
import streamlit as st

from analytics.views.receivables import dispute_rule, shown_bucket
from analytics.app.ui import (
    MISSING,
    _,
    cached_info,
    cached_reconciliation_view,
    context,
    fmt_amount,
    fmt_date,
    fmt_days,
    fmt_int,
    fmt_pct,
    get_policy,
    get_warehouse,
    ngettext,
    plain,
    table,
)

NOTES_KEPT = 1_000  # rows of one kind of note a load keeps (analytics.data.ingest.NOTES_KEPT)


def code(text: object) -> str:
    """A name as the user's system spells it (a file, a folder, a table), as a Markdown code span."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"


ctx = context()
wh = get_warehouse()
info = cached_info(ctx.version)
policy = get_policy()
cur = ctx.currency

st.title(_("Data and policy"))
loaded_at = info.get("loaded_at", "")
loaded_day, loaded_time = (loaded_at[:10], loaded_at[11:19]) if len(loaded_at) >= 19 else (loaded_at[:10], "")
loaded = f"{fmt_date(loaded_day or None)} {loaded_time}".strip()
version = info.get("version", wh.version)
basis = plain(wh.extraction_basis()) or MISSING
c = st.columns(3)
c[0].metric(_("Data taken on"), fmt_date(info.get("extracted_on") or None), border=True,
            help=_("The extraction date, the default as-of date of every page: {basis}. Nothing dated after it "
                   "counts at any date.").format(basis=basis))
c[1].metric(_("Loaded on"), fmt_date(loaded_day or None), border=True,
            help=_("Loaded at {time} UTC; warehouse version {version}.").format(time=loaded, version=code(version)))
c[2].metric(_("Reporting currency"), info.get("reporting_currency") or MISSING, border=True)
source = info.get("source_dir")
st.caption(_("Source folder: {folder} · extraction date: {basis} · first document {first} · loaded {loaded} UTC · "
             "warehouse version {version}").format(
    folder=code(Path(source).name) if source else _("unknown"), basis=basis,
    first=fmt_date(info.get("first_document_date") or None), loaded=loaded, version=code(version)))

st.subheader(_("Tables"))
tables = wh.query("table_info")
missing = tables.filter(~pl.col("is_present"))["table_name"].to_list()
if missing:
    st.info(_("Not loaded (optional): {tables}. Views that need them say so where they appear.").format(
        tables=", ".join(code(t) for t in missing)), icon=":material/info:")
table(tables, "table_info", "t_tables", cur)
st.markdown(_(
    "Load new data with `python -m analytics load SOURCE_DIR [--mapping mapping.toml] [--extracted-on DATE]`: every "
    "row is validated first; on any error nothing changes and a report names the file, row, column, value and "
    "rule. A successful load builds a new warehouse version that this dashboard picks up on the next interaction."
))

st.subheader(_("What the load noted"))
notes = wh.load_notes()  # rule and message in the current language
if notes.height == 0:
    st.success(_("The last load noted nothing: no post-dated documents, advances, overpayments or undated "
                 "closings."), icon=":material/check_circle:")
else:
    counts = notes.group_by("rule", "file", maintain_order=True).agg(pl.col("rows_of_kind").first().alias("rows"),
                                                                      pl.col("message").first())
    st.caption(_("The data loaded; these rows are legal but worth a look. Each kind with its message; below, the "
                 "rows (the first {n} of each kind).").format(n=fmt_int(NOTES_KEPT)))
    table(counts, "load_notes_by_kind", "t_note_kinds", cur)
    with st.expander(_("The rows ({kept} kept of {total})").format(kept=fmt_int(notes.height),
                                                                  total=fmt_int(int(counts["rows"].sum())))):
        table(notes.head(2000), "load_notes", "t_notes", cur, height=360, download=notes)

st.subheader(_("Reconciliation at {date}").format(date=fmt_date(ctx.as_of)))
rec = cached_reconciliation_view(ctx.version, ctx.as_of, ctx.filters)
t = st.columns(3)
t[0].metric(_("Open AR by the ledger"), fmt_amount(rec.totals["ledger_open_amt"], cur), border=True,
            help=_("Invoices and debit notes − credit notes + credit notes used up or refunded − receivables settled "
                   "by their `paid_date` − cash applied − cash on account − write-offs, from the raw tables."))
t[1].metric(_("Open AR by the aging"), fmt_amount(rec.totals["aging_amt"], cur), border=True,
            help=_("The open items of the Receivables aging, credits included: the same as the portfolio's open AR."))
t[2].metric(_("Difference"), fmt_amount(rec.totals["difference_amt"], cur, compact=False), border=True)
for note in rec.notes:
    st.info(note, icon=":material/balance:")
st.markdown(_("**The ledger line by line**: each document currency in itself; the total in {currency} at the closing "
              "rate (the aging's items converted one by one). What reduces open AR is negative.").format(currency=cur))
statement = rec.statement()
table(statement, f"reconciliation_{rec.as_of}", "t_rec", cur, height=35 * (statement.height + 1) + 3)
st.markdown(_("**From open AR to gross exposure**"))
table(rec.bridge, f"exposure_bridge_{rec.as_of}", "t_bridge", cur)

st.subheader(_("Credit policy in force"))
st.caption(_("File: {file}").format(file=code(policy.source.name)))
grades = pl.DataFrame({"grade": list(policy.scale), "pd_pct": [policy.pd_pct[g] for g in policy.scale]})
c1, c2 = st.columns(2)
with c1:
    st.markdown(_("**Rating scale and one-year PD**"))
    table(grades, "policy_grades", "t_grades", cur)
with c2:
    st.markdown(_("**Settings**"))
    bands = ", ".join(fmt_pct(b, 0 if float(b).is_integer() else 1) for b in policy.utilization_bands_pct)
    few = policy.suspect_max_documents
    settings = [
        _("LGD: {lgd}").format(lgd=fmt_pct(policy.lgd_pct)),
        _("Unrated customers are treated as grade {grade}").format(grade=policy.unrated_grade),
        _("Aging buckets: {buckets}").format(buckets=", ".join(shown_bucket(b) for b in policy.bucket_labels())),
        _("Utilization bands: {bands}").format(bands=bands),
        _("Concentration tables show the top {n}").format(n=fmt_int(policy.top_n)),
        _("Credits on account (cash on account, credit notes naming no invoice, overpayments, advances) are set "
          "against each customer's open items, same currency first, undisputed before disputed, oldest due first"),
        dispute_rule(policy),
        ngettext("Documents more than {days} after the extraction date are refused; up to {n} document dated more "
                 "than {gap} after all others does not set it",
                 "Documents more than {days} after the extraction date are refused; up to {n} documents dated more "
                 "than {gap} after all others do not set it", few).format(
            days=fmt_days(policy.future_error_days, not_due=False), n=fmt_int(few),
            gap=fmt_days(policy.suspect_gap_days, not_due=False)),
        _("A document needs an fx rate on or before its date (refused otherwise)") if policy.fx_missing_rate == "error"
        else _("A document needs an fx rate on or before its date (else the earliest rate is used, with a note)"),
    ]
    st.markdown("\n".join(f"- {line}" for line in settings))
