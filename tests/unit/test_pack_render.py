"""The committee pack's renderers on a small hand-made pack: the PDF read back with pypdf (pages,
text, footers, the embedded CJK font), the XLSX read back with polars/calamine (sheets, real
numbers), and the cell formats of `table_cells`."""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import date, datetime

import altair as alt
import polars as pl
import pytest
from pypdf import PdfReader

from analytics.data.pack import (Pack, PackItem, PackTable, SheetNames, chart_svg, pack_html, render_pdf,
                                 render_xlsx, table_cells)

CN_NAME = "华东精密机械有限公司"
NASTY_NAME = 'Smith <b>& "Sons" Ltd'
TITLE = "Credit committee 2026-12-08"
HEADLINE = (("Exposure", "CNY 4.15B"), ("Overdue", "CNY 312.5M"), ("Overdue share", "7.5 %"),
            ("Customers", "2,015"), ("Expected loss", "CNY 41.2M"))
MINUTES = ("Opened 14:00, quorum present (5 of 6).", "Item 1 approved CNY 18M, 4 for and 1 against.",
           "Item 2 deferred to January.")


def bar_chart(title: str) -> dict:
    frame = pl.DataFrame({"bucket": ["current", "1-30", "31-60"], "outstanding_amt": [5.2e6, 2.1e6, 0.9e6]})
    return (alt.Chart(frame).mark_bar()
            .encode(x=alt.X("bucket:N", sort=None), y=alt.Y("outstanding_amt:Q", title="Outstanding"))
            .properties(title=title).to_dict())


def aging_table() -> PackTable:
    return PackTable("Open items by aging bucket", pl.DataFrame({
        "bucket": ["current", "1-30", "31-60"],
        "outstanding_amt": [12_345_678.9, 2_100_000.0, None],
        "share_pct": [74.12, 12.6, float("nan")],
        "invoices": [1250, 33, 12],
        "avg_days": [12.4, 22.0, 45.6],
        "due_on": [date(2026, 12, 31), date(2027, 1, 31), None],
    }), labels={"share_pct": "Share of open items (%)"})


def rating_table() -> PackTable:
    return PackTable("Exposure by rating", pl.DataFrame({
        "rating_grade": ["A", "B"], "customers": [320, 1250], "exposure_amt": [1_200_000_000.0, 98_765.4],
        "pd_pct": [0.3, 1.14]}))


def make_pack(minutes: tuple[str, ...] = MINUTES, **changes) -> Pack:
    item_cn = PackItem(
        position=1, title=f"Limit increase: {CN_NAME}", kind_label="Application above the CFO's authority",
        customer_id="C1001", customer_name=CN_NAME,
        facts=(("Exposure", "CNY 12.3M"), ("Credit limit", "CNY 15M"), ("Rating", "B (PD 1.1 %)"),
               ("Industry", "机械制造")),
        proposal=(("Requested limit", "CNY 20M"), ("Recommendation", "Approve CNY 18M")),
        tables=(aging_table(),), chart=bar_chart("Aging of C1001"),
        outcome="Approved CNY 18M; votes 4 for, 1 against")
    item_nasty = PackItem(
        position=2, title=f"Review: {NASTY_NAME}", kind_label="Annual review", customer_id="C2002",
        customer_name=NASTY_NAME, facts=(("Exposure", "CNY 987,654"),),
        proposal=(("Recommendation", "Keep the limit"),),
        tables=(PackTable("Open items by aging bucket", pl.DataFrame({"bucket": ["current"],
                                                                       "outstanding_amt": [987_654.4]})),))
    fields = dict(title=TITLE, meeting_on=date(2026, 12, 8), as_of=date(2026, 11, 30),
                  generated_at=datetime(2026, 12, 7, 18, 30), currency="CNY", headline=HEADLINE,
                  headline_tables=(rating_table(),), cover_chart=bar_chart("Portfolio by bucket"),
                  items=(item_cn, item_nasty), minutes=minutes)
    fields.update(changes)
    return Pack(**fields)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_pdf(make_pack())


@pytest.fixture(scope="module")
def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def xlsx() -> bytes:
    return render_xlsx(make_pack())


def sheet(xlsx: bytes, name: str) -> pl.DataFrame:
    return pl.read_excel(xlsx, sheet_name=name, engine="calamine")


