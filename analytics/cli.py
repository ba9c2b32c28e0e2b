"""Command line: `python -m analytics [--lang en|zh] load|generate|sample|score|report|users|audit|pack|decisions|i18n ...`.

Reports call the same view functions as the pages, so the numbers agree. The CLI speaks the
language of --lang (before or after the command), else of CREDIT_LANG, LC_ALL or LANG
(analytics.i18n.from_environment): its messages, help texts, report headers and the
committee pack.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl

from analytics.risk import aging
from analytics.risk.aging import with_shown_buckets

from analytics import i18n
from analytics.data import export
from analytics.formats import fmt_int, fmt_number
from analytics.i18n import N_, _, ngettext
from analytics.risk.provisions import parse_buckets, parse_rates
from analytics.views import Filters
from analytics.data.ingest import format_report, shown
from analytics.data.loader import load
from analytics.data.mapping import MappingError
from analytics.policy import Policy, PolicyError, load_policy
from analytics.views import (
    InvalidRequest,
    calendar,
    customer_file,
    exposure_view,
    filter_options,
    unknown_filter_values,
)
from analytics.risk.migration import years_before
from analytics.views.monitoring import migration_view, monitoring_inputs, review_view, watchlist_view
from analytics.views.receivables import aging_view, collections_view, kpi_view, provision_view, reconciliation_view
from analytics.views.models import MODEL_NAMES, model_card_markdown, model_name, note_text, status_text, model_scores_view, model_validation, rating_model
from analytics.views.scoring import scores_view
from analytics.views.whatif import limit_recommendations, scenario_view, whatif_inputs
from analytics.policy.levers import read_scenario_text
from analytics.data.warehouse import (SAMPLE_DIR, Progress, Warehouse, WarehouseMissing, build_lock, clean, current_path,
                                     rerate_warehouse, warehouse_dir)

from analytics.cli_decisions import register as register_decisions  # noqa: E402
from analytics.store.decisions import DecisionStore  # noqa: E402


def open_warehouse(folder: str | Path | None, policy: Policy) -> Warehouse:
    """The warehouse with the decisions store's decided limits on top, as the pages read it."""
    store = DecisionStore(policy, folder=folder)
    return Warehouse(folder, decided=store.decided_limits(), stamp=store.limits_stamp())


