"""Development sample and validation of a rating model (docs/definitions.md, Scoring and rating
models): the out-of-time split, discrimination on both samples with ROC and CAP curves,
calibration by grade (observed against assigned PD, Jeffreys interval and test), population
stability (development against the latest month) per characteristic and for the score, and
the grade distribution with its concentration. Pure: frames and arrays in, frames out.

Conventions as analytics.risk.scoring: a higher score is a lower risk; a bad is a default
within the horizon; shares and rates are fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from sklearn.metrics import roc_curve

from analytics.i18n import N_
from analytics.risk.scoring import calibration, discrimination, psi

TARGET = "is_default_within_horizon"


@dataclass(frozen=True)
class DevelopmentSample:
    """Observation points split in time: development (older month-ends) and out-of-time
    (the last out_of_time_months month-ends whose horizon the data has seen), and the latest
    scored month-end (for stability)."""

    development: pl.DataFrame
    out_of_time: pl.DataFrame
    latest: pl.DataFrame  # the observation points at the latest month-end (outcome unknown)
    development_from: date | None
    development_to: date | None
    out_of_time_from: date | None
    out_of_time_to: date | None
    latest_at: date | None
    sampled_from: int  # development points before the deterministic sample (max_observations)

    @property
    def development_defaults(self) -> int:
        return int(self.development[TARGET].sum()) if self.development.height else 0

    @property
    def out_of_time_defaults(self) -> int:
        return int(self.out_of_time[TARGET].sum()) if self.out_of_time.height else 0


def split_sample(observations: pl.DataFrame, out_of_time_months: int, max_observations: int, seed: int,
                 train_until: date | None = None, train_from: date | None = None) -> DevelopmentSample:
    """Split observation points (sql/queries/model_observations.sql) in time.

    Only points whose horizon the data has seen count (is_observed), and, with train_until,
    only those on or before it; their last `out_of_time_months` month-ends are the
    out-of-time sample, the earlier ones the development sample, sampled down to
    max_observations rows (a seeded, reproducible sample of rows); with train_from, only
    points on or after it (the first month-ends of an export see truncated 12-month windows,
    which a model would read as young customers). `latest` holds the points at the latest
    month-end of all (whose outcome is not known yet)."""
    observed = observations.filter(pl.col("is_observed"))
    if train_from is not None:
        observed = observed.filter(pl.col("snapshot_date") >= train_from)
    if train_until is not None:
        observed = observed.filter(pl.col("snapshot_date") <= train_until)
    months = sorted(observed["snapshot_date"].unique().to_list()) if observed.height else []
    oot_months = months[-out_of_time_months:] if len(months) > out_of_time_months else []
    dev_months = months[: len(months) - len(oot_months)] if oot_months else []
    dev = observed.filter(pl.col("snapshot_date").is_in(dev_months)) if dev_months else observed.clear()
    oot = observed.filter(pl.col("snapshot_date").is_in(oot_months)) if oot_months else observed.clear()
    sampled_from = dev.height
    if dev.height > max_observations:
        dev = dev.sample(n=max_observations, seed=seed, shuffle=False).sort(["snapshot_date", "customer_id"])
    latest_at = observations["snapshot_date"].max() if observations.height else None
    latest = observations.filter(pl.col("snapshot_date") == latest_at) if latest_at else observations.clear()
    return DevelopmentSample(dev, oot, latest, dev_months[0] if dev_months else None,
                             dev_months[-1] if dev_months else None, oot_months[0] if oot_months else None,
                             oot_months[-1] if oot_months else None, latest_at, sampled_from)


def roc_points(score: np.ndarray, bad: np.ndarray, max_points: int = 101) -> pl.DataFrame:
    """The ROC curve of a score (a lower score flags a bad): false-positive rate (goods
    flagged) against true-positive rate (bads flagged), thinned to about max_points points."""
    fpr, tpr, _thresholds = roc_curve(np.asarray(bad, dtype=int), -np.asarray(score, dtype=float), drop_intermediate=True)
    keep = np.unique(np.linspace(0, fpr.size - 1, min(max_points, fpr.size)).round().astype(int))
    return pl.DataFrame({"false_positive_frac": fpr[keep], "true_positive_frac": tpr[keep]})


def cap_points(score: np.ndarray, bad: np.ndarray, max_points: int = 101) -> pl.DataFrame:
    """The cumulative accuracy profile: the share of all bads among the worst-scored share of
    the population, at about max_points population shares (ties in score taken together)."""
    s = np.asarray(score, dtype=float)
    y = np.asarray(bad, dtype=float)
    if s.size == 0 or y.sum() == 0:
        return pl.DataFrame({"population_frac": [0.0, 1.0], "defaults_frac": [0.0, 1.0]})
    order = np.argsort(s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    # at each distinct score: everything scored at or below it
    last = np.r_[np.flatnonzero(np.diff(s_sorted) != 0), s.size - 1]
    pop = (last + 1) / s.size
    hits = np.cumsum(y_sorted)[last] / y.sum()
    pop, hits = np.r_[0.0, pop], np.r_[0.0, hits]
    keep = np.unique(np.linspace(0, pop.size - 1, min(max_points, pop.size)).round().astype(int))
    return pl.DataFrame({"population_frac": pop[keep], "defaults_frac": hits[keep]})


def calibration_by_grade(grades: list[str] | pl.Series, bad: np.ndarray, scale: tuple[str, ...],
                         pd_frac_by_grade: dict[str, float], confidence: float = 0.95) -> pl.DataFrame:
    """Observed against assigned default rates per grade of the scale (grades with no
    observation left out): customers, defaults, pd_frac and analytics.risk.scoring.calibration's
    observed rate, Jeffreys interval and tests."""
    frame = pl.DataFrame({"grade": pl.Series(grades, dtype=pl.String), "bad": np.asarray(bad, dtype=bool)})
    counts = frame.group_by("grade").agg(pl.len().alias("customers"), pl.col("bad").sum().alias("defaults"))
    rows = (pl.DataFrame({"grade": list(scale)}).join(counts, on="grade", how="inner", maintain_order="left")
            .with_columns(pl.col("grade").replace_strict(pd_frac_by_grade, return_dtype=pl.Float64).alias("pd_frac")))
    return calibration(rows, confidence)


def quantile_edges(values: np.ndarray, bins: int = 10) -> np.ndarray:
    """Inner edges of `bins` equal-count bins of the non-missing values (duplicates merged)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return np.array([])
    return np.unique(np.quantile(v, np.linspace(0, 1, bins + 1)[1:-1]))


