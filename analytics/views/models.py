"""Rating-model views: each model's scores at a month-end (written at load or by `score`), its
validation report, the movers since the month before, and the model card (Markdown and
XLSX). What the Credit scoring page, the credit file and `report model-validation` show."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from analytics.data.warehouse import Warehouse
from analytics.policy import Policy
from analytics.risk.rating_models import MODELS
from analytics.risk.scorecard import CHARACTERISTICS
from analytics.risk.scoring import grade_rank, notches_between
from analytics.views import Filters
from analytics.views.scoring import SCORE_COLUMNS, ScoresView, scored_month_end, scores_frame_view

MODEL_NAMES = {"expert": "Expert scorecard", "statistical": "Statistical model (WoE logistic)",
               "ml": "Machine-learning challenger (gradient boosting)"}


def label(name: str | None) -> str:
    """A characteristic or variable as the field reads it."""
    if name is None:
        return "—"
    return "score" if name == "score" else CHARACTERISTICS.get(name, name)


def previous_month_end(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


@dataclass(frozen=True)
class ModelRun:
    model: str
    status: str
    is_rating_model: bool
    facts: dict[str, object]

    @property
    def is_available(self) -> bool:
        return self.status in ("scored", "trained")

    @property
    def characteristics(self) -> list[str]:
        return json.loads(str(self.facts.get("characteristics") or "[]"))


def model_runs(wh: Warehouse) -> dict[str, ModelRun]:
    """What each model's last run did, by model (expert, statistical, ml)."""
    frame = wh.query("model_runs")
    runs = {}
    for row in frame.iter_rows(named=True):
        runs[row["model"]] = ModelRun(row["model"], row["status"], bool(row["is_rating_model"]), row)
    return runs


def rating_model(wh: Warehouse) -> str | None:
    """The model whose grades are the ratings with source = 'model' (None: none)."""
    return next((r.model for r in model_runs(wh).values() if r.is_rating_model), None)


def model_scores_view(wh: Warehouse, as_of: date, filters: Filters, policy: Policy, model: str,
                      grade_pd: dict[str, float] | None = None) -> ScoresView:
    """A trained (or the load's expert) model's scores at the last complete month-end on or
    before as_of, as a ScoresView (best score first; grade_pd: the grades' PDs in percent,
    default grade_pd_pct). Raises ValueError for an unknown model."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}: expert, statistical or ml")
    scored_at = scored_month_end(wh, as_of)
    frame = (wh.query("model_scores_at", model=model, scored_at=scored_at, **filters.params())
             if scored_at else pl.DataFrame())
    if grade_pd is None:
        grade_pd = grade_pd_pct(policy, model_validation(wh, policy, model)
                                if policy.rating.pd_source == "observed" else None)
    return scores_frame_view(as_of, scored_at, frame, policy, policy.rating.override_notches, grade_pd)


@dataclass(frozen=True)
class Movers:
    scored_at: date | None
    previous_at: date | None
    frame: pl.DataFrame  # customer_id, name, previous_grade, grade, notches, score_change, reasons

    @property
    def downgrades(self) -> int:
        return int((self.frame["notches"] > 0).sum()) if self.frame.height else 0

    @property
    def upgrades(self) -> int:
        return int((self.frame["notches"] < 0).sum()) if self.frame.height else 0


def movers(wh: Warehouse, as_of: date, filters: Filters, policy: Policy, model: str) -> Movers:
    """Customers whose grade by `model` moved from the month-end before the scored one to it
    (notches > 0: downgraded), biggest score change first, with the reasons at the scored
    month-end."""
    scored_at = scored_month_end(wh, as_of)
    if scored_at is None:
        return Movers(None, None, pl.DataFrame())
    previous_at = previous_month_end(scored_at)
    frame = wh.query("model_movers", model=model, scored_at=scored_at, previous_at=previous_at, **filters.params())
    if frame.height:
        frame = frame.with_columns(notches_between("grade", "previous_grade", policy.scale).alias("notches"))
        frame = frame.select("customer_id", "name", "previous_grade", "grade", "notches", "score_change", "score",
                             "reason_1", "reason_2", "reason_3", "gross_exposure_amt")
    return Movers(scored_at, previous_at, frame)


@dataclass(frozen=True)
class ModelValidation:
    """One model's validation report as written by its last run."""

    model: str
    run: ModelRun | None
    discrimination: pl.DataFrame  # sample, auroc, gini, ks, goods, bads
    curves: pl.DataFrame  # sample, curve (roc | cap), x_frac, y_frac
    calibration: pl.DataFrame  # grade (scale order), customers, defaults, pd_frac, observed_rate_frac, ...
    stability: pl.DataFrame  # variable, psi, reading
    terms: pl.DataFrame  # the model's terms (coefficients, importance or weights)
    bins: pl.DataFrame  # the statistical model's scorecard
    candidates: pl.DataFrame  # statistical: every candidate's IV and why it left
    comparison: pl.DataFrame  # every model's out-of-time AUROC, Gini and KS side by side
    master_scale: pl.DataFrame  # grade, observations, defaults, policy_pd_frac, observed_rate_frac, calibrated_pd_frac
    notes: list[str] = field(default_factory=list)

    def auroc(self, sample: str = "out_of_time") -> float | None:
        row = self.discrimination.filter(pl.col("sample") == sample)
        return float(row["auroc"][0]) if row.height else None

    def tables(self) -> dict[str, pl.DataFrame]:
        """The report's tables by name (those the model has: bins and candidates are the
        statistical model's)."""
        every = {"discrimination": self.discrimination, "calibration": self.calibration,
                 "stability": self.stability, "terms": self.terms, "bins": self.bins,
                 "candidates": self.candidates, "comparison": self.comparison, "curves": self.curves,
                 "master_scale": self.master_scale}
        return {k: t for k, t in every.items() if t.width}


