"""Roles and what each may see and do ([access] of the credit policy), and the signed-in actor.

Actions:
- view: the analytics pages (exposure ... what-if, the credit file);
- view_decisions: applications, meetings, the credit file's decision history;
- apply: submit, refresh and withdraw applications;
- decide: decide applications within the authority of the role's level;
- vote: vote in committee;
- run_meetings: agendas, recording the committee's decisions, minutes, the pack;
- audit: the audit trail, its check and export;
- manage_users: accounts (the CLI's `users` commands; shown, not editable, in the app).
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.i18n import N_, _

ACTIONS = ("view", "view_decisions", "apply", "decide", "vote", "run_meetings", "audit", "manage_users")
ROLE_LABELS = {  # role -> what users read (translated where shown: role_label)
    "viewer": N_("Viewer"),
    "credit_analyst": N_("Credit analyst"),
    "credit_manager": N_("Credit manager"),
    "cfo": N_("CFO"),
    "committee_member": N_("Committee member"),
    "administrator": N_("Administrator"),
}


def role_label(role: str) -> str:
    """A role in words in the current language (an unknown role as it is written)."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


class AccessError(ValueError):
    """[access] is inconsistent."""


class Forbidden(PermissionError):
    """The signed-in user's roles do not allow this (nothing was changed)."""


@dataclass(frozen=True)
class AccessPolicy:
    """Each role's actions."""

    roles: dict[str, frozenset[str]]

    def actions(self, roles: tuple[str, ...]) -> frozenset[str]:
        out: set[str] = set()
        for role in roles:
            out |= self.roles.get(role, frozenset())
        return frozenset(out)


@dataclass(frozen=True)
class Actor:
    """Who acts: the account's username (unique), display name and roles."""

    username: str
    name: str
    roles: tuple[str, ...]

    def label(self) -> str:
        roles = _(", ").join(role_label(r) for r in self.roles) or _("no role")
        return _("{name} ({roles})").format(name=self.name, roles=roles)


def can(access: AccessPolicy, actor: Actor | None, action: str) -> bool:
    """True when the actor's roles allow the action (None: nobody signed in: nothing)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")  # a programming error, not shown to users
    return actor is not None and action in access.actions(actor.roles)


def require(access: AccessPolicy, actor: Actor | None, action: str, what: str) -> None:
    """Raise Forbidden with a message naming the action when the actor may not do it.

    what: the deed in words, English source text marked with N_() by the caller ("decide
    credit applications"); it is translated here, in the language of the refusal."""
    if can(access, actor, action):
        return
    if actor is None:
        raise Forbidden(_("Sign in first: nobody may {what} without signing in.").format(what=_(what)))
    raise Forbidden(_("{user} may not {what}: that needs a role with the '{action}' permission.").format(
        user=actor.label(), what=_(what), action=action))


def parse_access(doc: object) -> AccessPolicy:
    """[access.roles]: role -> list of actions; every role of ROLE_LABELS must be listed."""
    if not isinstance(doc, dict) or not isinstance(doc.get("roles"), dict):
        raise AccessError(_("section [access.roles] is missing"))
    roles: dict[str, frozenset[str]] = {}
    for role, actions in doc["roles"].items():
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise AccessError(_("[access.roles] {role} must list actions").format(role=role))
        unknown = sorted(set(actions) - set(ACTIONS))
        if unknown:
            raise AccessError(_("[access.roles] {role}: unknown action(s) {unknown} (actions: {actions})").format(
                role=role, unknown=", ".join(unknown), actions=", ".join(ACTIONS)))
        roles[str(role)] = frozenset(actions)
    missing = sorted(set(ROLE_LABELS) - set(roles))
    if missing:
        raise AccessError(_("[access.roles] lacks the role(s) {roles}").format(roles=", ".join(missing)))
    return AccessPolicy(roles)
