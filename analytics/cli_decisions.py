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

from analytics.data import export
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
            raise AccountError("no password on standard input")
        return line
    first = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def _roles(text: str) -> tuple[str, ...]:
    return tuple(r.strip() for r in text.split(",") if r.strip())


def cmd_users(args: argparse.Namespace) -> int:
    path = Path(args.file) if args.file else accounts.accounts_path(args.warehouse)
    if args.action == "init-admin":
        accounts.init_admin(path, args.username, args.name, _password(args), args.email or "")
        print(f"administrator {args.username} created in {path}")
    elif args.action == "add":
        accounts.add_user(path, args.username, args.name, _roles(args.roles), _password(args), args.email or "")
        print(f"user {args.username} ({args.roles}) added to {path}")
    elif args.action == "set-roles":
        accounts.set_roles(path, args.username, _roles(args.roles))
        print(f"user {args.username} now has the roles {args.roles}")
    elif args.action == "set-password":
        accounts.set_password(path, args.username, _password(args))
        print(f"password of {args.username} changed")
    elif args.action == "remove":
        accounts.remove_user(path, args.username)
        print(f"user {args.username} removed")
    elif args.action == "remove-sample":
        print(f"{accounts.remove_sample(path)} sample account(s) removed from {path}")
    else:
        frame = accounts.users_frame(path)
        if frame.height == 0:
            print(f"no accounts in {path}")
        else:
            print(frame)
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
        raise InvalidRequest(f"{flag} {text!r} is not a date (YYYY-MM-DD)") from exc


def _store(args: argparse.Namespace) -> DecisionStore:
    return DecisionStore(load_policy(args.policy), url=args.store, folder=args.warehouse)


def cmd_audit(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.action == "verify":
        check = store.verify_audit(args.expect)
        if check.ok:
            print(f"audit trail intact: {check.entries:,} entries, head hash {check.head_hash}")
            return 0
        print(f"audit trail BROKEN ({check.entries:,} entries checked):", file=sys.stderr)
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
    print(f"{frame.height:,} audit entries written to {out}")
    return 0


def _warehouse_with_decisions(args: argparse.Namespace, store: DecisionStore) -> Warehouse:
    decided = store.decided_limits()
    return Warehouse(args.warehouse, decided=decided, stamp=store.limits_stamp())


def cmd_pack(args: argparse.Namespace) -> int:
    from analytics.views.decisions import committee_pack
    if (args.meeting is None) == (args.as_of is None):
        raise InvalidRequest("give --meeting ID or --as-of DATE (one of them)")
    as_of = _date(args.as_of, "--as-of")
    store = _store(args)
    wh = _warehouse_with_decisions(args, store)
    try:
        data = committee_pack(wh, store, store.policy, args.meeting, as_of, args.format)
    finally:
        wh.close()
    Path(args.out).write_bytes(data)
    print(f"committee pack ({args.format}, {len(data):,} bytes) written to {args.out}")
    return 0


def cmd_decisions(args: argparse.Namespace) -> int:
    from analytics.views.decisions import erp_limits_file, labelled_applications
    store = _store(args)
    if args.action == "limits":
        if not args.out:
            raise InvalidRequest("decisions limits needs --out FILE (.csv or .xlsx)")
        since = _date(args.since, "--since")
        frame = erp_limits_file(store, since)
        out = Path(args.out)
        out.write_bytes(export.to_xlsx_bytes({"credit_limits": frame}) if out.suffix.lower() == ".xlsx"
                        else export.to_csv_bytes(frame))
        print(f"{frame.height:,} decided limit(s) written to {out} (the credit_limits contract's columns)")
        return 0
    frame = labelled_applications(store.applications())
    print(frame.select("application_id", "customer_id", "customer_name", "kind_label", "status_label",
                       "required_level", "proposed_by", "proposed_at") if frame.height else "no applications")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the decision side's commands to the CLI's parser."""
    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--warehouse", help="warehouse folder (default: $CREDIT_WAREHOUSE or ./warehouse)")
        p.add_argument("--policy", help="credit policy TOML (default: $CREDIT_POLICY or the shipped one)")
        p.add_argument("--store", help="decisions store URL (default: $CREDIT_STORE_URL or SQLite in the warehouse "
                                       "folder)")

    up = sub.add_parser("users", help="local sign-in accounts (the administrator's)")
    up.add_argument("action", choices=["init-admin", "add", "list", "set-roles", "set-password", "remove",
                                       "remove-sample"])
    up.add_argument("--username")
    up.add_argument("--name", default="")
    up.add_argument("--email")
    up.add_argument("--roles", default="", help=f"comma-separated: {', '.join(ROLE_LABELS)}")
    up.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    up.add_argument("--file", help="accounts file (default: $CREDIT_ACCOUNTS_FILE or <warehouse>/accounts.yaml)")
    up.add_argument("--warehouse", help="warehouse folder (where accounts.yaml lives by default)")
    up.set_defaults(func=_checked_users)

    ap = sub.add_parser("audit", help="check or export the audit trail")
    ap.add_argument("action", choices=["verify", "export"])
    ap.add_argument("--expect", help="verify: the head hash noted down earlier")
    ap.add_argument("--out", help="export: FILE.csv, .xlsx or .json")
    common(ap)
    ap.set_defaults(func=_checked_audit)

    pp = sub.add_parser("pack", help="the committee pack of a meeting or a data date (PDF or XLSX)")
    pp.add_argument("--meeting", type=int, help="meeting id")
    pp.add_argument("--as-of", help="data date YYYY-MM-DD (the agenda the policy proposes then)")
    pp.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
    pp.add_argument("--out", required=True, help="output file")
    common(pp)
    pp.set_defaults(func=_store_errors(cmd_pack))

    dp = sub.add_parser("decisions", help="applications, and the decided limits as an ERP import file")
    dp.add_argument("action", choices=["list", "limits"])
    dp.add_argument("--out", help="limits: FILE.csv or .xlsx")
    dp.add_argument("--since", help="limits: only those effective from this date")
    common(dp)
    dp.set_defaults(func=_store_errors(cmd_decisions))


def _checked_users(args: argparse.Namespace) -> int:
    needs = {"init-admin": ("username", "name"), "add": ("username", "name", "roles"), "set-roles": ("username", "roles"),
             "set-password": ("username",), "remove": ("username",)}.get(args.action, ())
    missing = [f"--{n.replace('_', '-')}" for n in needs if not getattr(args, n)]
    if missing:
        raise InvalidRequest(f"users {args.action} needs {', '.join(missing)}")
    try:
        return cmd_users(args)
    except AccountError as exc:
        raise InvalidRequest(str(exc)) from exc


def _checked_audit(args: argparse.Namespace) -> int:
    if args.action == "export" and not args.out:
        raise InvalidRequest("audit export needs --out FILE")
    return _store_errors(cmd_audit)(args)


def _store_errors(func):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except StoreError as exc:
            raise InvalidRequest(str(exc)) from exc
    return run



