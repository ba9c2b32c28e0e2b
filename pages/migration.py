"""Rating migration: the cohort transition matrix between two dates (counts, row %, exposure-
weighted, NR-adjusted), the pooled average of yearly cohorts and the duration estimate,
exposure flows between grades, movers with drill-down, and PD calibration."""

from datetime import date

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.views.monitoring import NR, available_years, wide, years_before
from analytics.app.ui import (plain, cached_migration_view, cached_rating_span, context, fmt_amount, fmt_int, fmt_pct,
                          get_policy, kpi, open_customer_on_select, table)
from analytics.views import InvalidRequest

ctx = context()
cur = ctx.currency
policy = get_policy()
scale = list(policy.scale)

st.title("Rating migration")
span = cached_rating_span(ctx.version)
if span is None:
    st.info("No ratings were loaded, so there is nothing to migrate. Load a ratings file "
            "(see Data and policy) to see migration matrices.", icon=":material/info:")
    st.stop()

end_default = ctx.as_of
start_default = max(years_before(end_default, 1), span[0])
c1, c2, c3, c4 = st.columns([1.2, 1.2, 1.6, 1.6])
start = c1.date_input("From", value=start_default, min_value=span[0], max_value=ctx.calendar.latest,
                      key=f"mig_from_{ctx.as_of}", help="Cohort: customers rated (not in default) on this date.")
end = c2.date_input("To", value=end_default, min_value=span[0], max_value=ctx.calendar.latest,
                    key=f"mig_to_{ctx.as_of}", help="Their grade on this date (D if they defaulted on the way).")
weight = c3.segmented_control("Weight", ["count", "exposure"], default="count", key="mig_weight",
                              format_func=lambda w: "customers" if w == "count" else f"exposure ({cur})",
                              help="Exposure: gross exposure at the start date.") or "count"
shown_as = c4.segmented_control("Show", ["row %", "counts", "NR-adjusted %"], default="row %", key="mig_show",
                                help="NR-adjusted: each rate divided by (1 − the row's NR rate), i.e. among the "
                                     "customers still rated at the end.") or "row %"
if not isinstance(start, date) or not isinstance(end, date):
    st.warning("Choose both dates.", icon=":material/edit_calendar:")
    st.stop()
years_max = max(1, available_years(end, span[0], 10))
avg_years = st.slider("Average matrix and calibration: yearly cohorts pooled", 1, max(years_max, 2),
                      min(policy.average_years, years_max), key=f"mig_years_{years_max}",
                      help="Consecutive one-year cohorts ending at the 'To' date; their counts are pooled.")
try:
    view = cached_migration_view(ctx.version, start, end, ctx.filters, int(avg_years))
except InvalidRequest as exc:
    st.warning(plain(exc), icon=":material/edit_calendar:")
    st.stop()
for note in view.notes:
    st.info(note, icon=":material/info:")

s = view.summary
n = int(s["customers"])
tiles = st.columns(6)
kpi(tiles[0], "Cohort", fmt_int(n), help=f"Customers rated and not in default on {view.start}.")
kpi(tiles[1], "Upgrades", fmt_int(int(s["upgrades"])),
    help=f"{fmt_int(int(s['notches_up']))} notches up · exposure {fmt_amount(s['upgrade_exposure_amt'], cur)}")
kpi(tiles[2], "Downgrades", fmt_int(int(s["downgrades"])),
    help=f"{fmt_int(int(s['notches_down']))} notches down (defaults included) · exposure "
         f"{fmt_amount(s['downgrade_exposure_amt'], cur)}")
kpi(tiles[3], "Stable", fmt_pct(s["stable_pct"]), help="Same grade at both dates.")
kpi(tiles[4], "Defaults", fmt_int(int(s["defaults"])), help=f"Rated {scale[-1]} on the way (absorbing).")
kpi(tiles[5], "No longer rated", fmt_int(int(s["not_rated"])),
    help=f"NR: latest rating at the end older than {policy.nr_after_months} months.")

