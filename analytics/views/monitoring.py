"""Monitoring views shared by the pages and the CLI: rating migration, the watchlist and
the periodic review schedule. Each runs the named queries, then the pure computations
(migration, watchlist, reviews), so page and report agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import polars as pl

from analytics.formats import MISSING, fmt_date, fmt_int
from analytics.i18n import N_, _, ngettext
from analytics.risk import migration as mg
from analytics.risk import reviews
from analytics.risk import watchlist as wl
from analytics.risk.exposure import exposure_share_expr
from analytics.risk.ledger import days_past_due_expr
from analytics.policy import Policy
from analytics.views import Filters, InvalidRequest, calendar, dated
from analytics.data.warehouse import Warehouse
# what the monitoring pages name (pages import views, not risk)
from analytics.risk.migration import NR, available_years, wide, years_before  # noqa: E402,F401
from analytics.risk.reviews import STATUS_LABELS, STATUSES  # noqa: E402,F401
from analytics.risk.watchlist import SEVERITIES, SEVERITY_LABELS, Rule, severity_label  # noqa: E402,F401

MOVERS_N = 500
HIT_STATUS_LABELS: dict[str, str] = {"new": N_("new"), "persisting": N_("persisting"), "resolved": N_("resolved")}
# columns holding machine values (severities, statuses, verdicts) and the words a user reads for them
_IN_WORDS: dict[str, dict[str, str]] = {
    "severity": SEVERITY_LABELS, "severity_before": SEVERITY_LABELS, "worst_severity": SEVERITY_LABELS,
    "status": {**HIT_STATUS_LABELS, **STATUS_LABELS}, "direction": mg.DIRECTION_LABELS,
    "verdict": mg.VERDICT_LABELS,
}


def in_words(frame: pl.DataFrame) -> pl.DataFrame:
    """A monitoring table as a user reads it: severities, statuses, directions and verdicts in
    the current language (a missing one '—'), the rule's name under `rule`. For the screen and
    the page's downloads; the views and the CLI's reports keep the machine values."""
    exprs = [pl.col(c).replace({k: _(v) for k, v in words.items()}).fill_null(MISSING)
             for c, words in _IN_WORDS.items() if frame.schema.get(c) == pl.String]
    out = frame.with_columns(exprs)
    if "label" in out.columns and "rule" not in out.columns:
        out = out.rename({"label": "rule"})
    return out


@dataclass(frozen=True)
class MigrationView:
    """Everything the Rating migration page and `report migration` show."""

    start: date
    end: date
    summary: dict[str, float]
    matrix: pl.DataFrame  # long: from_grade, to_grade, count, rate, exposure_amt, exposure_rate, nr_adjusted_rate
    notches: pl.DataFrame  # notches, customers, exposure_amt
    flows: pl.DataFrame  # from_grade, to_grade, customers, exposure_amt
    movers: pl.DataFrame  # the largest moves first, with names
    average_years: int
    average_window: tuple[date, date] | None
    average: pl.DataFrame  # long, pooled counts of the yearly cohorts
    duration: pl.DataFrame  # long: from_grade, to_grade, rate, years_at_risk
    calibration: pl.DataFrame
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"matrix": self.matrix, "average_matrix": self.average, "duration_matrix": self.duration,
                "calibration": self.calibration, "movers": self.movers, "notches": self.notches,
                "flows": self.flows}


def rating_span(wh: Warehouse) -> tuple[date, date] | None:
    """First and last rating date, or None when no ratings were loaded."""
    row = wh.query("rating_range").row(0, named=True)
    return (row["first_rated_on"], row["last_rated_on"]) if row["ratings_count"] else None


def migration_view(wh: Warehouse, start: date, end: date, filters: Filters, policy: Policy,
                   average_years: int | None = None) -> MigrationView:
    """Cohort matrix from start to end, the pooled average of the yearly cohorts ending at
    end, the duration estimate over the same window, calibration, movers."""
    cal = calendar(wh)
    span = rating_span(wh)
    if span is None:
        raise InvalidRequest(_("no ratings were loaded: load a ratings file to see migration"))
    if not start < end:
        raise InvalidRequest(_("the start date {start} must be before the end date {end}").format(
            start=fmt_date(start), end=fmt_date(end)))
    if end > cal.extracted_on and not cal.is_snapshot(end):
        raise InvalidRequest(_("the end date {end} is after the extraction date {extracted} (the data was taken "
                               "then): choose a date up to it, or the month-end {last}").format(
            end=fmt_date(end), extracted=fmt_date(cal.extracted_on), last=fmt_date(cal.last)))
    if start < span[0]:
        raise InvalidRequest(_("the start date {start} is before the first rating ({first})").format(
            start=fmt_date(start), first=fmt_date(span[0])))
    years = policy.average_years if average_years is None else average_years
    if not 1 <= years <= 20:
        raise InvalidRequest(_("the averaging window must be 1 to 20 years, not {years}").format(years=years))
    notes: list[str] = []
    params = dict(default_grade=policy.default_grade, nr_after_months=policy.nr_after_months, **filters.params())
    cohort = wh.query("rating_cohorts", starts=[start], ends=[end], **params)

    starts, ends = mg.yearly_starts(end, years)
    usable = [(s, e) for s, e in zip(starts, ends) if s >= span[0]]
    if len(usable) < years:
        notes.append(ngettext("The ratings start on {date}: the average uses {n} yearly cohort, not {years}.",
                              "The ratings start on {date}: the average uses {n} yearly cohorts, not {years}.",
                              len(usable)).format(date=fmt_date(span[0]), n=fmt_int(len(usable)),
                                                  years=fmt_int(years)))
    if usable:
        pooled = wh.query("rating_cohorts", starts=[s for s, _ in usable], ends=[e for _, e in usable], **params)
        window: tuple[date, date] | None = (usable[0][0], usable[-1][1])
        spells = wh.query("rating_spells", window_start=window[0], window_end=window[1], **params)
    else:
        pooled = cohort.clear()
        window = None
        spells = pl.DataFrame(schema={"from_grade": pl.String, "to_grade": pl.String,
                                      "transitions_count": pl.Int64, "years_at_risk": pl.Float64})
    if cohort.height == 0:
        notes.append(_("No customer was rated on {date} (within the last {months} months) in the chosen "
                       "filters.").format(date=fmt_date(start), months=fmt_int(policy.nr_after_months)))
    movers = mg.movers(cohort, policy.scale).head(MOVERS_N)
    labels = wh.query("customer_labels", ids=movers["customer_id"].to_list()).select("customer_id", "name")
    movers = movers.join(labels, on="customer_id", how="left").select(
        "customer_id", "name", "from_grade", "to_grade", "notches", "exposure_amt", "direction", "from_rated_on",
        "to_rated_on", "default_on")
    return MigrationView(
        start=start, end=end,
        summary=mg.summary(cohort, policy.scale),
        matrix=mg.cohort_matrix(cohort, policy.scale),
        notches=mg.notch_distribution(cohort, policy.scale),
        flows=mg.flows(cohort),
        movers=movers,
        average_years=len(usable),
        average_window=window,
        average=mg.cohort_matrix(pooled, policy.scale),
        duration=mg.duration_matrix(spells, policy.scale),
        calibration=mg.calibration(pooled, policy.scale, policy.pd_pct),
        notes=notes,
    )


# ----------------------------------------------------------------------------- reviews and watchlist

@dataclass(frozen=True)
class MonitoringInputs:
    """The signals of one date (and of the previous month-end) that the watchlist and the
    review schedule are computed from; fetched once, re-evaluated for any thresholds."""

    as_of: date
    filters: Filters
    previous: date | None
    customers: pl.DataFrame
    events: pl.DataFrame
    customers_before: pl.DataFrame | None
    events_before: pl.DataFrame | None
    history: pl.DataFrame  # month-end utilization, overdue, share (a year back)
    ratings: pl.DataFrame  # rating histories up to as_of
    schedule: pl.DataFrame  # reviews.schedule at as_of
    schedule_before: pl.DataFrame | None  # and at the previous month-end


def _lookbacks(policy: Policy) -> dict[str, int]:
    months = {r.key: r.months for r in policy.watch_rules}
    return {"downgrade_months": months["downgrade"] or 12, "cover_months": months["insurer_cut"] or 3,
            "event_months": months["adverse_events"] or 12}


def monitoring_inputs(wh: Warehouse, as_of: date, filters: Filters, policy: Policy) -> MonitoringInputs:
    """The watchlist's and review schedule's inputs at as_of and the previous month-end. The
    days past due the rules read follow the policy's dispute rule (ledger.days_past_due_expr);
    shares of exposure come from exposure_share_expr, like every page's."""
    wh = dated(wh, as_of)
    cal = calendar(wh)
    look = _lookbacks(policy)
    params = dict(scale=list(policy.scale), downgrade_months=look["downgrade_months"],
                  cover_months=look["cover_months"], **filters.params())

    def fetch(day: date) -> tuple[pl.DataFrame, pl.DataFrame]:
        customers = wh.query("monitoring_customers", as_of=day, **params).with_columns(
            days_past_due_expr(policy).alias("max_days_past_due"),
            (exposure_share_expr() * 100).alias("exposure_share_pct"))
        return (customers,
                wh.query("monitoring_events", as_of=day, event_months=look["event_months"], **filters.params()))

    customers, events = fetch(as_of)
    prev = cal.previous(as_of)
    before = fetch(prev) if prev else (None, None)
    from_date = max(cal.dates[-1], mg.years_before(as_of, 1))
    history = wh.query("monitoring_history", from_date=from_date, as_of=as_of, **filters.params()).with_columns(
        (exposure_share_expr(over="snapshot_date") * 100).alias("exposure_share_pct"))
    ratings = wh.query("monitoring_ratings", as_of=as_of, **filters.params())
    def sched(frame: pl.DataFrame, day: date) -> pl.DataFrame:
        return reviews.schedule(frame, policy.reviews, policy.scale, day)

    return MonitoringInputs(as_of, filters, prev if before[0] is not None else None, customers, events, *before,
                            history=history, ratings=ratings, schedule=sched(customers, as_of),
                            schedule_before=None if before[0] is None else sched(before[0], prev))


