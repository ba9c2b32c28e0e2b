"""Issue 15, parts 1-3 on the shared building blocks: the charts speak the reader's language with
compact amount ticks (K/M/B, 万/亿), text of 12 px or more and grades in scale order (the
Sankey too); tables put the columns that matter first, format each column alike (separators,
fixed decimals), never show a negative days past due, "None" or "nan", and take every header
from the label catalogue."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from analytics.app import charts
from analytics.i18n import speaking

SCALE = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "D"]
LATIN = re.compile(r"[A-Za-z]{2,}")


def font_sizes(node: object, out: list[float]) -> list[float]:
    """Every font size set in a figure's layout (title, axes, legend, hover labels ...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if "font" in key and isinstance(value, dict) and isinstance(value.get("size"), (int, float)):
                out.append(float(value["size"]))
            font_sizes(value, out)
    elif isinstance(node, list):
        for value in node:
            font_sizes(value, out)
    return out


def exposure_frame() -> pl.DataFrame:
    return pl.DataFrame({"industry": ["Steel", "Retail"], "gross_exposure_amt": [12_500_000.0, 48_000_000.0],
                         "net_exposure_amt": [10_000_000.0, 40_000_000.0], "limit_amt": [20_000_000.0, None]})


def test_amount_axes_have_compact_ticks_in_the_locale():
    with speaking("en"):
        fig = charts.exposure_bars(exposure_frame(), "industry", "CNY")
        axis = fig.layout.yaxis
        assert axis.title.text == "CNY" and list(axis.ticktext)[:4] == ["0", "10M", "20M", "30M"]
    with speaking("zh"):
        axis = charts.exposure_bars(exposure_frame(), "industry", "CNY").layout.yaxis
        assert list(axis.ticktext)[:4] == ["0", "1000万", "2000万", "3000万"]
        values, texts = charts.amount_ticks(0, 350_000_000)
        assert "1亿" in texts and values[texts.index("1亿")] == 100_000_000


def test_stacked_bars_span_their_stack():
    items = pl.DataFrame({"bucket": ["not due", "1-30"], "outstanding_amt": [90_000_000.0, 30_000_000.0],
                          "disputed_amt": [10_000_000.0, 0.0], "items": [1200, 300], "bucket_idx": [0, 1]})
    axis = charts.aging_bars(items, "CNY").layout.yaxis
    assert max(axis.tickvals) >= 90_000_000


def test_chart_texts_are_translated_and_at_least_12_px():
    with speaking("zh"):
        fig = charts.exposure_bars(exposure_frame(), "industry", "CNY")
        names = [t.name for t in fig.data]
        assert names == ["总敞口", "净敞口", "额度"]
        roll = pl.DataFrame({"bucket": ["not due", "1-30"], "roll_rate_frac": [0.1, 0.2], "loss_rate_frac": [0.01, 0.1]})
        for figure in (fig, charts.roll_rate_chart(roll), charts.notch_bars(pl.DataFrame({"notches": [-1, 0, 2],
                                                                                          "customers": [3, 1200, 1]}))):
            spec = figure.to_plotly_json()
            texts = [t.get("name") or "" for t in spec["data"]] + [
                str(spec["layout"].get(axis, {}).get("title", {}).get("text") or "") for axis in ("xaxis", "yaxis")]
            assert not [t for t in texts if LATIN.search(t.replace("CNY", ""))], texts
            assert all(size >= 12 for size in font_sizes(spec["layout"], [])), spec["layout"]
        assert charts.roll_rate_chart(roll).data[0].x == ("未到期", "1-30")


def test_heatmap_and_sankey_read_in_scale_order():
    matrix = pl.DataFrame({"from_grade": ["A", "A", "B", "AAA"], "to_grade": ["NR", "A", "AAA", "BB"],
                           "rate": [0.1, 0.9, 1.0, 1.0]})
    heat = charts.migration_heatmap(matrix, "rate", SCALE)
    assert list(heat.data[0].x) == ["AAA", "A", "BB", "NR"]
    assert list(heat.layout.xaxis.categoryarray) == ["AAA", "A", "BB", "NR"]
    flows = pl.DataFrame({"from_grade": ["B", "AAA", "A", "B", "CCC"], "to_grade": ["NR", "AA", "A", "CCC", "D"],
                          "exposure_amt": [1.0, 2.0, 3.0, 4.0, 5.0], "customers": [1, 1, 2, 1, 1]})
    with speaking("en"):
        sankey = charts.migration_sankey(flows, SCALE, "CNY").data[0]
    labels = list(sankey.node.label)
    assert labels == ["AAA (start)", "A (start)", "B (start)", "CCC (start)",
                      "AA (end)", "A (end)", "CCC (end)", "D (end)", "NR (end)"]
    assert sankey.arrangement == "fixed"
    y = list(sankey.node.y)
    assert y[:4] == sorted(y[:4]) and y[4:] == sorted(y[4:]), "nodes top to bottom in scale order"
    assert "1 customer" in sankey.link.customdata and "2 customers" in sankey.link.customdata