SAMPLE_CUSTOMERS = 2000
SAMPLE_YEARS = 3
SAMPLE_SEED = 42


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_load(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    folder = warehouse_dir(args.warehouse)
    extracted = _iso_date(args.extracted_on, "--extracted-on") if args.extracted_on else None
    outcome = load(Path(args.source_dir), policy, folder, Path(args.mapping) if args.mapping else None, _say,
                   extracted_on=extracted)
    if not outcome.ok:
        print(format_report(outcome.issues), file=sys.stderr)
        return 1
    print(_("loaded in {seconds} s -> {path}").format(seconds=fmt_number(outcome.seconds, 1), path=outcome.path))
    try:
        now = current_path(folder)
    except WarehouseMissing:
        now = None
    if outcome.path is not None and now != outcome.path:
        print("  " + (_("note: another load has replaced it since: the current version is {name}").format(name=now.name)
                      if now else _("note: another load has replaced it since: there is no current version")))
    for name, rows in outcome.row_counts.items():
        print("  " + ngettext("{table} {n} row", "{table} {n} rows", rows).format(table=f"{name:<14}",
                                                                                 n=f"{fmt_int(rows):>12}"))
    summary = outcome.summary
    print("  " + _("extracted on {date} ({basis}): the default as-of date").format(
        date=summary["extracted_on"], basis=shown(str(summary["extraction_basis"]))))
    print("  " + _("invoices dated {first} .. {last}").format(first=summary["first_invoice_date"],
                                                            last=summary["last_invoice_date"]))
    for cur, total in summary["invoice_total_by_currency"].items():  # type: ignore[union-attr]
        print("  " + _("invoice total {currency} {amount}").format(currency=cur, amount=fmt_number(total, 2)))
    if outcome.notes:
        print("")
        print(format_report(outcome.notes, notes=True, counts=outcome.note_counts))
    return 0


def cmd_warehouse(args: argparse.Namespace) -> int:
    folder = warehouse_dir(args.warehouse)
    removed = clean(folder)
    print((ngettext("removed {n} leftover of interrupted loads:", "removed {n} leftovers of interrupted loads:",
                    len(removed)) if removed else _("removed no leftovers of interrupted loads")).format(
        n=fmt_int(len(removed))))
    for name in removed:
        print(f"  {name}")
    try:
        print(_("current version: {name}").format(name=current_path(folder).name))
    except WarehouseMissing as exc:
        print(_("no current version ({reason})").format(reason=exc))
    return 0


def generate_files(customers: int, years: int, seed: int, out: Path, fmt: str = "csv",
                   end_date: date | None = None) -> dict[str, Path]:
    """Generate the synthetic portfolio and write it in the import format."""
    from sample_data.generator import generate_portfolio, write_portfolio

    tables = generate_portfolio(customers, years, seed, end_date)
    return write_portfolio(tables, out, fmt)  # type: ignore[arg-type]


def cmd_generate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    end = date.fromisoformat(args.end_date) if args.end_date else None
    paths = generate_files(args.customers, args.years, args.seed, Path(args.out), args.format, end)
    print(ngettext("generated {n} file in {folder} in {seconds} s", "generated {n} files in {folder} in {seconds} s",
                   len(paths)).format(n=fmt_int(len(paths)), folder=Path(args.out),
                                      seconds=fmt_number(time.perf_counter() - started, 1)))
    return 0


def build_sample(folder: Path, progress: Progress = _say, if_missing: bool = False) -> Path:
    """Generate the built-in sample portfolio and load it (first run of the app).

    With if_missing, an up-to-date warehouse that exists (perhaps built by another
    process while this one waited for the lock) is kept as it is; one built by an
    older version of the SQL is rebuilt.
    """
    with build_lock(folder):
        if if_missing:
            try:
                existing = Warehouse(folder)
                try:
                    if not existing.is_outdated():
                        return existing.path
                finally:
                    existing.close()
            except WarehouseMissing:
                pass
        progress(_("generating the sample portfolio ({customers} customers, {years} years)").format(
            customers=fmt_int(SAMPLE_CUSTOMERS), years=SAMPLE_YEARS))
        started = time.perf_counter()
        generate_files(SAMPLE_CUSTOMERS, SAMPLE_YEARS, SAMPLE_SEED, SAMPLE_DIR, "csv")
        progress(_("generated in {seconds} s").format(seconds=fmt_number(time.perf_counter() - started, 1)))
        outcome = load(SAMPLE_DIR, load_policy(), folder, None, progress)
    if not outcome.ok:
        raise RuntimeError(_("the sample portfolio failed validation:\n{report}").format(
            report=format_report(outcome.issues)))
    assert outcome.path is not None
    return outcome.path


def cmd_sample(args: argparse.Namespace) -> int:
    folder = warehouse_dir(args.warehouse)
    path = build_sample(folder, if_missing=args.if_missing)
    print(_("sample warehouse ready: {path}").format(path=path), flush=True)
    from analytics.store.accounts import accounts_path, create_sample_accounts
    accounts = accounts_path(folder)
    if not accounts.exists():
        create_sample_accounts(accounts)
        print(_("sample accounts (one per role, passwords in docs/sample.md) written to {path}").format(path=accounts),
              flush=True)
    return 0


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(tuple(args.segment or ()), tuple(args.industry or ()), tuple(args.region or ()),
                   tuple(args.manager or ()), tuple(args.group or ()))


def _write(payload_tables: dict, fmt: str, out: str | None, table: str | None, meta: dict,  # type: ignore[type-arg]
           fields: bool = False) -> None:
    """The report in its format. CSV and XLSX are headed by the columns' labels in the current
    language (XLSX adds a sheet 'Fields' with each column's field name), or with fields by the
    field names themselves (for scripts and re-imports); JSON keys are always field names."""
    human = not fields
    currency = str(meta.get("currency") or "")
    if fmt == "md":
        data = str(meta["markdown"]).encode("utf-8")
    elif fmt == "json":
        data = export.to_json_text({**meta, **payload_tables}).encode("utf-8")
    elif fmt == "xlsx":
        if not out:
            raise InvalidRequest(_("--format xlsx needs --out FILE"))
        sheets = {n: with_shown_buckets(f) for n, f in payload_tables.items()} if human else payload_tables
        data = export.to_xlsx_bytes(sheets, human=human, currency=currency)
    else:
        name = table or next(iter(payload_tables))
        if name not in payload_tables:
            raise InvalidRequest(_("unknown --table {name}; choose one of: {tables}").format(
                name=repr(name), tables=", ".join(payload_tables)))
        frame = with_shown_buckets(payload_tables[name]) if human else payload_tables[name]
        data = export.to_csv_bytes(frame, bom=False, human=human, currency=currency)
    if out:
        Path(out).write_bytes(data)
        print(_("wrote {path}").format(path=out), file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))


