"""The what-if view shared by the page and `report scenario`: fetch every customer's inputs
once per date and filters, then evaluate any levers on them without a query.

Measures are named for people through `measure()` (in the interface's language); the
engine's tables keep machine values (basis names, approval levels, severities) and
`shown_changes` / `shown_comparison` put them in words for the screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import polars as pl

from analytics.risk import watchlist as wl
from analytics.risk import whatif
from analytics.risk.exposure import pd_pct_expr
from analytics.views import Filters, dated
from analytics.risk.ledger import days_past_due_expr
from analytics.policy.levers import Levers, base_of
from analytics.policy import Policy
from analytics.views.monitoring import MonitoringInputs, monitoring_inputs
from analytics.views.receivables import ProvisionView, provision_view
from analytics.data.warehouse import Warehouse
from analytics.formats import MISSING, fmt_amount, fmt_delta, fmt_int, fmt_pct
from analytics.i18n import N_, _
# what the what-if page names (pages import views, not policy)
from analytics.policy.levers import (BASE_LABELS, BASES, LIMIT_LEVERS, MAX_INDIVIDUAL_NAMES,  # noqa: E402,F401
                                     LeverError, Levers, from_mapping, from_token, grade_rows, today,
                                     with_grade_rows, with_limit_policy)
from analytics.policy.scenarios import ScenarioStore, StoreError  # noqa: E402,F401

LOSS_PREFIXES = ("loss_quantile", "credit_var", "expected_shortfall")
IDENTITY = ["customer_id", "name", "group_id", "segment", "industry", "region", "credit_manager", "grade"]


def _codes(values: pl.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    names = tuple(sorted(values.fill_null("Unknown").unique().to_list()))
    lookup = {n: i for i, n in enumerate(names)}
    return values.fill_null("Unknown").replace_strict(lookup, return_dtype=pl.Int64).to_numpy(), names


def _floats(frame: pl.DataFrame, column: str, fill: float | None = None) -> np.ndarray:
    series = frame[column].cast(pl.Float64)
    return (series.fill_null(fill) if fill is not None else series).to_numpy().astype(np.float64, copy=True)


def whatif_inputs(wh: Warehouse, as_of: date, filters: Filters, policy: Policy,
                  monitoring: MonitoringInputs | None = None,
                  provisions: ProvisionView | None = None, limits_only: bool = False) -> whatif.WhatIfInputs:
    """Every customer's what-if inputs at as_of: exposure, limit, terms, limit bases, open
    AR per provision bucket, the provision loss rates and today's watchlist signals.
    limits_only: what proposed_limits reads and no more (no buckets, loss rates or watchlist
    signals: a run on these inputs gives limits, not losses)."""
    if not limits_only:
        monitoring = monitoring or monitoring_inputs(wh, as_of, filters, policy)
        provisions = provisions or provision_view(wh, as_of, filters, policy)
    params = filters.params()
    wh = dated(wh, as_of)
    customers = wh.query("whatif_customers", as_of=as_of, **params).with_columns(
        pd_pct_expr(policy), days_past_due_expr(policy).alias("max_days_past_due"))
    bounds = policy.provision_bucket_upper_dpd
    long = wh.query("whatif_buckets", as_of=as_of, bounds=list(bounds), **params) if not limits_only else None
    n, k = customers.height, len(bounds) + 1
    row = {c: i for i, c in enumerate(customers["customer_id"].to_list())}
    buckets = np.zeros((n, k))
    if long is not None and long.height:
        rows = long["customer_id"].replace_strict(row, default=-1, return_dtype=pl.Int64).to_numpy()
        keep = rows >= 0
        np.add.at(buckets, (rows[keep], long["bucket_idx"].to_numpy()[keep]), long["outstanding_amt"].to_numpy()[keep])
    rates = (np.zeros(k) if provisions is None else
             np.array([0.0 if r is None else float(r) for r in provisions.matrix.buckets["loss_rate_frac"].to_list()]))

    scale = policy.scale
    grade = customers["grade"].fill_null(policy.unrated_grade)
    grade_idx = grade.replace_strict({g: i for i, g in enumerate(scale)}, return_dtype=pl.Int64).to_numpy()
    lever_rules = tuple(r for r in policy.watch_rules if r.enabled and r.key in whatif.LEVER_RULES)
    if monitoring is None:
        mon = customers.select("customer_id", pl.lit(None, pl.Float64).alias("best_rank_in_window"))
        other = customers.select("customer_id", pl.lit(None, pl.Int64).alias("severity"))
        lever_rules = ()
    else:
        mon = customers.select("customer_id").join(
            monitoring.customers.select("customer_id", "best_rank_in_window"), on="customer_id", how="left",
            maintain_order="left")
        other_rules = tuple(r for r in policy.watch_rules if r.enabled and r.key not in whatif.LEVER_RULES)
        hits = wl.evaluate(wl.observe(monitoring.customers, monitoring.events, monitoring.schedule, other_rules,
                                      monitoring.as_of, scale), other_rules)
        order = {s: i for i, s in enumerate(wl.SEVERITIES)}
        worst = (hits.group_by("customer_id").agg(pl.col("severity").replace_strict(order, return_dtype=pl.Int64)
                                                   .max())
                 if hits.height else pl.DataFrame(schema={"customer_id": pl.String, "severity": pl.Int64}))
        other = customers.select("customer_id").join(worst, on="customer_id", how="left", maintain_order="left")
    lines = credit_lines(customers)
    industry_code, industries = _codes(customers["industry"])
    region_code, regions = _codes(customers["region"])
    return whatif.WhatIfInputs(
        as_of=as_of, scale=scale,
        policy_pd_pct=np.array([policy.pd_pct[g] for g in scale]),
        customers=customers.select(IDENTITY),
        grade_idx=grade_idx, rated=customers["grade"].is_not_null().to_numpy(),
        pd_pct=_floats(customers, "pd_pct"),
        open_ar=_floats(customers, "open_ar_amt"), overdue=_floats(customers, "overdue_amt"),
        max_dpd=_floats(customers, "max_days_past_due", None), orders=_floats(customers, "open_orders_amt"),
        gross=_floats(customers, "gross_exposure_amt"), collateral=_floats(customers, "collateral_amt"),
        insured=_floats(customers, "insured_amt"), net=_floats(customers, "net_exposure_amt"),
        limit=lines["limit"], line_idx=lines["line_idx"], line_outside=lines["line_outside"],
        is_group_line=lines["is_group_line"], draws_on_group=lines["draws_on_group"],
        terms_days=_floats(customers, "terms_days", 0.0),
        tangible_net_worth=_nan(customers, "tangible_net_worth_amt"),
        working_capital=_nan(customers, "working_capital_amt"),
        monthly_purchases=_floats(customers, "monthly_purchases_amt", 0.0),
        buckets=buckets, bucket_upper_dpd=bounds, loss_rates=rates,
        industry_code=industry_code, industries=industries, region_code=region_code, regions=regions,
        best_rank_in_window=_nan(mon, "best_rank_in_window"),
        other_severity=other["severity"].fill_null(-1).to_numpy().astype(np.int64),
        lever_rules=lever_rules, approval_levels=policy.approval_levels, policy_levers=policy.levers)


def credit_lines(customers: pl.DataFrame) -> dict[str, np.ndarray]:
    """The credit lines of the customers in scope, as the what-if's arrays: each customer's
    line holder row (itself without a line), the limit on the holder rows, and the exposure
    of the line's members outside the scope (a filter may leave part of a group out; a
    member whose group parent is outside it carries the line, with the rest of the group as
    it is today)."""
    n = customers.height
    ids = customers["customer_id"].to_list()
    row = {c: i for i, c in enumerate(ids)}
    holder_ids = customers["line_holder_id"].to_list()
    holder_in = [h is not None and h in row for h in holder_ids]
    line_idx = np.array([row[h] if inside else i for i, (h, inside) in enumerate(zip(holder_ids, holder_in))],
                        dtype=np.int64)
    holds = np.array([inside and row[h] == i or (h is not None and not inside)
                      for i, (h, inside) in enumerate(zip(holder_ids, holder_in))], dtype=bool)
    limit = np.where(holds, _nan(customers, "limit_amt"), np.nan)
    gross = _floats(customers, "gross_exposure_amt")
    line_exposure = _nan(customers, "line_exposure_amt")
    in_scope = np.bincount(line_idx, weights=gross, minlength=n)
    outside = np.where(holds, np.maximum(np.nan_to_num(line_exposure) - in_scope, 0.0), 0.0)
    scope = customers["line_scope"].to_list()
    is_group = np.array([s == "group" for s in scope], dtype=bool)
    return {"line_idx": line_idx, "limit": limit, "line_outside": outside, "is_group_line": holds & is_group,
            "draws_on_group": ~holds & is_group}


def _nan(frame: pl.DataFrame, column: str) -> np.ndarray:
    return frame[column].cast(pl.Float64).fill_null(float("nan")).to_numpy().astype(np.float64, copy=True)


@dataclass(frozen=True, eq=False)
class ScenarioView:
    """A scenario against the base (today's portfolio under the same hold rule and model)."""

    inputs: whatif.WhatIfInputs
    levers: Levers
    base: whatif.Outcome
    scenario: whatif.Outcome
    loss: whatif.LossDistribution | None = None  # Monte Carlo, when run
    base_loss: whatif.LossDistribution | None = None

    @property
    def summary(self) -> dict[str, float]:
        """The scenario's figures; the loss quantiles from the Monte Carlo when it ran."""
        return _with_loss(self.scenario, self.loss)

    @property
    def base_summary(self) -> dict[str, float]:
        return _with_loss(self.base, self.base_loss)

    def json_summary(self, base: bool = False) -> dict[str, float | int]:
        """The figures for a report: counts as whole numbers."""
        source = self.base_summary if base else self.summary
        return {k: int(v) if whatif.is_count(k) else v for k, v in source.items()}

    def loss_model(self) -> dict[str, object]:
        """How the loss distribution was computed (for the report's reader)."""
        lv = self.levers
        return {"method": "Monte Carlo" if self.loss else "closed form (one-factor, fine-grained)",
                "asset_correlation": "PD-dependent corporate" if lv.asset_correlation is None else lv.asset_correlation,
                "sector_correlation": lv.sector_correlation, "sectors": "industry",
                "simulations": lv.simulations if self.loss else 0, "seed": lv.seed,
                "individual_names": lv.individual_names,
                "quantile_error_95": None if self.loss is None or self.loss.quantile_error is None else
                {whatif.tag(a): e for a, e in self.loss.quantile_error.items()},
                "closed_form": {k: v for k, v in self.scenario.summary.items() if k.startswith(LOSS_PREFIXES)}}

    def loss_table(self) -> pl.DataFrame:
        """Expected loss, quantiles, VaR and ES: closed form and Monte Carlo, base and scenario."""
        keys = ["expected_loss_amt", *[k for k in self.scenario.summary if k.startswith(LOSS_PREFIXES)]]
        mc, base_mc = (self.loss.as_dict() if self.loss else {}), (self.base_loss.as_dict() if self.base_loss else {})
        return pl.DataFrame({
            "measure": keys,
            "base_closed_form": [self.base.summary[k] for k in keys],
            "base_monte_carlo": [base_mc.get(k) for k in keys],
            "scenario_closed_form": [self.scenario.summary[k] for k in keys],
            "scenario_monte_carlo": [mc.get(k) for k in keys],
        }, schema_overrides={c: pl.Float64 for c in ("base_monte_carlo", "scenario_monte_carlo")})

    def comparison(self) -> pl.DataFrame:
        return whatif.compare_summaries(self.base_summary, self.summary)

    def changes(self, only_changed: bool = False) -> pl.DataFrame:
        return whatif.changes(self.inputs, self.base, self.scenario, only_changed)

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"summary": self.comparison(), "customers": self.changes(),
                "by_grade": whatif.by_grade(self.inputs, self.base, self.scenario)}


