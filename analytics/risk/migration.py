"""Rating migration: cohort transition matrices (counts, row rates, exposure-weighted,
NR-adjusted), pooled yearly averages, the duration (generator) estimate, movement
counts and notches, movers, and calibration of PDs against observed defaults.

Inputs are the frames of sql/queries/rating_cohorts.sql and rating_spells.sql; every
function here is pure so the page, the report and the tests agree.
"""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import polars as pl
from scipy.linalg import expm
from scipy.stats import binomtest

from analytics.i18n import N_
from analytics.risk.scoring import grade_rank

NR = "NR"
WEIGHTS = ("count", "exposure")
# machine values of the movers' direction and the calibration's verdict, as a user reads them
DIRECTION_LABELS: dict[str, str] = {"downgrade": N_("downgrade"), "upgrade": N_("upgrade")}
VERDICT_LABELS: dict[str, str] = {"no evidence": N_("no evidence"), "consistent": N_("consistent"),
                                  "PD too low": N_("PD too low"), "PD too high": N_("PD too high")}


_rank = grade_rank  # each grade's position on the scale (analytics.risk.scoring)


def cohort_matrix(cohort: pl.DataFrame, scale: tuple[str, ...]) -> pl.DataFrame:
    """Long transition matrix of one (or pooled) cohort(s).

    cohort: from_grade, to_grade, exposure_amt (one row per customer and cohort).
    Returns every (from_grade, to_grade) cell for the non-default grades as rows and
    the whole scale plus NR as columns: count, rate (= N_ij / N_i), exposure_amt,
    exposure_rate (exposure share of the row), nr_adjusted_rate (p_ij / (1 - p_i,NR)).
    Rates are null for rows with no customers.
    """
    rows = list(scale[:-1])
    cols = list(scale) + [NR]
    grid = pl.DataFrame({"from_grade": [r for r in rows for _ in cols], "to_grade": cols * len(rows)})
    cells = (cohort.group_by("from_grade", "to_grade")
             .agg(pl.len().cast(pl.Int64).alias("count"), pl.col("exposure_amt").sum()))
    out = (grid.join(cells, on=["from_grade", "to_grade"], how="left")
           .with_columns(pl.col("count").fill_null(0), pl.col("exposure_amt").fill_null(0.0)))
    row_n = pl.col("count").sum().over("from_grade")
    row_x = pl.col("exposure_amt").sum().over("from_grade")
    nr_share = (pl.col("count").filter(pl.col("to_grade") == NR).sum().over("from_grade") / row_n)
    out = out.with_columns(
        pl.when(row_n > 0).then(pl.col("count") / row_n).alias("rate"),
        pl.when(row_x > 0).then(pl.col("exposure_amt") / row_x).alias("exposure_rate"),
    ).with_columns(
        pl.when(pl.col("to_grade") == NR).then(None)
        .when((row_n > 0) & (nr_share < 1)).then(pl.col("rate") / (1 - nr_share))
        .alias("nr_adjusted_rate"),
    )
    return out


def wide(matrix: pl.DataFrame, value: str, scale: tuple[str, ...], with_nr: bool = True) -> pl.DataFrame:
    """One row per from_grade, one column per to_grade (the matrix as people read it)."""
    cols = list(scale) + ([NR] if with_nr else [])
    frame = matrix.filter(pl.col("to_grade").is_in(cols)).pivot(
        on="to_grade", index="from_grade", values=value, aggregate_function="first")
    return frame.select("from_grade", *[c for c in cols if c in frame.columns])


