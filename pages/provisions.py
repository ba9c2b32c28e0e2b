"""Roll rates and the IFRS 9 provision matrix: rates derived from roll rates or entered by
finance, a forward-looking overlay, lifetime ECL per bucket, in total and by segment; next to
it the one-year expected loss of the same scope and the reconciliation of the two."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.ui import (cached_exposure_view, cached_provision_view, context, fmt_amount, fmt_date,
                              fmt_number, fmt_pct, get_policy, kpi, table)
from analytics.i18n import N_, _
from analytics.labels import label
from analytics.views.loss import ENTERED, TOTAL
from analytics.views.loss import panel, reconcile_views
from analytics.views.receivables import bucket_labels

FROM_ROLL_RATES, BY_FINANCE = N_("derived from roll rates"), N_("entered by finance")  # the rate sources (widget values)
BUCKET_WORDS = {"not due": N_("not due"), TOTAL: TOTAL}  # bucket labels in words, shown through _()
WINDOWS = [3, 6, 9, 12, 18, 24, 36]


def in_words(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame's bucket labels in the reader's language."""
    return frame.with_columns(pl.col("bucket").replace({k: _(v) for k, v in BUCKET_WORDS.items()}))


ctx = context()
cur = ctx.currency
policy = get_policy()
bounds = policy.provision_bucket_upper_dpd
labels = bucket_labels(bounds)

st.title(_("Roll rates and provisions"))
st.caption(_("IFRS 9 simplified approach: lifetime expected credit loss from a provision matrix of loss rates by "
             "aging bucket. Buckets from the credit policy (`[provisions] bucket_upper_dpd`)."))

c1, c2, c3 = st.columns([2, 2, 3])
window = c1.select_slider(_("Roll-rate window (months)"), options=WINDOWS,
                          value=policy.roll_window_months if policy.roll_window_months in WINDOWS else 12,
                          key="roll_window", format_func=fmt_number,
                          help=_("Roll rates are averaged, amount-weighted, over this many month-to-month moves."))
overlay = c2.number_input(_("Forward-looking overlay"), min_value=0.1, max_value=5.0, step=0.05,
                          value=float(policy.overlay_factor), key="overlay",
                          help=_("A factor on every loss rate: 1.00 is none, 1.10 raises the rates by a tenth for "
                                 "a worse outlook; a rate never exceeds 100 %."))
source = c3.radio(_("Loss rates"), [FROM_ROLL_RATES, BY_FINANCE], horizontal=True, key="rate_source",
                  format_func=lambda v: _(v))

derived_view = cached_provision_view(ctx.version, ctx.as_of, ctx.filters, int(window), bounds, None, float(overlay))
rates: tuple[float, ...] | None = None
if source == BY_FINANCE:
    st.markdown(_("**Loss rates entered by finance** (percent; start from the derived ones)"))
    start = pl.DataFrame({
        "bucket": [_(BUCKET_WORDS.get(b, b)) for b in labels],
        "loss_rate_pct": [round((r or 0.0) * 100, 10) for r in derived_view.roll["loss_rate_frac"].to_list()],
    })
    edited = st.data_editor(
        start, key="rates_editor", hide_index=True, disabled=["bucket"], width="content",
        column_config={"bucket": st.column_config.TextColumn(label("bucket")),
                       "loss_rate_pct": st.column_config.NumberColumn(label("loss_rate_pct"), min_value=0.0,
                                                                      max_value=100.0, step=0.01,
                                                                      format="%.4f", required=True)})
    entered = pl.DataFrame(edited)["loss_rate_pct"].to_list()
    if any(v is None for v in entered):
        st.warning(_("Every bucket needs a rate; empty cells count as 0 %."), icon=":material/edit_note:")
    rates = tuple(float(v or 0.0) / 100 for v in entered)
view = derived_view if rates is None else cached_provision_view(
    ctx.version, ctx.as_of, ctx.filters, int(window), bounds, rates, float(overlay))
for note in view.notes:
    st.info(_(note), icon=":material/info:")

m = view.matrix
exposure = cached_exposure_view(ctx.version, ctx.as_of, ctx.filters)
if view.window:
    window_text = _("Roll-rate window: month-ends {first} to {last}; overlay × {factor}.").format(
        first=fmt_date(view.window[0]), last=fmt_date(view.window[1]), factor=fmt_number(m.overlay_factor, 2))
else:
    window_text = _("No roll-rate window before this date; overlay × {factor}.").format(
        factor=fmt_number(m.overlay_factor, 2))
# three tiles a row: the amounts stay whole at 1280×720 with the sidebar open
row1 = st.columns(3)
kpi(row1[0], _("Lifetime ECL"), fmt_amount(m.total_ecl, cur),
    help=_("The IFRS 9 provision to book: Σ gross carrying amount × loss rate × overlay, over the buckets."))
kpi(row1[1], _("Gross receivables"), fmt_amount(m.total_gross, cur),
    help=_("Gross carrying amount: the open AR at the as-of date, after each customer's credits."))
kpi(row1[2], label("coverage_pct", unit=False), fmt_pct(m.coverage_pct, 2),
    help=_("Lifetime ECL ÷ gross receivables."))
row2 = st.columns(3)
kpi(row2[0], label("expected_loss_amt", unit=False), fmt_amount(exposure.kpis.expected_loss_amt, cur),
    help=_("The Portfolio exposure page's Σ PD × LGD × net exposure, same customers and date: a risk-appetite and "
           "pricing measure, not the figure to book. The panel below reconciles the two."))
kpi(row2[1], _("Loss rates"), _("entered") if m.source == ENTERED else _("derived"), help=window_text)
kpi(row2[2], _("Overlay"), "× " + fmt_number(m.overlay_factor, 2),
    help=_("The forward-looking factor on every loss rate (1.00 = none)."))
explained = panel(reconcile_views(exposure, view, policy, bounds))
with st.expander(explained.title, icon=":material/balance:"):
    st.markdown(explained.markdown)

st.subheader(_("Provision matrix"))
# the chart above its table: side by side, the table's amounts would hide behind a scroll at 1280×720
st.plotly_chart(charts.ecl_bars(in_words(m.buckets), cur), key="ecl_bars")
shown = in_words(m.with_total()).with_columns((pl.col("loss_rate_frac") * 100).alias("loss_rate_pct")).select(
    "bucket", "gross_carrying_amt", "loss_rate_pct", "ecl_amt")
table(shown, f"provision_matrix_{view.as_of}", "t_matrix", cur)

st.subheader(_("Roll rates"))
st.caption(_("Roll rate of a bucket: the share of its balance at a month-end found in the next bucket a month later "
             "(tracked invoice by invoice; written off on the way counts). The last bucket is open-ended, so its "
             "rate is the share written off of its balance that was resolved (paid or written off) in the window. "
             "Loss rate of a bucket: the product of the roll rates from it to write-off."))
roll = in_words(view.roll)
c1, c2 = st.columns(2)
with c1:
    st.plotly_chart(charts.roll_rate_chart(roll), key="roll_chart")
with c2:
    st.plotly_chart(charts.monthly_roll_chart(in_words(view.monthly_roll)), key="roll_monthly")
table(roll.with_columns((pl.col("roll_rate_frac") * 100).alias("roll_rate_pct"),
                        (pl.col("loss_rate_frac") * 100).alias("loss_rate_pct")).drop("roll_rate_frac",
                                                                                        "loss_rate_frac"),
      f"roll_rates_{view.as_of}", "t_roll", cur)

st.subheader(_("ECL by segment"))
table(view.by_segment, f"ecl_by_segment_{view.as_of}", "t_ecl_seg", cur)
