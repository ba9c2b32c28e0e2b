"""Payment KPIs against hand-computed answers, with the edge cases (no sales, all paid, credit notes)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.risk.kpis import countback_dso, kpi_trend, kpis_at


def monthly(**overrides: list) -> pl.DataFrame:
    """Jan-Mar 2024: sales 1000 / 900 / 1200, AR 800 / 1000 / 1300, not due 600 / 700 / 900."""
    base = {
        "snapshot_date": [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)],
        "period_days": [31, 29, 31],
        "sales_amt": [1000.0, 900.0, 1200.0],
        "open_ar_amt": [800.0, 1000.0, 1300.0],
        "not_due_amt": [600.0, 700.0, 900.0],
        "over_90_amt": [0.0, 50.0, 100.0],
        "write_offs_amt": [0.0, 0.0, 60.0],
        "settled_amt": [200.0, 700.0, 800.0],
        "settled_days_to_pay_x_amt": [200.0 * 25, 700.0 * 40, 800.0 * 35],
        "settled_days_beyond_x_amt": [0.0, 700.0 * 10, 800.0 * 5],
    }
    base.update(overrides)
    return pl.DataFrame(base)


def test_three_month_kpis_by_hand():
    k = kpis_at(monthly(), 2, 3)
    assert k.period_days == 91 and k.credit_sales_amt == 3100.0
    assert k.dso_days == pytest.approx(1300 / 3100 * 91)          # 38.16
    assert k.best_possible_dso_days == pytest.approx(900 / 3100 * 91)
    assert k.avg_days_delinquent == pytest.approx(400 / 3100 * 91)           # 11.74
    assert k.countback_dso_days == pytest.approx(31 + 100 / 900 * 29)  # 34.22
    assert k.cei_pct is None                                       # no AR before the first month
    assert k.avg_days_to_pay == pytest.approx(61_000 / 1_700)     # 35.88
    assert k.days_beyond_terms == pytest.approx(11_000 / 1_700)   # 6.47
    assert k.bad_debt_ratio_pct == pytest.approx(60 / 3100 * 100)
    assert k.not_due_pct == pytest.approx(900 / 1300 * 100)
    assert k.over_90_pct == pytest.approx(100 / 1300 * 100)


def test_one_month_cei_by_hand():
    k = kpis_at(monthly(), 2, 1)
    # (AR begin 1000 + sales 1200 - AR end 1300) / (1000 + 1200 - not due 900) = 900 / 1300
    assert k.cei_pct == pytest.approx(900 / 1300 * 100)
    assert k.dso_days == pytest.approx(1300 / 1200 * 31)


def test_month_without_sales_has_no_dso_and_countback_walks_past_it():
    k = kpis_at(monthly(sales_amt=[1000.0, 900.0, 0.0]), 2, 1)
    assert k.dso_days is None and k.best_possible_dso_days is None and k.avg_days_delinquent is None
    assert k.bad_debt_ratio_pct is None
    # AR 1300: March (0 sales) adds 31 days, February 900 -> 400 left and 29 days, January 1000 > 400
    assert k.countback_dso_days == pytest.approx(31 + 29 + 400 / 1000 * 31)


def test_all_paid_gives_zero_dso_and_no_shares():
    k = kpis_at(monthly(open_ar_amt=[0.0, 0.0, 0.0], not_due_amt=[0.0, 0.0, 0.0], over_90_amt=[0.0, 0.0, 0.0]),
                2, 3)
    assert k.dso_days == 0.0 and k.countback_dso_days == 0.0 and k.avg_days_delinquent == 0.0
    assert k.not_due_pct is None and k.over_90_pct is None


def test_credit_notes_exceeding_invoices_leave_dso_undefined():
    k = kpis_at(monthly(sales_amt=[1000.0, 900.0, -50.0]), 2, 1)
    assert k.dso_days is None
    assert k.bad_debt_ratio_pct is None


def test_countback_runs_out_of_history_as_a_lower_bound():
    assert countback_dso(5000.0, [1000.0, 1000.0], [30, 31]) == 61.0
    assert countback_dso(0.0, [1000.0], [30]) == 0.0
    assert countback_dso(100.0, [], []) is None


def test_no_settlements_leave_payment_days_undefined():
    k = kpis_at(monthly(settled_amt=[0.0, 0.0, 0.0]), 2, 3)
    assert k.avg_days_to_pay is None and k.days_beyond_terms is None


def test_trend_has_one_row_per_date():
    trend = kpi_trend(monthly(), 1)
    assert trend["as_of"].to_list() == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    assert trend["dso_days"].to_list() == pytest.approx([800 / 1000 * 31, 1000 / 900 * 29, 1300 / 1200 * 31])
    assert trend["cei_pct"][0] is None


def test_credit_balances_keep_the_shares_within_0_100_and_add_non_negative():
    """The earliest as-of date of the sample: every open item not yet due, and customers in
    credit (unused credits 10) take open AR (990) below the open items (1,000). The shares are
    of the open items, so % not due is 100 %, not 101 %; best possible DSO counts the not-due
    AR up to the open AR, so it equals DSO and ADD is 0, not negative."""
    k = kpis_at(monthly(open_ar_amt=[990.0, 1000.0, 1300.0], items_amt=[1000.0, 1000.0, 1300.0],
                        not_due_amt=[1000.0, 700.0, 900.0], over_90_amt=[0.0, 50.0, 100.0]), 0, 1)
    assert k.not_due_pct == pytest.approx(100.0) and k.over_90_pct == 0.0
    assert k.best_possible_dso_days == pytest.approx(k.dso_days) == pytest.approx(990 / 1000 * 31)
    assert k.avg_days_delinquent == pytest.approx(0.0)


def test_a_period_before_the_data_is_shortened_to_it():
    """At the first date (Jan 31, data from Jan 1) a 3-month period (Nov 1 - Jan 31) is not
    complete: it is shortened to the data (Jan 1 - Jan 31, as case 03 wants: DSO over the days
    the data covers) and flagged; CEI needs the open AR before the data: not enough history."""
    k = kpis_at(monthly(), 0, 3, first_day=date(2024, 1, 1))
    assert not k.complete and k.period_start == date(2024, 1, 1)
    assert k.dso_days == pytest.approx(800 / 1000 * 31)
    assert k.missing_history == ("cei_pct",) and k.cei_pct is None
    assert k.not_due_pct == pytest.approx(600 / 800 * 100)
    # one month (Jan) lies inside the data: complete, but CEI still needs the AR before the data
    one = kpis_at(monthly(), 0, 1, first_day=date(2024, 1, 1))
    assert one.complete and one.dso_days == pytest.approx(800 / 1000 * 31)
    assert one.missing_history == ("cei_pct",) and one.cei_pct is None
    # data from mid-January: January itself is not complete
    assert not kpis_at(monthly(), 0, 1, first_day=date(2024, 1, 15)).complete
    # the third month-end has three complete months and the AR before them is not needed for DSO
    assert kpis_at(monthly(), 2, 3, first_day=date(2024, 1, 1)).complete


def test_trend_marks_the_incomplete_periods():
    trend = kpi_trend(monthly(), 3, first_day=date(2024, 1, 1))
    assert trend["complete"].to_list() == [False, False, True]
    assert None not in trend["dso_days"].to_list()  # shortened to the data, not left empty
    assert trend["period_start"].to_list() == [date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 1)]
