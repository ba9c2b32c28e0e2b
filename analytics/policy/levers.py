"""What-if levers: the limit policy, terms and holds, stress and the loss model, as one
hashable value. Read from the credit policy's [limits] and [stress] sections, changed by
the page's sliders, saved as scenarios, shared by URL and read from a scenario TOML:
every route goes through `from_mapping`, so one set of names and checks serves them all.

Two starting points: `today` (no change: today's limits, terms and PDs, no stress; the page
opens there and a scenario file starts there) and the policy's own levers, which
`with_limit_policy` applies ("apply the limit policy" on the page, `start = "policy"` in a
scenario file). Messages are in the interface's language (analytics.i18n); lever names in
them stay the policy file's names (what a file or a link spells)."""

from __future__ import annotations

import base64
import json
import math
import zlib
from dataclasses import dataclass, fields, replace

from analytics.formats import fmt_int, fmt_number
from analytics.i18n import N_, _

BASES = ("tangible_net_worth", "working_capital", "purchases", "current_limit")
BASE_LABELS = {"tangible_net_worth": N_("Share of tangible net worth"), "working_capital": N_("Share of working capital"),
               "purchases": N_("Monthly purchases × (terms + grace) / 30"), "current_limit": N_("Current limit")}
CAP_BASES = ("portfolio", "equity")
SCOPES = ("all", "industry", "region")
PER_GRADE = ("grade_multipliers", "floor_by_grade", "cap_by_grade", "terms_by_grade")


class LeverError(ValueError):
    """A lever value is unknown, of the wrong type or out of range."""


@dataclass(frozen=True)
class Levers:
    """One scenario's levers. Per-grade values are tuples in scale order (None = not set).
    Percent values carry `_pct`; amounts `_amt` in reporting currency; days `_days`."""

    scale: tuple[str, ...]
    # limit policy
    bases: tuple[str, ...]
    tangible_net_worth_pct: float
    working_capital_pct: float
    grace_days: int
    grade_multipliers: tuple[float, ...]
    risk_appetite: float
    floor_by_grade: tuple[float | None, ...]
    cap_by_grade: tuple[float | None, ...]
    single_name_cap_pct: float | None
    single_name_cap_basis: str
    own_equity_amt: float
    min_grade: str
    rounding_amt: float
    # terms and holds
    terms_by_grade: tuple[int | None, ...]
    hold_days_past_due: int | None
    hold_utilization_pct: float | None
    # stress
    pd_multiplier: float
    downgrade_notches: int
    downgrade_scope: str
    downgrade_value: str
    lgd_pct: float
    payment_delay_days: int
    sales_growth_pct: float
    # loss model
    asset_correlation: float | None  # None = the PD-dependent corporate correlation
    sector_correlation: float
    simulations: int
    seed: int
    individual_names: int

    def to_mapping(self) -> dict[str, object]:
        """The levers by their policy names, per-grade values as {grade: value}, unset levers left out."""
        out: dict[str, object] = {}
        for f in fields(self):
            if f.name == "scale":
                continue
            value = getattr(self, f.name)
            if f.name in PER_GRADE:  # every grade, unset ones as None (so a cleared value stays cleared)
                value = {g: v for g, v in zip(self.scale, value)}
            elif f.name == "bases":
                value = list(value)
            if value is not None:
                out[f.name] = value
        return out

    def diff(self, base: Levers) -> dict[str, object]:
        """Only the levers that differ from `base` (what a URL or a saved scenario keeps)."""
        mine, theirs = self.to_mapping(), base.to_mapping()
        out = {k: v for k, v in mine.items() if theirs.get(k) != v}
        out.update({k: None for k in theirs if k not in mine})
        return out

    def token(self, base: Levers) -> str:
        """A short URL-safe text holding the levers that differ from `base`."""
        raw = json.dumps(self.diff(base), separators=(",", ":"), sort_keys=True).encode()
        return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")

    def multiplier(self, grade_idx: int) -> float:
        return self.grade_multipliers[grade_idx] * self.risk_appetite


