"""Issue 11, part 1: bad input that used to get in is refused with its row and column (the
warehouse byte-identical), or read correctly and said in the notes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from analytics.data import numbers
from analytics.data.ingest import format_report
from analytics.data.loader import load
from analytics.data.mapping import MappingError, parse_mapping
from analytics.policy import Policy
from analytics.data.warehouse import current_path
from tests.conftest import TINY
from tests.loader.test_bad_input import assert_rejected, edit


@pytest.fixture()
def serving(tmp_path: Path, policy: Policy) -> Path:
    folder = tmp_path / "wh"
    assert load(TINY, policy, folder).ok
    return folder


def refused(src: Path, folder: Path, policy: Policy, rule: str, *, fragment: str = "", **where) -> list:
    """Refused with this rule (and message fragment, column, row), the warehouse byte-identical."""
    return assert_rejected(src, folder, policy, rule, fragment, **where)


def invoices(folder: Path) -> dict[str, float]:
    import duckdb
    with duckdb.connect(str(current_path(folder)), read_only=True) as con:
        return dict(con.execute("select invoice_id, amount from invoices order by invoice_id").fetchall())


# ----------------------------------------------------------------------------- non-finite and absurd numbers

@pytest.mark.parametrize("text, why", [("nan", "not a number (NaN)"), ("NaN", "not a number (NaN)"),
                                       ("inf", "infinite"), ("-Infinity", "infinite"), ("1e400", "finite")])
def test_non_finite_amounts_are_named(tiny_copy, serving, policy, text, why):
    edit(tiny_copy, "invoices.csv", "2024-03-16,500,", f"2024-03-16,{text},")
    issues = refused(tiny_copy, serving, policy, "not a finite number", fragment=why, column="amount", row=3)
    # one bad cell, one problem: not also "required value missing"
    assert [(i.row, i.column) for i in issues] == [(3, "amount")]


def test_absurd_amount_beyond_the_policy_bound(tiny_copy, serving, policy):
    edit(tiny_copy, "payments.csv", "P3,C1,I2,2024-04-10,300", "P3,C1,I2,2024-04-10,1e308")
    refused(tiny_copy, serving, policy, "amount beyond bound", fragment="max_abs_amount", column="amount", row=4)


def test_nan_in_parquet_is_refused(tiny_copy, serving, policy):
    frame = pl.read_csv(tiny_copy / "fx_rates.csv", try_parse_dates=True)
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(float("nan"))
                               .otherwise(pl.col("rate_to_reporting")).alias("rate_to_reporting"))
    (tiny_copy / "fx_rates.csv").unlink()
    frame.write_parquet(tiny_copy / "fx_rates.parquet")
    refused(tiny_copy, serving, policy, "not a finite number", fragment="NaN", column="rate_to_reporting", row=1)


# ----------------------------------------------------------------------------- columns

def test_duplicated_column_is_named(tiny_copy, serving, policy):
    edit(tiny_copy, "invoices.csv", "paid_date,is_disputed", "amount,is_disputed")
    refused(tiny_copy, serving, policy, "duplicate column", fragment="'amount' 2 times (columns 5, 8)",
            column="amount", row=1)


def test_duplicated_column_in_xlsx_is_named(tiny_copy, serving, policy):
    frame = pl.read_csv(tiny_copy / "orders.csv", infer_schema=False)
    (tiny_copy / "orders.csv").unlink()
    import xlsxwriter
    book = xlsxwriter.Workbook(str(tiny_copy / "orders.xlsx"))
    sheet = book.add_worksheet()
    header = list(frame.columns)
    header[-1] = header[0]
    sheet.write_row(0, 0, header)
    for r, row in enumerate(frame.iter_rows(), start=1):
        sheet.write_row(r, 0, row)
    book.close()
    refused(tiny_copy, serving, policy, "duplicate column", fragment=f"{header[0]!r} 2 times", column=header[0])


def test_unused_columns_are_named_in_the_notes(tiny_copy, tmp_path, policy):
    text = (tiny_copy / "invoices.csv").read_text().splitlines()
    text = [text[0] + ",销售员"] + [line + ",张三" for line in text[1:]]
    (tiny_copy / "invoices.csv").write_text("\n".join(text) + "\n")
    outcome = load(tiny_copy, policy, tmp_path / "wh")
    assert outcome.ok
    unused = [n for n in outcome.notes if n.rule == "column not used"]
    assert [(n.file, n.column) for n in unused] == [("invoices.csv", "销售员")]
    assert "invoices.csv: column not used (1 column)" in format_report(outcome.notes, notes=True)


def test_blank_trailing_column_is_fine_but_a_nameless_column_with_values_is_not(tiny_copy, tmp_path, serving,
                                                                                policy):
    text = (tiny_copy / "orders.csv").read_text().splitlines()
    (tiny_copy / "orders.csv").write_text("\n".join(line + "," for line in text) + "\n")
    assert load(tiny_copy, policy, tmp_path / "ok").ok
    (tiny_copy / "orders.csv").write_text("\n".join([text[0] + ","] + [line + ",x" for line in text[1:]]) + "\n")
    refused(tiny_copy, serving, policy, "column without a name", fragment="holds values")


# ----------------------------------------------------------------------------- trimming and control characters

def test_keys_with_spaces_are_one_invoice(tiny_copy, serving, policy):
    edit(tiny_copy, "invoices.csv", "I4,C3", " I1 ,C3")
    refused(tiny_copy, serving, policy, "duplicate key", column="invoice_id", row=5)


def test_trimmed_keys_join_and_are_noted(tiny_copy, tmp_path, policy):
    edit(tiny_copy, "payments.csv", "P3,C1,I2", "P3, C1 ,I2 ")
    outcome = load(tiny_copy, policy, tmp_path / "wh")
    assert outcome.ok, format_report(outcome.issues)
    trimmed = sorted((n.column, n.row, n.value) for n in outcome.notes if n.rule == "spaces trimmed")
    assert trimmed == [("customer_id", 4, "' C1 '"), ("invoice_id", 4, "'I2 '")]
    assert outcome.summary["notes_by_kind"]["spaces trimmed"] == 2


def test_nul_in_a_key_is_refused(tiny_copy, serving, policy):
    edit(tiny_copy, "invoices.csv", "I4,C3", "I4\x00,C3")
    refused(tiny_copy, serving, policy, "control character", column="invoice_id", row=5)


def test_control_characters_in_free_text_are_replaced(tiny_copy, tmp_path, policy):
    edit(tiny_copy, "customers.csv", "C3,Gamma Co,", "C3,Gamma\x00\x07Co,")
    outcome = load(tiny_copy, policy, tmp_path / "wh")
    assert outcome.ok, format_report(outcome.issues)
    [note] = [n for n in outcome.notes if n.rule == "control characters replaced"]
    assert (note.column, note.row) == ("name", 4)
    import duckdb
    with duckdb.connect(str(current_path(tmp_path / "wh")), read_only=True) as con:
        assert con.execute("select name from customers where customer_id = 'C3'").fetchone() == ("Gamma  Co",)


# ----------------------------------------------------------------------------- number conventions

def test_decimal_comma_file_is_read_as_such(tiny_copy, tmp_path, policy):
    edit(tiny_copy, "invoices.csv", "2024-01-10,2024-02-09,1000,", '2024-01-10,2024-02-09,"1.000,00",')
    edit(tiny_copy, "invoices.csv", "2024-03-16,500,", '2024-03-16,"12,50",')
    outcome = load(tiny_copy, policy, tmp_path / "wh")
    assert outcome.ok, format_report(outcome.issues)
    got = invoices(tmp_path / "wh")
    assert got["I1"] == 1000.0 and got["I2"] == 12.5 and got["I4"] == 2000.0


def test_decimal_point_file_with_thousands_commas(tiny_copy, tmp_path, policy):
    edit(tiny_copy, "invoices.csv", "2024-01-10,2024-02-09,1000,", '2024-01-10,2024-02-09,"1,000.50",')
    edit(tiny_copy, "invoices.csv", "2024-03-16,500,", '2024-03-16,"(1,234)",')
    edit(tiny_copy, "invoices.csv", "2024-03-05,2024-04-04,2000,", "2024-03-05,2024-04-04,2000-,")
    outcome = load(tiny_copy, policy, tmp_path / "wh")
    # (1,234) and 2000- are negatives: an invoice may not be negative, and says so
    assert {i.rule for i in outcome.issues} == {"negative invoice amount"}
    assert sorted(i.row for i in outcome.issues) == [3, 5]


def test_two_conventions_in_one_file_are_refused(tiny_copy, serving, policy):
    edit(tiny_copy, "invoices.csv", "2024-01-10,2024-02-09,1000,", '2024-01-10,2024-02-09,"1,000.50",')
    edit(tiny_copy, "invoices.csv", "2024-03-16,500,", '2024-03-16,"12,50",')
    refused(tiny_copy, serving, policy, "two number conventions", fragment="'1,000.50' in row 2",
            column="amount", row=3)


def test_ambiguous_thousands_without_evidence_are_refused(tiny_copy, serving, policy):
    for old, new in (("2024-01-10,2024-02-09,1000,", '2024-01-10,2024-02-09,"1,000",'),
                     ("2024-03-05,2024-04-04,2000,", '2024-03-05,2024-04-04,"2,000",')):
        edit(tiny_copy, "invoices.csv", old, new)
    issues = refused(tiny_copy, serving, policy, "ambiguous number", fragment="decimal_separator", column="amount")
    assert sorted(i.row for i in issues if i.rule == "ambiguous number") == [2, 5]


def test_stated_convention_reads_the_ambiguous_cells(tiny_copy, tmp_path, policy):
    edit(tiny_copy, "invoices.csv", "2024-01-10,2024-02-09,1000,", '2024-01-10,2024-02-09,"1.000",')
    mapping = tmp_path / "m.toml"
    mapping.write_text('[invoices]\ndecimal_separator = ","\nthousands_separator = "."\n', encoding="utf-8")
    outcome = load(tiny_copy, policy, tmp_path / "wh", mapping)
    assert outcome.ok, format_report(outcome.issues)
    assert invoices(tmp_path / "wh")["I1"] == 1000.0


def test_a_cell_against_the_file_convention_is_refused(tiny_copy, serving, policy):
    edit(tiny_copy, "invoices.csv", "2024-01-10,2024-02-09,1000,", '2024-01-10,2024-02-09,"1.000,50",')
    edit(tiny_copy, "invoices.csv", "2024-03-16,500,", '2024-03-16,"1,2,3",')
    refused(tiny_copy, serving, policy, "wrong type", fragment="decimal comma", column="amount", row=3)


def test_mapping_separators_are_checked():
    with pytest.raises(MappingError, match="decimal_separator"):
        parse_mapping('[invoices]\ndecimal_separator = ";"\n')
    with pytest.raises(MappingError, match="both"):
        parse_mapping('[invoices]\ndecimal_separator = ","\nthousands_separator = ","\n')
    with pytest.raises(MappingError, match="encoding"):
        parse_mapping('[invoices]\nencoding = "klingon"\n')


@pytest.mark.parametrize("cells, decimal", [(["1,234.56", "7"], "."), (["12,5", "3"], ","), (["1,234,567"], "."),
                                            (["1.234.567"], ","), (["0.5"], "."), (["1.234,5"], ",")])
def test_evidence_by_hand(cells, decimal):
    text = pl.Series("amount", cells)
    fmt, clash = numbers.choose_format([("amount", text, pl.Series(range(len(cells))))], None)
    assert clash is None and fmt.decimal == decimal


def test_parse_numbers_by_hand():
    fmt = numbers.NumberFormat(",", "." + numbers.SPACES, "test")
    values, reason = numbers.parse_numbers(pl.Series("a", ["1.234,56", "12,5", "1 234,5", "(3,5)", "7-", "1,2,3", None]),
                                           fmt)
    assert values.to_list()[:5] == [1234.56, 12.5, 1234.5, -3.5, -7.0]
    assert values[5] is None and reason[5] is not None and reason[6] is None


# ----------------------------------------------------------------------------- sizes, encodings, ragged rows

def test_a_huge_field_is_refused_at_read_time(tiny_copy, serving, policy):
    edit(tiny_copy, "customers.csv", "C3,Gamma Co,", "C3," + "G" * 20_000 + ",")
    refused(tiny_copy, serving, policy, "field too long", fragment="max_field_chars", column="name", row=4)


def test_one_giant_line_is_refused_not_a_traceback(tiny_copy, serving, policy):
    (tiny_copy / "orders.csv").write_text("x" * 2_000_000)
    refused(tiny_copy, serving, policy, "field too long", fragment="not a header")


def test_encoding_error_names_the_row_and_the_encodings_tried(tiny_copy, serving, policy):
    raw = (tiny_copy / "customers.csv").read_bytes().replace(b"Gamma Co", b"Gamma \xff\xff Co")
    (tiny_copy / "customers.csv").write_bytes(raw)
    refused(tiny_copy, serving, policy, "unknown encoding", fragment="tried: utf-8, gb18030", row=4)


def test_stated_encoding_is_used(tiny_copy, tmp_path, policy):
    text = (tiny_copy / "customers.csv").read_text().replace("Gamma Co", "伽瑪公司")
    (tiny_copy / "customers.csv").write_bytes(text.encode("big5"))
    mapping = tmp_path / "m.toml"
    mapping.write_text('[customers]\nencoding = "big5"\n', encoding="utf-8")
    outcome = load(tiny_copy, policy, tmp_path / "wh", mapping)
    assert outcome.ok, format_report(outcome.issues)
    import duckdb
    with duckdb.connect(str(current_path(tmp_path / "wh")), read_only=True) as con:
        assert con.execute("select name from customers where customer_id = 'C3'").fetchone() == ("伽瑪公司",)


def test_ragged_row_is_named(tiny_copy, serving, policy):
    (tiny_copy / "orders.csv").write_text("order_id,customer_id,order_date,amount\nO1,C3,2024-03-25,400\n"
                                          "O2,C3,2024-03-26,1,400\n")
    refused(tiny_copy, serving, policy, "ragged row", fragment="row 3 has 5 fields, the header 4", row=3)


def test_ten_thousand_errors_make_a_readable_report(tiny_copy, serving, policy):
    lines = ["order_id,customer_id,order_date,amount"] + [f"O{i},C9,2024-03-25,abc" for i in range(10_000)]
    (tiny_copy / "orders.csv").write_text("\n".join(lines) + "\n")
    outcome = load(tiny_copy, policy, serving)
    report = format_report(outcome.issues)
    assert "orders.csv: unknown customer (10,000 rows)" in report
    assert "orders.csv: wrong type (10,000 rows)" in report
    assert "... and 9,995 more" in report and len(report.splitlines()) < 40
