"""The early-warning engine: rules from the credit policy (each with thresholds by severity
and a suggested action) applied to every customer's signals; hits with the observed value,
the threshold, since when, severity and action; a per-customer score; and the comparison
with the previous month-end (new, persisting, resolved)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import polars as pl

from analytics.risk.ledger import with_line_defaults

SEVERITIES = ("low", "medium", "high", "critical")
NEVER_REVIEWED_DAYS = 10_000.0

# key -> (label, unit of the observed value): the early-warning signals of docs/definitions.md
RULES: dict[str, tuple[str, str]] = {
    "utilization": ("Utilization of the credit limit", "%"),
    "days_past_due": ("Days past due (oldest open item)", "days"),  # undisputed, unless the policy counts disputes
    "overdue_amount": ("Overdue amount", "amount"),
    "downgrade": ("Downgrade within the window", "notches"),
    "grade_floor": ("Grade at or below the floor", "grade"),
    "adverse_events": ("Adverse events", "severity"),
    "financials": ("Worsening financials", "warning signs"),
    "limit_expired": ("Credit limit expired", "days"),
    "review_overdue": ("Periodic review overdue", "days"),
    "insurer_cut": ("Insurer cut or withdrew cover", "% of cover"),
    "slowing_payments": ("Payments slowing (days beyond terms)", "days"),
    "concentration": ("Single-name concentration", "% of exposure"),
}


@dataclass(frozen=True)
class Rule:
    """One early-warning rule. levels: (severity, threshold) pairs, both ascending; a value
    at or above a threshold hits at that severity (the worst level met wins)."""

    key: str
    levels: tuple[tuple[str, float], ...]
    action: str
    enabled: bool = True
    months: int = 0  # lookback window (downgrade, adverse_events, insurer_cut)
    params: tuple[tuple[str, object], ...] = ()  # rule-specific settings (financial ratios, event types)

    @property
    def label(self) -> str:
        return RULES[self.key][0]

    @property
    def unit(self) -> str:
        return RULES[self.key][1]

    @property
    def entry(self) -> float:
        return self.levels[0][1]

    def param(self, name: str) -> object:
        return dict(self.params)[name]

    def with_entry(self, value: float) -> Rule:
        """The rule with its first threshold moved; higher levels never fall below it."""
        first = ((self.levels[0][0], float(value)),)
        return replace(self, levels=first + tuple((s, max(t, float(value))) for s, t in self.levels[1:]))


def parse_rules(section: dict, scale: tuple[str, ...]) -> tuple[Rule, ...]:  # type: ignore[type-arg]
    """Rules from the policy's [watchlist.rules.*] tables; raises ValueError with the key at fault."""
    missing = [k for k in RULES if k not in section]
    if missing:
        raise ValueError(f"[watchlist.rules] is missing {', '.join(missing)}")
    unknown = [k for k in section if k not in RULES]
    if unknown:
        raise ValueError(f"[watchlist.rules] has unknown rules {', '.join(unknown)} (known: {', '.join(RULES)})")
    rules = []
    for key in RULES:
        raw = section[key]
        where = f"[watchlist.rules.{key}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("action"), str):
            raise ValueError(f"{where} needs an action")
        enabled = raw.get("enabled", True)
        months = raw.get("months", 0)
        if not isinstance(enabled, bool) or not isinstance(months, int) or not 0 <= months <= 120:
            raise ValueError(f"{where} enabled must be true/false and months 0-120")
        params: list[tuple[str, object]] = []
        if key == "adverse_events":
            type_sev = raw.get("type_severity", {})
            minimum = raw.get("min_severity", "low")
            if minimum not in SEVERITIES or not all(v in SEVERITIES for v in type_sev.values()):
                raise ValueError(f"{where} severities must be one of {', '.join(SEVERITIES)}")
            levels = tuple((s, float(i)) for i, s in enumerate(SEVERITIES) if i >= SEVERITIES.index(minimum))
            params.append(("type_severity", tuple(sorted(type_sev.items()))))
        else:
            raw_levels = raw.get("levels")
            if not isinstance(raw_levels, dict) or not raw_levels or any(s not in SEVERITIES for s in raw_levels):
                raise ValueError(f"{where} levels must map severities ({', '.join(SEVERITIES)}) to thresholds")
            if key == "grade_floor":
                if any(g not in scale for g in raw_levels.values()):
                    raise ValueError(f"{where} levels must name grades on the scale")
                values = {s: float(scale.index(g)) for s, g in raw_levels.items()}
            else:
                if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw_levels.values()):
                    raise ValueError(f"{where} thresholds must be numbers")
                values = {s: float(v) for s, v in raw_levels.items()}
            ordered = sorted(values.items(), key=lambda kv: SEVERITIES.index(kv[0]))
            if [t for _, t in ordered] != sorted(t for _, t in ordered):
                raise ValueError(f"{where} thresholds must not fall as severity rises")
            levels = tuple(ordered)
            if key == "financials":
                for name in ("current_ratio_below", "debt_ratio_above"):
                    if not isinstance(raw.get(name), (int, float)):
                        raise ValueError(f"{where} needs {name}")
                    params.append((name, float(raw[name])))
        rules.append(Rule(key, levels, raw["action"], enabled, months, tuple(params)))
    return tuple(rules)


