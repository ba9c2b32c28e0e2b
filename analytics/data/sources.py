"""Reading one source file as a table of text cells, or saying exactly why it cannot be.

CSV is decoded as the mapping states, else UTF-8 (with or without BOM), else GB18030
(a superset of GBK, what Chinese ERPs write). The header must name each column once;
a column without a name must be empty. Rows longer than the header and fields longer
than the policy's max_field_chars are refused at read time, with their row, before
anything is held in the warehouse. XLSX is read as text cells (numbers as Excel holds
them); Parquet keeps its types.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analytics.formats import fmt_int
from analytics.i18n import _

ROW = "__row"  # source row number (line in a CSV, row in a sheet) kept for error messages
SUFFIXES = (".csv", ".xlsx", ".parquet")
DEFAULT_ENCODINGS = ("utf-8", "gb18030")


@dataclass(frozen=True)
class SourceProblem:
    """Why a file cannot be read: the rule, a message that says how to fix it, where."""

    rule: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None


class SourceError(ValueError):
    """A file that cannot be read as a table; `problems` says why (at least one)."""

    def __init__(self, problems: list[SourceProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def decode_text(raw: bytes, encoding: str | None = None, table: str = "invoices") -> str:
    """The file's text: in the stated encoding, else UTF-8 (BOM or not), else GB18030.
    Raises SourceError naming the row (line) of the first byte that does not decode and
    the encodings tried."""
    if encoding:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            line = _line_of(raw, exc.start)
            raise SourceError([SourceProblem(
                "wrong encoding",
                _("row {row} is not {encoding} text (bytes {bytes}), the encoding the mapping states: correct the "
                  "mapping's encoding or re-export the file").format(
                    row=line, encoding=encoding, bytes=repr(raw[exc.start:exc.start + 4])), row=line)]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as first:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            line = _line_of(raw, first.start)
            raise SourceError([SourceProblem(
                "unknown encoding",
                _("row {row} is neither UTF-8 nor GB18030 text (bytes {bytes}; tried: {tried}): save the file as "
                  "UTF-8, or state its encoding in the mapping, e.g. [{table}] encoding = \"big5\"").format(
                    row=line, bytes=repr(raw[first.start:first.start + 4]), tried=", ".join(DEFAULT_ENCODINGS),
                    table=table), row=line)]) from None


def _header_problems(names: list[str | None], max_columns: int) -> list[SourceProblem]:
    problems = []
    if len(names) > max_columns:
        problems.append(SourceProblem(
            "too many columns", _("the header has {n} columns, more than the policy's max_columns ({limit}): is this "
                                  "the right file, with the right separator?").format(
                n=fmt_int(len(names)), limit=fmt_int(max_columns)), row=1))
    counts = Counter((n or "").strip() for n in names)
    for name, n in counts.items():
        if name and n > 1:
            places = [str(i + 1) for i, other in enumerate(names) if (other or "").strip() == name]
            problems.append(SourceProblem(
                "duplicate column", _("the header names column {name} {n} times (columns {places}): each column "
                                      "must be named once, rename or remove the others").format(
                    name=repr(name), n=n, places=", ".join(places)), row=1, column=name))
    return problems


def _named(frame: pl.DataFrame, names: list[str | None]) -> tuple[pl.DataFrame, list[SourceProblem]]:
    """Give the read columns the header's names (stripped); columns without a name must be
    empty (a trailing separator) and are dropped, else refused."""
    problems: list[SourceProblem] = []
    keep: dict[str, str] = {}
    for position, (read_name, name) in enumerate(zip(frame.columns, names), start=1):
        clean = (name or "").strip()
        if clean:
            keep[read_name] = clean
            continue
        filled = frame.select(pl.col(read_name).cast(pl.String).str.strip_chars().replace("", None).drop_nulls())
        if filled.height:
            problems.append(SourceProblem(
                "column without a name", _("column {position} has no name in the header but holds values (e.g. "
                                           "{example}): name it in the header, or remove it").format(
                    position=position, example=repr(filled.item(0, 0))), row=1, column=f"#{position}"))
    return frame.select([pl.col(src).alias(dst) for src, dst in keep.items()]), problems


def _ragged_row(text: str, fields: int) -> tuple[int, int] | None:
    """The first row (line number) with more fields than the header, and its field count."""
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    for record in reader:
        if len(record) > fields:
            return reader.line_num, len(record)
    return None


def _long_fields(frame: pl.DataFrame, max_chars: int) -> list[SourceProblem]:
    problems = []
    for name in frame.columns:
        if name == ROW or frame[name].dtype != pl.String:
            continue
        lengths = frame[name].str.len_chars()
        longest = lengths.max()
        if longest is not None and longest > max_chars:  # type: ignore[operator]
            first = int((lengths > max_chars).arg_true()[0])
            problems.append(SourceProblem(
                "field too long", _("a value of {n} characters, more than the policy's max_field_chars ({limit}): a "
                                    "broken quote or a file that is not this table").format(
                    n=fmt_int(longest), limit=fmt_int(max_chars)), row=int(frame[ROW][first]),
                column=name, value=frame[name][first][:40] + "..."))
    return problems


def read_source(path: Path, sheet: str | None = None, encoding: str | None = None, table: str = "invoices",
                max_field_chars: int = 10_000, max_columns: int = 500) -> pl.DataFrame:
    """Read CSV/XLSX/Parquet into a frame with ROW (the row number users see). CSV and XLSX
    come back as text, Parquet keeps its types.

    Raises SourceError for anything that keeps the file from being read as a table (see
    the module docstring); ValueError for an unsupported file type.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        text = decode_text(raw, encoding, table)
        del raw
        header_line = text[: (text.find("\n") + 1) or len(text)]
        try:
            names: list[str | None] = list(next(csv.reader(io.StringIO(header_line)), []))
        except csv.Error:
            raise SourceError([SourceProblem(
                "field too long", _("the header line ({n} characters) is not a header: is this a CSV file of this "
                                    "table?").format(n=fmt_int(len(header_line))), row=1)]) from None
        problems = _header_problems(names, max_columns)
        if problems:
            raise SourceError(problems)
        try:
            frame = pl.read_csv(io.StringIO(text), has_header=False, skip_rows=1, truncate_ragged_lines=False,
                                schema={f"c{i}": pl.String for i in range(len(names))})
        except pl.exceptions.PolarsError as exc:
            if "more fields" in str(exc) or "not specified in schema" in str(exc):
                try:
                    where = _ragged_row(text, len(names))
                except csv.Error:
                    where = None
                if where:
                    raise SourceError([SourceProblem(
                        "ragged row", _("row {row} has {fields} fields, the header {header}: a separator inside a "
                                        "value that is not quoted? Quote the value, or correct the row").format(
                            row=where[0], fields=where[1], header=len(names)), row=where[0])])
            raise
        frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    elif suffix in (".xlsx", ".xlsm", ".xls"):
        options = {"sheet_name": sheet} if sheet else {}
        sheet_rows = pl.read_excel(path, has_header=False, infer_schema_length=0, **options)  # the header is row 1
        names = [None if v is None else str(v) for v in sheet_rows.row(0)] if sheet_rows.height else []
        problems = _header_problems(names, max_columns)
        if problems:
            raise SourceError(problems)
        frame = sheet_rows.slice(1)
        frame = frame.rename(dict(zip(frame.columns, [f"c{i}" for i in range(frame.width)])))
        frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    elif suffix == ".parquet":
        frame = pl.read_parquet(path)
        names = list(frame.columns)
        frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
        problems = _header_problems(names, max_columns)
        if problems:
            raise SourceError(problems)
        frame = frame.rename({n: f"c{i}" for i, n in enumerate(names)})
    else:
        raise ValueError(_("unsupported file type {suffix} (use .csv, .xlsx or .parquet)").format(suffix=repr(suffix)))
    body, problems = _named(frame.drop(ROW), names)
    frame = pl.concat([frame.select(ROW), body], how="horizontal")
    problems += _long_fields(frame, max_field_chars)
    if problems:
        raise SourceError(problems)
    return frame
