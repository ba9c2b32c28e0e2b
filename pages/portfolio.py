"""Portfolio exposure: KPIs, breakdowns, concentration, utilization, mitigation, trend, largest names."""

import streamlit as st

from analytics.app import charts
from analytics.app.ui import cached_exposure_view, context, fmt_amount, fmt_int, fmt_pct, kpi, open_customer_on_select, table

ctx = context()
view = cached_exposure_view(ctx.version, ctx.as_of, ctx.filters)
cur = view.currency
k, p = view.kpis, view.previous_kpis

st.title("Portfolio exposure")
st.caption(
    f"As of {view.as_of} · amounts in {cur} at closing rates · "
    + ("all customers" if ctx.filters.is_empty else "filtered (see sidebar)")
    + (f" · changes against {view.previous_as_of}" if view.previous_as_of else "")
)
for note in view.notes:
    st.info(note, icon=":material/info:")
if k.credit_balance_amt < 0:
    st.caption(f"Credit balances (customers' money on account beyond what they owe): "
               f"{fmt_amount(-k.credit_balance_amt, cur, compact=False)}. They count as exposure 0, never less, "
               f"and take nothing off other customers' exposure; open AR after them "
               f"{fmt_amount(k.open_ar_amt, cur, compact=False)}.")


def change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


row1 = st.columns(4)
kpi(row1[0], "Gross exposure", fmt_amount(k.gross_exposure_amt, cur), change(k.gross_exposure_amt, p and p.gross_exposure_amt),
    currency=cur, help="Open AR + open orders not yet invoiced.", trend=view.sparkline("gross_exposure_amt"))
kpi(row1[1], "Net exposure", fmt_amount(k.net_exposure_amt, cur), change(k.net_exposure_amt, p and p.net_exposure_amt),
    currency=cur, help="Per customer max(0, gross exposure − valid collateral − insured cover), summed.",
    trend=view.sparkline("net_exposure_amt"))
kpi(row1[2], "Total limits", fmt_amount(k.limit_amt, cur), change(k.limit_amt, p and p.limit_amt), currency=cur,
    help="Credit limits in force at the as-of date.", trend=view.sparkline("limit_amt"))
kpi(row1[3], "Utilization", fmt_pct(k.utilization_pct), change(k.utilization_pct, p and p.utilization_pct), "pp",
    good="down", help="Exposure of the credit lines ÷ their limits (a group limit counts once, against the whole "
                      "group's exposure).",
    trend=view.sparkline("utilization_pct"))
row2 = st.columns(4)
kpi(row2[0], "Overdue share", fmt_pct(k.overdue_share_pct), change(k.overdue_share_pct, p and p.overdue_share_pct),
    "pp", good="down", help="Overdue open items (days past due > 0, after each customer's credits) ÷ open items.",
    trend=view.sparkline("overdue_share_pct"))
kpi(row2[1], "Expected loss", fmt_amount(k.expected_loss_amt, cur), change(k.expected_loss_amt, p and p.expected_loss_amt),
    currency=cur, good="down",
    help="Σ PD × LGD × net exposure; PD from the rating (or the policy PD of the grade), LGD from policy.")
kpi(row2[2], "Customers over limit", fmt_int(k.customers_over_limit),
    change(k.customers_over_limit, p and p.customers_over_limit), "int", good="down",
    help=f"Credit lines (a group limit is one) whose exposure is above the limit in force; over-limit amount "
         f"{fmt_amount(k.over_limit_amt, cur)}.",
    trend=view.sparkline("customers_over_limit"))
kpi(row2[3], "Customers with exposure", fmt_int(k.customers_with_exposure),
    change(k.customers_with_exposure, p and p.customers_with_exposure), "int",
    trend=view.sparkline("customers_with_exposure"))

st.subheader("Exposure by grade, industry, region and segment")
tabs = st.tabs(["Grade", "Industry", "Region", "Segment"], key="breakdown_tab", on_change="rerun")
for tab, dim in zip(tabs, ["grade", "industry", "region", "segment"]):
    if not tab.open:  # only the open tab is drawn (lazy tabs)
        continue
    with tab:
        frame = view.breakdowns[dim]
        st.plotly_chart(charts.exposure_bars(frame, dim, cur), key=f"bars_{dim}")
        table(frame, f"exposure_by_{dim}_{view.as_of}", f"t_{dim}", cur)

st.subheader("Concentration")
h1, h2, h3, h4 = st.columns(4)
h1.metric("HHI, customers", f"{view.hhi_customers_frac * 10_000:,.0f}", border=True,
          help="Herfindahl-Hirschman index Σ share² of gross exposure, in points (0-10,000).")
h2.metric("Equivalent names", fmt_int(round(view.equivalent_names)) if view.equivalent_names else "n/a", border=True,
          help="1 / HHI: the number of equal exposures that would give the same concentration.")
h3.metric("HHI, groups", f"{view.hhi_groups_frac * 10_000:,.0f}", border=True,
          help="The same index with customers of one group summed.")
h4.metric(f"Top {view.top_customers.height} share", fmt_pct(view.top_share_pct), border=True,
          help="Share of gross exposure held by the largest customers.")
c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**Top {view.top_customers.height} customers**")
    table(view.top_customers, f"top_customers_{view.as_of}", "t_topc", cur)
with c2:
    st.markdown(f"**Top {view.top_groups.height} groups**")
    table(view.top_groups, f"top_groups_{view.as_of}", "t_topg", cur)

c1, c2 = st.columns(2)
with c1:
    st.subheader("Utilization bands")
    st.plotly_chart(charts.utilization_chart(view.utilization, cur), key="util")
    table(view.utilization, f"utilization_bands_{view.as_of}", "t_util", cur)
with c2:
    st.subheader("Net exposure after collateral and insurance")
    st.plotly_chart(charts.mitigation_waterfall(view.mitigation, cur), key="mitig")
    table(view.mitigation.drop("measure"), f"mitigation_{view.as_of}", "t_mitig", cur)

st.subheader("Exposure and limits by month")
st.plotly_chart(charts.trend_lines(view.trend, cur), key="trend")
with st.expander("Monthly figures"):
    table(view.trend, "exposure_trend", "t_trend", cur)

st.subheader("Largest exposures")
st.caption("Tick a row to open the customer's credit file.")
event = table(view.largest, f"largest_exposures_{view.as_of}", "t_largest", cur, height=420, selectable=True)
open_customer_on_select(event, view.largest, view.as_of)
