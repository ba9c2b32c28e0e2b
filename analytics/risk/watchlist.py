"""The early-warning engine: rules from the credit policy (each with thresholds by severity
and a suggested action) applied to every customer's signals; hits with the observed value,
the threshold, since when, severity and action; a per-customer score; and the comparison
with the previous month-end (new, persisting, resolved)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import polars as pl
from babel.lists import format_list

from analytics.formats import fmt_amount, fmt_date, fmt_days, fmt_int, fmt_number, fmt_pct
from analytics.i18n import N_, _, babel_locale, current, ngettext
from analytics.risk.ledger import with_line_defaults

SEVERITIES = ("low", "medium", "high", "critical")
# the severities as a user reads them (the data, the policy and the link keep the machine values)
SEVERITY_LABELS: dict[str, str] = {"low": N_("low"), "medium": N_("medium"), "high": N_("high"),
                                   "critical": N_("critical")}
NEVER_REVIEWED_DAYS = 10_000.0

# key -> (label, unit of the observed value): the early-warning signals of docs/definitions.md
RULES: dict[str, tuple[str, str]] = {
    "utilization": (N_("Utilization of the credit limit"), "%"),
    # days past due: undisputed, unless the policy counts disputes
    "days_past_due": (N_("Days past due (oldest open item)"), N_("days")),
    "overdue_amount": (N_("Overdue amount"), N_("amount")),
    "downgrade": (N_("Downgrade within the window"), N_("notches")),
    "grade_floor": (N_("Grade at or below the floor"), N_("grade")),
    "adverse_events": (N_("Adverse events"), N_("severity")),
    "financials": (N_("Worsening financials"), N_("warning signs")),
    "limit_expired": (N_("Credit limit expired"), N_("days")),
    "review_overdue": (N_("Periodic review overdue"), N_("days")),
    "insurer_cut": (N_("Insurer cut or withdrew cover"), N_("% of cover")),
    "slowing_payments": (N_("Payments slowing (days beyond terms)"), N_("days")),
    "concentration": (N_("Single-name concentration"), N_("% of exposure")),
}
# the suggested actions of the shipped policy file (a company's own actions show as written)
SHIPPED_ACTIONS = (
    N_("Hold orders beyond the limit; review the limit"),
    N_("Intensify collection; hold new orders"),
    N_("Intensify collection; require a guarantee"),
    N_("Reduce the limit; shorten payment terms"),
    N_("Reduce the limit or require a guarantee; stop credit in default"),
    N_("Review the customer now; stop credit on an insolvency filing"),
    N_("Request current accounts; reduce the limit"),
    N_("Renew or withdraw the limit"),
    N_("Schedule the credit review"),
    N_("Reduce the limit to the insured amount; require a guarantee"),
    N_("Call the customer; shorten payment terms"),
    N_("Cap the limit; seek credit insurance or a guarantee"),
)
# the event types of the data contract (analytics.data.contract.EVENT_TYPES) in words
EVENT_TYPE_LABELS: dict[str, str] = {
    "litigation": N_("litigation"), "management_change": N_("management change"),
    "insolvency_filing": N_("insolvency filing"), "tax_penalty": N_("tax penalty"),
    "late_filing": N_("late filing"), "other": N_("other event"),
}


def severity_label(severity: str | None) -> str:
    """A severity in the current language ('high' -> '高'); a missing one reads '—'."""
    return "—" if severity is None else _(SEVERITY_LABELS.get(severity, severity))


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
        """The rule's name in the current language."""
        return _(RULES[self.key][0])

    @property
    def unit(self) -> str:
        """The unit of the observed value in the current language ('%', 'days' ...)."""
        return _(RULES[self.key][1])

    @property
    def action_text(self) -> str:
        """The suggested action in the current language (a company's own action as written)."""
        return _(self.action)

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

Text = Callable[..., str]  # the observed value in words, from the values of the text's columns


_WORDED: dict[tuple[object, ...], str] = {}  # (language, text's name, values) -> the words
_WORDED_MAX = 200_000


