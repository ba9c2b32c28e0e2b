"""Who may decide a credit application: the authority matrix and four-eyes (pure).

DOMAIN.md, Credit decisions: the level that may decide goes by amount (group exposure
counts), grade and segment; a proposer never approves their own application.

The levels are the policy's [limits] approval_levels, lowest first; [decisions] adds, per
level, the grade floor below which it may not decide, amounts per segment and the amount of
a write-off it may approve. The last level (the committee) decides anything, by vote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.formats import fmt_number
from analytics.i18n import N_, _

KINDS = {  # application kind -> what users read (English source text: translate with kind_label)
    "new_limit": N_("New customer limit"),
    "limit_increase": N_("Limit increase"),
    "limit_decrease": N_("Limit decrease"),
    "terms_change": N_("Payment terms change"),
    "temporary_limit": N_("Temporary limit"),
    "hold_release": N_("Release of a credit hold"),
    "write_off": N_("Write-off proposal"),
}
LIMIT_KINDS = ("new_limit", "limit_increase", "limit_decrease", "temporary_limit")
OUTCOMES = {  # decision outcome -> what users read (outcome_label)
    "approved": N_("Approved"),
    "approved_with_conditions": N_("Approved with conditions"),
    "declined": N_("Declined"),
    "deferred": N_("Deferred"),
}
CONDITION_KINDS = {  # (condition_label)
    "guarantee": N_("Guarantee"),
    "insurance": N_("Credit insurance"),
    "shorter_terms": N_("Shorter payment terms"),
    "instalments": N_("Instalments"),
    "collateral": N_("Collateral"),
    "other": N_("Other"),
}
# The approval levels of the shipped policy ([limits] approval_levels) are configuration
# written in English: marked here so they have a translation; a company's own level names
# pass through _() unchanged (level_label).
SHIPPED_LEVELS = (N_("credit manager"), N_("CFO"), N_("credit committee"))


def kind_label(kind: str) -> str:
    """An application kind in words, in the current language."""
    return _(KINDS[kind]) if kind in KINDS else kind


def outcome_label(outcome: str) -> str:
    """A decision outcome in words, in the current language."""
    return _(OUTCOMES[outcome]) if outcome in OUTCOMES else outcome


def condition_label(kind: str) -> str:
    """A condition kind in words, in the current language."""
    return _(CONDITION_KINDS[kind]) if kind in CONDITION_KINDS else kind


def level_label(name: object) -> str:
    """An approval level's name from the policy in the current language (a name the
    catalogue does not know, e.g. a company's own in Chinese, as it is written)."""
    return _(str(name)) if name else ""


def translated(mapping: dict[str, str]) -> dict[str, str]:
    """A machine value -> label mapping with its labels in the current language (for
    polars' replace_strict and widgets' format_func)."""
    return {k: _(v) for k, v in mapping.items()}


class AuthorityError(ValueError):
    """The [decisions] policy is inconsistent, or a request cannot be routed."""


@dataclass(frozen=True)
class AuthorityLevel:
    """One rung of the approval chain.

    up_to_amt: the largest authority amount it decides (None: any, the last level);
    up_to_amt_by_segment: a segment's own ceiling; min_grade: the worst grade it may decide
    for (None: any); write_off_up_to_amt: the largest write-off it approves (None: any for the
    last level); role: the role whose holders decide at this level."""

    name: str
    role: str
    up_to_amt: float | None
    up_to_amt_by_segment: dict[str, float] = field(default_factory=dict)
    min_grade: str | None = None
    write_off_up_to_amt: float | None = None


@dataclass(frozen=True)
class Routing:
    """Where an application goes: the level index and name, the amount that was measured
    (reporting currency) and why in words."""

    level_index: int
    level: str
    authority_amt: float
    reason: str


@dataclass(frozen=True)
class AuthorityMatrix:
    """The approval chain, lowest level first; the last level is the committee."""

    levels: tuple[AuthorityLevel, ...]
    scale: tuple[str, ...]

    @property
    def committee(self) -> AuthorityLevel:
        return self.levels[-1]

    def index(self, level: str) -> int:
        names = [lv.name for lv in self.levels]
        if level not in names:
            raise AuthorityError(_("unknown approval level {level} (levels: {levels})").format(
                level=level_label(level), levels=_(", ").join(level_label(n) for n in names)))
        return names.index(level)

    def route(self, kind: str, authority_amt: float, grade: str | None, segment: str | None) -> Routing:
        """The lowest level that may decide: its ceiling (the segment's, when it has one)
        covers the amount, and the grade is at or better than its floor (an unrated or
        unknown grade passes no floor). A write-off's amount is measured against the
        write-off ceilings. The reason is in the current language (it is stored with the
        application as written)."""
        if kind not in KINDS:
            raise AuthorityError(_("unknown application kind {kind}").format(kind=kind))
        if not authority_amt >= 0:
            raise AuthorityError(_("the authority amount must be 0 or more, not {amount}").format(
                amount=authority_amt))
        rank = {g: i for i, g in enumerate(self.scale)}
        reasons: list[str] = []
        amount = fmt_number(authority_amt)
        for i, lv in enumerate(self.levels):
            name = level_label(lv.name)
            if i == len(self.levels) - 1:
                why = _("; ").join(reasons) or _("the last level")
                return Routing(i, lv.name, authority_amt, why)
            ceiling = lv.write_off_up_to_amt if kind == "write_off" else lv.up_to_amt_by_segment.get(
                segment or "", lv.up_to_amt)
            if ceiling is None or authority_amt > ceiling:
                values = {"amount": amount, "level": name, "ceiling": fmt_number(ceiling or 0), "segment": segment}
                if kind == "write_off":
                    reasons.append(_("{amount} is above the {level}'s write-off authority of {ceiling}").format(**values))
                elif segment in lv.up_to_amt_by_segment:
                    reasons.append(_("{amount} is above the {level}'s authority of {ceiling} for segment "
                                     "{segment}").format(**values))
                else:
                    reasons.append(_("{amount} is above the {level}'s authority of {ceiling}").format(**values))
                continue
            if lv.min_grade is not None and (grade not in rank or rank[grade] > rank[lv.min_grade]):
                reasons.append(_("grade {grade} is below the {level}'s floor {floor}").format(
                    grade=grade or _("unrated"), level=name, floor=lv.min_grade))
                continue
            within = _("within the {level}'s authority ({amount} up to {ceiling})").format(
                level=name, amount=amount, ceiling=fmt_number(ceiling))
            return Routing(i, lv.name, authority_amt, _("; ").join([*reasons, within]))
        raise AuthorityError("the approval chain is empty")  # pragma: no cover - parse refuses it

    def decider_index(self, roles: tuple[str, ...] | frozenset[str]) -> int:
        """The highest level a holder of these roles decides at alone (-1: none). The
        committee's level is never decided alone: its members vote."""
        found = -1
        for i, lv in enumerate(self.levels[:-1]):
            if lv.role in roles:
                found = i
        return found