MAX_TOKEN = 4_000  # characters of a link's scenario (every lever changed takes about 600)
MAX_TOKEN_BYTES = 20_000  # its JSON once unpacked


def from_token(token: str, base: Levers) -> Levers:
    """The levers a `token` describes, on top of `base`; LeverError when it is not one (or
    longer than MAX_TOKEN characters, or more than MAX_TOKEN_BYTES once unpacked)."""
    if len(token) > MAX_TOKEN:
        raise LeverError(_("the scenario in the link is longer than {n} characters, more than any set of levers "
                           "needs").format(n=fmt_int(MAX_TOKEN)))
    try:
        unpack = zlib.decompressobj()
        raw = unpack.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), MAX_TOKEN_BYTES)
        if unpack.unconsumed_tail:
            raise ValueError("too large")
        data = json.loads(raw)
    except (ValueError, zlib.error, RecursionError) as exc:
        raise LeverError(_("the scenario in the link is damaged or incomplete")) from exc
    if not isinstance(data, dict):
        raise LeverError(_("the scenario in the link is not a set of levers"))
    return from_mapping(data, base, _("link"))


def neutral(scale: tuple[str, ...], lgd_pct: float, hold_days_past_due: int | None = None,
            hold_utilization_pct: float | None = None, **model: object) -> Levers:
    """Levers that change nothing: current limits, terms, PDs and exposure. With the policy's
    hold rule and model settings it is the base every scenario is compared with."""
    n = len(scale)
    values: dict[str, object] = dict(
        scale=scale, bases=("current_limit",), tangible_net_worth_pct=10.0, working_capital_pct=20.0,
        grace_days=0, grade_multipliers=(1.0,) * n, risk_appetite=1.0, floor_by_grade=(None,) * n,
        cap_by_grade=(None,) * n, single_name_cap_pct=None, single_name_cap_basis="portfolio",
        own_equity_amt=0.0, min_grade=scale[-1], rounding_amt=0.0, terms_by_grade=(None,) * n,
        hold_days_past_due=hold_days_past_due, hold_utilization_pct=hold_utilization_pct, pd_multiplier=1.0,
        downgrade_notches=0, downgrade_scope="all", downgrade_value="", lgd_pct=lgd_pct, payment_delay_days=0,
        sales_growth_pct=0.0, asset_correlation=None, sector_correlation=1.0, simulations=20_000, seed=1,
        individual_names=2_000)
    values.update(model)
    return Levers(**values)  # type: ignore[arg-type]


def today(policy: Levers) -> Levers:
    """No change: today's limits, terms and PDs, no stress, under the policy's LGD, hold rule
    and loss model. Its base (`base_of`) is itself, so every figure equals the base's."""
    return base_of(policy, policy)


# The levers of the policy's [limits] section: what "apply the limit policy" sets (the stress
# and the loss model stay as they are).
LIMIT_LEVERS = ("bases", "tangible_net_worth_pct", "working_capital_pct", "grace_days", "grade_multipliers",
                "risk_appetite", "floor_by_grade", "cap_by_grade", "single_name_cap_pct", "single_name_cap_basis",
                "own_equity_amt", "min_grade", "rounding_amt", "terms_by_grade", "hold_days_past_due",
                "hold_utilization_pct")


def with_limit_policy(levers: Levers, policy: Levers) -> Levers:
    """`levers` with the policy's limit formula, terms by grade and hold rule ([limits]); from
    `today(policy)` it gives the policy's levers."""
    return replace(levers, **{name: getattr(policy, name) for name in LIMIT_LEVERS})


def base_of(levers: Levers, policy: Levers) -> Levers:
    """The comparison base: today's limits, terms and PDs under the policy's LGD and hold
    rule, measured with the scenario's loss model (so a change is the portfolio's, not the
    model's)."""
    return neutral(levers.scale, policy.lgd_pct, policy.hold_days_past_due, policy.hold_utilization_pct,
                   asset_correlation=levers.asset_correlation, sector_correlation=levers.sector_correlation,
                   simulations=levers.simulations, seed=levers.seed, individual_names=levers.individual_names,
                   own_equity_amt=policy.own_equity_amt)


