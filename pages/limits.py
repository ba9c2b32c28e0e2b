"""Limit recommendations: the credit policy's limit formula for every customer in scope — the
current limit, the recommended one, the basis that set it and the authority a change needs.
The What-if page computes its proposed limits with the same function."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.ui import (cached_limit_recommendations, context, fmt_amount, fmt_int, get_policy, kpi,
                              open_customer_on_select, table)
from analytics.i18n import N_, _, ngettext
from analytics.views.loss import exposure_terms

UNRATED = exposure_terms.UNRATED

SHOWN_ROWS = 1_000
# the shipped policy's approval levels and the bases a limit can come from (analytics.risk.whatif.BASIS_NAMES):
# configuration and machine values in English, shown through _() (a company's own names pass unchanged)
APPROVAL_LEVELS = [N_("credit manager"), N_("CFO"), N_("credit committee")]
BASES = [N_("tangible net worth"), N_("working capital"), N_("purchases"), N_("current limit"),
         N_("no basis: current limit kept"), N_("floor"), N_("cap"), N_("single-name cap"),
         N_("below minimum grade"), N_("draws on its group's limit")]
FIRST = ["customer_id", "name", "grade", "current_limit_amt", "recommended_limit_amt", "limit_change_amt"]


def LIST_SEPARATOR() -> str:  # noqa: N802 - reads like the constant it is, in the reader's language
    # TRANSLATORS: the separator between the items of a list ("tangible net worth, purchases")
    return _(", ")


def in_words(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """The frame's policy names and machine words (levels, bases, 'unrated') in the reader's language."""
    present = [c for c in columns if c in frame.columns and frame[c].dtype == pl.String]
    return frame.with_columns(pl.col(c).replace({v: _(v) for v in frame[c].drop_nulls().unique().to_list()})
                              for c in present)


ctx = context()
cur = ctx.currency
policy = get_policy()
levers = policy.levers

st.title(_("Limit recommendations"))
st.caption(_("The recommended limit is the smallest of the policy's bases the customer has data for ({bases}) × the "
             "grade multiplier, floored and capped by grade and by the single-name cap, none below the minimum "
             "grade ({grade}), rounded down to {rounding}. The grade is the one in force: imported, or the rating "
             "model's where none was imported (`[limits]`, `[scoring.rating]`). The What-if page starts from the "
             "same formula.").format(bases=LIST_SEPARATOR().join(_(b.replace("_", " ")) for b in levers.bases),
                                     grade=levers.min_grade,
                                     rounding=fmt_amount(levers.rounding_amt, cur, compact=False)))
rec = cached_limit_recommendations(ctx.version, ctx.as_of, ctx.filters)
frame = rec.frame
if frame.height == 0:
    st.info(_("No customers in scope at this date."))
    st.stop()

changes = rec.changes
raised = changes.filter(pl.col("limit_change_amt") > 0)
cut = changes.filter(pl.col("limit_change_amt") < 0)
recommended = float(frame["recommended_limit_amt"].fill_null(0).sum())
current = float(frame["current_limit_amt"].fill_null(0).sum())
# the currency in the label keeps the values short: four tiles a row fit 1280×720 with the sidebar open
row = st.columns(4)
kpi(row[0], _("Limits to change"), fmt_int(changes.height), kind="count",
    help=_("Customers whose recommended limit differs from the limit in force."))
kpi(row[1], _("Raises ({currency})").format(currency=cur), fmt_amount(float(raised["limit_change_amt"].sum())),
    help=ngettext("{n} customer: the sum of the increases.", "{n} customers: the sum of their increases.",
                  raised.height).format(n=fmt_int(raised.height)))
kpi(row[2], _("Cuts ({currency})").format(currency=cur), fmt_amount(float(-cut["limit_change_amt"].sum())),
    help=ngettext("{n} customer: the sum of the reductions.", "{n} customers: the sum of their reductions.",
                  cut.height).format(n=fmt_int(cut.height)))
kpi(row[3], _("Recommended ({currency})").format(currency=cur), fmt_amount(recommended), recommended - current,
    currency=cur, help=_("Sum of the recommended limits; the change is against the limits in force."))

st.markdown(_("**Limits in force and recommended, by grade**"))
by_grade = rec.by_grade.with_columns(pl.col("grade").replace({UNRATED: _(UNRATED)}))
st.plotly_chart(charts.limits_by_grade(by_grade, cur), key="lim_by_grade")

left, right = st.columns([1, 1])
with left:
    st.markdown(_("**Approvals the changes need** (a raise or a new limit by its amount, a cut by the first level)"))
    table(in_words(rec.approvals, "approval_level"), f"limit_approvals_{ctx.as_of}", "t_lim_appr", cur)
with right:
    st.markdown(_("**By basis**"))
    by_basis = (changes.group_by("basis").agg(pl.len().alias("customers"), pl.col("limit_change_amt").sum())
                .sort("customers", descending=True))
    table(in_words(by_basis, "basis"), f"limit_bases_{ctx.as_of}", "t_lim_basis", cur)

only = st.toggle(_("Changes only"), value=True, key="lim_changes_only",
                 help=_("Off: every customer in scope, the unchanged ones too."))
levels = rec.approvals["approval_level"].to_list()
level = st.segmented_control(_("Approval"), levels, key="lim_level", selection_mode="single",
                             format_func=lambda v: _(v), help=_("Only the changes one level must approve."))
shown = changes if only else frame
if level:
    shown = shown.filter(pl.col("approval_level") == level)
# the customer, its name, then the grade and the amounts (the columns that matter first)
shown = in_words(shown.select(*[c for c in FIRST if c in shown.columns], pl.exclude(FIRST)),
                 "approval_level", "basis", "grade")
st.subheader(_("Customers ({n})").format(n=fmt_int(shown.height)))
head = shown.head(SHOWN_ROWS)
event = table(head, f"limit_recommendations_{ctx.as_of}", "t_lim", cur, height=460, selectable=True, download=shown)
if shown.height > SHOWN_ROWS:
    st.caption(_("The table shows the first {shown} of {total} (largest change first); the downloads hold them "
                 "all.").format(shown=fmt_int(SHOWN_ROWS), total=fmt_int(shown.height)))
open_customer_on_select(event, head, ctx.as_of)