def test_grade_charts_sort_grades_by_the_scale():
    frame = pl.DataFrame({"grade": ["B", "AAA", "BBB"], "current_limit_amt": [1.0, 2.0, 3.0],
                          "proposed_limit_amt": [1.0, 2.0, 3.0]})
    assert list(charts.limits_by_grade(frame, "CNY").data[0].x) == ["AAA", "BBB", "B"]
    assert charts.in_scale_order(["NR", "BB-", "BB+", "AAA", "D", "BB"]) == ["AAA", "BB+", "BB", "BB-", "D", "NR"]


# ----------------------------------------------------------------------------- tables

TABLE = pl.DataFrame({
    "customer_id": ["C1", "C2", "C3"],
    "segment": ["core", "None", None],
    "name": ["Alpha", "Beta", "Gamma"],
    "stage": ["reminder", "phone call", None],
    "grade": ["A", "B", "NR"],
    "max_days_past_due": [-12, 0, 45],
    "pd_frac": [0.0003, 0.02, float("nan")],
    "score": [612.4, 580.0, None],
    "open_ar_amt": [27_202_837.611, 40_884_808.9, float("inf")],
    "share_pct": [12.34, 56.78, 0.0],
    "items": [1, 20, 3000],
    "as_of": [date(2024, 1, 31)] * 3,
})


def test_tables_put_the_name_then_amounts_days_past_due_score_grade_and_stage_first():
    from analytics.app.ui import shown_frame
    assert shown_frame(TABLE).columns == ["name", "open_ar_amt", "max_days_past_due", "score", "grade", "stage",
                                          "customer_id", "segment", "pd_frac", "share_pct", "items", "as_of"]
    migration = pl.DataFrame({"from_grade": ["A"], "to_grade": ["B"], "count": [1], "exposure_amt": [1.0]})
    assert shown_frame(migration).columns == ["from_grade", "to_grade", "exposure_amt", "count"]


def test_table_values_never_show_negative_days_none_or_nan():
    from analytics.app.ui import shown_frame
    shown = shown_frame(TABLE)
    assert shown["max_days_past_due"].to_list() == [0, 0, 45]
    assert shown["segment"].to_list() == ["core", None, None]
    assert shown["open_ar_amt"].to_list() == [27_202_837.61, 40_884_808.9, None]
    assert shown["pd_frac"].to_list()[:2] == pytest.approx([0.03, 2.0])  # fractions shown as percent numbers
    assert shown["pd_frac"].to_list()[2] is None  # NaN is missing, a blank cell


def test_money_config_takes_headers_from_the_catalogue_and_formats_by_unit():
    from analytics.app.ui import money_config, shown_frame
    with speaking("en"):
        config = money_config(shown_frame(TABLE), "CNY")
    labels = {name: c["label"] for name, c in config.items()}
    assert labels["open_ar_amt"] == "Open AR (CNY)" and labels["max_days_past_due"] == "Max days past due"
    assert labels["pd_frac"] == "PD %" and labels["name"] == "Customer"
    formats = {name: c.get("type_config", {}).get("format") for name, c in config.items()}
    assert formats["open_ar_amt"] == "%,.2f"
    assert formats["share_pct"] == "%,.1f %%" and formats["pd_frac"] == "%,.2f %%"
    assert formats["max_days_past_due"] == "%,d" and formats["items"] == "%,d"
    assert formats["as_of"] == "MMM D, YYYY"
    with speaking("zh"):
        config = money_config(shown_frame(TABLE), "CNY")
    assert config["open_ar_amt"]["label"] == "未结应收账款 (CNY)"
    assert config["as_of"]["type_config"]["format"] == "YYYY年M月D日"
