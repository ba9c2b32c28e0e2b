"""Rating migration: the cohort transition matrix between two dates (counts, row %, exposure-
weighted, NR-adjusted), the pooled average of yearly cohorts and the duration estimate,
exposure flows between grades, movers with drill-down, and PD calibration."""

from datetime import date

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.ui import (cached_migration_view, cached_rating_span, context, fmt_amount, fmt_date, fmt_int,
                              fmt_number, fmt_pct, get_policy, kpi, open_customer_on_select, plain, table)
from analytics.i18n import N_, _, ngettext
from analytics.views import InvalidRequest
from analytics.views.monitoring import NR, available_years, in_words, wide, years_before

ctx = context()
cur = ctx.currency
policy = get_policy()
scale = list(policy.scale)
# the matrix's forms (machine values in the session) in words
SHOWN_AS = {"row %": N_("row %"), "counts": N_("counts"), "NR-adjusted %": N_("NR-adjusted %")}

st.title(_("Rating migration"))
span = cached_rating_span(ctx.version)
if span is None:
    st.info(_("No ratings were loaded, so there is nothing to migrate. Load a ratings file (see Data and policy) "
              "to see migration matrices."), icon=":material/info:")
    st.stop()

end_default = ctx.as_of
start_default = max(years_before(end_default, 1), span[0])
c1, c2, c3, c4 = st.columns([1.2, 1.2, 1.6, 1.6])
start = c1.date_input(_("Start date"), value=start_default, min_value=span[0], max_value=ctx.calendar.latest,
                      key=f"mig_from_{ctx.as_of}", help=_("Cohort: customers rated (not in default) on this date."))
end = c2.date_input(_("End date"), value=end_default, min_value=span[0], max_value=ctx.calendar.latest,
                    key=f"mig_to_{ctx.as_of}", help=_("Their grade on this date (D if they defaulted on the way)."))
weight = c3.segmented_control(_("Weight"), ["count", "exposure"], default="count", key="mig_weight",
                              format_func=lambda w: _("customers") if w == "count"
                              else _("exposure ({currency})").format(currency=cur),
                              help=_("Exposure: gross exposure at the start date.")) or "count"
shown_as = c4.segmented_control(_("Show"), list(SHOWN_AS), default="row %", key="mig_show",
                                format_func=lambda v: _(SHOWN_AS[v]),
                                help=_("NR-adjusted: each rate divided by (1 − the row's NR rate), i.e. among the "
                                       "customers still rated at the end.")) or "row %"
if not isinstance(start, date) or not isinstance(end, date):
    st.warning(_("Choose both dates."), icon=":material/edit_calendar:")
    st.stop()
years_max = max(1, available_years(end, span[0], 10))
avg_years = st.slider(_("Average matrix and calibration: yearly cohorts pooled"), 1, max(years_max, 2),
                      min(policy.average_years, years_max), key=f"mig_years_{years_max}",
                      help=_("Consecutive one-year cohorts ending at the end date; their counts are pooled."))
try:
    view = cached_migration_view(ctx.version, start, end, ctx.filters, int(avg_years))
except InvalidRequest as exc:
    st.warning(plain(exc), icon=":material/edit_calendar:")
    st.stop()
for note in view.notes:
    st.info(note, icon=":material/info:")

s = view.summary
n = int(s["customers"])
row1 = st.columns(3)
kpi(row1[0], _("Cohort"), fmt_int(n), help=_("Customers rated and not in default on {date}.").format(
    date=fmt_date(view.start)))
kpi(row1[1], _("Upgrades"), fmt_int(int(s["upgrades"])),
    help=ngettext("{n} notch up · exposure {exposure}", "{n} notches up · exposure {exposure}",
                  int(s["notches_up"])).format(n=fmt_int(int(s["notches_up"])),
                                                exposure=fmt_amount(s["upgrade_exposure_amt"], cur)))
kpi(row1[2], _("Downgrades"), fmt_int(int(s["downgrades"])),
    help=ngettext("{n} notch down (defaults included) · exposure {exposure}",
                  "{n} notches down (defaults included) · exposure {exposure}",
                  int(s["notches_down"])).format(n=fmt_int(int(s["notches_down"])),
                                                  exposure=fmt_amount(s["downgrade_exposure_amt"], cur)))
row2 = st.columns(3)
kpi(row2[0], _("Stable"), fmt_pct(s["stable_pct"]), help=_("Same grade at both dates."))
kpi(row2[1], _("Defaults"), fmt_int(int(s["defaults"])),
    help=_("Rated {grade} on the way (absorbing).").format(grade=scale[-1]))
kpi(row2[2], _("No longer rated"), fmt_int(int(s["not_rated"])),
    help=_("NR: latest rating at the end older than {months} months.").format(months=fmt_int(policy.nr_after_months)))

