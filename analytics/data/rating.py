"""Grading the warehouse with the rating models (docs/definitions.md, Scoring and rating models):
at load (analytics.data.warehouse.build_warehouse) and again with `python -m analytics score`.

1. The observation points (sql/queries/model_observations.sql): every customer at every
   month-end before its default, characteristics as of that month-end, the outcome a horizon
   later.
2. The expert scorecard scores them all; the statistical model and the machine-learning
   challenger are trained on the development sample (out-of-time split, analytics.risk.validation)
   when it holds enough defaults, and score them all too.
3. Each model's validation (discrimination, ROC and CAP, calibration, stability, grades) and
   its terms are written to the warehouse (sql/rating/model_*.sql) with its scores.
4. The grades of the rating model the policy names (or the CLI asks for) become ratings with
   source = 'model' (sql/rating/model_ratings.sql), ruled against the imported ones by the
   policy (sql/rating/ratings.sql), and customer_snapshot's grade follows
   (sql/rating/snapshot_grades.sql).

Everything here runs inside a warehouse build, on its read-write connection.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import duckdb
import numpy as np
import polars as pl

from analytics.policy import Policy
from analytics.risk.challenger import ChallengerModel, train_challenger
from analytics.formats import fmt_int, fmt_number
from analytics.i18n import _
from analytics.risk.rating_models import (CANNOT_GRADE, GRADED_BY_EXPERT, MODEL_WORDS, MODELS, NO_MONTH_END,
                                          NO_OUT_OF_TIME, NOT_RUN, NOT_TRAINED_AT_LOAD, NOT_TRAINED_BECAUSE,
                                          NOTHING_TO_GRADE, SCORED, TARGET_TEXT, TOO_FEW_DEFAULTS, TRAINED,
                                          status_text)
from analytics.risk.scorecard import CHARACTERISTICS, NOT_TRAINED, is_new_customer, score_customers
from analytics.risk.scoring import MasterScale
from analytics.risk.statistical import StatisticalModel, train_statistical
from analytics.risk.validation import (TARGET, DevelopmentSample, ValidationReport, calibrated_master_scale,
                                      split_sample, validate)

Progress = Callable[[str], None]
REASONS_MONTHS = 1  # the challenger's reasons: at the latest month-end only (each costs a prediction per characteristic)


# The columns of the model tables (sql/rating/model_*.sql): written in full, empty when a run
# has nothing for one, so every query finds them.
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "scores": {"model": pl.String, "customer_id": pl.String, "snapshot_date": pl.Date, "scorecard": pl.String,
               "score": pl.Float64, "pd_frac": pl.Float64, "grade": pl.String, "reason_1": pl.String,
               "reason_2": pl.String, "reason_3": pl.String},
    "discrimination": {"model": pl.String, "sample": pl.String, "auroc": pl.Float64, "gini": pl.Float64,
                       "ks": pl.Float64, "goods": pl.Int64, "bads": pl.Int64},
    "curves": {"model": pl.String, "sample": pl.String, "curve": pl.String, "x_frac": pl.Float64,
               "y_frac": pl.Float64},
    "calibration": {"model": pl.String, "grade": pl.String, "customers": pl.Int64, "defaults": pl.Int64,
                    "pd_frac": pl.Float64, "observed_rate_frac": pl.Float64, "jeffreys_low_frac": pl.Float64,
                    "jeffreys_high_frac": pl.Float64, "jeffreys_p_value": pl.Float64,
                    "binomial_p_value": pl.Float64},
    "stability": {"model": pl.String, "variable": pl.String, "psi": pl.Float64, "reading": pl.String},
    "terms": {"model": pl.String, "term_index": pl.Int64, "term": pl.String, "coefficient": pl.Float64, "std_error": pl.Float64,
              "p_value": pl.Float64, "iv": pl.Float64, "in_model": pl.Boolean, "note": pl.String,
              "dimension": pl.String, "weight_pct": pl.Float64, "importance_auroc_loss": pl.Float64,
              "monotonic": pl.Int64},
    "master_scale": {"model": pl.String, "grade": pl.String, "observations": pl.Int64, "defaults": pl.Int64,
                     "policy_pd_frac": pl.Float64, "observed_rate_frac": pl.Float64, "calibrated_pd_frac": pl.Float64},
    "bins": {"model": pl.String, "characteristic": pl.String, "bin_index": pl.Int64, "bin": pl.String, "observations": pl.Int64,
             "bads": pl.Int64, "bad_rate_frac": pl.Float64, "woe": pl.Float64, "iv": pl.Float64,
             "points": pl.Float64},
}


def _conform(parts: list[pl.DataFrame], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The parts stacked into the table's columns (missing ones empty), in its order."""
    parts = [p for p in parts if p.height]
    if not parts:
        return pl.DataFrame(schema=schema)
    frame = pl.concat(parts, how="diagonal_relaxed")
    return frame.select([(pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
                         for c, t in schema.items()])


class RatingError(ValueError):
    """A rating run cannot do what was asked (e.g. a trained model without enough defaults)."""


@dataclass
class RatingRun:
    """What a rating run did: the model whose grades became ratings, each model's status."""

    rating_model: str | None
    status: dict[str, str] = field(default_factory=dict)  # model -> "trained" / "scored" / why not
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ratings_written: int = 0


def _run(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame | None = None,
         params: dict[str, object] | None = None) -> None:
    from analytics.data.warehouse import sql_text

    if frame is not None:
        con.register("staged", frame.to_arrow())
    try:
        con.execute(sql_text(f"rating/{name}"), params or None)
    finally:
        if frame is not None:
            con.unregister("staged")


def _month_end(day: date, months_after: int) -> date:
    """The last day of the month `months_after` months after day's month."""
    idx = day.year * 12 + day.month - 1 + months_after + 1
    return date(idx // 12, idx % 12 + 1, 1) - timedelta(days=1)


def _grade_by_pd(scale: MasterScale, pd_frac: np.ndarray) -> tuple[pl.Series, np.ndarray]:
    """The grade of a model PD on the master scale: the grade whose PD band holds it (bands
    meet at the geometric mean of neighbouring grades' PDs), and that grade's PD."""
    pds = np.asarray(scale.pd_frac, dtype=float)
    bounds = np.sqrt(pds[:-1] * pds[1:])
    idx = np.searchsorted(bounds, np.asarray(pd_frac, dtype=float), side="left")
    return pl.Series(scale.grades, dtype=pl.String).gather(idx), pds[idx]


def _characteristic_arrays(frame: pl.DataFrame, names: list[str]) -> dict[str, np.ndarray]:
    return {n: frame.get_column(n).cast(pl.Float64).fill_null(float("nan")).to_numpy() for n in names}


REASON_COLUMNS = ["reason_1", "reason_2", "reason_3"]


def _reasons(frame: pl.DataFrame | None, height: int) -> pl.DataFrame:
    """The reason_1..3 columns of a scored frame (null where it has none)."""
    if frame is None:
        return pl.DataFrame({c: pl.Series([None] * height, dtype=pl.String) for c in REASON_COLUMNS})
    return frame.select([pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c)
                         for c in REASON_COLUMNS])


def _scores_frame(model: str, frame: pl.DataFrame, score: np.ndarray, grades: pl.Series, pd_frac: np.ndarray,
                  reasons: pl.DataFrame, scorecard: pl.Series) -> pl.DataFrame:
    return pl.DataFrame({
        "model": model, "customer_id": frame["customer_id"], "snapshot_date": frame["snapshot_date"],
        "scorecard": scorecard.cast(pl.String), "score": score, "pd_frac": pd_frac,
        "grade": grades.cast(pl.String)}).hstack(reasons)


@dataclass
class _Scored:
    scores: pl.DataFrame  # model_scores rows
    report: ValidationReport | None
    terms: pl.DataFrame
    bins: pl.DataFrame
    characteristics: list[str]
    seconds: float


def _validate(model: str, scored: pl.DataFrame, sample: DevelopmentSample, policy: Policy, names: list[str],
              edges: dict[str, np.ndarray] | None = None) -> ValidationReport | None:
    if sample.development.height == 0 or sample.out_of_time.height == 0:
        return None
    key = ["customer_id", "snapshot_date"]
    cols = ["score", "grade"]
    dev = sample.development.select(*key, TARGET).join(scored.select(*key, *cols), on=key, how="left")
    oot = sample.out_of_time.select(*key, TARGET).join(scored.select(*key, *cols), on=key, how="left")
    latest = sample.latest.select(*key).join(scored.select(*key, *cols), on=key, how="left")
    graded = [g for g in policy.scale if g != policy.default_grade]
    return validate(model, dev["score"].to_numpy(), dev[TARGET].to_numpy(), oot["score"].to_numpy(),
                    oot[TARGET].to_numpy(), oot["grade"].to_list(), latest["score"].to_numpy(),
                    latest["grade"].to_list(), tuple(graded), {g: policy.pd_pct[g] / 100 for g in graded},
                    _characteristic_arrays(sample.development, names), _characteristic_arrays(sample.latest, names),
                    edges)


def _expert(obs: pl.DataFrame, sample: DevelopmentSample, policy: Policy) -> _Scored:
    started = time.perf_counter()
    card = policy.expert_scorecard
    scored = score_customers(card, policy.application_scorecard, obs, policy.rating.application_months)
    frame = _scores_frame("expert", obs, scored["score"].to_numpy(), scored["grade"], scored["pd_frac"].to_numpy(),
                          _reasons(scored, obs.height), scored["scorecard"])
    del scored
    names = card.characteristic_names
    report = _validate("expert", frame, sample, policy, names)
    terms = pl.DataFrame({"model": "expert", "term": [c.name for d in card.dimensions for c in d.characteristics],
                          "dimension": [d.name for d in card.dimensions for _ in d.characteristics],
                          "weight_pct": [d.weight_pct / len(d.characteristics) for d in card.dimensions
                                         for _ in d.characteristics]})
    return _Scored(frame, report, terms, pl.DataFrame(), names, time.perf_counter() - started)


def _graded(model: str, obs: pl.DataFrame, policy: Policy, score: np.ndarray, pd_frac: np.ndarray,
            reasons: pl.DataFrame) -> pl.DataFrame:
    """A trained model's model_scores rows: its PD's grade on the master scale; a new customer
    (under application_months on book) takes the application scorecard's grade, its PD, the
    score that PD stands for on the model's points scale, and its reasons."""
    grades, _pds = _grade_by_pd(policy.expert_scorecard.master_scale, pd_frac)
    new = is_new_customer(obs, policy.rating.application_months)
    kinds = pl.Series(np.where(new, "application", "behavioural"), dtype=pl.String)
    grade_series = grades
    if new.any():
        app = policy.application_scorecard.score(obs)
        app_pd = app["pd_frac"].to_numpy()
        scaling = policy.rating.statistical.scaling
        app_score = np.asarray(scaling.score(np.log((1 - app_pd) / app_pd)), dtype=float)
        score, pd_frac = np.where(new, app_score, score), np.where(new, app_pd, pd_frac)
        mask = pl.Series(new)
        grade_series = pl.select(pl.when(mask).then(app["grade"]).otherwise(grade_series)).to_series()
        app_reasons = _reasons(app, obs.height)
        reasons = pl.DataFrame({c: pl.select(pl.when(mask).then(app_reasons[c]).otherwise(reasons[c])).to_series()
                                for c in REASON_COLUMNS})
    return _scores_frame(model, obs, score, grade_series, pd_frac, reasons, kinds)


def _statistical(obs: pl.DataFrame, sample: DevelopmentSample, policy: Policy, names: list[str]) -> \
        tuple[_Scored, StatisticalModel]:
    started = time.perf_counter()
    dev = _behavioural(sample.development, policy)
    model = train_statistical(dev, dev[TARGET].to_numpy(), names, policy.rating.statistical)
    seconds = time.perf_counter() - started
    frame = _graded("statistical", obs, policy, model.score(obs), model.pd_frac(obs), model.reasons(obs))
    edges = {c.name: np.asarray(c.splits) for c in model.characteristics}
    report = _validate("statistical", frame, sample, policy, model.names, edges)
    coef = model.coefficient_table()
    iv = model.iv_table()
    terms = pl.concat([
        coef.with_columns(pl.lit("statistical").alias("model"), pl.lit(True).alias("in_model"),
                          pl.lit("").alias("note")).select("model", "term", "coefficient", "std_error", "p_value",
                                                           "iv", "in_model", "note"),
        iv.filter(~pl.col("in_model")).select(pl.lit("statistical").alias("model"),
                                              pl.col("characteristic").alias("term"),
                                              pl.lit(None, pl.Float64).alias("coefficient"),
                                              pl.lit(None, pl.Float64).alias("std_error"),
                                              pl.lit(None, pl.Float64).alias("p_value"), "iv", "in_model", "note")])
    bins = model.points_table().with_columns(pl.lit("statistical").alias("model"))
    return _Scored(frame, report, terms, bins, model.names, seconds), model


def _challenger(obs: pl.DataFrame, sample: DevelopmentSample, policy: Policy, names: list[str]) -> \
        tuple[_Scored, ChallengerModel]:
    started = time.perf_counter()
    dev = _behavioural(sample.development, policy)
    model = train_challenger(dev, dev[TARGET].to_numpy(), names, policy.rating.challenger)
    seconds = time.perf_counter() - started
    months = sorted(obs["snapshot_date"].unique().to_list())[-REASONS_MONTHS:]
    recent = obs.with_row_index("_row").filter(pl.col("snapshot_date").is_in(months))
    recent_reasons = model.reasons(recent).with_columns(recent["_row"].alias("_row"))
    reasons = (pl.DataFrame({"_row": pl.int_range(obs.height, eager=True, dtype=pl.UInt32)})
               .join(recent_reasons, on="_row", how="left", maintain_order="left").drop("_row"))
    frame = _graded("ml", obs, policy, model.score(obs), model.pd_frac(obs), reasons)
    report = _validate("ml", frame, sample, policy, names)
    oot = sample.out_of_time
    importance = model.importance_table(oot, oot[TARGET].to_numpy(), seed=policy.rating.training.seed) \
        if oot.height and oot[TARGET].any() \
        else pl.DataFrame({"characteristic": list(names), "auroc_loss": [None] * len(names),
                           "monotonic": list(model.monotonic)})
    terms = importance.select(pl.lit("ml").alias("model"), pl.col("characteristic").alias("term"),
                              pl.col("auroc_loss").cast(pl.Float64).alias("importance_auroc_loss"),
                              pl.col("monotonic").cast(pl.Int64))
    return _Scored(frame, report, terms, pl.DataFrame(), list(names), seconds), model


def _master_scale(model: str, scored: pl.DataFrame, sample: DevelopmentSample, policy: Policy) -> pl.DataFrame:
    """A model's grades on its development and out-of-time samples against their defaults:
    the policy PD and the calibrated PD per grade."""
    key = ["customer_id", "snapshot_date"]
    points = pl.concat([sample.development.select(*key, TARGET), sample.out_of_time.select(*key, TARGET)])
    graded = points.join(scored.select(*key, "grade"), on=key, how="inner")
    scale = tuple(g for g in policy.scale if g != policy.default_grade)
    table = calibrated_master_scale(graded["grade"], graded[TARGET].to_numpy(), scale,
                                    {g: policy.pd_pct[g] / 100 for g in scale}, policy.rating.pd_floor_pct / 100)
    return table.select(pl.lit(model).alias("model"), pl.all())


def _behavioural(frame: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """The observation points the behavioural models learn from: customers with history."""
    return frame.filter(pl.Series(~is_new_customer(frame, policy.rating.application_months)))


def _report_frames(model: str, report: ValidationReport | None) -> dict[str, pl.DataFrame]:
    if report is None:
        return {}
    tag = pl.lit(model).alias("model")
    curves = pl.concat([
        report.roc.select(tag, "sample", pl.lit("roc").alias("curve"), pl.col("false_positive_frac").alias("x_frac"),
                          pl.col("true_positive_frac").alias("y_frac")),
        report.cap.select(tag, "sample", pl.lit("cap").alias("curve"), pl.col("population_frac").alias("x_frac"),
                          pl.col("defaults_frac").alias("y_frac"))])
    return {"discrimination": report.discrimination.select(tag, pl.all()), "curves": curves,
            "calibration": report.calibration.select(tag, pl.all()) if report.calibration.height else pl.DataFrame(),
            "stability": report.stability.select(tag, pl.all())}


def _model_ratings(scores: pl.DataFrame, defaults: pl.DataFrame, default_grade: str,
                   grade_pd: dict[str, float] | None = None) -> pl.DataFrame:
    """Ratings from one model's month-end grades: where the grade changes, at each year-end,
    and the default grade on the default date. pd: grade_pd's PD of the grade (the master
    scale calibrated to observed defaults), else empty (the policy PD of the grade)."""
    s = scores.select("customer_id", "snapshot_date", "grade", "score").sort(["customer_id", "snapshot_date"])
    changed = (pl.col("grade") != pl.col("grade").shift(1).over("customer_id")) \
        | pl.col("grade").shift(1).over("customer_id").is_null() | (pl.col("snapshot_date").dt.month() == 12)
    graded = s.filter(changed).select("customer_id", pl.col("snapshot_date").alias("rated_on"), "grade", "score")
    defaulted = defaults.select("customer_id", pl.col("default_on").alias("rated_on"),
                                pl.lit(default_grade).alias("grade"), pl.lit(None, pl.Float64).alias("score"))
    pd = (pl.col("grade").replace_strict(grade_pd, default=None, return_dtype=pl.Float64) if grade_pd
          else pl.lit(None, pl.Float64))
    return (pl.concat([graded, defaulted]).with_columns(pd.alias("pd"), pl.lit("model").alias("source"))
            .unique(["customer_id", "rated_on"], keep="last", maintain_order=True)
            .sort(["customer_id", "rated_on"]))


def rate(con: duckdb.DuckDBPyConnection, policy: Policy, info: dict[str, str], say: Progress | None = None,
         model: str | None = None, train: bool | None = None, train_until: date | None = None,
         fallback: bool = False) -> RatingRun:
    """Score, validate and (with a rating model) rate every customer of the warehouse open on
    `con` (read-write, inside a build). model: the rating model (default: the policy's;
    "none": scores and validation only, the imported ratings stay as they are). train: train
    the statistical model and the challenger (default: the policy's at_load). A trained model
    asked for that cannot be trained: with fallback (a load) the expert scorecard grades and
    a note says why, else RatingError."""
    from analytics.data.warehouse import query

    say = say or (lambda _msg: None)
    settings = policy.rating
    model = model or settings.model
    if model not in (*MODELS, "none"):
        raise RatingError(_("unknown model {model} (expert, statistical, ml or none)").format(model=repr(model)))
    train = settings.training.at_load if train is None else train
    run = RatingRun(rating_model=None)
    extracted_on = date.fromisoformat(info["extracted_on"])
    obs = query(con, "model_observations", horizon_months=settings.default.horizon_months, extracted_on=extracted_on)
    defaults = con.sql("select customer_id, default_on from customer_defaults").pl()
    first = date.fromisoformat(info["first_document_date"])
    train_from = _month_end(first, settings.training.min_history_months - 1)
    sample = split_sample(obs, settings.training.out_of_time_months, settings.training.max_observations,
                          settings.training.seed, train_until, train_from)
    names = [n for n in CHARACTERISTICS if n not in NOT_TRAINED]
    results: dict[str, _Scored] = {}
    if obs.height:
        results["expert"] = _expert(obs, sample, policy)
        run.status["expert"] = SCORED
        say(_("expert scorecard: {n} customer-months scored in {seconds} s").format(
            n=fmt_int(obs.height), seconds=fmt_number(results["expert"].seconds, 1)))
    wanted_trained = train or model in ("statistical", "ml")
    why_not = None
    if not obs.height:
        why_not = NO_MONTH_END
    elif sample.development_defaults < settings.training.min_defaults:
        why_not = TOO_FEW_DEFAULTS.format(defaults=sample.development_defaults,
                                          min_defaults=settings.training.min_defaults)
    elif sample.out_of_time.height == 0 or sample.out_of_time_defaults == 0:
        why_not = NO_OUT_OF_TIME
    for kind in ("statistical", "ml"):
        if not wanted_trained:
            run.status[kind] = NOT_TRAINED_AT_LOAD
            continue
        if why_not:
            run.status[kind] = NOT_TRAINED_BECAUSE.format(reason=why_not)
            continue
        try:
            scored, _model = (_statistical if kind == "statistical" else _challenger)(obs, sample, policy, names)
        except ValueError as exc:
            run.status[kind] = NOT_TRAINED_BECAUSE.format(reason=exc)
            continue
        results[kind] = scored
        run.status[kind] = TRAINED
        run.seconds[kind] = scored.seconds
        say(_("{model} model trained in {seconds} s on {n} observations").format(
            model=_(MODEL_WORDS[kind]), seconds=fmt_number(scored.seconds, 1), n=fmt_int(sample.development.height)))
    if model in ("statistical", "ml") and model not in results:
        reason = CANNOT_GRADE.format(model=model, status=run.status.get(model, why_not))
        if not fallback or "expert" not in results:
            raise RatingError(status_text(reason))
        run.notes.append(GRADED_BY_EXPERT.format(reason=reason))
        say(status_text(run.notes[-1]))
        model = "expert"

    # what the scoring page and the model card read
    _run(con, "model_scores", _conform([r.scores for r in results.values()], SCHEMAS["scores"]))
    reports = [_report_frames(kind, r.report) for kind, r in results.items()]
    for key in ("discrimination", "curves", "calibration", "stability"):
        _run(con, f"model_{key}", _conform([f[key] for f in reports if key in f], SCHEMAS[key]))
    _run(con, "model_terms", _conform([r.terms.with_row_index("term_index") for r in results.values()],
                                      SCHEMAS["terms"]))
    scales = {kind: _master_scale(kind, r.scores, sample, policy) for kind, r in results.items()
              if sample.development.height or sample.out_of_time.height}
    _run(con, "model_master_scale", _conform(list(scales.values()), SCHEMAS["master_scale"]))
    _run(con, "model_bins", _conform([r.bins.with_columns(pl.int_range(pl.len()).over("characteristic")
                                                          .alias("bin_index")) for r in results.values()
                                      if r.bins.height], SCHEMAS["bins"]))
    rating_model = None if model == "none" else model
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    runs = []
    for kind in MODELS:
        r = results.get(kind)
        report = r.report if r else None
        runs.append({
            "model": kind, "status": run.status.get(kind, NOT_RUN), "is_rating_model": kind == rating_model,
            "run_at": now, "target": TARGET_TEXT.format(months=settings.default.horizon_months,
                                                   amount=f"{settings.default.material_amt:,.0f}",
                                                   currency=policy.reporting_currency,
                                                   pct=f"{settings.default.material_pct:g}",
                                                   grade=policy.default_grade),
            "development_from": sample.development_from, "development_to": sample.development_to,
            "out_of_time_from": sample.out_of_time_from, "out_of_time_to": sample.out_of_time_to,
            "latest_at": sample.latest_at, "development_observations": sample.development.height,
            "development_sampled_from": sample.sampled_from, "development_defaults": sample.development_defaults,
            "out_of_time_observations": sample.out_of_time.height, "out_of_time_defaults": sample.out_of_time_defaults,
            "characteristics": json.dumps(r.characteristics if r else []),
            "train_seconds": run.seconds.get(kind), "grade_hhi_frac": report.grade_hhi_frac if report else None,
            "train_until": train_until, "train_from": train_from})
    _run(con, "model_runs", pl.DataFrame(runs, schema_overrides={
        "development_from": pl.Date, "development_to": pl.Date, "out_of_time_from": pl.Date,
        "out_of_time_to": pl.Date, "latest_at": pl.Date, "train_until": pl.Date, "train_from": pl.Date,
        "train_seconds": pl.Float64,
        "grade_hhi_frac": pl.Float64}))

    if rating_model is None or rating_model not in results:
        if rating_model is not None:
            run.notes.append(NOTHING_TO_GRADE)
        return run
    grade_pd = None
    if settings.pd_source == "observed" and rating_model in scales:
        scale = scales[rating_model]
        grade_pd = dict(zip(scale["grade"].to_list(), scale["calibrated_pd_frac"].to_list()))
    ratings = _model_ratings(results[rating_model].scores, defaults, policy.default_grade, grade_pd)
    _run(con, "model_ratings", ratings)
    _run(con, "ratings", params={"ruling": settings.ruling})
    _run(con, "snapshot_grades")
    run.rating_model = rating_model
    run.ratings_written = ratings.height
    say(_("{model} grades written as ratings ({n} rating dates; ruling: {ruling})").format(
        model=_(MODEL_WORDS[rating_model]), n=fmt_int(ratings.height), ruling=settings.ruling))
    return run