def _with_loss(outcome: whatif.Outcome, loss: whatif.LossDistribution | None) -> dict[str, float]:
    """An outcome's figures with the Monte Carlo's quantiles, VaR and ES when it ran (EL stays exact)."""
    out = dict(outcome.summary)
    if loss is not None:
        out.update(loss.as_dict())
        out["expected_loss_amt"] = outcome.summary["expected_loss_amt"]
    return out


def run_monte_carlo(inputs: whatif.WhatIfInputs, outcome: whatif.Outcome,
                    cancelled: Callable[[], bool] | None = None) -> whatif.LossDistribution:
    """The Monte Carlo loss distribution of an outcome, with one factor per industry."""
    lgd_amt, pd, rho = whatif.loss_inputs(outcome)
    lv = outcome.levers
    return whatif.monte_carlo(lgd_amt, pd, rho, inputs.industry_code, lv.sector_correlation, lv.simulations,
                              lv.seed, lv.individual_names, cancelled)


def scenario_view(inputs: whatif.WhatIfInputs, levers: Levers, monte_carlo: bool = False,
                  base: whatif.Outcome | None = None) -> ScenarioView:
    """Evaluate `levers` and the base on fetched inputs (closed form; Monte Carlo on request).
    `base`: the base outcome when already computed (it depends on the model levers only)."""
    base = base or whatif.run(inputs, base_of(levers, inputs.policy_levers))
    scenario = whatif.run(inputs, levers)
    if not monte_carlo:
        return ScenarioView(inputs, levers, base, scenario)
    return ScenarioView(inputs, levers, base, scenario, run_monte_carlo(inputs, scenario),
                        run_monte_carlo(inputs, base))


