"""Credit scoring views: the expert scorecard applied to every customer in scope at a
month-end, what the pages and `report scores` show."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import polars as pl

from analytics.data.warehouse import Warehouse
from analytics.policy import Policy
from analytics.formats import fmt_date, fmt_int, fmt_number
from analytics.i18n import N_, _
from analytics.risk.scorecard import (CHARACTERISTICS, Characteristic, ExpertScorecard, characteristic_label,  # noqa: F401
                                      dimension_label, score_customers)
from analytics.risk.scoring import notches_between, stored_text
from analytics.views import Filters, calendar

EMPTY_SCHEMA = {"customer_id": pl.String, "score": pl.Float64, "grade": pl.String, "pd_pct": pl.Float64,
                "model_pd_pct": pl.Float64, "scorecard": pl.String, "imported_grade": pl.String, "notches_vs_imported": pl.Int64,
                "reason_1": pl.String,
                "reason_2": pl.String, "reason_3": pl.String, "segment": pl.String, "industry": pl.String,
                "gross_exposure_amt": pl.Float64}
SCORE_COLUMNS = ["customer_id", "score", "grade", "pd_pct", "model_pd_pct", "scorecard", "imported_grade",
                 "notches_vs_imported",
                 "reason_1", "reason_2", "reason_3", "segment", "industry", "gross_exposure_amt"]


# The views' notes, written in English (views are cached for every reader) and shown in the
# reader's language by note_text().
NO_MONTH_END = N_("No month-end on or before {date} to score.")
NO_CUSTOMERS = N_("No customers in scope at this month-end.")
SCORED_EARLIER = N_("Scored on the characteristics of {scored_at}, the last complete month-end on or before {date}.")
NOTES = (NO_MONTH_END, NO_CUSTOMERS, SCORED_EARLIER)


def note_text(note: str) -> str:
    """A scores view's note in the current language, its dates in the locale's form."""
    return stored_text(note, NOTES, {"date": fmt_date, "scored_at": fmt_date})


@dataclass(frozen=True)
class ScoresView:
    """The expert scores at one month-end: one row per customer (best score first), the grade
    distribution in scale order, and the customers whose imported grade differs."""

    as_of: date
    scored_at: date | None  # the month-end whose characteristics were scored (None: none yet)
    scores: pl.DataFrame  # SCORE_COLUMNS, plus points per characteristic and per dimension
    by_grade: pl.DataFrame  # grade, customers, gross_exposure_amt, pd_pct, avg_score
    differences: pl.DataFrame  # customers whose model grade is more than max_notches off
    notes: list[str] = field(default_factory=list)
    max_notches: int = 2

    @property
    def median_score(self) -> float | None:
        return float(self.scores["score"].median()) if self.scores.height else None

    @property
    def exposure_weighted_pd_pct(self) -> float | None:
        """Σ PD × gross exposure / Σ gross exposure (credit balances count 0), in percent."""
        if not self.scores.height:
            return None
        exposure = self.scores["gross_exposure_amt"].cast(pl.Float64).fill_null(0).clip(lower_bound=0)
        total = float(exposure.sum())
        return float((self.scores["pd_pct"].cast(pl.Float64) * exposure).sum() / total) if total > 0 else None

    def grades_moved(self, other: ScoresView) -> int:
        """How many customers this view grades differently from `other` (same customers)."""
        if not self.scores.height or not other.scores.height:
            return 0
        return (self.scores.select("customer_id", "grade")
                .join(other.scores.select("customer_id", pl.col("grade").alias("other_grade")), on="customer_id")
                .filter(pl.col("grade") != pl.col("other_grade")).height)

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"scores": self.scores, "by_grade": self.by_grade, "grade_differences": self.differences}


def scored_month_end(wh: Warehouse, as_of: date) -> date | None:
    """The month-end whose characteristics stand for as_of: the last complete month-end on or
    before it (as_of itself when it is one). A month still open on the extraction date is not
    scored: its snapshot ages items at the month's end, and the next export changes it. None
    before the first month-end."""
    cal = calendar(wh)
    cal.check(as_of)
    earlier = [d for d in cal.dates if (d + timedelta(days=1)).day == 1 and d <= min(as_of, cal.extracted_on)]
    return max(earlier) if earlier else None


@dataclass(frozen=True)
class ScoreInputs:
    """The characteristics of every customer in scope at the last complete month-end on or
    before as_of (read once per date and filter; scoring them is pure and fast)."""

    as_of: date
    scored_at: date | None
    frame: pl.DataFrame  # customer_scores_input.sql


def score_inputs(wh: Warehouse, as_of: date, filters: Filters) -> ScoreInputs:
    scored_at = scored_month_end(wh, as_of)
    frame = (wh.query("customer_scores_input", scored_at=scored_at, **filters.params()) if scored_at
             else pl.DataFrame())
    return ScoreInputs(as_of, scored_at, frame)


def with_weights(card: ExpertScorecard, weights_pct: dict[str, float]) -> ExpertScorecard:
    """The scorecard with other dimension weights (a what-if), scaled to add up to 100 %.
    Raises ValueError when they add up to nothing or name an unknown dimension."""
    unknown = set(weights_pct) - {d.name for d in card.dimensions}
    total = sum(weights_pct.get(d.name, d.weight_pct) for d in card.dimensions)
    if unknown or total <= 0 or any(w < 0 for w in weights_pct.values()):
        raise ValueError("weights must be >= 0, add up to more than 0 and name the scorecard's dimensions")
    return replace(card, dimensions=tuple(
        replace(d, weight_pct=weights_pct.get(d.name, d.weight_pct) / total * 100) for d in card.dimensions))


def scores_view(wh: Warehouse, as_of: date, filters: Filters, policy: Policy,
                card: ExpertScorecard | None = None, max_notches: int | None = None) -> ScoresView:
    """Score every customer in scope with the expert scorecard (the policy's, or `card`: an
    edited one) at the last complete month-end on or before as_of (scored_month_end).
    notches_vs_imported: model grade index
    minus imported grade index (positive = the model grades worse)."""
    return scores_from(score_inputs(wh, as_of, filters), policy, card, max_notches)


def scores_from(inputs: ScoreInputs, policy: Policy, card: ExpertScorecard | None = None,
                max_notches: int | None = None, grade_pd: dict[str, float] | None = None) -> ScoresView:
    """scores_view on characteristics already read (grade_pd: the grades' PDs in percent,
    default the policy's)."""
    card = card or policy.expert_scorecard
    frame = inputs.frame
    if frame.height:
        # a customer with little history is graded by the application scorecard
        scored = score_customers(card, policy.application_scorecard, frame, policy.rating.application_months)
        frame = (frame.select("customer_id", "imported_grade", "segment", "industry", "gross_exposure_amt")
                 .join(scored, on="customer_id", how="left"))
    return scores_frame_view(inputs.as_of, inputs.scored_at, frame, policy,
                             policy.rating.override_notches if max_notches is None else max_notches, grade_pd)


def scores_frame_view(as_of: date, scored_at: date | None, frame: pl.DataFrame, policy: Policy,
                      max_notches: int, grade_pd: dict[str, float] | None = None) -> ScoresView:
    """A ScoresView of scored customers: frame has customer_id, score, grade, pd_frac,
    imported_grade, segment, industry, gross_exposure_amt and optionally reason_1..3 and
    points columns. notches_vs_imported: model grade index minus imported grade index
    (positive = the model grades worse)."""
    empty = ScoresView(as_of, scored_at, pl.DataFrame(schema=EMPTY_SCHEMA), pl.DataFrame(), pl.DataFrame(), [],
                       max_notches)
    if scored_at is None:
        return replace(empty, notes=[NO_MONTH_END.format(date=as_of)])
    if frame.height == 0:
        return replace(empty, notes=[NO_CUSTOMERS])
    # pd_pct: the grade's PD on the master scale (what EL and limits use); model_pd_pct: the
    # model's own estimate (the expert scorecard has none beyond its grade's)
    grade_pd = grade_pd or {g: policy.pd_pct[g] for g in policy.scale}
    frame = (frame.with_columns(pl.col("grade").replace_strict(grade_pd, default=None, return_dtype=pl.Float64)
                                .alias("pd_pct"), (pl.col("pd_frac") * 100).alias("model_pd_pct"),
                                notches_between("grade", "imported_grade", policy.scale).alias("notches_vs_imported"))
             .sort(["score", "customer_id"], descending=[True, False]))
    for col in ("reason_1", "reason_2", "reason_3", "scorecard"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    frame = frame.select(*SCORE_COLUMNS, pl.exclude(*SCORE_COLUMNS, "pd_frac", "snapshot_date"))
    graded = [g for g in policy.scale if g != policy.default_grade]
    by_grade = (pl.DataFrame({"grade": graded})
                .join(frame.group_by("grade").agg(pl.len().alias("customers"), pl.col("gross_exposure_amt").sum(),
                                                  pl.col("score").mean().round(0).alias("avg_score")),
                      on="grade", how="left")
                .with_columns(pl.col("customers").fill_null(0), pl.col("gross_exposure_amt").fill_null(0.0),
                              pl.col("grade").replace_strict({g: grade_pd[g] for g in graded}).alias("pd_pct"))
                .select("grade", "customers", "gross_exposure_amt", "pd_pct", "avg_score"))
    # a customer imported in default is not a model difference: a default is observed, never scored
    differences = frame.filter((pl.col("notches_vs_imported").abs() > max_notches)
                               & (pl.col("imported_grade") != policy.default_grade)).select(
        "customer_id", "grade", "imported_grade", "notches_vs_imported", "score", "gross_exposure_amt", "reason_1")
    notes = []
    if scored_at != as_of:
        notes.append(SCORED_EARLIER.format(scored_at=scored_at, date=as_of))
    return ScoresView(as_of, scored_at, frame, by_grade, differences, notes, max_notches)


def with_reason_text(frame: pl.DataFrame) -> pl.DataFrame:
    """The reason columns as the field reads them (CHARACTERISTICS, in the current language), "—" where none."""
    out = frame
    for col in (f"reason_{i}" for i in (1, 2, 3) if f"reason_{i}" in frame.columns):
        # each distinct reason translated here, in the reader's thread (not per row on polars' threads)
        words = {v: characteristic_label(v) for v in frame[col].drop_nulls().unique().to_list()}
        out = out.with_columns(pl.col(col).replace_strict(words, default=None, return_dtype=pl.String)
                               .fill_null("—"))
    return out


def _bound(value: float) -> str:
    """A bin's bound or points as the reader writes it: '1,000,000', '2.5', '-5'."""
    return fmt_int(value) if float(value).is_integer() else fmt_number(value, 3).rstrip("0").rstrip(".")


def scorecard_table(card: ExpertScorecard) -> pl.DataFrame:
    """The scorecard as a table: one row per characteristic with its dimension and weight,
    its bins and their points, and the points of a missing value (in the current language)."""
    rows = []
    for dim in card.dimensions:
        for ch in dim.characteristics:
            if isinstance(ch, Characteristic):
                edges = [f"≤ {_bound(b)}" for b in ch.upper_bounds] + [f"> {_bound(ch.upper_bounds[-1])}"]
            else:  # a text characteristic: points per category, then any other value
                edges = [plain_value for plain_value, _points in ch.categories] + [_("other")]
            rows.append({"dimension": dimension_label(dim.name), "weight_pct": dim.weight_pct,
                         "characteristic": characteristic_label(ch.name),
                         "bins_points": " · ".join(f"{e}: {_bound(p)}" for e, p in zip(edges, ch.points)),
                         "missing_points": ch.missing_points})
    return pl.DataFrame(rows)
