"""Portfolio what-if: proposed limits, holds, exposure under stress, expected loss, the
provision, the one-factor loss distribution and concentration for one set of levers.

Pure NumPy on inputs fetched once (`WhatIfInputs`), so a slider move runs no query.
Definitions: docs/definitions.md, "Credit limits" and "Expected loss and portfolio loss".

Stress model (steady state, one year):
- sales growth g scales open AR, open orders and purchases by (1 + g);
- new terms by grade scale the not-due AR by new terms / current terms;
- a payment delay of d days ages every overdue item d days (items spread evenly within
  their bucket) and keeps open what would have been paid in those d days (monthly
  purchases / 30 x d, spread evenly over 1..d days past due); not-due AR stays, as new
  invoices keep replacing the ones falling due;
- the PD multiplier scales PDs (capped at 100 %) and, as a forward-looking overlay, the
  provision matrix's loss rates (capped at 100 %);
- a downgrade of N notches moves grades towards the worst non-default grade (a downgrade
  is not a default) and takes the policy PD of the new grade.

Credit lines: a customer draws on its own limit or on its group parent's (a group limit).
A line's exposure is the sum of its members' (gross exposure never below 0); utilization,
over-limit, the utilization hold and the watchlist's utilization rule read the line, and a
line counts once (on its holder). A member drawing on its group's limit keeps doing so: the
levers propose limits for the line holders; a group line's purchases basis is the group's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl
from scipy.special import ndtr, ndtri

from analytics.i18n import N_
from analytics.policy.levers import Levers
from analytics.risk.exposure import exposure_shares
from analytics.risk.loss import (  # noqa: F401 - the loss model, used here and named by callers of the engine
    QUANTILES, Cancelled, LossDistribution, closed_form, conditional_pd, corporate_correlation, correlations,
    monte_carlo, simulate_losses, tag, vasicek_quantile, vasicek_shortfall)
from analytics.risk.watchlist import SEVERITIES, Rule

LEVER_RULES = ("utilization", "days_past_due", "overdue_amount", "downgrade", "grade_floor", "concentration")
WATCH_MIN_SEVERITY = "medium"  # the watchlist count: customers with a hit at medium or worse


@dataclass(frozen=True, eq=False)
class WhatIfInputs:
    """Every customer in scope at one date, as arrays in one order (see views_whatif)."""

    as_of: date
    scale: tuple[str, ...]
    policy_pd_pct: np.ndarray  # per grade of the scale
    customers: pl.DataFrame  # customer_id, name, group_id, segment, industry, region, credit_manager, grade
    grade_idx: np.ndarray  # index on the scale; unrated customers take the policy's unrated grade
    rated: np.ndarray  # bool
    pd_pct: np.ndarray  # the rating's own PD, else the policy PD of the grade
    open_ar: np.ndarray
    overdue: np.ndarray
    max_dpd: np.ndarray  # NaN without open items
    orders: np.ndarray
    gross: np.ndarray
    collateral: np.ndarray
    insured: np.ndarray
    net: np.ndarray
    limit: np.ndarray  # the limit of the line the customer holds (NaN: none, or it draws on its group's)
    line_idx: np.ndarray  # int: row of the holder of the line the customer draws on (itself when none)
    line_outside: np.ndarray  # exposure of the line's members outside the scope (on the holder's row)
    is_group_line: np.ndarray  # bool: the customer holds a group line
    draws_on_group: np.ndarray  # bool: the customer draws on a group line held by another
    terms_days: np.ndarray
    tangible_net_worth: np.ndarray  # NaN without statements
    working_capital: np.ndarray
    monthly_purchases: np.ndarray
    buckets: np.ndarray  # customers x provision buckets, open AR
    bucket_upper_dpd: tuple[int, ...]
    loss_rates: np.ndarray  # per provision bucket, fractions (unknown = 0)
    industry_code: np.ndarray  # int, index into industries
    industries: tuple[str, ...]
    region_code: np.ndarray
    regions: tuple[str, ...]
    best_rank_in_window: np.ndarray  # 1-based best grade rank in the downgrade window (NaN = none)
    other_severity: np.ndarray  # worst watchlist severity index from rules no lever moves (-1 = none)
    lever_rules: tuple[Rule, ...]  # the enabled watchlist rules the levers move
    approval_levels: tuple[tuple[str, float | None], ...]
    policy_levers: Levers  # the policy's: its LGD and hold rule define the base
    memo: dict[tuple[object, int], np.ndarray] = field(default_factory=dict, repr=False)  # work on unchanged arrays

    @property
    def size(self) -> int:
        return int(self.gross.size)


@dataclass(frozen=True, eq=False)
class Outcome:
    """The portfolio under one set of levers: per-customer arrays and the headline figures."""

    levers: Levers
    limit: np.ndarray  # proposed (NaN = no limit)
    basis: np.ndarray  # int: index into BASIS_NAMES
    grade_idx: np.ndarray
    pd_pct: np.ndarray
    lgd_pct: float
    gross: np.ndarray
    net: np.ndarray
    orders: np.ndarray
    overdue: np.ndarray
    dpd: np.ndarray
    over_limit: np.ndarray
    on_hold: np.ndarray
    expected_loss: np.ndarray
    ecl: np.ndarray
    approval: np.ndarray  # int: index into approval levels, -1 = unchanged
    watch_severity: np.ndarray  # -1 = not on the watchlist
    summary: dict[str, float]


# the basis that set a limit: machine values in tables and exports (the page shows them translated)
BASIS_NAMES = (N_("tangible net worth"), N_("working capital"), N_("purchases"), N_("current limit"),
               N_("no basis: current limit kept"), N_("floor"), N_("cap"), N_("single-name cap"),
               N_("below minimum grade"), N_("draws on its group's limit"))
GROUP_LINE_BASIS = BASIS_NAMES.index("draws on its group's limit")


def line_totals(inputs: WhatIfInputs, values: np.ndarray) -> np.ndarray:
    """Per customer, the sum of `values` over the credit line it draws on (a customer without
    a line is a line of its own)."""
    per_holder = np.bincount(inputs.line_idx, weights=values, minlength=inputs.size)
    return per_holder[inputs.line_idx]


# ----------------------------------------------------------------------------- levers -> portfolio

def _per_grade(values: tuple[float | None, ...], idx: np.ndarray) -> np.ndarray:
    table = np.array([np.nan if v is None else float(v) for v in values])
    return table[idx]


def stressed_grades(inputs: WhatIfInputs, levers: Levers) -> np.ndarray:
    """Grade index after the downgrade lever: N notches worse, never into default."""
    idx = inputs.grade_idx
    if levers.downgrade_notches == 0:
        return idx
    worst_live = len(inputs.scale) - 2
    if levers.downgrade_scope == "industry":
        hit = inputs.customers["industry"].to_numpy() == levers.downgrade_value
    elif levers.downgrade_scope == "region":
        hit = inputs.customers["region"].to_numpy() == levers.downgrade_value
    else:
        hit = np.ones(idx.size, dtype=bool)
    moved = np.minimum(idx + levers.downgrade_notches, np.maximum(idx, worst_live))
    return np.where(hit & (idx < len(inputs.scale) - 1), moved, idx)


def proposed_limits(inputs: WhatIfInputs, levers: Levers, grade_idx: np.ndarray,
                    terms: np.ndarray, growth: float, total_exposure: float) -> tuple[np.ndarray, np.ndarray]:
    """The recommended limit per customer (NaN = none) and the basis that set it."""
    n = inputs.size
    purchases = np.where(inputs.is_group_line, line_totals(inputs, inputs.monthly_purchases), inputs.monthly_purchases)
    candidates = {
        "tangible_net_worth": levers.tangible_net_worth_pct / 100 * np.maximum(inputs.tangible_net_worth, 0),
        "working_capital": levers.working_capital_pct / 100 * np.maximum(inputs.working_capital, 0),
        "purchases": np.where(purchases > 0, purchases * growth * (terms + levers.grace_days) / 30, np.nan),
        "current_limit": inputs.limit,
    }
    chosen = [k for k in candidates if k in levers.bases]
    stack = np.stack([candidates[k] for k in chosen])
    has_any = ~np.all(np.isnan(stack), axis=0)
    filled = np.where(np.isnan(stack), np.inf, stack)
    pick = np.argmin(filled, axis=0)
    base_limit = filled[pick, np.arange(n)]
    multiplier = np.array(levers.grade_multipliers)[grade_idx] * levers.risk_appetite
    base_names = ("tangible_net_worth", "working_capital", "purchases", "current_limit")
    basis = np.array([base_names.index(k) for k in chosen])[pick]
    with np.errstate(invalid="ignore"):
        limit = np.where(has_any, base_limit * multiplier, inputs.limit)
    basis = np.where(has_any, basis, 4)
    floor = _per_grade(levers.floor_by_grade, grade_idx)
    raised = ~np.isnan(floor) & (np.nan_to_num(limit, nan=-1.0) < floor)
    limit = np.where(raised, floor, limit)
    cap = _per_grade(levers.cap_by_grade, grade_idx)
    capped = ~np.isnan(cap) & (limit > cap)
    limit = np.where(capped, cap, limit)
    basis = np.where(raised, 5, np.where(capped, 6, basis))
    if levers.single_name_cap_pct is not None:
        pool = levers.own_equity_amt if levers.single_name_cap_basis == "equity" else total_exposure
        name_cap = levers.single_name_cap_pct / 100 * pool
        over = limit > name_cap
        limit = np.where(over, name_cap, limit)
        basis = np.where(over, 7, basis)
    below = grade_idx > inputs.scale.index(levers.min_grade)
    limit = np.where(below, 0.0, limit)
    basis = np.where(below, 8, basis)
    if levers.rounding_amt > 0:
        limit = np.floor(limit / levers.rounding_amt + 1e-9) * levers.rounding_amt
    limit = np.where(inputs.draws_on_group, np.nan, limit)
    basis = np.where(inputs.draws_on_group, GROUP_LINE_BASIS, basis)
    return limit, basis


def _overlap(lo: np.ndarray | float, hi: np.ndarray | float, t_lo: float, t_hi: float) -> np.ndarray | float:
    """Share of an even spread over (lo, hi] that falls in (t_lo, t_hi]; a point when lo == hi."""
    width = np.subtract(hi, lo)
    inside = np.clip(np.minimum(hi, t_hi) - np.maximum(lo, t_lo), 0, None) / np.where(width > 0, width, 1)
    point = np.logical_and(np.greater(hi, t_lo), np.less_equal(hi, t_hi)).astype(np.float64)
    return np.where(width > 0, inside, point)


def _aged(inputs: WhatIfInputs, terms: np.ndarray, delay: int) -> np.ndarray:
    """Open AR per bucket after new terms and a payment delay (before growth). Bucket j
    spans (upper[j-1], upper[j]] days past due; the last is open."""
    b = inputs.buckets.copy()
    old = inputs.terms_days
    b[:, 0] *= np.where(old > 0, terms / np.where(old > 0, old, 1), 1.0)
    if delay <= 0:
        return b
    upper = [float(u) for u in inputs.bucket_upper_dpd]
    k = b.shape[1]
    t_lo = [-np.inf, *upper]
    t_hi = [*upper, np.inf]
    # not-due AR stays (new invoices keep coming); overdue items age d days: one transfer
    # matrix with fixed bounds for all customers
    move = np.zeros((k, k))
    move[0, 0] = move[k - 1, k - 1] = 1.0
    for j in range(1, k - 1):
        for m in range(j, k):
            move[j, m] = float(_overlap(t_lo[j] + delay, t_hi[j] + delay, t_lo[m], t_hi[m]))
    out = np.einsum("nk,km->nm", b, move)  # (BLAS matmul with 8 columns is 10x slower here)
    kept_open = inputs.monthly_purchases / 30 * delay
    for m in range(1, k):
        out[:, m] += kept_open * float(_overlap(0.0, float(delay), t_lo[m], t_hi[m]))
    return out


def _bucket_sums(inputs: WhatIfInputs) -> tuple[np.ndarray, np.ndarray]:
    """Open AR and overdue AR per customer as the buckets add them up (computed once)."""
    if ("bucket_sums", 0) not in inputs.memo:
        inputs.memo[("bucket_sums", 0)] = inputs.buckets.sum(axis=1)
        inputs.memo[("bucket_sums", 1)] = inputs.buckets[:, 1:].sum(axis=1)
    return inputs.memo[("bucket_sums", 0)], inputs.memo[("bucket_sums", 1)]


def _severity(observed: np.ndarray, rule: Rule) -> np.ndarray:
    sev = np.full(observed.size, -1)
    for name, threshold in rule.levels:
        sev = np.where(np.nan_to_num(observed, nan=-np.inf) >= threshold, SEVERITIES.index(name), sev)
    return sev


def watch_severity(inputs: WhatIfInputs, limit: np.ndarray, gross: np.ndarray, overdue: np.ndarray,
                   dpd: np.ndarray, grade_idx: np.ndarray) -> np.ndarray:
    """Worst watchlist severity per customer: the levers' rules re-run on the scenario, the
    others as they are today."""
    worst = inputs.other_severity.copy()
    total = gross.sum()
    inputs_own = {"days_past_due": dpd, "overdue_amount": overdue, "downgrade": grade_idx, "grade_floor": grade_idx,
                  "concentration": gross}
    for rule in inputs.lever_rules:
        source = inputs_own.get(rule.key)
        key = (rule, id(source))
        if source is not None and key in inputs.memo and _owned(inputs, source):
            worst = np.maximum(worst, inputs.memo[key])
            continue
        rank = np.where(inputs.rated, grade_idx + 1.0, np.nan)
        if rule.key == "utilization":  # a line's, on its holder
            line_gross = np.bincount(inputs.line_idx, weights=gross, minlength=inputs.size) + inputs.line_outside
            with np.errstate(divide="ignore", invalid="ignore"):
                obs = np.where(limit > 0, line_gross / limit * 100, np.nan)
        elif rule.key == "days_past_due":
            obs = np.where(dpd >= max(rule.entry, 1), dpd, np.nan)
        elif rule.key == "overdue_amount":
            obs = np.where(overdue > 0, overdue, np.nan)
        elif rule.key == "downgrade":
            notches = rank - inputs.best_rank_in_window
            obs = np.where(notches > 0, notches, np.nan)
        elif rule.key == "grade_floor":
            obs = rank - 1
        else:  # concentration
            obs = exposure_shares(gross) * 100 if total else np.full(gross.size, np.nan)
        severity = _severity(obs, rule)
        if source is not None and _owned(inputs, source):
            inputs.memo[key] = severity  # the signal is the inputs' own array: the same for every lever move
        worst = np.maximum(worst, severity)
    return worst


def _owned(inputs: WhatIfInputs, array: np.ndarray) -> bool:
    return any(array is own for own in (inputs.max_dpd, inputs.overdue, inputs.grade_idx, inputs.gross))


def run(inputs: WhatIfInputs, levers: Levers) -> Outcome:
    """The portfolio under `levers`. Neutral levers give back today's portfolio exactly."""
    growth = 1 + levers.sales_growth_pct / 100
    grade_idx = stressed_grades(inputs, levers)
    terms_by_grade = _per_grade(levers.terms_by_grade, grade_idx)
    terms = np.where(np.isnan(terms_by_grade), inputs.terms_days, terms_by_grade)
    reshaped = levers.payment_delay_days > 0 or bool(np.any(terms != inputs.terms_days))
    buckets = _aged(inputs, terms, levers.payment_delay_days) if reshaped else inputs.buckets
    if reshaped:
        ar_before, overdue_before = _bucket_sums(inputs)
        open_ar = growth * (inputs.open_ar + (buckets.sum(axis=1) - ar_before))
        overdue = growth * (inputs.overdue + (buckets[:, 1:].sum(axis=1) - overdue_before))
        orders = growth * inputs.orders
        gross = np.maximum(0.0, open_ar + orders)  # a credit balance is no exposure
    elif growth != 1.0:
        open_ar, overdue, orders = growth * inputs.open_ar, growth * inputs.overdue, growth * inputs.orders
        gross = np.maximum(0.0, open_ar + orders)
    else:
        overdue, orders, gross = inputs.overdue, inputs.orders, inputs.gross
    net = np.maximum(0.0, gross - inputs.collateral - inputs.insured) if gross is not inputs.gross else inputs.net
    dpd = inputs.max_dpd + levers.payment_delay_days if levers.payment_delay_days else inputs.max_dpd
    limit, basis = proposed_limits(inputs, levers, grade_idx, terms, growth, float(inputs.gross.sum()))

    pd_pct = np.where(grade_idx != inputs.grade_idx, inputs.policy_pd_pct[grade_idx], inputs.pd_pct)
    pd_pct = np.minimum(100.0, pd_pct * levers.pd_multiplier) if levers.pd_multiplier != 1.0 else pd_pct
    expected_loss = pd_pct / 100 * levers.lgd_pct / 100 * net  # PD × LGD × EAD (EAD: the net exposure)
    rates = np.minimum(1.0, inputs.loss_rates * levers.pd_multiplier)
    ecl = (buckets @ rates) * growth

    has_limit = ~np.isnan(limit)  # on the holders of credit lines
    holder_gross = np.bincount(inputs.line_idx, weights=gross, minlength=inputs.size) + inputs.line_outside
    over_limit = np.where(has_limit, np.maximum(holder_gross - np.nan_to_num(limit), 0.0), 0.0)
    line_limit = limit[inputs.line_idx]
    line_gross = holder_gross[inputs.line_idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        utilization = np.where(line_limit > 0, line_gross / line_limit * 100,
                               np.where(~np.isnan(line_limit) & (line_gross > 0), np.inf, np.nan))
    on_hold = np.zeros(inputs.size, dtype=bool)
    if levers.hold_days_past_due is not None:
        on_hold |= np.nan_to_num(dpd, nan=-np.inf) > levers.hold_days_past_due
    if levers.hold_utilization_pct is not None:
        on_hold |= np.nan_to_num(utilization, nan=-np.inf) > levers.hold_utilization_pct
    approval = approval_needed(inputs.limit, limit, inputs.approval_levels)
    severity = watch_severity(inputs, limit, gross, overdue, dpd, grade_idx)

    pd = pd_pct / 100
    loss = closed_form(lgd_amounts(net, levers.lgd_pct), pd, levers.asset_correlation)
    shares = exposure_shares(gross)
    changed = approval >= 0
    old = np.nan_to_num(inputs.limit)
    new = np.nan_to_num(limit)
    summary: dict[str, float] = {
        "customers_in_scope": float(inputs.size),
        "total_limit_amt": float(new.sum()),
        "customers_limit_up": float(np.sum(changed & (new > old))),
        "customers_limit_down": float(np.sum(changed & (new < old))),
        "customers_no_open_credit": float(np.sum(basis == 8)),
        "gross_exposure_amt": float(gross.sum()),
        "net_exposure_amt": float(net.sum()),
        "overdue_amt": float(overdue.sum()),
        "customers_over_limit": float(np.sum(over_limit > 0)),
        "over_limit_amt": float(over_limit.sum()),
        "headroom_amt": float(np.sum(np.where(has_limit, np.maximum(np.nan_to_num(limit) - holder_gross, 0.0), 0.0))),
        "customers_on_hold": float(on_hold.sum()),
        "sales_at_risk_amt": float(orders[on_hold].sum()),
        **loss.as_dict(),
        "expected_loss_amt": float(expected_loss.sum()),
        "ecl_amt": float(ecl.sum()),
        "hhi_frac": float(np.sum(shares ** 2)),
        "top10_share_pct": float(np.partition(shares, -10)[-10:].sum() * 100 if shares.size > 10 else shares.sum() * 100),
        "largest_share_pct": float(shares.max() * 100) if shares.size else 0.0,
        "watchlist_customers": float(np.sum(severity >= SEVERITIES.index(WATCH_MIN_SEVERITY))),
    }
    for i, (name, _) in enumerate(inputs.approval_levels):
        summary[approval_key(name)] = float(np.sum(approval == i))
    return Outcome(levers, limit, basis, grade_idx, pd_pct, levers.lgd_pct, gross, net, orders, overdue, dpd,
                   over_limit, on_hold, expected_loss, ecl, approval, severity, summary)


def lgd_amounts(ead_amt: np.ndarray, lgd_pct: float) -> np.ndarray:
    """Loss given default in amount per customer: EAD × LGD. EAD is the net exposure (gross
    exposure less collateral and insurance cover, never below 0); LGD in percent."""
    return ead_amt * lgd_pct / 100


def loss_inputs(outcome: Outcome) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the loss model takes per customer: loss given default in amount (EAD × LGD), PD
    (a fraction) and the asset correlation."""
    pd = outcome.pd_pct / 100
    return lgd_amounts(outcome.net, outcome.lgd_pct), pd, correlations(pd, outcome.levers.asset_correlation)


def approval_key(level: str) -> str:
    """The summary key counting the changed limits a level must approve."""
    return "approvals_" + "_".join(level.lower().split())


def is_count(key: str) -> bool:
    """Summary keys that count customers (whole numbers) rather than amounts or ratios."""
    return key.startswith(("customers", "approvals_")) or key == "watchlist_customers"


def approval_needed(current: np.ndarray, proposed: np.ndarray,
                    levels: tuple[tuple[str, float | None], ...]) -> np.ndarray:
    """Authority level per changed limit (-1 = unchanged): a raise or a new limit by its new
    amount, a cut by the first level."""
    same = (np.isnan(current) & np.isnan(proposed)) | (np.abs(np.nan_to_num(current) - np.nan_to_num(proposed))
                                                       < 0.005) & (np.isnan(current) == np.isnan(proposed))
    amount = np.nan_to_num(proposed)
    level = np.full(amount.size, len(levels) - 1)
    for i in range(len(levels) - 2, -1, -1):
        up_to = levels[i][1]
        level = np.where(amount <= float(up_to), i, level)  # type: ignore[arg-type]
    cut = np.nan_to_num(proposed) < np.nan_to_num(current)
    return np.where(same, -1, np.where(cut, 0, level))


# ----------------------------------------------------------------------------- comparisons and tables

def compare(base: Outcome, scenario: Outcome) -> pl.DataFrame:
    """Headline figures side by side: base, scenario, change."""
    return compare_summaries(base.summary, scenario.summary)


def compare_summaries(base: dict[str, float], scenario: dict[str, float]) -> pl.DataFrame:
    """Two sets of headline figures side by side, one row per measure: base, scenario, change."""
    keys = list(scenario)
    return pl.DataFrame({"measure": keys, "base": [base.get(k, 0.0) for k in keys],
                         "scenario": [scenario[k] for k in keys]}).with_columns(
        (pl.col("scenario") - pl.col("base")).alias("change"))


CHANGE_COLUMNS = ["customer_id", "name", "grade", "scenario_grade", "segment", "industry", "region",
                  "current_limit_amt", "proposed_limit_amt", "limit_change_amt", "basis", "approval_level",
                  "gross_exposure_amt", "utilization_pct", "over_limit_amt", "on_hold", "pd_pct",
                  "expected_loss_amt", "expected_loss_change_amt", "watchlist_severity"]


def changes(inputs: WhatIfInputs, base: Outcome, scenario: Outcome, only_changed: bool = False) -> pl.DataFrame:
    """Per customer: current and proposed limit, the basis that set it, the approval it needs,
    exposure, utilization, over-limit, hold, PD and expected loss under the scenario."""
    def named(name: str, labels: list[str], idx: np.ndarray) -> pl.Series:
        """Labels by index (-1 = none), without building 100k Python strings."""
        return pl.Series(name, [*labels, None], dtype=pl.String).gather(np.where(idx < 0, len(labels), idx))

    levels = [name for name, _ in inputs.approval_levels]
    line_gross = line_totals(inputs, scenario.gross) + inputs.line_outside[inputs.line_idx]
    line_limit = scenario.limit[inputs.line_idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(line_limit > 0, line_gross / line_limit * 100, np.nan)
    frame = inputs.customers.select("customer_id", "name", "segment", "industry", "region").with_columns(
        pl.Series("grade", inputs.customers["grade"]).fill_null("unrated"),
        named("scenario_grade", list(inputs.scale), scenario.grade_idx),
        pl.Series("current_limit_amt", inputs.limit, nan_to_null=True),
        pl.Series("proposed_limit_amt", scenario.limit, nan_to_null=True),
        pl.Series("limit_change_amt", np.nan_to_num(scenario.limit) - np.nan_to_num(inputs.limit)),
        named("basis", list(BASIS_NAMES), scenario.basis),
        named("approval_level", levels, scenario.approval),
        pl.Series("gross_exposure_amt", scenario.gross),
        pl.Series("utilization_pct", util, nan_to_null=True),
        pl.Series("over_limit_amt", scenario.over_limit),
        pl.Series("on_hold", scenario.on_hold),
        pl.Series("pd_pct", scenario.pd_pct),
        pl.Series("expected_loss_amt", scenario.expected_loss),
        pl.Series("expected_loss_change_amt", scenario.expected_loss - base.expected_loss),
        named("watchlist_severity", list(SEVERITIES), scenario.watch_severity),
    ).with_columns(pl.when(pl.Series(inputs.rated)).then(pl.col("scenario_grade")).otherwise(pl.lit("unrated"))
                   .alias("scenario_grade")).select(CHANGE_COLUMNS)
    if only_changed:  # the limit, the expected loss or the hold differs from the base's
        hold_changed = pl.Series(scenario.on_hold != base.on_hold)
        frame = frame.filter((pl.col("limit_change_amt").abs() > 0.005) | (pl.col("expected_loss_change_amt").abs()
                                                                           > 0.005) | hold_changed)
    return frame.sort(pl.col("limit_change_amt").abs(), descending=True)


def by_grade(inputs: WhatIfInputs, base: Outcome, scenario: Outcome) -> pl.DataFrame:
    """Limits and expected loss per (scenario) grade: base, scenario."""
    frame = pl.DataFrame({
        "grade_idx": scenario.grade_idx, "base_grade_idx": inputs.grade_idx,
        "current_limit_amt": np.nan_to_num(inputs.limit), "proposed_limit_amt": np.nan_to_num(scenario.limit),
        "base_expected_loss_amt": base.expected_loss, "expected_loss_amt": scenario.expected_loss,
    })
    per = frame.group_by("grade_idx").agg(pl.col("proposed_limit_amt").sum(), pl.col("expected_loss_amt").sum(),
                                          pl.len().alias("customers"))
    before = frame.group_by(pl.col("base_grade_idx").alias("grade_idx")).agg(
        pl.col("current_limit_amt").sum(), pl.col("base_expected_loss_amt").sum(), pl.len().alias("base_customers"))
    grades = pl.DataFrame({"grade_idx": np.arange(len(inputs.scale)), "grade": list(inputs.scale)})
    return (grades.join(before, on="grade_idx", how="left").join(per, on="grade_idx", how="left")
            .fill_null(0).select("grade", "base_customers", "customers", "current_limit_amt", "proposed_limit_amt",
                                 "base_expected_loss_amt", "expected_loss_amt"))


def on_hold_expr(levers: Levers, dpd: str = "max_days_past_due", utilization: str = "utilization_pct") -> pl.Expr:
    """The policy's credit hold (the same rule as the outcome's on_hold) over a frame's days
    past due and line utilization columns: true when the days past due are above
    hold_days_past_due or the utilization above hold_utilization_pct (a rule left out of the
    policy never holds)."""
    hold = pl.lit(False)
    if levers.hold_days_past_due is not None:
        hold = hold | (pl.col(dpd).fill_null(-10**9) > levers.hold_days_past_due)
    if levers.hold_utilization_pct is not None:
        hold = hold | (pl.col(utilization).fill_null(-1e18) > levers.hold_utilization_pct)
    return hold