# ----------------------------------------------------------------------------- labels and comparisons

# summary key -> (label, kind): kind amt (reporting currency), count, pct, ratio; labels in English,
# translated by measure()
MEASURES: dict[str, tuple[str, str]] = {
    "customers_in_scope": (N_("Customers in scope"), "count"),
    "total_limit_amt": (N_("Total limit"), "amt"),
    "customers_limit_up": (N_("Limits raised"), "count"),
    "customers_limit_down": (N_("Limits cut"), "count"),
    "customers_no_open_credit": (N_("No open credit (below minimum grade)"), "count"),
    "gross_exposure_amt": (N_("Gross exposure"), "amt"),
    "net_exposure_amt": (N_("Net exposure"), "amt"),
    "overdue_amt": (N_("Overdue AR"), "amt"),
    "customers_over_limit": (N_("Customers over limit"), "count"),
    "over_limit_amt": (N_("Amount over limit"), "amt"),
    "headroom_amt": (N_("Headroom (unused limits)"), "amt"),
    "customers_on_hold": (N_("Customers on credit hold"), "count"),
    "sales_at_risk_amt": (N_("Sales at risk (open orders on hold)"), "amt"),
    "expected_loss_amt": (N_("Expected loss (1 year)"), "amt"),
    "ecl_amt": (N_("Provision (ECL, provision matrix)"), "amt"),
    "loss_quantile_99_amt": (N_("Loss quantile 99 %"), "amt"),
    "credit_var_99_amt": (N_("Credit VaR 99 %"), "amt"),
    "expected_shortfall_99_amt": (N_("Expected shortfall 99 %"), "amt"),
    "loss_quantile_99_9_amt": (N_("Loss quantile 99.9 %"), "amt"),
    "credit_var_99_9_amt": (N_("Credit VaR 99.9 %"), "amt"),
    "expected_shortfall_99_9_amt": (N_("Expected shortfall 99.9 %"), "amt"),
    "hhi_frac": (N_("HHI of exposure (points, 0-10,000)"), "ratio"),
    "top10_share_pct": (N_("Top 10 share of exposure"), "pct"),
    "largest_share_pct": (N_("Largest single name share"), "pct"),
    "watchlist_customers": (N_("On the watchlist ({severity} or worse)"), "count"),
}


