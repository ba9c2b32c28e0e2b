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


# Aging buckets from current (green) to oldest (dark red), for up to 9 buckets.
BUCKET_COLORS = ["#2e7d32", "#9bbb59", "#f2c14e", "#f39c12", "#e67e22", "#d35400", "#c0392b", "#922b21", "#641e16"]


def _bucket_colors(n: int) -> list[str]:
    return BUCKET_COLORS[:n] if n <= len(BUCKET_COLORS) else BUCKET_COLORS + ["#444"] * (n - len(BUCKET_COLORS))


def aging_bars(distribution: pl.DataFrame, currency: str) -> go.Figure:
    """Open AR per aging bucket, disputed part hatched, with item counts on the bars."""
    x = distribution["bucket"].to_list()
    undisputed = (distribution["outstanding_amt"] - distribution["disputed_amt"]).to_list()
    return _figure([
        go.Bar(name="Open AR", x=x, y=undisputed, marker_color=_bucket_colors(len(x)),
               text=[f"{n:,} items" for n in distribution["items"].to_list()], textposition="outside",
               cliponaxis=False),
        go.Bar(name="Disputed", x=x, y=distribution["disputed_amt"].to_list(),
               marker=dict(color="#7f7f7f", pattern=dict(shape="/"))),
    ], currency=currency, barmode="stack", xaxis=dict(type="category"))


def aging_trend(trend: pl.DataFrame, currency: str, percent: bool = False) -> go.Figure:
    """Bucket composition month by month, stacked (amounts or shares)."""
    buckets = trend["bucket"].unique(maintain_order=True).to_list()
    colors = _bucket_colors(len(buckets))
    traces = []
    for bucket, color in zip(buckets, colors):
        part = trend.filter(pl.col("bucket") == bucket)
        traces.append(go.Scatter(name=bucket, x=part["snapshot_date"].to_list(),
                                 y=part["share_pct" if percent else "outstanding_amt"].to_list(),
                                 stackgroup="aging", line=dict(width=0.5, color=color), fillcolor=color))
    if percent:
        return _figure(traces, height=400, yaxis=dict(title_text="% of open AR", ticksuffix=" %", range=[0, 100]))
    return _figure(traces, height=400, currency=currency)


def aging_split(frame: pl.DataFrame, dimension: str, labels: list[str]) -> go.Figure:
    """Each value of a dimension as a 100 % bar split into aging buckets (shares of its AR)."""
    values = frame[dimension].cast(pl.String).to_list()
    totals = frame["total_amt"].to_list()
    traces = []
    for label, color in zip(labels, _bucket_colors(len(labels))):
        shares = [a / t * 100 if t else 0.0 for a, t in zip(frame[label].to_list(), totals)]
        traces.append(go.Bar(name=label, y=values, x=shares, orientation="h", marker_color=color))
    return _figure(traces, height=max(260, 34 * len(values) + 90), barmode="stack",
                   yaxis=dict(type="category", autorange="reversed"),
                   xaxis=dict(title_text="% of the value's open AR", ticksuffix=" %", range=[0, 100]))


def percent_lines(frame: pl.DataFrame, series: dict[str, str], title: str = "%") -> go.Figure:
    """A few percentage series over time (column -> legend name)."""
    colors = [GROSS, OVERDUE, LIMIT, NET, ORDERS]
    x = frame[frame.columns[0]].to_list()
    return _figure([go.Scatter(name=name, x=x, y=frame[col].to_list(), line=dict(width=3, color=color))
                    for (col, name), color in zip(series.items(), colors)], height=340,
                   yaxis=dict(title_text=title, ticksuffix=" %"))


def roll_rate_chart(roll: pl.DataFrame) -> go.Figure:
    """Roll rate to the next bucket and the derived loss rate, per bucket (percent)."""
    x = roll["bucket"].to_list()
    return _figure([
        go.Bar(name="Roll rate to the next bucket (last: to write-off)", x=x,
               y=[None if v is None else v * 100 for v in roll["roll_rate"].to_list()], marker_color=NET),
        go.Scatter(name="Loss rate (product of roll rates)", x=x,
                   y=[None if v is None else v * 100 for v in roll["loss_rate"].to_list()], mode="lines+markers",
                   line=dict(color=OVERDUE, width=3)),
    ], height=360, xaxis=dict(type="category"), yaxis=dict(title_text="%", ticksuffix=" %"))