value = {"counts": "count", "row %": "rate", "NR-adjusted %": "nr_adjusted_rate"}[shown_as]
if weight == "exposure":
    value = {"count": "exposure_amt", "rate": "exposure_rate", "nr_adjusted_rate": "exposure_rate"}[value]
percent = value.endswith("rate")
matrix = view.matrix if value != "nr_adjusted_rate" else view.matrix.filter(pl.col("to_grade") != NR)

st.subheader(f"Transition matrix {view.start} → {view.end}")
if weight == "exposure" and shown_as == "NR-adjusted %":
    st.caption("The NR adjustment applies to customer counts; exposure shares are shown as they are.")
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(charts.migration_heatmap(matrix, value, scale, percent), key="mig_heat")
with right:
    st.markdown("**Notches moved**")
    st.plotly_chart(charts.notch_bars(view.notches), key="mig_notches")
grid = wide(view.matrix, value, policy.scale, with_nr=value != "nr_adjusted_rate")
if percent:
    grid = grid.with_columns((pl.col(pl.Float64) * 100).round(2).name.suffix(" %"))
    grid = grid.select("from_grade", *[c for c in grid.columns if c.endswith(" %")])
table(grid, f"migration_{view.start}_{view.end}_{value}", "t_mig", cur)

st.subheader("Where the exposure went")
st.caption("Gross exposure at the start, from each grade to the grade at the end; red downgrades, blue upgrades.")
st.plotly_chart(charts.migration_sankey(view.flows, scale, cur), key="mig_sankey")

st.subheader("Average one-year matrix and the duration estimate")
window = f"{view.average_window[0]} to {view.average_window[1]}" if view.average_window else "no full year"
st.caption(f"Average: the counts of {view.average_years} consecutive one-year cohorts pooled ({window}). "
           "Duration: generator λᵢⱼ = moves i→j ÷ years spent in i over the same window, P(1 year) = exp(Λ); "
           "it counts moves within the year that a cohort misses (e.g. B → CCC → D).")
t_avg, t_dur = st.tabs(["Average (cohort)", "Duration (continuous time)"])
with t_avg:
    st.plotly_chart(charts.migration_heatmap(view.average, "rate", scale), key="mig_avg")
    table(wide(view.average, "count", policy.scale), "migration_average_counts", "t_avg", cur)
with t_dur:
    st.plotly_chart(charts.migration_heatmap(view.duration, "rate", scale), key="mig_dur")
    evidence = view.duration.group_by("from_grade", maintain_order=True).agg(pl.col("years_at_risk").first())
    st.caption("Years at risk behind each row: " + " · ".join(
        f"{g} {y:,.0f}" for g, y in zip(evidence["from_grade"].to_list(), evidence["years_at_risk"].to_list())))

st.subheader("Calibration: observed defaults against the assigned PD")
st.caption("Customers by grade at the start of each pooled one-year cohort, and how many defaulted within the "
           "year. The interval is exact (Clopper-Pearson, 95 %); a PD outside it is out of line with the "
           "evidence. Few customers mean a wide interval: read the counts.")
c1, c2 = st.columns([3, 2])
with c1:
    st.plotly_chart(charts.calibration_chart(view.calibration), key="mig_cal")
with c2:
    table(view.calibration.select("grade", "customers", "defaults", "expected_defaults", "assigned_pd_pct",
                                  "observed_default_rate_pct", "ci_low_pct", "ci_high_pct", "verdict"),
          "calibration", "t_cal", cur)

st.subheader("Movers")
st.caption(f"Customers whose grade changed from {view.start} to {view.end}, largest moves first, then largest "
           "exposure. Click a row to open its credit file.")
event = table(view.movers, f"movers_{view.start}_{view.end}", "t_movers", cur, height=420, selectable=True)
open_customer_on_select(event, view.movers, ctx.as_of)
