"""Sign-in for the dashboard (Streamlit side): local accounts through streamlit-authenticator,
an identity provider through st.login, or no sign-in (see analytics.store.accounts).

signed_in() draws the sign-in form when nobody is signed in and returns the actor once
someone is; every sign-in is written to the audit trail once per session.
"""

from __future__ import annotations

import logging

import streamlit as st

from analytics.i18n import _
from analytics.policy.access import Actor, can
from analytics.store.accounts import (AccountError, SignInSettings, actor_from_account, actor_from_oidc,
                                      has_sample_accounts, read_accounts, sign_in_settings, single_user)

LOG = logging.getLogger("credit_dashboard")
ACTOR_KEY = "_actor"
AUDITED_KEY = "_sign_in_audited"


def _authenticator(doc: dict):  # type: ignore[no-untyped-def]
    """The authenticator of this rerun (it draws its cookie component, so it is made on every
    rerun, never cached)."""
    import streamlit_authenticator as stauth
    cookie = doc["cookie"]
    return stauth.Authenticate(doc["credentials"], cookie["name"], cookie["key"], float(cookie.get("expiry_days", 1)),
                               auto_hash=False)


def settings() -> SignInSettings:
    return sign_in_settings()


def _audit_sign_in(actor: Actor, method: str) -> None:
    if st.session_state.get(AUDITED_KEY) == actor.username:
        return
    from analytics.app.ui import get_store
    try:
        get_store().record_sign_in(actor, method)
    except Exception:  # noqa: BLE001 - the sign-in stands; the log keeps why it was not recorded
        LOG.exception("the sign-in of %s could not be written to the audit trail", actor.username)
        return
    st.session_state[AUDITED_KEY] = actor.username


def signed_in() -> Actor | None:
    """The signed-in actor, or None after drawing what it takes to sign in."""
    try:
        conf = settings()
    except AccountError as exc:
        st.error(_("Sign-in is not set up correctly: {error}.").format(error=exc), icon=":material/lock:")
        return None
    if conf.mode == "none":
        actor = single_user(conf)
        st.session_state[ACTOR_KEY] = actor
        return actor
    if conf.mode == "oidc":
        return _oidc(conf)
    return _local(conf)


def _local(conf: SignInSettings) -> Actor | None:
    path = conf.accounts_path
    try:
        doc = read_accounts(path)
    except AccountError as exc:
        st.error(_("{error}. Nobody can sign in until it is fixed.").format(error=exc), icon=":material/lock:")
        return None
    if not doc:
        st.title(_("Credit portfolio risk"))
        st.info(_("There are no accounts yet. An administrator creates the first one on the server:\n\n"
                  "`python -m analytics users init-admin --username admin --name \"Your Name\"`\n\n"
                  "then adds the credit team with `python -m analytics users add` (see `docs/access.md`). "
                  "A single analyst may run without sign-in instead: `CREDIT_SIGN_IN=none streamlit run app.py`."),
                icon=":material/person_add:")
        return None
    # the cookie component is an invisible iframe; unhidden, its box shifts the form as it loads
    st.html('<style>[data-testid="stElementContainer"]:has(iframe[height="0"]),'
            '.stElementContainer:has(iframe[height="0"]) { display: none !important; }</style>')
    authenticator = _authenticator(doc)
    if not st.session_state.get("authentication_status"):
        st.title(_("Credit portfolio risk"))
        st.caption(_("Sign in with your account."))
        if has_sample_accounts(doc):
            st.caption(_("Sample accounts (built-in sample only): `analyst` / `sample-analyst-pw`, `manager` / "
                         "`sample-manager-pw`, `cfo` / `sample-cfo-pw`, `member1` / `sample-member1-pw`, `admin` / "
                         "`sample-admin-pw` — see `docs/sample.md`."))
    try:
        authenticator.login(location="main", key="sign_in",
                            fields={"Form name": _("Sign in"), "Username": _("Username"), "Password": _("Password"),
                                    "Login": _("Sign in")})
    except Exception as exc:  # noqa: BLE001 - e.g. too many attempts; the library's message is for users
        st.error(_("Signing in failed: {error}").format(error=exc), icon=":material/lock:")
        return None
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error(_("Username or password is not right."), icon=":material/lock:")
        return None
    if not status:
        return None
    actor = actor_from_account(doc, str(st.session_state.get("username")))
    if actor is None:  # the account was removed while signed in
        st.error(_("This account no longer exists."), icon=":material/lock:")
        return None
    st.session_state[ACTOR_KEY] = actor
    _audit_sign_in(actor, "password")
    return actor


