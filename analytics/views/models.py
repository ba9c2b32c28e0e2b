"""Rating-model views: each model's scores at a month-end (written at load or by `score`), its
validation report, the movers since the month before, and the model card (Markdown and
XLSX). What the Credit scoring page, the credit file and `report model-validation` show."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import polars as pl

from analytics.labels import in_words  # noqa: F401 (one rule for values in words; pages import it from here)

from analytics.data.warehouse import Warehouse
from analytics.formats import MISSING, fmt_date, fmt_int, fmt_number, fmt_pd
from analytics.i18n import N_, _, ngettext
from analytics.policy import Policy
from analytics.risk.rating_models import MODEL_NAMES, MODELS, status_text, target_text  # noqa: F401 - named by pages
from analytics.risk.scorecard import CHARACTERISTICS, characteristic_label, dimension_label  # noqa: F401
from analytics.risk.scoring import grade_rank, notches_between, stored_text
from analytics.risk.statistical import bin_text, dropped_text
from analytics.views import Filters
from analytics.views.scoring import SCORE_COLUMNS, ScoresView, scored_month_end, scores_frame_view  # noqa: F401

# How each ruling reads ([scoring.rating] ruling: which grade rules where both exist).
RULINGS = {"imported": N_("imported ratings first, the model grades the others"),
           "model": N_("the model grades everyone")}
SAMPLES = {"development": N_("development"), "out_of_time": N_("out-of-time")}
# The validation's notes, written in English (the view is cached for every reader) and shown
# in the reader's language by note_text().
NOT_RUN_YET = N_("The rating models have not run on this warehouse: load the data again.")
MODEL_STATUS = N_("{model}: {status}.")


def model_name(model: str) -> str:
    """A rating model's name in the current language ('Expert scorecard' ...)."""
    return _(MODEL_NAMES[model]) if model in MODEL_NAMES else model


def _model_of_name(name: str) -> str:
    english = {v: k for k, v in MODEL_NAMES.items()}
    return model_name(english[name]) if name in english else name


def note_text(note: str) -> str:
    """A validation view's note in the current language."""
    return stored_text(note, (NOT_RUN_YET, MODEL_STATUS), {"model": _model_of_name, "status": status_text})


def label(name: str | None) -> str:
    """A characteristic or variable as the field reads it, in the current language."""
    if name is None:
        return MISSING
    if name == "score":
        return _("Score")
    if name == "intercept":
        return _("Intercept")
    return characteristic_label(name)


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
        raise ValueError(_("unknown model {model}: expert, statistical or ml").format(model=repr(model)))
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
        frame = frame.select("customer_id", "name", "grade", "previous_grade", "notches", "score", "score_change",
                             "gross_exposure_amt", "reason_1", "reason_2", "reason_3")
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
        raise ValueError(_("unknown model {model}: expert, statistical or ml").format(model=repr(model)))
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
        notes.append(NOT_RUN_YET)
    elif not run.is_available:
        notes.append(MODEL_STATUS.format(model=MODEL_NAMES[model], status=run.status))
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
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return fmt_date(value.date())
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, float):
        return fmt_number(value, digits)
    if isinstance(value, int):
        return fmt_int(value)
    return str(value)


def _md_table(frame: pl.DataFrame, columns: dict[str, str], digits: int = 3) -> list[str]:
    if frame.height == 0:
        return [_("(none)"), ""]
    head = "| " + " | ".join(columns.values()) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    def cell(column: str, value: object) -> str:
        if column.endswith("_frac") and isinstance(value, (int, float)) and not isinstance(value, bool):
            return fmt_pd(value * 100)  # PDs and default rates in percent, with enough digits
        return _fmt(value, digits)

    rows = ["| " + " | ".join(cell(c, r[c]) for c in columns) + " |" for r in frame.iter_rows(named=True)]
    return [head, rule, *rows, ""]


