"""Scoring and rating-model measures (docs/definitions.md, Scoring and rating models): pure
functions on counts, scores and default flags.

Conventions: a *bad* is a default within the outcome window (the target), a *good* is not;
odds are good:bad; weight of evidence is ln(good share / bad share), so a bin with more
goods than the portfolio's average has a positive WoE and a higher score means lower risk.
PDs, rates and shares are fractions (0-1) unless the name ends in `_pct`.

Published formulas and where they come from:
- points scaling (score = offset + factor × ln(odds), factor = PDO / ln 2): Siddiqi,
  *Credit Risk Scorecards* (Wiley, 2006), ch. 6; the 600 points at 50:1 with PDO 20
  example gives factor 28.8539 and offset 487.123.
- WoE and information value: Siddiqi (2006), ch. 6; IV bands after the same source.
- AUROC, Gini (accuracy ratio = 2 × AUROC − 1) and the Kolmogorov-Smirnov statistic:
  Engelmann, Hayden and Tasche, "Measuring the discriminative power of rating systems",
  Deutsche Bundesbank discussion paper 01/2003.
- Jeffreys interval for an observed default rate: Basel Committee, *Studies on the
  validation of internal rating systems*, working paper 14 (2005), and the ECB's
  instructions for reporting the validation of IRB models (2019), section 2.5.3.1.
- Population stability index: Siddiqi (2006), ch. 8.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats
from sklearn.metrics import roc_auc_score

from analytics.i18n import N_, _

# Information value bands (Siddiqi 2006): below 0.02 useless, up to 0.1 weak, up to 0.3
# medium, above strong.
IV_BANDS = ((0.02, N_("useless")), (0.1, N_("weak")), (0.3, N_("medium")), (math.inf, N_("strong")))
# PSI bands: below 0.1 stable, up to 0.25 watch, above shifted.
PSI_BANDS = ((0.1, N_("stable")), (0.25, N_("watch")), (math.inf, N_("shifted")))
# A bin with no goods or no bads has no finite WoE: half a case is added to each count of
# such a bin (the usual continuity correction), so it is a strong value, never infinite.
EMPTY_CELL_ADJUSTMENT = 0.5


def stored_text(text: str | None, templates: tuple[str, ...] | list[str],
                fields: dict[str, Callable[[str], str]] | None = None) -> str:
    """A sentence the rating run wrote to the warehouse in English (one of `templates`, N_()
    texts with {named} placeholders, filled in) in the current language: the template
    translated, its values put back (through `fields[name]` where given, e.g. a
    characteristic's label or a nested stored sentence). Any other text is passed through
    _() (a marked word such as "trained" is translated, anything else shown as written)."""
    if text is None:
        return "—"
    for template in templates:
        match = _pattern(template).fullmatch(text)
        if match:
            values = {k: (fields or {}).get(k, lambda v: v)(v) for k, v in match.groupdict().items()}
            return _(template).format(**values)
    return _(text)


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{([a-z_]+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(regex, re.S)


def grade_rank(scale: tuple[str, ...] | list[str]) -> dict[str, int]:
    """Each grade's position on the scale, best first (0 = the best grade): the one mapping
    every view and computation uses to order grades and count notches."""
    return {g: i for i, g in enumerate(scale)}


def notches_between(worse: str, better: str, scale: tuple[str, ...] | list[str]) -> pl.Expr:
    """Notches from grade column `better` to grade column `worse` (positive: `worse` is
    worse); null where either is not on the scale."""
    rank = grade_rank(scale)
    return (pl.col(worse).replace_strict(rank, default=None, return_dtype=pl.Int64)
            - pl.col(better).replace_strict(rank, default=None, return_dtype=pl.Int64))


@dataclass(frozen=True)
class PointsScaling:
    """score = offset + factor × ln(odds good:bad): `base_score` points at `base_odds`, and
    `pdo` more points double the odds."""

    base_score: float
    base_odds: float
    pdo: float

    def __post_init__(self) -> None:
        if self.base_odds <= 0 or self.pdo <= 0:
            raise ValueError(_("points scaling: base odds and points to double the odds must be positive"))

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def score(self, log_odds: np.ndarray | float) -> np.ndarray | float:
        """The score of ln(odds good:bad)."""
        return self.offset + self.factor * log_odds

    def log_odds(self, score: np.ndarray | float) -> np.ndarray | float:
        """ln(odds good:bad) of a score (the inverse of score())."""
        return (score - self.offset) / self.factor

    def pd(self, score: np.ndarray | float) -> np.ndarray | float:
        """The probability of a bad implied by a score: 1 / (1 + odds)."""
        return 1.0 / (1.0 + np.exp(self.log_odds(score)))

    def characteristic_points(self, beta: float, woe: np.ndarray, intercept: float,
                              n_characteristics: int) -> np.ndarray:
        """Points of one characteristic's bins in a logistic scorecard
        ln(odds good) = β0 + Σ β_j WoE_j: (β_j × WoE + β0 / n) × factor + offset / n."""
        return (beta * woe + intercept / n_characteristics) * self.factor + self.offset / n_characteristics


def woe_iv(counts: pl.DataFrame) -> pl.DataFrame:
    """Weight of evidence and information value per bin.

    Input: one row per bin with columns `bin`, `good`, `bad` (counts). Output: the same
    rows with good_share_frac, bad_share_frac, bad_rate_frac, woe and iv (the bin's term of
    the IV); the characteristic's IV is the sum of `iv`. A bin without goods or bads gets
    EMPTY_CELL_ADJUSTMENT added to both counts before its WoE. Raises ValueError when the
    table has no goods or no bads at all."""
    good_total = float(counts["good"].sum())
    bad_total = float(counts["bad"].sum())
    if good_total <= 0 or bad_total <= 0:
        raise ValueError(_("WoE needs at least one good and one bad"))
    empty = (pl.col("good") == 0) | (pl.col("bad") == 0)
    adj = pl.when(empty).then(EMPTY_CELL_ADJUSTMENT).otherwise(0.0)
    return counts.with_columns(
        (pl.col("good") / good_total).alias("good_share_frac"),
        (pl.col("bad") / bad_total).alias("bad_share_frac"),
        pl.when(pl.col("good") + pl.col("bad") > 0)
        .then(pl.col("bad") / (pl.col("good") + pl.col("bad"))).alias("bad_rate_frac"),
        (((pl.col("good") + adj) / good_total) / ((pl.col("bad") + adj) / bad_total)).log().alias("woe"),
    ).with_columns(((pl.col("good_share_frac") - pl.col("bad_share_frac")) * pl.col("woe")).alias("iv"))


def band(value: float, bands: tuple[tuple[float, str], ...]) -> str:
    """The label of the first band whose upper bound exceeds `value`."""
    return next(label for upper, label in bands if value < upper)


def psi(expected: np.ndarray, actual: np.ndarray, floor: float = 1e-4) -> float:
    """Population stability index Σ (a_i − e_i) × ln(a_i / e_i) between two distributions
    over the same bins, given as counts (or shares); each is normalised to shares, and a
    share below `floor` is raised to it (an empty bin would otherwise be infinite)."""
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    if e.shape != a.shape or e.sum() <= 0 or a.sum() <= 0:
        raise ValueError(_("PSI needs two non-empty distributions over the same bins"))
    e = np.maximum(e / e.sum(), floor)
    a = np.maximum(a / a.sum(), floor)
    return float(np.sum((a - e) * np.log(a / e)))


@dataclass(frozen=True)
class Discrimination:
    """AUROC, Gini (accuracy ratio) and KS of a score against default flags, with the counts."""

    auroc: float
    gini: float
    ks: float
    goods: int
    bads: int


def discrimination(score: np.ndarray, bad: np.ndarray) -> Discrimination:
    """How well a score separates bads from goods (a higher score = lower risk).

    AUROC is the probability that a random good scores above a random bad (ties count
    half), from scikit-learn's roc_auc_score; KS = max |F_bad(s) − F_good(s)| over the
    score's values. Raises ValueError without both goods and bads."""
    s = np.asarray(score, dtype=float)
    y = np.asarray(bad, dtype=bool)
    goods, bads = int((~y).sum()), int(y.sum())
    if goods == 0 or bads == 0:
        raise ValueError(_("discrimination needs both goods and bads"))
    auroc = float(roc_auc_score(~y, s))
    values = np.unique(s)
    f_bad = np.searchsorted(np.sort(s[y]), values, side="right") / bads
    f_good = np.searchsorted(np.sort(s[~y]), values, side="right") / goods
    return Discrimination(auroc, 2 * auroc - 1, float(np.max(np.abs(f_bad - f_good))), goods, bads)


def jeffreys_interval(defaults: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Jeffreys interval of a default rate: the quantiles of Beta(d + ½, n − d + ½) at
    (1 − confidence) / 2 and (1 + confidence) / 2; the lower bound is 0 when d = 0 and the
    upper 1 when d = n."""
    if n <= 0 or not 0 <= defaults <= n:
        raise ValueError(_("Jeffreys interval: need 0 <= defaults <= n and n > 0"))
    tail = (1 - confidence) / 2
    dist = stats.beta(defaults + 0.5, n - defaults + 0.5)
    low = 0.0 if defaults == 0 else float(dist.ppf(tail))
    high = 1.0 if defaults == n else float(dist.ppf(1 - tail))
    return low, high


def jeffreys_p_value(defaults: int, n: int, pd: float) -> float:
    """The one-sided Jeffreys test of a grade's PD (ECB 2019): the probability under
    Beta(d + ½, n − d + ½) of a default rate at or below the assigned PD. A small value
    means the observed defaults are too many for that PD (the PD is too low)."""
    if n <= 0 or not 0 <= defaults <= n:
        raise ValueError(_("Jeffreys test: need 0 <= defaults <= n and n > 0"))
    return float(stats.beta(defaults + 0.5, n - defaults + 0.5).cdf(pd))


def calibration(observed: pl.DataFrame, confidence: float = 0.95) -> pl.DataFrame:
    """Observed against predicted default rates per grade.

    Input: one row per grade with `grade`, `customers` (n), `defaults` (d) and `pd_frac`
    (the PD assigned). Output: the same with observed_rate_frac, the Jeffreys interval
    (jeffreys_low_frac, jeffreys_high_frac), jeffreys_p_value (the one-sided test of the
    PD) and binomial_p_value (scipy's exact one-sided binomial test, defaults ≥ d)."""
    rows = []
    for grade, n, d, pd in observed.select("grade", "customers", "defaults", "pd_frac").iter_rows():
        n, d = int(n), int(d)
        low, high = jeffreys_interval(d, n, confidence) if n else (None, None)
        rows.append({
            "grade": grade, "observed_rate_frac": d / n if n else None,
            "jeffreys_low_frac": low, "jeffreys_high_frac": high,
            "jeffreys_p_value": jeffreys_p_value(d, n, pd) if n else None,
            "binomial_p_value": float(stats.binomtest(d, n, pd, alternative="greater").pvalue) if n else None,
        })
    extra = pl.DataFrame(rows, schema={"grade": observed.schema["grade"], "observed_rate_frac": pl.Float64,
                                       "jeffreys_low_frac": pl.Float64, "jeffreys_high_frac": pl.Float64,
                                       "jeffreys_p_value": pl.Float64, "binomial_p_value": pl.Float64})
    return observed.join(extra, on="grade", how="left", maintain_order="left")


@dataclass(frozen=True)
class MasterScale:
    """Score bands to grades to PDs. `lower_bounds[i]` is the lowest score of grade
    `grades[i]`; grades run best first, so their lower bounds fall and their PDs rise."""

    grades: tuple[str, ...]
    lower_bounds: tuple[float, ...]
    pd_frac: tuple[float, ...]

    def __post_init__(self) -> None:
        if not (len(self.grades) == len(self.lower_bounds) == len(self.pd_frac)) or not self.grades:
            raise ValueError(_("master scale: one lower bound and one PD per grade"))
        if any(a <= b for a, b in zip(self.lower_bounds[:-1], self.lower_bounds[1:])):
            raise ValueError(_("master scale: lower score bounds must fall strictly from the best grade down"))
        if any(a >= b for a, b in zip(self.pd_frac[:-1], self.pd_frac[1:])):
            raise ValueError(_("master scale: PDs must rise strictly from the best grade down"))
        if not all(0 < p <= 1 for p in self.pd_frac):
            raise ValueError(_("master scale: PDs are fractions in (0, 1]"))

    def grade_index(self, score: np.ndarray) -> np.ndarray:
        """The grade index of each score (0 = best); a score below every bound takes the
        worst grade."""
        bounds = np.asarray(self.lower_bounds, dtype=float)
        idx = np.searchsorted(-bounds, -np.asarray(score, dtype=float), side="left")
        return np.minimum(idx, len(self.grades) - 1)

    def grade(self, score: np.ndarray) -> pl.Series:
        """The grade of each score (a String series; millions of rows build no Python list)."""
        return pl.Series(self.grades, dtype=pl.String).gather(self.grade_index(score))

    def pd(self, score: np.ndarray) -> np.ndarray:
        return np.asarray(self.pd_frac)[self.grade_index(score)]