# ----------------------------------------------------------------------------- parsing

ALIASES = {"lgd": "lgd_pct"}  # a scenario file may give LGD as a fraction under `lgd`


def _bound(x: float) -> str:
    return fmt_int(x) if float(x).is_integer() else fmt_number(x, 2)


def _number(key: str, value: object, low: float, high: float, where: str, integer: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not float(value).is_integer()):
        text = (_("{where}: {key} = {value} must be a whole number") if integer
                else _("{where}: {key} = {value} must be a number"))
        raise LeverError(text.format(where=where, key=key, value=repr(value)))
    if not (low <= float(value) <= high) or math.isnan(float(value)):
        raise LeverError(_("{where}: {key} = {value} must be between {low} and {high}").format(
            where=where, key=key, value=repr(value), low=_bound(low), high=_bound(high)))
    return float(value)


# What one Monte Carlo may ask (a link, a saved scenario or the CLI alike): the run costs about
# simulations x names simulated one by one; the policy's default (20,000 x 2,000) is 4e7, and
# MAX_MONTE_CARLO_WORK (5x that) keeps the longest run to about a minute on a laptop core.
MAX_SIMULATIONS = 200_000
MAX_INDIVIDUAL_NAMES = 20_000
MAX_MONTE_CARLO_WORK = 200_000_000
RANGES: dict[str, tuple[float, float, bool]] = {
    "tangible_net_worth_pct": (0, 100, False), "working_capital_pct": (0, 200, False), "grace_days": (0, 180, True),
    "risk_appetite": (0, 5, False), "single_name_cap_pct": (0.01, 100, False), "own_equity_amt": (0, 1e15, False),
    "rounding_amt": (0, 1e9, False), "hold_days_past_due": (0, 3650, True), "hold_utilization_pct": (1, 1000, False),
    "pd_multiplier": (0, 100, False), "downgrade_notches": (0, 20, True), "lgd_pct": (0, 100, False),
    "payment_delay_days": (0, 365, True), "sales_growth_pct": (-90, 500, False), "asset_correlation": (0, 0.99, False),
    "sector_correlation": (0, 1, False), "simulations": (1_000, MAX_SIMULATIONS, True), "seed": (0, 2**32 - 1, True),
    "individual_names": (0, MAX_INDIVIDUAL_NAMES, True),
}
PER_GRADE_RANGES = {"grade_multipliers": (0, 20, False), "floor_by_grade": (0, 1e15, False),
                    "cap_by_grade": (0, 1e15, False), "terms_by_grade": (0, 365, True)}
NULLABLE = {"single_name_cap_pct", "hold_days_past_due", "hold_utilization_pct", "asset_correlation"}


def from_mapping(data: dict[str, object], base: Levers, where: str = "levers") -> Levers:
    """`base` with the levers in `data` applied (policy names; None clears a nullable lever)."""
    changes: dict[str, object] = {}
    known = {f.name for f in fields(Levers)} - {"scale"}
    for raw_key, value in data.items():
        key = ALIASES.get(raw_key, raw_key)
        if key not in known:
            close = [k for k in sorted(known) if k.split("_")[0] in raw_key]
            if close:
                raise LeverError(_("{where}: unknown lever {key} (did you mean {names}?)").format(
                    where=where, key=repr(raw_key), names=", ".join(close[:3])))
            raise LeverError(_("{where}: unknown lever {key}").format(where=where, key=repr(raw_key)))
        if raw_key == "lgd" and value is not None:
            value = _number("lgd", value, 0, 1, where) * 100
        changes[key] = _parse_one(key, value, base, where)
    levers = replace(base, **changes)
    if levers.single_name_cap_basis == "equity" and levers.single_name_cap_pct is not None \
            and levers.own_equity_amt <= 0:
        raise LeverError(_("{where}: a single-name cap on own equity needs own_equity_amt > 0").format(where=where))
    work = levers.simulations * max(levers.individual_names, 1)
    if work > MAX_MONTE_CARLO_WORK:
        raise LeverError(_("{where}: the Monte Carlo asks for {simulations} simulated years x {names} names "
                           "simulated one by one = {work}, more than the {most} one run may take; lower "
                           "either").format(where=where, simulations=fmt_int(levers.simulations),
                                            names=fmt_int(levers.individual_names), work=fmt_int(work),
                                            most=fmt_int(MAX_MONTE_CARLO_WORK)))
    return levers


