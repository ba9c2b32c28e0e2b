"""The shipped ERP example: GBK CSV with Chinese headers, YYYY/MM/DD dates, thousands
separators, 是/否 flags and Chinese document types, an instalment plan, cash received on
account and a group credit limit (集团 / 单体), loaded through its mapping."""

from __future__ import annotations

import pytest

from analytics.views import Filters
from analytics.data.loader import load
from analytics.data.mapping import load_mapping
from analytics.views import calendar, exposure_view
from analytics.data.warehouse import Warehouse
from tests.conftest import ROOT

SRC = ROOT / "sample_data" / "erp_cn"
MAPPING = ROOT / "sample_data" / "mappings" / "erp_cn.toml"


@pytest.fixture(scope="module")
def wh(tmp_path_factory, policy):
    folder = tmp_path_factory.mktemp("wh_cn")
    outcome = load(SRC, policy, folder, MAPPING)
    assert outcome.ok, outcome.issues
    handle = Warehouse(folder)
    yield handle
    handle.close()


def test_values_are_mapped_and_typed(wh):
    inv = wh.con.sql("select invoice_id, instalment_no, doc_type, amount, is_disputed, applies_to from invoices "
                     "order by invoice_id, instalment_no").pl()
    assert inv.rows() == [
        ("FP2024001", None, "invoice", 120000.0, False, None),
        ("FP2024002", None, "invoice", 88000.0, False, None),
        ("FP2024003", None, "invoice", 35500.0, True, None),
        ("FP2024004", None, "invoice", 15000.0, False, None),
        ("FP2024005", 1, "invoice", 10000.0, False, None),
        ("FP2024005", 2, "invoice", 10000.0, False, None),
        ("HZ2024001", None, "credit_note", -5000.0, False, "FP2024002"),
    ]
    pay = wh.con.sql("select payment_id, invoice_id, instalment_no, method from payments order by 1").pl()
    assert pay.rows() == [("SK2024001", "FP2024001", None, "bank_transfer"), ("SK2024002", None, None, "bank_transfer"),
                          ("SK2024003", "FP2024005", 2, "bank_transfer")]
    limits = wh.con.sql("select customer_id, limit_amt, currency, limit_scope from credit_limits order by 1").pl()
    assert limits.rows() == [("K001", 200000.0, "CNY", "group"), ("K003", 20000.0, "USD", "entity")]
    cust = wh.con.sql("select customer_id, segment, registered_capital, name from customers order by 1").pl()
    assert cust["segment"].to_list() == ["core", "general", "key"]
    assert cust["registered_capital"].to_list() == [5_000_000.0, 1_000_000.0, 20_000_000.0]
    assert cust["name"][0] == "杭州恒泰精密机械有限公司"


def test_exposure_by_hand(wh, policy):
    """The mapping states the extraction date, 03-20: FP2024001 is settled (SK2024001), the
    red-letter invoice HZ2024001 reverses 5,000 of FP2024002 (the invoice it names). K002's
    5,000 received on account (SK2024002) goes to its oldest-due undisputed item, instalment 1
    of FP2024005 (10,000 -> 5,000); SK2024003 pays 2,000 of instalment 2 (10,000 -> 8,000);
    the disputed FP2024003 (35,500) comes last and stays whole."""
    as_of = calendar(wh).latest
    assert as_of.isoformat() == "2024-03-20" and wh.info()["extraction_basis"].startswith("stated ([export]")
    view = exposure_view(wh, as_of, Filters(), policy)
    # K001 88,000 - 5,000; K002 35,500 + 5,000 + 8,000; K003 15,000 USD at the 02-29 rate 7.15
    assert view.kpis.gross_exposure_amt == pytest.approx(83_000 + 48_500 + 107_250)
    groups = dict(zip(view.top_groups["group_id"].to_list(), view.top_groups["gross_exposure_amt"].to_list()))
    assert groups == {"K001": pytest.approx(131_500.0), "K003": pytest.approx(107_250.0)}
    open_items = wh.query("customer_open_items", customer_id="K001", as_of=as_of)
    assert open_items.select("invoice_id", "outstanding_amt").rows() == [("FP2024002", 83_000.0)]
    k002 = wh.query("customer_open_items", customer_id="K002", as_of=as_of)
    assert k002.select("invoice_id", "instalment_no", "outstanding_amt", "credit_applied_amt").rows() == [
        ("FP2024003", None, 35_500.0, 0.0), ("FP2024005", 1, 5_000.0, 5_000.0), ("FP2024005", 2, 8_000.0, 0.0)]
    assert view.notes == []


def test_group_limit_by_hand(wh):
    """K001's 集团 limit of 200,000 covers K002 (no limit of its own): group exposure 83,000 +
    48,500 = 131,500 (65.75 %); K003's 单体 limit of 20,000 USD is 143,000 at 7.15 (75 %)."""
    as_of = calendar(wh).latest
    lines = wh.con.sql("select customer_id, line_holder_id, line_scope, line_exposure_amt, limit_amt "
                       "from customer_snapshot where snapshot_date = $d order by 1", params={"d": as_of}).pl()
    assert lines.rows() == [("K001", "K001", "group", 131_500.0, 200_000.0), ("K002", "K001", "group", 131_500.0, 200_000.0),
                            ("K003", "K003", "entity", 107_250.0, 143_000.0)]


def test_mapping_file_is_valid():
    assert set(load_mapping(MAPPING)) == {"customers", "invoices", "payments", "credit_limits", "fx_rates"}