def model_validation(wh: Warehouse, policy: Policy, model: str) -> ModelValidation:
    """The validation report of `model` (expert, statistical or ml). Raises ValueError for an
    unknown model."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}: expert, statistical or ml")
    runs = model_runs(wh)
    run = runs.get(model)

    def mine(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(pl.col("model") == model).drop("model")

    rank = grade_rank(policy.scale)
    calibration = mine(wh.query("model_calibration"))
    if calibration.height:
        calibration = calibration.sort(pl.col("grade").replace_strict(rank, default=99, return_dtype=pl.Int64))
    terms_all = mine(wh.query("model_terms"))
    if model == "statistical":
        terms = terms_all.filter(pl.col("in_model")).select("term", "coefficient", "std_error", "p_value", "iv")
        candidates = (terms_all.filter(pl.col("term") != "intercept")
                      .select(pl.col("term").alias("characteristic"), "iv", "in_model", "note")
                      .sort("iv", descending=True, nulls_last=True))
        order = {t: i for i, t in enumerate(terms["term"].to_list())}
        bins = mine(wh.query("model_bins"))
        if bins.height:
            bins = (bins.sort([pl.col("characteristic").replace_strict(order, default=99, return_dtype=pl.Int64),
                               "bin_index"]).drop("bin_index"))
    elif model == "ml":
        terms = terms_all.select(pl.col("term").alias("characteristic"), "importance_auroc_loss", "monotonic")
        candidates, bins = pl.DataFrame(), pl.DataFrame()
    else:
        terms = terms_all.select(pl.col("term").alias("characteristic"), "dimension", "weight_pct")
        candidates, bins = pl.DataFrame(), pl.DataFrame()
    disc_all = wh.query("model_discrimination")
    comparison = (disc_all.filter(pl.col("sample") == "out_of_time")
                  .select("model", "auroc", "gini", "ks", "goods", "bads")
                  .sort(pl.col("model").replace_strict({m: i for i, m in enumerate(MODELS)}, default=9,
                                                       return_dtype=pl.Int64)))
    notes = []
    if run is None:
        notes.append("The rating models have not run on this warehouse: load the data again.")
    elif not run.is_available:
        notes.append(f"{MODEL_NAMES[model]}: {run.status}.")
    scale = mine(wh.query("model_master_scale"))
    if scale.height:
        scale = scale.sort(pl.col("grade").replace_strict(rank, default=99, return_dtype=pl.Int64))
    return ModelValidation(model, run, mine(wh.query("model_discrimination")), mine(wh.query("model_curves")),
                           calibration, mine(wh.query("model_stability")), terms, bins, candidates, comparison, scale,
                           notes)


def grade_pd_pct(policy: Policy, validation: ModelValidation | None) -> dict[str, float]:
    """The PD (percent) of each grade as the ratings carry it: the policy's [ratings] pd_pct,
    or with [scoring.rating] pd_source = "observed" the master scale calibrated to the model's
    observed defaults (the default grade and any grade without one keep the policy's)."""
    pds = dict(policy.pd_pct)
    if policy.rating.pd_source == "observed" and validation is not None and validation.master_scale.height:
        pds.update({g: p * 100 for g, p in zip(validation.master_scale["grade"].to_list(),
                                               validation.master_scale["calibrated_pd_frac"].to_list())})
    return pds


def _fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _md_table(frame: pl.DataFrame, columns: dict[str, str], digits: int = 3) -> list[str]:
    if frame.height == 0:
        return ["(none)", ""]
    head = "| " + " | ".join(columns.values()) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    rows = ["| " + " | ".join(_fmt(r[c], digits) if not c.endswith("_label") else str(r[c]) for c in columns) + " |"
            for r in frame.iter_rows(named=True)]
    return [head, rule, *rows, ""]


def model_card_markdown(v: ModelValidation, policy: Policy) -> str:
    """The model card: purpose, data window, target, sample sizes, variables, performance,
    calibration, stability and limitations, as Markdown."""
    run = v.run
    f = run.facts if run else {}
    lines = [f"# Model card: {MODEL_NAMES[v.model]}", ""]
    lines += ["## Purpose", "", "Grades every customer at every month-end from its own data; grades map to "
              "PDs through the policy's master scale ([ratings] pd_pct) and feed limits, reviews, the watchlist, "
              "expected loss and the what-if.", ""]
    if run is not None and run.is_rating_model:
        lines += [f"Its grades are the ratings in force with source = model (ruling: {policy.rating.ruling}).", ""]
    lines += ["## Status", "", f"{run.status if run else 'not run'} (run at {f.get('run_at', '—')}).", ""]
    lines += ["## Data and target", "",
              f"- Target: {f.get('target', '—')}.",
              f"- Development sample: month-ends {_fmt(f.get('development_from'))} to {_fmt(f.get('development_to'))}, "
              f"{_fmt(f.get('development_observations'))} observations ({_fmt(f.get('development_sampled_from'))} "
              f"before sampling), {_fmt(f.get('development_defaults'))} defaults.",
              f"- Out-of-time sample: month-ends {_fmt(f.get('out_of_time_from'))} to {_fmt(f.get('out_of_time_to'))}, "
              f"{_fmt(f.get('out_of_time_observations'))} observations, {_fmt(f.get('out_of_time_defaults'))} defaults.",
              f"- Latest month-end scored (stability): {_fmt(f.get('latest_at'))}.",
              "- Characteristics: as of each observation month-end, from data on or before it only.", ""]
    if f.get("train_seconds") is not None:
        lines += [f"Training took {float(f['train_seconds']):.1f} s.", ""]
    lines += ["## Variables", ""]
    if v.model == "statistical":
        lines += _md_table(v.terms.with_columns(pl.col("term").map_elements(label, return_dtype=pl.String)
                                                .alias("term_label")),
                           {"term_label": "term", "coefficient": "coefficient", "std_error": "std. error",
                            "p_value": "p-value", "iv": "IV"}, 4)
    elif v.model == "ml":
        lines += _md_table(v.terms.with_columns(pl.col("characteristic").map_elements(label, return_dtype=pl.String)
                                                .alias("c_label")),
                           {"c_label": "characteristic", "importance_auroc_loss": "AUROC lost when shuffled",
                            "monotonic": "monotonic"}, 4)
    else:
        lines += _md_table(v.terms.with_columns(pl.col("characteristic").map_elements(label, return_dtype=pl.String)
                                                .alias("c_label")),
                           {"c_label": "characteristic", "dimension": "dimension", "weight_pct": "weight %"}, 1)
    lines += ["## Performance", ""]
    lines += _md_table(v.discrimination, {"sample": "sample", "auroc": "AUROC", "gini": "Gini", "ks": "KS",
                                          "goods": "goods", "bads": "bads"})
    lines += ["All models on the same out-of-time sample:", ""]
    lines += _md_table(v.comparison, {"model": "model", "auroc": "AUROC", "gini": "Gini", "ks": "KS"})
    lines += ["## Calibration (out-of-time, by grade)", ""]
    lines += _md_table(v.calibration, {"grade": "grade", "customers": "observations", "defaults": "defaults",
                                       "pd_frac": "PD", "observed_rate_frac": "observed",
                                       "jeffreys_low_frac": "Jeffreys low", "jeffreys_high_frac": "Jeffreys high",
                                       "jeffreys_p_value": "Jeffreys p"}, 4)
    in_force = ("calibrated to the observed defaults" if policy.rating.pd_source == "observed"
                else "the policy table ([ratings] pd_pct)")
    lines += ["## Master scale (development and out-of-time samples)", "", f"PDs in force: {in_force}.", ""]
    lines += _md_table(v.master_scale, {"grade": "grade", "observations": "observations", "defaults": "defaults",
                                        "policy_pd_frac": "policy PD", "observed_rate_frac": "observed",
                                        "calibrated_pd_frac": "calibrated PD"}, 4)
    lines += ["## Stability (development against the latest month-end)", ""]
    lines += _md_table(v.stability.with_columns(pl.col("variable").map_elements(label, return_dtype=pl.String)
                                                .alias("v_label")),
                       {"v_label": "variable", "psi": "PSI", "reading": "reading"})
    hhi = f.get("grade_hhi_frac")
    lines += [f"Grade concentration at the latest month-end (Herfindahl Σ share²): {_fmt(hhi)}.", ""]
    lines += ["## Limitations", "",
              "- Trained on this portfolio's own history: a short history or few defaults make it unstable; the "
              "out-of-time figures are the honest ones.",
              "- Defaults are observed from the ledger (days past due, write-offs, insolvency filings, imported D "
              "ratings); a default the ledger does not show is not in the target.",
              "- Observation points of one customer in consecutive months are not independent: the p-values "
              "and intervals are optimistic.",
              "- A customer with little history is graded mostly by its missing-value bins; the application "
              "scorecard's company and financial data weigh more there.", ""]
    return "\n".join(lines)


def model_card_sheets(v: ModelValidation, policy: Policy) -> dict[str, pl.DataFrame]:
    """The model card as XLSX sheets: facts, then each table of the report."""
    facts = v.run.facts if v.run else {}
    card = pl.DataFrame({"fact": list(facts), "value": [_fmt(x) for x in facts.values()]})
    sheets = {"model_card": card}
    sheets.update({k: t for k, t in v.tables().items() if t.height})
    return sheets


def with_labels(frame: pl.DataFrame, columns: tuple[str, ...] = ("reason_1", "reason_2", "reason_3")) -> pl.DataFrame:
    """Reason and characteristic columns as the field reads them."""
    return frame.with_columns(pl.col(c).map_elements(label, return_dtype=pl.String, skip_nulls=False).alias(c)
                              for c in columns if c in frame.columns)


@dataclass(frozen=True)
class CustomerScoring:
    """The scoring section of one customer's credit file."""

    scored_at: date | None  # the latest month-end scored on or before the file's date
    latest: pl.DataFrame  # one row per model: model, score, grade, pd_pct, reasons
    history: pl.DataFrame  # month-end, then one grade column per model (newest first, 12 at most)
    override: str | None  # the imported grade rules over a model grade more than N notches away


def scoring_lines(scoring: CustomerScoring) -> list[str]:
    """The scoring section as Markdown bullets: per model its score, grade, PD and reasons
    (readable on a printed file and on a shared screen)."""
    lines = []
    for r in scoring.latest.iter_rows(named=True):
        reasons = [label(r[f"reason_{i}"]) for i in (1, 2, 3) if r[f"reason_{i}"]]
        why = "; ".join(reasons) if reasons else "no characteristic costs it points"
        lines.append(f"- **{r['model']}**: {r['score']:,.1f}, grade {r['grade']} (PD {r['model_pd_pct']:.2f} %) — "
                     f"{why}")
    return lines


def customer_scoring(scores: pl.DataFrame, policy: Policy, in_force: str | None, months: int = 12) -> CustomerScoring:
    """The credit file's scoring section from the customer's model scores (newest first):
    each model's latest score, grade, PD and reasons, the grades of the last `months`
    month-ends side by side, and the override when the imported grade rules and the model in
    force grades more than [scoring.rating] override_notches away."""
    if scores.height == 0:
        return CustomerScoring(None, pl.DataFrame(), pl.DataFrame(), None)
    scored_at = scores["snapshot_date"].max()
    order = {m: i for i, m in enumerate(MODELS)}
    latest = (scores.filter(pl.col("snapshot_date") == scored_at)
              .with_columns(pl.col("model").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
              .sort("_o")
              .select(pl.col("model").replace_strict(MODEL_NAMES, return_dtype=pl.String).alias("model"),
                      pl.col("score").round(1), "grade", (pl.col("pd_frac") * 100).alias("model_pd_pct"),
                      "reason_1", "reason_2", "reason_3", "imported_grade"))
    dates = sorted(scores["snapshot_date"].unique().to_list(), reverse=True)[:months]
    history = (scores.filter(pl.col("snapshot_date").is_in(dates))
               .pivot(on="model", index="snapshot_date", values="grade")
               .sort("snapshot_date", descending=True))
    history = history.select("snapshot_date", *[m for m in MODELS if m in history.columns]).rename(
        {m: MODEL_NAMES[m].split(" (")[0] for m in MODELS if m in history.columns})
    override = None
    if in_force is not None:
        row = scores.filter((pl.col("snapshot_date") == scored_at) & (pl.col("model") == in_force))
        if row.height and row["imported_grade"][0] is not None and policy.rating.ruling == "imported":
            rank = grade_rank(policy.scale)
            model_grade, imported = row["grade"][0], row["imported_grade"][0]
            gap = rank.get(model_grade, 0) - rank.get(imported, 0)
            if abs(gap) > policy.rating.override_notches and imported != policy.default_grade:
                override = (f"The imported grade {imported} rules; the {MODEL_NAMES[in_force].lower()} grades "
                            f"{model_grade} ({abs(gap)} notches {'worse' if gap > 0 else 'better'}) at {scored_at}"
                            + (f", first because of: {label(row['reason_1'][0])}" if row["reason_1"][0] else "")
                            + ". An override of more than "
                            f"{policy.rating.override_notches} notches needs its reason on file.")
    return CustomerScoring(scored_at, latest, history, override)