def monthly_roll_chart(monthly: pl.DataFrame) -> go.Figure:
    """Roll rate of every bucket month by month."""
    buckets = monthly["bucket"].unique(maintain_order=True).to_list()
    traces = []
    for bucket, color in zip(buckets, _bucket_colors(len(buckets))):
        part = monthly.filter(pl.col("bucket") == bucket)
        traces.append(go.Scatter(name=bucket, x=part["month_end"].to_list(),
                                 y=[None if v is None else v * 100 for v in part["roll_rate"].to_list()],
                                 line=dict(color=color, width=2)))
    return _figure(traces, height=340, yaxis=dict(title_text="roll rate %", ticksuffix=" %"))


def ecl_bars(matrix: pl.DataFrame, currency: str) -> go.Figure:
    """Gross carrying amount and lifetime ECL per bucket (ECL on its own axis)."""
    x = matrix["bucket"].to_list()
    return _figure([
        go.Bar(name="Gross carrying amount", x=x, y=matrix["gross_carrying_amount"].to_list(), marker_color=NET),
        go.Scatter(name="Lifetime ECL", x=x, y=matrix["ecl"].to_list(), mode="lines+markers", yaxis="y2",
                   line=dict(color=OVERDUE, width=3)),
    ], height=360, currency=currency, xaxis=dict(type="category"),
        yaxis2=dict(title_text=f"ECL ({currency})", overlaying="y", side="right", tickformat="~s",
                    showgrid=False))


def stage_bars(stages: pl.DataFrame, currency: str) -> go.Figure:
    """Past-due amount per dunning stage, with the number of customers on each bar."""
    return _figure([go.Bar(
        x=stages["stage"].to_list(), y=stages["past_due_amt"].to_list(),
        marker_color=_bucket_colors(stages.height),
        text=[f"{n:,} customers" for n in stages["customers"].to_list()], textposition="outside", cliponaxis=False,
    )], currency=currency, xaxis=dict(type="category"))


def kpi_trend(trend: pl.DataFrame, columns: dict[str, str], unit: str) -> go.Figure:
    """Payment KPIs month by month (column -> legend name), in days or percent."""
    colors = [GROSS, LIMIT, NET, OVERDUE, ORDERS]
    x = trend["as_of"].to_list()
    return _figure([go.Scatter(name=name, x=x, y=trend[col].to_list(), line=dict(width=3, color=color))
                    for (col, name), color in zip(columns.items(), colors)], height=340,
                   yaxis=dict(title_text=unit))


def grade_history(ratings: pl.DataFrame, scale: list[str]) -> go.Figure:
    """A customer's grade over time as a step line (best grade at the top)."""
    frame = ratings.sort("rated_on")
    return _figure([go.Scatter(x=frame["rated_on"].to_list(), y=frame["grade"].to_list(), mode="lines+markers",
                               line=dict(shape="hv", color=GROSS, width=3), name="Grade")],
                   height=280, yaxis=dict(type="category", categoryorder="array", categoryarray=scale[::-1]),
                   showlegend=False)


def behaviour_lines(behaviour: pl.DataFrame) -> go.Figure:
    """A customer's days to pay and days beyond terms, month by month."""
    x = behaviour["snapshot_date"].to_list()
    return _figure([
        go.Scatter(name="Average days to pay", x=x, y=behaviour["avg_days_to_pay"].to_list(),
                   line=dict(color=GROSS, width=3), connectgaps=True),
        go.Scatter(name="Days beyond terms", x=x, y=behaviour["days_beyond_terms"].to_list(),
                   line=dict(color=OVERDUE, width=3), connectgaps=True),
    ], height=300, yaxis=dict(title_text="days"))