def _texts(frame: pl.DataFrame, name: str, text: Text, columns: list[str]) -> pl.Series:
    """text(*values) for every row of `frame`, in the current language (analytics.formats).
    Each (language, name, values) is worded once per process: days, percents, grades and
    dates repeat a lot, so a slider move words only what it has not shown before."""
    lang = current()
    if len(_WORDED) > _WORDED_MAX:
        _WORDED.clear()
    out = []
    for row in frame.select(columns).iter_rows():
        key = (lang, name, row)
        words = _WORDED.get(key)
        if words is None:
            words = _WORDED[key] = text(*row)
        out.append(words)
    return pl.Series("observed_text", out, dtype=pl.String)


def _obs(frame: pl.DataFrame, rule: str, observed: pl.Expr, text: Text, args: list[pl.Expr], since: pl.Expr,
         entry: float | None = None, name: str | None = None) -> pl.DataFrame:
    """One rule's observations, the observed value worded by text(*args) (`name`, default the
    rule's key, tells its words apart in the cache: the same name must word the same values
    the same way); with `entry`, only those at or above it (the rest cannot hit, and a slider
    move should not word 100k texts it will throw away)."""
    value = observed.cast(pl.Float64)
    kept = frame.filter(value >= entry) if entry is not None else frame.filter(value.is_not_null())
    columns = [f"_text_{i}" for i in range(len(args))]
    out = kept.select(pl.col("customer_id"), pl.lit(rule, dtype=pl.String).alias("rule"), value.alias("observed"),
                      since.cast(pl.Date).alias("since"), *[a.alias(c) for a, c in zip(args, columns)])
    return out.with_columns(_texts(out, name or rule, text, columns).alias("observed_text")).select(list(OBS_SCHEMA))


def _full(value: float | None) -> str:
    """An amount in full with thousands separators (the observed texts carry no currency)."""
    return fmt_amount(value, compact=False)


def _ratio(value: float) -> str:
    """A policy ratio as written: 1 -> '1', 0.8 -> '0.8', 1.25 -> '1.25'."""
    decimals = next((d for d in range(4) if round(value, d) == value), 4)
    return fmt_number(value, decimals)


def _utilization_text(group: bool | None, utilization: float | None, limit: float | None,
                      exposure: float | None) -> str:
    shown = fmt_pct(utilization, 0)
    if not group:
        return shown
    return _("{utilization} of group limit {limit} (group exposure {exposure})").format(
        utilization=shown, limit=_full(limit), exposure=_full(exposure))


def _downgrade_text(before: str | None, after: str | None, notches: int) -> str:
    return ngettext("{before} → {after} ({n} notch)", "{before} → {after} ({n} notches)", notches).format(
        before=before or "—", after=after or "—", n=fmt_int(notches))


def _review_text(status: str, due: date | None) -> str:
    return _("never reviewed") if status == "never reviewed" else _("due {date}").format(date=fmt_date(due))


def _slowing_text(before: int | None, after: int | None) -> str:
    return ngettext("{before} → {after} day beyond terms", "{before} → {after} days beyond terms",
                    after or 0).format(before=fmt_int(before), after=fmt_int(after))


