"""Payment KPIs: DSO (standard and countback), best possible DSO, ADD, CEI, days to pay,
days beyond terms, bad-debt ratio, % not due, % over 90, with their formulas and trends."""

import streamlit as st

from analytics.app import charts
from analytics.views.receivables import FORMULAS
from analytics.app.ui import cached_kpi_view, context, fmt_amount, fmt_pct, get_policy, kpi, table

ctx = context()
cur = ctx.currency
policy = get_policy()

st.title("Payment KPIs")
months = st.segmented_control("Period", [1, 3, 6, 12], default=policy.kpi_period_months, key="kpi_months",
                              format_func=lambda m: f"{m} month{'s' if m > 1 else ''}",
                              help="DSO, best possible DSO, CEI, days to pay and the bad-debt ratio cover this "
                                   "many months ending at the as-of date.") or policy.kpi_period_months
view = cached_kpi_view(ctx.version, ctx.as_of, ctx.filters, int(months))
k, p = view.current, view.previous
st.caption(f"As of {view.as_of} · period {k.period_days} days · net credit sales {fmt_amount(k.credit_sales_amt, cur)}"
           f" · open AR {fmt_amount(k.open_ar_amt, cur)}"
           + (f" · changes against {p.as_of}" if p else ""))


def days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f} days"


def change(name: str) -> float | None:
    now, before = getattr(k, name), None if p is None else getattr(p, name)
    return None if now is None or before is None else now - before


def trend(name: str) -> list[float]:
    values = view.trend[name].tail(13).to_list()
    return [0.0 if v is None else float(v) for v in values]


TILES = [  # name, label, kind of value, a rise is good / bad
    ("dso_days", "DSO", "days", "down"),
    ("countback_dso_days", "Countback DSO", "days", "down"),
    ("best_possible_dso_days", "Best possible DSO", "days", "down"),
    ("avg_days_delinquent", "ADD (days delinquent)", "days", "down"),
    ("cei_pct", "CEI", "pct", "up"),
    ("avg_days_to_pay", "Average days to pay", "days", "down"),
    ("days_beyond_terms", "Days beyond terms", "days", "down"),
    ("bad_debt_ratio_pct", "Bad-debt ratio", "pct", "down"),
    ("not_due_pct", "% not due", "pct", "up"),
    ("over_90_pct", "% over 90 days past due", "pct", "down"),
]
for start in range(0, len(TILES), 5):
    cols = st.columns(5)
    for col, (name, label, unit, good) in zip(cols, TILES[start:start + 5]):
        value = getattr(k, name)
        kpi(col, label, days(value) if unit == "days" else fmt_pct(value, 2 if name == "bad_debt_ratio_pct" else 1),
            change(name),
            "pp" if unit == "pct" else "days", good=good, help=FORMULAS[name], trend=trend(name))

st.subheader("Trends")
c1, c2 = st.columns(2)
with c1:
    st.markdown("**DSO, countback DSO and best possible DSO (days)**")
    st.plotly_chart(charts.kpi_trend(view.trend, {"dso_days": "DSO", "countback_dso_days": "Countback DSO",
                                                  "best_possible_dso_days": "Best possible DSO"}, "days"),
                    key="kpi_dso")
    st.markdown("**Days to pay and days beyond terms**")
    st.plotly_chart(charts.kpi_trend(view.trend, {"avg_days_to_pay": "Average days to pay",
                                                  "days_beyond_terms": "Days beyond terms"}, "days"),
                    key="kpi_days")
with c2:
    st.markdown("**CEI, % not due, % over 90 dpd (%)**")
    st.plotly_chart(charts.kpi_trend(view.trend, {"cei_pct": "CEI", "not_due_pct": "% not due",
                                                  "over_90_pct": "% over 90 dpd"}, "%"), key="kpi_pct")
    st.markdown("**Bad-debt ratio (%)**")
    st.plotly_chart(charts.kpi_trend(view.trend, {"bad_debt_ratio_pct": "Bad-debt ratio"}, "%"), key="kpi_bad")

with st.expander("How each KPI is computed"):
    st.markdown("\n".join(f"- **{label}**: {FORMULAS[name]}" for name, label, _u, _g in TILES))
    st.markdown("Credit sales are net of credit notes, translated at each month's closing rate. A period's days "
                "run from the day after the month-end before it to the as-of date.")
tabs = view.tables()
st.subheader("Figures")
table(tabs["kpis"].drop("formula"), f"payment_kpis_{view.as_of}", "t_kpis", cur)
with st.expander("Monthly KPIs and their inputs"):
    table(view.trend, "payment_kpi_trend", "t_kpi_trend", cur)
    table(view.monthly, "payment_kpi_inputs", "t_kpi_inputs", cur)
