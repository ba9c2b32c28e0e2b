"""The statistical rating model (docs/definitions.md, Scoring and rating models): each
characteristic binned to weight of evidence with a monotonic trend (optbinning's optimal
binning, a missing value in a bin of its own), a logistic regression of good on the WoE of
the characteristics that carry information (statsmodels: coefficients, standard errors and
p-values), and points scaled by base score, base odds and points to double the odds.

Conventions (analytics.risk.scoring): a bad is a default within the horizon; WoE =
ln(good share / bad share), so the model is ln(odds good:bad) = β0 + Σ β_j × WoE_j with
β_j > 0 for a characteristic that ranks risk the way its bins say; a higher score is a lower
risk. Characteristic j's points per bin = (β_j × WoE_jb + β0 / n) × factor + offset / n, so
the score = Σ points = offset + factor × ln(odds) (Siddiqi, *Credit Risk Scorecards*, 2006,
ch. 6). The PD is 1 / (1 + odds).

Selection, in this order: information value at least `min_iv` (Siddiqi's 0.02: below it a
characteristic is useless); of two characteristics whose WoE correlate above
`max_correlation` the one with the lower IV leaves; then backward elimination refits the
regression without the characteristic with the largest p-value above `max_p_value` or a
coefficient ≤ 0 (a sign against its bins) until none is left, and at most
`max_characteristics` remain (the lowest IV leave first).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from analytics.i18n import N_, _
from analytics.risk.scoring import PointsScaling, stored_text

# Why a candidate characteristic left the model: written to the warehouse in English
# (model_terms.note), shown in the reader's language by dropped_text().
IV_TOO_LOW = N_("IV {iv} below {min_iv}")
CORRELATED = N_("WoE correlates {correlation} with {other}")
BEYOND_STRONGEST = N_("beyond the {n} strongest")
AGAINST_ITS_BINS = N_("coefficient {coefficient} against its bins")
P_VALUE_TOO_HIGH = N_("p-value {p_value} above {max_p_value}")
DROPPED = (IV_TOO_LOW, CORRELATED, BEYOND_STRONGEST, AGAINST_ITS_BINS, P_VALUE_TOO_HIGH)
# Why the model could not be trained (a run's status: "not trained: ...").
NEEDS_BOTH = N_("the development sample needs both defaults and non-defaults")
NO_INFORMATION = N_("no characteristic carries information (IV) about defaults in this sample")
NO_SIGNIFICANT = N_("no characteristic keeps a significant coefficient of the right sign")
UNTRAINED = (NEEDS_BOTH, NO_INFORMATION, NO_SIGNIFICANT)
# The words of a bin's label (BinnedCharacteristic.labels): the value range, any value, missing.
BIN_WORDS = {"any": N_("any value"), "missing": N_("missing")}


def dropped_text(note: str | None, name_of: Callable[[str], str] | None = None) -> str:
    """Why a characteristic left the model (model_terms.note), in the current language; the
    characteristic it correlates with through `name_of` (its label)."""
    if not note:
        return ""
    return stored_text(note, DROPPED, {"other": name_of} if name_of else None)


def bin_text(label: str | None) -> str:
    """A bin's label (model_bins.bin) in the current language: '[1, 5)', '< 1', '≥ 5', any
    value, missing."""
    if label is None:
        return "—"
    if label in BIN_WORDS:
        return _(BIN_WORDS[label])
    if label.endswith(", inf)"):  # written by an older version
        return "≥ " + label[1:-len(", inf)")]
    return label


@dataclass(frozen=True)
class StatisticalSettings:
    scaling: PointsScaling
    max_bins: int = 6
    min_bin_share_pct: float = 5.0
    min_iv: float = 0.02
    max_correlation: float = 0.7
    max_p_value: float = 0.05
    max_characteristics: int = 10


@dataclass(frozen=True)
class BinnedCharacteristic:
    """One characteristic's bins: [-inf, s0), [s0, s1), ..., [s_k, inf), then the missing bin
    (last). woe and the counts run over all k + 2 bins."""

    name: str
    splits: tuple[float, ...]
    woe: tuple[float, ...]
    goods: tuple[int, ...]
    bads: tuple[int, ...]
    iv: float

    def bin_index(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, dtype=float)
        idx = np.searchsorted(np.asarray(self.splits, dtype=float), v, side="right")
        return np.where(np.isnan(v), len(self.splits) + 1, idx)

    def woe_of(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(self.woe, dtype=float)[self.bin_index(values)]

    def labels(self) -> list[str]:
        edges = [-math.inf, *self.splits, math.inf]
        return [f"[{a:,.4g}, {b:,.4g})" if math.isfinite(a) and math.isfinite(b) else f"< {b:,.4g}"
                if math.isfinite(b) else f"≥ {a:,.4g}" if math.isfinite(a) else "any"
                for a, b in zip(edges[:-1], edges[1:])] + ["missing"]

    def table(self) -> pl.DataFrame:
        """Bins with counts, bad rate, WoE and IV term (one row per bin, missing last)."""
        goods, bads = np.asarray(self.goods, float), np.asarray(self.bads, float)
        g_share, b_share = goods / max(goods.sum(), 1), bads / max(bads.sum(), 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(goods + bads > 0, bads / (goods + bads), np.nan)
        return pl.DataFrame({"characteristic": self.name, "bin": self.labels(), "observations": (goods + bads).astype(int),
                             "bads": bads.astype(int), "bad_rate_frac": rate, "woe": list(self.woe),
                             "iv": (g_share - b_share) * np.asarray(self.woe)}, strict=False)


def bin_characteristic(name: str, values: np.ndarray, bad: np.ndarray, settings: StatisticalSettings) -> \
        BinnedCharacteristic | None:
    """Optimal monotonic binning of one characteristic (optbinning.OptimalBinning, CP solver,
    trend ascending or descending as the data say, bins of at least min_bin_share_pct of the
    observations) and its WoE per bin, the missing bin included. None when it cannot be
    binned (a constant, or no bads)."""
    from optbinning import OptimalBinning

    v = np.asarray(values, dtype=float)
    y = np.asarray(bad, dtype=int)
    present = ~np.isnan(v)
    if present.sum() == 0 or np.nanmin(v) == np.nanmax(v) or y.sum() == 0 or y.sum() == y.size:
        splits: tuple[float, ...] = ()
    else:
        optb = OptimalBinning(name=name, dtype="numerical", solver="cp", monotonic_trend="auto_asc_desc",
                              max_n_bins=settings.max_bins, min_bin_size=settings.min_bin_share_pct / 100)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optb.fit(v, y)
        splits = tuple(float(s) for s in optb.splits) if optb.status in ("OPTIMAL", "FEASIBLE") else ()
    probe = BinnedCharacteristic(name, splits, (0.0,) * (len(splits) + 2), (), (), 0.0)
    idx = probe.bin_index(v)
    k = len(splits) + 2
    bads = np.bincount(idx, weights=y, minlength=k)
    goods = np.bincount(idx, minlength=k) - bads
    if goods.sum() == 0 or bads.sum() == 0:
        return None
    # a bin without goods or bads: half an observation added to both (as woe_iv)
    adj = np.where((goods == 0) | (bads == 0), 0.5, 0.0)
    woe = np.log(((goods + adj) / goods.sum()) / ((bads + adj) / bads.sum()))
    woe = np.where(goods + bads == 0, 0.0, woe)  # an empty bin (no missing values): neutral
    iv = float(np.sum((goods / goods.sum() - bads / bads.sum()) * woe))
    return BinnedCharacteristic(name, splits, tuple(float(w) for w in woe), tuple(int(g) for g in goods),
                                tuple(int(b) for b in bads), iv)


@dataclass(frozen=True)
class StatisticalModel:
    characteristics: tuple[BinnedCharacteristic, ...]  # in the model, in coefficient order
    intercept: float
    coefficients: tuple[float, ...]
    std_errors: tuple[float, ...]
    p_values: tuple[float, ...]
    intercept_std_error: float
    intercept_p_value: float
    scaling: PointsScaling
    candidates: tuple[BinnedCharacteristic, ...]  # every characteristic binned (IV table)
    dropped: tuple[tuple[str, str], ...]  # (characteristic, why it left)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.characteristics]

    def woe_matrix(self, frame: pl.DataFrame) -> np.ndarray:
        return np.column_stack([c.woe_of(_values(frame, c.name)) for c in self.characteristics]) \
            if self.characteristics else np.zeros((frame.height, 0))

    def log_odds_good(self, frame: pl.DataFrame) -> np.ndarray:
        return self.intercept + self.woe_matrix(frame) @ np.asarray(self.coefficients)

    def pd_frac(self, frame: pl.DataFrame) -> np.ndarray:
        """The one-year PD of each row: 1 / (1 + exp(ln odds good))."""
        return 1.0 / (1.0 + np.exp(self.log_odds_good(frame)))

    def points(self, frame: pl.DataFrame) -> np.ndarray:
        """Points per row (rows) and characteristic (columns)."""
        n = len(self.characteristics)
        if n == 0:
            return np.zeros((frame.height, 0))
        woe = self.woe_matrix(frame)
        return (woe * np.asarray(self.coefficients) + self.intercept / n) * self.scaling.factor \
            + self.scaling.offset / n

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        """Σ points = offset + factor × ln(odds good) (a higher score = a lower risk)."""
        return np.asarray(self.scaling.score(self.log_odds_good(frame)), dtype=float)

    def reasons(self, frame: pl.DataFrame, top: int = 3) -> pl.DataFrame:
        """Per row (reason_1 .. reason_<top>), the characteristics that cost the most points
        against their best bin (largest loss first; null where a row loses no points)."""
        if not self.characteristics:
            return top_reasons(np.zeros((frame.height, 0)), [], top)
        pts = self.points(frame)
        best = np.array([max(b * w for w in c.woe) for c, b in zip(self.characteristics, self.coefficients)])
        lost = best * self.scaling.factor - (pts - (self.intercept / len(self.characteristics) * self.scaling.factor
                                                    + self.scaling.offset / len(self.characteristics)))
        return top_reasons(lost, self.names, top)

    def coefficient_table(self) -> pl.DataFrame:
        """Intercept and one row per characteristic: coefficient, standard error, p-value, IV."""
        return pl.DataFrame({
            "term": ["intercept", *self.names],
            "coefficient": [self.intercept, *self.coefficients],
            "std_error": [self.intercept_std_error, *self.std_errors],
            "p_value": [self.intercept_p_value, *self.p_values],
            "iv": [None, *(c.iv for c in self.characteristics)]}, strict=False)

    def points_table(self) -> pl.DataFrame:
        """The scorecard: one row per characteristic and bin with its WoE and points."""
        n = len(self.characteristics)
        frames = []
        for c, beta in zip(self.characteristics, self.coefficients):
            t = c.table()
            pts = self.scaling.characteristic_points(beta, np.asarray(c.woe), self.intercept, n)
            frames.append(t.with_columns(pl.Series("points", np.round(pts, 1))))
        return pl.concat(frames) if frames else pl.DataFrame()

    def iv_table(self) -> pl.DataFrame:
        """Every candidate characteristic with its IV and whether it entered the model."""
        used = set(self.names)
        why = dict(self.dropped)
        return pl.DataFrame({"characteristic": [c.name for c in self.candidates],
                             "iv": [c.iv for c in self.candidates],
                             "in_model": [c.name in used for c in self.candidates],
                             "note": [why.get(c.name, "") for c in self.candidates]}).sort("iv", descending=True)


def _values(frame: pl.DataFrame, name: str) -> np.ndarray:
    return frame.get_column(name).cast(pl.Float64).fill_null(float("nan")).to_numpy()


def top_reasons(lost: np.ndarray, names: list[str], top: int = 3) -> pl.DataFrame:
    """reason_1 .. reason_<top>: per row of `lost` (rows x characteristics, what each costs),
    the names of the costliest, largest first (ties in the order of `names`), null where it
    costs nothing. Vectorised: a frame of millions of rows builds no Python list per row."""
    n = lost.shape[0]
    columns = {}
    order = np.argsort(-lost, axis=1, kind="stable") if lost.shape[1] else np.zeros((n, 0), dtype=int)
    labels = pl.Series(names, dtype=pl.String)
    for r in range(top):
        if r >= lost.shape[1]:
            columns[f"reason_{r + 1}"] = pl.Series([None] * n, dtype=pl.String)
            continue
        idx = order[:, r]
        cost = lost[np.arange(n), idx]
        picked = labels.gather(idx)
        columns[f"reason_{r + 1}"] = pl.select(pl.when(pl.Series(cost > 1e-9)).then(picked)).to_series()
    return pl.DataFrame(columns)


def _logit(y_good: np.ndarray, x: np.ndarray):
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.Logit(y_good, sm.add_constant(x, has_constant="add")).fit(disp=0, method="newton", maxiter=100)


def train_statistical(frame: pl.DataFrame, bad: np.ndarray, names: list[str],
                      settings: StatisticalSettings) -> StatisticalModel:
    """Fit the WoE logistic scorecard on a development sample.

    frame: one row per observation point with the characteristic columns `names`; bad: the
    target (True = default within the horizon), same length. Raises ValueError without both
    goods and bads, or when no characteristic carries information."""
    y = np.asarray(bad, dtype=bool)
    if y.sum() == 0 or y.sum() == y.size:
        raise ValueError(NEEDS_BOTH)
    binned = [b for n in names if (b := bin_characteristic(n, _values(frame, n), y, settings)) is not None]
    dropped: list[tuple[str, str]] = []
    keep = []
    for b in sorted(binned, key=lambda b: -b.iv):
        if b.iv < settings.min_iv:
            dropped.append((b.name, IV_TOO_LOW.format(iv=f"{b.iv:.3f}", min_iv=f"{settings.min_iv:g}")))
        else:
            keep.append(b)
    woe = {b.name: b.woe_of(_values(frame, b.name)) for b in keep}
    chosen: list[BinnedCharacteristic] = []
    for b in keep:  # highest IV first
        clash = next((c for c in chosen if abs(_corr(woe[b.name], woe[c.name])) > settings.max_correlation), None)
        if clash is not None:
            dropped.append((b.name, CORRELATED.format(correlation=f"{_corr(woe[b.name], woe[clash.name]):.2f}",
                                                     other=clash.name)))
        else:
            chosen.append(b)
    while len(chosen) > settings.max_characteristics:
        gone = chosen.pop()  # the lowest IV
        dropped.append((gone.name, BEYOND_STRONGEST.format(n=settings.max_characteristics)))
    if not chosen:
        raise ValueError(NO_INFORMATION)
    y_good = (~y).astype(float)
    while True:
        fit = _logit(y_good, np.column_stack([woe[c.name] for c in chosen]))
        params, pvals = np.asarray(fit.params), np.asarray(fit.pvalues)
        # worst first: a coefficient against its bins, else the largest p-value above the bar
        bad_sign = [i for i in range(len(chosen)) if params[i + 1] <= 0]
        if bad_sign:
            i = max(bad_sign, key=lambda i: pvals[i + 1])
            dropped.append((chosen[i].name, AGAINST_ITS_BINS.format(coefficient=f"{params[i + 1]:.3f}")))
        elif len(chosen) > 1 and np.nanmax(pvals[1:]) > settings.max_p_value:
            i = int(np.nanargmax(pvals[1:]))
            dropped.append((chosen[i].name, P_VALUE_TOO_HIGH.format(p_value=f"{pvals[i + 1]:.3f}",
                                                                      max_p_value=f"{settings.max_p_value:g}")))
        else:
            break
        chosen.pop(i)
        if not chosen:
            raise ValueError(NO_SIGNIFICANT)
    se = np.asarray(fit.bse)
    return StatisticalModel(
        characteristics=tuple(chosen), intercept=float(params[0]),
        coefficients=tuple(float(p) for p in params[1:]), std_errors=tuple(float(s) for s in se[1:]),
        p_values=tuple(float(p) for p in pvals[1:]), intercept_std_error=float(se[0]),
        intercept_p_value=float(pvals[0]), scaling=settings.scaling,
        candidates=tuple(sorted(binned, key=lambda b: -b.iv)), dropped=tuple(dropped))


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if np.std(a) == 0 or np.std(b) == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])
