"""The loader's front half: read source files, map them onto the contract, validate.

Nothing here writes: `read_and_validate` returns typed contract frames or a full
list of errors (file, row, column, value, rule). The warehouse is only built
from a clean result (see analytics.data.warehouse.build_warehouse).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import pandera.polars as pa
import polars as pl

from analytics.data import numbers
from analytics.formats import fmt_days, fmt_int, fmt_number
from analytics.i18n import DEFAULT, N_, _, current, ngettext
from analytics.data.contract import POLARS_TYPES, TABLES, Column, Table
from analytics.data.mapping import TableMapping
from analytics.policy import Policy
from analytics.data.sources import ROW, SUFFIXES, SourceError, read_source

TRUE_VALUES = ("true", "t", "yes", "y", "1")
FALSE_VALUES = ("false", "f", "no", "n", "0")
MAX_EXAMPLES = 5
NOTES_KEPT = 1000  # rows of one kind of note kept as examples (the count covers all)
# The dates a document carries, which set the extraction date and are checked against it.
DOCUMENT_DATES = (("invoices", "invoice_date"), ("invoices", "paid_date"), ("payments", "payment_date"),
                  ("orders", "order_date"), ("orders", "invoiced_on"), ("orders", "cancelled_on"),
                  ("credit_limits", "effective_from"), ("ratings", "rated_on"), ("events", "event_date"),
                  ("collateral", "valid_from"))
# The date at which a document in a foreign currency is first converted.
FX_DATES = (("invoices", "invoice_date"), ("payments", "payment_date"), ("orders", "order_date"),
            ("credit_limits", "effective_from"), ("collateral", "valid_from"))


@dataclass(frozen=True)
class Text:
    """Words for a user held as their English source text (a gettext msgid, marked with N_()
    where it is written) and the values of its {placeholders}: str() says them in the current
    language, english() in English, the form the warehouse keeps (each reader then reads
    them in their own language through shown())."""

    source: str
    values: tuple[tuple[str, object], ...] = ()

    def _render(self, english: bool) -> str:
        template = self.source if english else _(self.source)
        return template.format(**{k: v._render(english) if isinstance(v, Text) else v for k, v in self.values})

    def __str__(self) -> str:
        return self._render(False)

    def english(self) -> str:
        return self._render(True)


def stored(source: str, /, **values: object) -> Text:
    """A text the warehouse keeps (a load note, the extraction basis): `source` marked with N_()."""
    return Text(source, tuple(values.items()))


@dataclass(frozen=True)
class LoadIssue:
    """One problem found in the input, precise enough to fix it. `rule` is the kind's
    machine name (shown through rule_label()); `message` says it in the language of the
    load; `stored_message` is what the warehouse keeps of a note (English, see shown())."""

    table: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    stored_message: str = ""


# The rules a load checks, by their machine names (LoadIssue.rule); shown through rule_label().
RULES = (
    N_("source folder missing"), N_("file missing"), N_("unreadable file"), N_("no rows"),
    N_("wrong encoding"), N_("unknown encoding"), N_("too many columns"), N_("duplicate column"),
    N_("column without a name"), N_("field too long"), N_("ragged row"),
    N_("mapped column missing"), N_("required column missing"), N_("column not used"),
    N_("control character"), N_("control characters replaced"), N_("spaces trimmed"),
    N_("two number conventions"), N_("ambiguous number"), N_("wrong type"), N_("not a finite number"),
    N_("amount beyond bound"), N_("required value missing"), N_("duplicate key"), N_("unknown value"),
    N_("negative amount"), N_("date out of range"), N_("unknown customer"), N_("unknown parent"),
    N_("instalments disagree"), N_("negative invoice amount"), N_("due before invoice date"),
    N_("paid before invoice date"), N_("applies_to on an invoice"), N_("unknown invoice"),
    N_("credit note customer mismatch"), N_("credit note currency mismatch"), N_("instalment without invoice"),
    N_("payment customer mismatch"), N_("payment currency mismatch"), N_("unknown instalment"),
    N_("advance payment"), N_("overpayment"), N_("paid_date not used"), N_("end before start"),
    N_("invoiced and cancelled"), N_("status contradicts date"), N_("unknown grade"), N_("pd out of range"),
    N_("non-positive rate"), N_("currency without fx rate"), N_("earliest fx rate used"),
    N_("no fx rate on or before the date"), N_("extraction date in the future"),
    N_("extraction date before the data"), N_("date far beyond the data"), N_("dated after the extraction date"),
    N_("closed without a date"),
)


def rule_label(rule: str) -> str:
    """A rule's name in the current language (a rule of no known name as it is)."""
    return _(rule) if rule else rule


# What a clean load notes: kept in the warehouse in English, each reader reads it in their language (shown()).
NOTE_CONTROL = N_("{column} held control characters (NUL, tab, line break ...): each was replaced by a space")
NOTE_TRIMMED = N_("{column} had spaces around the value: they were removed (keys are compared without them)")
NOTE_UNUSED = N_("column {column} is neither a contract column of {table} nor mapped to one: it was not loaded")
NOTE_PREPAID = N_("settled before the invoice was raised (paid in advance): it counts as settled from its "
                  "invoice date")
NOTE_ADVANCE = N_("paid before its invoice was raised: cash on account until the invoice date, then applied to it")
NOTE_OVERPAYMENT = N_("payments (and credit notes) applied to this invoice exceed it by the value shown: that "
                      "surplus is a credit on the customer's account")
NOTE_PAID_DATE = N_("payments or credit notes name this invoice and settle it differently from its paid_date: "
                    "they are used, the paid_date is not")
