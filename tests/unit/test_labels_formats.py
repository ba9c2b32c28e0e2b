"""Issue 15, parts 2 and 3: one formatting rule and one label catalogue, in English and Chinese.

analytics.formats writes every number and date a user sees (compact K/M/B or 万/亿, PDs with
enough digits, not-due days, locale dates, signed changes); analytics.labels gives every field
its words and unit; every field a page shows has a catalogue entry, translated into Chinese.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from analytics.formats import MISSING, fmt_amount, fmt_date, fmt_days, fmt_delta, fmt_int, fmt_pct, fmt_pd, fmt_value
from analytics.i18n import speaking
from analytics.labels import LABELS, known, label, unit_of

# Every field name the pages show in a table (collected by rendering every page on the sample):
# each must have words in the catalogue (not just its name split at the underscores).
SHOWN_FIELDS = """
action amount approval_level as_of assigned_pd_pct auroc avg_days_delinquent avg_days_to_pay avg_score
bad_debt_ratio_pct bads balance_amt band base_closed_form base_customers base_expected_loss_amt base_monte_carlo
basis best_possible_dso_days binomial_p_value bins_points bucket bucket_idx calibrated_pd_frac cei_pct
characteristic ci_high_pct ci_low_pct collateral_amt collections_amt column_name countback_dso_days coverage_pct
credit_balance_amt credit_lines credit_manager credit_sales_amt cumulative_share_pct currency current_limit_amt
customer_id customers customers_over_limit customers_with_exposure days_beyond_terms days_overdue days_past_due
default_on defaults dimension direction disputed_amt disputed_past_due_amt dso_days due_30_days due_31_90_days
due_date ecl_amt expected_defaults expected_loss_amt expected_loss_change_amt exposure_amt file frequency_months
from_dpd from_grade from_rated_on gini goods grade gross_carrying_amt gross_exposure_amt group_id group_name
has_new hits imported_grade industry instalment_no instalments_due_amt instalments_received_amt
instalments_received_pct insured_amt invoice_date invoice_id is_disputed is_limit_expired is_present item_stage
items items_amt jeffreys_high_frac jeffreys_low_frac jeffreys_p_value kpi ks label last_review_on limit_amt
limit_change_amt limited_exposure_amt line line_exposure_amt line_holder_id line_scope loss_rate_pct
max_days_past_due max_disputed_days_past_due max_undisputed_dpd measure members message missing_points model
monthly_purchases_amt name net_exposure_amt next_due_on not_due_amt not_due_pct notches notches_vs_imported
observations observed_default_rate_pct observed_rate_frac observed_text oldest_due_date on_hold open_ar_amt
open_orders_amt outstanding_amt outstanding_doc_ccy over_90_amt over_90_pct over_limit_amt overdue
overdue_90_amt overdue_amt overdue_instalments overdue_pct overdue_share_pct past_due_amt past_due_items pd_frac
pd_pct period_days policy_pd_frac previous_grade previous_value priority_score proposed_limit_amt reason_1
reason_2 reason_3 recommended_limit_amt region roll_rate_pct rolled_amt row row_count rows rows_of_kind rule
rules sales_amt sample scenario_closed_form scenario_grade scenario_monte_carlo score score_change segment
settled_amt settled_days_beyond_x_amt settled_days_to_pay_x_amt severity severity_before share_pct since
snapshot_date source_file stage status step table_name tangible_net_worth_amt terms_days to_grade to_rated_on
total_amt utilization_pct value verdict watchlist_severity weight_pct working_capital_amt worst_severity
write_offs_amt
""".split()

# ----------------------------------------------------------------------------- numbers

@pytest.mark.parametrize(("lang", "value", "text"), [
    ("en", 1_234_567, "CNY 1.23M"), ("zh", 1_234_567, "CNY 123.46万"),
    ("en", 123_456_789, "CNY 123.46M"), ("zh", 123_456_789, "CNY 1.23亿"),
    ("en", 2_500_000_000, "CNY 2.5B"), ("zh", 2_500_000_000, "CNY 25亿"),
    ("en", 9_999, "CNY 9,999"), ("zh", 9_999, "CNY 9,999"),
    ("en", -30_000_000, "CNY -30M"), ("zh", -30_000_000, "CNY -3000万"),
])
def test_compact_amounts_in_both_languages(lang, value, text):
    with speaking(lang):
        assert fmt_amount(value, "CNY") == text


def test_amounts_in_full_have_separators_and_no_stray_decimals():
    with speaking("en"):
        assert fmt_amount(27_202_837.611, "CNY", compact=False) == "CNY 27,202,838"
        assert fmt_int(12345) == "12,345"
    with speaking("zh"):
        assert fmt_amount(40_884_808.9, "CNY", compact=False) == "CNY 40,884,809"


@pytest.mark.parametrize(("pd_pct", "text"), [
    (0.034, "0.03 %"), (0.0, "0.00 %"), (1.25, "1.25 %"), (12.5, "12.5 %"), (0.0004, "0.0004 %")])
def test_pds_keep_enough_digits(pd_pct, text):
    with speaking("en"):
        assert fmt_pd(pd_pct) == text


def test_missing_values_never_read_none_or_nan():
    for lang in ("en", "zh"):
        with speaking(lang):
            for fmt in (fmt_amount, fmt_pd, fmt_pct, fmt_int, fmt_days, fmt_date):
                assert fmt(None) == MISSING
            assert fmt_amount(float("nan"), "CNY") == MISSING
            assert fmt_value("open_ar_amt", float("nan")) == MISSING
            assert fmt_value("grade", None) == MISSING


def test_days_past_due_of_a_not_due_item_read_not_due_never_negative():
    with speaking("en"):
        assert fmt_days(-12) == "not due" and fmt_days(0) == "not due"
        assert fmt_days(1) == "1 day" and fmt_days(1234) == "1,234 days"
        assert fmt_value("terms_days", 30) == "30 days"
    with speaking("zh"):
        assert fmt_days(-12) == "未到期"
        assert fmt_days(5) == "5 天"


def test_dates_in_each_locale():
    with speaking("en"):
        assert fmt_date(date(2026, 11, 30)) == "Nov 30, 2026"
        assert fmt_date("2026-11-30") == "Nov 30, 2026"
    with speaking("zh"):
        assert fmt_date(date(2026, 11, 30)) == "2026年11月30日"


def test_signed_changes_for_tiles():
    with speaking("en"):
        assert fmt_delta(1_234_567, "amt", "CNY") == "+CNY 1.23M"
        assert fmt_delta(-600_000, "amt", "CNY") == "-CNY 600K"
        assert fmt_delta(-0.64, "pp") == "-0.6 pp"
        assert fmt_delta(0.01, "pp") == "0.0 pp"  # rounds to nothing: no sign, no arrow
        assert fmt_delta(35, "count") == "+35"
        assert fmt_delta(None, "amt") is None
    with speaking("zh"):
        assert fmt_delta(1_234_567, "amt", "CNY") == "+CNY 123.46万"
        assert fmt_delta(2.0, "pp") == "+2.0 个百分点"


# ----------------------------------------------------------------------------- labels

def test_labels_carry_their_unit():
    with speaking("en"):
        assert label("gross_exposure_amt", "CNY") == "Gross exposure (CNY)"
        assert label("gross_exposure_amt") == "Gross exposure"
        assert label("utilization_pct") == "Utilization %"
        assert label("pd_frac") == "PD %"
        assert label("dso_days") == "DSO (days)"
        assert label("due_30_days") == "Due in 30 days"
        assert label("gross_exposure_amt", "CNY", unit=False) == "Gross exposure"
        assert unit_of("gross_exposure_amt", "CNY") == "CNY" and unit_of("share_pct") == "%"
        assert unit_of("dso_days") == "days" and unit_of("grade") == ""
    with speaking("zh"):
        assert label("gross_exposure_amt", "CNY") == "总敞口 (CNY)"
        assert label("dso_days") == "DSO (天)"
        assert label("utilization_pct") == "额度使用率 %"


def test_names_that_are_already_words_pass_through_translated():
    with speaking("en"):
        assert label("not due") == "not due" and label("AAA %") == "AAA %"
        assert label("some_new_field_amt", "CNY") == "Some new field (CNY)"
    with speaking("zh"):
        assert label("not due") == "未到期"
        assert label("AAA") == "AAA"


@pytest.mark.parametrize("name", SHOWN_FIELDS)
def test_every_field_a_page_shows_has_a_catalogue_entry(name):
    assert known(name), f"{name}: add it to analytics/labels.py LABELS"


def test_every_catalogue_label_is_translated_into_chinese():
    from tests.app.test_chinese import ALLOWED
    untranslated = []
    with speaking("zh"):
        for name, english in LABELS.items():
            shown = label(name, unit=False)
            words = set(re.findall(r"[A-Za-z][A-Za-z'-]*", shown))
            if (shown == english and not words <= ALLOWED) or not words <= ALLOWED | {"Jeffreys", "p"}:
                untranslated.append((name, shown))
    assert not untranslated, f"translate these in the Chinese catalogue: {untranslated}"