# --- table_cells -----------------------------------------------------------------------------

def test_table_cells_headers_and_formats():
    headers, rows = table_cells(aging_table(), "CNY")
    # catalogued names read from the label catalogue (analytics.labels), others from their words
    assert headers == ["Aging bucket", "Outstanding (CNY)", "Share of open items (%)", "Invoices", "Avg (days)",
                       "Due on"]
    assert rows == [  # dates in the locale's form
        ["current", "12,345,679", "74.1 %", "1,250", "12", "Dec 31, 2026"],
        ["1-30", "2,100,000", "12.6 %", "33", "22", "Jan 31, 2027"],
        ["31-60", "—", "—", "12", "46", "—"],
    ]


def test_table_cells_default_labels_drop_the_unit_suffix():
    headers, rows = table_cells(rating_table(), "EUR")
    assert headers == ["Rating grade", "Customers", "Exposure (EUR)", "PD %"]
    assert rows == [["A", "320", "1,200,000,000", "0.3 %"], ["B", "1,250", "98,765", "1.1 %"]]


def test_table_cells_leave_text_alone():
    table = PackTable("t", pl.DataFrame({"customer_name": [NASTY_NAME], "is_watchlisted": [True],
                                         "note_amt": ["n/a"]}))
    assert table_cells(table, "CNY") == (["Customer", "Is watchlisted", "Note (CNY)"],
                                         [[NASTY_NAME, "yes", "n/a"]])


# --- PDF -------------------------------------------------------------------------------------

def test_pdf_has_a_cover_a_page_per_item_and_a_minutes_page(pages: list[str]):
    assert len(pages) == 1 + 2 + 1
    assert "Minutes" in pages[3] and all(line in pages[3] for line in MINUTES)


def test_pdf_without_minutes_has_no_minutes_page():
    reader = PdfReader(io.BytesIO(render_pdf(make_pack(minutes=(), meeting_on=None))))
    assert len(reader.pages) == 3
    assert "Minutes" not in reader.pages[-1].extract_text()


def test_cover_shows_the_headline_as_formatted(pages: list[str]):
    cover = pages[0]
    for label, value in HEADLINE:
        assert value in cover and label in cover
    assert TITLE in cover and "Dec 8, 2026" in cover and "Nov 30, 2026" in cover and "Dec 7, 2026 18:30" in cover
    assert "Exposure by rating" in cover and "1,200,000,000" in cover and "0.3 %" in cover
    assert "Portfolio by bucket" in cover  # the cover chart's title, drawn from the SVG as text


def test_item_pages_show_their_amounts_and_the_chinese_name(pages: list[str]):
    first, second = pages[1], pages[2]
    assert f"1. Limit increase: {CN_NAME}" in first
    assert "12,345,679" in first and "2,100,000" in first and "74.1 %" in first and "—" in first
    assert "Application above the CFO's authority" in first and "Approved CNY 18M; votes 4 for, 1 against" in first
    assert "CNY 12.3M" in first and "机械制造" in first and "Approve CNY 18M" in first
    assert "Aging of C1001" in first  # the item's chart
    assert "987,654" in second and "12,345,679" not in second


def test_names_with_markup_characters_are_shown_literally(pages: list[str]):
    assert f"2. Review: {NASTY_NAME}" in pages[2]
    html = pack_html(make_pack())
    assert "Smith &lt;b&gt;&amp; &quot;Sons&quot; Ltd" in html and "<b>&" not in html


def test_every_page_has_its_footer(pages: list[str]):
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text, text[-200:]
        assert TITLE in text


def test_the_cjk_font_is_embedded(pdf: bytes):
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), f"fonts-noto-cjk missing? {sorted(fonts)}"


def test_a_bad_chart_names_its_item():
    pack = make_pack()
    broken = PackItem(**{**pack.items[0].__dict__, "chart": {"mark": "no-such-mark", "data": {"values": []}}})
    with pytest.raises(ValueError, match="agenda item 1"):
        render_pdf(make_pack(items=(broken,)))


# --- charts ----------------------------------------------------------------------------------