def summary(cohort: pl.DataFrame, scale: tuple[str, ...]) -> dict[str, float | None]:
    """Cohort size, upgrades, downgrades, stable (count and percent of the cohort), defaults and
    NR, with notches moved."""
    moved = with_notches(cohort, scale)
    rated = moved.filter(pl.col("to_grade") != NR)
    ups = rated.filter(pl.col("notches") < 0)
    downs = rated.filter(pl.col("notches") > 0)
    n = moved.height
    return {
        "customers": n,
        "exposure_amt": float(moved["exposure_amt"].sum()) if n else 0.0,
        "upgrades": ups.height,
        "downgrades": downs.height,
        "stable": rated.filter(pl.col("notches") == 0).height,
        "stable_pct": rated.filter(pl.col("notches") == 0).height / n * 100 if n else None,
        "defaults": moved.filter(pl.col("to_grade") == scale[-1]).height,
        "not_rated": moved.filter(pl.col("to_grade") == NR).height,
        "notches_up": int(-ups["notches"].sum()) if ups.height else 0,
        "notches_down": int(downs["notches"].sum()) if downs.height else 0,
        "upgrade_exposure_amt": float(ups["exposure_amt"].sum()) if ups.height else 0.0,
        "downgrade_exposure_amt": float(downs["exposure_amt"].sum()) if downs.height else 0.0,
    }


def with_notches(cohort: pl.DataFrame, scale: tuple[str, ...]) -> pl.DataFrame:
    """The cohort with notches moved: positive = downgrade, negative = upgrade, null for NR."""
    rank = _rank(scale)
    return cohort.with_columns(
        (pl.col("to_grade").replace_strict(rank, default=None, return_dtype=pl.Int64)
         - pl.col("from_grade").replace_strict(rank, default=None, return_dtype=pl.Int64)).alias("notches"))


def notch_distribution(cohort: pl.DataFrame, scale: tuple[str, ...]) -> pl.DataFrame:
    """Customers and exposure by notches moved (NR left out)."""
    moved = with_notches(cohort, scale).filter(pl.col("notches").is_not_null())
    return (moved.group_by("notches").agg(pl.len().cast(pl.Int64).alias("customers"),
                                           pl.col("exposure_amt").sum())
            .sort("notches"))


def movers(cohort: pl.DataFrame, scale: tuple[str, ...]) -> pl.DataFrame:
    """Customers whose grade changed (defaults included, NR left out): largest moves first,
    then largest exposure."""
    moved = with_notches(cohort, scale).filter(pl.col("notches").is_not_null() & (pl.col("notches") != 0))
    return (moved.with_columns(pl.when(pl.col("notches") > 0).then(pl.lit("downgrade"))
                               .otherwise(pl.lit("upgrade")).alias("direction"))
            .sort([pl.col("notches").abs(), "exposure_amt"], descending=True)
            .select("customer_id", "from_grade", "to_grade", "notches", "direction", "from_rated_on",
                    "to_rated_on", "default_on", "exposure_amt"))


def flows(cohort: pl.DataFrame) -> pl.DataFrame:
    """Exposure (and customers) flowing from each grade to each grade: the Sankey's links."""
    return (cohort.group_by("from_grade", "to_grade")
            .agg(pl.len().cast(pl.Int64).alias("customers"), pl.col("exposure_amt").sum())
            .filter(pl.col("customers") > 0))


def yearly_starts(end: date, years: int) -> tuple[list[date], list[date]]:
    """Start and end dates of `years` consecutive one-year cohorts ending at `end`."""
    ends = [years_before(end, k) for k in range(years)]
    starts = [years_before(end, k + 1) for k in range(years)]
    return starts[::-1], ends[::-1]


def available_years(end: date, first_rated_on: date, most: int = 20) -> int:
    """How many whole one-year cohorts ending at `end` the rating history covers."""
    return sum(1 for k in range(1, most + 1) if years_before(end, k) >= first_rated_on)


def years_before(d: date, years: int) -> date:
    """The same calendar day `years` earlier (month-ends stay month-ends; 29 Feb -> 28 Feb)."""
    y = d.year - years
    last = calendar.monthrange(y, d.month)[1]
    is_month_end = d.day == calendar.monthrange(d.year, d.month)[1]
    return date(y, d.month, last if is_month_end else min(d.day, last))