def _none(value: object) -> bool:
    """TOML has no null: "none" stands for an unset lever or per-grade value."""
    return value is None or isinstance(value, str) and value.strip().lower() == "none"


def _parse_one(key: str, value: object, base: Levers, where: str) -> object:
    scale = base.scale
    if _none(value):
        if key in NULLABLE:
            return None
        if key in ("floor_by_grade", "cap_by_grade", "terms_by_grade"):
            return (None,) * len(scale)
        raise LeverError(_("{where}: {key} cannot be empty").format(where=where, key=key))
    if key == "bases":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or any(b not in BASES for b in items):
            raise LeverError(_("{where}: bases = {value} must list one or more of {choices}").format(
                where=where, value=repr(value), choices=", ".join(BASES)))
        return tuple(b for b in BASES if b in items)
    choices = {"single_name_cap_basis": CAP_BASES, "downgrade_scope": SCOPES}.get(key)
    if choices is not None:
        if value not in choices:
            raise LeverError(_("{where}: {key} = {value} must be one of {choices}").format(
                where=where, key=key, value=repr(value), choices=", ".join(choices)))
        return value
    if key == "downgrade_value":
        if not isinstance(value, str):
            raise LeverError(_("{where}: downgrade_value = {value} must be an industry or region name").format(
                where=where, value=repr(value)))
        return value
    if key == "min_grade":
        if value not in scale:
            raise LeverError(_("{where}: min_grade = {value} is not on the rating scale {scale}").format(
                where=where, value=repr(value), scale=", ".join(scale)))
        return value
    if key in PER_GRADE:
        if not isinstance(value, dict):
            raise LeverError(_("{where}: {key} must be a table of grade = value").format(where=where, key=key))
        unknown = [g for g in value if g not in scale]
        if unknown:
            raise LeverError(_("{where}: {key} names grades not on the scale: {grades}").format(
                where=where, key=key, grades=", ".join(map(str, unknown))))
        low, high, integer = PER_GRADE_RANGES[key]
        current = list(getattr(base, key))
        for g, v in value.items():
            i = scale.index(g)
            if _none(v) and key != "grade_multipliers":
                current[i] = None
            else:
                number = _number(f"{key}.{g}", v, low, high, where, integer)
                current[i] = int(number) if integer else number
        return tuple(current)
    if key in RANGES:
        low, high, integer = RANGES[key]
        number = _number(key, value, low, high, where, integer)
        return int(number) if integer else number
    raise LeverError(_("{where}: {key} cannot be set here").format(where=where, key=key))  # pragma: no cover - every field is handled above


def from_policy_doc(doc: dict[str, object], scale: tuple[str, ...], lgd_pct: float) -> Levers:
    """The policy's levers: [limits] and [stress] of the credit policy (both required)."""
    merged: dict[str, object] = {}
    for section in ("limits", "stress"):
        part = doc.get(section)
        if not isinstance(part, dict):
            raise LeverError(_("section [{section}] is missing").format(section=section))
        merged.update(part)
    merged.pop("approval_levels", None)
    return from_mapping(merged, neutral(scale, lgd_pct), _("policy [limits]/[stress]"))


