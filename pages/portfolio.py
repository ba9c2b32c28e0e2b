"""Portfolio exposure: KPIs, the loss figures explained, breakdowns, concentration, utilization,
mitigation, trend, largest names."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.ui import (MISSING, cached_exposure_view, cached_provision_view, context, fmt_amount, fmt_date,
                              fmt_int, fmt_pct, get_policy, kpi, open_customer_on_select, table)
from analytics.i18n import N_, _, ngettext
from analytics.labels import label
from analytics.views.loss import exposure_terms as ex
from analytics.views.loss import panel, reconcile_views

LINE_SCOPES = {"entity": N_("own limit"), "group": N_("group limit")}  # line_scope values of the data


def in_words(frame: pl.DataFrame, column: str, words: dict[str, str]) -> pl.DataFrame:
    """The view's own values of `column` (machine words such as 'unrated') in the reader's language."""
    if column not in frame.columns:
        return frame
    return frame.with_columns(pl.col(column).replace({k: _(v) for k, v in words.items()}))


GRADE_WORDS = {ex.UNRATED: ex.UNRATED, ex.UNKNOWN: ex.UNKNOWN}

ctx = context()
policy = get_policy()
view = cached_exposure_view(ctx.version, ctx.as_of, ctx.filters)
cur = view.currency
k, p = view.kpis, view.previous_kpis

st.title(_("Portfolio exposure"))
facts = [_("As of {date}").format(date=fmt_date(view.as_of)),
         _("amounts in {currency} at closing rates").format(currency=cur),
         _("all customers") if ctx.filters.is_empty else _("filtered (see sidebar)")]
if view.previous_as_of:
    facts.append(_("changes against {date}").format(date=fmt_date(view.previous_as_of)))
st.caption(" · ".join(facts))
for note in view.notes:
    st.info(_(note), icon=":material/info:")
if k.credit_balance_amt < 0:
    st.caption(_("Credit balances (customers' money on account beyond what they owe): {credits}. They count as "
                 "exposure 0, never less, and take nothing off other customers' exposure; open AR after them "
                 "{open_ar}.").format(credits=fmt_amount(-k.credit_balance_amt, cur, compact=False),
                                      open_ar=fmt_amount(k.open_ar_amt, cur, compact=False)))


def change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


# three tiles a row: the amounts stay whole at 1280×720 with the sidebar open
row1 = st.columns(3)
kpi(row1[0], label("gross_exposure_amt", unit=False), fmt_amount(k.gross_exposure_amt, cur),
    change(k.gross_exposure_amt, p and p.gross_exposure_amt), currency=cur,
    help=_("Open AR + open orders not yet invoiced."), trend=view.sparkline("gross_exposure_amt"))
kpi(row1[1], label("net_exposure_amt", unit=False), fmt_amount(k.net_exposure_amt, cur),
    change(k.net_exposure_amt, p and p.net_exposure_amt), currency=cur,
    help=_("Per customer max(0, gross exposure − valid collateral − insured cover), summed."),
    trend=view.sparkline("net_exposure_amt"))
kpi(row1[2], label("customers_with_exposure", unit=False), fmt_int(k.customers_with_exposure),
    change(k.customers_with_exposure, p and p.customers_with_exposure), "int",
    help=_("Customers whose gross exposure is above 0."), trend=view.sparkline("customers_with_exposure"))
row2 = st.columns(3)
kpi(row2[0], _("Total limits"), fmt_amount(k.limit_amt, cur), change(k.limit_amt, p and p.limit_amt), currency=cur,
    help=_("Credit limits in force at the as-of date (a group limit counts once)."), trend=view.sparkline("limit_amt"))
kpi(row2[1], label("utilization_pct", unit=False), fmt_pct(k.utilization_pct),
    change(k.utilization_pct, p and p.utilization_pct), "pp", good="down",
    help=_("Exposure of the credit lines ÷ their limits (a group limit counts once, against the whole group's "
           "exposure)."), trend=view.sparkline("utilization_pct"))
kpi(row2[2], label("customers_over_limit", unit=False), fmt_int(k.customers_over_limit),
    change(k.customers_over_limit, p and p.customers_over_limit), "int", good="down",
    help=_("Credit lines (a group limit is one) whose exposure is above the limit in force; over-limit amount "
           "{amount}.").format(amount=fmt_amount(k.over_limit_amt, cur)),
    trend=view.sparkline("customers_over_limit"))
row3 = st.columns(3)
kpi(row3[0], label("overdue_share_pct", unit=False), fmt_pct(k.overdue_share_pct),
    change(k.overdue_share_pct, p and p.overdue_share_pct), "pp", good="down",
    help=_("Overdue open items (days past due > 0, after each customer's credits) ÷ open items."),
    trend=view.sparkline("overdue_share_pct"))
kpi(row3[1], label("expected_loss_amt", unit=False), fmt_amount(k.expected_loss_amt, cur),
    change(k.expected_loss_amt, p and p.expected_loss_amt), currency=cur, good="down",
    help=_("Σ PD × LGD × net exposure over one year; PD from the rating (or the policy PD of the grade), LGD from "
           "the policy. A risk-appetite and pricing measure, not the figure to book: see the panel below."))
provision = cached_provision_view(ctx.version, ctx.as_of, ctx.filters, policy.roll_window_months,
                                  policy.provision_bucket_upper_dpd, None, policy.overlay_factor)
kpi(row3[2], _("Lifetime ECL"), fmt_amount(provision.matrix.total_ecl, cur), good="down",
    help=" ".join([_("The IFRS 9 provision to book: lifetime expected credit loss of the open AR by the provision "
                     "matrix (the policy's roll-rate window and overlay), as on the Roll rates and provisions page."),
                   *[_(note) for note in provision.notes]]))
explained = panel(reconcile_views(view, provision, policy))
with st.expander(explained.title, icon=":material/balance:"):
    st.markdown(explained.markdown)

st.subheader(_("Exposure by grade, industry, region and segment"))
dims = list(ex.BREAKDOWN_DIMENSIONS)
tabs = st.tabs([label(d) for d in dims], key="breakdown_tab", on_change="rerun")
for tab, dim in zip(tabs, dims):
    if not tab.open:  # only the open tab is drawn (lazy tabs)
        continue
    with tab:
        frame = in_words(view.breakdowns[dim], dim, GRADE_WORDS)
        st.plotly_chart(charts.exposure_bars(frame, dim, cur), key=f"bars_{dim}")
        table(frame, f"exposure_by_{dim}_{view.as_of}", f"t_{dim}", cur)

st.subheader(_("Concentration"))
h1, h2, h3, h4 = st.columns(4)
h1.metric(_("HHI, customers"), fmt_int(view.hhi_customers_frac * 10_000), border=True,
          help=_("Herfindahl-Hirschman index Σ share² of gross exposure, in points (0-10,000)."))
h2.metric(_("Equivalent names"), MISSING if view.equivalent_names is None else fmt_int(view.equivalent_names),
          border=True, help=_("1 / HHI: the number of equal exposures that would give the same concentration."))
h3.metric(_("HHI, groups"), fmt_int(view.hhi_groups_frac * 10_000), border=True,
          help=_("The same index with customers of one group summed."))
n_top = view.top_customers.height
h4.metric(_("Top {n} share").format(n=fmt_int(n_top)), fmt_pct(view.top_share_pct), border=True,
          help=_("Share of gross exposure held by the largest customers."))
c1, c2 = st.columns(2)
with c1:
    st.markdown(ngettext("**Top {n} customer**", "**Top {n} customers**", n_top).format(n=fmt_int(n_top)))
    table(view.top_customers, f"top_customers_{view.as_of}", "t_topc", cur)
with c2:
    n_groups = view.top_groups.height
    st.markdown(ngettext("**Top {n} group**", "**Top {n} groups**", n_groups).format(n=fmt_int(n_groups)))
    table(view.top_groups, f"top_groups_{view.as_of}", "t_topg", cur)

c1, c2 = st.columns(2)
with c1:
    st.subheader(_("Utilization bands"))
    bands = in_words(view.utilization, "band", {ex.NO_LIMIT: ex.NO_LIMIT})
    st.plotly_chart(charts.utilization_chart(bands, cur), key="util")
    table(bands, f"utilization_bands_{view.as_of}", "t_util", cur)
with c2:
    st.subheader(_("Net exposure after collateral and insurance"))
    steps = in_words(view.mitigation, "step", {s: s for s in ex.MITIGATION_STEPS})
    st.plotly_chart(charts.mitigation_waterfall(steps, cur), key="mitig")
    table(steps.drop("measure"), f"mitigation_{view.as_of}", "t_mitig", cur)

st.subheader(_("Exposure and limits by month"))
st.plotly_chart(charts.trend_lines(view.trend, cur), key="trend")
with st.expander(_("Monthly figures")):
    table(view.trend, "exposure_trend", "t_trend", cur)

st.subheader(_("Largest exposures"))
st.caption(_("Tick a row to open the customer's credit file."))
largest = in_words(in_words(view.largest, "grade", GRADE_WORDS), "line_scope", LINE_SCOPES)
event = table(largest, f"largest_exposures_{view.as_of}", "t_largest", cur, height=420, selectable=True)
open_customer_on_select(event, largest, view.as_of)
