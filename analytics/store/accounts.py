"""Local accounts and how users sign in.

Sign-in ($CREDIT_SIGN_IN):
- `local` (the default): accounts in a YAML file the administrator keeps
  (streamlit-authenticator's format: bcrypt-hashed passwords, roles), at
  $CREDIT_ACCOUNTS_FILE or <warehouse folder>/accounts.yaml; `python -m analytics users
  init-admin` creates the file with the first administrator;
- `oidc`: Streamlit's built-in sign-in (st.login) with the identity provider configured in
  .streamlit/secrets.toml [auth]; a user's roles come from the accounts file entry with the
  same e-mail, else from the provider's `roles` claim;
- `none`: no sign-in, for a single analyst on their own machine; everyone is the one user
  "analyst" with the role $CREDIT_SIGN_IN_ROLE (default credit_analyst), and the sidebar says so.

The built-in sample's first run creates sample accounts (one per role, published passwords,
marked `sample: true`) so the decision side can be tried at once; the sidebar warns while
they exist and `users remove-sample` deletes them.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

from analytics.data.warehouse import warehouse_dir
from analytics.i18n import _
from analytics.policy.access import ROLE_LABELS, Actor

SIGN_IN_MODES = ("local", "oidc", "none")
ACCOUNTS_FILE = "accounts.yaml"
MIN_PASSWORD_CHARS = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
SAMPLE_ACCOUNTS = (  # username, name, roles, password (published in docs/sample.md)
    ("admin", "Sample administrator", ("administrator",), "sample-admin-pw"),
    ("analyst", "Li Na (analyst)", ("credit_analyst",), "sample-analyst-pw"),
    ("manager", "Wang Wei (credit manager)", ("credit_manager",), "sample-manager-pw"),
    ("cfo", "Zhang Min (CFO)", ("cfo",), "sample-cfo-pw"),
    ("member1", "Chen Jie (committee)", ("committee_member",), "sample-member1-pw"),
    ("member2", "Liu Yang (committee)", ("committee_member",), "sample-member2-pw"),
    ("viewer", "Sample viewer", ("viewer",), "sample-viewer-pw"),
)


class AccountError(ValueError):
    """A bad account request or an unreadable accounts file (the message says which)."""


@dataclass(frozen=True)
class SignInSettings:
    mode: str
    role_without_sign_in: str
    accounts_path: Path


def sign_in_settings(folder: str | Path | None = None) -> SignInSettings:
    """The deployment's sign-in mode (see the module doc); raises AccountError for a bad value."""
    mode = os.environ.get("CREDIT_SIGN_IN", "local").strip().lower() or "local"
    if mode not in SIGN_IN_MODES:
        raise AccountError(_("CREDIT_SIGN_IN='{mode}' is not one of {modes}").format(
            mode=mode, modes=", ".join(SIGN_IN_MODES)))
    role = os.environ.get("CREDIT_SIGN_IN_ROLE", "credit_analyst").strip()
    if role not in ROLE_LABELS:
        raise AccountError(_("CREDIT_SIGN_IN_ROLE='{role}' is not one of {roles}").format(
            role=role, roles=", ".join(ROLE_LABELS)))
    return SignInSettings(mode, role, accounts_path(folder))


def accounts_path(folder: str | Path | None = None) -> Path:
    chosen = os.environ.get("CREDIT_ACCOUNTS_FILE")
    return Path(chosen) if chosen else warehouse_dir(folder) / ACCOUNTS_FILE


def single_user(settings: SignInSettings) -> Actor:
    """The one user of a deployment without sign-in."""
    return Actor("analyst", _("Single user (no sign-in)"), (settings.role_without_sign_in,))


def read_accounts(path: Path) -> dict:
    """The accounts file as streamlit-authenticator reads it ({} when there is none)."""
    if not path.exists():
        return {}
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AccountError(_("the accounts file {path} cannot be read: {error}").format(path=path, error=exc)) from exc
    users = doc.get("credentials", {}).get("usernames")
    if not isinstance(users, dict) or not isinstance(doc.get("cookie"), dict):
        raise AccountError(_("the accounts file {path} has no `credentials.usernames` or `cookie` section").format(
            path=path))
    for username, entry in users.items():
        roles = entry.get("roles") if isinstance(entry, dict) else None
        if not isinstance(roles, list) or any(r not in ROLE_LABELS for r in roles):
            raise AccountError(_("the accounts file {path}: user '{user}' has roles {roles}; roles are {known}").format(
                path=path, user=username, roles=roles, known=", ".join(ROLE_LABELS)))
    return doc


def _write(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=True), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def _hash(password: str) -> str:
    import streamlit_authenticator as stauth
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(_("a password needs at least {n} characters").format(n=MIN_PASSWORD_CHARS))
    return stauth.Hasher.hash(password)


def _new_doc() -> dict:
    return {"credentials": {"usernames": {}},
            "cookie": {"name": "credit_dashboard_auth", "key": secrets.token_hex(32), "expiry_days": 1}}