def measure(key: str, levels: tuple[tuple[str, float | None], ...]) -> tuple[str, str]:
    """Label (in the interface's language) and kind of a summary key (approval counts are
    named after their level)."""
    for name, _limit in levels:
        if key == whatif.approval_key(name):
            return _("Changes needing {level} approval").format(level=_(name)), "count"
    if key == "watchlist_customers":
        return _(MEASURES[key][0]).format(severity=severity_label(whatif.WATCH_MIN_SEVERITY)), "count"
    label, kind = MEASURES.get(key, (key, "amt"))
    return _(label), kind


def severity_label(severity: str) -> str:
    """A watchlist severity in words (the engine keeps the machine value)."""
    return _(getattr(wl, "SEVERITY_LABELS", {}).get(severity, severity))


def labelled(frame: pl.DataFrame, levels: tuple[tuple[str, float | None], ...]) -> pl.DataFrame:
    """A comparison frame with its measures named for people (first column `measure`)."""
    return frame.with_columns(pl.col("measure").replace_strict(
        {k: measure(k, levels)[0] for k in frame["measure"].to_list()}, return_dtype=pl.String))


def shown_value(value: float | None, kind: str, currency: str = "") -> str:
    """One measure's value by its kind: compact amounts, counts, percents, HHI in points."""
    if value is None:
        return MISSING
    if kind == "amt":
        return fmt_amount(value, currency)
    if kind == "count":
        return fmt_int(value)
    if kind == "pct":
        return fmt_pct(value)
    return fmt_int(value * 10_000)  # ratio: HHI in points


