"""Table exports: CSV and XLSX bytes (xlsxwriter) and JSON, shared by pages and the CLI.

Two kinds of header: human (``human=True``: each column's label from the catalogue
analytics.labels in the current language, with its unit: 'Gross exposure (CNY)') for the
files people read, and machine (the field names: 'gross_exposure_amt', the default) for the
files that must load back (the ERP's decided-limits file keeps the credit_limits contract's
column names) and for scripts. A human XLSX carries a second sheet, "Fields", that gives
each column's label, field name and unit, so the file can still be mapped back.

Every XLSX sheet has a frozen header row with an autofilter and fitted column widths; cells
hold real numbers and dates with number formats by the unit the field name carries
(#,##0.00 amounts, 0.0 " %" for *_pct values that are already percent numbers, 0.0% for
*_frac fractions, #,##0 days and counts, yyyy-mm-dd dates); missing values are blank.

Text from the data never becomes a formula in a spreadsheet: in CSV a text cell that starts
with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading apostrophe
(OWASP, "CSV Injection"), so Excel shows it as text; XLSX cells are written as text
(xlsxwriter's strings_to_formulas and strings_to_urls off). Numbers stay numbers.
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import polars as pl

from analytics.i18n import _
from analytics.labels import label, unit_of


def rounded(frame: pl.DataFrame, decimals: int = 4) -> pl.DataFrame:
    """Floats rounded for text exports (money to the cent is 2; shares and PDs need 4)."""
    return frame.with_columns(pl.col(pl.Float32, pl.Float64).round(decimals))


FORMULA_START = r"^[=+\-@\t\r]"


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula, with a leading apostrophe
    (OWASP CSV injection guidance); other columns untouched."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name))
        .alias(name) for name in text)


# ----------------------------------------------------------------------------- columns by name

def is_past_due_days(name: str) -> bool:
    """A column of days past due (never negative on screen: a not-due item is 0)."""
    parts = name.split("_")
    return "past_due" in name and ("days" in parts or "dpd" in parts) or "dpd" in parts or name == "days_overdue"


def pct_digits(name: str) -> int:
    """Decimals of a percent column: 1 for shares, 2 for PDs and their intervals, 3 for rates."""
    parts = name.split("_")
    if "rate" in parts:
        return 3
    if "pd" in parts or parts[0] == "ci" or "jeffreys" in parts:
        return 2
    return 1


def column_kind(name: str, dtype: pl.DataType) -> str:
    """What a column holds, by its type and the unit its name carries: 'amt', 'pct' (already
    percent), 'frac' (a fraction), 'days', 'int' (a count), 'id' (a number that names
    something), 'pvalue', 'ratio', 'float', 'date', 'datetime', 'bool' or 'text'."""
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Boolean:
        return "bool"
    if not dtype.is_numeric():
        return "text"
    parts = name.split("_")
    if name.endswith("_amt"):
        return "amt"
    if name.endswith("_pct"):
        return "pct"
    if name.endswith("_frac"):
        return "frac"
    if name.endswith("_days") or parts[0] == "days" or is_past_due_days(name):
        return "days"
    if name in ("id", "position", "year", "seed") or parts[-1] in ("id", "no", "idx"):
        return "id"
    if "p" in parts and "value" in parts:
        return "pvalue"
    if name in ("auroc", "gini", "ks", "psi", "auc", "iv", "woe"):
        return "ratio"
    return "int" if dtype.is_integer() else "float"


NAME_COLUMNS = ("name", "customer_name", "group_name", "customer")


def _importance(name: str, dtype: pl.DataType) -> int:
    if name.endswith("_amt") or (not re.fullmatch(r"[a-z][a-z0-9_]*", name) and dtype.is_numeric()):
        return 0  # amounts (and pivoted amount columns such as the aging buckets)
    if is_past_due_days(name):
        return 1
    if "score" in name.split("_"):
        return 2
    if "grade" in name.split("_"):
        return 3
    if "stage" in name.split("_"):
        return 4
    return 5


def display_order(frame: pl.DataFrame) -> list[str]:
    """The columns in reading order, none dropped: the row label (the customer's or group's
    name when there is one, else the first column, with its 'to_' partner for a from/to
    pair) first, then amounts, days past due, score, grade and stage, then the rest, each
    group in the frame's order."""
    columns = frame.columns
    if not columns:
        return []
    lead = [c for c in columns if c in NAME_COLUMNS][:1] or [columns[0]]
    if lead[0].startswith("from_") and len(columns) > 1 and columns[1] == "to_" + lead[0].removeprefix("from_"):
        lead.append(columns[1])
    rest = [c for c in columns if c not in lead]
    return lead + sorted(rest, key=lambda c: _importance(c, frame.schema[c]))


