"""The credit policy: read one TOML file, validate it, expose it typed.

Defaults live in analytics/policy/credit_policy.toml; CREDIT_POLICY names another file.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analytics.risk.aging import bucket_labels
from analytics.policy.levers import Levers, LeverError, from_policy_doc, parse_approval_levels
from analytics.risk.reviews import ReviewPolicy
from analytics.risk.rating_models import RatingSettings, parse_rating_settings
from analytics.risk.scorecard import CHARACTERISTICS, ExpertScorecard, parse_expert
from analytics.risk.watchlist import Rule, parse_points, parse_rules
from analytics.risk.authority import AuthorityError, AuthorityMatrix, parse_authority
from analytics.risk.committee import CommitteeError, CommitteeSettings, parse_committee
from analytics.policy.access import AccessError, AccessPolicy, parse_access
from analytics.i18n import _

DEFAULT_POLICY_PATH = Path(__file__).with_name("credit_policy.toml")


class PolicyError(ValueError):
    """The policy file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Policy:
    """Validated credit policy. Percent values carry `_pct` and are in percent."""

    source: Path
    reporting_currency: str
    lgd_pct: float
    min_date: date
    max_years_ahead: int
    bucket_upper_dpd: tuple[int, ...]
    scale: tuple[str, ...]
    pd_pct: dict[str, float]
    grade_map: dict[str, str]
    unrated_grade: str
    nr_after_months: int
    average_years: int
    utilization_bands_pct: tuple[float, ...]
    top_n: int
    kpi_period_months: int
    provision_bucket_upper_dpd: tuple[int, ...]
    roll_window_months: int
    overlay_factor: float
    dunning_stages: tuple[tuple[str, int], ...]  # (name, from_dpd), increasing
    priority_weights: dict[str, float]  # amount, dpd, pd
    reviews: ReviewPolicy
    watch_rules: tuple[Rule, ...]
    severity_points: dict[str, float]
    disputed_in_dpd: bool  # [ledger] disputed_items_in_days_past_due
    suspect_gap_days: int
    suspect_max_documents: int
    future_error_days: int
    fx_missing_rate: str  # "error" | "earliest"
    max_abs_amount: float  # [load]: the largest amount accepted, in the document's currency
    max_field_chars: int  # [load]: the longest text field read
    max_columns: int  # [load]: the most columns a source file may have
    levers: Levers  # the what-if levers of [limits] and [stress]
    approval_levels: tuple[tuple[str, float | None], ...]  # (name, up to amount; None = any)
    expert_scorecard: ExpertScorecard  # [scoring]: the expert scorecard and its score bands
    application_scorecard: ExpertScorecard  # [scoring.application]: new customers' scorecard
    rating: RatingSettings  # [scoring.rating], [scoring.default], [scoring.training]
    access: AccessPolicy  # [access]: what each role may see and do
    authority: AuthorityMatrix  # [decisions] over [limits] approval_levels
    picture_valid_days: int  # [decisions]: an application's picture older than this is stale
    temporary_max_days: int  # [decisions]: the longest a temporary limit runs
    committee: CommitteeSettings  # [committee]

    @property
    def default_grade(self) -> str:
        return self.scale[-1]

    def bucket_labels(self) -> list[str]:
        """Labels of the aging buckets, e.g. 'not due', '1-30', ..., '> 365'."""
        return bucket_labels(self.bucket_upper_dpd)

    def max_date(self, today: date | None = None) -> date:
        today = today or date.today()
        return date(today.year + self.max_years_ahead, 12, 31)


def _get(doc: dict, section: str, key: str, kind: type | tuple[type, ...]) -> object:
    if section not in doc or not isinstance(doc[section], dict):
        raise PolicyError(_("policy: section [{section}] is missing").format(section=section))
    if key not in doc[section]:
        raise PolicyError(_("policy: [{section}] {key} is missing").format(section=section, key=key))
    value = doc[section][key]
    if not isinstance(value, kind) or isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise PolicyError(_("policy: [{section}] {key} = {value} has the wrong type").format(
            section=section, key=key, value=repr(value)))
    return value


