"""The credit policy and mapping files: defaults load, mistakes give clear messages."""

from __future__ import annotations

import pytest

from analytics.data.mapping import MappingError, parse_mapping
from analytics.policy import DEFAULT_POLICY_PATH, PolicyError, parse_policy

DEFAULT = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")


def test_default_policy(policy):
    assert policy.reporting_currency == "CNY"
    assert policy.scale[-1] == "D" and policy.pd_pct["BBB"] == 0.18
    assert policy.bucket_labels() == ["not due", "1-30", "31-60", "61-90", "91-180", "181-365", "> 365"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('lgd_pct = 45.0', 'lgd_pct = 145.0', "lgd_pct 145.0 must be between 0 and 100"),
        ('reporting_currency = "CNY"', 'reporting_currency = "Yuan"', "not a 3-letter ISO code"),
        ("bucket_upper_dpd = [0, 30, 60, 90, 180, 365]", "bucket_upper_dpd = [0, 60, 30]", "strictly increasing"),
        ("CCC = 26.8,", "", "no PD for CCC"),
        ('unrated_grade = "B"', 'unrated_grade = "Z"', "unrated_grade 'Z' is not on the scale"),
        ('"SD" = "D"', '"SD" = "E"', "maps to grades not on the scale"),
        ("top_n = 10", "top_n = 0", "top_n must be between 1 and 100"),
        ("[exposure]", "[exposure", "not valid TOML"),
        ("period_months = 3", "period_months = 0", "period_months must be between 1 and 12"),
        ("overlay_factor = 1.0", "overlay_factor = -1", "overlay_factor must be in"),
        ('{ name = "phone call", from_dpd = 15 }', '{ name = "phone call", from_dpd = 0 }', "strictly increasing"),
        ("amount = 0.5, dpd = 0.3", "amount = 0.6, dpd = 0.3", "must add up to 1"),
    ],
)
def test_policy_errors(old, new, message):
    assert old in DEFAULT
    with pytest.raises(PolicyError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        parse_policy(DEFAULT.replace(old, new, 1))


def test_mapping_parses_columns_and_values():
    m = parse_mapping('[invoices]\nfile = "a.csv"\ndate_format = "%Y/%m/%d"\n[invoices.columns]\n'
                      'invoice_id = "发票号"\n[invoices.values.is_disputed]\ntrue = ["是"]\nfalse = "否"\n')
    assert m["invoices"].file == "a.csv"
    assert m["invoices"].columns == {"invoice_id": "发票号"}
    assert m["invoices"].values["is_disputed"] == {"true": ["是"], "false": ["否"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[invoices.columns]\nfoo = "x"\n', "'foo' is not a column of invoices"),
        ('[invoices]\nfiel = "x"\n', "unknown keys: fiel"),
        ('[invoices.values.doc_type]\ninvoice = 3\n', "must list source values"),
    ],
)
def test_mapping_errors(text, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(text)