def parse_points(raw: dict) -> dict[str, float]:  # type: ignore[type-arg]
    if set(raw) != set(SEVERITIES) or not all(isinstance(v, (int, float)) and v >= 0 for v in raw.values()):
        raise ValueError(f"[watchlist] severity_points needs {', '.join(SEVERITIES)} with points >= 0")
    return {k: float(v) for k, v in raw.items()}


# ----------------------------------------------------------------------------- signals

OBS_SCHEMA = {"customer_id": pl.String, "rule": pl.String, "observed": pl.Float64, "observed_text": pl.String,
              "since": pl.Date}


def _obs(frame: pl.DataFrame, rule: str, observed: pl.Expr, text: pl.Expr, since: pl.Expr,
         entry: float | None = None) -> pl.DataFrame:
    """One rule's observations; with `entry`, only those at or above it (the rest cannot hit,
    and a slider move should not format 100k texts it will throw away)."""
    value = observed.cast(pl.Float64)
    kept = frame.filter(value >= entry) if entry is not None else frame.filter(value.is_not_null())
    return kept.select(pl.col("customer_id"), pl.lit(rule).alias("rule"), value.alias("observed"),
                       text.cast(pl.String).alias("observed_text"), since.cast(pl.Date).alias("since"))


def _fmt(expr: pl.Expr, decimals: int = 0, suffix: str = "") -> pl.Expr:
    return pl.format("{}" + suffix, expr.round(decimals).cast(pl.Int64 if decimals == 0 else pl.Float64))