def headers(columns: Sequence[str], currency: str = "") -> list[str]:
    """The human headers of these columns (catalogue labels with units), made unique."""
    out: list[str] = []
    seen: set[str] = set()
    for name in columns:
        text = label(name, currency)
        if text in seen:
            text = f"{text} [{name}]"
        seen.add(text)
        out.append(text)
    return out


def fields(sheets: dict[str, pl.DataFrame], currency: str = "") -> pl.DataFrame:
    """What each exported column is: its sheet, human header, field name and unit."""
    def unit(name: str, dtype: pl.DataType) -> str:
        kind = column_kind(name, dtype)
        if kind in ("date", "datetime"):
            return _("date")
        return unit_of(name, currency) or (_("days") if kind == "days" else "")

    rows = [(sheet, header, name, unit(name, dtype))
            for sheet, frame in sheets.items()
            for header, (name, dtype) in zip(headers(frame.columns, currency), frame.schema.items())]
    return pl.DataFrame(rows, schema=["sheet", "column", "field", "unit"], orient="row")


DATE_NAME = re.compile(r"(^|_)(on|date|at|from|until|as_of)$|^as_of$")


def for_people(frame: pl.DataFrame) -> pl.DataFrame:
    """A table as a reader gets it: days past due never negative (not due is 0), ISO date
    texts in date columns as dates, NaN and infinities missing."""
    changes = []
    for name, dtype in frame.schema.items():
        if dtype in (pl.Float32, pl.Float64):
            changes.append(pl.when(pl.col(name).is_finite()).then(pl.col(name)).otherwise(None).alias(name))
        if dtype.is_numeric() and is_past_due_days(name):
            changes.append(pl.col(name).clip(lower_bound=0).alias(name))
    out = frame.with_columns(changes) if changes else frame
    for name, dtype in out.schema.items():
        if dtype == pl.String and DATE_NAME.search(name):
            column = out[name]
            text = column.drop_nulls()
            if text.len() and bool(text.str.contains(r"^\d{4}-\d{2}-\d{2}$").all()):
                out = out.with_columns(column.str.to_date("%Y-%m-%d", strict=False).alias(name))
            elif text.len() and bool(text.str.contains(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$").all()):
                out = out.with_columns(column.str.replace("T", " ").str.to_datetime(strict=False).alias(name))
    return out


# ----------------------------------------------------------------------------- CSV

def to_csv_bytes(frame: pl.DataFrame, bom: bool = True, human: bool = False, currency: str = "") -> bytes:
    """UTF-8 CSV (with a BOM by default, so Excel opens Chinese names correctly); text cells
    neutralised against formula injection. human: the header row gives the columns' labels
    in the current language (the field names otherwise) in reading order (display_order, as
    the table on screen), amounts to the cent, days past due never negative."""
    if human:
        frame = for_people(frame.select(display_order(frame))).with_columns(pl.col(c).round(2) for c, t in frame.schema.items()
                                               if c.endswith("_amt") and t in (pl.Float32, pl.Float64))
        frame = frame.rename(dict(zip(frame.columns, headers(frame.columns, currency))))
    return (b"\xef\xbb\xbf" if bom else b"") + neutralised(rounded(frame)).write_csv().encode("utf-8")


# ----------------------------------------------------------------------------- XLSX

XLSX_FORMATS = {"amt": "#,##0.00", "days": "#,##0", "int": "#,##0", "id": "0", "float": "#,##0.00",
                "pvalue": "0.0000", "ratio": "0.000", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
NUMERIC_KINDS = frozenset({"amt", "pct", "frac", "days", "int", "id", "float", "pvalue", "ratio"})
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_COLUMN_WIDTH = 60
WIDTH_SAMPLE_ROWS = 500


def number_format(name: str, kind: str) -> str | None:
    """The Excel number format of a column: '#,##0.00' amounts, '0.0 %' percents held as
    percent numbers (12.3 reads '12.3 %'), '0.0%' fractions (0.123 reads '12.3%'), '#,##0'
    days and counts, 'yyyy-mm-dd' dates; None for text."""
    if kind == "pct":
        digits = pct_digits(name)
        return "0." + "0" * digits + '" %"'
    if kind == "frac":
        digits = pct_digits(name)
        return "0." + "0" * digits + "%"
    return XLSX_FORMATS.get(kind)


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _cell_width(value: object, kind: str) -> int:
    if value is None:
        return 0
    if kind in NUMERIC_KINDS and isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return 0
        return len(f"{value:,.2f}") + (2 if kind in ("pct", "frac") else 0)
    if kind in ("date", "datetime"):
        return 10 if kind == "date" else 16
    return _display_width(str(value))


class SheetNames:
    """Unique Excel sheet names: at most 31 characters, none of []:*?/\\, not starting or
    ending with an apostrophe, unique regardless of case (as Excel compares them)."""

    def __init__(self, taken: Iterable[str] = (), default: str = "Table") -> None:
        self._taken = {name.casefold() for name in taken}
        self._default = default

    def take(self, wanted: str) -> str:
        base = SHEET_NAME_FORBIDDEN.sub(" ", wanted)
        base = re.sub(r"\s+", " ", base).strip().strip("'").strip() or self._default
        if base.casefold() == "history":  # reserved by Excel
            base = "History table"
        name, n = base[:SHEET_NAME_MAX].rstrip(" '"), 1
        while name.casefold() in self._taken:
            n += 1
            tail = f" ({n})"
            name = base[: SHEET_NAME_MAX - len(tail)].rstrip(" '") + tail
        self._taken.add(name.casefold())
        return name



def write_cell(sheet, row: int, col: int, value: object, kind: str, fmt: object = None) -> None:
    """One XLSX cell as a real value: a number (in the column's number format), a date, a
    boolean, or text written as text (never a formula or a link); a missing value is blank."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        if fmt is not None:
            sheet.write_blank(row, col, None, fmt)
    elif kind in NUMERIC_KINDS:
        sheet.write_number(row, col, float(value), fmt)
    elif kind in ("date", "datetime"):
        sheet.write_datetime(row, col, value, fmt)
    elif kind == "bool":
        sheet.write_boolean(row, col, bool(value))
    else:
        sheet.write_string(row, col, str(value))


def _write_sheet(workbook, sheet_name: str, frame: pl.DataFrame, header_texts: Sequence[str], header_fmt,
                 formats: dict[str, object]) -> None:
    sheet = workbook.add_worksheet(sheet_name)
    kinds = [column_kind(n, t) for n, t in frame.schema.items()]
    for col, (name, kind, header) in enumerate(zip(frame.columns, kinds, header_texts)):
        fmt_key = number_format(name, kind)
        cell_fmt = formats.get(fmt_key) if fmt_key else None
        if fmt_key and cell_fmt is None:
            cell_fmt = formats[fmt_key] = workbook.add_format({"num_format": fmt_key})
        sheet.write_string(0, col, header, header_fmt)
        width = _display_width(header) + 3  # room for the filter button
        values = frame[name].to_list()
        for row, value in enumerate(values, start=1):
            write_cell(sheet, row, col, value, kind, cell_fmt)
            if row <= WIDTH_SAMPLE_ROWS:
                width = max(width, _cell_width(value, kind) + 2)
        sheet.set_column(col, col, min(width, MAX_COLUMN_WIDTH))
    sheet.freeze_panes(1, 0)
    if frame.width:
        sheet.autofilter(0, 0, max(frame.height, 1), frame.width - 1)


def to_xlsx_bytes(sheets: dict[str, pl.DataFrame], human: bool = False, currency: str = "") -> bytes:
    """One worksheet per frame (names made valid for Excel and unique), each with a frozen bold
    header row, an autofilter, number formats by unit and fitted column widths.

    human: the header row gives the columns' labels in the current language (with units), the
    columns are in reading order (display_order, as on screen), days past due are never negative, ISO date texts become dates, and a last sheet "Fields" lists
    each column's label, field name and unit (for mapping the file back). Without it the
    headers are the field names (files that load back, such as the ERP import)."""
    import xlsxwriter

    buffer = io.BytesIO()
    names = SheetNames(default="Sheet")
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False, "remove_timezone": True}
    shown = {name: (for_people(frame.select(display_order(frame))) if human else frame) for name, frame in sheets.items()}
    with xlsxwriter.Workbook(buffer, options) as workbook:
        header_fmt = workbook.add_format({"bold": True, "bg_color": "#E9EEF4", "bottom": 1})
        formats: dict[str, object] = {}
        taken: dict[str, str] = {}
        for name, frame in shown.items():
            taken[name] = names.take(name)
            texts = headers(frame.columns, currency) if human else list(frame.columns)
            _write_sheet(workbook, taken[name], frame, texts, header_fmt, formats)
        if human:
            catalogue = fields({taken[n]: f for n, f in shown.items()}, currency)
            _write_sheet(workbook, names.take(_("Fields")), catalogue,
                         [_("Sheet"), _("Column"), _("Field name"), _("Unit")], header_fmt, formats)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- JSON

def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def to_json_text(payload: dict[str, object]) -> str:
    """JSON with frames as lists of records and dates as ISO strings."""

    def convert(obj: object) -> object:
        if isinstance(obj, pl.DataFrame):
            return [{k: _plain(v) for k, v in row.items()} for row in rounded(obj).iter_rows(named=True)]
        if isinstance(obj, dict):
            return {k: convert(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [convert(v) for v in obj]
        return _plain(obj)

    return json.dumps(convert(payload), indent=2, ensure_ascii=False)
