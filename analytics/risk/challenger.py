"""The machine-learning challenger: gradient boosting on the characteristics as they are
(scikit-learn's HistGradientBoostingClassifier, missing values handled natively), with a
monotonic constraint wherever the direction of a characteristic is known (more days late:
never less risk), compared with the statistical model on the same out-of-time sample.

Reason codes: for each customer, the characteristics whose value moves its predicted log-odds
of default up the most against the development sample's typical value (the median; for a
characteristic missing in most of the sample, missing): the change when that one value is
set to the typical one, largest first. A committee reads them as "what costs this customer
the most", as it reads the points a scorecard characteristic loses.

The score is on the statistical model's points scale (offset + factor × ln(odds good)), so
the two models' scores and grades compare directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from analytics.risk.scoring import PointsScaling
from analytics.risk.statistical import NEEDS_BOTH, top_reasons

# +1: a higher value never lowers the risk; -1: never raises it; absent: not constrained.
KNOWN_DIRECTIONS: dict[str, int] = {
    "days_beyond_terms_3m_days": 1, "days_beyond_terms_6m_days": 1, "days_beyond_terms_12m_days": 1,
    "max_days_past_due_12m_days": 1, "late_settled_12m_pct": 1, "disputed_share_pct": 1,
    "overdue_share_pct": 1, "write_offs_12m_amt": 1, "over_limit_months_12m": 1,
    "events_12m": 1, "severe_events_12m": 1, "litigation_12m": 1, "tax_penalty_12m": 1, "late_filing_12m": 1, "months_on_book": -1, "months_with_sales_12m": -1,
    "cover_pct": -1, "years_established": -1, "current_ratio": -1, "quick_ratio": -1, "debt_to_assets_pct": 1,
    "interest_cover": -1, "ebit_margin_pct": -1, "roa_pct": -1, "ocf_to_liabilities_pct": -1,
    "tangible_net_worth_amt": -1, "working_capital_amt": -1, "altman_z2": -1,
}


@dataclass(frozen=True)
class ChallengerSettings:
    scaling: PointsScaling
    max_iter: int = 150
    learning_rate: float = 0.05
    max_leaf_nodes: int = 15
    min_leaf_share_pct: float = 1.0  # each leaf holds at least this share of the sample
    l2_regularization: float = 1.0
    seed: int = 0


@dataclass(frozen=True)
class ChallengerModel:
    names: tuple[str, ...]
    estimator: Any  # a fitted HistGradientBoostingClassifier (target: default)
    reference: tuple[float, ...]  # the typical value per characteristic (NaN = missing)
    scaling: PointsScaling
    monotonic: tuple[int, ...]

    def _x(self, frame: pl.DataFrame) -> np.ndarray:
        return np.column_stack([frame.get_column(n).cast(pl.Float64).fill_null(float("nan")).to_numpy()
                                for n in self.names])

    def log_odds_bad(self, frame: pl.DataFrame) -> np.ndarray:
        return np.asarray(self.estimator.decision_function(self._x(frame)), dtype=float)

    def pd_frac(self, frame: pl.DataFrame) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.log_odds_bad(frame)))

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        return np.asarray(self.scaling.score(-self.log_odds_bad(frame)), dtype=float)

    def reasons(self, frame: pl.DataFrame, top: int = 3) -> pl.DataFrame:
        """Per row (reason_1 .. reason_<top>), the characteristics whose own value raises its
        log-odds of default the most against the typical value (largest first; null where
        nothing raises it)."""
        x = self._x(frame)
        base = np.asarray(self.estimator.decision_function(x), dtype=float)
        lift = np.zeros_like(x)
        for j in self.used_features():  # a characteristic no tree splits on moves nothing
            ref = self.reference[j]
            probe = x.copy()
            probe[:, j] = ref
            lift[:, j] = base - np.asarray(self.estimator.decision_function(probe), dtype=float)
        return top_reasons(np.where(lift > 1e-6, lift, 0.0), list(self.names), top)

    def importance_table(self, frame: pl.DataFrame, bad: np.ndarray, max_rows: int = 5_000,
                         seed: int = 0) -> pl.DataFrame:
        """Permutation importance: the AUROC lost when one characteristic's values are
        shuffled once (Breiman's permutation importance, as scikit-learn's
        permutation_importance computes it), on at most max_rows rows of `frame` drawn with
        `seed`; a characteristic no tree splits on loses nothing and is not shuffled."""
        from sklearn.metrics import roc_auc_score

        x, y = self._x(frame), np.asarray(bad, dtype=int)
        rng = np.random.default_rng(seed)
        if x.shape[0] > max_rows:
            pick = rng.choice(x.shape[0], size=max_rows, replace=False)
            x, y = x[pick], y[pick]
        loss = np.zeros(len(self.names))
        if 0 < y.sum() < y.size:
            base = roc_auc_score(y, self.estimator.decision_function(x))
            for j in self.used_features():
                shuffled = x.copy()
                shuffled[:, j] = rng.permutation(shuffled[:, j])
                loss[j] = base - roc_auc_score(y, self.estimator.decision_function(shuffled))
        return pl.DataFrame({"characteristic": list(self.names), "auroc_loss": loss,
                             "monotonic": list(self.monotonic)}).sort("auroc_loss", descending=True)

    def used_features(self) -> list[int]:
        """The characteristics (column indices) some tree splits on."""
        used: set[int] = set()
        for trees in self.estimator._predictors:
            for tree in trees:
                nodes = tree.nodes
                used.update(int(f) for f in nodes["feature_idx"][~nodes["is_leaf"].astype(bool)])
        return sorted(used)


def train_challenger(frame: pl.DataFrame, bad: np.ndarray, names: list[str],
                     settings: ChallengerSettings) -> ChallengerModel:
    """Fit the gradient-boosting challenger on a development sample (rows = observation
    points, `names` = characteristic columns, bad = default within the horizon). Raises
    ValueError without both defaults and non-defaults.

    The number of boosting rounds is chosen on customers held out of the fit (a fifth of them,
    drawn with the seed; all of a customer's month-ends on one side, since a customer seen in
    training would flatter the check): the round with the lowest log-loss on them, up to
    max_iter; then the model is fitted again on the whole sample with that many rounds."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    y = np.asarray(bad, dtype=int)
    if y.sum() == 0 or y.sum() == y.size:
        raise ValueError(NEEDS_BOTH)
    x = np.column_stack([frame.get_column(n).cast(pl.Float64).fill_null(float("nan")).to_numpy() for n in names])
    monotonic = [KNOWN_DIRECTIONS.get(n, 0) for n in names]

    def model(rounds: int) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=rounds, learning_rate=settings.learning_rate, max_leaf_nodes=settings.max_leaf_nodes,
            min_samples_leaf=max(20, int(settings.min_leaf_share_pct / 100 * y.size)),
            l2_regularization=settings.l2_regularization, monotonic_cst=monotonic, early_stopping=False,
            random_state=settings.seed)

    rounds = settings.max_iter
    if "customer_id" in frame.columns:
        customers = frame["customer_id"].unique().sort()
        held = set(customers.sample(fraction=0.2, seed=settings.seed).to_list())
        is_held = frame["customer_id"].is_in(list(held)).to_numpy()
        if 0 < y[is_held].sum() < is_held.sum() and 0 < y[~is_held].sum() < (~is_held).sum():
            probe = model(settings.max_iter).fit(x[~is_held], y[~is_held])
            losses = []
            for raw in probe.staged_decision_function(x[is_held]):
                p = np.clip(1 / (1 + np.exp(-np.asarray(raw, dtype=float))), 1e-12, 1 - 1e-12)
                yh = y[is_held]
                losses.append(-np.mean(yh * np.log(p) + (1 - yh) * np.log(1 - p)))
            rounds = int(np.argmin(losses)) + 1
    est = model(rounds).fit(x, y)
    reference = []
    for j in range(x.shape[1]):
        col = x[:, j]
        present = ~np.isnan(col)
        reference.append(float(np.median(col[present])) if present.mean() >= 0.5 else float("nan"))
    return ChallengerModel(tuple(names), est, tuple(reference), settings.scaling, tuple(monotonic))