@dataclass(frozen=True)
class ReviewView:
    """The periodic review schedule at one date."""

    as_of: date
    schedule: pl.DataFrame
    counts: pl.DataFrame
    by_manager: pl.DataFrame

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"review_schedule": self.schedule, "status_counts": self.counts, "by_credit_manager": self.by_manager}

    def worklist(self, statuses: list[str]) -> pl.DataFrame:
        """The reviews in these statuses, in the columns a credit manager works from."""
        return self.schedule.filter(pl.col("status").is_in(statuses)).select(
            "customer_id", "name", "status", "next_due_on", "days_overdue", "gross_exposure_amt", "grade",
            "last_review_on", "frequency_months", "limit_amt", "segment", "credit_manager")


def review_view(inputs: MonitoringInputs, policy: Policy) -> ReviewView:
    sched = inputs.schedule
    names = inputs.customers.select("customer_id", "name")
    named = sched.join(names, on="customer_id", how="left").select("customer_id", "name", *sched.columns[1:])
    return ReviewView(inputs.as_of, named, reviews.status_counts(sched), reviews.by_manager(sched))


@dataclass(frozen=True)
class WatchlistView:
    """The watchlist at one date under a set of rules: hits with their status against the
    previous month-end, the customers ranked by score, the resolved entries."""

    as_of: date
    previous: date | None
    hits: pl.DataFrame  # new and persisting hits (one row per customer and rule)
    resolved: pl.DataFrame
    customers: pl.DataFrame  # one row per customer on the list, ranked
    customers_before: int
    notes: list[str] = field(default_factory=list)
    disputed_apart: pl.DataFrame | None = None  # disputed items past the days-past-due rule's first level

    @property
    def by_rule(self) -> pl.DataFrame:
        """Hits per rule and severity."""
        return (self.hits.group_by("label", "severity").agg(pl.len().cast(pl.Int64).alias("hits"))
                .sort("label", "severity"))

    @property
    def new_hits(self) -> pl.DataFrame:
        return self.hits.filter(pl.col("status") == "new")

    def at_severities(self, severities: list[str]) -> WatchlistView:
        """The watchlist seen through a severity filter: hits and resolved entries of these
        severities, and the customers with at least one such hit."""
        hits = self.hits.filter(pl.col("severity").is_in(severities))
        return replace(self, hits=hits,
                       resolved=self.resolved.filter(pl.col("severity_before").is_in(severities)),
                       customers=self.customers.join(hits.select("customer_id").unique(), on="customer_id",
                                                     how="semi"))

    def tables(self) -> dict[str, pl.DataFrame]:
        out = {"customers": self.customers, "hits": self.hits, "resolved": self.resolved, "by_rule": self.by_rule}
        if self.disputed_apart is not None:
            out["disputed_apart"] = self.disputed_apart
        return out


