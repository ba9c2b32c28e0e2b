"""Monitoring views shared by the pages and the CLI: rating migration, the watchlist and
the periodic review schedule. Each runs the named queries, then the pure computations
(migration, watchlist, reviews), so page and report agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from analytics import migration as mg
from analytics.exposure import Filters
from analytics.policy import Policy
from analytics.views import InvalidRequest, calendar
from analytics.warehouse import Warehouse

MOVERS_N = 500


@dataclass(frozen=True)
class MigrationView:
    """Everything the Rating migration page and `report migration` show."""

    start: date
    end: date
    summary: dict[str, float]
    matrix: pl.DataFrame  # long: from_grade, to_grade, count, rate, exposure_amt, exposure_rate, nr_adjusted_rate
    notches: pl.DataFrame  # notches, customers, exposure_amt
    flows: pl.DataFrame  # from_grade, to_grade, customers, exposure_amt
    movers: pl.DataFrame  # the largest moves first, with names
    average_years: int
    average_window: tuple[date, date] | None
    average: pl.DataFrame  # long, pooled counts of the yearly cohorts
    duration: pl.DataFrame  # long: from_grade, to_grade, rate, years_at_risk
    calibration: pl.DataFrame
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"matrix": self.matrix, "average_matrix": self.average, "duration_matrix": self.duration,
                "calibration": self.calibration, "movers": self.movers, "notches": self.notches,
                "flows": self.flows}


def rating_span(wh: Warehouse) -> tuple[date, date] | None:
    """First and last rating date, or None when no ratings were loaded."""
    row = wh.query("rating_range").row(0, named=True)
    return (row["first_rated_on"], row["last_rated_on"]) if row["ratings_count"] else None


def migration_view(wh: Warehouse, start: date, end: date, filters: Filters, policy: Policy,
                   average_years: int | None = None) -> MigrationView:
    """Cohort matrix from start to end, the pooled average of the yearly cohorts ending at
    end, the duration estimate over the same window, calibration, movers."""
    last = calendar(wh).latest
    span = rating_span(wh)
    if span is None:
        raise InvalidRequest("no ratings were loaded: load a ratings file to see migration")
    if not start < end:
        raise InvalidRequest(f"the start date {start} must be before the end date {end}")
    if end > last:
        raise InvalidRequest(f"the end date {end} is after the last data date {last}")
    if start < span[0]:
        raise InvalidRequest(f"the start date {start} is before the first rating ({span[0]})")
    years = policy.average_years if average_years is None else average_years
    if not 1 <= years <= 20:
        raise InvalidRequest(f"the averaging window must be 1-20 years, not {years}")
    notes: list[str] = []
    params = dict(default_grade=policy.default_grade, nr_after_months=policy.nr_after_months, **filters.params())
    cohort = wh.query("rating_cohorts", starts=[start], ends=[end], **params)

    starts, ends = mg.yearly_starts(end, years)
    usable = [(s, e) for s, e in zip(starts, ends) if s >= span[0]]
    if len(usable) < years:
        notes.append(f"The ratings start on {span[0]}: the average uses {len(usable)} yearly cohort(s), "
                     f"not {years}.")
    if usable:
        pooled = wh.query("rating_cohorts", starts=[s for s, _ in usable], ends=[e for _, e in usable], **params)
        window: tuple[date, date] | None = (usable[0][0], usable[-1][1])
        spells = wh.query("rating_spells", window_start=window[0], window_end=window[1], **params)
    else:
        pooled = cohort.clear()
        window = None
        spells = pl.DataFrame(schema={"from_grade": pl.String, "to_grade": pl.String,
                                      "transitions_count": pl.Int64, "years_at_risk": pl.Float64})
    if cohort.height == 0:
        notes.append(f"No customer was rated on {start} (within the last {policy.nr_after_months} months) "
                     "in the chosen filters.")
    movers = mg.movers(cohort, policy.scale).head(MOVERS_N)
    labels = wh.query("customer_labels", ids=movers["customer_id"].to_list()).select("customer_id", "name")
    movers = movers.join(labels, on="customer_id", how="left").select("customer_id", "name", *movers.columns[1:])
    return MigrationView(
        start=start, end=end,
        summary=mg.summary(cohort, policy.scale),
        matrix=mg.cohort_matrix(cohort, policy.scale),
        notches=mg.notch_distribution(cohort, policy.scale),
        flows=mg.flows(cohort),
        movers=movers,
        average_years=len(usable),
        average_window=window,
        average=mg.cohort_matrix(pooled, policy.scale),
        duration=mg.duration_matrix(spells, policy.scale),
        calibration=mg.calibration(pooled, policy.scale, policy.pd_pct),
        notes=notes,
    )
