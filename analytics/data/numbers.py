"""Numbers as exports write them: the decimal and thousands separators of a file.

One file writes its numbers in one convention. The mapping can state it
(`decimal_separator`, `thousands_separator`); otherwise the file's own cells give it:
`1,234.56`, `12.5` or `1,234,567` show a decimal point, `1.234,56`, `12,50` or
`1.234.567` a decimal comma. Cells such as `1,234` or `1.234` (one separator, three
digits after it) show nothing: read alone they are 1234 in one convention and 1.234 in
the other, so a file that has only such cells is refused until the mapping states its
convention. A file whose cells show both conventions is refused. Nothing is decided per
cell: every cell is then read in the file's convention, and a cell that does not fit it
(`12,50` in a file with a decimal point) is refused with its row and column.

Also read: a sign in front, accounting negatives `(1,234.56)` and SAP's trailing minus
`1234.56-`, an exponent `1.5e3`. `nan`, `inf` and the like are named as such; they are
never amounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from analytics.i18n import N_

DECIMALS = (".", ",")
THOUSANDS = (",", ".", " ", "'", "")
SPACES = " \u00a0\u202f"  # a space, a no-break space and a narrow no-break space group thousands too
EVIDENCE_HEAD = 10_000  # cells looked at first; the whole column only when they show nothing
NON_FINITE = r"(?i)^[+-]?(nan|inf|infinity|-?1\.#(ind|inf|qnan)0*)$"
# Why a cell is not a number (English source texts: the loader shows them through _()).
NOT_A_NUMBER = N_("not a number (NaN)")
INFINITE = N_("infinite")
NOT_IN_POINT = N_("not a number in this file's convention (a decimal point)")
NOT_IN_COMMA = N_("not a number in this file's convention (a decimal comma)")
NOT_FINITE = N_("not a finite number")


@dataclass(frozen=True)
class NumberFormat:
    """The decimal separator ('.' or ',') and the thousands separators a file uses; `basis`
    says where that came from (the mapping, a cell of the file, or nothing to go by)."""

    decimal: str
    thousands: str  # the characters that may group thousands ('' = none)
    basis: str

    @property
    def misfit(self) -> str:
        """Why a cell that does not fit this convention is refused (an English source text)."""
        return NOT_IN_POINT if self.decimal == "." else NOT_IN_COMMA


@dataclass(frozen=True)
class Evidence:
    """A cell that shows a convention: its column, row and text."""

    column: str
    row: int
    text: str


def stated_format(decimal: str | None, thousands: str | None) -> NumberFormat | None:
    """The convention a mapping states; None when it states none. The mapping parser has
    checked the values (DECIMALS, THOUSANDS, not equal)."""
    if decimal is None and thousands is None:
        return None
    dec = decimal or ("," if thousands == "." else ".")
    if thousands is None:
        thousands = ("," if dec == "." else ".") + SPACES
    elif thousands == " ":
        thousands = SPACES
    return NumberFormat(dec, thousands, "stated in the mapping")


SIGNS = r"^[+(-]+|[)-]+$"  # a sign in front, accounting parentheses, a trailing minus


def _unsigned(text: pl.Expr | pl.Series) -> pl.Expr | pl.Series:
    """The cell without its sign, parentheses or trailing minus."""
    return text.str.replace_all(SIGNS, "")


def _shows(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(shows a decimal point, shows a decimal comma) for number-like cells."""
    digits = _unsigned(text)
    point = (digits.str.contains(r",[\d \u00a0\u202f']*\.\d*$")  # a comma before the last point
             | digits.str.contains(r"^[^,]*\.(\d{0,2}|\d{4,})$")  # one point, not three digits after it
             | digits.str.contains(r"^[^.]*,\d{3},\d{3}"))  # thousands commas
    comma = (digits.str.contains(r"\.[\d \u00a0\u202f']*,\d*$")
             | digits.str.contains(r"^[^.]*,(\d{0,2}|\d{4,})$")
             | digits.str.contains(r"^[^,]*\.\d{3}\.\d{3}"))
    return point, comma


def _first(frame: pl.DataFrame, flag: str) -> Evidence | None:
    hit = frame.filter(pl.col(flag)).head(1)
    if hit.height == 0:
        return None
    return Evidence(hit["column"][0], int(hit["row"][0]), hit["text"][0])


def file_evidence(cells: list[tuple[str, pl.Series, pl.Series]]) -> tuple[Evidence | None, Evidence | None]:
    """The first cell showing a decimal point and the first showing a decimal comma, over
    the number columns of one file: (column name, text cells, row numbers) each. The first
    EVIDENCE_HEAD cells of each column are looked at first; the rest only when they show
    nothing (a contradicting cell further down is then refused when it is read)."""
    def scan(limit: int | None) -> tuple[Evidence | None, Evidence | None]:
        parts = []
        for name, text, rows in cells:
            part = pl.DataFrame({"text": text, "row": rows})
            if limit is not None:
                part = part.head(limit)
            part = part.drop_nulls("text")
            parts.append(part.with_columns(pl.lit(name).alias("column")))
        if not parts:
            return None, None
        frame = pl.concat(parts).filter(pl.col("text").str.contains(r"[.,]"))
        point, comma = _shows(pl.col("text"))
        frame = frame.with_columns(point.alias("point"), comma.alias("comma"))
        return _first(frame, "point"), _first(frame, "comma")
    point, comma = scan(EVIDENCE_HEAD)
    if point is None and comma is None and any(text.len() > EVIDENCE_HEAD for _, text, _ in cells):
        point, comma = scan(None)
    return point, comma