HIT_COLUMNS = ["customer_id", "name", "label", "severity", "observed_text", "status", "severity_before", "since",
               "action"]


def _hits(customers: pl.DataFrame, events: pl.DataFrame, schedule: pl.DataFrame, as_of: date,
          rules: tuple[wl.Rule, ...], policy: Policy) -> pl.DataFrame:
    return wl.evaluate(wl.observe(customers, events, schedule, rules, as_of, policy.scale), rules)


def watchlist_view(inputs: MonitoringInputs, policy: Policy,
                   rules: tuple[wl.Rule, ...] | None = None) -> WatchlistView:
    """Evaluate the rules (default: the policy's) now and at the previous month-end. Pure:
    a threshold slider re-runs only this, on inputs fetched once."""
    rules = policy.watch_rules if rules is None else rules
    now = _hits(inputs.customers, inputs.events, inputs.schedule, inputs.as_of, rules, policy)
    before = None
    notes = []
    if inputs.customers_before is not None and inputs.previous is not None:
        before = _hits(inputs.customers_before, inputs.events_before, inputs.schedule_before,  # type: ignore[arg-type]
                       inputs.previous, rules, policy)
    else:
        notes.append(_("No previous month-end in the data: every entry counts as new."))
    now = wl.fill_since(now, inputs.history, inputs.ratings, rules, policy.scale)
    marked = wl.compare(now, before)
    current = marked.filter(pl.col("status") != "resolved")
    resolved = marked.filter(pl.col("status") == "resolved")
    scores = wl.customer_scores(current, policy.severity_points)
    info = inputs.customers.select("customer_id", "name", "segment", "credit_manager", "grade", "gross_exposure_amt",
                                   "limit_amt")
    names = pl.concat([inputs.customers.select("customer_id", "name"),
                       *([] if inputs.customers_before is None else [inputs.customers_before.select("customer_id",
                                                                                                    "name")])]
                      ).unique("customer_id")
    new_ids = current.filter(pl.col("status") == "new").select("customer_id").unique()
    customers = (scores.join(info, on="customer_id", how="left")
                 .with_columns(pl.col("customer_id").is_in(new_ids["customer_id"].implode()).alias("has_new"))
                 .select("customer_id", "name", "score", "worst_severity", "gross_exposure_amt", "hits", "has_new",
                         "grade", "rules", "limit_amt", "segment", "credit_manager"))
    order = {s: i for i, s in enumerate(wl.SEVERITIES)}
    hit_cols = [*HIT_COLUMNS, "threshold", "rule", "observed"]
    hits = (current.join(names, on="customer_id", how="left")
            .sort([pl.col("severity").replace_strict(order, return_dtype=pl.Int64), "customer_id"],
                  descending=[True, False]).select(hit_cols))
    resolved = resolved.join(names, on="customer_id", how="left").select(hit_cols)
    n_before = 0 if before is None else before["customer_id"].n_unique()
    disputed = disputed_apart(inputs.customers, rules, policy)
    if disputed.height:
        notes.append(ngettext(
            "{n} customer has disputed items past the days-past-due rule's first level; by the policy's dispute "
            "rule they do not set days past due (dispute resolution, not dunning) and are listed apart.",
            "{n} customers have disputed items past the days-past-due rule's first level; by the policy's dispute "
            "rule they do not set days past due (dispute resolution, not dunning) and are listed apart.",
            disputed.height).format(n=fmt_int(disputed.height)))
    return WatchlistView(inputs.as_of, inputs.previous, hits, resolved, customers, n_before, notes, disputed)