def printed_font_sizes(svg: str) -> list[float]:
    """The font sizes of an SVG's text as printed: its font-size values times its scale."""
    tag = re.search(r"<svg\b[^>]*>", svg).group(0)
    width = float(re.search(r'\swidth="([\d.]+)', tag).group(1))
    view_width = float(re.search(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+)', tag).group(1))
    sizes = [float(s) for s in re.findall(r'font-size[=:]\s*"?([\d.]+)', svg)]
    return [s * width / view_width for s in sizes]


def test_chart_text_is_at_least_12px_even_when_asked_smaller():
    spec = bar_chart("small")
    spec["encoding"]["x"]["axis"] = {"labelFontSize": 7}
    spec["config"] = {"axis": {"titleFontSize": 8}}
    sizes = printed_font_sizes(chart_svg(spec, 480, 240))
    assert sizes and min(sizes) >= 12 - 1e-6, sizes


def test_a_chart_too_big_for_its_box_is_fitted_and_keeps_its_text_size():
    wide = alt.Chart(pl.DataFrame({"x": list(range(40)), "y": list(range(40))})).mark_line().encode(
        x="x:Q", y="y:Q").properties(width=1600, height=900)
    for spec in (wide.to_dict(), alt.hconcat(wide, wide).to_dict()):
        svg = chart_svg(spec, 480, 240)
        tag = re.search(r"<svg\b[^>]*>", svg).group(0)
        assert float(re.search(r'\swidth="([\d.]+)', tag).group(1)) <= 480 + 0.5
        assert float(re.search(r'\sheight="([\d.]+)', tag).group(1)) <= 240 + 0.5
        assert min(printed_font_sizes(svg)) >= 12 - 1e-6


# --- XLSX ------------------------------------------------------------------------------------

def test_xlsx_sheets(xlsx: bytes):
    import fastexcel

    assert fastexcel.read_excel(xlsx).sheet_names == [
        "Cover", "Agenda", "Exposure by rating", "1. Open items by aging bucket", "2. Open items by aging bucket",
        "Minutes"]


def test_xlsx_tables_keep_real_numbers(xlsx: bytes):
    aging = sheet(xlsx, "1. Open items by aging bucket")
    assert aging.columns == ["Aging bucket", "Outstanding (CNY)", "Share of open items (%)", "Invoices", "Avg (days)",
                             "Due on"]
    assert aging["Outstanding (CNY)"].to_list() == [12_345_678.9, 2_100_000.0, None]
    assert aging["Share of open items (%)"].to_list() == [74.12, 12.6, None]
    assert aging["Invoices"].to_list() == [1250, 33, 12]
    assert aging["Due on"].to_list()[:2] == [date(2026, 12, 31), date(2027, 1, 31)]
    assert sheet(xlsx, "2. Open items by aging bucket")["Outstanding (CNY)"].to_list() == [987_654.4]
    rating = sheet(xlsx, "Exposure by rating")
    assert rating["Exposure (CNY)"].to_list() == [1_200_000_000.0, 98_765.4]
    assert all(isinstance(v, (int, float)) and not math.isnan(v) for v in rating["Customers"].to_list())


def test_xlsx_cover_agenda_and_minutes(xlsx: bytes):
    cover = sheet(xlsx, "Cover")
    pairs = dict(zip(cover["Figure"].to_list(), cover["Value"].to_list()))
    assert pairs["Pack"] == TITLE and pairs["Data as of"] == "Nov 30, 2026"
    assert all(pairs[label] == value for label, value in HEADLINE)
    assert "Exposure by rating" in cover["Figure"].to_list()  # the headline table follows the figures
    agenda = sheet(xlsx, "Agenda")
    assert agenda.columns == ["Position", "Title", "Kind", "Customer ID", "Customer name", "Outcome"]
    assert agenda["Position"].to_list() == [1, 2]
    assert agenda["Customer name"].to_list() == [CN_NAME, NASTY_NAME]
    assert agenda["Outcome"].to_list() == ["Approved CNY 18M; votes 4 for, 1 against", None]
    assert sheet(xlsx, "Minutes")["Minutes"].to_list() == list(MINUTES)


def test_xlsx_header_rows_are_bold_frozen_and_filtered_with_number_formats(xlsx: bytes):
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        sheets = sorted(n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        styles = book.read("xl/styles.xml").decode()
        for name in sheets:
            xml = book.read(name).decode()
            assert 'ySplit="1"' in xml and "<autoFilter" in xml and "<cols>" in xml, name
            assert "<f>" not in xml, name
    for number_format in ("#,##0", "0.0", "yyyy-mm-dd"):
        assert f'formatCode="{number_format}"' in styles
    assert "<b/>" in styles


def test_xlsx_writes_formula_like_text_as_text():
    pack = make_pack()
    evil = PackItem(**{**pack.items[1].__dict__, "customer_name": "=HYPERLINK(\"http://x\")"})
    book = render_xlsx(make_pack(items=(pack.items[0], evil)))
    assert sheet(book, "Agenda")["Customer name"].to_list()[1] == "=HYPERLINK(\"http://x\")"


def test_sheet_names_are_valid_and_unique():
    names = SheetNames(["Cover", "Agenda"])
    taken = [names.take(t) for t in ("cover", "Aging [A/B]: *?\\", "x" * 40, "x" * 40, "'quoted'", "", "History")]
    assert taken[0] == "cover (2)" and taken[1] == "Aging A B"
    assert len(set(t.casefold() for t in taken)) == len(taken)
    assert all(0 < len(t) <= 31 and not re.search(r"[\[\]:*?/\\]", t) and t[0] != "'" and t[-1] != "'"
               for t in taken), taken
    assert "history" not in {t.casefold() for t in taken}


def test_a_chart_without_a_size_fills_its_box():
    spec = bar_chart("no size")
    assert "width" not in spec and "height" not in spec
    tag = re.search(r"<svg\b[^>]*>", chart_svg(spec, 480, 240)).group(0)
    assert float(re.search(r'\swidth="([\d.]+)', tag).group(1)) == pytest.approx(480, abs=1)
    assert float(re.search(r'\sheight="([\d.]+)', tag).group(1)) == pytest.approx(240, abs=1)


# --- in Chinese --------------------------------------------------------------------------------

def test_a_pack_rendered_in_chinese_has_chinese_headings_and_footers():
    """The renderer's own words (headings, labels, footers, sheet names) follow the language."""
    import fastexcel
    from analytics.i18n import speaking

    with speaking("zh"):
        pdf = render_pdf(make_pack())
        book = render_xlsx(make_pack())
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    cover, item, minutes = pages[0], pages[1], pages[-1]
    assert "会议：" in cover and "数据截止日期：" in cover and "2026年11月30日" in cover
    assert "客户" in item and "提议" in item and "决定：" in item
    assert "会议纪要" in minutes
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页，共 {len(pages)} 页" in text, text[-200:]
    for english in ("Meeting:", "Data as of", "Proposal", "Outcome:", "page 1 of"):
        assert english not in "\n".join(pages), english
    assert fastexcel.read_excel(book).sheet_names[:2] == ["封面", "议程"]
    assert fastexcel.read_excel(book).sheet_names[-1] == "会议纪要"


def test_a_pack_built_in_chinese_has_chinese_headings(tiny_warehouse, policy, tmp_path):
    """build_pack in Chinese (analytics.i18n.speaking): the headline figures, the tables' titles
    and headers are Chinese in the PDF's text, set in the CJK font."""
    from analytics.data.warehouse import Warehouse
    from analytics.i18n import speaking
    from analytics.store.decisions import DecisionStore
    from analytics.views.decisions import build_pack

    store = DecisionStore(policy, url=f"sqlite:///{tmp_path / 'decisions.sqlite'}")
    wh = Warehouse(tiny_warehouse)
    try:
        with speaking("zh"):
            pack = build_pack(wh, store, policy)
            pdf = render_pdf(pack)
        with speaking("en"):
            english = build_pack(wh, store, policy)
    finally:
        wh.close()
        store.engine.dispose()
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert pack.title.startswith("委员会会议材料") and pack.title in text
    for heading in ("总敞口", "净敞口", "额度使用率", "逾期占比", "议程", "按等级的敞口", "按等级的总敞口", "数据截止日期：",
                    f"第 1 页，共 {len(reader.pages)} 页"):
        assert heading in text, heading
    for word in ("Gross exposure", "Net exposure", "Agenda", "Exposure by grade", "Data as of", "page 1 of"):
        assert word not in text, word
    assert english.title.startswith("Credit committee pack") and ("Gross exposure", english.headline[0][1]) == \
        english.headline[0]
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts
