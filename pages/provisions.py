"""Roll rates and the IFRS 9 provision matrix: rates derived from roll rates or entered by
finance, a forward-looking overlay, lifetime ECL per bucket, in total and by segment."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.views.receivables import bucket_labels
from analytics.app.ui import cached_provision_view, context, fmt_amount, fmt_pct, get_policy, kpi, table

ctx = context()
cur = ctx.currency
policy = get_policy()
bounds = policy.provision_bucket_upper_dpd
labels = bucket_labels(bounds)

st.title("Roll rates and provisions")
st.caption("IFRS 9 simplified approach: lifetime expected credit loss from a provision matrix of loss rates by "
           "aging bucket. Buckets from the credit policy ([provisions] bucket_upper_dpd).")

c1, c2, c3 = st.columns([2, 2, 3])
window = c1.select_slider("Roll-rate window (months)", options=[3, 6, 9, 12, 18, 24, 36],
                          value=policy.roll_window_months if policy.roll_window_months in (3, 6, 9, 12, 18, 24, 36)
                          else 12, key="roll_window",
                          help="Roll rates are averaged, amount-weighted, over this many month-to-month moves.")
overlay = c2.number_input("Forward-looking overlay factor", min_value=0.1, max_value=5.0, step=0.05,
                          value=float(policy.overlay_factor), key="overlay",
                          help="Multiplies every loss rate (1.0 = none, 1.10 = +10 % for a worse outlook); "
                               "a rate never exceeds 100 %.")
source = c3.radio("Loss rates", ["derived from roll rates", "entered by finance"], horizontal=True,
                  key="rate_source")

derived_view = cached_provision_view(ctx.version, ctx.as_of, ctx.filters, int(window), bounds, None, float(overlay))
rates: tuple[float, ...] | None = None
if source == "entered by finance":
    st.markdown("**Loss rates entered by finance** (percent; start from the derived ones)")
    start = pl.DataFrame({
        "bucket": labels,
        "loss_rate_pct": [round((r or 0.0) * 100, 10) for r in derived_view.roll["loss_rate_frac"].to_list()],
    })
    edited = st.data_editor(
        start, key="rates_editor", hide_index=True, disabled=["bucket"], width="content",
        column_config={"loss_rate_pct": st.column_config.NumberColumn("loss rate (%)", min_value=0.0,
                                                                      max_value=100.0, step=0.01,
                                                                      format="%.4f", required=True)})
    entered = pl.DataFrame(edited)["loss_rate_pct"].to_list()
    if any(v is None for v in entered):
        st.warning("Every bucket needs a rate; empty cells count as 0 %.", icon=":material/edit_note:")
    rates = tuple(float(v or 0.0) / 100 for v in entered)
view = derived_view if rates is None else cached_provision_view(
    ctx.version, ctx.as_of, ctx.filters, int(window), bounds, rates, float(overlay))
for note in view.notes:
    st.info(note, icon=":material/info:")

m = view.matrix
window_text = f"{view.window[0]} to {view.window[1]}" if view.window else "none"
tiles = st.columns(4)
kpi(tiles[0], "Lifetime ECL", fmt_amount(m.total_ecl, cur),
    help="Σ gross carrying amount × loss rate × overlay, over the buckets.")
kpi(tiles[1], "Gross receivables", fmt_amount(m.total_gross, cur), help="Open AR at the as-of date.")
kpi(tiles[2], "Coverage", fmt_pct(m.coverage_pct, 2),
    help="Lifetime ECL ÷ gross receivables.")
kpi(tiles[3], "Loss rates", "derived" if m.source.startswith("derived") else "entered", help=f"Roll-rate window: month-ends {window_text}; overlay × {m.overlay_factor:g}.")

left, right = st.columns([3, 2])
with left:
    st.subheader("Provision matrix")
    st.plotly_chart(charts.ecl_bars(m.buckets, cur), key="ecl_bars")
with right:
    st.subheader(" ")
    shown = m.with_total().with_columns((pl.col("loss_rate_frac") * 100).alias("loss_rate_pct")).select(
        "bucket", "gross_carrying_amt", "loss_rate_pct", "ecl_amt")
    table(shown, f"provision_matrix_{view.as_of}", "t_matrix", cur)

st.subheader("Roll rates")
st.caption("Roll rate of a bucket: the share of its balance at a month-end found in the next bucket a month later "
           "(tracked invoice by invoice; written off on the way counts). The last bucket is open-ended, so its rate "
           "is the share written off of its balance that was resolved (paid or written off) in the window. "
           "Loss rate of a bucket: the product of the roll rates from it to write-off.")
c1, c2 = st.columns(2)
with c1:
    st.plotly_chart(charts.roll_rate_chart(view.roll), key="roll_chart")
with c2:
    st.plotly_chart(charts.monthly_roll_chart(view.monthly_roll), key="roll_monthly")
table(view.roll.with_columns((pl.col("roll_rate_frac") * 100).alias("roll_rate_pct"),
                             (pl.col("loss_rate_frac") * 100).alias("loss_rate_pct")).drop("roll_rate_frac", "loss_rate_frac"),
      f"roll_rates_{view.as_of}", "t_roll", cur)

st.subheader("ECL by segment")
table(view.by_segment, f"ecl_by_segment_{view.as_of}", "t_ecl_seg", cur)
