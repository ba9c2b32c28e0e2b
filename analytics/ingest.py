"""The loader's front half: read source files, map them onto the contract, validate.

Nothing here writes: `read_and_validate` returns typed contract frames or a full
list of errors (file, row, column, value, rule). The warehouse is only built
from a clean result (see analytics.warehouse.build_warehouse).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandera.polars as pa
import polars as pl

from analytics.contract import POLARS_TYPES, TABLES, Column, Table
from analytics.mapping import TableMapping
from analytics.policy import Policy

ROW = "__row"  # source row number (line in a CSV, row in a sheet) kept for error messages
SUFFIXES = (".csv", ".xlsx", ".parquet")
TRUE_VALUES = ("true", "t", "yes", "y", "1")
FALSE_VALUES = ("false", "f", "no", "n", "0")
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class LoadIssue:
    """One problem found in the input, precise enough to fix it."""

    table: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str


@dataclass
class LoadResult:
    """Typed contract frames (when clean) and everything that was wrong."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    issues: list[LoadIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


class _Collector:
    def __init__(self) -> None:
        self.issues: list[LoadIssue] = []

    def add(self, table: str, file: str, rule: str, message: str, *, row: int | None = None,
            column: str | None = None, value: object = None) -> None:
        self.issues.append(LoadIssue(table, file, row, column, None if value is None else str(value), rule, message))

    def add_rows(self, table: str, file: str, bad: pl.DataFrame, column: str | None, rule: str, message: str,
                 value_col: str | None = None) -> None:
        """Record one issue per offending row of `bad` (which carries ROW)."""
        vcol = value_col or column
        values = bad[vcol].cast(pl.String).to_list() if vcol and vcol in bad.columns else [None] * bad.height
        for row, value in zip(bad[ROW].to_list(), values):
            self.add(table, file, rule, message, row=row, column=column, value=value)


# ----------------------------------------------------------------------------- reading