def shown_change(change: float | None, kind: str, currency: str = "") -> str:
    """A signed change by the measure's kind ('+CNY 1.2M', '-0.6 pp', '+3'); '0' when none."""
    if change is None:
        return MISSING
    size = change * 10_000 if kind == "ratio" else change
    step = {"amt": 0.5, "count": 0.5, "ratio": 0.5, "pct": 0.05}.get(kind, 0.5)
    if abs(size) < step:
        return fmt_int(0)
    return fmt_delta(size, {"amt": "amt", "pct": "pp"}.get(kind, "count"), currency) or MISSING


def shown_comparison(frame: pl.DataFrame, levels: tuple[tuple[str, float | None], ...],
                     currency: str) -> pl.DataFrame:
    """A comparison (measure and numeric columns: base, scenario, change or scenario names) as
    text for the screen: each row by its measure's kind, the measure named for people."""
    kinds = {k: measure(k, levels) for k in frame["measure"].to_list()}
    out: dict[str, list[str]] = {"measure": [kinds[k][0] for k in frame["measure"].to_list()]}
    for column in frame.columns[1:]:
        values = frame[column].to_list()
        show = shown_change if column == "change" else shown_value
        out[column] = [show(v, kinds[k][1], currency) for k, v in zip(frame["measure"].to_list(), values)]
    return pl.DataFrame(out, schema={c: pl.String for c in out})


def shown_changes(frame: pl.DataFrame) -> pl.DataFrame:
    """The per-customer changes with the engine's words (basis, approval level, severity,
    'unrated') in the interface's language; the data's own values as they are."""
    def words(column: str, translate: Callable[[str], str]) -> pl.Expr:
        values = [v for v in frame[column].unique().to_list() if v is not None]
        return pl.col(column).replace_strict({v: translate(v) for v in values}, default=None,
                                             return_dtype=pl.String)

    columns = [c for c in ("basis", "approval_level") if c in frame.columns]
    exprs = [words(c, _) for c in columns]
    if "watchlist_severity" in frame.columns:
        exprs.append(words("watchlist_severity", severity_label))
    for c in ("grade", "scenario_grade"):
        if c in frame.columns:
            exprs.append(pl.col(c).replace("unrated", _("unrated")))
    return frame.with_columns(exprs) if exprs else frame


def compare_scenarios(views: dict[str, ScenarioView]) -> pl.DataFrame:
    """Base and up to four scenarios side by side, one row per measure (scenario name columns)."""
    first = next(iter(views.values()))
    keys = list(first.summary)
    data: dict[str, list[object]] = {"measure": keys, "base": [first.base_summary.get(k, 0.0) for k in keys]}
    for name, view in views.items():
        data[name] = [view.summary.get(k, 0.0) for k in keys]
    return pl.DataFrame(data)


# ----------------------------------------------------------------------------- limit recommendations

LIMIT_COLUMNS = ["customer_id", "grade", "current_limit_amt", "recommended_limit_amt", "limit_change_amt",
                 "approval_level", "basis", "name", "segment", "tangible_net_worth_amt", "working_capital_amt",
                 "monthly_purchases_amt", "terms_days", "gross_exposure_amt", "utilization_pct", "pd_pct"]


@dataclass(frozen=True)
class LimitRecommendations:
    """The policy's limit formula for every customer in scope (the what-if engine's
    proposed_limits with the policy's [limits] levers and no stress): the current limit, the
    recommended one, the basis that set it and the authority a change needs."""

    as_of: date
    frame: pl.DataFrame  # LIMIT_COLUMNS, largest change first
    approvals: pl.DataFrame  # approval_level, customers, limit_change_amt
    by_grade: pl.DataFrame  # grade (scale order), customers, current_limit_amt, proposed_limit_amt

    @property
    def changes(self) -> pl.DataFrame:
        return self.frame.filter(pl.col("limit_change_amt").abs() > 0.005)

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"limits": self.frame, "approvals": self.approvals, "by_grade": self.by_grade}