def add_user(path: Path, username: str, name: str, roles: tuple[str, ...], password: str, email: str = "",
             sample: bool = False) -> None:
    """Add an account (the file is created when missing). Raises AccountError."""
    if not USERNAME.match(username):
        raise AccountError(_("username '{user}': 2-60 lower-case letters, digits, '.', '_' or '-'").format(
            user=username))
    unknown = [r for r in roles if r not in ROLE_LABELS]
    if not roles or unknown:
        raise AccountError(_("roles {roles}: give one or more of {known}").format(
            roles=list(roles), known=", ".join(ROLE_LABELS)))
    if not name.strip():
        raise AccountError(_("the user's name is required"))
    doc = read_accounts(path) or _new_doc()
    users = doc["credentials"]["usernames"]
    if username in users:
        raise AccountError(_("there is a user '{user}' already").format(user=username))
    entry = {"name": name.strip(), "email": email.strip(), "password": _hash(password), "roles": list(roles),
             "failed_login_attempts": 0, "logged_in": False}
    if sample:
        entry["sample"] = True
    users[username] = entry
    _write(path, doc)


def init_admin(path: Path, username: str, name: str, password: str, email: str = "") -> None:
    """The first administrator; refused when the file already has an administrator."""
    doc = read_accounts(path)
    admins = [u for u, e in doc.get("credentials", {}).get("usernames", {}).items()
              if "administrator" in e.get("roles", []) and not e.get("sample")]
    if admins:
        raise AccountError(_("the accounts file {path} has an administrator already ({admins})").format(
            path=path, admins=", ".join(admins)))
    add_user(path, username, name, ("administrator",), password, email)


def set_roles(path: Path, username: str, roles: tuple[str, ...]) -> None:
    doc = read_accounts(path)
    users = doc.get("credentials", {}).get("usernames", {})
    if username not in users:
        raise AccountError(_("there is no user '{user}'").format(user=username))
    unknown = [r for r in roles if r not in ROLE_LABELS]
    if not roles or unknown:
        raise AccountError(_("roles {roles}: give one or more of {known}").format(
            roles=list(roles), known=", ".join(ROLE_LABELS)))
    users[username]["roles"] = list(roles)
    _write(path, doc)


def set_password(path: Path, username: str, password: str) -> None:
    doc = read_accounts(path)
    users = doc.get("credentials", {}).get("usernames", {})
    if username not in users:
        raise AccountError(_("there is no user '{user}'").format(user=username))
    users[username]["password"] = _hash(password)
    users[username].pop("sample", None)
    _write(path, doc)


def remove_user(path: Path, username: str) -> None:
    doc = read_accounts(path)
    users = doc.get("credentials", {}).get("usernames", {})
    if username not in users:
        raise AccountError(_("there is no user '{user}'").format(user=username))
    del users[username]
    _write(path, doc)


def remove_sample(path: Path) -> int:
    """Delete the sample accounts; returns how many there were."""
    doc = read_accounts(path)
    users = doc.get("credentials", {}).get("usernames", {})
    sample = [u for u, e in users.items() if e.get("sample")]
    for u in sample:
        del users[u]
    if sample:
        _write(path, doc)
    return len(sample)


def has_sample_accounts(doc: dict) -> bool:
    return any(e.get("sample") for e in doc.get("credentials", {}).get("usernames", {}).values())


def create_sample_accounts(path: Path) -> None:
    """The sample's accounts, when there is no accounts file yet (the sample's first run)."""
    if path.exists():
        return
    for username, name, roles, password in SAMPLE_ACCOUNTS:
        add_user(path, username, name, roles, password, f"{username}@sample.invalid", sample=True)


def users_frame(path: Path) -> pl.DataFrame:
    """Username, name, e-mail, roles (never passwords)."""
    users = read_accounts(path).get("credentials", {}).get("usernames", {})
    return pl.DataFrame({"username": list(users), "name": [e.get("name", "") for e in users.values()],
                         "email": [e.get("email", "") for e in users.values()],
                         "roles": [", ".join(e.get("roles", [])) for e in users.values()],
                         "is_sample": [bool(e.get("sample")) for e in users.values()]},
                        schema={"username": pl.String, "name": pl.String, "email": pl.String, "roles": pl.String,
                                "is_sample": pl.Boolean})


def actor_from_account(doc: dict, username: str) -> Actor | None:
    entry = doc.get("credentials", {}).get("usernames", {}).get(username)
    if entry is None:
        return None
    return Actor(username, str(entry.get("name") or username), tuple(entry.get("roles", [])))


def actor_from_oidc(doc: dict, email: str | None, name: str | None, claimed_roles: object,
                    email_verified: object = True) -> Actor | None:
    """The actor of an identity-provider sign-in: the accounts file's entry with the same
    e-mail (its roles), else the provider's roles claim (the known role names in it);
    None when neither gives a role (such a user may not enter), or when the provider says the
    e-mail is not verified (email_verified false)."""
    if email_verified is False:
        return None
    if email:
        for username, entry in doc.get("credentials", {}).get("usernames", {}).items():
            if str(entry.get("email", "")).lower() == email.lower():
                return Actor(username, str(entry.get("name") or name or username), tuple(entry.get("roles", [])))
    roles = tuple(r for r in (claimed_roles if isinstance(claimed_roles, (list, tuple)) else [claimed_roles])
                  if isinstance(r, str) and r in ROLE_LABELS)
    if not roles or not email:
        return None
    return Actor(email.lower(), name or email, roles)