NOTE_EARLIEST_FX = N_("no {currency} rate on or before this date: converted at the earliest {currency} rate, of "
                      "{first_on}, until then ([fx] missing_rate = \"earliest\")")
NOTE_POST_DATED = N_("dated after the extraction date {date} (a post-dated cheque or a scheduled change): it "
                     "counts at no as-of date until the data is taken again")
NOTE_UNDATED_CLOSE = N_("marked invoiced or cancelled without its date: open until the extraction date {date}, "
                        "closed from then on")
# How the extraction date was set (warehouse_info extraction_basis, kept in English as well).
BASIS_STATED = N_("stated ({source})")
BASIS_MAPPING = N_("[export] extracted_on in {file}")
BASIS_LATEST = N_("the latest document date")
BASIS_SUSPECTS = N_("the latest document date, with {n} of the latest documents set apart as suspect (dated more "
                    "than {days} days after all the others)")
BASIS_INVOICES = N_("the latest invoice date")
STORED_TEXTS = (NOTE_CONTROL, NOTE_TRIMMED, NOTE_UNUSED, NOTE_PREPAID, NOTE_ADVANCE, NOTE_OVERPAYMENT, NOTE_PAID_DATE,
                NOTE_EARLIEST_FX, NOTE_POST_DATED, NOTE_UNDATED_CLOSE, BASIS_STATED, BASIS_MAPPING, BASIS_LATEST,
                BASIS_SUSPECTS, BASIS_INVOICES)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression that reads the values of `template`'s placeholders back from its English."""
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
    return re.compile("".join(parts), re.DOTALL)


def shown(english: str | None) -> str:
    """A text the warehouse keeps in English (a load note's message, the extraction basis)
    in the current language, its values as they were; a text of no known form as it is."""
    if not english or current() == DEFAULT:
        return english or ""
    for template in STORED_TEXTS:
        found = _pattern(template).fullmatch(english)
        if found:
            return _(template).format(**{k: shown(v) for k, v in found.groupdict().items()})
    return english