def find_source_file(source_dir: Path, table: str, mapping: TableMapping | None) -> Path | None:
    """The file for a table: the mapping's `file`, else <table>.csv|.xlsx|.parquet."""
    if mapping is not None and mapping.file:
        return source_dir / mapping.file
    for suffix in SUFFIXES:
        candidate = source_dir / f"{table}{suffix}"
        if candidate.exists():
            return candidate
    return None


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def read_source(path: Path, sheet: str | None = None) -> pl.DataFrame:
    """Read CSV/XLSX/Parquet; CSV and XLSX come back as text, Parquet keeps its types."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = decode_text(path.read_bytes())
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=False)
        return frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    if suffix in (".xlsx", ".xlsm", ".xls"):
        frame = pl.read_excel(path, sheet_name=sheet, infer_schema_length=0) if sheet else pl.read_excel(
            path, infer_schema_length=0)
        return frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    if suffix == ".parquet":
        return pl.read_parquet(path).with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    raise ValueError(f"unsupported file type {suffix!r} (use .csv, .xlsx or .parquet)")


# ----------------------------------------------------------------------------- typing

def _parse_column(col: Column, series: pl.Series, date_format: str | None,
                  value_map: dict[str, list[str]] | None) -> pl.Series:
    """Convert one source column to its contract type; unparseable values become null."""
    target = POLARS_TYPES[col.type]
    if series.dtype == target and not value_map:
        return series
    if col.type == "date" and series.dtype == pl.Datetime:
        return series.dt.date()
    text = series.cast(pl.String).str.strip_chars()
    text = pl.select(pl.when(text == "").then(None).otherwise(text)).to_series().alias(series.name)
    if value_map:
        mapping = {src: target_value for target_value, sources in value_map.items() for src in sources}
        text = text.replace(mapping)
    if col.type == "str":
        return text
    if col.type == "date":
        if date_format:
            return text.str.strptime(pl.Date, date_format, strict=False)
        text = text.str.replace(r"[ T]00:00:00(\.0+)?$", "")
        return text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    if col.type in ("amount", "float"):
        cleaned = text.str.replace_all(r"[,\s]", "")
        return cleaned.cast(pl.Float64, strict=False)
    if col.type == "int":
        cleaned = text.str.replace(r"\.0+$", "")
        return cleaned.cast(pl.Int64, strict=False)
    if col.type == "bool":
        lowered = text.str.to_lowercase()
        return (
            pl.select(
                pl.when(lowered.is_in(TRUE_VALUES)).then(True)
                .when(lowered.is_in(FALSE_VALUES)).then(False)
                .otherwise(None)
            ).to_series().alias(series.name)
        )
    raise AssertionError(col.type)


def _conform(table: Table, raw: pl.DataFrame, mapping: TableMapping | None, file: str, policy: Policy,
             errors: _Collector) -> pl.DataFrame | None:
    """Rename, type and default one table; None when columns are missing."""
    mapping = mapping or TableMapping()
    rename: dict[str, str] = {}
    for col in table.columns:
        source_name = mapping.columns.get(col.name, col.name)
        if source_name in raw.columns:
            rename[source_name] = col.name
        elif col.name in mapping.columns:
            errors.add(table.name, file, "mapped column missing",
                       f"the mapping takes {col.name} from column {source_name!r}, which the file does not have "
                       f"(columns found: {', '.join(c for c in raw.columns if c != ROW)})", column=col.name)
        elif col.required:
            errors.add(table.name, file, "required column missing",
                       f"required column {col.name!r} is missing (columns found: "
                       f"{', '.join(c for c in raw.columns if c != ROW)})", column=col.name)
    if any(i.table == table.name and i.rule in ("required column missing", "mapped column missing")
           for i in errors.issues):
        return None
    frame = raw.select([pl.col(ROW), *[pl.col(src).alias(dst) for src, dst in rename.items()]])
    out: list[pl.Series] = [frame[ROW]]
    for col in table.columns:
        if col.name not in frame.columns:
            out.append(pl.Series(col.name, [col.default] * frame.height, dtype=POLARS_TYPES[col.type]))
            continue
        source = frame[col.name]
        parsed = _parse_column(col, source, mapping.date_format, mapping.values.get(col.name))
        failed = None
        if col.type != "str" and parsed is not source and source.dtype != POLARS_TYPES[col.type]:
            source_text = source.cast(pl.String).str.strip_chars()
            failed = parsed.is_null() & source_text.is_not_null() & (source_text != "")
        if failed is not None and failed.any():
            bad = frame.filter(failed)
            expected = {"date": f"a date ({mapping.date_format or 'YYYY-MM-DD'})", "amount": "a number",
                        "float": "a number", "int": "a whole number",
                        "bool": "true/false (or a value mapped in the mapping file)"}[col.type]
            errors.add_rows(table.name, file, bad, col.name, "wrong type", f"{col.name} must be {expected}")
        if col.default is not None:
            parsed = parsed.fill_null(col.default)
        out.append(parsed.alias(col.name))
    typed = pl.DataFrame(out)
    if "currency" in typed.columns:
        typed = typed.with_columns(
            pl.col("currency").str.to_uppercase().fill_null(policy.reporting_currency).alias("currency"))
    for name in ("doc_type", "method", "status", "event_type", "severity", "collateral_type", "segment"):
        if name in typed.columns:
            typed = typed.with_columns(pl.col(name).str.to_lowercase().str.replace_all(" ", "_"))
    return typed


# ----------------------------------------------------------------------------- column rules (pandera)

def _schema(table: Table, policy: Policy, today: date) -> pa.DataFrameSchema:
    lo, hi = policy.min_date, policy.max_date(today)
    columns: dict[str, pa.Column] = {}
    for col in table.columns:
        checks: list[pa.Check] = []
        if col.allowed:
            checks.append(pa.Check.isin(list(col.allowed)))
        if col.non_negative:
            checks.append(pa.Check.ge(0))
        if col.type == "date":
            checks.append(pa.Check.in_range(lo, hi))
        columns[col.name] = pa.Column(
            POLARS_TYPES[col.type], checks=checks, nullable=not col.required,
            unique=len(table.key) == 1 and col.name == table.key[0],
        )
    columns[ROW] = pa.Column(pl.Int64)
    unique = list(table.key) if len(table.key) > 1 else None
    return pa.DataFrameSchema(columns, unique=unique, coerce=False)


RULE_NAMES = {
    "not_nullable": "required value missing",
    "field_uniqueness": "duplicate key",
    "multiple_fields_uniqueness": "duplicate key",
    "isin": "unknown value",
    "greater_than_or_equal_to": "negative amount",
    "in_range": "date out of range",
}


def _check_columns(table: Table, frame: pl.DataFrame, file: str, policy: Policy, today: date,
                   errors: _Collector) -> None:
    try:
        _schema(table, policy, today).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for case in cases.iter_rows(named=True):
            check = str(case["check"])
            base = check.split("(")[0]
            rule = RULE_NAMES.get(base, base)
            column = case["column"]
            idx = case.get("index")
            row = frame[ROW][int(idx)] if idx is not None else None
            value = case["failure_case"]
            if rule == "duplicate key":
                key = ", ".join(table.key)
                message = f"{key} must be unique; this key appears more than once"
                if column is None or column == table.name:
                    column = key
            elif rule == "unknown value":
                message = f"{column} must be one of: {', '.join(table.column(column).allowed or ())}"
            elif rule == "negative amount":
                message = f"{column} must not be negative"
            elif rule == "date out of range":
                message = f"{column} must be between {policy.min_date} and {policy.max_date(today)}"
            elif rule == "required value missing":
                message = f"{column} is required and may not be empty"
            else:
                message = f"{column} fails check {check}"
            errors.add(table.name, file, rule, message, row=row, column=column, value=value)


# ----------------------------------------------------------------------------- cross-table rules

def _refs(tables: dict[str, pl.DataFrame], files: dict[str, str], errors: _Collector) -> None:
    customers = tables["customers"].select("customer_id")
    for name, frame in tables.items():
        if name == "customers" or "customer_id" not in frame.columns:
            continue
        bad = frame.join(customers, on="customer_id", how="anti")
        errors.add_rows(name, files[name], bad, "customer_id", "unknown customer",
                        "customer_id is not in the customers table")
    parents = tables["customers"].filter(pl.col("parent_id").is_not_null())
    bad = parents.join(customers.rename({"customer_id": "parent_id"}), on="parent_id", how="anti")
    errors.add_rows("customers", files["customers"], bad, "parent_id", "unknown parent",
                    "parent_id must be the customer_id of another customer")


def _invoice_rules(tables: dict[str, pl.DataFrame], files: dict[str, str], policy: Policy,
                   errors: _Collector) -> None:
    inv = tables["invoices"]
    file = files["invoices"]
    bad = inv.filter((pl.col("doc_type") == "invoice") & (pl.col("amount") < 0))
    errors.add_rows("invoices", file, bad, "amount", "negative invoice amount",
                    "an invoice amount must be positive (book a credit note with doc_type credit_note)")
    bad = inv.filter(pl.col("due_date") < pl.col("invoice_date"))
    errors.add_rows("invoices", file, bad, "due_date", "due before invoice date",
                    "due_date must be on or after invoice_date")
    bad = inv.filter(pl.col("paid_date") < pl.col("invoice_date"))
    errors.add_rows("invoices", file, bad, "paid_date", "paid before invoice date",
                    "paid_date must be on or after invoice_date")
    if "payments" not in tables:
        return
    pay = tables["payments"]
    pfile = files["payments"]
    applied = pay.filter(pl.col("invoice_id").is_not_null())
    joined = applied.join(inv.select("invoice_id", pl.col("customer_id").alias("inv_customer_id"),
                                     "invoice_date", pl.col("amount").alias("inv_amount"),
                                     pl.col("currency").alias("inv_currency")),
                          on="invoice_id", how="left")
    bad = joined.filter(pl.col("inv_customer_id").is_null())
    errors.add_rows("payments", pfile, bad, "invoice_id", "unknown invoice", "invoice_id is not in the invoices table")
    known = joined.filter(pl.col("inv_customer_id").is_not_null())
    bad = known.filter(pl.col("customer_id") != pl.col("inv_customer_id"))
    errors.add_rows("payments", pfile, bad, "customer_id", "payment customer mismatch",
                    "customer_id differs from the customer of the invoice it is applied to")
    bad = known.filter(pl.col("currency") != pl.col("inv_currency"))
    errors.add_rows("payments", pfile, bad, "currency", "payment currency mismatch",
                    "an applied payment must be in the currency of its invoice")
    bad = known.filter(pl.col("payment_date") < pl.col("invoice_date"))
    errors.add_rows("payments", pfile, bad, "payment_date", "paid before invoice date",
                    "payment_date is before the date of the invoice it is applied to")
    tol = policy.payment_tolerance_pct / 100
    over = (
        known.group_by("invoice_id")
        .agg(pl.col("amount").sum().alias("paid_amt"), pl.col("inv_amount").first(), pl.col(ROW).max())
        .filter(pl.col("paid_amt") > pl.col("inv_amount").abs() * (1 + tol) + 0.01)
        .sort(ROW)
    )
    errors.add_rows("payments", pfile, over, "amount", "payments exceed invoice",
                    f"payments applied to this invoice exceed its amount by more than "
                    f"{policy.payment_tolerance_pct:g}%", value_col="paid_amt")


def _other_rules(tables: dict[str, pl.DataFrame], files: dict[str, str], policy: Policy,
                 errors: _Collector) -> None:
    pairs = [("credit_limits", "effective_from", "expires_on"), ("collateral", "valid_from", "valid_to"),
             ("orders", "order_date", "invoiced_on")]
    for name, start, end in pairs:
        if name in tables:
            bad = tables[name].filter(pl.col(end) < pl.col(start))
            errors.add_rows(name, files[name], bad, end, "end before start", f"{end} must be on or after {start}")
    if "ratings" in tables:
        ratings = tables["ratings"]
        bad = ratings.filter(~pl.col("grade").is_in(list(policy.scale)))
        errors.add_rows("ratings", files["ratings"], bad, "grade", "unknown grade",
                        f"grade must be on the policy scale ({', '.join(policy.scale)}) or mapped to it in "
                        f"[ratings.grade_map] of the credit policy")
        bad = ratings.filter((pl.col("pd") < 0) | (pl.col("pd") > 1))
        errors.add_rows("ratings", files["ratings"], bad, "pd", "pd out of range",
                        "pd is a fraction between 0 and 1 (0.0018 = 0.18%)")
    if "fx_rates" in tables:
        bad = tables["fx_rates"].filter(pl.col("rate_to_reporting") <= 0)
        errors.add_rows("fx_rates", files["fx_rates"], bad, "rate_to_reporting", "non-positive rate",
                        "rate_to_reporting must be greater than zero")
    known = {policy.reporting_currency}
    if "fx_rates" in tables:
        known |= set(tables["fx_rates"]["currency"].unique().to_list())
    for name, frame in tables.items():
        if "currency" not in frame.columns or name == "fx_rates":
            continue
        bad = frame.filter(~pl.col("currency").is_in(list(known)))
        errors.add_rows(name, files[name], bad, "currency", "currency without fx rate",
                        f"no fx_rates to {policy.reporting_currency} for this currency")


# ----------------------------------------------------------------------------- entry point

def read_and_validate(source_dir: Path, mappings: dict[str, TableMapping], policy: Policy,
                      today: date | None = None) -> LoadResult:
    """Read every contract table found in source_dir and validate all of it."""
    today = today or date.today()
    errors = _Collector()
    result = LoadResult()
    if not source_dir.is_dir():
        errors.add("-", str(source_dir), "source folder missing", f"{source_dir} is not a folder")
        result.issues = errors.issues
        return result
    for table in TABLES.values():
        mapping = mappings.get(table.name)
        path = find_source_file(source_dir, table.name, mapping)
        if path is None or not path.exists():
            if table.required or (mapping and mapping.file):
                wanted = path.name if path else f"{table.name}.csv / .xlsx / .parquet"
                errors.add(table.name, wanted, "file missing",
                           f"no file for the {'required ' if table.required else ''}table {table.name} "
                           f"({wanted} not found in {source_dir})")
            continue
        try:
            raw = read_source(path, mapping.sheet if mapping else None)
        except Exception as exc:  # noqa: BLE001 - every reader error becomes a message
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            errors.add(table.name, path.name, "unreadable file", f"cannot read {path.name}: {reason[:300]}")
            continue
        typed = _conform(table, raw, mapping, path.name, policy, errors)
        if typed is None:
            continue
        if table.name == "ratings":
            typed = typed.with_columns(pl.col("grade").str.strip_chars().str.to_uppercase()
                                       .replace(policy.grade_map))
        _check_columns(table, typed, path.name, policy, today, errors)
        result.tables[table.name] = typed
        result.sources[table.name] = path.name
    if "customers" in result.tables and "invoices" in result.tables:
        if result.tables["invoices"].height == 0:
            errors.add("invoices", result.sources["invoices"], "no rows", "the invoices file has no data rows")
        # cross-table rules run even after column errors, so one pass reports everything
        terms = result.tables["customers"].select("customer_id", "payment_terms_days").unique("customer_id", keep="first")
        inv = result.tables["invoices"].join(terms, on="customer_id", how="left")
        inv = inv.with_columns(
            pl.when(pl.col("doc_type") == "credit_note").then(-pl.col("amount").abs())
            .otherwise(pl.col("amount")).alias("amount"),
            pl.coalesce(pl.col("due_date"),
                        pl.col("invoice_date") + pl.duration(days=pl.col("payment_terms_days").fill_null(0)))
            .alias("due_date"),
        ).drop("payment_terms_days")
        result.tables["invoices"] = inv
        _refs(result.tables, result.sources, errors)
        _invoice_rules(result.tables, result.sources, policy, errors)
        _other_rules(result.tables, result.sources, policy, errors)
    result.issues = errors.issues
    if result.issues:
        result.tables = {}
    else:
        result.tables = {name: frame.drop(ROW) for name, frame in result.tables.items()}
    return result


def format_report(issues: list[LoadIssue]) -> str:
    """A readable error report: counts per rule, then the first examples of each."""
    if not issues:
        return "no problems found"
    frame = pl.DataFrame([i.__dict__ for i in issues], schema={
        "table": pl.String, "file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String,
        "rule": pl.String, "message": pl.String})
    lines = [f"{len(issues)} problem(s) found; nothing was loaded and the current warehouse is unchanged.", ""]
    groups = frame.group_by(["file", "rule"], maintain_order=True).agg(pl.len().alias("n"), pl.all().head(MAX_EXAMPLES))
    for grp in groups.iter_rows(named=True):
        lines.append(f"{grp['file']}: {grp['rule']} ({grp['n']} row{'s' if grp['n'] != 1 else ''})")
        for row, column, value, message in zip(grp["row"], grp["column"], grp["value"], grp["message"]):
            where = f"row {row}" if row is not None else "file"
            col = f", column {column}" if column else ""
            val = f", value {value!r}" if value is not None else ""
            lines.append(f"  {where}{col}{val}: {message}")
        if grp["n"] > MAX_EXAMPLES:
            lines.append(f"  ... and {grp['n'] - MAX_EXAMPLES} more")
    return "\n".join(lines)
