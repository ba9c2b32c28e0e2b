"""What-if levers: the limit policy, terms and holds, stress and the loss model, as one
hashable value. Read from the credit policy's [limits] and [stress] sections, changed by
the page's sliders, saved as scenarios, shared by URL and read from a scenario TOML:
every route goes through `from_mapping`, so one set of names and checks serves them all."""

from __future__ import annotations

import base64
import json
import math
import zlib
from dataclasses import dataclass, fields, replace

BASES = ("tangible_net_worth", "working_capital", "purchases", "current_limit")
BASE_LABELS = {"tangible_net_worth": "Share of tangible net worth", "working_capital": "Share of working capital",
               "purchases": "Monthly purchases × (terms + grace) / 30", "current_limit": "Current limit"}
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
        raise LeverError(f"the scenario in the link is longer than {MAX_TOKEN:,} characters, more than any set of "
                         "levers needs; the policy levers are shown")
    try:
        unpack = zlib.decompressobj()
        raw = unpack.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), MAX_TOKEN_BYTES)
        if unpack.unconsumed_tail:
            raise ValueError("too large")
        data = json.loads(raw)
    except (ValueError, zlib.error, RecursionError) as exc:
        raise LeverError("the scenario in the link is damaged or incomplete; the policy levers are shown") from exc
    if not isinstance(data, dict):
        raise LeverError("the scenario in the link is not a set of levers; the policy levers are shown")
    return from_mapping(data, base, "link")


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


def _number(key: str, value: object, low: float, high: float, where: str, integer: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not float(value).is_integer()):
        kind = "a whole number" if integer else "a number"
        raise LeverError(f"{where}: {key} = {value!r} must be {kind}")
    if not (low <= float(value) <= high) or math.isnan(float(value)):
        raise LeverError(f"{where}: {key} = {value!r} must be between {low:g} and {high:g}")
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
            hint = f" (did you mean {', '.join(close[:3])}?)" if close else ""
            raise LeverError(f"{where}: unknown lever {raw_key!r}{hint}")
        if raw_key == "lgd" and value is not None:
            value = _number("lgd", value, 0, 1, where) * 100
        changes[key] = _parse_one(key, value, base, where)
    levers = replace(base, **changes)
    if levers.single_name_cap_basis == "equity" and levers.single_name_cap_pct is not None \
            and levers.own_equity_amt <= 0:
        raise LeverError(f"{where}: a single-name cap on own equity needs own_equity_amt > 0")
    work = levers.simulations * max(levers.individual_names, 1)
    if work > MAX_MONTE_CARLO_WORK:
        raise LeverError(f"{where}: the Monte Carlo asks for {levers.simulations:,} simulated years x "
                         f"{levers.individual_names:,} names simulated one by one = {work:,.0f}, more than the "
                         f"{MAX_MONTE_CARLO_WORK:,} one run may take; lower either")
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
        raise LeverError(f"{where}: {key} cannot be empty")
    if key == "bases":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or any(b not in BASES for b in items):
            raise LeverError(f"{where}: bases = {value!r} must list one or more of {', '.join(BASES)}")
        return tuple(b for b in BASES if b in items)
    choices = {"single_name_cap_basis": CAP_BASES, "downgrade_scope": SCOPES}.get(key)
    if choices is not None:
        if value not in choices:
            raise LeverError(f"{where}: {key} = {value!r} must be one of {', '.join(choices)}")
        return value
    if key == "downgrade_value":
        if not isinstance(value, str):
            raise LeverError(f"{where}: downgrade_value = {value!r} must be an industry or region name")
        return value
    if key == "min_grade":
        if value not in scale:
            raise LeverError(f"{where}: min_grade = {value!r} is not on the rating scale {', '.join(scale)}")
        return value
    if key in PER_GRADE:
        if not isinstance(value, dict):
            raise LeverError(f"{where}: {key} must be a table of grade = value")
        unknown = [g for g in value if g not in scale]
        if unknown:
            raise LeverError(f"{where}: {key} names grades not on the scale: {', '.join(map(str, unknown))}")
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
    raise LeverError(f"{where}: {key} cannot be set here")  # pragma: no cover - every field is handled above


def from_policy_doc(doc: dict[str, object], scale: tuple[str, ...], lgd_pct: float) -> Levers:
    """The policy's levers: [limits] and [stress] of the credit policy (both required)."""
    merged: dict[str, object] = {}
    for section in ("limits", "stress"):
        part = doc.get(section)
        if not isinstance(part, dict):
            raise LeverError(f"section [{section}] is missing")
        merged.update(part)
    merged.pop("approval_levels", None)
    return from_mapping(merged, neutral(scale, lgd_pct), "policy [limits]/[stress]")


def parse_approval_levels(raw: object) -> tuple[tuple[str, float | None], ...]:
    """[limits] approval_levels: ascending { name, up_to } entries; the last one has no up_to."""
    if not isinstance(raw, list) or not raw:
        raise LeverError("[limits] approval_levels must list { name = \"...\", up_to = amount } entries")
    out: list[tuple[str, float | None]] = []
    for i, item in enumerate(raw):
        last = i == len(raw) - 1
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise LeverError("[limits] approval_levels entries need a name")
        up_to = item.get("up_to")
        if last and up_to is not None:
            raise LeverError("[limits] approval_levels: the last level approves any amount (leave out up_to)")
        if not last:
            up_to = _number(f"approval_levels.{item['name']}.up_to", up_to, 0, 1e15, "[limits]")
            if out and out[-1][1] is not None and up_to <= out[-1][1]:  # type: ignore[operator]
                raise LeverError("[limits] approval_levels: up_to must increase from level to level")
        out.append((item["name"], up_to))
    return tuple(out)


SCENARIO_SECTIONS = ("limits", "stress", "model", "scenario")


def read_scenario_text(text: str, base: Levers, where: str = "scenario") -> tuple[str, Levers]:
    """A scenario TOML (flat, or under [limits] / [stress] / [model] like the policy):
    its `name` (optional) and the levers on top of `base`."""
    import tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LeverError(f"{where}: not valid TOML ({exc})") from None
    flat: dict[str, object] = {}
    for key, value in doc.items():
        if key in SCENARIO_SECTIONS and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    name = flat.pop("name", "")
    if not isinstance(name, str):
        raise LeverError(f"{where}: name must be text")
    flat.pop("approval_levels", None)
    return name, from_mapping(flat, base, where)


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
        raise LeverError("the per-grade table is not a table")
    data: dict[str, object] = {}
    for field_name, column in GRADE_COLUMNS.items():
        values = list(table.get(column, []))
        if len(values) != len(levers.scale):
            raise LeverError(f"the per-grade table needs one {column} per grade")
        cleaned: list[object] = []
        for v in values:
            try:
                number = None if v is None or v == "" else float(v)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise LeverError(f"per-grade table: {column} {v!r} is not a number") from None
            cleaned.append(None if number is None or math.isnan(number) else number)
        if field_name == "grade_multipliers":
            cleaned = [1.0 if v is None else v for v in cleaned]
        elif field_name == "terms_by_grade":
            cleaned = [None if v is None else round(float(v)) for v in cleaned]  # type: ignore[arg-type]
        data[field_name] = {g: v for g, v in zip(levers.scale, cleaned)}
    return from_mapping(data, levers, "per-grade table")
