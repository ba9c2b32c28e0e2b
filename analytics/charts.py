"""Plotly figures for the pages: aggregated inputs only, styled to read on a projector."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

FONT = dict(size=15)
GROSS = "#1f4e79"
NET = "#5b9bd5"
LIMIT = "#c55a11"
OVERDUE = "#c00000"
ORDERS = "#7f7f7f"
BAND_COLORS = ["#2e7d32", "#9bbb59", "#f2c14e", "#c00000", "#7f7f7f"]


# A light template built once: plotly's named templates are re-validated on every
# figure (about 25 ms each), which alone would blow the page budget.
LIGHT = go.layout.Template(layout=dict(
    plot_bgcolor="white", paper_bgcolor="white",
    xaxis=dict(gridcolor="#e3e3e3", linecolor="#555", zerolinecolor="#999"),
    yaxis=dict(gridcolor="#e3e3e3", linecolor="#555", zerolinecolor="#999"),
))


def _figure(traces: list[object], height: int = 380, currency: str = "", **extra: object) -> go.Figure:
    """Build a figure with the house layout in one go (plotly's update calls cost ~10 ms each)."""
    layout: dict[str, object] = dict(
        template=LIGHT, font=FONT, height=height, margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hoverlabel=dict(font_size=14), separators=".,",
    )
    if currency:
        layout["yaxis"] = dict(title_text=currency, tickformat="~s")
    layout.update(extra)
    return go.Figure(data=traces, layout=layout)


def exposure_bars(frame: pl.DataFrame, by: str, currency: str) -> go.Figure:
    """Gross and net exposure per value of `by`, with the limits as markers."""
    labels = frame[by].cast(pl.String).to_list()
    return _figure([
        go.Bar(name="Gross exposure", x=labels, y=frame["gross_exposure_amt"].to_list(), marker_color=GROSS),
        go.Bar(name="Net exposure", x=labels, y=frame["net_exposure_amt"].to_list(), marker_color=NET),
        go.Scatter(name="Limits", x=labels, y=frame["limit_amt"].fill_null(0).to_list(), mode="markers",
                   marker=dict(color=LIMIT, size=13, symbol="line-ew-open", line=dict(width=4))),
    ], currency=currency, barmode="group", xaxis=dict(type="category"))


def trend_lines(frame: pl.DataFrame, currency: str) -> go.Figure:
    """Gross and net exposure, limits and overdue AR month by month."""
    x = frame["snapshot_date"].to_list()
    return _figure([
        go.Scatter(name="Gross exposure", x=x, y=frame["gross_exposure_amt"].to_list(), line=dict(color=GROSS, width=3)),
        go.Scatter(name="Net exposure", x=x, y=frame["net_exposure_amt"].to_list(), line=dict(color=NET, width=3)),
        go.Scatter(name="Limits", x=x, y=frame["limit_amt"].to_list(), line=dict(color=LIMIT, width=3, dash="dash")),
        go.Scatter(name="Overdue AR", x=x, y=frame["overdue_amt"].to_list(), line=dict(color=OVERDUE, width=2)),
        go.Scatter(name="Open orders", x=x, y=frame["open_orders_amt"].to_list(), line=dict(color=ORDERS, width=2)),
    ], height=400, currency=currency)


def utilization_chart(frame: pl.DataFrame, currency: str) -> go.Figure:
    """Gross exposure per utilization band, with the customer count on each bar."""
    return _figure([go.Bar(
        x=frame["band"].to_list(), y=frame["gross_exposure_amt"].to_list(),
        marker_color=BAND_COLORS[: frame.height],
        text=[f"{n:,} customers" for n in frame["customers"].to_list()], textposition="outside",
        cliponaxis=False,
    )], currency=currency, xaxis=dict(type="category"))


def mitigation_waterfall(frame: pl.DataFrame, currency: str) -> go.Figure:
    """Gross exposure minus collateral and insurance gives net exposure."""
    return _figure([go.Waterfall(
        x=frame["step"].to_list(), y=frame["amount"].to_list(), measure=frame["measure"].to_list(),
        connector=dict(line=dict(color="#999")), decreasing=dict(marker=dict(color="#2e7d32")),
        totals=dict(marker=dict(color=GROSS)), increasing=dict(marker=dict(color=GROSS)),
    )], currency=currency, xaxis=dict(type="category"))


def customer_history(frame: pl.DataFrame, currency: str) -> go.Figure:
    """One customer's exposure against its limit over time."""
    x = frame["snapshot_date"].to_list()
    return _figure([
        go.Bar(name="Open AR", x=x, y=frame["open_ar_amt"].to_list(), marker_color=NET),
        go.Bar(name="Open orders", x=x, y=frame["open_orders_amt"].to_list(), marker_color=ORDERS),
        go.Scatter(name="Overdue AR", x=x, y=frame["overdue_amt"].to_list(), line=dict(color=OVERDUE, width=3)),
        go.Scatter(name="Limit", x=x, y=frame["limit_amt"].to_list(), line=dict(color=LIMIT, width=3, shape="hv")),
    ], height=360, currency=currency, barmode="stack")
