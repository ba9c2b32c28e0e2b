"""The rating models' settings ([scoring.rating], [scoring.default], [scoring.training] in the
credit policy) and their validation. The models themselves: analytics.risk.scorecard (expert),
analytics.risk.statistical (WoE logistic scorecard) and analytics.risk.challenger (gradient
boosting)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from analytics.risk.challenger import ChallengerSettings
from analytics.risk.scoring import PointsScaling
from analytics.i18n import N_, _
from analytics.risk.scoring import stored_text
from analytics.risk.statistical import UNTRAINED, StatisticalSettings

MODELS = ("expert", "statistical", "ml")
RULINGS = ("imported", "model")
# Each model's name on screen (translated where shown: _(MODEL_NAMES[model])).
MODEL_NAMES = {"expert": N_("Expert scorecard"), "statistical": N_("Statistical model (WoE logistic)"),
               "ml": N_("Machine-learning challenger (gradient boosting)")}
# The model in a sentence ("the {model} model cannot grade ...").
MODEL_WORDS = {"expert": N_("expert"), "statistical": N_("statistical"), "ml": N_("machine-learning")}

# What a rating run writes to the warehouse (model_runs.status and .target, the run's notes),
# in English; status_text() and target_text() show them in the reader's language.
SCORED = N_("scored")
TRAINED = N_("trained")
NOT_RUN = N_("not run")
NOT_TRAINED_AT_LOAD = N_("not trained at load ([scoring.training] at_load = false)")
NOT_TRAINED_BECAUSE = N_("not trained: {reason}")
NO_MONTH_END = N_("no month-end to score")
TOO_FEW_DEFAULTS = N_("{defaults} defaults in the development sample, fewer than [scoring.training] min_defaults = "
                      "{min_defaults}")
NO_OUT_OF_TIME = N_("no out-of-time sample with defaults to validate on")
CANNOT_GRADE = N_("the {model} model cannot grade this portfolio: {status}")
GRADED_BY_EXPERT = N_("{reason}; the expert scorecard grades it instead")
NOTHING_TO_GRADE = N_("no month-end to grade: the imported ratings stay as they are")
TARGET_TEXT = N_("default within {months} months: more than 90 days past due on at least {amount} {currency} and "
            "{pct} % of the open items, a material write-off, an insolvency filing or a {grade} rating")
REASONS = (NO_MONTH_END, TOO_FEW_DEFAULTS, NO_OUT_OF_TIME, *UNTRAINED)


def status_text(status: str | None) -> str:
    """A model run's status (model_runs.status, or a run's note) in the current language."""
    def model(word: str) -> str:
        return _(MODEL_WORDS[word]) if word in MODEL_WORDS else word

    return stored_text(status, (GRADED_BY_EXPERT, NOT_TRAINED_AT_LOAD, NOT_TRAINED_BECAUSE, CANNOT_GRADE,
                                NOTHING_TO_GRADE, *REASONS),
                       {"reason": status_text, "status": status_text, "model": model})


def target_text(target: str | None) -> str:
    """A run's target (model_runs.target) in the current language."""
    return stored_text(target, (TARGET_TEXT,))


@dataclass(frozen=True)
class DefaultDefinition:
    """The target: a default within horizon_months of an observation month-end (its trigger
    rules: sql/marts/14b_customer_defaults.sql)."""

    material_amt: float  # reporting currency: overdue 90+ at least this
    material_pct: float  # and at least this percent of the open items
    horizon_months: int


@dataclass(frozen=True)
class TrainingSettings:
    out_of_time_months: int  # the last observation months held out
    min_defaults: int  # fewer defaults in the development sample: the model is not trained
    max_observations: int  # observation points at most (deterministic sample beyond)
    seed: int
    at_load: bool
    min_history_months: int  # observation points from the month-end with this many months of data  # train the statistical model and the challenger at every load


@dataclass(frozen=True)
class RatingSettings:
    model: str  # expert | statistical | ml | none: the model whose grades become ratings
    ruling: str  # imported | model: which grade rules where both exist
    override_notches: int  # model vs imported difference listed as an override
    pd_source: str  # policy | observed: the grades' PDs from [ratings] pd_pct or calibrated to defaults
    pd_floor_pct: float  # the lowest calibrated PD
    application_months: int  # fewer months of invoices: the application scorecard grades
    statement_lag_days: int  # [scoring] statement_lag_days: a statement counts this long after its period end
    default: DefaultDefinition
    training: TrainingSettings
    statistical: StatisticalSettings
    challenger: ChallengerSettings


def _number(section: dict, name: str, key: str, low: float, high: float, whole: bool = False) -> float:
    value = section.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)) \
            or not math.isfinite(value) or not low <= value <= high:
        text = (_("[{name}] {key} must be a whole number from {low} to {high} (got {value})") if whole
                else _("[{name}] {key} must be a number from {low} to {high} (got {value})"))
        raise ValueError(text.format(name=name, key=key, low=f"{low:g}", high=f"{high:g}", value=repr(value)))
    return value


