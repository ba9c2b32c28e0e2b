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

ACTIONS = ("view", "view_decisions", "apply", "decide", "vote", "run_meetings", "audit", "manage_users")
ROLE_LABELS = {
    "viewer": "Viewer",
    "credit_analyst": "Credit analyst",
    "credit_manager": "Credit manager",
    "cfo": "CFO",
    "committee_member": "Committee member",
    "administrator": "Administrator",
}


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
        roles = ", ".join(ROLE_LABELS.get(r, r) for r in self.roles) or "no role"
        return f"{self.name} ({roles})"


def can(access: AccessPolicy, actor: Actor | None, action: str) -> bool:
    """True when the actor's roles allow the action (None: nobody signed in: nothing)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return actor is not None and action in access.actions(actor.roles)


def require(access: AccessPolicy, actor: Actor | None, action: str, what: str) -> None:
    """Raise Forbidden with a message naming the action when the actor may not do it."""
    if can(access, actor, action):
        return
    if actor is None:
        raise Forbidden(f"Sign in first: nobody may {what} without signing in.")
    raise Forbidden(f"{actor.label()} may not {what}: that needs a role with the {action!r} permission.")


def parse_access(doc: object) -> AccessPolicy:
    """[access.roles]: role -> list of actions; every role of ROLE_LABELS must be listed."""
    if not isinstance(doc, dict) or not isinstance(doc.get("roles"), dict):
        raise AccessError("section [access.roles] is missing")
    roles: dict[str, frozenset[str]] = {}
    for role, actions in doc["roles"].items():
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise AccessError(f"[access.roles] {role} must list actions")
        unknown = sorted(set(actions) - set(ACTIONS))
        if unknown:
            raise AccessError(f"[access.roles] {role}: unknown action(s) {', '.join(unknown)} "
                              f"(actions: {', '.join(ACTIONS)})")
        roles[str(role)] = frozenset(actions)
    missing = sorted(set(ROLE_LABELS) - set(roles))
    if missing:
        raise AccessError(f"[access.roles] lacks the role(s) {', '.join(missing)}")
    return AccessPolicy(roles)