@dataclass
class LoadResult:
    """Typed contract frames (when clean), everything that was wrong (issues: nothing loads)
    and what the load should say but that does not stop it (notes), and the extraction date."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    issues: list[LoadIssue] = field(default_factory=list)
    notes: list[LoadIssue] = field(default_factory=list)  # at most NOTES_KEPT examples of each kind
    note_counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (file, rule) -> rows in all
    extracted_on: date | None = None
    extraction_basis: str = ""  # how the extraction date was set

    @property
    def ok(self) -> bool:
        return not self.issues


class _Collector:
    """Issues (or notes) as they are found. With `keep`, at most that many rows of one kind
    (file and rule) are kept as examples; counts holds how many there were in all."""

    def __init__(self, keep: int | None = None) -> None:
        self.issues: list[LoadIssue] = []
        self.keep = keep
        self.counts: dict[tuple[str, str], int] = {}

    def add(self, table: str, file: str, rule: str, message: str | Text, *, row: int | None = None,
            column: str | None = None, value: object = None) -> None:
        kind = (file, rule)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if self.keep is None or self.counts[kind] <= self.keep:
            said, kept = _said(message)
            self.issues.append(LoadIssue(table, file, row, column, None if value is None else str(value), rule,
                                         said, kept))

    def add_rows(self, table: str, file: str, bad: pl.DataFrame, column: str | None, rule: str,
                 message: str | Text, value_col: str | None = None) -> None:
        """Record one issue per offending row of `bad` (which carries ROW)."""
        if bad.height == 0:
            return
        kind = (file, rule)
        room = bad.height if self.keep is None else max(0, self.keep - self.counts.get(kind, 0))
        head = bad.head(room)
        vcol = value_col or column
        values = head[vcol].cast(pl.String).to_list() if vcol and vcol in head.columns else [None] * head.height
        said, kept = _said(message)
        for row, value in zip(head[ROW].to_list(), values):
            self.issues.append(LoadIssue(table, file, row, column, value, rule, said, kept))
        self.counts[kind] = self.counts.get(kind, 0) + bad.height


def _said(message: str | Text) -> tuple[str, str]:
    """A message in the current language, and as the warehouse keeps it."""
    return (str(message), message.english()) if isinstance(message, Text) else (message, message)


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


# ----------------------------------------------------------------------------- typing

CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # C0 controls and DEL, less tab and line breaks
LINE_BREAKS = r"[\t\r\n]"


def _is_code(table: Table, col: Column) -> bool:
    """Keys, references and closed vocabularies: no control character, not even a tab."""
    return col.name.endswith("_id") or col.name in table.key or col.name == "applies_to" or bool(col.allowed) \
        or col.name == "currency"


def _clean_text(table: Table, col: Column, series: pl.Series, rows: pl.Series, file: str, errors: _Collector,
                notes: _Collector) -> pl.Series:
    """Text as the contract holds it: surrounding spaces trimmed (a note counts them), empty
    as null; control characters refused in keys and codes, replaced by a space in free
    text (a note counts them)."""
    text = series.cast(pl.String)
    suspect = text.str.contains(r"^\s|\s$|[\x00-\x1f\x7f]").fill_null(False)
    if not suspect.any():
        return text
    frame = pl.DataFrame({ROW: rows, "v": text}).filter(suspect)
    if _is_code(table, col):
        bad = frame.filter(pl.col("v").str.contains(r"[\x00-\x1f\x7f]"))
        errors.add_rows(table.name, file, bad.with_columns(pl.col("v").map_elements(repr, pl.String)), col.name,
                        "control character", _("{column} holds a control character (NUL, tab, line break ...): "
                                               "keys and codes must be plain text").format(column=col.name),
                        value_col="v")
    else:
        bad = frame.filter(pl.col("v").str.contains(CONTROL + "|" + LINE_BREAKS))
        notes.add_rows(table.name, file, bad.with_columns(pl.col("v").map_elements(repr, pl.String)), col.name,
                       "control characters replaced", stored(NOTE_CONTROL, column=col.name), value_col="v")
        text = text.str.replace_all(CONTROL + "|" + LINE_BREAKS, " ")
    stripped = text.str.strip_chars()
    trimmed = pl.DataFrame({ROW: rows, "v": series.cast(pl.String)}).filter(
        (stripped != text).fill_null(False) & (stripped != "").fill_null(False))
    notes.add_rows(table.name, file, trimmed.with_columns(pl.col("v").map_elements(repr, pl.String)), col.name,
                   "spaces trimmed", stored(NOTE_TRIMMED, column=col.name), value_col="v")
    return pl.select(pl.when(stripped == "").then(None).otherwise(stripped).alias(series.name)).to_series()


def _parse_column(col: Column, series: pl.Series, date_format: str | None,
                  value_map: dict[str, list[str]] | None) -> pl.Series:
    """Convert one (cleaned) source column of a non-number type to its contract type;
    unparseable values become null."""
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


def _numbers(table: Table, frame: pl.DataFrame, mapping: TableMapping, file: str, policy: Policy,
             errors: _Collector) -> dict[str, pl.Series] | None:
    """The amount and number columns of one file, read in the file's one convention (see
    analytics.data.numbers), finite and within the policy's max_abs_amount; a refused cell is
    null (and reported once). None when the file shows two conventions (reported once)."""
    columns = [c for c in table.columns if c.type in ("amount", "float") and c.name in frame.columns]
    out: dict[str, pl.Series] = {}
    text_cells: list[tuple[str, pl.Series, pl.Series]] = []
    for col in columns:
        source = frame[col.name]
        if source.dtype.is_numeric():
            out[col.name] = source.cast(pl.Float64)
        else:
            text = source.cast(pl.String)
            text_cells.append((col.name, text, frame[ROW]))
    if text_cells:
        fmt, clash = numbers.choose_format(
            text_cells, numbers.stated_format(mapping.decimal_separator, mapping.thousands_separator))
        if clash:
            point, comma = clash
            errors.add(table.name, file, "two number conventions",
                       _("the file writes numbers with a decimal point ({point_column} {point_text} in row "
                         "{point_row}) and with a decimal comma ({comma_column} {comma_text} in row {comma_row}): "
                         "state its convention in the mapping, e.g. [{table}] decimal_separator = \",\" and "
                         "thousands_separator = \".\"").format(
                           point_column=point.column, point_text=repr(point.text), point_row=point.row,
                           comma_column=comma.column, comma_text=repr(comma.text), comma_row=comma.row,
                           table=table.name),
                       row=comma.row, column=comma.column, value=comma.text)
            return None
        for name, text, rows in text_cells:
            if fmt.basis == "none":
                unclear = numbers.ambiguous_cells(text)
                if unclear.any():
                    bad = pl.DataFrame({ROW: rows, name: text}).filter(unclear)
                    errors.add_rows(table.name, file, bad, name, "ambiguous number",
                                    _("{column} could be read with a decimal point or a decimal comma (1,234 is "
                                      "1234 or 1.234) and nothing in the file tells which: state it in the "
                                      "mapping, e.g. [{table}] decimal_separator = \".\" and "
                                      "thousands_separator = \",\"").format(column=name, table=table.name))
                    text = pl.select(pl.when(~unclear).then(text).alias(name)).to_series()
            values, reason = numbers.parse_numbers(text, fmt)
            failed = reason.is_not_null()
            if failed.any():
                bad = pl.DataFrame({ROW: rows, name: text, "why": reason}).filter(failed)
                for why, group in bad.group_by("why", maintain_order=True):
                    errors.add_rows(table.name, file, group, name, "wrong type" if "convention" in why[0] else
                                    "not a finite number", _("{column} must be a number: {reason}").format(
                                        column=name, reason=_(why[0])))
            out[name] = values
    for col in columns:
        if col.name not in out:
            continue
        values = out[col.name]
        bad_value = (values.is_nan() | values.is_infinite()).fill_null(False)
        if bad_value.any():
            bad = pl.DataFrame({ROW: frame[ROW], col.name: values}).filter(bad_value)
            errors.add_rows(table.name, file, bad, col.name, "not a finite number",
                            _("{column} must be a number: NaN or infinite").format(column=col.name))
            values = pl.select(pl.when(~bad_value).then(values).alias(col.name)).to_series()
        if col.type == "amount":
            huge = (values.abs() > policy.max_abs_amount).fill_null(False)
            if huge.any():
                bad = pl.DataFrame({ROW: frame[ROW], col.name: values}).filter(huge)
                errors.add_rows(table.name, file, bad, col.name, "amount beyond bound",
                                _("{column} is beyond the policy's max_abs_amount ({bound}): a typo or an export "
                                  "fault").format(column=col.name, bound=fmt_number(policy.max_abs_amount)))
        out[col.name] = values
    return out


def _conform(table: Table, raw: pl.DataFrame, mapping: TableMapping | None, file: str, policy: Policy,
             errors: _Collector, notes: _Collector) -> pl.DataFrame | None:
    """Rename, clean, type and default one table; None when columns are missing."""
    mapping = mapping or TableMapping()
    rename: dict[str, str] = {}
    found = ", ".join(c for c in raw.columns if c != ROW)
    for col in table.columns:
        source_name = mapping.columns.get(col.name, col.name)
        if source_name in raw.columns:
            rename[source_name] = col.name
        elif col.name in mapping.columns:
            errors.add(table.name, file, "mapped column missing",
                       _("the mapping takes {column} from column {source}, which the file does not have "
                         "(columns found: {found})").format(column=col.name, source=repr(source_name), found=found),
                       column=col.name)
        elif col.required:
            errors.add(table.name, file, "required column missing",
                       _("required column {column} is missing (columns found: {found})").format(
                           column=repr(col.name), found=found), column=col.name)
    if any(i.table == table.name and i.rule in ("required column missing", "mapped column missing")
           for i in errors.issues):
        return None
    for extra in (c for c in raw.columns if c != ROW and c not in rename):
        notes.add(table.name, file, "column not used", stored(NOTE_UNUSED, column=repr(extra), table=table.name),
                  column=extra)
    frame = raw.select([pl.col(ROW), *[pl.col(src).alias(dst) for src, dst in rename.items()]])
    cleaned = {}
    for col in table.columns:
        if col.type == "str" and col.name in frame.columns and frame[col.name].dtype == pl.String:
            cleaned[col.name] = _clean_text(table, col, frame[col.name], frame[ROW], file, errors, notes)
    if cleaned:
        frame = frame.with_columns(list(cleaned.values()))
    parsed_numbers = _numbers(table, frame, mapping, file, policy, errors)
    if parsed_numbers is None:
        return None
    out: list[pl.Series] = [frame[ROW]]
    for col in table.columns:
        if col.name not in frame.columns:
            out.append(pl.Series(col.name, [col.default] * frame.height, dtype=POLARS_TYPES[col.type]))
            continue
        source = frame[col.name]
        if col.type in ("amount", "float"):
            parsed = parsed_numbers.get(col.name, pl.Series(col.name, [None] * frame.height, pl.Float64))
        else:
            parsed = _parse_column(col, source, mapping.date_format, mapping.values.get(col.name))
            failed = None
            if col.type != "str" and parsed is not source and source.dtype != POLARS_TYPES[col.type]:
                source_text = source.cast(pl.String)
                failed = parsed.is_null() & source_text.is_not_null()
            if failed is not None and failed.any():
                bad = frame.filter(failed)
                expected = {
                    "date": _("{column} must be a date ({format})").format(
                        column=col.name, format=mapping.date_format or "YYYY-MM-DD"),
                    "int": _("{column} must be a whole number").format(column=col.name),
                    "bool": _("{column} must be true/false (or a value mapped in the mapping file)").format(
                        column=col.name)}[col.type]
                errors.add_rows(table.name, file, bad, col.name, "wrong type", expected)
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
    # invoices: (invoice_id, instalment_no) with an optional instalment_no, checked by _invoice_keys
    unique = list(table.key) if len(table.key) > 1 and table.name != "invoices" else None
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
    """The column rules (pandera). A cell already refused (a wrong type) is not refused
    again as empty: one bad cell, one problem."""
    told = {(i.row, i.column) for i in errors.issues if i.table == table.name and i.row is not None}
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
            if rule == "required value missing" and (row, column) in told:
                continue
            if rule == "duplicate key":
                key = ", ".join(table.key)
                message = _("{key} must be unique; this key appears more than once").format(key=key)
                if column is None or column == table.name:
                    column = key
            elif rule == "unknown value":
                message = _("{column} must be one of: {values}").format(
                    column=column, values=", ".join(table.column(column).allowed or ()))
            elif rule == "negative amount":
                message = _("{column} must not be negative").format(column=column)
            elif rule == "date out of range":
                message = _("{column} must be between {first} and {last}").format(
                    column=column, first=policy.min_date, last=policy.max_date(today))
            elif rule == "required value missing":
                message = _("{column} is required and may not be empty").format(column=column)
            else:
                message = _("{column} fails check {check}").format(column=column, check=check)
            errors.add(table.name, file, rule, message, row=row, column=column, value=value)


# ----------------------------------------------------------------------------- cross-table rules

def _refs(tables: dict[str, pl.DataFrame], files: dict[str, str], errors: _Collector) -> None:
    customers = tables["customers"].select("customer_id")
    for name, frame in tables.items():
        if name == "customers" or "customer_id" not in frame.columns:
            continue
        bad = frame.join(customers, on="customer_id", how="anti")
        errors.add_rows(name, files[name], bad, "customer_id", "unknown customer",
                        _("customer_id is not in the customers table"))
    parents = tables["customers"].filter(pl.col("parent_id").is_not_null())
    bad = parents.join(customers.rename({"customer_id": "parent_id"}), on="parent_id", how="anti")
    errors.add_rows("customers", files["customers"], bad, "parent_id", "unknown parent",
                    _("parent_id must be the customer_id of another customer"))


def _invoice_keys(inv: pl.DataFrame, file: str, errors: _Collector) -> pl.DataFrame:
    """A document is identified by invoice_id, or by (invoice_id, instalment_no) when the rows
    of a plan carry instalment numbers; the instalments of one plan share customer and currency.
    Returns the rows whose invoice_id repeats (the plans; usually few)."""
    repeated = inv.filter(pl.col("invoice_id").is_duplicated()).with_columns(
        pl.col("instalment_no").null_count().over("invoice_id").alias("_bare"))
    bad = repeated.filter(pl.col("_bare") > 0)
    errors.add_rows("invoices", file, bad, "invoice_id", "duplicate key",
                    _("invoice_id must be unique; rows of one instalment plan share it only when every one "
                      "carries a distinct instalment_no"))
    bad = repeated.filter((pl.col("_bare") == 0) & pl.struct("invoice_id", "instalment_no").is_duplicated())
    errors.add_rows("invoices", file, bad, "instalment_no", "duplicate key",
                    _("invoice_id, instalment_no must be unique; this instalment appears more than once"))
    mixed = repeated.filter((pl.col("customer_id").n_unique().over("invoice_id") > 1)
                            | (pl.col("currency").n_unique().over("invoice_id") > 1)
                            | (pl.col("doc_type").n_unique().over("invoice_id") > 1))
    errors.add_rows("invoices", file, mixed, "invoice_id", "instalments disagree",
                    _("the instalments of one invoice_id must share customer, currency and doc_type"))
    return repeated


def _targets(inv: pl.DataFrame, repeated: pl.DataFrame) -> pl.DataFrame:
    """Per receivable invoice_id (a plan counts once): its customer, currency, first date and
    amount. Without plans it is the invoices themselves (no group-by over every row)."""
    receivable = pl.col("doc_type") != "credit_note"
    single = inv.filter(receivable).select(
        "invoice_id", pl.col("customer_id").alias("inv_customer_id"), "invoice_date",
        pl.col("amount").alias("inv_amount"), pl.col("currency").alias("inv_currency"),
        pl.col("paid_date").alias("inv_paid_date"), pl.col(ROW).alias("inv_row"))
    if repeated.height == 0:
        return single
    plans = repeated.filter(receivable).group_by("invoice_id").agg(
        pl.col("customer_id").first().alias("inv_customer_id"), pl.col("invoice_date").min(),
        pl.col("amount").sum().alias("inv_amount"), pl.col("currency").first().alias("inv_currency"),
        pl.col("paid_date").max().alias("inv_paid_date"), pl.col(ROW).min().alias("inv_row"))
    return pl.concat([single.join(plans.select("invoice_id"), on="invoice_id", how="anti"), plans])


def _named_invoice(frame: pl.DataFrame, key: str, targets: pl.DataFrame, table: str, file: str,
                   errors: _Collector, unknown: tuple[str, str, str], customer: tuple[str, str, str],
                   currency: tuple[str, str, str]) -> pl.DataFrame:
    """Rows that name an invoice in `key` (payments, credit notes), joined to it: an unknown
    invoice, or one of another customer or currency, is refused ((column, rule, message)
    each); the rows naming a known invoice come back with its facts (inv_*)."""
    joined = frame.join(targets.rename({"invoice_id": key}) if key != "invoice_id" else targets, on=key, how="left")
    errors.add_rows(table, file, joined.filter(pl.col("inv_customer_id").is_null()), unknown[0], unknown[1], unknown[2])
    known = joined.filter(pl.col("inv_customer_id").is_not_null())
    errors.add_rows(table, file, known.filter(pl.col("customer_id") != pl.col("inv_customer_id")), customer[0],
                    customer[1], customer[2])
    errors.add_rows(table, file, known.filter(pl.col("currency") != pl.col("inv_currency")), currency[0], currency[1],
                    currency[2])
    return known


def _invoice_rules(tables: dict[str, pl.DataFrame], files: dict[str, str], policy: Policy,
                   errors: _Collector, notes: _Collector) -> None:
    inv = tables["invoices"]
    file = files["invoices"]
    repeated = _invoice_keys(inv, file, errors)
    bad = inv.filter((pl.col("doc_type") != "credit_note") & (pl.col("amount") < 0))
    errors.add_rows("invoices", file, bad, "amount", "negative invoice amount",
                    _("an invoice or debit note amount must be positive (book a credit note with doc_type "
                      "credit_note)"))
    bad = inv.filter(pl.col("due_date") < pl.col("invoice_date"))
    errors.add_rows("invoices", file, bad, "due_date", "due before invoice date",
                    _("due_date must be on or after invoice_date"))
    prepaid = inv.filter((pl.col("paid_date") < pl.col("invoice_date")) & (pl.col("doc_type") != "credit_note"))
    notes.add_rows("invoices", file, prepaid, "paid_date", "paid before invoice date", stored(NOTE_PREPAID))
    targets = _targets(inv, repeated)
    linked = inv.filter(pl.col("applies_to").is_not_null())
    bad = linked.filter(pl.col("doc_type") == "invoice")
    errors.add_rows("invoices", file, bad, "applies_to", "applies_to on an invoice",
                    _("applies_to names the invoice a credit note (or debit note) adjusts; leave it empty on "
                      "invoices"))
    linked_known = _named_invoice(
        linked.filter(pl.col("doc_type") != "invoice"), "applies_to", targets, "invoices", file, errors,
        ("applies_to", "unknown invoice", _("applies_to is not the invoice_id of an invoice or debit note in the "
                                            "invoices table")),
        ("applies_to", "credit note customer mismatch", _("a credit note must name an invoice of its own customer")),
        ("applies_to", "credit note currency mismatch", _("a credit note must name an invoice in its own currency")))
    claim_columns = ["invoice_id", "claim_date", "claim_amt", ROW, "inv_amount", "inv_paid_date", "inv_row"]
    credit_claims = linked_known.filter(pl.col("doc_type") == "credit_note").select(
        pl.col("applies_to").alias("invoice_id"), pl.col("invoice_date").alias("claim_date"),
        (-pl.col("amount")).alias("claim_amt"), pl.lit(None, pl.Int64).alias(ROW), "inv_amount", "inv_paid_date",
        "inv_row")
    claims = [credit_claims]
    if "payments" in tables:
        pay = tables["payments"]
        pfile = files["payments"]
        bad = pay.filter(pl.col("invoice_id").is_null() & pl.col("instalment_no").is_not_null())
        errors.add_rows("payments", pfile, bad, "instalment_no", "instalment without invoice",
                        _("instalment_no names an instalment of the payment's invoice_id, which is empty"))
        known = _named_invoice(
            pay.filter(pl.col("invoice_id").is_not_null()), "invoice_id", targets, "payments", pfile, errors,
            ("invoice_id", "unknown invoice", _("invoice_id is not an invoice or debit note in the invoices table "
                                                "(leave it empty for cash on account)")),
            ("customer_id", "payment customer mismatch",
             _("customer_id differs from the customer of the invoice it is applied to")),
            ("currency", "payment currency mismatch", _("an applied payment must be in the currency of its invoice")))
        named = known.filter(pl.col("instalment_no").is_not_null())
        if named.height:
            bad = named.join(inv.select("invoice_id", "instalment_no"), on=["invoice_id", "instalment_no"],
                             how="anti")
            errors.add_rows("payments", pfile, bad, "instalment_no", "unknown instalment",
                            _("the invoice has no instalment with this instalment_no"))
        early = known.filter(pl.col("payment_date") < pl.col("invoice_date"))
        notes.add_rows("payments", pfile, early, "payment_date", "advance payment", stored(NOTE_ADVANCE))
        claims.append(known.select("invoice_id", pl.col("payment_date").alias("claim_date"),
                                   pl.col("amount").alias("claim_amt"), ROW, "inv_amount", "inv_paid_date",
                                   "inv_row"))
    # every claim on an invoice (payments and credit notes naming it), added up once, with the invoice's facts
    per_invoice = (pl.concat([c.select(claim_columns) for c in claims]).group_by("invoice_id")
                   .agg(pl.col("claim_amt").sum(), pl.col("claim_date").max(), pl.col(ROW).max(),
                        pl.col("inv_amount").first(), pl.col("inv_paid_date").first(), pl.col("inv_row").first()))
    if "payments" in tables:
        over = (per_invoice.filter(pl.col("claim_amt") > pl.col("inv_amount") + 0.005)
                .filter(pl.col(ROW).is_not_null())
                .with_columns((pl.col("claim_amt") - pl.col("inv_amount")).round(2).alias("surplus_amt"))
                .sort(ROW))
        notes.add_rows("payments", files["payments"], over, "amount", "overpayment", stored(NOTE_OVERPAYMENT),
                       value_col="surplus_amt")
    disagree = (per_invoice.filter(pl.col("inv_paid_date").is_not_null()
                                   & ((pl.col("claim_amt") < pl.col("inv_amount") - 0.005)
                                      | (pl.col("claim_date") != pl.col("inv_paid_date"))))
                .select(pl.col("inv_row").alias(ROW), pl.col("inv_paid_date").alias("paid_date")).sort(ROW))
    notes.add_rows("invoices", file, disagree, "paid_date", "paid_date not used", stored(NOTE_PAID_DATE))


def _other_rules(tables: dict[str, pl.DataFrame], files: dict[str, str], policy: Policy,
                 errors: _Collector) -> None:
    pairs = [("credit_limits", "effective_from", "expires_on"), ("collateral", "valid_from", "valid_to"),
             ("orders", "order_date", "invoiced_on"), ("orders", "order_date", "cancelled_on")]
    for name, start, end in pairs:
        if name in tables:
            bad = tables[name].filter(pl.col(end) < pl.col(start))
            errors.add_rows(name, files[name], bad, end, "end before start",
                            _("{end} must be on or after {start}").format(end=end, start=start))
    if "orders" in tables:
        orders = tables["orders"]
        bad = orders.filter(pl.col("invoiced_on").is_not_null() & pl.col("cancelled_on").is_not_null())
        errors.add_rows("orders", files["orders"], bad, "cancelled_on", "invoiced and cancelled",
                        _("an order is either invoiced or cancelled: give invoiced_on or cancelled_on, not both"))
        bad = orders.filter(((pl.col("status") == "invoiced") & pl.col("cancelled_on").is_not_null())
                            | ((pl.col("status") == "cancelled") & pl.col("invoiced_on").is_not_null()))
        errors.add_rows("orders", files["orders"], bad, "status", "status contradicts date",
                        _("status invoiced goes with invoiced_on, status cancelled with cancelled_on"))
    if "ratings" in tables:
        ratings = tables["ratings"]
        bad = ratings.filter(~pl.col("grade").is_in(list(policy.scale)))
        errors.add_rows("ratings", files["ratings"], bad, "grade", "unknown grade",
                        _("grade must be on the policy scale ({scale}) or mapped to it in [ratings.grade_map] of "
                          "the credit policy").format(scale=", ".join(policy.scale)))
        bad = ratings.filter((pl.col("pd") < 0) | (pl.col("pd") > 1))
        errors.add_rows("ratings", files["ratings"], bad, "pd", "pd out of range",
                        _("pd is a fraction between 0 and 1 (0.0018 = 0.18 %)"))
    if "fx_rates" in tables:
        bad = tables["fx_rates"].filter(pl.col("rate_to_reporting") <= 0)
        errors.add_rows("fx_rates", files["fx_rates"], bad, "rate_to_reporting", "non-positive rate",
                        _("rate_to_reporting must be greater than zero"))
    known = {policy.reporting_currency}
    if "fx_rates" in tables:
        known |= set(tables["fx_rates"]["currency"].unique().to_list())
    for name, frame in tables.items():
        if "currency" not in frame.columns or name == "fx_rates":
            continue
        bad = frame.filter(~pl.col("currency").is_in(list(known)))
        errors.add_rows(name, files[name], bad, "currency", "currency without fx rate",
                        _("no fx_rates to {currency} for this currency").format(currency=policy.reporting_currency))


def _fx_rules(tables: dict[str, pl.DataFrame], files: dict[str, str], policy: Policy,
              errors: _Collector, notes: _Collector) -> None:
    """Every document in a foreign currency needs a rate on or before its date: the latest
    such rate converts it, never a later one. policy.fx_missing_rate = "earliest" lets the
    load through with a note (the earliest rate is used until the first rate date)."""
    if "fx_rates" not in tables:
        return
    first = tables["fx_rates"].group_by("currency").agg(pl.col("rate_date").min().alias("first_rate_date"))
    for name, column in FX_DATES:
        if name not in tables:
            continue
        early = (tables[name].filter(pl.col("currency") != policy.reporting_currency)
                 .join(first, on="currency", how="inner")
                 .filter(pl.col(column) < pl.col("first_rate_date")))
        if early.height == 0:
            continue
        for (currency, first_on), rows in early.group_by(["currency", "first_rate_date"], maintain_order=True):
            if policy.fx_missing_rate == "earliest":
                notes.add_rows(name, files[name], rows, column, "earliest fx rate used",
                               stored(NOTE_EARLIEST_FX, currency=currency, first_on=first_on))
            else:
                errors.add_rows(name, files[name], rows, column, "no fx rate on or before the date",
                                _("no {currency} rate on or before this date (the first {currency} rate is of "
                                  "{first_on}): add an earlier rate to fx_rates, or set [fx] missing_rate = "
                                  "\"earliest\" in the credit policy").format(currency=currency, first_on=first_on))


def suspect_count(dates_desc: list[date], gap_days: int, max_documents: int, documents: int | None = None) -> int:
    """How many of the latest documents lie far beyond the rest: the largest k such that the
    k-th latest date is more than gap_days after the (k+1)-th, where k is at most
    max_documents and fewer than the documents left (a few, not the bulk); 0 when none.

    dates_desc: document dates, latest first (at least the max_documents + 1 latest);
    documents: how many documents there are in all (default: len(dates_desc)).
    """
    total = len(dates_desc) if documents is None else documents
    best = 0
    for k in range(1, min(max_documents, (total - 1) // 2, len(dates_desc) - 1) + 1):
        if (dates_desc[k - 1] - dates_desc[k]).days > gap_days:
            best = k
    return best


def _dated_columns(tables: dict[str, pl.DataFrame]) -> list[tuple[str, str]]:
    return [(name, column) for name, column in DOCUMENT_DATES if name in tables and column in tables[name].columns]


def _extraction_date(tables: dict[str, pl.DataFrame], files: dict[str, str], policy: Policy,
                     stated: date | None, stated_by: str | Text, today: date, errors: _Collector,
                     notes: _Collector) -> tuple[date | None, str]:
    """The extraction date (stated, else the latest document date with suspects set apart),
    and every document dated after it: a note, or an error when it lies more than
    policy.future_error_days beyond it. Only the latest few dates of each column are sorted."""
    columns = _dated_columns(tables)
    keep = policy.suspect_max_documents + 1
    latest = pl.concat([tables[name].select(pl.col(column).drop_nulls().top_k(keep).alias("date"))
                        for name, column in columns])
    documents = sum(tables[name][column].count() for name, column in columns)
    stated_basis = stored(BASIS_STATED, source=stated_by).english()
    if documents == 0:
        return stated, stated_basis
    first = min(tables[name][column].min() for name, column in columns if tables[name][column].count())
    if stated is not None:
        if stated > today:
            errors.add("-", str(stated_by), "extraction date in the future",
                       _("the extraction date {date} is after today ({today})").format(date=stated, today=today),
                       value=stated)
            return None, stated_basis
        if stated < first:  # type: ignore[operator]
            errors.add("-", str(stated_by), "extraction date before the data",
                       _("the extraction date {date} is before the first document ({first})").format(
                           date=stated, first=first), value=stated)
            return None, stated_basis
        extracted, basis = stated, stated_basis
    else:
        dates = latest["date"].sort(descending=True).to_list()
        k = suspect_count(dates, policy.suspect_gap_days, policy.suspect_max_documents, documents)
        extracted = dates[k]
        basis = (stored(BASIS_SUSPECTS, n=k, days=policy.suspect_gap_days) if k else stored(BASIS_LATEST)).english()
    for name, column in columns:
        after = tables[name].filter(pl.col(column) > extracted).select(
            ROW, pl.col(column), (pl.col(column) - pl.lit(extracted)).dt.total_days().alias("days_after"))
        far = after.filter(pl.col("days_after") > policy.future_error_days)
        for row in far.iter_rows(named=True):
            errors.add(name, files[name], "date far beyond the data",
                       _("{column} is {days} after the extraction date {date}, far beyond the other documents "
                         "(more than the policy's {limit}): correct the date, or state when the data was taken "
                         "with --extracted-on").format(
                           column=column, days=fmt_days(row["days_after"], not_due=False), date=extracted,
                           limit=fmt_days(policy.future_error_days, not_due=False)),
                       row=row[ROW], column=column, value=row[column])
        notes.add_rows(name, files[name], after.filter(pl.col("days_after") <= policy.future_error_days), column,
                       "dated after the extraction date", stored(NOTE_POST_DATED, date=extracted))
    return extracted, basis


# ----------------------------------------------------------------------------- entry point

def read_and_validate(source_dir: Path, mappings: dict[str, TableMapping], policy: Policy,
                      today: date | None = None, extracted_on: date | None = None,
                      extracted_by: str | Text = "--extracted-on") -> LoadResult:
    """Read every contract table found in source_dir and validate all of it.

    extracted_on: the day the data was taken, when the user states it (extracted_by says
    where: the command line or the mapping); else it is inferred from the document dates.
    """
    today = today or date.today()
    errors = _Collector()
    notes = _Collector(keep=NOTES_KEPT)
    result = LoadResult()
    if not source_dir.is_dir():
        errors.add("-", str(source_dir), "source folder missing",
                   _("{folder} is not a folder").format(folder=source_dir))
        result.issues = errors.issues
        return result
    for table in TABLES.values():
        mapping = mappings.get(table.name)
        path = find_source_file(source_dir, table.name, mapping)
        if path is None or not path.exists():
            if table.required or (mapping and mapping.file):
                wanted = path.name if path else f"{table.name}.csv / .xlsx / .parquet"
                missing = (_("no file for the required table {table} ({wanted} not found in {folder})")
                           if table.required else
                           _("no file for the table {table} ({wanted} not found in {folder})"))
                errors.add(table.name, wanted, "file missing",
                           missing.format(table=table.name, wanted=wanted, folder=source_dir))
            continue
        try:
            raw = read_source(path, mapping.sheet if mapping else None, mapping.encoding if mapping else None,
                              table.name, policy.max_field_chars, policy.max_columns)
        except SourceError as exc:
            for problem in exc.problems:
                errors.add(table.name, path.name, problem.rule, problem.message, row=problem.row,
                           column=problem.column, value=problem.value)
            continue
        except Exception as exc:  # noqa: BLE001 - every reader error becomes a message
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            errors.add(table.name, path.name, "unreadable file",
                       _("cannot read {file}: {reason}").format(file=path.name, reason=reason[:300]))
            continue
        typed = _conform(table, raw, mapping, path.name, policy, errors, notes)
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
            errors.add("invoices", result.sources["invoices"], "no rows", _("the invoices file has no data rows"))
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
        _invoice_rules(result.tables, result.sources, policy, errors, notes)
        _other_rules(result.tables, result.sources, policy, errors)
        _fx_rules(result.tables, result.sources, policy, errors, notes)
        if result.tables["invoices"].height and not any(i.rule in ("wrong type", "date out of range")
                                                        for i in errors.issues):
            result.extracted_on, result.extraction_basis = _extraction_date(
                result.tables, result.sources, policy, extracted_on, extracted_by, today, errors, notes)
            _order_notes(result, notes)
    result.issues = errors.issues
    result.notes = notes.issues
    result.note_counts = dict(notes.counts)
    if result.issues:
        result.tables = {}
    else:
        result.tables = {name: frame.drop(ROW) for name, frame in result.tables.items()}
    return result


def _order_notes(result: LoadResult, notes: _Collector) -> None:
    """Orders marked invoiced or cancelled without their date close at the extraction date."""
    if "orders" not in result.tables or result.extracted_on is None:
        return
    orders = result.tables["orders"]
    undated = orders.filter(((pl.col("status") == "invoiced") & pl.col("invoiced_on").is_null())
                            | ((pl.col("status") == "cancelled") & pl.col("cancelled_on").is_null()))
    notes.add_rows("orders", result.sources["orders"], undated, "status", "closed without a date",
                   stored(NOTE_UNDATED_CLOSE, date=result.extracted_on))


def format_report(issues: list[LoadIssue], notes: bool = False,
                  counts: dict[tuple[str, str], int] | None = None) -> str:
    """A readable report in the current language: counts per rule, then the first examples
    of each. notes=True words it as what a clean load wants the user to know; counts gives
    the number of rows of each (file, rule) when only examples were kept."""
    if not issues:
        return _("no problems found")
    frame = pl.DataFrame([{k: getattr(i, k) for k in ("file", "row", "column", "value", "rule", "message")}
                          for i in issues], schema={
        "file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String, "rule": pl.String,
        "message": pl.String})
    total = sum(counts.values()) if counts else len(issues)
    head = (ngettext("{n} note: the data loaded, but it is worth a look.",
                     "{n} notes: the data loaded, but these are worth a look.", total) if notes else
            ngettext("{n} problem found; nothing was loaded and the current warehouse is unchanged.",
                     "{n} problems found; nothing was loaded and the current warehouse is unchanged.", total))
    lines = [head.format(n=fmt_int(total)), ""]
    groups = frame.group_by(["file", "rule"], maintain_order=True).agg(pl.len().alias("n"), pl.all().head(MAX_EXAMPLES))
    for grp in groups.iter_rows(named=True):
        n = counts.get((grp["file"], grp["rule"]), grp["n"]) if counts else grp["n"]
        if any(r is not None for r in grp["row"]):
            size = ngettext("{n} row", "{n} rows", n)
        elif any(grp["column"]):
            size = ngettext("{n} column", "{n} columns", n)
        else:
            size = ngettext("{n} case", "{n} cases", n)
        lines.append(_("{file}: {rule} ({size})").format(file=grp["file"], rule=rule_label(grp["rule"]),
                                                          size=size.format(n=fmt_int(n))))
        for row, column, value, message in zip(grp["row"], grp["column"], grp["value"], grp["message"]):
            lines.append("  " + _where(row, column, value).format(row=row, column=column, value=repr(value),
                                                                  message=message))
        if n > MAX_EXAMPLES:
            lines.append("  " + _("... and {n} more").format(n=fmt_int(n - MAX_EXAMPLES)))
    return "\n".join(lines)


def _where(row: int | None, column: str | None, value: str | None) -> str:
    """The template of one example line: where it is, what it holds, the message."""
    if row is not None:
        if column:
            return _("row {row}, column {column}, value {value}: {message}") if value is not None else \
                _("row {row}, column {column}: {message}")
        return _("row {row}, value {value}: {message}") if value is not None else _("row {row}: {message}")
    if column:
        return _("file, column {column}, value {value}: {message}") if value is not None else \
            _("file, column {column}: {message}")
    return _("file, value {value}: {message}") if value is not None else _("file: {message}")