def binned_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts per bin [−inf, e0), [e0, e1), ..., [e_k, inf), then missing."""
    v = np.asarray(values, dtype=float)
    idx = np.where(np.isnan(v), edges.size + 1, np.searchsorted(edges, v, side="right"))
    return np.bincount(idx, minlength=edges.size + 2)


def stability(development: dict[str, np.ndarray], latest: dict[str, np.ndarray],
              edges: dict[str, np.ndarray] | None = None) -> pl.DataFrame:
    """PSI of each named variable between the development sample and the latest month, over
    the given bin edges (else ten equal-count bins of the development values), missing a bin of
    its own; with the reading (< 0.1 stable, 0.1-0.25 watch, > 0.25 shifted)."""
    rows = []
    for name, dev_values in development.items():
        cuts = (edges or {}).get(name)
        cuts = quantile_edges(dev_values) if cuts is None else np.asarray(cuts, dtype=float)
        e, a = binned_counts(dev_values, cuts), binned_counts(latest[name], cuts)
        value = psi(e, a) if e.sum() > 0 and a.sum() > 0 else None
        rows.append({"variable": name, "psi": value,
                     "reading": None if value is None else N_("stable") if value < 0.1
                     else N_("watch") if value <= 0.25 else N_("shifted")})
    return pl.DataFrame(rows, schema={"variable": pl.String, "psi": pl.Float64, "reading": pl.String})


def grade_distribution(grades: list[str] | pl.Series, scale: tuple[str, ...]) -> tuple[pl.DataFrame, float | None]:
    """Customers per grade in scale order with their share, and the concentration of the
    distribution: the Herfindahl index Σ share² (1 / number of grades when even, 1 when all
    in one grade)."""
    frame = pl.DataFrame({"grade": pl.Series(grades, dtype=pl.String)})
    counts = frame.group_by("grade").agg(pl.len().alias("customers"))
    table = (pl.DataFrame({"grade": list(scale)}).join(counts, on="grade", how="left", maintain_order="left")
             .with_columns(pl.col("customers").fill_null(0)))
    total = int(table["customers"].sum())
    table = table.with_columns((pl.col("customers") / total if total else pl.lit(None, pl.Float64)).alias("share_frac"))
    hhi = float((table["share_frac"] ** 2).sum()) if total else None
    return table, hhi


@dataclass(frozen=True)
class ValidationReport:
    """What the validation page and the model card show of one model."""

    model: str
    discrimination: pl.DataFrame  # sample, auroc, gini, ks, goods, bads
    roc: pl.DataFrame  # sample, false_positive_frac, true_positive_frac
    cap: pl.DataFrame  # sample, population_frac, defaults_frac
    calibration: pl.DataFrame  # out-of-time, by grade
    stability: pl.DataFrame  # variable (characteristics, and "score"), psi, reading
    grades: pl.DataFrame  # latest month: grade, customers, share_frac
    grade_hhi_frac: float | None


def validate(model: str, dev_score: np.ndarray, dev_bad: np.ndarray, oot_score: np.ndarray, oot_bad: np.ndarray,
             oot_grades: list[str], latest_score: np.ndarray, latest_grades: list[str], scale: tuple[str, ...],
             pd_frac_by_grade: dict[str, float], dev_characteristics: dict[str, np.ndarray],
             latest_characteristics: dict[str, np.ndarray],
             characteristic_edges: dict[str, np.ndarray] | None = None) -> ValidationReport:
    """The validation report of one model from its scores on the development, out-of-time and
    latest samples. A sample without both goods and bads has no discrimination row."""
    disc, roc, cap = [], [], []
    for sample, s, y in (("development", dev_score, dev_bad), ("out_of_time", oot_score, oot_bad)):
        y = np.asarray(y, dtype=bool)
        if y.any() and not y.all():
            d = discrimination(s, y)
            disc.append({"sample": sample, "auroc": d.auroc, "gini": d.gini, "ks": d.ks, "goods": d.goods,
                         "bads": d.bads})
            roc.append(roc_points(s, y).with_columns(pl.lit(sample).alias("sample")))
            cap.append(cap_points(s, y).with_columns(pl.lit(sample).alias("sample")))
    psi_rows = stability({**dev_characteristics, "score": np.asarray(dev_score, dtype=float)},
                         {**latest_characteristics, "score": np.asarray(latest_score, dtype=float)},
                         characteristic_edges)
    grades, hhi = grade_distribution(latest_grades, scale)
    return ValidationReport(
        model=model,
        discrimination=pl.DataFrame(disc, schema={"sample": pl.String, "auroc": pl.Float64, "gini": pl.Float64,
                                                  "ks": pl.Float64, "goods": pl.Int64, "bads": pl.Int64}),
        roc=pl.concat(roc).select("sample", pl.exclude("sample")) if roc else pl.DataFrame(
            schema={"sample": pl.String, "false_positive_frac": pl.Float64, "true_positive_frac": pl.Float64}),
        cap=pl.concat(cap).select("sample", pl.exclude("sample")) if cap else pl.DataFrame(
            schema={"sample": pl.String, "population_frac": pl.Float64, "defaults_frac": pl.Float64}),
        calibration=calibration_by_grade(oot_grades, oot_bad, scale, pd_frac_by_grade) if len(oot_grades) else
        pl.DataFrame(),
        stability=psi_rows, grades=grades, grade_hhi_frac=hhi)


def calibrated_master_scale(grades: list[str] | pl.Series, bad: np.ndarray, scale: tuple[str, ...],
                            policy_pd_frac: dict[str, float], floor_frac: float) -> pl.DataFrame:
    """Grade PDs calibrated to observed default rates (docs/definitions.md, master scale).

    Per grade of `scale` (best first, the default grade left out): observations n, defaults
    d, the observed rate d / n, and the calibrated PD: the smoothed rate (d + ½) / (n + 1)
    (the mean of the Jeffreys posterior Beta(d + ½, n − d + ½), never 0 for a grade without
    defaults), made to rise grade by grade by weighted isotonic regression (pool adjacent
    violators, weights n; a grade with no observation takes the policy PD with weight 1),
    then raised to floor_frac. Output columns: grade, observations, defaults,
    policy_pd_frac, observed_rate_frac, calibrated_pd_frac."""
    from sklearn.isotonic import IsotonicRegression

    frame = pl.DataFrame({"grade": pl.Series(grades, dtype=pl.String), "bad": np.asarray(bad, dtype=bool)})
    counts = frame.group_by("grade").agg(pl.len().alias("observations"), pl.col("bad").sum().alias("defaults"))
    table = (pl.DataFrame({"grade": list(scale)})
             .join(counts, on="grade", how="left", maintain_order="left")
             .with_columns(pl.col("observations").fill_null(0).cast(pl.Int64),
                           pl.col("defaults").fill_null(0).cast(pl.Int64),
                           pl.col("grade").replace_strict(policy_pd_frac, return_dtype=pl.Float64)
                           .alias("policy_pd_frac")))
    n = table["observations"].to_numpy().astype(float)
    d = table["defaults"].to_numpy().astype(float)
    smoothed = np.where(n > 0, (d + 0.5) / (n + 1), table["policy_pd_frac"].to_numpy())
    weights = np.where(n > 0, n, 1.0)
    iso = IsotonicRegression(increasing=True, y_min=0.0, y_max=1.0)
    fitted = iso.fit_transform(np.arange(len(scale), dtype=float), smoothed, sample_weight=weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.where(n > 0, d / n, np.nan)
    return table.with_columns(pl.Series("observed_rate_frac", observed, nan_to_null=True),
                              pl.Series("calibrated_pd_frac", np.maximum(fitted, floor_frac)))