def model_card_markdown(v: ModelValidation, policy: Policy) -> str:
    """The model card: purpose, data window, target, sample sizes, variables, performance,
    calibration, stability and limitations, as Markdown (in the current language)."""
    run = v.run
    f = run.facts if run else {}
    shown = with_labels(v.discrimination)
    lines = ["# " + _("Model card: {model}").format(model=model_name(v.model)), ""]
    lines += ["## " + _("Purpose"), "", _(
        "Grades every customer at every month-end from its own data; grades map to PDs through the policy's master "
        "scale (`[ratings] pd_pct`) and feed limits, reviews, the watchlist, expected loss and the what-if."), ""]
    if run is not None and run.is_rating_model:
        lines += [_("Its grades are the ratings in force with source = model (ruling: {ruling}).").format(
            ruling=_(RULINGS.get(policy.rating.ruling, policy.rating.ruling))), ""]
    run_at = str(f.get("run_at") or "")[:10]
    lines += ["## " + _("Status"), "", _("{status} (run on {date}).").format(
        status=status_text(run.status) if run else _("not run"), date=fmt_date(run_at) if run_at else MISSING), ""]
    lines += ["## " + _("Data and target"), "",
              "- " + _("Target: {target}.").format(target=target_text(f.get("target")) if f.get("target") else MISSING),
              "- " + _("Development sample: month-ends {start} to {end}, {observations} observations ({sampled} before "
                       "sampling), {defaults} defaults.").format(
                  start=_fmt(f.get("development_from")), end=_fmt(f.get("development_to")),
                  observations=_fmt(f.get("development_observations")),
                  sampled=_fmt(f.get("development_sampled_from")), defaults=_fmt(f.get("development_defaults"))),
              "- " + _("Out-of-time sample: month-ends {start} to {end}, {observations} observations, {defaults} "
                       "defaults.").format(
                  start=_fmt(f.get("out_of_time_from")), end=_fmt(f.get("out_of_time_to")),
                  observations=_fmt(f.get("out_of_time_observations")), defaults=_fmt(f.get("out_of_time_defaults"))),
              "- " + _("Latest month-end scored (stability): {date}.").format(date=_fmt(f.get("latest_at"))),
              "- " + _("Characteristics: as of each observation month-end, from data on or before it only."), ""]
    if f.get("train_seconds") is not None:
        lines += [_("Training took {seconds} s.").format(seconds=fmt_number(float(f["train_seconds"]), 1)), ""]
    lines += ["## " + _("Variables"), ""]
    terms = with_labels(v.terms)
    if v.model == "statistical":
        lines += _md_table(terms, {"term": _("Characteristic"), "coefficient": _("Coefficient"),
                                   "std_error": _("Standard error"), "p_value": _("p-value"), "iv": _("IV")}, 4)
    elif v.model == "ml":
        lines += _md_table(terms, {"characteristic": _("Characteristic"),
                                   "importance_auroc_loss": _("AUROC lost when shuffled"),
                                   "monotonic": _("Monotonic")}, 4)
    else:
        lines += _md_table(terms, {"characteristic": _("Characteristic"), "dimension": _("Dimension"),
                                   "weight_pct": _("Weight %")}, 1)
    lines += ["## " + _("Performance"), ""]
    lines += _md_table(shown, {"sample": _("Sample"), "auroc": _("AUROC"), "gini": _("Gini"), "ks": _("KS"),
                               "goods": _("Goods"), "bads": _("Bads")})
    lines += [_("All models on the same out-of-time sample:"), ""]
    lines += _md_table(with_labels(v.comparison), {"model": _("Model"), "auroc": _("AUROC"), "gini": _("Gini"),
                                                   "ks": _("KS")})
    lines += ["## " + _("Calibration (out-of-time, by grade)"), ""]
    lines += _md_table(v.calibration, {"grade": _("Grade"), "customers": _("Observations"), "defaults": _("Defaults"),
                                       "pd_frac": _("PD"), "observed_rate_frac": _("Observed"),
                                       "jeffreys_low_frac": _("Jeffreys low"), "jeffreys_high_frac": _("Jeffreys high"),
                                       "jeffreys_p_value": _("Jeffreys p")}, 4)
    in_force = (_("calibrated to the observed defaults") if policy.rating.pd_source == "observed"
                else _("the policy table (`[ratings] pd_pct`)"))
    lines += ["## " + _("Master scale (development and out-of-time samples)"), "",
              _("PDs in force: {source}.").format(source=in_force), ""]
    lines += _md_table(v.master_scale, {"grade": _("Grade"), "observations": _("Observations"),
                                        "defaults": _("Defaults"), "policy_pd_frac": _("Policy PD"),
                                        "observed_rate_frac": _("Observed"),
                                        "calibrated_pd_frac": _("Calibrated PD")}, 4)
    lines += ["## " + _("Stability (development against the latest month-end)"), ""]
    lines += _md_table(with_labels(v.stability), {"variable": _("Variable"), "psi": _("PSI"),
                                                  "reading": _("Reading")})
    lines += [_("Grade concentration at the latest month-end (Herfindahl Σ share²): {hhi}.").format(
        hhi=_fmt(f.get("grade_hhi_frac"))), ""]
    lines += ["## " + _("Limitations"), "",
              "- " + _("Trained on this portfolio's own history: a short history or few defaults make it unstable; "
                       "the out-of-time figures are the honest ones."),
              "- " + _("Defaults are observed from the ledger (days past due, write-offs, insolvency filings, imported "
                       "D ratings); a default the ledger does not show is not in the target."),
              "- " + _("Observation points of one customer in consecutive months are not independent: the p-values "
                       "and intervals are optimistic."),
              "- " + _("A customer with little history is graded mostly by its missing-value bins; the application "
                       "scorecard's company and financial data weigh more there."), ""]
    return "\n".join(lines)