def parse_rating_settings(scoring: dict) -> RatingSettings:
    """[scoring.rating], [scoring.default] and [scoring.training] as RatingSettings.
    Raises ValueError naming the section and key of a missing or out-of-range value."""
    def section(key: str) -> dict:
        value = scoring.get(key)
        if not isinstance(value, dict):
            raise ValueError(_("section [scoring.{key}] is missing").format(key=key))
        return value

    rating, default, training = section("rating"), section("default"), section("training")
    stat, ml = section("statistical"), section("challenger")
    model = rating.get("model")
    if model not in (*MODELS, "none"):
        raise ValueError(_("[scoring.rating] model must be one of expert, statistical, ml, none (got {value})").format(
            value=repr(model)))
    ruling = rating.get("ruling")
    if ruling not in RULINGS:
        raise ValueError(_("[scoring.rating] ruling must be imported or model (got {value})").format(
            value=repr(ruling)))
    known = {"rating": {"model", "ruling", "override_notches", "application_months", "pd_source", "pd_floor_pct"},
             "default": {"material_amt", "material_pct", "horizon_months"},
             "training": {"out_of_time_months", "min_defaults", "max_observations", "seed", "at_load",
                          "min_history_months"},
             "statistical": {"base_score", "base_odds", "pdo", "max_bins", "min_bin_share_pct", "min_iv",
                             "max_correlation", "max_p_value", "max_characteristics"},
             "challenger": {"max_iter", "learning_rate", "max_leaf_nodes", "min_leaf_share_pct",
                            "l2_regularization"}}
    for key, keys in known.items():
        extra = set(section(key)) - keys
        if extra:
            raise ValueError(_("[scoring.{key}] has unknown keys: {keys}").format(
                key=key, keys=", ".join(sorted(extra))))
    if not isinstance(training.get("at_load"), bool):
        raise ValueError(_("[scoring.training] at_load must be true or false (got {value})").format(
            value=repr(training.get("at_load"))))
    seed = int(_number(training, "scoring.training", "seed", 0, 2**32 - 1, whole=True))
    where = "scoring.statistical"
    scaling = PointsScaling(float(_number(stat, where, "base_score", 0, 10_000)),
                            float(_number(stat, where, "base_odds", 1e-6, 1e6)),
                            float(_number(stat, where, "pdo", 1e-3, 1_000)))
    statistical = StatisticalSettings(
        scaling=scaling, max_bins=int(_number(stat, where, "max_bins", 2, 20, whole=True)),
        min_bin_share_pct=float(_number(stat, where, "min_bin_share_pct", 0.1, 50)),
        min_iv=float(_number(stat, where, "min_iv", 0, 1)),
        max_correlation=float(_number(stat, where, "max_correlation", 0.1, 1)),
        max_p_value=float(_number(stat, where, "max_p_value", 1e-6, 1)),
        max_characteristics=int(_number(stat, where, "max_characteristics", 1, 50, whole=True)))
    where = "scoring.challenger"
    challenger = ChallengerSettings(
        scaling=scaling, max_iter=int(_number(ml, where, "max_iter", 10, 2_000, whole=True)),
        learning_rate=float(_number(ml, where, "learning_rate", 1e-3, 1)),
        max_leaf_nodes=int(_number(ml, where, "max_leaf_nodes", 2, 255, whole=True)),
        min_leaf_share_pct=float(_number(ml, where, "min_leaf_share_pct", 0.01, 20)),
        l2_regularization=float(_number(ml, where, "l2_regularization", 0, 1_000)), seed=seed)
    if rating.get("pd_source") not in ("policy", "observed"):
        raise ValueError(_("[scoring.rating] pd_source must be policy or observed (got {value})").format(
            value=repr(rating.get("pd_source"))))
    return RatingSettings(
        model=model, ruling=ruling, pd_source=rating["pd_source"],
        pd_floor_pct=float(_number(rating, "scoring.rating", "pd_floor_pct", 0, 10)),
        statement_lag_days=int(_number(scoring, "scoring", "statement_lag_days", 0, 730, whole=True)),
        override_notches=int(_number(rating, "scoring.rating", "override_notches", 0, 20, whole=True)),
        application_months=int(_number(rating, "scoring.rating", "application_months", 0, 60, whole=True)),
        default=DefaultDefinition(
            material_amt=float(_number(default, "scoring.default", "material_amt", 0, 1e12)),
            material_pct=float(_number(default, "scoring.default", "material_pct", 0, 100)),
            horizon_months=int(_number(default, "scoring.default", "horizon_months", 1, 36, whole=True))),
        training=TrainingSettings(
            out_of_time_months=int(_number(training, "scoring.training", "out_of_time_months", 1, 36, whole=True)),
            min_defaults=int(_number(training, "scoring.training", "min_defaults", 1, 1e6, whole=True)),
            max_observations=int(_number(training, "scoring.training", "max_observations", 1000, 1e8, whole=True)),
            seed=seed, at_load=training["at_load"],
            min_history_months=int(_number(training, "scoring.training", "min_history_months", 1, 36, whole=True))),
        statistical=statistical, challenger=challenger)