def _oidc(conf: SignInSettings) -> Actor | None:
    try:
        configured = "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        configured = False
    if not configured:
        st.error(_("`CREDIT_SIGN_IN=oidc` needs an identity provider in `.streamlit/secrets.toml` `[auth]` "
                   "(`redirect_uri`, `cookie_secret`, `client_id`, `client_secret`, `server_metadata_url`): see "
                   "`docs/access.md`."), icon=":material/lock:")
        return None
    if not st.user.is_logged_in:
        st.title(_("Credit portfolio risk"))
        st.button(_("Sign in"), icon=":material/login:", on_click=st.login, type="primary")
        return None
    try:
        doc = read_accounts(conf.accounts_path)
    except AccountError as exc:
        st.error(str(exc), icon=":material/lock:")
        return None
    user = st.user.to_dict()
    actor = actor_from_oidc(doc, user.get("email"), user.get("name"), user.get("roles"), user.get("email_verified", True))
    if actor is None:
        message = (_("{email} has no role in this dashboard: ask the administrator to add your e-mail to the "
                     "accounts file with a role.").format(email=user["email"]) if user.get("email") else
                   _("This account has no role in this dashboard: ask the administrator to add your e-mail to the "
                     "accounts file with a role."))
        st.error(message, icon=":material/lock:")
        st.button(_("Sign out"), on_click=st.logout)
        return None
    st.session_state[ACTOR_KEY] = actor
    _audit_sign_in(actor, "oidc")
    return actor


def sidebar_account(actor: Actor) -> None:
    """Who is signed in, and the way out (or that there is no sign-in)."""
    conf = settings()
    st.sidebar.caption(f":material/person: {actor.label()}")
    if conf.mode == "none":
        st.sidebar.caption(_("No sign-in (`CREDIT_SIGN_IN=none`): a single-user deployment."))
        return
    if conf.mode == "oidc":
        st.sidebar.button(_("Sign out"), icon=":material/logout:", on_click=_sign_out_oidc, args=(actor,))
        return
    try:
        doc = read_accounts(conf.accounts_path)
    except AccountError:
        doc = {}
    if doc and has_sample_accounts(doc):
        st.sidebar.warning(_("Sample accounts with published passwords are active: remove them with "
                             "`python -m analytics users remove-sample` before real use."), icon=":material/warning:")
    if st.sidebar.button(_("Sign out"), icon=":material/logout:", key="sign_out"):
        _record_sign_out(actor)
        if doc:
            _authenticator(doc).logout(location="unrendered")
        st.session_state["authentication_status"] = None
        for key in (ACTOR_KEY, AUDITED_KEY):
            st.session_state.pop(key, None)
        st.rerun()


def _record_sign_out(actor: Actor) -> None:
    from analytics.app.ui import get_store
    try:
        get_store().record_sign_out(actor)
    except Exception:  # noqa: BLE001
        LOG.exception("the sign-out of %s could not be written to the audit trail", actor.username)


def _sign_out_oidc(actor: Actor) -> None:
    _record_sign_out(actor)
    st.logout()


def current_actor() -> Actor | None:
    return st.session_state.get(ACTOR_KEY)


def may(action: str) -> bool:
    from analytics.app.ui import get_policy
    return can(get_policy().access, current_actor(), action)