def model_card_sheets(v: ModelValidation, policy: Policy) -> dict[str, pl.DataFrame]:
    """The model card as XLSX sheets: facts, then each table of the report."""
    facts = v.run.facts if v.run else {}
    card = pl.DataFrame({"fact": list(facts), "value": [_fmt(x) for x in facts.values()]})
    sheets = {"model_card": card}
    sheets.update({k: t for k, t in v.tables().items() if t.height})
    return sheets


# Columns whose values are codes or names a reader should see in words (with_labels).
_CHARACTERISTIC_COLUMNS = ("reason_1", "reason_2", "reason_3", "characteristic", "term", "variable")


def _monotonic(value: int | None) -> str:
    return {1: _("never less risk as it rises"), -1: _("never more risk as it rises"),
            0: _("free")}.get(value, MISSING) if value is not None else MISSING


def with_labels(frame: pl.DataFrame, columns: tuple[str, ...] = _CHARACTERISTIC_COLUMNS) -> pl.DataFrame:
    """A model table as the reader reads it, in the current language: reasons, characteristics
    and variables by their words, samples, models, readings, bins, dimensions, directions and
    why a characteristic left the model in words (the machine values stay in the downloads)."""
    mapping: dict[str, Callable[[object], str]] = {c: label for c in columns}  # type: ignore[dict-item]
    mapping.update({
        "sample": lambda x: _(SAMPLES[x]) if x in SAMPLES else (str(x) if x else MISSING),
        "model": lambda x: model_name(str(x)) if x else MISSING,
        "reading": lambda x: _(str(x)) if x else MISSING,
        "bin": bin_text,  # type: ignore[dict-item]
        "dimension": lambda x: dimension_label(str(x)) if x else MISSING,
        "note": lambda x: dropped_text(x, label)})  # type: ignore[arg-type]
    exprs = [in_words(frame, c, fn) for c, fn in mapping.items()
             if c in frame.columns and frame.schema[c] == pl.String]
    if "monotonic" in frame.columns:
        exprs.append(in_words(frame, "monotonic", _monotonic))  # type: ignore[arg-type]
    return frame.with_columns(exprs) if exprs else frame


@dataclass(frozen=True)
class CustomerScoring:
    """The scoring section of one customer's credit file."""

    scored_at: date | None  # the latest month-end scored on or before the file's date
    latest: pl.DataFrame  # one row per model: model, score, grade, model_pd_pct, reasons
    history: pl.DataFrame  # month-end, then one grade column per model (<model>_grade; newest first, 12 at most)
    override: str | None  # the imported grade rules over a model grade more than N notches away


