"""The shipped ERP example: GBK CSV with Chinese headers, YYYY/MM/DD dates, thousands
separators, 是/否 flags and Chinese document types, loaded through its mapping."""

from __future__ import annotations

import pytest

from analytics.exposure import Filters
from analytics.loader import load
from analytics.mapping import load_mapping
from analytics.views import calendar, exposure_view
from analytics.warehouse import Warehouse
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
    inv = wh.con.sql("select invoice_id, doc_type, amount, is_disputed, applies_to from invoices "
                     "order by invoice_id").pl()
    assert inv.rows() == [
        ("FP2024001", "invoice", 120000.0, False, None),
        ("FP2024002", "invoice", 88000.0, False, None),
        ("FP2024003", "invoice", 35500.0, True, None),
        ("FP2024004", "invoice", 15000.0, False, None),
        ("HZ2024001", "credit_note", -5000.0, False, "FP2024002"),
    ]
    cust = wh.con.sql("select customer_id, segment, registered_capital, name from customers order by 1").pl()
    assert cust["segment"].to_list() == ["core", "general", "key"]
    assert cust["registered_capital"].to_list() == [5_000_000.0, 1_000_000.0, 20_000_000.0]
    assert cust["name"][0] == "杭州恒泰精密机械有限公司"


def test_exposure_by_hand(wh, policy):
    """The mapping states the extraction date, 03-20: FP2024001 is settled (its paid_date),
    the red-letter invoice HZ2024001 reverses 5,000 of FP2024002 (the invoice it names)."""
    as_of = calendar(wh).latest
    assert as_of.isoformat() == "2024-03-20" and wh.info()["extraction_basis"].startswith("stated ([export]")
    view = exposure_view(wh, as_of, Filters(), policy)
    # K001 88,000 - 5,000; K002 35,500; K003 15,000 USD at the 02-29 rate 7.15
    assert view.kpis.gross_exposure_amt == pytest.approx(83_000 + 35_500 + 107_250)
    groups = dict(zip(view.top_groups["group_id"].to_list(), view.top_groups["gross_exposure_amt"].to_list()))
    assert groups == {"K001": pytest.approx(118_500.0), "K003": pytest.approx(107_250.0)}
    open_items = wh.query("customer_open_items", customer_id="K001", as_of=as_of)
    assert open_items.select("invoice_id", "outstanding_amt").rows() == [("FP2024002", 83_000.0)]
    assert view.notes == ["No credit limits loaded: utilization and over-limit figures are not available."]


def test_mapping_file_is_valid():
    assert set(load_mapping(MAPPING)) == {"customers", "invoices", "fx_rates"}
