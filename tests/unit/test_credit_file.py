"""Financial ratios and payment behaviour of one customer, by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.risk.credit_file import financial_ratios, payment_behaviour


def test_ratios_by_hand_and_null_when_undefined():
    fin = pl.DataFrame({
        "period_end": [date(2024, 12, 31), date(2023, 12, 31)],
        "revenue": [1000.0, 0.0], "ebit": [120.0, 50.0], "interest_expense": [30.0, 0.0],
        "net_income": [80.0, -20.0], "total_assets": [2000.0, 1800.0], "current_assets": [900.0, 700.0],
        "cash": [150.0, 100.0], "inventory": [300.0, None], "intangible_assets": [100.0, None],
        "total_liabilities": [1200.0, 1100.0], "current_liabilities": [600.0, 0.0], "equity": [800.0, 700.0],
        "operating_cash_flow": [90.0, 40.0],
    })
    r = financial_ratios(fin)
    assert r["period_end"].to_list() == [date(2023, 12, 31), date(2024, 12, 31)]  # oldest first
    y24 = r.row(1, named=True)
    assert y24["current_ratio"] == pytest.approx(1.5)
    assert y24["quick_ratio"] == pytest.approx(1.0)
    assert y24["cash_ratio"] == pytest.approx(0.25)
    assert y24["debt_ratio"] == pytest.approx(0.6)
    assert y24["interest_cover"] == pytest.approx(4.0)
    assert y24["roa_pct"] == pytest.approx(4.0)
    assert y24["net_margin_pct"] == pytest.approx(8.0)
    assert y24["ocf_to_current_liabilities"] == pytest.approx(0.15)
    assert y24["working_capital_amt"] == 300.0 and y24["tangible_net_worth_amt"] == 700.0
    y23 = r.row(0, named=True)
    assert y23["current_ratio"] is None and y23["interest_cover"] is None and y23["net_margin_pct"] is None
    assert y23["tangible_net_worth_amt"] == 700.0


def test_payment_behaviour_weighted_days():
    act = pl.DataFrame({
        "snapshot_date": [date(2024, 2, 29), date(2024, 1, 31)], "sales_amt": [10.0, 20.0],
        "collections_amt": [5.0, 0.0], "write_offs_amt": [0.0, 0.0], "settled_amt": [200.0, 0.0],
        "settled_days_to_pay_x_amt": [200.0 * 45, 0.0], "settled_days_beyond_x_amt": [200.0 * 15, 0.0],
    })
    b = payment_behaviour(act)
    assert b["snapshot_date"].to_list() == [date(2024, 1, 31), date(2024, 2, 29)]
    assert b["avg_days_to_pay"].to_list() == [None, 45.0]
    assert b["days_beyond_terms"].to_list() == [None, 15.0]


class _Customers:
    """A warehouse of only a customers table (the search's queries read nothing else)."""

    def __init__(self, ids_and_names: list[tuple[str, str]]):
        import duckdb

        self.con = duckdb.connect()
        self.con.execute("create table customers (customer_id varchar, name varchar)")
        self.con.executemany("insert into customers values (?, ?)", ids_and_names)

    def query(self, name: str, **params: object) -> pl.DataFrame:
        from analytics.data.warehouse import query

        return query(self.con, name, **params)


def test_the_search_counts_every_match_and_finds_the_exact_id_others_contain():
    from analytics.views import customer_search

    wh = _Customers([("C1", "Alpha"), ("C10", "Beta"), ("C100", "Gamma"), ("X7", "Delta C1 Trading")]
                    + [(f"K{i:03d}", f"Kilo {i}") for i in range(120)])
    found = customer_search(wh, " C1 ", limit=2)  # type: ignore[arg-type]
    assert found.text == "C1" and found.total == 4 and found.exact_id == "C1"
    assert found.matches["customer_id"].to_list()[0] == "C1"  # the exact id first
    assert found.matches.height == 2 and found.is_capped
    assert customer_search(wh, "c10", limit=50).exact_id == "C10"  # type: ignore[arg-type]
    kilo = customer_search(wh, "kilo", limit=50)  # type: ignore[arg-type]
    assert kilo.total == 120 and kilo.matches.height == 50 and kilo.exact_id is None
    every = customer_search(wh, "", limit=50)  # type: ignore[arg-type]
    assert every.total == 124 and every.exact_id is None
    assert customer_search(wh, "nobody", limit=50).total == 0  # type: ignore[arg-type]