def limit_recommendations(inputs: whatif.WhatIfInputs, policy: Policy) -> LimitRecommendations:
    """Recommended limits from the policy formula (docs/definitions.md, Credit limits): the
    smallest of the policy's bases the customer has data for (a share of tangible net worth, of
    working capital, monthly purchases × (terms + grace) / 30) × the grade multiplier, floored,
    capped by grade and by the single-name cap, none below the minimum grade, rounded down; the
    grade is the one in force (imported or the rating model's). The what-if page computes its
    proposed limits with the same function."""
    levers = replace(policy.levers, pd_multiplier=1.0, downgrade_notches=0, downgrade_scope="all",
                     downgrade_value="", payment_delay_days=0, sales_growth_pct=0.0)
    view = scenario_view(inputs, levers)
    changed = whatif.changes(inputs, view.base, view.scenario)
    extra = inputs.customers.select("customer_id").with_columns(
        pl.Series("tangible_net_worth_amt", inputs.tangible_net_worth, nan_to_null=True),
        pl.Series("working_capital_amt", inputs.working_capital, nan_to_null=True),
        pl.Series("monthly_purchases_amt", inputs.monthly_purchases, nan_to_null=True),
        pl.Series("terms_days", inputs.terms_days))
    frame = (changed.rename({"proposed_limit_amt": "recommended_limit_amt"})
             .join(extra, on="customer_id", how="left").select(LIMIT_COLUMNS))
    levels = [name for name, _ in inputs.approval_levels]
    approvals = (frame.filter(pl.col("approval_level").is_not_null())
                 .group_by("approval_level").agg(pl.len().alias("customers"), pl.col("limit_change_amt").sum())
                 .sort(pl.col("approval_level").replace_strict({n: i for i, n in enumerate(levels)},
                                                               return_dtype=pl.Int64)))
    grades = whatif.by_grade(inputs, view.base, view.scenario).select("grade", "customers", "current_limit_amt",
                                                                     "proposed_limit_amt")
    return LimitRecommendations(inputs.as_of, frame, approvals, grades)


def customer_limit_recommendation(wh: Warehouse, customer_id: str, group_id: str, as_of: date,
                                  policy: Policy) -> dict[str, object] | None:
    """One customer's line of the limit recommendations (LIMIT_COLUMNS), for its credit file,
    without running the whole portfolio: the inputs of its group only (a group line's limit
    depends on its members), the single-name cap against the whole portfolio's gross
    exposure, the same proposed_limits as the list. None when it has no snapshot at as_of."""
    inputs = whatif_inputs(wh, as_of, Filters(groups=(group_id,)), policy, limits_only=True)
    if inputs.size == 0 or customer_id not in inputs.customers["customer_id"].to_list():
        return None
    levers = policy.levers
    totals = dated(wh, as_of).query("exposure_kpi_inputs", as_of=as_of, **Filters().params())
    total = float(totals["gross_exposure_amt"].clip(lower_bound=0).sum()) if totals.height else 0.0
    limit, basis = whatif.proposed_limits(inputs, levers, inputs.grade_idx, inputs.terms_days, 1.0, total)
    approval = whatif.approval_needed(inputs.limit, limit, inputs.approval_levels)
    i = inputs.customers["customer_id"].to_list().index(customer_id)
    levels = [name for name, _ in inputs.approval_levels]
    current = None if np.isnan(inputs.limit[i]) else float(inputs.limit[i])
    recommended = None if np.isnan(limit[i]) else float(limit[i])
    return {"customer_id": customer_id, "grade": inputs.customers["grade"][i] or "unrated",
            "current_limit_amt": current, "recommended_limit_amt": recommended,
            "limit_change_amt": (recommended or 0.0) - (current or 0.0),
            "approval_level": levels[approval[i]] if approval[i] >= 0 else None,
            "basis": whatif.BASIS_NAMES[basis[i]]}
