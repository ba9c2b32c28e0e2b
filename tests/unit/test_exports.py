"""Issue 15, part 3: exports people read carry the catalogue's labels in their language and
Excel number formats; files that load back keep the field names.

The XLSX is read back without openpyxl: fastexcel for the cells and the sheet names, the
workbook's XML (zipfile) for number formats, frozen panes and autofilters.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import fastexcel
import polars as pl
import pytest

from analytics.data import export
from analytics.i18n import speaking

FRAME = pl.DataFrame({
    "customer_id": ["C1", "C2"],
    "name": ["Alpha Co", None],
    "gross_exposure_amt": [27_202_837.611, 40_884_808.9],
    "share_pct": [12.345, 3.0],
    "pd_frac": [0.00034, 0.2],
    "max_days_past_due": [-5, 30],
    "items": [1, 2_000],
    "as_of": [date(2024, 1, 31), date(2024, 1, 31)],
    "effective_from": ["2024-01-02", None],
})


def xml(data: bytes, member: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read(member).decode("utf-8")


def number_formats(data: bytes) -> set[str]:
    return {code.replace("&quot;", '"') for code in re.findall(r'formatCode="([^"]*)"', xml(data, "xl/styles.xml"))}


def test_csv_has_human_headers_in_english_and_chinese_and_machine_names_on_request():
    with speaking("en"):
        text = export.to_csv_bytes(FRAME, human=True, currency="CNY").decode("utf-8-sig")
    header, first, second = text.splitlines()[:3]
    assert header == ("Customer,Gross exposure (CNY),Max days past due,Customer ID,Share %,PD %,Items,As of,"
                      "Effective from")
    assert first.split(",")[1] == "27202837.61"  # amounts to the cent
    assert first.split(",")[2] == "0"  # a not-due item's days past due read 0, never negative
    assert second.split(",")[0] == ""  # missing is empty, never "None"
    with speaking("zh"):
        chinese = export.to_csv_bytes(FRAME, human=True, currency="CNY").decode("utf-8-sig").splitlines()[0]
    assert chinese.startswith("客户,总敞口 (CNY),最长逾期天数,客户 ID,占比 %")
    machine = export.to_csv_bytes(FRAME).decode("utf-8-sig").splitlines()[0]
    assert machine == ",".join(FRAME.columns)
    assert export.to_csv_bytes(FRAME).startswith(b"\xef\xbb\xbf")


def test_xlsx_has_human_headers_a_fields_sheet_number_formats_frozen_header_and_filter():
    with speaking("en"):
        data = export.to_xlsx_bytes({"exposure": FRAME}, human=True, currency="CNY")
    book = fastexcel.read_excel(data)
    assert book.sheet_names == ["exposure", "Fields"]
    sheet = book.load_sheet(0).to_polars()
    assert sheet.columns[:4] == ["Customer", "Gross exposure (CNY)", "Max days past due", "Customer ID"]
    assert sheet["Gross exposure (CNY)"].to_list() == pytest.approx([27_202_837.611, 40_884_808.9])
    assert sheet["Max days past due"].to_list() == [0, 30]
    fields = book.load_sheet(1).to_polars()
    assert fields.columns == ["Sheet", "Column", "Field name", "Unit"]
    by_field = {r["Field name"]: r for r in fields.iter_rows(named=True)}
    assert set(by_field) == set(FRAME.columns)
    assert by_field["gross_exposure_amt"]["Column"] == "Gross exposure (CNY)"
    assert by_field["gross_exposure_amt"]["Unit"] == "CNY" and by_field["share_pct"]["Unit"] == "%"
    assert by_field["as_of"]["Unit"] == "date"

    formats = number_formats(data)
    assert {"#,##0.00", '0.0" %"', "0.00%", "#,##0", "yyyy-mm-dd"} <= formats
    first = xml(data, "xl/worksheets/sheet1.xml")
    assert re.search(r'<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>', first)
    assert '<autoFilter ref="A1:I3"/>' in first
    assert '<autoFilter ref="A1:D10"/>' in xml(data, "xl/worksheets/sheet2.xml")
    # dates are dates: the as_of column (H) and the ISO text of effective_from (I) hold serial numbers
    assert re.search(r'<c r="H2" s="\d+"><v>45322</v></c>', first)
    assert re.search(r'<c r="I2" s="\d+"><v>45293</v></c>', first)


def test_percent_formats_follow_the_unit_the_name_carries():
    assert export.number_format("share_pct", "pct") == '0.0" %"'  # 12.3 is already percent: 12.3 %
    assert export.number_format("pd_pct", "pct") == '0.00" %"'
    assert export.number_format("loss_rate_pct", "pct") == '0.000" %"'
    assert export.number_format("pd_frac", "frac") == "0.00%"  # 0.0012 is a fraction: 0.12%
    assert export.number_format("gross_exposure_amt", "amt") == "#,##0.00"


def test_xlsx_in_chinese_names_the_sheet_and_headers_in_chinese():
    with speaking("zh"):
        data = export.to_xlsx_bytes({"exposure": FRAME}, human=True, currency="CNY")
    book = fastexcel.read_excel(data)
    assert book.sheet_names == ["exposure", "字段说明"]
    assert book.load_sheet(0).to_polars().columns[:3] == ["客户", "总敞口 (CNY)", "最长逾期天数"]


def test_a_file_that_loads_back_keeps_the_contract_field_names():
    from analytics.views.decisions import ERP_LIMIT_COLUMNS
    erp = pl.DataFrame({name: ["x"] for name in ERP_LIMIT_COLUMNS}).with_columns(
        pl.lit(1_000_000.0).alias("limit_amt"), pl.lit(date(2024, 5, 1)).alias("effective_from"))
    with speaking("zh"):
        csv = export.to_csv_bytes(erp).decode("utf-8-sig").splitlines()[0]
        data = export.to_xlsx_bytes({"credit_limits": erp})
    assert csv == ",".join(ERP_LIMIT_COLUMNS)
    book = fastexcel.read_excel(data)
    assert book.sheet_names == ["credit_limits"]  # no Fields sheet: the loader reads the first sheet
    assert book.load_sheet(0).to_polars().columns == list(ERP_LIMIT_COLUMNS)


def test_the_download_buttons_keep_field_names_for_import_files():
    from analytics.app.ui import wants_field_names
    assert wants_field_names("decided_limits_erp_import") and not wants_field_names("largest_exposures")
    assert wants_field_names("anything", machine_names=True) and not wants_field_names("x_import", False)


def test_human_exports_read_in_the_order_of_the_table_on_screen():
    with speaking("en"):
        header = export.to_csv_bytes(FRAME, human=True).decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["Customer", "Gross exposure", "Max days past due"]
    assert len(header) == FRAME.width


def test_sheet_names_are_valid_and_unique():
    data = export.to_xlsx_bytes({"a/b:c" * 10: FRAME.head(1), "A/B:C" * 10: FRAME.head(1)})
    names = fastexcel.read_excel(data).sheet_names
    assert len(names) == 2 and len({n.casefold() for n in names}) == 2
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


def test_missing_and_infinite_numbers_are_blank_cells():
    frame = pl.DataFrame({"name": ["a", "b", "c"], "ratio_pct": [float("nan"), float("inf"), None]})
    with speaking("en"):
        data = export.to_xlsx_bytes({"t": frame}, human=True)
    sheet = xml(data, "xl/worksheets/sheet1.xml")
    assert "#NUM" not in sheet and "<v>" not in sheet.split('r="B2"', 1)[1].split("</row>", 1)[0]
    assert fastexcel.read_excel(data).load_sheet(0).to_polars()["Ratio %"].null_count() == 3