def scoring_lines(scoring: CustomerScoring) -> list[str]:
    """The scoring section as Markdown bullets: per model its score, grade, PD and reasons
    (readable on a printed file and on a shared screen; in the current language)."""
    lines = []
    for r in scoring.latest.iter_rows(named=True):
        reasons = [label(r[f"reason_{i}"]) for i in (1, 2, 3) if r[f"reason_{i}"]]
        why = _("; ").join(reasons) if reasons else _("no characteristic costs it points")
        lines.append("- " + _("**{model}**: {score}, grade {grade} (PD {pd}) — {reasons}").format(
            model=model_name(r["model"]), score=fmt_number(r["score"], 1), grade=r["grade"] or MISSING,
            pd=fmt_pd(r["model_pd_pct"]), reasons=why))
    return lines


def customer_scoring(scores: pl.DataFrame, policy: Policy, in_force: str | None, months: int = 12) -> CustomerScoring:
    """The credit file's scoring section from the customer's model scores (newest first):
    each model's latest score, grade, PD and reasons, the grades of the last `months`
    month-ends side by side, and the override when the imported grade rules and the model in
    force grades more than [scoring.rating] override_notches away (in the current language).
    `latest` keeps the model's code (show it with with_labels)."""
    if scores.height == 0:
        return CustomerScoring(None, pl.DataFrame(), pl.DataFrame(), None)
    scored_at = scores["snapshot_date"].max()
    order = {m: i for i, m in enumerate(MODELS)}
    latest = (scores.filter(pl.col("snapshot_date") == scored_at)
              .with_columns(pl.col("model").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
              .sort("_o")
              .select("model", pl.col("score").round(1), "grade", (pl.col("pd_frac") * 100).alias("model_pd_pct"),
                      "reason_1", "reason_2", "reason_3", "imported_grade"))
    dates = sorted(scores["snapshot_date"].unique().to_list(), reverse=True)[:months]
    history = (scores.filter(pl.col("snapshot_date").is_in(dates))
               .pivot(on="model", index="snapshot_date", values="grade")
               .sort("snapshot_date", descending=True))
    history = history.select("snapshot_date", *[m for m in MODELS if m in history.columns]).rename(
        {m: f"{m}_grade" for m in MODELS if m in history.columns})
    override = None
    if in_force is not None:
        row = scores.filter((pl.col("snapshot_date") == scored_at) & (pl.col("model") == in_force))
        if row.height and row["imported_grade"][0] is not None and policy.rating.ruling == "imported":
            rank = grade_rank(policy.scale)
            model_grade, imported = row["grade"][0], row["imported_grade"][0]
            gap = rank.get(model_grade, 0) - rank.get(imported, 0)
            if abs(gap) > policy.rating.override_notches and imported != policy.default_grade:
                n = abs(gap)
                worse = gap > 0
                values = dict(imported=imported, model=model_name(in_force), grade=model_grade, n=fmt_int(n),
                              date=fmt_date(scored_at), limit=fmt_int(policy.rating.override_notches))
                if worse:
                    head = ngettext("The imported grade {imported} rules; {model}: {grade}, {n} notch worse, at {date}.",
                                    "The imported grade {imported} rules; {model}: {grade}, {n} notches worse, at "
                                    "{date}.", n).format(**values)
                else:
                    head = ngettext("The imported grade {imported} rules; {model}: {grade}, {n} notch better, at "
                                    "{date}.", "The imported grade {imported} rules; {model}: {grade}, {n} notches "
                                    "better, at {date}.", n).format(**values)
                first = (" " + _("First reason: {reason}.").format(reason=label(row["reason_1"][0]))
                         if row["reason_1"][0] else "")
                tail = " " + ngettext("An override of more than {limit} notch needs its reason on file.",
                                      "An override of more than {limit} notches needs its reason on file.",
                                      policy.rating.override_notches).format(**values)
                override = head + first + tail
    return CustomerScoring(scored_at, latest, history, override)
