"""Table exports: CSV and XLSX bytes (xlsxwriter) and JSON, shared by pages and the CLI.

Text from the data never becomes a formula in a spreadsheet: in CSV a text cell that starts
with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading apostrophe
(OWASP, "CSV Injection"), so Excel shows it as text; XLSX cells are written as text
(xlsxwriter's strings_to_formulas and strings_to_urls off). Numbers stay numbers.
"""

from __future__ import annotations

import io
import json
import math
from datetime import date, datetime

import polars as pl


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


def to_csv_bytes(frame: pl.DataFrame, bom: bool = True) -> bytes:
    """UTF-8 CSV (with a BOM by default, so Excel opens Chinese names correctly); text
    cells neutralised against formula injection."""
    return (b"\xef\xbb\xbf" if bom else b"") + neutralised(rounded(frame)).write_csv().encode("utf-8")


def to_xlsx_bytes(sheets: dict[str, pl.DataFrame]) -> bytes:
    """One worksheet per frame (names cut to Excel's 31 characters), with autofit columns."""
    buffer = io.BytesIO()
    import xlsxwriter

    with xlsxwriter.Workbook(buffer, {"nan_inf_to_errors": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False}) as workbook:
        for name, frame in sheets.items():
            frame.write_excel(workbook, worksheet=name[:31], autofit=True, float_precision=2)
    return buffer.getvalue()


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
