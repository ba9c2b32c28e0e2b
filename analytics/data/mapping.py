"""The import mapping: how a source export maps onto the data contract.

A TOML file with one section per contract table:

    [invoices]
    file = "应收发票.csv"          # source file name in the source folder
    date_format = "%Y/%m/%d"       # strftime-style; default ISO
    sheet = "Sheet1"               # XLSX only, optional
    encoding = "big5"              # CSV only; default UTF-8, else GB18030
    decimal_separator = ","        # how numbers are written; default: what the file shows
    thousands_separator = "."      # "," "." " " "'" or "" (none)
    [invoices.columns]             # contract column = source column
    invoice_id = "发票号"
    [invoices.values.is_disputed]  # contract value = [source values]
    true = ["是", "Y"]
    false = ["否", "N"]
    [export]                       # facts about the export itself, optional
    extracted_on = "2024-03-15"    # the day the data was taken (default as-of date)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import codecs

from analytics.data.contract import TABLES
from analytics.data.numbers import DECIMALS, THOUSANDS
from analytics.i18n import _


class MappingError(ValueError):
    """The mapping file is malformed or names unknown tables/columns."""


@dataclass(frozen=True)
class TableMapping:
    """How one contract table is read from its source file."""

    file: str | None = None
    date_format: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    decimal_separator: str | None = None
    thousands_separator: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # contract -> source
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # column -> target -> sources


def parse_mapping(text: str, source: str = "mapping.toml") -> dict[str, TableMapping]:
    """Parse mapping TOML into per-table mappings, rejecting unknown names."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(_("{source}: not valid TOML ({reason})").format(source=source, reason=exc)) from exc
    result: dict[str, TableMapping] = {}
    for table_name, section in doc.items():
        if table_name == EXPORT_SECTION:
            export_facts(doc, source)
            continue
        if table_name not in TABLES:
            raise MappingError(_("{source}: [{table}] is not a contract table (expected one of: {tables})").format(
                source=source, table=table_name, tables=", ".join(TABLES)))
        if not isinstance(section, dict):
            raise MappingError(_("{source}: [{table}] must be a table").format(source=source, table=table_name))
        table = TABLES[table_name]
        unknown_keys = set(section) - {"file", "date_format", "sheet", "encoding", "decimal_separator",
                                       "thousands_separator", "columns", "values"}
        if unknown_keys:
            raise MappingError(_("{source}: [{table}] has unknown keys: {keys}").format(
                source=source, table=table_name, keys=", ".join(sorted(unknown_keys))))
        columns = section.get("columns", {})
        values = section.get("values", {})
        for col, src in columns.items():
            if col not in table.column_names:
                raise MappingError(_("{source}: [{table}.columns] {column} is not a column of {table}").format(
                    source=source, table=table_name, column=repr(col)))
            if not isinstance(src, str) or not src:
                raise MappingError(_("{source}: [{table}.columns] {column} must name a source column").format(
                    source=source, table=table_name, column=col))
        parsed_values: dict[str, dict[str, list[str]]] = {}
        for col, vmap in values.items():
            if col not in table.column_names:
                raise MappingError(_("{source}: [{table}.values] {column} is not a column of {table}").format(
                    source=source, table=table_name, column=repr(col)))
            if not isinstance(vmap, dict):
                raise MappingError(_("{source}: [{table}.values.{column}] must be a table").format(
                    source=source, table=table_name, column=col))
            parsed_values[col] = {}
            for target, sources in vmap.items():
                if isinstance(sources, str):
                    sources = [sources]
                if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
                    raise MappingError(_("{source}: [{table}.values.{column}] {target} must list source values").format(
                        source=source, table=table_name, column=col, target=target))
                parsed_values[col][str(target)] = list(sources)
        for key in ("file", "date_format", "sheet", "encoding", "decimal_separator", "thousands_separator"):
            if key in section and not isinstance(section[key], str):
                raise MappingError(_("{source}: [{table}] {key} must be a string").format(
                    source=source, table=table_name, key=key))
        if "encoding" in section:
            try:
                codecs.lookup(section["encoding"])
            except LookupError:
                raise MappingError(_("{source}: [{table}] encoding {encoding} is not an encoding Python knows (e.g. "
                                     "utf-8, gb18030, big5, shift_jis, cp1252)").format(
                    source=source, table=table_name, encoding=repr(section["encoding"]))) from None
        dec, thou = section.get("decimal_separator"), section.get("thousands_separator")
        if dec is not None and dec not in DECIMALS:
            raise MappingError(_("{source}: [{table}] decimal_separator {value} must be \".\" or \",\"").format(
                source=source, table=table_name, value=repr(dec)))
        if thou is not None and thou not in THOUSANDS:
            raise MappingError(_("{source}: [{table}] thousands_separator {value} must be one of {choices}").format(
                source=source, table=table_name, value=repr(thou), choices=", ".join(repr(t) for t in THOUSANDS)))
        if dec is not None and thou is not None and dec == thou:
            raise MappingError(_("{source}: [{table}] decimal_separator and thousands_separator are both {value}")
                               .format(source=source, table=table_name, value=repr(dec)))
        result[table_name] = TableMapping(
            file=section.get("file"),
            date_format=section.get("date_format"),
            sheet=section.get("sheet"),
            encoding=section.get("encoding"),
            decimal_separator=dec,
            thousands_separator=thou,
            columns=dict(columns),
            values=parsed_values,
        )
    return result


EXPORT_SECTION = "export"


def export_facts(doc: dict, source: str = "mapping.toml") -> dict[str, date]:  # type: ignore[type-arg]
    """The [export] section: `extracted_on`, the day the data was taken (an ISO date)."""
    section = doc.get(EXPORT_SECTION, {})
    if not isinstance(section, dict):
        raise MappingError(_("{source}: [{table}] must be a table").format(source=source, table=EXPORT_SECTION))
    unknown = set(section) - {"extracted_on"}
    if unknown:
        raise MappingError(_("{source}: [export] has unknown keys: {keys} (known: extracted_on)").format(
            source=source, keys=", ".join(sorted(unknown))))
    out: dict[str, date] = {}
    if "extracted_on" in section:
        value = section["extracted_on"]
        if isinstance(value, date):
            out["extracted_on"] = value
        else:
            try:
                out["extracted_on"] = date.fromisoformat(str(value).strip())
            except ValueError:
                raise MappingError(_("{source}: [export] extracted_on {value} is not a date (use YYYY-MM-DD)").format(
                    source=source, value=repr(value))) from None
    return out


def _read(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingError(_("mapping file {path} cannot be read: {reason}").format(
            path=path, reason=exc.strerror)) from exc
    except UnicodeDecodeError:
        raise MappingError(_("mapping file {path} is not UTF-8 text").format(path=path)) from None


def load_mapping(path: Path | None) -> dict[str, TableMapping]:
    """Read a mapping file; no file means contract names as they are."""
    if path is None:
        return {}
    return parse_mapping(_read(path), str(path))


def mapping_extracted_on(path: Path | None) -> date | None:
    """The extraction date a mapping file states in [export] extracted_on, if any."""
    if path is None:
        return None
    try:
        doc = tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(_("{source}: not valid TOML ({reason})").format(source=path, reason=exc)) from exc
    return export_facts(doc, str(path)).get("extracted_on")