def observe(customers: pl.DataFrame, events: pl.DataFrame, reviews: pl.DataFrame, rules: tuple[Rule, ...],
            as_of: date, scale: tuple[str, ...]) -> pl.DataFrame:
    """Every customer's observed value per enabled rule (long), with since-when where the
    signal itself dates it, and the value in words in the current language (observed_text).
    customers: monitoring_customers.sql (max_days_past_due as the policy's dispute rule reads
    it, exposure_share_pct; see views_monitoring); events: monitoring_events.sql; reviews:
    reviews.schedule().

    Utilization is a credit line's: observed on the line's holder (the customer, or the
    parent of a group line, with the whole group's exposure), once per line."""
    on = {r.key: r for r in rules if r.enabled}
    day = pl.lit(as_of)
    parts: list[pl.DataFrame] = []
    c = with_line_defaults(customers)
    if "utilization" in on:
        group = pl.col("line_scope") == "group"
        parts.append(_obs(c.filter(pl.col("is_line_holder")), "utilization", pl.col("utilization_pct"),
                          _utilization_text, [group, pl.col("utilization_pct").round(0),
                                              pl.when(group).then(pl.col("limit_amt").round(0)),
                                              pl.when(group).then(pl.col("line_exposure_amt").round(0))],
                          pl.lit(None), on["utilization"].entry))
    if "days_past_due" in on:
        entry = int(on["days_past_due"].entry)
        dpd = pl.col("max_days_past_due")
        parts.append(_obs(c, "days_past_due", dpd, fmt_days, [dpd],
                          day - pl.duration(days=dpd - entry), max(entry, 1)))
    if "overdue_amount" in on:
        parts.append(_obs(c.filter(pl.col("overdue_amt") > 0), "overdue_amount", pl.col("overdue_amt"),
                          _full, [pl.col("overdue_amt").round(0)], pl.lit(None), on["overdue_amount"].entry))
    if "downgrade" in on:
        notches = pl.col("grade_rank") - pl.col("best_rank_in_window")
        best = pl.col("best_rank_in_window").sub(1).replace_strict(dict(enumerate(scale)), default=None,
                                                                   return_dtype=pl.String)
        parts.append(_obs(c.filter(notches > 0), "downgrade", notches, _downgrade_text,
                          [best, pl.col("grade"), notches], pl.col("rated_on"), on["downgrade"].entry))
    if "grade_floor" in on:
        parts.append(_obs(c, "grade_floor", pl.col("grade_rank") - 1, lambda grade: grade or "—", [pl.col("grade")],
                          pl.lit(None), on["grade_floor"].entry))
    if "adverse_events" in on:
        parts.append(_event_obs(events, on["adverse_events"]))
    if "financials" in on:
        parts.append(_financial_obs(c, on["financials"]))
    if "limit_expired" in on:
        expired = c.filter(pl.col("is_limit_expired"))
        days = (day - pl.col("limit_expires_on")).dt.total_days()
        parts.append(_obs(expired, "limit_expired", days,
                          lambda on_day: _("expired {date}").format(date=fmt_date(on_day)),
                          [pl.col("limit_expires_on")],
                          pl.col("limit_expires_on") + pl.duration(days=1), on["limit_expired"].entry))
    if "review_overdue" in on:
        late = reviews.filter(pl.col("status").is_in(["never reviewed", "overdue"]))
        parts.append(_obs(late, "review_overdue",
                          pl.when(pl.col("status") == "never reviewed").then(NEVER_REVIEWED_DAYS)
                          .otherwise(pl.col("days_overdue")),
                          _review_text, [pl.col("status"), pl.col("next_due_on")], pl.col("next_due_on")))
    if "insurer_cut" in on:
        before, now = pl.col("insured_before_amt"), pl.col("insured_now_amt")
        cut = c.filter((before > 0) & (now < before) & (pl.col("gross_exposure_amt") > 0))
        parts.append(_obs(cut, "insurer_cut", (before - now) / before * 100,
                          lambda was, is_: _("cover {before} → {after}").format(before=_full(was), after=_full(is_)),
                          [before.round(0), now.round(0)], pl.col("cover_changed_on")))
    if "slowing_payments" in on:
        rise = pl.col("recent_days_beyond_terms") - pl.col("prior_days_beyond_terms")
        start = as_of.replace(day=1)
        for _month in range(2):
            start = (start - timedelta(days=1)).replace(day=1)
        parts.append(_obs(c, "slowing_payments", rise, _slowing_text,
                          [pl.col("prior_days_beyond_terms").round(0).cast(pl.Int64),
                           pl.col("recent_days_beyond_terms").round(0).cast(pl.Int64)],
                          pl.lit(start), max(on["slowing_payments"].entry, 1e-9)))
    if "concentration" in on:
        parts.append(_obs(c, "concentration", pl.col("exposure_share_pct"), lambda share: fmt_pct(share, 2),
                          [pl.col("exposure_share_pct").round(2)], pl.lit(None), on["concentration"].entry))
    return pl.concat(parts) if parts else pl.DataFrame(schema=OBS_SCHEMA)