def observe(customers: pl.DataFrame, events: pl.DataFrame, reviews: pl.DataFrame, rules: tuple[Rule, ...],
            as_of: date, scale: tuple[str, ...]) -> pl.DataFrame:
    """Every customer's observed value per enabled rule (long), with since-when where the
    signal itself dates it. customers: monitoring_customers.sql (max_days_past_due as the
    policy's dispute rule reads it, exposure_share_pct; see views_monitoring); events:
    monitoring_events.sql; reviews: reviews.schedule().

    Utilization is a credit line's: observed on the line's holder (the customer, or the
    parent of a group line, with the whole group's exposure), once per line."""
    on = {r.key: r for r in rules if r.enabled}
    day = pl.lit(as_of)
    parts: list[pl.DataFrame] = []
    c = with_line_defaults(customers)
    if "utilization" in on:
        text = pl.when(pl.col("line_scope") == "group").then(
            pl.format("{} of group limit {} (group exposure {})", _fmt(pl.col("utilization_pct"), 0, " %"),
                      _fmt(pl.col("limit_amt")), _fmt(pl.col("line_exposure_amt")))
        ).otherwise(_fmt(pl.col("utilization_pct"), 0, " %"))
        parts.append(_obs(c.filter(pl.col("is_line_holder")), "utilization", pl.col("utilization_pct"), text,
                          pl.lit(None), on["utilization"].entry))
    if "days_past_due" in on:
        entry = int(on["days_past_due"].entry)
        dpd = pl.col("max_days_past_due")
        parts.append(_obs(c, "days_past_due", dpd, _fmt(dpd, 0, " days"),
                          day - pl.duration(days=dpd - entry), max(entry, 1)))
    if "overdue_amount" in on:
        parts.append(_obs(c.filter(pl.col("overdue_amt") > 0), "overdue_amount", pl.col("overdue_amt"),
                          _fmt(pl.col("overdue_amt")), pl.lit(None), on["overdue_amount"].entry))
    if "downgrade" in on:
        notches = pl.col("grade_rank") - pl.col("best_rank_in_window")
        best = pl.col("best_rank_in_window").sub(1).replace_strict(dict(enumerate(scale)), default=None,
                                                                   return_dtype=pl.String)
        parts.append(_obs(c.filter(notches > 0), "downgrade", notches,
                          pl.format("{} → {} ({} notches)", best, pl.col("grade"), notches), pl.col("rated_on"),
                          on["downgrade"].entry))
    if "grade_floor" in on:
        parts.append(_obs(c, "grade_floor", pl.col("grade_rank") - 1, pl.col("grade"), pl.lit(None),
                          on["grade_floor"].entry))
    if "adverse_events" in on:
        parts.append(_event_obs(events, on["adverse_events"]))
    if "financials" in on:
        parts.append(_financial_obs(c, on["financials"]))
    if "limit_expired" in on:
        expired = c.filter(pl.col("is_limit_expired"))
        days = (day - pl.col("limit_expires_on")).dt.total_days()
        parts.append(_obs(expired, "limit_expired", days, pl.format("expired {}", pl.col("limit_expires_on")),
                          pl.col("limit_expires_on") + pl.duration(days=1), on["limit_expired"].entry))
    if "review_overdue" in on:
        late = reviews.filter(pl.col("status").is_in(["never reviewed", "overdue"]))
        parts.append(_obs(late, "review_overdue",
                          pl.when(pl.col("status") == "never reviewed").then(NEVER_REVIEWED_DAYS)
                          .otherwise(pl.col("days_overdue")),
                          pl.when(pl.col("status") == "never reviewed").then(pl.lit("never reviewed"))
                          .otherwise(pl.format("due {}", pl.col("next_due_on"))),
                          pl.col("next_due_on")))
    if "insurer_cut" in on:
        before, now = pl.col("insured_before_amt"), pl.col("insured_now_amt")
        cut = c.filter((before > 0) & (now < before) & (pl.col("gross_exposure_amt") > 0))
        parts.append(_obs(cut, "insurer_cut", (before - now) / before * 100,
                          pl.format("cover {} → {}", before.round(0).cast(pl.Int64), now.round(0).cast(pl.Int64)),
                          pl.col("cover_changed_on")))
    if "slowing_payments" in on:
        rise = pl.col("recent_days_beyond_terms") - pl.col("prior_days_beyond_terms")
        start = as_of.replace(day=1)
        for _ in range(2):
            start = (start - timedelta(days=1)).replace(day=1)
        parts.append(_obs(c, "slowing_payments", rise,
                          pl.format("{} → {} days beyond terms", pl.col("prior_days_beyond_terms").round(0).cast(pl.Int64),
                                    pl.col("recent_days_beyond_terms").round(0).cast(pl.Int64)),
                          pl.lit(start), max(on["slowing_payments"].entry, 1e-9)))
    if "concentration" in on:
        parts.append(_obs(c, "concentration", pl.col("exposure_share_pct"),
                          _fmt(pl.col("exposure_share_pct"), 2, " %"), pl.lit(None), on["concentration"].entry))
    return pl.concat(parts) if parts else pl.DataFrame(schema=OBS_SCHEMA)


