"""The expert scorecard (docs/definitions.md, Scoring and rating models): dimensions with
weights, each characteristic binned to points, the total on a 0-1,000 scale, a grade from the
policy's score bands and the reasons that cost the most points. Pure: it reads one frame of
characteristics (sql/marts/14_customer_characteristics.sql) and the policy's [scoring] tables.

A characteristic's bins are upper bounds: a value at or below bounds[i] (and above the one
before) scores points[i]; above the last bound it scores the last points; a missing value
(null: no settled invoice, no limit, ...) scores the characteristic's own `missing` points,
never those of a zero. A dimension scores the mean of its characteristics' points (0-100);
the total = 10 × Σ weight_pct × dimension points / 100, so 1,000 is the best possible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from analytics.i18n import N_, _
from analytics.risk.scoring import MasterScale

MAX_POINTS = 100.0
SCALE_MAX = 1_000.0
# The characteristics on offer: the columns of customer_characteristics (besides its key), each
# with what it measures (tests/sql/test_characteristics.py checks the list against the mart).
CHARACTERISTICS: dict[str, str] = {
    "months_on_book": N_("months since onboarding (or the first document)"),
    "days_beyond_terms_3m_days": N_("days paid beyond terms, amount-weighted, 3 months"),
    "days_beyond_terms_6m_days": N_("days paid beyond terms, amount-weighted, 6 months"),
    "days_beyond_terms_12m_days": N_("days paid beyond terms, amount-weighted, 12 months"),
    "days_beyond_terms_trend_days": N_("days beyond terms, 3 months less 12 months"),
    "max_days_past_due_12m_days": N_("worst days past due at a month-end, 12 months"),
    "late_settled_12m_pct": N_("invoices settled after their due date, 12 months"),
    "disputed_share_pct": N_("disputed share of open AR"),
    "overdue_share_pct": N_("overdue share of open AR"),
    "write_offs_12m_amt": N_("written off, 12 months"),
    "utilization_pct": N_("credit line used"),
    "over_limit_months_12m": N_("month-ends over the line's limit, 12 months"),
    "months_with_sales_12m": N_("months with sales, 12 months"),
    "sales_12m_amt": N_("net credit sales, 12 months"),
    "sales_trend_pct": N_("sales, last 6 months against the 6 before"),
    "sales_volatility_pct": N_("monthly sales' standard deviation over their mean, 12 months"),
    "sales_share_pct": N_("share of our net credit sales, 12 months"),
    "events_12m": N_("events of any severity, 12 months"),
    "severe_events_12m": N_("high-severity adverse events, 12 months"),
    "litigation_12m": N_("litigation events, 12 months"),
    "tax_penalty_12m": N_("tax penalties, 12 months"),
    "late_filing_12m": N_("late filings, 12 months"),
    "management_change_12m": N_("management changes, 12 months"),
    "cover_pct": N_("exposure covered by collateral and credit insurance"),
    "years_established": N_("years since incorporation"),
    "registered_capital_amt": N_("registered capital"),
    "statement_age_months": N_("months since the latest statement's period end"),
    "current_ratio": N_("current assets over current liabilities"),
    "quick_ratio": N_("current assets less inventory over current liabilities"),
    "debt_to_assets_pct": N_("total liabilities over total assets"),
    "interest_cover": N_("EBIT over interest expense (50 = no interest)"),
    "ebit_margin_pct": N_("EBIT over revenue"),
    "roa_pct": N_("net income over total assets"),
    "ocf_to_liabilities_pct": N_("operating cash flow over total liabilities"),
    "tangible_net_worth_amt": N_("equity less intangible assets"),
    "working_capital_amt": N_("current assets less current liabilities"),
    "altman_z2": N_("Altman Z'' (private firms; < 1.1 distress, > 2.6 safe)"),
    "revenue_change_pct": N_("revenue against the statement before"),
    "tangible_net_worth_change_pct": N_("tangible net worth against the statement before"),
}


# Characteristics the trained models leave out: the statement's age follows the calendar of
# fiscal year-ends, so a model trained on it learns the season of its development window
# rather than the customer (its PSI against the latest month-end shows it).
NOT_TRAINED: frozenset[str] = frozenset({"statement_age_months"})


@dataclass(frozen=True)
class Characteristic:
    name: str  # a column of customer_characteristics
    upper_bounds: tuple[float, ...]
    points: tuple[float, ...]  # one more than upper_bounds
    missing_points: float

    def points_of(self, values: np.ndarray) -> np.ndarray:
        """Points per value (NaN = missing)."""
        v = np.asarray(values, dtype=float)
        idx = np.searchsorted(np.asarray(self.upper_bounds, dtype=float), v, side="left")
        out = np.asarray(self.points, dtype=float)[np.minimum(idx, len(self.points) - 1)]
        return np.where(np.isnan(v), self.missing_points, out)


    def points_from(self, frame: pl.DataFrame) -> np.ndarray:
        return self.points_of(frame[self.name].cast(pl.Float64).fill_null(math.nan).to_numpy())


# Text characteristics a scorecard may score by category (points per value in the policy):
# the customer's industry and region (customer_dims) and its external (imported) grade.
CATEGORICAL: dict[str, str] = {
    "industry": N_("industry risk"),
    "region": N_("region risk"),
    "external_grade": N_("external (imported) grade"),
}

# The shipped policy's dimension names (configuration written in English): their words on
# screen; a company's own dimension (in Chinese, say) reads as it is named.
DIMENSIONS: dict[str, str] = {
    "payment_history": N_("Payment history"),
    "credit_use": N_("Credit use"),
    "relationship": N_("Relationship"),
    "disputes_and_events": N_("Disputes and events"),
    "company": N_("Company"),
    "financial_condition": N_("Financial condition"),
    "industry": N_("Industry"),
    "external": N_("External rating"),
}


def characteristic_label(name: str | None) -> str:
    """A characteristic (or a reason naming one) as the field reads it, in the current
    language; "—" for none, the name itself when it is not one on offer."""
    if name is None:
        return "—"
    text = CHARACTERISTICS.get(name) or CATEGORICAL.get(name)
    return _(text) if text else name


def dimension_label(name: str) -> str:
    """A scorecard dimension's name as the field reads it, in the current language."""
    return _(DIMENSIONS[name]) if name in DIMENSIONS else _(name.replace("_", " "))