def event_label(event_type: str) -> str:
    """An event type of the data contract in words, in the current language."""
    return _(EVENT_TYPE_LABELS[event_type]) if event_type in EVENT_TYPE_LABELS else event_type.replace("_", " ")


def _event_obs(events: pl.DataFrame, rule: Rule) -> pl.DataFrame:
    type_sev = dict(rule.param("type_severity"))  # type: ignore[arg-type]
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    ev = events.with_columns(pl.max_horizontal(
        pl.col("severity").replace_strict(rank, default=0, return_dtype=pl.Int64),
        pl.col("event_type").replace_strict({k: rank[v] for k, v in type_sev.items()}, default=0,
                                            return_dtype=pl.Int64)).alias("sev")).filter(pl.col("sev") >= rule.entry)
    if ev.height == 0:
        return pl.DataFrame(schema=OBS_SCHEMA)
    ev = ev.with_columns(_texts(ev, "event", lambda on_day, kind: f"{fmt_date(on_day)} {event_label(kind)}",
                                ["event_date", "event_type"]).alias("what"))
    grouped = ev.sort("event_date").group_by("customer_id").agg(
        pl.col("sev").max().alias("worst"), pl.col("event_date").min().alias("first_on"), pl.col("what"))
    return grouped.select(pl.col("customer_id"), pl.lit("adverse_events", dtype=pl.String).alias("rule"),
                          pl.col("worst").cast(pl.Float64).alias("observed"),
                          pl.col("what").list.join("; ").alias("observed_text"),
                          pl.col("first_on").cast(pl.Date).alias("since"))


def _financial_obs(c: pl.DataFrame, rule: Rule) -> pl.DataFrame:
    cr, dr = float(rule.param("current_ratio_below")), float(rule.param("debt_ratio_above"))  # type: ignore[arg-type]
    flags = [
        (pl.col("current_ratio") < cr, lambda: _("current ratio < {ratio}").format(ratio=_ratio(cr))),
        (pl.col("debt_ratio") > dr, lambda: _("debt ratio > {ratio}").format(ratio=_ratio(dr))),
        (pl.col("equity") < 0, lambda: _("negative equity")),
        ((pl.col("net_income") < 0) & (pl.col("prior_net_income") < 0), lambda: _("two loss years")),
    ]
    with_flags = c.filter(pl.col("statements_period_end").is_not_null()).with_columns(
        [cond.fill_null(False).alias(f"_f{i}") for i, (cond, _word) in enumerate(flags)])
    count = pl.sum_horizontal([pl.col(f"_f{i}").cast(pl.Int64) for i in range(len(flags))])

    def text(*values: object) -> str:
        *met, period_end = values
        signs = format_list([word() for (_cond, word), on in zip(flags, met) if on], locale=babel_locale())
        return _("{signs} (accounts to {date})").format(
            signs=signs, date=fmt_date(period_end))  # type: ignore[arg-type]

    return _obs(with_flags.filter(count > 0), "financials", count, text,
                [*[pl.col(f"_f{i}") for i in range(len(flags))], pl.col("statements_period_end")],
                pl.col("statements_period_end"), name=f"financials:{cr!r}:{dr!r}")


# ----------------------------------------------------------------------------- hits

HIT_SCHEMA = {**OBS_SCHEMA, "severity": pl.String, "threshold": pl.Float64}


def evaluate(obs: pl.DataFrame, rules: tuple[Rule, ...]) -> pl.DataFrame:
    """The hits: each observation at or above a rule's threshold, at the worst level it meets,
    with the threshold met, the rule's label and suggested action (in the current language;
    rule and severity stay machine values)."""
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
                         "action": [r.action_text for r in on]})
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