value = {"counts": "count", "row %": "rate", "NR-adjusted %": "nr_adjusted_rate"}[shown_as]
if weight == "exposure":
    value = {"count": "exposure_amt", "rate": "exposure_rate", "nr_adjusted_rate": "exposure_rate"}[value]
percent = value.endswith("rate")
matrix = view.matrix if value != "nr_adjusted_rate" else view.matrix.filter(pl.col("to_grade") != NR)

st.subheader(_("Transition matrix {start} → {end}").format(start=fmt_date(view.start), end=fmt_date(view.end)))
if weight == "exposure" and shown_as == "NR-adjusted %":
    st.caption(_("The NR adjustment applies to customer counts; exposure shares are shown as they are."))
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(charts.migration_heatmap(matrix, value, scale, percent), key="mig_heat")
with right:
    st.markdown("**" + _("Notches moved") + "**")
    st.plotly_chart(charts.notch_bars(view.notches), key="mig_notches")
grid = wide(view.matrix, value, policy.scale, with_nr=value != "nr_adjusted_rate")
grades = [c for c in grid.columns if c != "from_grade"]
if percent:  # each grade's column headed with its unit (a grade is no field name: shown as it is)
    grid = grid.select("from_grade", *[(pl.col(g) * 100).round(2).alias(f"{g} %") for g in grades])
elif value == "exposure_amt":
    grid = grid.select("from_grade", *[pl.col(g).alias(f"{g} ({cur})") for g in grades])
table(grid, f"migration_{view.start}_{view.end}_{value}", "t_mig", cur)

st.subheader(_("Where the exposure went"))
st.caption(_("Gross exposure at the start, from each grade to the grade at the end; red downgrades, blue upgrades."))
st.plotly_chart(charts.migration_sankey(view.flows, scale, cur), key="mig_sankey")

st.subheader(_("Average one-year matrix and the duration estimate"))
window = (_("{start} to {end}").format(start=fmt_date(view.average_window[0]), end=fmt_date(view.average_window[1]))
          if view.average_window else _("no full year"))
st.caption(ngettext(
    "Average: the counts of {n} one-year cohort pooled ({window}). Duration: generator `λᵢⱼ` = moves `i → j` ÷ "
    "years spent in `i` over the same window, `P(1) = exp(Λ)`; it counts moves within the year that a cohort "
    "misses (for example B → CCC → D).",
    "Average: the counts of {n} consecutive one-year cohorts pooled ({window}). Duration: generator `λᵢⱼ` = "
    "moves `i → j` ÷ years spent in `i` over the same window, `P(1) = exp(Λ)`; it counts moves within the year "
    "that a cohort misses (for example B → CCC → D).", view.average_years).format(
    n=fmt_int(view.average_years), window=window))
t_avg, t_dur = st.tabs([_("Average (cohort)"), _("Duration (continuous time)")])
with t_avg:
    st.plotly_chart(charts.migration_heatmap(view.average, "rate", scale), key="mig_avg")
    table(wide(view.average, "count", policy.scale), "migration_average_counts", "t_avg", cur)
with t_dur:
    st.plotly_chart(charts.migration_heatmap(view.duration, "rate", scale), key="mig_dur")
    evidence = view.duration.group_by("from_grade", maintain_order=True).agg(pl.col("years_at_risk").first())
    st.caption(_("Years at risk behind each row: {years}").format(years=" · ".join(
        f"{g} {fmt_number(y)}" for g, y in zip(evidence["from_grade"].to_list(), evidence["years_at_risk"].to_list()))))

st.subheader(_("Calibration: observed defaults against the assigned PD"))
st.caption(_("Customers by grade at the start of each pooled one-year cohort, and how many defaulted within the "
             "year. The interval is exact (`Clopper-Pearson`, 95 %); a PD outside it is out of line with the "
             "evidence. Few customers mean a wide interval: read the counts."))
c1, c2 = st.columns([3, 2])
with c1:
    st.plotly_chart(charts.calibration_chart(view.calibration), key="mig_cal")
with c2:
    table(in_words(view.calibration.select("grade", "customers", "defaults", "assigned_pd_pct",
                                           "observed_default_rate_pct", "verdict", "expected_defaults", "ci_low_pct",
                                           "ci_high_pct")),
          "calibration", "t_cal", cur)

st.subheader(_("Movers"))
st.caption(_("Customers whose grade changed from {start} to {end}, largest moves first, then largest exposure. "
             "Click a row to open its credit file.").format(start=fmt_date(view.start), end=fmt_date(view.end)))
event = table(in_words(view.movers), f"movers_{view.start}_{view.end}", "t_movers", cur, height=420, selectable=True)
open_customer_on_select(event, view.movers, ctx.as_of)