@dataclass(frozen=True)
class CategoricalCharacteristic:
    """A text characteristic scored by category: `categories` gives the points of each value,
    any other value scores `other_points`, a missing one `missing_points`."""

    name: str
    categories: tuple[tuple[str, float], ...]
    other_points: float
    missing_points: float

    @property
    def points(self) -> tuple[float, ...]:
        return (*(p for _, p in self.categories), self.other_points)

    def points_from(self, frame: pl.DataFrame) -> np.ndarray:
        col = frame[self.name].cast(pl.String)
        mapped = col.replace_strict(dict(self.categories), default=self.other_points, return_dtype=pl.Float64)
        return pl.select(pl.when(col.is_null()).then(pl.lit(self.missing_points)).otherwise(mapped)).to_series() \
            .cast(pl.Float64).to_numpy()


@dataclass(frozen=True)
class Dimension:
    name: str
    weight_pct: float
    characteristics: tuple[Characteristic | CategoricalCharacteristic, ...]


@dataclass(frozen=True)
class ExpertScorecard:
    dimensions: tuple[Dimension, ...]
    master_scale: MasterScale  # score bands -> grades -> PDs (fractions)

    @property
    def characteristic_names(self) -> list[str]:
        return [c.name for d in self.dimensions for c in d.characteristics]

    def score(self, characteristics: pl.DataFrame, reasons: int = 3) -> pl.DataFrame:
        """Every row's points per characteristic (`points_<name>`), per dimension
        (`<dimension>_points`, 0-100), the score (0-1,000), its grade and PD (pd_frac), and the
        `reasons` characteristics that cost it the most weighted points (reason_1 ...), best
        first when tied by scorecard order. Raises KeyError when a characteristic column is
        missing from the frame."""
        missing = [n for n in self.characteristic_names if n not in characteristics.columns]
        if missing:
            raise KeyError(_("characteristics frame lacks {names}").format(names=", ".join(missing)))
        n = characteristics.height
        total = np.zeros(n)
        columns: dict[str, np.ndarray] = {}
        lost: list[tuple[str, np.ndarray]] = []  # (characteristic, weighted points lost)
        for dim in self.dimensions:
            per_char = []
            for ch in dim.characteristics:
                pts = ch.points_from(characteristics)
                columns[f"points_{ch.name}"] = pts
                per_char.append(pts)
                share = dim.weight_pct / 100 / len(dim.characteristics) * SCALE_MAX / MAX_POINTS
                lost.append((ch.name, (max(ch.points) - pts) * share))
            dim_points = np.mean(per_char, axis=0) if per_char else np.zeros(n)
            columns[f"{dim.name}_points"] = dim_points
            total += dim_points * dim.weight_pct / 100 * SCALE_MAX / MAX_POINTS
        out = characteristics.select([c for c in ("customer_id", "snapshot_date") if c in characteristics.columns])
        out = out.with_columns([pl.Series(k, v) for k, v in columns.items()])
        out = out.with_columns(pl.Series("score", total),
                               self.master_scale.grade(total).alias("grade"),
                               pl.Series("pd_frac", self.master_scale.pd(total)))
        if reasons and lost:
            names = np.array([name for name, _ in lost])
            matrix = np.column_stack([v for _, v in lost])  # rows x characteristics
            order = np.argsort(-matrix, axis=1, kind="stable")[:, :reasons]
            for r in range(min(reasons, len(lost))):
                picked = order[:, r]
                cost = matrix[np.arange(n), picked]
                out = out.with_columns(pl.when(pl.Series(cost > 0)).then(pl.Series(names[picked], dtype=pl.String))
                                       .alias(f"reason_{r + 1}"))
        return out