def _event_obs(events: pl.DataFrame, rule: Rule) -> pl.DataFrame:
    type_sev = dict(rule.param("type_severity"))  # type: ignore[arg-type]
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    ev = events.with_columns(pl.max_horizontal(
        pl.col("severity").replace_strict(rank, default=0, return_dtype=pl.Int64),
        pl.col("event_type").replace_strict({k: rank[v] for k, v in type_sev.items()}, default=0,
                                            return_dtype=pl.Int64)).alias("sev")).filter(pl.col("sev") >= rule.entry)
    if ev.height == 0:
        return pl.DataFrame(schema=OBS_SCHEMA)
    grouped = ev.sort("event_date").group_by("customer_id").agg(
        pl.col("sev").max().alias("worst"), pl.col("event_date").min().alias("first_on"),
        pl.format("{} {}", pl.col("event_date"), pl.col("event_type").str.replace_all("_", " ")).alias("what"))
    return _obs(grouped, "adverse_events", pl.col("worst"), pl.col("what").list.join("; "), pl.col("first_on"))


def _financial_obs(c: pl.DataFrame, rule: Rule) -> pl.DataFrame:
    cr, dr = float(rule.param("current_ratio_below")), float(rule.param("debt_ratio_above"))  # type: ignore[arg-type]
    flags = [
        (pl.col("current_ratio") < cr, f"current ratio < {cr:g}"),
        (pl.col("debt_ratio") > dr, f"debt ratio > {dr:g}"),
        (pl.col("equity") < 0, "negative equity"),
        ((pl.col("net_income") < 0) & (pl.col("prior_net_income") < 0), "two loss years"),
    ]
    with_flags = c.filter(pl.col("statements_period_end").is_not_null()).with_columns(
        [cond.fill_null(False).alias(f"_f{i}") for i, (cond, _) in enumerate(flags)])
    count = pl.sum_horizontal([pl.col(f"_f{i}").cast(pl.Int64) for i in range(len(flags))])
    text = pl.concat_str([pl.when(pl.col(f"_f{i}")).then(pl.lit(name)) for i, (_, name) in enumerate(flags)],
                         separator=", ", ignore_nulls=True)
    return _obs(with_flags.filter(count > 0), "financials", count,
                pl.format("{} (accounts to {})", text, pl.col("statements_period_end")),
                pl.col("statements_period_end"))


# ----------------------------------------------------------------------------- hits

HIT_SCHEMA = {**OBS_SCHEMA, "severity": pl.String, "threshold": pl.Float64}


def evaluate(obs: pl.DataFrame, rules: tuple[Rule, ...]) -> pl.DataFrame:
    """The hits: each observation at or above a rule's threshold, at the worst level it meets,
    with the threshold met, the rule's label and suggested action."""
    on = [r for r in rules if r.enabled]
    if not on or obs.height == 0:
        return pl.DataFrame(schema={**HIT_SCHEMA, "label": pl.String, "action": pl.String})
    severity: pl.Expr = pl.lit(None, dtype=pl.String)
    threshold: pl.Expr = pl.lit(None, dtype=pl.Float64)
    # build from the mildest up so the worst level met is the outermost `when`
    for rule in on:
        for sev, t in rule.levels:
            met = (pl.col("rule") == rule.key) & (pl.col("observed") >= t)
            severity = pl.when(met).then(pl.lit(sev)).otherwise(severity)
            threshold = pl.when(met).then(pl.lit(t)).otherwise(threshold)
    meta = pl.DataFrame({"rule": [r.key for r in on], "label": [r.label for r in on],
                         "action": [r.action for r in on]})
    return (obs.with_columns(severity.alias("severity"), threshold.alias("threshold"))
            .filter(pl.col("severity").is_not_null())
            .join(meta, on="rule", how="left"))


