"""Command line of the decision side: `users`, `audit`, `pack`, `decisions`.

- users init-admin | add | list | set-roles | set-password | remove | remove-sample: the
  accounts file of local sign-in (passwords are asked for, never taken from the command line
  unless --password-stdin reads one line from standard input);
- audit verify [--expect HASH] | export --out FILE: the hash chain checked (exit 1 when broken),
  the trail as CSV/XLSX/JSON for internal audit;
- pack --meeting ID | --as-of DATE --format pdf|xlsx --out FILE: the committee pack;
- decisions limits --out FILE [--since DATE]: the decided limits as an ERP import file;
  decisions list: the applications and where they stand.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path

import polars as pl

from analytics.data import export
from analytics.formats import fmt_int
from analytics.i18n import _, ngettext
from analytics.labels import label
from analytics.data.warehouse import Warehouse
from analytics.policy import load_policy
from analytics.policy.access import ROLE_LABELS
from analytics.store import accounts
from analytics.store.accounts import AccountError
from analytics.store.db import StoreError
from analytics.store.decisions import DecisionStore
from analytics.views import InvalidRequest


def _password(args: argparse.Namespace, confirm: bool = True) -> str:
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise AccountError(_("no password on standard input"))
        return line
    first = getpass.getpass(_("Password: "))
    if confirm and getpass.getpass(_("Again: ")) != first:
        raise AccountError(_("the two passwords differ"))
    return first


def _roles(text: str) -> tuple[str, ...]:
    return tuple(r.strip() for r in text.split(",") if r.strip())


def cmd_users(args: argparse.Namespace) -> int:
    path = Path(args.file) if args.file else accounts.accounts_path(args.warehouse)
    if args.action == "init-admin":
        accounts.init_admin(path, args.username, args.name, _password(args), args.email or "")
        print(_("administrator {username} created in {path}").format(username=args.username, path=path))
    elif args.action == "add":
        accounts.add_user(path, args.username, args.name, _roles(args.roles), _password(args), args.email or "")
        print(_("user {username} ({roles}) added to {path}").format(username=args.username, roles=args.roles, path=path))
    elif args.action == "set-roles":
        accounts.set_roles(path, args.username, _roles(args.roles))
        print(_("user {username} now has the roles {roles}").format(username=args.username, roles=args.roles))
    elif args.action == "set-password":
        accounts.set_password(path, args.username, _password(args))
        print(_("password of {username} changed").format(username=args.username))
    elif args.action == "remove":
        accounts.remove_user(path, args.username)
        print(_("user {username} removed").format(username=args.username))
    elif args.action == "remove-sample":
        removed = accounts.remove_sample(path)
        print(ngettext("{n} sample account removed from {path}", "{n} sample accounts removed from {path}", removed)
              .format(n=fmt_int(removed), path=path))
    else:
        frame = accounts.users_frame(path)
        if frame.height == 0:
            print(_("no accounts in {path}").format(path=path))
        else:
            print(_labelled(frame))
        return 0
    _audit_account(args, path)
    return 0


def _audit_account(args: argparse.Namespace, path: Path) -> None:
    """The change in the audit trail: who ran it, what, for whom, the roles after it."""
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container): say so
        who = "unknown operating-system user"
    users = accounts.read_accounts(path).get("credentials", {}).get("usernames", {})
    after = {"file": str(path), "roles": users.get(args.username or "", {}).get("roles")}
    DecisionStore(load_policy(), folder=args.warehouse).record_account_change(
        f"{who} (command line)", f"users {args.action}", args.username or "sample accounts", after)


def _date(text: str | None, flag: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidRequest(_("{flag} {text} is not a date (YYYY-MM-DD)").format(flag=flag, text=repr(text))) from exc


def _store(args: argparse.Namespace) -> DecisionStore:
    return DecisionStore(load_policy(args.policy), url=args.store, folder=args.warehouse)


def cmd_audit(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.action == "verify":
        check = store.verify_audit(args.expect)
        if check.ok:
            print(ngettext("audit trail intact: {n} entry, head hash {hash}",
                           "audit trail intact: {n} entries, head hash {hash}", check.entries).format(
                n=fmt_int(check.entries), hash=check.head_hash))
            return 0
        print(ngettext("audit trail BROKEN ({n} entry checked):", "audit trail BROKEN ({n} entries checked):",
                       check.entries).format(n=fmt_int(check.entries)), file=sys.stderr)
        for problem in check.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    with store.engine.connect() as con:
        from analytics.store.audit import entries
        frame = entries(con).sort("entry_id")
    out = Path(args.out)
    if out.suffix.lower() == ".xlsx":
        out.write_bytes(export.to_xlsx_bytes({"audit_trail": frame}))
    elif out.suffix.lower() == ".json":
        out.write_text(export.to_json_text({"audit_trail": frame.to_dicts()}), encoding="utf-8")
    else:
        out.write_bytes(export.to_csv_bytes(frame))
    print(ngettext("{n} audit entry written to {path}", "{n} audit entries written to {path}", frame.height).format(
        n=fmt_int(frame.height), path=out))
    return 0


def _warehouse_with_decisions(args: argparse.Namespace, store: DecisionStore) -> Warehouse:
    decided = store.decided_limits()
    return Warehouse(args.warehouse, decided=decided, stamp=store.limits_stamp())


def cmd_pack(args: argparse.Namespace) -> int:
    from analytics.views.decisions import committee_pack
    if (args.meeting is None) == (args.as_of is None):
        raise InvalidRequest(_("give --meeting ID or --as-of DATE (one of them)"))
    as_of = _date(args.as_of, "--as-of")
    store = _store(args)
    wh = _warehouse_with_decisions(args, store)
    try:
        data = committee_pack(wh, store, store.policy, args.meeting, as_of, args.format)
    finally:
        wh.close()
    Path(args.out).write_bytes(data)
    print(_("committee pack ({format}, {size} bytes) written to {path}").format(
        format=args.format.upper(), size=fmt_int(len(data)), path=args.out))
    return 0


def cmd_decisions(args: argparse.Namespace) -> int:
    from analytics.views.decisions import erp_limits_file, labelled_applications
    store = _store(args)
    if args.action == "limits":
        if not args.out:
            raise InvalidRequest(_("decisions limits needs --out FILE (.csv or .xlsx)"))
        since = _date(args.since, "--since")
        frame = erp_limits_file(store, since)
        out = Path(args.out)
        out.write_bytes(export.to_xlsx_bytes({"credit_limits": frame}) if out.suffix.lower() == ".xlsx"
                        else export.to_csv_bytes(frame))
        print(ngettext("{n} decided limit written to {path} (the credit_limits contract's columns)",
                       "{n} decided limits written to {path} (the credit_limits contract's columns)",
                       frame.height).format(n=fmt_int(frame.height), path=out))
        return 0
    frame = labelled_applications(store.applications())
    if frame.height:
        level = "level_label" if "level_label" in frame.columns else "required_level"
        print(_labelled(frame.select("application_id", "customer_id", "customer_name", "kind_label", "status_label",
                                     level, "proposed_by", "proposed_at")))
    else:
        print(_("no applications"))
    return 0


def _labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame to print, its columns headed by their labels in the current language."""
    names = [label(c) for c in frame.columns]
    return frame.rename(dict(zip(frame.columns, names))) if len(set(names)) == len(names) else frame


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the decision side's commands to the CLI's parser."""
    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--warehouse", help=_("warehouse folder (default: $CREDIT_WAREHOUSE or ./warehouse)"))
        p.add_argument("--policy", help=_("credit policy TOML (default: $CREDIT_POLICY or the shipped one)"))
        p.add_argument("--store", help=_("decisions store URL (default: $CREDIT_STORE_URL or SQLite in the "
                                         "warehouse folder)"))

    up = sub.add_parser("users", help=_("local sign-in accounts (the administrator's)"))
    up.add_argument("action", choices=["init-admin", "add", "list", "set-roles", "set-password", "remove",
                                       "remove-sample"], help=_("what to do with the accounts file"))
    up.add_argument("--username", help=_("the account's user name"))
    up.add_argument("--name", default="", help=_("the person's name"))
    up.add_argument("--email", help=_("the person's e-mail address"))
    up.add_argument("--roles", default="", help=_("comma-separated: {roles}").format(roles=", ".join(ROLE_LABELS)))
    up.add_argument("--password-stdin", action="store_true", help=_("read the password from one line of stdin"))
    up.add_argument("--file", help=_("accounts file (default: $CREDIT_ACCOUNTS_FILE or <warehouse>/accounts.yaml)"))
    up.add_argument("--warehouse", help=_("warehouse folder (where accounts.yaml lives by default)"))
    up.set_defaults(func=_checked_users)

    ap = sub.add_parser("audit", help=_("check or export the audit trail"))
    ap.add_argument("action", choices=["verify", "export"],
                    help=_("verify: check the hash chain (exit 1 when broken); export: write the trail to a file"))
    ap.add_argument("--expect", help=_("verify: the head hash noted down earlier"))
    ap.add_argument("--out", help=_("export: FILE.csv, .xlsx or .json"))
    common(ap)
    ap.set_defaults(func=_checked_audit)

    pp = sub.add_parser("pack", help=_("the committee pack of a meeting or a data date (PDF or XLSX)"))
    pp.add_argument("--meeting", type=int, help=_("meeting id"))
    pp.add_argument("--as-of", help=_("data date YYYY-MM-DD (the agenda the policy proposes then)"))
    pp.add_argument("--format", choices=["pdf", "xlsx"], default="pdf", help=_("file format (default pdf)"))
    pp.add_argument("--out", required=True, help=_("output file"))
    common(pp)
    pp.set_defaults(func=_store_errors(cmd_pack))

    dp = sub.add_parser("decisions", help=_("applications, and the decided limits as an ERP import file"))
    dp.add_argument("action", choices=["list", "limits"],
                    help=_("list: the applications and where they stand; limits: the decided limits as a file"))
    dp.add_argument("--out", help=_("limits: FILE.csv or .xlsx"))
    dp.add_argument("--since", help=_("limits: only those effective from this date"))
    common(dp)
    dp.set_defaults(func=_store_errors(cmd_decisions))


def _checked_users(args: argparse.Namespace) -> int:
    needs = {"init-admin": ("username", "name"), "add": ("username", "name", "roles"), "set-roles": ("username", "roles"),
             "set-password": ("username",), "remove": ("username",)}.get(args.action, ())
    missing = [f"--{n.replace('_', '-')}" for n in needs if not getattr(args, n)]
    if missing:
        raise InvalidRequest(_("users {action} needs {options}").format(action=args.action, options=", ".join(missing)))
    try:
        return cmd_users(args)
    except AccountError as exc:
        raise InvalidRequest(str(exc)) from exc


def _checked_audit(args: argparse.Namespace) -> int:
    if args.action == "export" and not args.out:
        raise InvalidRequest(_("audit export needs --out FILE"))
    return _store_errors(cmd_audit)(args)


def _store_errors(func):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except StoreError as exc:
            raise InvalidRequest(str(exc)) from exc
    return run



