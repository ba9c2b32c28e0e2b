"""Local accounts and the sign-in settings (analytics.store.accounts), by hand."""

from __future__ import annotations

import pytest

from analytics.policy.access import Actor
from analytics.store import accounts
from analytics.store.accounts import AccountError


def test_accounts_file_roundtrip_and_refusals(tmp_path):
    path = tmp_path / "accounts.yaml"
    accounts.add_user(path, "lina", "Li Na", ("credit_analyst",), "long-enough-pw", "li.na@example.com")
    doc = accounts.read_accounts(path)
    entry = doc["credentials"]["usernames"]["lina"]
    assert entry["roles"] == ["credit_analyst"] and entry["password"].startswith("$2b$")
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # the hashes are for the administrator only
    assert accounts.actor_from_account(doc, "lina") == Actor("lina", "Li Na", ("credit_analyst",))
    for args, message in [
        (("lina", "Li", ("viewer",), "long-enough-pw"), "there is a user 'lina' already"),
        (("Bad Name", "X", ("viewer",), "long-enough-pw"), "lower-case letters"),
        (("bob", "Bob", ("wizard",), "long-enough-pw"), "give one or more of"),
        (("bob", "Bob", ("viewer",), "short"), "at least 10 characters"),
        (("bob", " ", ("viewer",), "long-enough-pw"), "name is required"),
    ]:
        with pytest.raises(AccountError, match=message):
            accounts.add_user(path, *args)
    assert list(accounts.read_accounts(path)["credentials"]["usernames"]) == ["lina"]


def test_a_broken_accounts_file_is_named(tmp_path):
    path = tmp_path / "accounts.yaml"
    path.write_text("credentials: {usernames: {x: {roles: [emperor]}}}\ncookie: {name: a, key: b}\n")
    with pytest.raises(AccountError, match="user 'x' has roles"):
        accounts.read_accounts(path)
    path.write_text("::: not yaml :::\n  - [")
    with pytest.raises(AccountError, match="cannot be read"):
        accounts.read_accounts(path)


def test_identity_provider_users_get_their_roles(tmp_path):
    path = tmp_path / "accounts.yaml"
    accounts.add_user(path, "chen", "Chen Jie", ("cfo", "committee_member"), "long-enough-pw", "Chen.Jie@corp.cn")
    doc = accounts.read_accounts(path)
    # the accounts file's entry with the same e-mail (case does not matter) gives the roles
    assert accounts.actor_from_oidc(doc, "chen.jie@corp.cn", "陈杰", ["viewer"]) == Actor(
        "chen", "Chen Jie", ("cfo", "committee_member"))
    # else the provider's roles claim, its known role names only
    assert accounts.actor_from_oidc(doc, "wu@corp.cn", "Wu", ["credit_analyst", "sales"]) == Actor(
        "wu@corp.cn", "Wu", ("credit_analyst",))
    assert accounts.actor_from_oidc(doc, "wu@corp.cn", "Wu", "credit_manager").roles == ("credit_manager",)
    # neither: may not enter
    assert accounts.actor_from_oidc(doc, "guest@corp.cn", "Guest", None) is None
    assert accounts.actor_from_oidc(doc, None, "x", ["viewer"]) is None


def test_sample_accounts_and_their_removal(tmp_path):
    path = tmp_path / "accounts.yaml"
    accounts.create_sample_accounts(path)
    doc = accounts.read_accounts(path)
    assert accounts.has_sample_accounts(doc) and len(doc["credentials"]["usernames"]) == len(accounts.SAMPLE_ACCOUNTS)
    accounts.create_sample_accounts(path)  # never over an existing file
    accounts.add_user(path, "real", "Real User", ("viewer",), "long-enough-pw")
    assert accounts.remove_sample(path) == len(accounts.SAMPLE_ACCOUNTS)
    assert list(accounts.read_accounts(path)["credentials"]["usernames"]) == ["real"]


@pytest.mark.parametrize("env, message", [({"CREDIT_SIGN_IN": "ldap"}, "is not one of local, oidc, none"),
                                          ({"CREDIT_SIGN_IN_ROLE": "god"}, "CREDIT_SIGN_IN_ROLE='god'")])
def test_bad_sign_in_settings_are_named(monkeypatch, env, message):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(AccountError, match=message):
        accounts.sign_in_settings()


def test_an_unverified_e_mail_does_not_enter(tmp_path):
    path = tmp_path / "accounts.yaml"
    accounts.add_user(path, "chen", "Chen Jie", ("cfo",), "long-enough-pw", "chen@corp.cn")
    doc = accounts.read_accounts(path)
    assert accounts.actor_from_oidc(doc, "chen@corp.cn", "Chen", None, email_verified=False) is None
    assert accounts.actor_from_oidc(doc, "chen@corp.cn", "Chen", None, email_verified=True).username == "chen"