def _iso_date(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest(_("{flag} {text} is not a date (use YYYY-MM-DD)").format(flag=flag, text=repr(text))) from None


def _report_tables(args: argparse.Namespace, wh: Warehouse, as_of: date, filters: Filters, policy: Policy,
                   meta: dict[str, object]) -> dict[str, pl.DataFrame]:
    """The tables of one report (the same view functions as the pages); adds facts to meta."""
    if args.report == "exposure":
        return exposure_view(wh, as_of, filters, policy).tables()
    if args.report == "aging":
        bounds = parse_buckets(args.buckets) if args.buckets else policy.bucket_upper_dpd
        view = aging_view(wh, as_of, filters, replace(policy, bucket_upper_dpd=bounds), args.by_invoice_date)
        meta.update(basis=view.basis, buckets=aging.bucket_labels(bounds, args.by_invoice_date))
        return view.tables()
    if args.report == "kpis":
        kv = kpi_view(wh, as_of, filters, policy, args.period_months)
        meta.update(period_months=kv.period_months, period_days=kv.current.period_days)
        return kv.tables()
    if args.report == "ecl":
        bounds = parse_buckets(args.buckets) if args.buckets else policy.provision_bucket_upper_dpd
        rates = parse_rates(args.rates, len(bounds) + 1) if args.rates else None
        pv = provision_view(wh, as_of, filters, policy, args.window, bounds, rates, args.overlay)
        meta.update(buckets=pv.labels, rates=pv.matrix.source, overlay_factor=pv.matrix.overlay_factor,
                    roll_window=pv.window, total_ecl_amt=pv.matrix.total_ecl, notes=pv.notes)
        return pv.tables()
    if args.report == "collections":
        return collections_view(wh, as_of, filters, policy).tables()
    if args.report == "reconciliation":
        rv = reconciliation_view(wh, as_of, filters, policy)
        meta.update(totals=rv.totals, notes=rv.notes)
        return rv.tables()
    if args.report == "migration":
        end = _iso_date(args.to_date, "--to") if args.to_date else as_of
        start = _iso_date(args.from_date, "--from") if args.from_date else years_before(end, 1)
        if args.average_years is not None and not 1 <= args.average_years <= 20:
            raise InvalidRequest(_("--average-years must be 1-20, not {n}").format(n=args.average_years))
        view = migration_view(wh, start, end, filters, policy, args.average_years)
        chosen = view.average if args.average_years else view.matrix
        cols = ["from_grade", "to_grade", "count", "rate"] + (
            ["exposure_amt", "exposure_rate"] if args.weight == "exposure" else [])
        meta.update({"from": start.isoformat(), "to": end.isoformat(), "weight": args.weight,
                     "matrix": f"average of {view.average_years} yearly cohorts" if args.average_years else "cohort",
                     "average_window": [d.isoformat() for d in view.average_window] if view.average_window else None,
                     "summary": view.summary, "notes": view.notes})
        return {"matrix": chosen.select(cols), "nr_adjusted": chosen.select("from_grade", "to_grade",
                                                                             "nr_adjusted_rate"),
                "duration_matrix": view.duration, "calibration": view.calibration, "movers": view.movers,
                "notches": view.notches}
    if args.report in ("watchlist", "reviews"):
        inputs = monitoring_inputs(wh, as_of, filters, policy)
        if args.report == "reviews":
            rv = review_view(inputs, policy)
            meta.update(counts=dict(zip(rv.counts["status"].to_list(), rv.counts["customers"].to_list())))
            return rv.tables()
        wv = watchlist_view(inputs, policy)
        meta.update(previous_month_end=wv.previous.isoformat() if wv.previous else None,
                    customers_on_watchlist=wv.customers.height,
                    new_hits=wv.new_hits.height, resolved_hits=wv.resolved.height,
                    notes=wv.notes)
        return wv.tables()
    if args.report == "scores":
        model = args.model or rating_model(wh) or "expert"
        # the expert scorecard of the policy file as it is now; the trained models as the last run wrote them
        sv = scores_view(wh, as_of, filters, policy) if model == "expert" else \
            model_scores_view(wh, as_of, filters, policy, model)
        meta.update(model=model, model_name=MODEL_NAMES[model],
                    scored_at=sv.scored_at.isoformat() if sv.scored_at else None, notes=sv.notes)
        return sv.tables()
    if args.report == "model-validation":
        model = args.model or rating_model(wh) or "expert"
        mv = model_validation(wh, policy, model)
        meta.update(model=model, model_name=MODEL_NAMES[model], notes=mv.notes,
                    run={k: (v.isoformat() if isinstance(v, date) else v) for k, v in (mv.run.facts.items()
                                                                                     if mv.run else [])})
        if args.format == "md":
            meta["markdown"] = model_card_markdown(mv, policy)
        return mv.tables()
    if args.report == "scenario":
        return _scenario_tables(args, wh, as_of, filters, policy, meta)
    if args.report == "limits":
        lr = limit_recommendations(whatif_inputs(wh, as_of, filters, policy), policy)
        meta.update(customers=lr.frame.height, changes=lr.changes.height,
                    bases=list(policy.levers.bases), rating_model=rating_model(wh))
        return lr.tables()
    if args.report == "customer":
        if not args.customer:
            raise InvalidRequest(_("report customer needs --customer ID"))
        cf = customer_file(wh, args.customer, as_of, policy)
        meta.update(customer=args.customer, name=cf.profile.get("name"))
        return cf.tables()
    raise InvalidRequest(_("unknown report {name}").format(name=repr(args.report)))


def _scenario_tables(args: argparse.Namespace, wh: Warehouse, as_of: date, filters: Filters, policy: Policy,
                     meta: dict[str, object]) -> dict[str, pl.DataFrame]:
    """The what-if of a scenario file against today's portfolio, Monte Carlo included."""
    if not args.params:
        raise InvalidRequest(_("report scenario needs --params FILE (a TOML of levers, named as in the policy)"))
    path = Path(args.params)
    if not path.is_file():
        raise InvalidRequest(_("--params {path}: no such file").format(path=args.params))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidRequest(_("--params {path}: cannot be read as UTF-8 text ({reason})").format(
            path=args.params, reason=exc)) from None
    name, levers = read_scenario_text(text, policy.levers, str(path))
    view = scenario_view(whatif_inputs(wh, as_of, filters, policy), levers, monte_carlo=True)
    meta.update(scenario=name or path.stem, **view.json_summary(),
                base=view.json_summary(base=True), loss_model=view.loss_model(), levers=levers.to_mapping())
    return view.tables()


def cmd_score(args: argparse.Namespace) -> int:
    """Grade the warehouse again with the rating models (a new version): all three scored and
    the trained two trained, --model's grades written as ratings."""
    policy = load_policy(args.policy)
    folder = warehouse_dir(args.warehouse)
    until = _iso_date(args.train_until, "--train-until") if args.train_until else None
    path, run = rerate_warehouse(folder, policy, args.model, until, _say)
    wh = Warehouse(folder)
    try:
        comparison = wh.query("model_discrimination").filter(pl.col("sample") == "out_of_time")
    finally:
        wh.close()
    auroc = dict(zip(comparison["model"].to_list(), comparison["auroc"].to_list()))
    for model, status in run.status.items():
        if model in auroc:
            print(_("{model}: {status}, out-of-time AUROC {auroc}").format(
                model=model_name(model), status=status_text(status), auroc=fmt_number(auroc[model], 3)))
        else:
            print(_("{model}: {status}").format(model=model_name(model), status=status_text(status)))
    for note in run.notes:
        print(note_text(note))
    written = (_("ratings with source = model from the {model} model ({n} rating dates; ruling: {ruling}) -> {path}")
               if run.rating_model else
               _("ratings with source = model from no model ({n} rating dates; ruling: {ruling}) -> {path}"))
    print(written.format(model=run.rating_model, n=fmt_int(run.ratings_written), ruling=policy.rating.ruling, path=path))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    if args.format == "md" and args.report != "model-validation":
        raise InvalidRequest(_("--format md is the model card: report model-validation only"))
    wh = open_warehouse(args.warehouse, policy)
    try:
        as_of = calendar(wh).resolve(args.as_of)
        unknown = unknown_filter_values(filter_options(wh), _filters(args))
        if unknown:
            options = filter_options(wh)
            raise InvalidRequest("; ".join(
                _("unknown {dimension} {values} (choose from: {choices})").format(
                    dimension=_(DIMENSION_WORDS.get(dim, dim)), values=", ".join(map(repr, values)),
                    choices=", ".join(v for v, _label in options[dim][:30]) + (" ..." if len(options[dim]) > 30 else ""))
                for dim, values in unknown.items()))
        filters = _filters(args)
        currency = wh.info().get("reporting_currency", policy.reporting_currency)
        meta: dict[str, object] = {"report": args.report, "as_of": as_of.isoformat(), "currency": currency,
                                   "warehouse": wh.version, "filters": filters.as_dict()}
        tables = _report_tables(args, wh, as_of, filters, policy, meta)
        _write(tables, args.format, args.out, args.table, meta, args.fields)
    finally:
        wh.close()
    return 0


DIMENSION_WORDS = {"segment": N_("segment"), "industry": N_("industry"), "region": N_("region"),
                   "credit_manager": N_("credit manager"), "group": N_("group")}

# argparse's own words (usage, section titles, its errors), said in the CLI's language while it
# runs: argparse looks up its module-level gettext functions at each call (see _argparse_speaking)
ARGPARSE_TEXTS = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("the following arguments are required: %s"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"), N_("unrecognized arguments: %s"), N_("expected one argument"),
    N_("expected at most one argument"), N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"), N_("one of the arguments %s is required"),
)


@contextlib.contextmanager
def _argparse_speaking() -> Iterator[None]:
    """argparse's own texts through this project's catalogue for the duration of a command."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _language_code(text: str) -> str:
    """--lang's value: 'en' or 'zh' (also 'zh-CN', 'ZH', 'en_GB' ...)."""
    lang = i18n.normalize(text)
    if lang is None:
        raise argparse.ArgumentTypeError(_unknown_language(text))
    return lang


def _unknown_language(code: str) -> str:
    return _("unknown language {code}: use one of {choices}").format(
        code=repr(code), choices=", ".join(f"{k} ({name})" for k, name in i18n.LANGUAGES.items()))


def chosen_language(argv: list[str]) -> str:
    """The language a command line asks for: its --lang (anywhere in it), else CREDIT_LANG,
    LC_ALL or LANG (analytics.i18n.from_environment). Raises i18n.UnknownLanguage naming
    the choices for a --lang or CREDIT_LANG the CLI does not speak."""
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    pre.add_argument("--lang")
    known, _rest = pre.parse_known_args(argv)
    if known.lang is not None:
        if i18n.normalize(known.lang) is None:
            raise i18n.UnknownLanguage(_unknown_language(known.lang))
        return i18n.normalize(known.lang)  # type: ignore[return-value]
    stated = os.environ.get("CREDIT_LANG")
    if stated and i18n.normalize(stated) is None:
        raise i18n.UnknownLanguage(_("CREDIT_LANG {code} is not a language this tool speaks: use one of {choices}")
                                   .format(code=repr(stated), choices=", ".join(i18n.LANGUAGES)))
    return i18n.from_environment()


def cmd_i18n(args: argparse.Namespace) -> int:
    """The translation catalogues (analytics.i18n_catalog): extract, update or check."""
    from analytics import i18n_catalog
    return int(i18n_catalog.main([args.action]))


def parser() -> argparse.ArgumentParser:
    """The CLI's parser, its help texts in the current language (build it after choosing one)."""
    lang_help = _("language of the messages, reports and pack: en or zh (default: $CREDIT_LANG, else the "
                  "locale's, else en); before or after the command")
    warehouse_help = _("warehouse folder (default $CREDIT_WAREHOUSE or ./warehouse)")
    policy_help = _("credit policy TOML (default $CREDIT_POLICY or the shipped policy)")
    p = argparse.ArgumentParser(prog="python -m analytics",
                                description=_("Credit portfolio risk: load, generate, report."))
    p.add_argument("--lang", type=_language_code, metavar="en|zh", help=lang_help)
    sub = p.add_subparsers(dest="command", required=True, title=_("commands"), metavar="COMMAND")

    lp = sub.add_parser("load", help=_("validate a folder of source files and build a new warehouse"))
    lp.add_argument("source_dir", help=_("the folder of source files (CSV, XLSX or Parquet)"))
    lp.add_argument("--mapping", help=_("TOML mapping of source files/columns/values to the contract"))
    lp.add_argument("--warehouse", help=warehouse_help)
    lp.add_argument("--policy", help=policy_help)
    lp.add_argument("--extracted-on", help=_("the day the data was taken, YYYY-MM-DD (default: the mapping's "
                                             "[export] extracted_on, else the latest document date)"))
    lp.set_defaults(func=cmd_load)

    wp = sub.add_parser("warehouse", help=_("look after the warehouse folder"))
    wp.add_argument("action", choices=["clean"], help=_("clean: remove what interrupted loads left behind (never "
                                                        "the current version)"))
    wp.add_argument("--warehouse", help=warehouse_help)
    wp.set_defaults(func=cmd_warehouse)

    gp = sub.add_parser("generate", help=_("write a synthetic portfolio in the import format"))
    gp.add_argument("--customers", type=int, default=SAMPLE_CUSTOMERS, help=_("how many customers (default {n})")
                    .format(n=SAMPLE_CUSTOMERS))
    gp.add_argument("--years", type=int, default=SAMPLE_YEARS, help=_("how many years of history (default {n})")
                    .format(n=SAMPLE_YEARS))
    gp.add_argument("--seed", type=int, default=SAMPLE_SEED, help=_("random seed (default {n})").format(n=SAMPLE_SEED))
    gp.add_argument("--out", required=True, help=_("output folder"))
    gp.add_argument("--format", choices=["csv", "parquet"], default="csv", help=_("file format (default csv)"))
    gp.add_argument("--end-date", help=_("last day of the data (default 2026-10-31)"))
    gp.set_defaults(func=cmd_generate)

    sp = sub.add_parser("sample", help=_("generate and load the built-in sample portfolio"))
    sp.add_argument("--warehouse", help=warehouse_help)
    sp.add_argument("--if-missing", action="store_true",
                    help=_("keep an existing warehouse built by this version of the code"))
    sp.set_defaults(func=cmd_sample)

    cp = sub.add_parser("score", help=_("grade the warehouse again with the rating models (a new version)"))
    cp.add_argument("--model", choices=["expert", "statistical", "ml"],
                    help=_("the model whose grades become the ratings with source = model (default: the policy's "
                           "[scoring.rating] model)"))
    cp.add_argument("--train-until", help=_("the last observation month-end the trained models learn from, "
                                            "YYYY-MM-DD (default: every month-end whose 12-month outcome is known)"))
    cp.add_argument("--warehouse", help=warehouse_help)
    cp.add_argument("--policy", help=policy_help)
    cp.set_defaults(func=cmd_score)

    rp = sub.add_parser("report", help=_("print or save a report (the same numbers as the pages)"))
    rp.add_argument("report", choices=["exposure", "aging", "kpis", "ecl", "collections", "customer", "migration",
                                       "watchlist", "reviews", "scenario", "reconciliation", "scores",
                                       "model-validation", "limits"], help=_("the report"))
    rp.add_argument("--model", choices=["expert", "statistical", "ml"],
                    help=_("scores / model-validation: which rating model (default: the one in force)"))
    rp.add_argument("--params", help=_("scenario: TOML of levers (names as in the policy's [limits] and [stress])"))
    rp.add_argument("--customer", help=_("customer: the customer_id whose credit file to print"))
    rp.add_argument("--as-of", help=_("as-of date YYYY-MM-DD: any day up to the extraction date, or a month-end "
                                      "snapshot (default: the extraction date)"))
    rp.add_argument("--warehouse", help=warehouse_help)
    rp.add_argument("--policy", help=policy_help)
    rp.add_argument("--format", choices=["csv", "json", "xlsx", "md"], default="csv",
                    help=_("md: the model card as Markdown (model-validation)"))
    rp.add_argument("--out", help=_("output file (xlsx needs one; default stdout)"))
    rp.add_argument("--table", help=_("csv only: which table (default: the report's first)"))
    rp.add_argument("--fields", action="store_true",
                    help=_("csv / xlsx: head the columns with their field names (for scripts and re-imports) "
                           "instead of their labels in the current language"))
    rp.add_argument("--buckets", help=_("aging / ecl: upper dpd bounds, e.g. 0,30,60,90 (default: policy)"))
    rp.add_argument("--rates", help=_("ecl: one loss rate per bucket, e.g. 0.3%,1.6%,... (default: derived)")
                    .replace("%", "%%"))
    rp.add_argument("--window", type=int, help=_("ecl: roll-rate window in months (default: policy)"))
    rp.add_argument("--overlay", type=float, help=_("ecl: forward-looking overlay factor (default: policy)"))
    rp.add_argument("--by-invoice-date", action="store_true", help=_("aging: age by invoice date, not due date"))
    rp.add_argument("--period-months", type=int, help=_("kpis: KPI period in months (default: policy)"))
    rp.add_argument("--from", dest="from_date",
                    help=_("migration: cohort start YYYY-MM-DD (default: a year before --to)"))
    rp.add_argument("--to", dest="to_date", help=_("migration: cohort end YYYY-MM-DD (default: --as-of)"))
    rp.add_argument("--weight", choices=["count", "exposure"], default="count",
                    help=_("migration: add exposure-weighted columns (gross exposure at the start)"))
    rp.add_argument("--average-years", type=int,
                    help=_("migration: the pooled average matrix of the last N yearly cohorts ending at --to"))
    for flag, dim in (("segment", "segment"), ("industry", "industry"), ("region", "region"),
                      ("manager", "credit_manager"), ("group", "group")):
        words = DIMENSION_WORDS[dim]
        rp.add_argument(f"--{flag}", action="append", help=_("filter by {dimension} (repeatable)").format(
            dimension=_(words)))
    rp.set_defaults(func=cmd_report)
    register_decisions(sub)

    ip = sub.add_parser("i18n", help=_("the translation catalogues: extract the texts, update or check the "
                                       "translations"))
    ip.add_argument("action", choices=["check", "extract", "update"],
                    help=_("check: exit 1 naming untranslated entries; extract: write the template; update: merge "
                           "it into each language's catalogue"))
    ip.set_defaults(func=cmd_i18n)

    for command in sub.choices.values():  # --lang after the command as well (the one before it stays if not)
        command.add_argument("--lang", type=_language_code, metavar="en|zh", default=argparse.SUPPRESS,
                             help=lang_help)
    return p


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else list(argv)
    with i18n.speaking(i18n.from_environment()):  # a wrong --lang is told in the environment's language
        try:
            lang = chosen_language(args_in)
        except i18n.UnknownLanguage as exc:
            print(_("error: {reason}").format(reason=exc), file=sys.stderr)
            return 2
    with i18n.speaking(lang), _argparse_speaking():
        args = parser().parse_args(args_in)
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args))
    except (PolicyError, MappingError, WarehouseMissing, InvalidRequest, ValueError) as exc:
        print(_("error: {reason}").format(reason=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("stopped: nothing was changed (an interrupted load leaves the current warehouse serving)"),
              file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - no traceback reaches the user; CREDIT_DEBUG=1 shows it
        if os.environ.get("CREDIT_DEBUG"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        print(_("error: {kind}: {reason}\n(nothing was changed; set CREDIT_DEBUG=1 to see the details)").format(
            kind=type(exc).__name__, reason=first), file=sys.stderr)
        return 3
