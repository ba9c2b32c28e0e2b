"""Issue 11, part 2: nothing harmful gets out. Exports never carry a formula, text from the
data or a link is never rendered as Markdown/HTML, the server listens on localhost, and
neither server paths nor exception text reach a page."""

from __future__ import annotations

import io
import tomllib
import zipfile

import polars as pl
import pytest

from analytics.app import charts

from analytics.data import export
from analytics.app.ui import plain
from tests.app.conftest import assert_clean
from tests.conftest import ROOT

PAYLOADS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(1)", "\t=1", "\r=1", "=HYPERLINK(\"http://evil\",\"x\")"]


def test_csv_export_writes_formula_like_text_as_text_and_numbers_as_numbers():
    frame = pl.DataFrame({"name": [*PAYLOADS, "Alpha Co", "a=b"], "amount_amt": [-5.0] * (len(PAYLOADS) + 2)})
    text = export.to_csv_bytes(frame).decode("utf-8-sig")
    back = pl.read_csv(io.StringIO(text))
    assert back["name"].to_list() == [f"'{p}" for p in PAYLOADS] + ["Alpha Co", "a=b"]
    assert back["amount_amt"].dtype == pl.Float64 and back["amount_amt"].to_list() == [-5.0] * (len(PAYLOADS) + 2)


def test_xlsx_export_holds_no_formula_and_no_link():
    frame = pl.DataFrame({"name": [*PAYLOADS, "http://evil.example/x"], "amount_amt": [1.5] * (len(PAYLOADS) + 1)})
    data = export.to_xlsx_bytes({"t": frame})
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
        rels_name = "xl/worksheets/_rels/sheet1.xml.rels"  # written only when a sheet links to something
        rels = book.read(rels_name).decode() if rels_name in book.namelist() else ""
    assert "<f>" not in sheet and "<f " not in sheet, "a cell was written as a formula"
    assert "<hyperlink" not in sheet and "hyperlink" not in rels
    assert "=HYPERLINK(" in strings and "http://evil.example/x" in strings  # kept, as text
    read = pl.read_excel(io.BytesIO(data))
    assert read["amount_amt"].dtype == pl.Float64


def test_cli_csv_export_is_neutralised_too(tmp_path, policy, tiny_copy):
    from analytics.cli import main
    from analytics.data.loader import load
    from tests.loader.test_bad_input import edit
    edit(tiny_copy, "customers.csv", "C3,Gamma Co,", "C3,=cmd|' /C calc'!A0,")
    folder = tmp_path / "wh"
    assert load(tiny_copy, policy, folder).ok
    out = tmp_path / "c3.csv"
    assert main(["report", "customer", "--customer", "C3", "--warehouse", str(folder), "--format", "csv",
                 "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text and ",=cmd" not in text


@pytest.mark.parametrize("payload", ["![x](http://127.0.0.1:9/i.png)", "<img src=http://127.0.0.1:9/i.png>",
                                     ":red[alarm] :material/warning:", "**bold** _it_ `code` # head",
                                     "[link](javascript:alert(1))", "$x^2$", "a\nb"])
def test_plain_escapes_every_markdown_and_html_construct(payload):
    import re
    text = plain(payload)
    assert "\n" not in text
    # every ASCII punctuation character is escaped, so none can start a construct
    assert re.fullmatch(r"(?:\\[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~])*", text), text
    assert re.sub(r"\\(.)", r"\1", text) == payload.replace("\n", " ")


def test_chart_labels_from_data_are_not_html():
    frame = pl.DataFrame({"industry": ["<b>Heavy</b> & <a href='x'>y</a>"], "gross_exposure_amt": [1.0],
                          "net_exposure_amt": [1.0], "limit_amt": [1.0]})
    fig = charts.exposure_bars(frame, "industry", "CNY")
    assert fig.data[0].x[0] == "&lt;b&gt;Heavy&lt;/b&gt; &amp; &lt;a href='x'&gt;y&lt;/a&gt;"


def test_server_listens_on_localhost_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "localhost"
    assert config["client"]["showErrorDetails"] == "none"


def test_a_failing_view_shows_a_plain_message_without_the_exception_text(app, monkeypatch):
    import analytics.app.ui

    def broken(*_a, **_k):
        raise RuntimeError("secret detail /srv/credit/warehouse/credit-x.duckdb")

    monkeypatch.setattr(analytics.app.ui, "cached_exposure_view", broken)
    at = app().run()
    assert not at.exception
    [error] = at.error
    assert "could not be drawn" in error.value and "reference" in error.value
    assert "secret" not in error.value and "/srv" not in error.value and "RuntimeError" not in error.value


def test_the_data_page_shows_no_server_path(app):
    at = app()
    at.switch_page("pages/data.py").run()
    assert_clean(at)
    shown = " ".join(str(c.value) for c in [*at.caption, *at.markdown])
    assert str(ROOT) not in shown and "/tmp/" not in shown and "/home/" not in shown


def test_the_customer_page_escapes_what_the_data_says(tmp_path, policy, tiny_copy, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from analytics.data.loader import load
    from tests.app.conftest import APP
    from tests.loader.test_bad_input import edit
    edit(tiny_copy, "customers.csv", "C3,Gamma Co,", "C3,![x](http://127.0.0.1:9/i.png) **Gamma**,")
    folder = tmp_path / "wh"
    assert load(tiny_copy, policy, folder).ok
    monkeypatch.setenv("CREDIT_WAREHOUSE", str(folder))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["customer"] = "C3"
    at.run()
    at.switch_page("pages/customer.py").run()
    assert_clean(at)
    assert at.header[0].value == plain("![x](http://127.0.0.1:9/i.png) **Gamma**")