def ambiguous_cells(text: pl.Series) -> pl.Series:
    """Cells a file without evidence cannot read: one separator with three digits after it."""
    return _unsigned(text).str.contains(r"^\d{1,3}[.,]\d{3}$").fill_null(False)


def parse_numbers(text: pl.Series, fmt: NumberFormat) -> tuple[pl.Series, pl.Series]:
    """Read text cells (already stripped, empty = null) as numbers in the file's convention.

    Returns (values as Float64, reason): reason is null where the cell is empty or read,
    else why it is not a number ('not a number (NaN)', 'infinite', 'not a number in
    <convention>'). Cells that already read as a plain number are taken as they are when
    the decimal separator is a point (the fast path: no pattern is applied to them).
    """
    name = text.name
    plain = text.cast(pl.Float64, strict=False)
    if fmt.decimal == ".":
        todo = plain.is_null() & text.is_not_null()
        special = todo | (plain.is_nan() | plain.is_infinite()).fill_null(False)
        if not special.any():  # a clean export: every cell read by the plain cast
            return plain.alias(name), pl.repeat(None, text.len(), dtype=pl.String, eager=True).alias(name)
        non_finite = pl.repeat(False, text.len(), dtype=pl.Boolean, eager=True).scatter(
            special.arg_true(), text.filter(special).str.contains(NON_FINITE).fill_null(False))
        todo = todo & ~non_finite
    else:
        non_finite = text.str.contains(NON_FINITE).fill_null(False)
        todo = text.is_not_null() & ~non_finite
    if not todo.any():
        values = plain
    else:
        t = pl.col("t")
        paren = t.str.starts_with("(") & t.str.ends_with(")")
        trailing = t.str.ends_with("-") & ~t.str.starts_with("-")
        core = (pl.when(paren).then(t.str.slice(1).str.strip_suffix(")"))
                .when(trailing).then(t.str.strip_suffix("-")).otherwise(t).str.strip_chars())
        dec = "\\" + fmt.decimal
        group = "[" + fmt.thousands + "]" if fmt.thousands else None
        shapes = [rf"^[+-]?\d+({dec}\d*)?([eE][+-]?\d+)?$", rf"^[+-]?{dec}\d+([eE][+-]?\d+)?$"]
        if group:
            shapes.append(rf"^[+-]?\d{{1,3}}({group}\d{{3}})+({dec}\d*)?$")
        fits = pl.any_horizontal([core.str.contains(s) for s in shapes])
        digits = core.str.replace_all(group, "") if group else core
        if fmt.decimal == ",":
            digits = digits.str.replace(",", ".", literal=True)
        number = digits.cast(pl.Float64, strict=False)
        sign = pl.when(paren | trailing).then(-1.0).otherwise(1.0)
        read = pl.DataFrame({"t": text.filter(todo)}).select(
            pl.when(fits & ~(paren & trailing)).then(number * sign).alias("v"))["v"]
        values = plain.scatter(todo.arg_true(), read) if fmt.decimal == "." else \
            pl.repeat(None, text.len(), dtype=pl.Float64, eager=True).scatter(todo.arg_true(), read)
    reason = pl.select(
        pl.when(non_finite & text.str.contains(r"(?i)nan|ind").fill_null(False)).then(pl.lit(NOT_A_NUMBER))
        .when(non_finite).then(pl.lit(INFINITE))
        .when(values.is_null() & text.is_not_null()).then(pl.lit(fmt.misfit))
        .when(values.is_infinite() | values.is_nan()).then(pl.lit(NOT_FINITE))
        .alias(name)).to_series()
    values = pl.select(pl.when(reason.is_null()).then(values).alias(name)).to_series()
    return values.alias(name), reason


def choose_format(cells: list[tuple[str, pl.Series, pl.Series]], stated: NumberFormat | None,
                  ) -> tuple[NumberFormat, tuple[Evidence, Evidence] | None]:
    """The convention of one file's number columns (see file_evidence for `cells`): the
    stated one, else the one its cells show. Returns it and, when the cells show both, the
    two cells that disagree (the file is then refused)."""
    if stated is not None:
        return stated, None
    point, comma = file_evidence(cells)
    if point is not None and comma is not None:
        return NumberFormat(".", "," + SPACES, "the file shows both"), (point, comma)
    if comma is not None:
        return NumberFormat(",", "." + SPACES, f"{comma.column} {comma.text!r} in row {comma.row}"), None
    if point is not None:
        return NumberFormat(".", "," + SPACES, f"{point.column} {point.text!r} in row {point.row}"), None
    return NumberFormat(".", "," + SPACES, "none"), None