def disputed_apart(customers: pl.DataFrame, rules: tuple[wl.Rule, ...], policy: Policy) -> pl.DataFrame:
    """Customers whose disputed items are past the days-past-due rule's first level while the
    rule does not count them (policy [ledger]): shown apart, with no action."""
    rule = next((r for r in rules if r.key == "days_past_due" and r.enabled), None)
    columns = ["customer_id", "name", "disputed_amt", "max_disputed_days_past_due", "max_days_past_due"]
    if rule is None or policy.disputed_in_dpd or "max_disputed_days_past_due" not in customers.columns:
        return pl.DataFrame(schema={c: customers.schema.get(c, pl.Float64) for c in columns})
    return (customers.filter((pl.col("max_disputed_days_past_due") >= rule.entry)
                             & (pl.col("max_days_past_due").fill_null(-10**9) < rule.entry))
            .select(columns).sort("disputed_amt", descending=True))


# ----------------------------------------------------------------------------- watchlist thresholds in the link

# the control of each rule's first threshold: (kind, low, high, step); kind 'slider' (a number
# in the rule's unit), 'number' (an amount), 'grade' (a grade of the scale), 'severity'
THRESHOLD_CONTROLS: dict[str, tuple[str, float, float, float]] = {
    "utilization": ("slider", 50, 200, 5), "days_past_due": ("slider", 1, 365, 1),
    "overdue_amount": ("number", 0, 1e10, 50_000), "downgrade": ("slider", 1, 6, 1),
    "grade_floor": ("grade", 0, 0, 0), "adverse_events": ("severity", 0, 0, 0),
    "financials": ("slider", 1, 4, 1), "limit_expired": ("slider", 1, 365, 1),
    "review_overdue": ("slider", 1, 365, 1), "insurer_cut": ("slider", 5, 100, 5),
    "slowing_payments": ("slider", 1, 90, 1), "concentration": ("slider", 0.1, 20.0, 0.1),
}
MAX_THRESHOLDS_CHARS = 1_000
OFF = "off"