def fill_since(hits: pl.DataFrame, history: pl.DataFrame, ratings: pl.DataFrame, rules: tuple[Rule, ...],
               scale: tuple[str, ...]) -> pl.DataFrame:
    """Since when for the rules whose signal does not date itself: the first month-end of the
    current unbroken run at or above the rule's first threshold (history: monitoring_history.sql),
    and for the grade floor the first rating of the current run at or below it."""
    entry = {r.key: r.entry for r in rules}
    runs = []

    def of(frame: pl.DataFrame, key: str) -> pl.DataFrame:
        return frame.join(hits.filter(pl.col("rule") == key).select("customer_id"), on="customer_id", how="semi")

    for key, column in (("utilization", "utilization_pct"), ("overdue_amount", "overdue_amt"),
                        ("concentration", "exposure_share_pct")):
        if key in entry:
            runs.append(_run_start(of(history, key).select(
                "customer_id", pl.col("snapshot_date").alias("on"),
                (pl.col(column).fill_null(-1) >= entry[key]).alias("ok")), key))
    if "grade_floor" in entry:
        rank = {g: i for i, g in enumerate(scale)}
        runs.append(_run_start(of(ratings, "grade_floor").select(
            "customer_id", pl.col("rated_on").alias("on"),
            (pl.col("grade").replace_strict(rank, default=-1, return_dtype=pl.Int64) >= entry["grade_floor"]).alias("ok")),
            "grade_floor"))
    if not runs:
        return hits
    starts = pl.concat(runs)
    return (hits.join(starts, on=["customer_id", "rule"], how="left")
            .with_columns(pl.coalesce("since", "run_start").alias("since")).drop("run_start"))


def _run_start(frame: pl.DataFrame, rule: str) -> pl.DataFrame:
    """Per customer: the first date of the last unbroken run of ok = true (dates ascending)."""
    ordered = frame.sort("customer_id", "on")
    last_bad = ordered.filter(~pl.col("ok")).group_by("customer_id").agg(pl.col("on").max().alias("last_bad"))
    return (ordered.filter(pl.col("ok")).join(last_bad, on="customer_id", how="left")
            .filter(pl.col("last_bad").is_null() | (pl.col("on") > pl.col("last_bad")))
            .group_by("customer_id").agg(pl.col("on").min().alias("run_start"))
            .with_columns(pl.lit(rule).alias("rule")))


def customer_scores(hits: pl.DataFrame, points: dict[str, float]) -> pl.DataFrame:
    """Per customer: number of hits, worst severity, score (sum of severity points), the rules hit."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    if hits.height == 0:
        return pl.DataFrame(schema={"customer_id": pl.String, "hits": pl.Int64, "worst_severity": pl.String,
                                    "score": pl.Float64, "rules": pl.String})
    return (hits.with_columns(pl.col("severity").replace_strict(rank, return_dtype=pl.Int64).alias("_rank"),
                              pl.col("severity").replace_strict(points, return_dtype=pl.Float64).alias("_points"))
            .group_by("customer_id")
            .agg(pl.len().cast(pl.Int64).alias("hits"), pl.col("_rank").max().alias("_worst"),
                 pl.col("_points").sum().alias("score"), pl.col("label").sort().str.join(" · ").alias("rules"))
            .with_columns(pl.col("_worst").replace_strict(dict(enumerate(SEVERITIES)), return_dtype=pl.String)
                          .alias("worst_severity"))
            .sort(["score", "_worst"], descending=True)
            .select("customer_id", "hits", "worst_severity", "score", "rules"))


def compare(now: pl.DataFrame, before: pl.DataFrame | None) -> pl.DataFrame:
    """Hits now marked new or persisting (with the severity before), and the hits of the
    previous month-end that are gone (resolved)."""
    if before is None:
        return now.with_columns(pl.lit("new").alias("status"), pl.lit(None, dtype=pl.String).alias("severity_before"))
    prev = before.select("customer_id", "rule", pl.col("severity").alias("severity_before"))
    current = now.join(prev, on=["customer_id", "rule"], how="left").with_columns(
        pl.when(pl.col("severity_before").is_null()).then(pl.lit("new")).otherwise(pl.lit("persisting"))
        .alias("status"))
    resolved = (before.join(now.select("customer_id", "rule"), on=["customer_id", "rule"], how="anti")
                .with_columns(pl.lit("resolved").alias("status"), pl.col("severity").alias("severity_before")))
    return pl.concat([current, resolved.select(current.columns)], how="vertical_relaxed")
