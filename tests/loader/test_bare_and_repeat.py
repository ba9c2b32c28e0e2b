"""A bare invoice list loads with contract defaults; loading the same files twice gives the
same numbers; the generator is deterministic for a seed."""

from __future__ import annotations

from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from analytics.views import Filters
from analytics.data.loader import load
from analytics.views import calendar, exposure_view
from analytics.data.warehouse import Warehouse


def test_bare_invoice_list_loads_with_defaults(bare_warehouse, policy):
    wh = Warehouse(bare_warehouse)
    try:
        inv = wh.con.sql("select invoice_id, due_date, currency, doc_type, is_disputed from invoices "
                         "order by 1").pl()
        # due date = invoice date + the default 30 days of terms; reporting currency; invoice; not disputed
        assert inv["due_date"].to_list() == [date(2024, 6, 1), date(2024, 7, 10), date(2024, 7, 20)]
        assert set(inv["currency"]) == {"CNY"} and set(inv["doc_type"]) == {"invoice"}
        assert not inv["is_disputed"].any()
        assert wh.present_tables() == {"customers", "invoices"}
        view = exposure_view(wh, date(2024, 6, 20), Filters(), policy)  # the last data date
        assert view.kpis.open_ar_amt == 2000.0
        assert view.kpis.overdue_amt == 1200.0  # B1 due 06-01
        assert view.kpis.limit_amt == 0.0 and view.kpis.utilization_pct is None
        assert any("No credit limits loaded" in note for note in view.notes)
        # no ratings imported: K1 (first invoice 05-02, so new) is graded at the 05-31 month-end
        # by the application scorecard, by hand: company data missing 30, no statements 40,
        # industry Unknown ("other") 50, no external grade 50:
        # 10 × (15×30 + 50×40 + 15×50 + 20×50) / 100 = 420 -> B (380-520).
        # K2's first invoice came after the last month-end: not graded yet.
        grades = view.breakdowns["grade"]
        assert set(grades["grade"]) == {"B", "unrated"}
        rating = wh.con.sql("select customer_id, rated_on, grade, score, source from ratings").fetchall()
        assert rating == [("K1", date(2024, 5, 31), "B", 420.0, "model")]
    finally:
        wh.close()


def test_loading_the_same_files_twice_gives_identical_results(generated_source, generated_warehouse, policy,
                                                              tmp_path):
    second = tmp_path / "again"
    assert load(generated_source, policy, second).ok
    first_wh, second_wh = Warehouse(generated_warehouse), Warehouse(second)
    try:
        as_of = calendar(first_wh).latest
        assert calendar(second_wh).dates == calendar(first_wh).dates
        a = exposure_view(first_wh, as_of, Filters(), policy).tables()
        b = exposure_view(second_wh, as_of, Filters(), policy).tables()
        assert a.keys() == b.keys()
        for name in a:
            assert_frame_equal(a[name], b[name], check_exact=False, rel_tol=1e-12, abs_tol=1e-6)
        for table in ("open_items_snapshot", "customer_snapshot"):
            # doc_key is a surrogate (any unique number): compare the documents by their own keys
            sort = ["snapshot_date", "customer_id", "currency", "invoice_id", "instalment_no"] \
                if table == "open_items_snapshot" else ["snapshot_date", "customer_id"]
            assert_frame_equal(first_wh.con.sql(f"select * exclude (doc_key) from {table}").pl().sort(sort)
                               if table == "open_items_snapshot" else first_wh.con.sql(f"select * from {table}").pl()
                               .sort(sort),
                               second_wh.con.sql(f"select * exclude (doc_key) from {table}").pl().sort(sort)
                               if table == "open_items_snapshot" else second_wh.con.sql(f"select * from {table}").pl()
                               .sort(sort),
                               check_exact=False, abs_tol=1e-6)
    finally:
        first_wh.close()
        second_wh.close()


def test_generator_is_deterministic_for_a_seed():
    from sample_data.generator import generate_portfolio

    one = generate_portfolio(60, 1, 5)
    two = generate_portfolio(60, 1, 5)
    other = generate_portfolio(60, 1, 6)
    assert one.keys() == two.keys()
    for name in one:
        assert_frame_equal(one[name], two[name])
    assert not one["invoices"].equals(other["invoices"])
    assert isinstance(one["invoices"], pl.DataFrame) and one["invoices"].height > 500