def _machine_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def thresholds_token(rules: tuple[Rule, ...], policy_rules: tuple[Rule, ...], scale: tuple[str, ...]) -> str | None:
    """The link's form of the rules that differ from the policy's: 'utilization:150,grade_floor:CCC,
    concentration:off' (machine values: rule keys, numbers, grades, severities); None when none differ."""
    policy = {r.key: r for r in policy_rules}
    items = []
    for rule in rules:
        base = policy[rule.key]
        if rule.enabled == base.enabled and (not rule.enabled or rule.entry == base.entry):
            continue
        if not rule.enabled:
            items.append(f"{rule.key}:{OFF}")
            continue
        kind = THRESHOLD_CONTROLS[rule.key][0]
        value = (scale[int(rule.entry)] if kind == "grade" else SEVERITIES[int(rule.entry)] if kind == "severity"
                 else _machine_number(rule.entry))
        items.append(f"{rule.key}:{value}")
    return ",".join(items) or None


def _threshold(rule: Rule, text: str, scale: tuple[str, ...]) -> float | None:
    """The first threshold a link's value sets for `rule`, or None when it is not one."""
    kind, low, high, step = THRESHOLD_CONTROLS[rule.key]
    if kind == "grade":
        return float(scale.index(text)) if text in scale else None
    if kind == "severity":
        return float(SEVERITIES.index(text)) if text in SEVERITIES else None
    try:
        value = float(text)
    except ValueError:
        return None
    if not low <= value <= high or (float(step).is_integer() and not value.is_integer()):
        return None
    return value


def _expected(rule: Rule, scale: tuple[str, ...]) -> str:
    kind, low, high, step = THRESHOLD_CONTROLS[rule.key]
    if kind == "grade":
        return _("a grade of the scale: {grades}").format(grades=", ".join(f"`{g}`" for g in scale))
    if kind == "severity":
        return _("a severity: {severities}").format(severities=", ".join(f"`{s}`" for s in SEVERITIES))
    whole = float(step).is_integer()
    return (_("a whole number from {low} to {high}") if whole else _("a number from {low} to {high}")).format(
        low=_machine_number(low), high=_machine_number(high))


def rules_from_thresholds(token: str, policy_rules: tuple[Rule, ...], scale: tuple[str, ...],
                          quote: Callable[[str], str] = repr) -> tuple[tuple[Rule, ...], list[str]]:
    """The policy's rules with the link's thresholds applied ('rule:value' items, comma-separated;
    'off' switches a rule off, 'on' on at the policy's threshold), and what was wrong with the
    link (Markdown; the link's text through `quote`): an item that cannot be read is named and
    the policy's setting kept for it."""
    by_key = {r.key: r for r in policy_rules}
    problems: list[str] = []
    if len(token) > MAX_THRESHOLDS_CHARS:
        return policy_rules, [_("`thresholds`: the link's value is longer than {n} characters; the policy's "
                                "thresholds are used.").format(n=fmt_int(MAX_THRESHOLDS_CHARS))]
    for item in (part.strip() for part in token.split(",")):
        if not item:
            continue
        key, sep, text = item.partition(":")
        key, text = key.strip(), text.strip()
        if not sep:
            problems.append(_("`thresholds`: {item} is not a rule and a threshold (write `rule:value`); "
                              "ignored.").format(item=quote(item)))
            continue
        if key not in by_key:
            problems.append(_("`thresholds`: {rule} is not a watchlist rule (the rules: {rules}); ignored.").format(
                rule=quote(key), rules=", ".join(f"`{k}`" for k in by_key)))
            continue
        rule = by_key[key]
        if text == OFF:
            by_key[key] = replace(rule, enabled=False)
            continue
        if text == "on":
            by_key[key] = replace(rule, enabled=True)
            continue
        value = _threshold(rule, text, scale)
        if value is None:
            problems.append(_("`thresholds`: {value} is not a threshold of the rule “{rule}” (expected {expected}, "
                              "or `off`); the policy's threshold is used.").format(
                value=quote(text), rule=rule.label, expected=_expected(rule, scale)))
            continue
        by_key[key] = replace(rule.with_entry(value), enabled=True)
    return tuple(by_key[r.key] for r in policy_rules), problems