def authority_amount(kind: str, requested_limit_amt: float | None, current_limit_amt: float | None,
                     group_limit_amt: float | None, group_exposure_amt: float | None,
                     write_off_amt: float | None) -> float:
    """The amount the matrix measures (reporting currency).

    Limits: the larger of the group's limit after the change (the group's limit less this
    customer's current limit plus the requested one) and the group's exposure; a terms
    change or a hold release: the larger of the group's limit and exposure; a write-off:
    the amount written off. Missing amounts count 0."""
    if kind == "write_off":
        return float(write_off_amt or 0.0)
    group_limit = float(group_limit_amt or 0.0)
    exposure = float(group_exposure_amt or 0.0)
    if kind in LIMIT_KINDS:
        after = max(group_limit - float(current_limit_amt or 0.0), 0.0) + float(requested_limit_amt or 0.0)
        return max(after, exposure)
    return max(group_limit, exposure)


def parse_authority(doc: dict, approval_levels: tuple[tuple[str, float | None], ...],
                    scale: tuple[str, ...], roles: set[str]) -> AuthorityMatrix:
    """[decisions] level_roles, min_grade, up_to_by_segment, write_off_up_to over the
    [limits] approval_levels. Raises AuthorityError with the key at fault."""
    names = [name for name, _up_to in approval_levels]
    level_roles = doc.get("level_roles")
    if not isinstance(level_roles, dict) or set(level_roles) != set(names):
        raise AuthorityError(_("[decisions] level_roles must name a role for each approval level: {levels}").format(
            levels=", ".join(names)))
    for name, role in level_roles.items():
        if role not in roles:
            raise AuthorityError(_("[decisions] level_roles: '{level}' -> '{role}' is not a role of [access.roles]")
                                 .format(level=name, role=role))
    floors = doc.get("min_grade", {})
    if not isinstance(floors, dict) or any(k not in names[:-1] or v not in scale for k, v in floors.items()):
        raise AuthorityError(_("[decisions] min_grade maps levels below the committee to grades on the scale"))
    by_segment = doc.get("up_to_by_segment", {})
    if not isinstance(by_segment, dict):
        raise AuthorityError(_("[decisions] up_to_by_segment must map segments to `{ level = amount }` tables"))
    write_off = doc.get("write_off_up_to", {})
    if not isinstance(write_off, dict) or set(write_off) != set(names[:-1]):
        raise AuthorityError(_("[decisions] write_off_up_to must give an amount for each level below the committee"))
    levels: list[AuthorityLevel] = []
    for i, (name, up_to) in enumerate(approval_levels):
        seg: dict[str, float] = {}
        for segment, table in by_segment.items():
            if not isinstance(table, dict) or any(k not in names[:-1] for k in table):
                raise AuthorityError(_("[decisions] up_to_by_segment.{segment} names levels below the committee")
                                     .format(segment=segment))
            if name in table:
                value = table[name]
                if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                    raise AuthorityError(_("[decisions] up_to_by_segment.{segment}.{level} must be an amount >= 0")
                                         .format(segment=segment, level=name))
                seg[str(segment)] = float(value)
        wo = write_off.get(name)
        if wo is not None and (not isinstance(wo, (int, float)) or isinstance(wo, bool) or wo < 0):
            raise AuthorityError(_("[decisions] write_off_up_to.{level} must be an amount >= 0").format(level=name))
        levels.append(AuthorityLevel(name, str(level_roles[name]), up_to, seg, floors.get(name),
                                     None if wo is None else float(wo)))
    last = [lv.write_off_up_to_amt for lv in levels[:-1]]
    if last != sorted(last):
        raise AuthorityError(_("[decisions] write_off_up_to must not fall from a lower to a higher level"))
    return AuthorityMatrix(tuple(levels), scale)
