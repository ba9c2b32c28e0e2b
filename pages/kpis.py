"""Payment KPIs: DSO (standard and countback), best possible DSO, ADD, CEI, days to pay,
days beyond terms, bad-debt ratio, % not due, % over 90, with their formulas and trends."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.ui import cached_kpi_view, context, get_policy, kpi, table
from analytics.formats import MISSING, fmt_amount, fmt_date, fmt_days, fmt_int, fmt_pct
from analytics.i18n import N_, _, ngettext
from analytics.labels import label
from analytics.views.receivables import FORMULAS

PERIODS = (1, 3, 6, 12)
TILES = [  # name, short label (the formula is in the help), kind of value, a rise is good / bad
    ("dso_days", N_("DSO"), "days", "down"),
    ("countback_dso_days", N_("Countback DSO"), "days", "down"),
    ("best_possible_dso_days", N_("Best possible DSO"), "days", "down"),
    ("avg_days_delinquent", N_("ADD"), "days", "down"),
    ("cei_pct", N_("CEI"), "pct", "up"),
    ("avg_days_to_pay", N_("Days to pay"), "days", "down"),
    ("days_beyond_terms", N_("Days beyond terms"), "days", "down"),
    ("bad_debt_ratio_pct", N_("Bad-debt ratio"), "pct", "down"),
    ("not_due_pct", N_("Not due"), "pct", "up"),
    ("over_90_pct", N_("Over 90 days"), "pct", "down"),
]
PER_ROW = 4  # at 1280 pixels with the sidebar open, five tiles cut their values

ctx = context()
cur = ctx.currency
policy = get_policy()

st.title(_("Payment KPIs"))
default = policy.kpi_period_months if policy.kpi_period_months in PERIODS else 3
months = st.segmented_control(
    _("Period"), list(PERIODS), default=default, key="kpi_months",
    format_func=lambda m: ngettext("{n} month", "{n} months", m).format(n=fmt_int(m)),
    help=_("DSO, best possible DSO, CEI, days to pay and the bad-debt ratio cover this many months ending at the "
           "as-of date.")) or default
view = cached_kpi_view(ctx.version, ctx.as_of, ctx.filters, int(months))
k, p = view.current, view.previous
caption = [
    _("As of {date}").format(date=fmt_date(view.as_of)),
    ngettext("period: {n} month, {start} – {end}", "period: {n} months, {start} – {end}",
             view.period_months).format(n=fmt_int(view.period_months), start=fmt_date(k.period_start),
                                        end=fmt_date(k.as_of)),
]
if k.dso_days is not None:
    caption.append(_("net credit sales {amount}").format(amount=fmt_amount(k.credit_sales_amt, cur)))
caption.append(_("open AR {amount}").format(amount=fmt_amount(k.open_ar_amt, cur)))
if p is not None:
    caption.append(_("changes against {date}").format(date=fmt_date(p.as_of)))
st.caption(" · ".join(caption))
if not k.complete:
    st.info(_("The data begins on {first}: the {n}-month period is shortened to the {days} days from then to {end}, "
              "and the period's KPIs are computed over them.").format(
        n=fmt_int(view.period_months), days=fmt_int(k.period_days), end=fmt_date(k.as_of),
        first=fmt_date(view.first_day)), icon=":material/history:")
if "cei_pct" in k.missing_history:
    st.info(_("CEI needs the open AR at the start of the period, before the data begins on {first}: choose a later "
              "as-of date or a shorter period.").format(first=fmt_date(view.first_day)), icon=":material/history:")


def shown(name: str, value: float | None) -> str:
    """A KPI's value: whole days, or a percent (the bad-debt ratio with two decimals)."""
    if dict((n, u) for n, _l, u, _g in TILES)[name] == "days":
        return fmt_days(value, not_due=False)
    return fmt_pct(value, 2 if name == "bad_debt_ratio_pct" else 1)


def change(name: str) -> float | None:
    now, before = getattr(k, name), None if p is None else getattr(p, name)
    return None if now is None or before is None else now - before


def trend(name: str) -> list[float]:
    return [float(v) for v in view.trend[name].tail(13).to_list() if v is not None]


for start in range(0, len(TILES), PER_ROW):
    cols = st.columns(PER_ROW)
    for col, (name, short, unit, good) in zip(cols, TILES[start:start + PER_ROW]):
        if name in k.missing_history:  # a clear text, not a number from a shorter period
            col.metric(_(short), MISSING, _("not enough history"), delta_color="off", delta_arrow="off",
                       border=True, help=_(FORMULAS[name]), height="stretch")
            continue
        kpi(col, _(short), shown(name, getattr(k, name)), change(name), "pp" if unit == "pct" else "days",
            good=good, help=_(FORMULAS[name]), trend=trend(name))

st.subheader(_("Trends"))
c1, c2 = st.columns(2)
with c1:
    st.markdown("**" + _("DSO, countback DSO and best possible DSO (days)") + "**")
    st.plotly_chart(charts.kpi_trend(view.trend, {"dso_days": _("DSO"), "countback_dso_days": _("Countback DSO"),
                                                  "best_possible_dso_days": _("Best possible DSO")}, _("days")),
                    key="kpi_dso")
    st.markdown("**" + _("Days to pay and days beyond terms") + "**")
    st.plotly_chart(charts.kpi_trend(view.trend, {"avg_days_to_pay": _("Average days to pay"),
                                                  "days_beyond_terms": _("Days beyond terms")}, _("days")),
                    key="kpi_days")
with c2:
    st.markdown("**" + _("CEI, % not due, % over 90 days past due (%)") + "**")
    st.plotly_chart(charts.kpi_trend(view.trend, {"cei_pct": _("CEI"), "not_due_pct": _("% not due"),
                                                  "over_90_pct": _("% over 90 days past due")}, "%"), key="kpi_pct")
    st.markdown("**" + _("Bad-debt ratio (%)") + "**")
    st.plotly_chart(charts.kpi_trend(view.trend, {"bad_debt_ratio_pct": _("Bad-debt ratio")}, "%"), key="kpi_bad")

with st.expander(_("How each KPI is computed")):
    st.markdown("\n".join(f"- **{label(name, unit=False)}**: {_(FORMULAS[name])}" for name, *_rest in TILES))
    st.markdown(_("Credit sales are net of credit notes, translated at each month's closing rate. A period's days run "
                  "from the day after the month-end before it to the as-of date. A period that starts "
                  "before the first document ({first}) is shortened to it, and CEI also needs the open AR at the start of the period.").format(
                      first=fmt_date(view.first_day)))
tabs = view.tables()
st.subheader(_("Figures"))
figures = tabs["kpis"].drop("formula").with_columns(
    pl.col("kpi").replace_strict({name: label(name) for name, *_rest in TILES}, default=pl.col("kpi")))
table(figures, f"payment_kpis_{view.as_of}", "t_kpis", cur)
with st.expander(_("Monthly KPIs and their inputs")):
    table(view.trend, "payment_kpi_trend", "t_kpi_trend", cur)
    table(view.monthly, "payment_kpi_inputs", "t_kpi_inputs", cur)