def generator(spells: pl.DataFrame, scale: tuple[str, ...]) -> np.ndarray:
    """Generator Λ of the duration estimate: λ_ij = transitions i→j / years spent in i,
    λ_ii = −Σ λ_ij. The default grade is absorbing (its row is zero).

    spells: from_grade, to_grade (null when no change), transitions_count, years_at_risk.
    """
    rank = _rank(scale)
    k = len(scale)
    lam = np.zeros((k, k))
    years = np.zeros(k)
    for row in spells.iter_rows(named=True):
        i = rank.get(row["from_grade"])
        if i is None or i == k - 1:
            continue
        years[i] += float(row["years_at_risk"] or 0.0)
        j = rank.get(row["to_grade"]) if row["to_grade"] is not None else None
        if j is not None and j != i:
            lam[i, j] += float(row["transitions_count"])
    for i in range(k - 1):
        lam[i] = lam[i] / years[i] if years[i] > 0 else 0.0
        lam[i, i] = -lam[i].sum()
    return lam


def duration_matrix(spells: pl.DataFrame, scale: tuple[str, ...], horizon_years: float = 1.0) -> pl.DataFrame:
    """Long matrix P(t) = expm(Λ t) over the non-default rows and the whole scale,
    with the years at risk behind each row (how much evidence it rests on)."""
    p = expm(generator(spells, scale) * horizon_years)
    rank = _rank(scale)
    years = spells.group_by("from_grade").agg(pl.col("years_at_risk").sum())
    at_risk = dict(zip(years["from_grade"].to_list(), years["years_at_risk"].to_list()))
    rows = [(f, t, float(p[rank[f], rank[t]]), float(at_risk.get(f, 0.0)))
            for f in scale[:-1] for t in scale]
    return pl.DataFrame(rows, schema={"from_grade": pl.String, "to_grade": pl.String, "rate": pl.Float64,
                                      "years_at_risk": pl.Float64}, orient="row")


def calibration(cohort: pl.DataFrame, scale: tuple[str, ...], pd_pct: dict[str, float],
                confidence: float = 0.95) -> pl.DataFrame:
    """Observed default rate over the cohort horizon by starting grade against the assigned
    PD, with counts, expected defaults, an exact (Clopper-Pearson) interval and the
    binomial test's p-value. NR customers are left out (their outcome is unknown)."""
    known = cohort.filter(pl.col("to_grade") != NR)
    by = (known.group_by("from_grade")
          .agg(pl.len().cast(pl.Int64).alias("customers"),
               (pl.col("to_grade") == scale[-1]).sum().cast(pl.Int64).alias("defaults"),
               pl.col("from_pd").mean().alias("assigned_pd")))
    got = {r["from_grade"]: r for r in by.iter_rows(named=True)}
    rows = []
    for g in scale[:-1]:
        r = got.get(g)
        n, k = (int(r["customers"]), int(r["defaults"])) if r else (0, 0)
        pd_ = r["assigned_pd"] if r and r["assigned_pd"] is not None else pd_pct[g] / 100
        if n:
            test = binomtest(k, n, min(max(pd_, 1e-12), 1.0))
            ci = test.proportion_ci(confidence_level=confidence, method="exact")
            lo, hi, p_value = ci.low * 100, ci.high * 100, test.pvalue
        else:
            lo = hi = p_value = None
        observed = k / n * 100 if n else None
        verdict = ("no evidence" if not n else "consistent" if lo <= pd_ * 100 <= hi
                   else "PD too low" if pd_ * 100 < lo else "PD too high")
        rows.append((g, n, k, pd_ * 100, observed, n * pd_, lo, hi, p_value, verdict))
    return pl.DataFrame(rows, schema={
        "grade": pl.String, "customers": pl.Int64, "defaults": pl.Int64, "assigned_pd_pct": pl.Float64,
        "observed_default_rate_pct": pl.Float64, "expected_defaults": pl.Float64, "ci_low_pct": pl.Float64,
        "ci_high_pct": pl.Float64, "p_value": pl.Float64, "verdict": pl.String}, orient="row")
