"""Roll rates, loss rates and the provision matrix against hand-computed answers."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.risk.provisions import (
    PAID,
    WRITTEN_OFF,
    loss_rates,
    monthly_roll_rates,
    parse_buckets,
    parse_rates,
    provision_matrix,
    roll_rates,
)

JAN, FEB = date(2024, 1, 31), date(2024, 2, 29)


def transitions() -> pl.DataFrame:
    """Buckets: 0 not due, 1 = 1-30, 2 = > 30.

    January: a 100 not due -> 1-30; b 300 not due -> paid; c 50 in 1-30 -> 40 left in > 30;
    d 20 in > 30 -> written off 20; e 30 in > 30 stays; h 30 in > 30 -> paid. February: f 100
    stays not due; g 50 in 1-30 -> 10 written off (counts as rolled forward).
    """
    return pl.DataFrame({
        "month_end": [JAN, JAN, JAN, JAN, JAN, JAN, FEB, FEB],
        "from_idx": [0, 0, 1, 2, 2, 2, 0, 1],
        "to_idx": [1, PAID, 2, WRITTEN_OFF, 2, PAID, 0, WRITTEN_OFF],
        "from_amt": [100.0, 300.0, 50.0, 20.0, 30.0, 30.0, 100.0, 50.0],
        "to_amt": [100.0, 0.0, 40.0, 20.0, 30.0, 0.0, 100.0, 10.0],
    })


def test_roll_rates_amount_weighted_over_the_window():
    r = roll_rates(transitions(), 3)
    assert r["from_amt"].to_list() == [500.0, 100.0, 80.0]
    # the open last bucket: written off 20 of the 50 resolved (d written off, h paid; e still open)
    assert r["basis_amt"].to_list() == [500.0, 100.0, 50.0]
    assert r["rolled_amt"].to_list() == [100.0, 50.0, 20.0]
    assert r["roll_rate_frac"].to_list() == pytest.approx([0.2, 0.5, 0.4])


def test_monthly_roll_rates():
    m = monthly_roll_rates(transitions(), 3)
    jan = m.filter(pl.col("month_end") == JAN)["roll_rate_frac"].to_list()
    feb = m.filter(pl.col("month_end") == FEB)["roll_rate_frac"].to_list()
    assert jan == pytest.approx([0.25, 0.8, 0.4])
    assert feb[0] == 0.0 and feb[1] == pytest.approx(0.2) and feb[2] is None  # nothing in > 30 in February


def test_loss_rates_are_products_to_write_off():
    assert loss_rates([0.2, 0.5, 0.4]) == pytest.approx([0.04, 0.2, 0.4])
    assert loss_rates([0.2, None, 0.4]) == [None, None, 0.4]


def test_worked_example_of_domain_md():
    balances = pl.DataFrame({"bucket": ["not due", "1-30", "31-60", "> 60"],
                             "outstanding_amt": [800.0, 120.0, 50.0, 30.0]})
    m = provision_matrix(balances, [0.01, 0.05, 0.20, 0.50])
    assert m.buckets["ecl_amt"].to_list() == pytest.approx([8.0, 6.0, 10.0, 15.0])
    assert m.total_ecl == pytest.approx(39.0)
    total = m.with_total().row(-1, named=True)
    assert total["bucket"] == "total" and total["ecl_amt"] == pytest.approx(39.0)
    assert total["loss_rate_frac"] == pytest.approx(39.0 / 1000.0)


def test_overlay_scales_rates_and_caps_them_at_one():
    balances = pl.DataFrame({"bucket": ["a", "b"], "outstanding_amt": [100.0, 100.0]})
    m = provision_matrix(balances, [0.1, 0.8], overlay_factor=1.5)
    assert m.buckets["loss_rate_frac"].to_list() == pytest.approx([0.15, 1.0])
    assert m.total_ecl == pytest.approx(115.0)


def test_the_matrix_keeps_its_rates_before_the_overlay():
    balances = pl.DataFrame({"bucket": ["a", "b", "c"], "outstanding_amt": [100.0, 100.0, 10.0]})
    m = provision_matrix(balances, [0.1, 0.8, None], overlay_factor=1.5)
    assert m.base_rates == (0.1, 0.8, None)
    # 100 × 10 % + 100 × 80 % = 90 before; after, 15 + 100 (capped at 100 %) = 115: the overlay adds 25
    assert m.total_before_overlay == pytest.approx(90.0) and m.total_ecl == pytest.approx(115.0)


def test_unknown_rate_provides_nothing_but_is_visible():
    balances = pl.DataFrame({"bucket": ["a", "b"], "outstanding_amt": [100.0, 50.0]})
    m = provision_matrix(balances, [None, 0.5])
    assert m.buckets["loss_rate_frac"][0] is None and m.total_ecl == 25.0


def test_parse_rates_and_buckets():
    assert parse_rates("0.3%,1.6%, 0.05", 3) == pytest.approx([0.003, 0.016, 0.05])
    with pytest.raises(ValueError, match="2 rates given for 3 buckets"):
        parse_rates("1%,2%", 3)
    with pytest.raises(ValueError, match="'abc' is not a rate"):
        parse_rates("1%,abc", 2)
    with pytest.raises(ValueError, match="outside 0-100"):
        parse_rates("150%", 1)
    assert parse_buckets("0,30,60,90") == (0, 30, 60, 90)
    with pytest.raises(ValueError, match="strictly increasing"):
        parse_buckets("0,60,30")
    with pytest.raises(ValueError, match="whole days"):
        parse_buckets("0,thirty")