def _number(value: object) -> bool:
    """A finite int or float from the policy file (a bool is not a number here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _categorical(at: str, name: str, spec: dict) -> CategoricalCharacteristic:  # type: ignore[type-arg]
    extra = sorted(set(spec) - {"categories", "other", "missing"})
    if extra:
        raise ValueError(_("{at} has unknown keys {keys} (known: categories, other, missing)").format(
            at=at, keys=", ".join(extra)))
    cats, other, missing = spec.get("categories"), spec.get("other"), spec.get("missing")
    if not isinstance(cats, dict) or not cats or not all(_number(p) and 0 <= p <= MAX_POINTS for p in cats.values()):
        raise ValueError(_("{at} categories must map each value to points from 0 to {max}").format(
            at=at, max=f"{MAX_POINTS:g}"))
    for key, value in (("other", other), ("missing", missing)):
        if not _number(value) or not 0 <= value <= MAX_POINTS:
            raise ValueError(_("{at} {key} must be points from 0 to {max}").format(
                at=at, key=key, max=f"{MAX_POINTS:g}"))
    return CategoricalCharacteristic(name, tuple((str(k), float(v)) for k, v in cats.items()), float(other),
                                     float(missing))


def parse_expert(section: dict, grade_bounds: dict, scale: tuple[str, ...],  # type: ignore[type-arg]
                 pd_pct: dict[str, float], known: set[str], name: str = "scoring.expert") -> ExpertScorecard:
    """The expert scorecard of the policy's [<name>.<dimension>] tables (scoring.expert, or
    scoring.application) and the [scoring] grade_lower_scores bands (every grade but the
    default one, best first, falling). `known`: the characteristic columns on offer; a text
    characteristic (CATEGORICAL) takes `categories`, `other` and `missing` points instead of
    bins. Raises ValueError naming the key at fault."""
    if not isinstance(section, dict) or not section:
        raise ValueError(_("[{name}] needs at least one dimension").format(name=name))
    dims = []
    for dim_name, raw in section.items():
        where = f"[{name}.{dim_name}]"
        if not isinstance(raw, dict):
            raise ValueError(_("{where} must be a table").format(where=where))
        extra = sorted(set(raw) - {"weight_pct", "characteristics"})
        if extra:
            raise ValueError(_("{where} has unknown keys {keys} (known: weight_pct, characteristics)").format(
                where=where, keys=", ".join(extra)))
        weight = raw.get("weight_pct")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 100:
            raise ValueError(_("{where} weight_pct must be a number in (0, 100]").format(where=where))
        chars_raw = raw.get("characteristics")
        if not isinstance(chars_raw, dict) or not chars_raw:
            raise ValueError(_("{where} needs characteristics").format(where=where))
        chars = []
        for char_name, spec in chars_raw.items():
            at = f"{where} characteristics.{char_name}"
            if char_name not in known and char_name not in CATEGORICAL:
                names = ", ".join(sorted(known | set(CATEGORICAL)))
                raise ValueError(_("{at}: unknown characteristic (known: {names})").format(at=at, names=names))
            if not isinstance(spec, dict):
                raise ValueError(_("{at} must be a table with bins, points and missing").format(at=at))
            if char_name in CATEGORICAL:
                chars.append(_categorical(at, char_name, spec))
                continue
            extra = sorted(set(spec) - {"bins", "points", "missing"})
            if extra:
                raise ValueError(_("{at} has unknown keys {keys} (known: bins, points, missing)").format(
                    at=at, keys=", ".join(extra)))
            bins, points, missing = spec.get("bins"), spec.get("points"), spec.get("missing")
            if not isinstance(bins, list) or not bins or not all(_number(b) for b in bins):
                raise ValueError(_("{at} bins must be a non-empty list of finite numbers").format(at=at))
            if any(a >= b for a, b in zip(bins[:-1], bins[1:])):
                raise ValueError(_("{at} bins {bins} must be strictly increasing").format(at=at, bins=bins))
            if not isinstance(points, list) or len(points) != len(bins) + 1 or not all(
                    _number(p) and 0 <= p <= MAX_POINTS for p in points):
                raise ValueError(_("{at} points must be {n} numbers from 0 to {max} (one more than bins)").format(
                    at=at, n=len(bins) + 1, max=f"{MAX_POINTS:g}"))
            if not _number(missing) or not 0 <= missing <= MAX_POINTS:
                raise ValueError(_("{at} missing must be points from 0 to {max}").format(at=at, max=f"{MAX_POINTS:g}"))
            chars.append(Characteristic(char_name, tuple(float(b) for b in bins), tuple(float(p) for p in points),
                                        float(missing)))
        dims.append(Dimension(dim_name, float(weight), tuple(chars)))
    total = sum(d.weight_pct for d in dims)
    if abs(total - 100.0) > 1e-9:
        raise ValueError(_("[{name}] weights add up to {total} %, not 100 %").format(name=name, total=f"{total:g}"))
    graded = [g for g in scale if g != scale[-1]]
    if not isinstance(grade_bounds, dict) or list(grade_bounds) != graded:
        raise ValueError(_("[scoring] grade_lower_scores must give, best first, every grade but the default: "
                           "{grades}").format(grades=", ".join(graded)))
    if not all(_number(v) for v in grade_bounds.values()):
        raise ValueError(_("[scoring] grade_lower_scores must be finite numbers"))
    try:
        master = MasterScale(tuple(graded), tuple(float(grade_bounds[g]) for g in graded),
                             tuple(pd_pct[g] / 100 for g in graded))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"[scoring] {exc}") from None
    return ExpertScorecard(tuple(dims), master)


def is_new_customer(frame: pl.DataFrame, application_months: int) -> np.ndarray:
    """Rows whose customer has fewer than application_months months on book (missing counts as
    new): the application scorecard grades them."""
    months = frame["months_on_book"].cast(pl.Float64).fill_null(-1.0).to_numpy()
    return months < application_months


def score_customers(behavioural: ExpertScorecard, application: ExpertScorecard, frame: pl.DataFrame,
                    application_months: int) -> pl.DataFrame:
    """Every row graded by the scorecard its history calls for: the application scorecard for a
    customer with fewer than application_months months on book, the behavioural one for the
    others. Output: customer_id (and snapshot_date when given), score, grade, pd_frac,
    reason_1..3, scorecard ('application' | 'behavioural') and the behavioural scorecard's
    points columns (null on application rows)."""
    new = is_new_customer(frame, application_months)
    beh = behavioural.score(frame)
    if not new.any():
        return beh.with_columns(pl.lit("behavioural").alias("scorecard"))
    app = application.score(frame)
    pick = pl.Series(new)
    shared = ["score", "grade", "pd_frac", "reason_1", "reason_2", "reason_3"]
    out = beh.with_columns(
        *[pl.when(pick).then(app[c] if c in app.columns else pl.lit(None)).otherwise(pl.col(c)).alias(c)
          for c in shared if c in beh.columns],
        pl.when(pick).then(pl.lit("application")).otherwise(pl.lit("behavioural")).alias("scorecard"))
    points = [c for c in beh.columns if c.startswith("points_") or c.endswith("_points")]
    return out.with_columns([pl.when(pick).then(None).otherwise(pl.col(c)).alias(c) for c in points])