def _bounds(doc: dict, section: str) -> list[int]:  # type: ignore[type-arg]
    """A validated bucket_upper_dpd list of one section."""
    buckets = _get(doc, section, "bucket_upper_dpd", list)
    if not buckets or not all(isinstance(b, int) and not isinstance(b, bool) for b in buckets):  # type: ignore[union-attr]
        raise PolicyError(_("policy: [{section}] bucket_upper_dpd must be a non-empty list of whole days").format(
            section=section))
    if list(buckets) != sorted(set(buckets)) or buckets[0] < 0:  # type: ignore[index, arg-type]
        raise PolicyError(_("policy: [{section}] bucket_upper_dpd {buckets} must be strictly increasing and >= 0")
                          .format(section=section, buckets=buckets))
    return list(buckets)  # type: ignore[arg-type]


def parse_policy(text: str, source: Path = DEFAULT_POLICY_PATH) -> Policy:
    """Parse and validate policy TOML text; raises PolicyError with a clear message."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(_("policy {source}: not valid TOML ({reason})").format(source=source, reason=exc)) from exc

    currency = str(_get(doc, "general", "reporting_currency", str)).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise PolicyError(_("policy: reporting_currency {currency} is not a 3-letter ISO code").format(
            currency=repr(currency)))
    lgd = float(_get(doc, "general", "lgd_pct", (int, float)))  # type: ignore[arg-type]
    if not 0 <= lgd <= 100:
        raise PolicyError(_("policy: lgd_pct {value} must be between 0 and 100").format(value=lgd))
    try:
        min_d = date.fromisoformat(str(_get(doc, "general", "min_date", str)))
    except ValueError as exc:
        raise PolicyError(_("policy: min_date is not an ISO date ({reason})").format(reason=exc)) from exc
    years_ahead = int(_get(doc, "general", "max_years_ahead", int))  # type: ignore[arg-type]

    disputed_in_dpd = bool(_get(doc, "ledger", "disputed_items_in_days_past_due", bool))
    gap = int(_get(doc, "dates", "suspect_gap_days", int))  # type: ignore[arg-type]
    few = int(_get(doc, "dates", "suspect_max_documents", int))  # type: ignore[arg-type]
    ahead = int(_get(doc, "dates", "future_error_days", int))  # type: ignore[arg-type]
    if not (1 <= gap <= 3660 and 0 <= few <= 1000 and 0 <= ahead <= 3660):
        raise PolicyError(_("policy: [dates] suspect_gap_days must be 1-3660, suspect_max_documents 0-1000 and "
                            "future_error_days 0-3660"))
    fx_missing = str(_get(doc, "fx", "missing_rate", str))
    if fx_missing not in ("error", "earliest"):
        raise PolicyError(_("policy: [fx] missing_rate {value} must be \"error\" or \"earliest\"").format(
            value=repr(fx_missing)))

    max_amount = float(_get(doc, "load", "max_abs_amount", (int, float)))  # type: ignore[arg-type]
    max_field = int(_get(doc, "load", "max_field_chars", int))  # type: ignore[arg-type]
    max_columns = int(_get(doc, "load", "max_columns", int))  # type: ignore[arg-type]
    if not (math.isfinite(max_amount) and 1 <= max_amount <= 1e18 and 100 <= max_field <= 10_000_000
            and 10 <= max_columns <= 100_000):
        raise PolicyError(_("policy: [load] max_abs_amount must be 1-1e18, max_field_chars 100-10,000,000 and "
                            "max_columns 10-100,000"))

    buckets = _bounds(doc, "aging")
    provision_buckets = _bounds(doc, "provisions")

    scale = _get(doc, "ratings", "scale", list)
    if len(scale) < 2 or len(set(scale)) != len(scale):  # type: ignore[arg-type]
        raise PolicyError(_("policy: [ratings] scale needs at least two distinct grades"))
    pd_table = _get(doc, "ratings", "pd_pct", dict)
    missing = [g for g in scale if g not in pd_table]  # type: ignore[union-attr]
    if missing:
        raise PolicyError(_("policy: [ratings] pd_pct has no PD for {grades}").format(grades=", ".join(missing)))
    pds = {g: float(pd_table[g]) for g in scale}  # type: ignore[index]
    if any(not 0 < p <= 100 for p in pds.values()):
        raise PolicyError(_("policy: [ratings] pd_pct values must be in (0, 100]"))
    if [pds[g] for g in scale] != sorted(pds[g] for g in scale):  # type: ignore[union-attr]
        raise PolicyError(_("policy: [ratings] pd_pct must not fall from a better to a worse grade"))
    grade_map = {str(k): str(v) for k, v in doc["ratings"].get("grade_map", {}).items()}
    bad_targets = sorted({v for v in grade_map.values() if v not in scale})  # type: ignore[operator]
    if bad_targets:
        raise PolicyError(_("policy: [ratings.grade_map] maps to grades not on the scale: {grades}").format(
            grades=bad_targets))

    unrated = str(_get(doc, "ratings", "unrated_grade", str))
    if unrated not in scale:  # type: ignore[operator]
        raise PolicyError(_("policy: [ratings] unrated_grade {grade} is not on the scale").format(grade=repr(unrated)))

    nr_after = int(_get(doc, "ratings", "nr_after_months", int))  # type: ignore[arg-type]
    if not 1 <= nr_after <= 120:
        raise PolicyError(_("policy: [ratings] nr_after_months must be between 1 and 120"))
    average_years = int(_get(doc, "ratings", "average_years", int))  # type: ignore[arg-type]
    if not 1 <= average_years <= 20:
        raise PolicyError(_("policy: [ratings] average_years must be between 1 and 20"))

    bands = _get(doc, "exposure", "utilization_bands_pct", list)
    if not bands or list(bands) != sorted(set(bands)):  # type: ignore[arg-type]
        raise PolicyError(_("policy: [exposure] utilization_bands_pct must be increasing"))
    top_n = int(_get(doc, "exposure", "top_n", int))  # type: ignore[arg-type]
    if not 1 <= top_n <= 100:
        raise PolicyError(_("policy: [exposure] top_n must be between 1 and 100"))

    period = int(_get(doc, "kpis", "period_months", int))  # type: ignore[arg-type]
    if not 1 <= period <= 12:
        raise PolicyError(_("policy: [kpis] period_months must be between 1 and 12"))
    window = int(_get(doc, "provisions", "roll_window_months", int))  # type: ignore[arg-type]
    if not 1 <= window <= 60:
        raise PolicyError(_("policy: [provisions] roll_window_months must be between 1 and 60"))
    overlay = float(_get(doc, "provisions", "overlay_factor", (int, float)))  # type: ignore[arg-type]
    if not 0 < overlay <= 5:
        raise PolicyError(_("policy: [provisions] overlay_factor must be in (0, 5]"))
    raw_stages = _get(doc, "collections", "stages", list)
    stages: list[tuple[str, int]] = []
    for item in raw_stages:  # type: ignore[union-attr]
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not isinstance(
                item.get("from_dpd"), int) or isinstance(item.get("from_dpd"), bool):
            raise PolicyError(_("policy: [collections] stages must be {{ name = \"...\", from_dpd = N }} entries").format())
        stages.append((item["name"], item["from_dpd"]))
    if not stages or [d for _, d in stages] != sorted({d for _, d in stages}) or stages[0][1] < 1:
        raise PolicyError(_("policy: [collections] stages need strictly increasing from_dpd values >= 1"))
    weights = _get(doc, "collections", "priority_weights", dict)
    if set(weights) != {"amount", "dpd", "pd"} or not all(  # type: ignore[arg-type]
            isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in weights.values()):  # type: ignore[union-attr]
        raise PolicyError(_("policy: [collections] priority_weights needs amount, dpd and pd weights >= 0"))
    if abs(sum(weights.values()) - 1.0) > 1e-9:  # type: ignore[union-attr]
        raise PolicyError(_("policy: [collections] priority_weights must add up to 1"))

    months_by_segment = _get(doc, "reviews", "months_by_segment", dict)
    if not all(isinstance(v, int) and 1 <= v <= 60 for v in months_by_segment.values()):  # type: ignore[union-attr]
        raise PolicyError(_("policy: [reviews] months_by_segment values must be whole months 1-60"))
    default_months = int(_get(doc, "reviews", "default_months", int))  # type: ignore[arg-type]
    high_risk_months = int(_get(doc, "reviews", "high_risk_months", int))  # type: ignore[arg-type]
    if not (1 <= default_months <= 60 and 1 <= high_risk_months <= 60):
        raise PolicyError(_("policy: [reviews] default_months and high_risk_months must be 1-60"))
    new_customer_months = int(_get(doc, "reviews", "new_customer_review_months", int))  # type: ignore[arg-type]
    if not 1 <= new_customer_months <= 60:
        raise PolicyError(_("policy: [reviews] new_customer_review_months must be 1-60"))
    high_risk_grade = str(_get(doc, "reviews", "high_risk_grade", str))
    if high_risk_grade not in scale:  # type: ignore[operator]
        raise PolicyError(_("policy: [reviews] high_risk_grade {grade} is not on the scale").format(
            grade=repr(high_risk_grade)))
    watch = doc.get("watchlist")
    if not isinstance(watch, dict) or not isinstance(watch.get("rules"), dict):
        raise PolicyError(_("policy: section [watchlist] with its [watchlist.rules.*] tables is missing"))
    try:
        rules = parse_rules(watch["rules"], tuple(scale))  # type: ignore[arg-type]
        points = parse_points(watch.get("severity_points", {}))
    except ValueError as exc:
        raise PolicyError(_("policy: {reason}").format(reason=exc)) from exc
    try:
        levers = from_policy_doc(doc, tuple(scale), lgd)  # type: ignore[arg-type]
        approvals = parse_approval_levels(doc["limits"].get("approval_levels"))
    except LeverError as exc:
        raise PolicyError(_("policy: {reason}").format(reason=exc)) from exc

    scoring = doc.get("scoring")
    if not isinstance(scoring, dict):
        raise PolicyError(_("policy: section [scoring] is missing"))
    try:
        expert = parse_expert(scoring.get("expert", {}), scoring.get("grade_lower_scores", {}),
                              tuple(scale), pds, set(CHARACTERISTICS))  # type: ignore[arg-type]
        application = parse_expert(scoring.get("application", {}), scoring.get("grade_lower_scores", {}),
                                   tuple(scale), pds, set(CHARACTERISTICS), "scoring.application")  # type: ignore[arg-type]
        rating = parse_rating_settings(scoring)
    except ValueError as exc:
        raise PolicyError(_("policy: {reason}").format(reason=exc)) from exc

    try:
        access = parse_access(doc.get("access"))
        decisions = doc.get("decisions")
        if not isinstance(decisions, dict):
            raise AuthorityError(_("section [decisions] is missing"))
        authority = parse_authority(decisions, approvals, tuple(scale), set(access.roles))  # type: ignore[arg-type]
        committee = parse_committee(doc.get("committee"))
    except (AccessError, AuthorityError, CommitteeError) as exc:
        raise PolicyError(_("policy: {reason}").format(reason=exc)) from exc
    valid_days = decisions.get("picture_valid_days")
    max_temporary = decisions.get("temporary_max_days")
    if not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 3660 for v in (valid_days, max_temporary)):
        raise PolicyError(_("policy: [decisions] picture_valid_days and temporary_max_days must be whole days 1-3660"))

    return Policy(
        source=source,
        reporting_currency=currency,
        lgd_pct=lgd,
        min_date=min_d,
        max_years_ahead=years_ahead,
        bucket_upper_dpd=tuple(buckets),  # type: ignore[arg-type]
        scale=tuple(scale),  # type: ignore[arg-type]
        pd_pct=pds,
        grade_map=grade_map,
        unrated_grade=unrated,
        nr_after_months=nr_after,
        average_years=average_years,
        utilization_bands_pct=tuple(float(b) for b in bands),  # type: ignore[union-attr]
        top_n=top_n,
        kpi_period_months=period,
        provision_bucket_upper_dpd=tuple(provision_buckets),
        roll_window_months=window,
        overlay_factor=overlay,
        dunning_stages=tuple(stages),
        priority_weights={k: float(v) for k, v in weights.items()},  # type: ignore[union-attr]
        reviews=ReviewPolicy({str(k): int(v) for k, v in months_by_segment.items()},  # type: ignore[union-attr]
                             default_months, high_risk_grade, high_risk_months, new_customer_months,
                             rating.application_months),
        watch_rules=rules,
        severity_points=points,
        disputed_in_dpd=disputed_in_dpd,
        suspect_gap_days=gap,
        suspect_max_documents=few,
        future_error_days=ahead,
        fx_missing_rate=fx_missing,
        max_abs_amount=max_amount,
        max_field_chars=max_field,
        max_columns=max_columns,
        levers=levers,
        approval_levels=approvals,
        expert_scorecard=expert,
        application_scorecard=application,
        rating=rating,
        access=access,
        authority=authority,
        picture_valid_days=int(valid_days),  # type: ignore[arg-type]
        temporary_max_days=int(max_temporary),  # type: ignore[arg-type]
        committee=committee,
    )


def load_policy(path: str | Path | None = None) -> Policy:
    """Load the policy from `path`, $CREDIT_POLICY, or the shipped defaults."""
    chosen = Path(path or os.environ.get("CREDIT_POLICY") or DEFAULT_POLICY_PATH)
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(_("policy file {path} cannot be read: {reason}").format(path=chosen, reason=exc.strerror)) from exc
    return parse_policy(text, chosen)