def parse_approval_levels(raw: object) -> tuple[tuple[str, float | None], ...]:
    """[limits] approval_levels: ascending { name, up_to } entries; the last one has no up_to."""
    if not isinstance(raw, list) or not raw:
        raise LeverError(_("[limits] approval_levels must list {example} entries").format(
            example='{ name = "...", up_to = amount }'))
    out: list[tuple[str, float | None]] = []
    for i, item in enumerate(raw):
        last = i == len(raw) - 1
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise LeverError(_("[limits] approval_levels entries need a name"))
        up_to = item.get("up_to")
        if last and up_to is not None:
            raise LeverError(_("[limits] approval_levels: the last level approves any amount (leave out up_to)"))
        if not last:
            up_to = _number(f"approval_levels.{item['name']}.up_to", up_to, 0, 1e15, "[limits]")
            if out and out[-1][1] is not None and up_to <= out[-1][1]:  # type: ignore[operator]
                raise LeverError(_("[limits] approval_levels: up_to must increase from level to level"))
        out.append((item["name"], up_to))
    return tuple(out)


SCENARIO_SECTIONS = ("limits", "stress", "model", "scenario")
STARTS = ("today", "policy")  # a scenario file's `start`: no change (the default) or the policy's levers


def read_scenario_text(text: str, policy: Levers, where: str = "scenario") -> tuple[str, Levers]:
    """A scenario TOML (flat, or under [limits] / [stress] / [model] like the policy): its
    `name` (optional) and its levers on top of its `start`: "today" (the default, no change:
    today's limits, terms and PDs, no stress, as the What-if page opens) or "policy" (the
    policy's levers, as the page's "Apply the limit policy" button sets them)."""
    import tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LeverError(_("{where}: not valid TOML ({why})").format(where=where, why=exc)) from None
    flat: dict[str, object] = {}
    for key, value in doc.items():
        if key in SCENARIO_SECTIONS and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    name = flat.pop("name", "")
    if not isinstance(name, str):
        raise LeverError(_("{where}: name must be text").format(where=where))
    start = flat.pop("start", "today")
    if start not in STARTS:
        raise LeverError(_("{where}: start = {value} must be one of {choices}").format(
            where=where, value=repr(start), choices=", ".join(STARTS)))
    flat.pop("approval_levels", None)
    return name, from_mapping(flat, policy if start == "policy" else today(policy), where)


GRADE_COLUMNS = {"grade_multipliers": "multiplier", "floor_by_grade": "floor", "cap_by_grade": "cap",
                 "terms_by_grade": "terms_days"}


def grade_rows(levers: Levers) -> dict[str, list[object]]:
    """The per-grade levers as columns for a table editor (None = not set)."""
    out: dict[str, list[object]] = {"grade": list(levers.scale)}
    for field_name, column in GRADE_COLUMNS.items():
        out[column] = list(getattr(levers, field_name))
    return out


def with_grade_rows(levers: Levers, rows: object) -> Levers:
    """`levers` with the per-grade values of an edited table (a dict of columns or a frame)."""
    table = rows.to_dict("list") if hasattr(rows, "to_dict") and not isinstance(rows, dict) else rows
    if not isinstance(table, dict):
        raise LeverError(_("the per-grade table is not a table"))
    data: dict[str, object] = {}
    for field_name, column in GRADE_COLUMNS.items():
        values = list(table.get(column, []))
        if len(values) != len(levers.scale):
            raise LeverError(_("the per-grade table needs one {column} per grade").format(column=column))
        cleaned: list[object] = []
        for v in values:
            try:
                number = None if v is None or v == "" else float(v)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise LeverError(_("per-grade table: {column} {value} is not a number").format(
                    column=column, value=repr(v))) from None
            cleaned.append(None if number is None or math.isnan(number) else number)
        if field_name == "grade_multipliers":
            cleaned = [1.0 if v is None else v for v in cleaned]
        elif field_name == "terms_by_grade":
            cleaned = [None if v is None else round(float(v)) for v in cleaned]  # type: ignore[arg-type]
        data[field_name] = {g: v for g, v in zip(levers.scale, cleaned)}
    return from_mapping(data, levers, _("per-grade table"))
