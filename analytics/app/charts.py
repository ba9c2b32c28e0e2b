"""Plotly figures for the pages: aggregated inputs only, styled to read on a projector."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from analytics.risk.aging import CREDITS_LABEL, bucket_shares_pct

FONT = dict(size=15)
GROSS = "#1f4e79"
NET = "#5b9bd5"
LIMIT = "#c55a11"
OVERDUE = "#c00000"
ORDERS = "#7f7f7f"
CREDIT_COLOR = "#2e86c1"  # credits on account (credit balances)
LOG_TICKS = [1, 10, 100, 1_000, 10_000, 100_000]
PCT_TICKS = [0.01, 0.1, 1, 10, 100]
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


def text_of(values: list[object]) -> list[str]:
    """Labels from the data as plotly shows them: plotly renders a subset of HTML in every
    label (`<b>`, `<a href>`...), so `&`, `<` and `>` are written as entities."""
    return [html.escape(str(v), quote=False) if v is not None else "" for v in values]


def exposure_bars(frame: pl.DataFrame, by: str, currency: str) -> go.Figure:
    """Gross and net exposure per value of `by`, with the limits as markers."""
    labels = text_of(frame[by].cast(pl.String).to_list())
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
    """Gross exposure per utilization band, with the count of credit lines on each bar (a group
    limit is one line)."""
    return _figure([go.Bar(
        x=frame["band"].to_list(), y=frame["gross_exposure_amt"].to_list(),
        marker_color=BAND_COLORS[: frame.height],
        text=[f"{n:,} line{'s' if n != 1 else ''}" for n in frame["credit_lines"].to_list()], textposition="outside",
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
    """Open AR per aging bucket, disputed part hatched, with the number of open items above
    each bar; unused credits (credit balances) as a bar of their own below zero, with the
    number of accounts in credit, when there are any."""
    credits = distribution.filter(pl.col("bucket") == CREDITS_LABEL)
    items = distribution.filter(pl.col("bucket") != CREDITS_LABEL)
    x = items["bucket"].to_list()
    undisputed = (items["outstanding_amt"] - items["disputed_amt"]).to_list()
    # stacked bars put their text inside, shrunk to fit: the counts go above the stack instead
    counts = go.Scatter(x=x, y=items["outstanding_amt"].to_list(), mode="text", textposition="top center",
                        text=[f"{n:,}" for n in items["items"].to_list()],
                        textfont=dict(size=13), showlegend=False, hoverinfo="skip", cliponaxis=False)
    traces = [
        go.Bar(name="Open AR", x=x, y=undisputed, marker_color=_bucket_colors(len(x))),
        go.Bar(name="Disputed", x=x, y=items["disputed_amt"].to_list(),
               marker=dict(color="#7f7f7f", pattern=dict(shape="/"))),
        counts,
    ]
    if credits.height and credits["outstanding_amt"][0] < 0:
        n = int(credits["items"][0])
        traces.append(go.Bar(name="Credits", x=[CREDITS_LABEL], y=credits["outstanding_amt"].to_list(),
                             marker_color=CREDIT_COLOR))
        traces.append(go.Scatter(x=[CREDITS_LABEL], y=[0.0], mode="text", textposition="top center",
                                 text=[f"{n:,}"], textfont=dict(size=13),
                                 showlegend=False, hoverinfo="skip", cliponaxis=False))
    return _figure(traces, currency=currency, barmode="relative",
                   xaxis=dict(type="category", title_text="number above a bar: open items (credits: accounts)",
                              title_font=dict(size=12)))


def aging_trend(trend: pl.DataFrame, currency: str, percent: bool = False) -> go.Figure:
    """Bucket composition month by month, stacked (amounts or shares of the open items; the
    credits line is in the table, not in the stack)."""
    trend = trend.filter(pl.col("bucket") != CREDITS_LABEL)
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
    values = text_of(frame[dimension].cast(pl.String).to_list())
    shares = bucket_shares_pct(frame, labels)
    traces = [go.Bar(name=label, y=values, x=shares[label].to_list(), orientation="h", marker_color=color)
              for label, color in zip(labels, _bucket_colors(len(labels)))]
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
               y=[None if v is None else v * 100 for v in roll["roll_rate_frac"].to_list()], marker_color=NET),
        go.Scatter(name="Loss rate (product of roll rates)", x=x,
                   y=[None if v is None else v * 100 for v in roll["loss_rate_frac"].to_list()], mode="lines+markers",
                   line=dict(color=OVERDUE, width=3)),
    ], height=360, xaxis=dict(type="category"), yaxis=dict(title_text="%", ticksuffix=" %"))


def monthly_roll_chart(monthly: pl.DataFrame) -> go.Figure:
    """Roll rate of every bucket month by month."""
    buckets = monthly["bucket"].unique(maintain_order=True).to_list()
    traces = []
    for bucket, color in zip(buckets, _bucket_colors(len(buckets))):
        part = monthly.filter(pl.col("bucket") == bucket)
        traces.append(go.Scatter(name=bucket, x=part["month_end"].to_list(),
                                 y=[None if v is None else v * 100 for v in part["roll_rate_frac"].to_list()],
                                 line=dict(color=color, width=2)))
    return _figure(traces, height=340, yaxis=dict(title_text="roll rate %", ticksuffix=" %"))


def ecl_bars(matrix: pl.DataFrame, currency: str) -> go.Figure:
    """Gross carrying amount and lifetime ECL per bucket (ECL on its own axis)."""
    x = matrix["bucket"].to_list()
    return _figure([
        go.Bar(name="Gross carrying amount", x=x, y=matrix["gross_carrying_amt"].to_list(), marker_color=NET),
        go.Scatter(name="Lifetime ECL", x=x, y=matrix["ecl_amt"].to_list(), mode="lines+markers", yaxis="y2",
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


def _compact(value: float) -> str:
    """1234567 -> '1.2M': short enough for a heatmap cell."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}{suffix}"
    return f"{value:,.0f}"


def migration_heatmap(matrix: pl.DataFrame, value: str, scale: list[str], percent: bool = True) -> go.Figure:
    """A transition matrix as a heatmap: downgrades in reds, upgrades in blues, the
    diagonal (stayed) in grey and outlined, each cell labelled."""
    rows = scale[:-1]
    cols = [c for c in matrix["to_grade"].unique(maintain_order=True).to_list()]
    rank = {g: i for i, g in enumerate(scale)}
    cells = {(r["from_grade"], r["to_grade"]): r[value] for r in matrix.iter_rows(named=True)}
    peak = 100.0 if percent else max(1.0, max((float(x or 0) for x in cells.values()), default=1.0))
    z, text = [], []
    for f in rows:
        zr, tr = [], []
        for t in cols:
            v = cells.get((f, t))
            size = 0.0 if v is None else float(v) * (100 if percent else 1)
            direction = 0 if t not in rank or t == f else (1 if rank[t] > rank[f] else -1)
            zr.append(0.0 if not size else direction * (0.15 + 0.85 * min(size / peak, 1.0) ** 0.5))
            tr.append("" if v is None else (f"{size:.1f}%" if percent else _compact(size)) if size else "·")
        z.append(zr)
        text.append(tr)
    colorscale = [[0.0, "#1f4e79"], [0.42, "#bdd7ee"], [0.5, "#f2f2f2"], [0.58, "#f4b183"], [1.0, "#c00000"]]
    shapes = [dict(type="rect", x0=i - 0.5, x1=i + 0.5, y0=i - 0.5, y1=i + 0.5, line=dict(color="#222", width=2.5))
              for i, g in enumerate(rows) if g in cols]
    return _figure([go.Heatmap(z=z, x=cols, y=rows, text=text, texttemplate="%{text}", textfont=dict(size=14),
                               colorscale=colorscale, zmin=-1, zmax=1, showscale=False, xgap=2, ygap=2,
                               hovertemplate="from %{y} to %{x}: %{text}<extra></extra>")],
                   height=90 + 46 * len(rows), shapes=shapes,
                   xaxis=dict(title_text="grade at the end (NR = no longer rated)", side="top", type="category",
                              showgrid=False),
                   yaxis=dict(title_text="grade at the start", autorange="reversed", type="category",
                              showgrid=False),
                   margin=dict(l=10, r=10, t=70, b=10))


def migration_sankey(flows: pl.DataFrame, scale: list[str], currency: str) -> go.Figure:
    """Exposure flowing from each grade at the start to each grade at the end."""
    order = scale + ["NR"]
    present_from = [g for g in scale if g in set(flows["from_grade"].to_list())]
    present_to = [g for g in order if g in set(flows["to_grade"].to_list())]
    labels = [f"{g} (start)" for g in present_from] + [f"{g} (end)" for g in present_to]
    idx_from = {g: i for i, g in enumerate(present_from)}
    idx_to = {g: len(present_from) + i for i, g in enumerate(present_to)}
    rank = {g: i for i, g in enumerate(scale)}

    def color(f: str, t: str) -> str:
        if t not in rank or f == t:
            return "rgba(150,150,150,0.35)"
        return "rgba(192,0,0,0.45)" if rank[t] > rank[f] else "rgba(31,78,121,0.45)"

    links = flows.filter(pl.col("exposure_amt") > 0)
    return _figure([go.Sankey(
        arrangement="snap",
        node=dict(label=labels, pad=18, thickness=18, color=GROSS),
        textfont=dict(color="#111", size=14),
        link=dict(source=[idx_from[f] for f in links["from_grade"].to_list()],
                  target=[idx_to[t] for t in links["to_grade"].to_list()],
                  value=links["exposure_amt"].to_list(),
                  color=[color(f, t) for f, t in zip(links["from_grade"].to_list(), links["to_grade"].to_list())],
                  customdata=links["customers"].to_list(),
                  hovertemplate=f"%{{source.label}} → %{{target.label}}: %{{value:,.0f}} {currency}"
                                "<br>%{customdata} customers<extra></extra>"),
    )], height=460)


def notch_bars(notches: pl.DataFrame) -> go.Figure:
    """Customers by notches moved (negative = upgrade, positive = downgrade)."""
    x = notches["notches"].to_list()
    colors = [OVERDUE if n > 0 else NET if n < 0 else ORDERS for n in x]
    return _figure([go.Bar(x=x, y=notches["customers"].to_list(), marker_color=colors,
                           text=[f"{v:,}" for v in notches["customers"].to_list()], textposition="outside",
                           cliponaxis=False)],
                   height=300, xaxis=dict(title_text="notches moved (− up, + down)", dtick=1),
                   yaxis=dict(title_text="customers (log)", type="log", tickvals=LOG_TICKS,
                              ticktext=[f"{v:,}" for v in LOG_TICKS]), showlegend=False)


def calibration_chart(cal: pl.DataFrame) -> go.Figure:
    """Observed default rate by grade with its exact 95 % interval against the assigned PD (log scale)."""
    part = cal.filter(pl.col("customers") > 0)
    x = part["grade"].to_list()
    obs = part["observed_default_rate_pct"].to_list()
    floor = 0.005
    return _figure([
        go.Scatter(name="Observed default rate (95 % interval)", x=x, y=[max(v, floor) for v in obs],
                   mode="markers", marker=dict(size=12, color=OVERDUE),
                   error_y=dict(type="data", symmetric=False,
                                array=[max(h, floor) - max(v, floor) for h, v in zip(part["ci_high_pct"].to_list(), obs)],
                                arrayminus=[max(v, floor) - max(lo, floor)
                                            for lo, v in zip(part["ci_low_pct"].to_list(), obs)],
                                color=OVERDUE, thickness=2)),
        go.Scatter(name="Assigned PD", x=x, y=part["assigned_pd_pct"].to_list(), mode="lines+markers",
                   line=dict(color=GROSS, width=3)),
    ], height=360, xaxis=dict(type="category"),
        yaxis=dict(title_text="% defaulted within a year (log)", type="log", tickvals=PCT_TICKS,
                   ticktext=[f"{v:g} %" for v in PCT_TICKS]))


SEVERITY_COLORS = {"low": "#f2c14e", "medium": "#ed7d31", "high": "#c00000", "critical": "#5c0000"}


def watch_rule_bars(by_rule: pl.DataFrame) -> go.Figure:
    """Hits per rule, stacked by severity (worst on the right)."""
    rules = sorted(by_rule["label"].unique().to_list(), reverse=True)
    traces = []
    for sev, color in SEVERITY_COLORS.items():
        sub = by_rule.filter(pl.col("severity") == sev)
        part = dict(zip(sub["label"].to_list(), sub["hits"].to_list()))
        if part:
            traces.append(go.Bar(name=sev, y=rules, x=[part.get(r, 0) for r in rules], orientation="h",
                                 marker_color=color))
    return _figure(traces, height=max(260, 60 + 34 * len(rules)), barmode="stack",
                   xaxis=dict(title_text="hits"), yaxis=dict(type="category", automargin=True),
                   margin=dict(l=10, r=10, t=40, b=10))


def review_bars(counts: pl.DataFrame, currency: str) -> go.Figure:
    """Customers per review status (overdue first), exposure in the hover."""
    colors = ["#5c0000", OVERDUE, LIMIT, "#f2c14e", "#9bbb59", "#2e7d32"]
    return _figure([go.Bar(x=counts["status"].to_list(), y=counts["customers"].to_list(), marker_color=colors,
                           text=[f"{v:,}" for v in counts["customers"].to_list()], textposition="outside",
                           cliponaxis=False, customdata=counts["gross_exposure_amt"].to_list(),
                           hovertemplate="%{x}: %{y} customers<br>exposure %{customdata:,.0f} " + currency
                                         + "<extra></extra>")],
                   height=320, xaxis=dict(type="category"), yaxis=dict(title_text="customers"), showlegend=False)


def grade_distribution(by_grade: pl.DataFrame, currency: str) -> go.Figure:
    """Customers per model grade (in scale order) as bars, their gross exposure as a line."""
    grades = by_grade["grade"].to_list()
    return _figure([
        go.Bar(name="Customers", x=grades, y=by_grade["customers"].to_list(), marker_color=NET,
               text=[f"{v:,}" for v in by_grade["customers"].to_list()], textposition="outside", cliponaxis=False,
               hovertemplate="%{x}: %{y:,} customers<extra></extra>"),
        go.Scatter(name="Gross exposure", x=grades, y=by_grade["gross_exposure_amt"].to_list(), yaxis="y2",
                   mode="lines+markers", line=dict(color=LIMIT),
                   hovertemplate="%{x}: %{y:,.0f} " + currency + "<extra></extra>"),
    ], height=340, xaxis=dict(type="category", categoryorder="array", categoryarray=grades),
        yaxis=dict(title_text="customers"),
        yaxis2=dict(title_text=currency, overlaying="y", side="right", tickformat=".3~s", showgrid=False,
                    rangemode="tozero"))


def loss_histogram(edges: tuple[float, ...], freq: tuple[float, ...], marks: dict[str, float],
                   currency: str) -> go.Figure:
    """The simulated one-year loss distribution with expected loss, quantiles and ES marked."""
    mids = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:])]
    width = (edges[1] - edges[0]) if len(edges) > 1 else 1.0
    colors = ["#2e7d32", "#f2c14e", "#c00000", "#5c0000", "#7f7f7f"]
    shapes, notes = [], []
    for i, (label, x) in enumerate(marks.items()):
        color = colors[i % len(colors)]
        shapes.append(dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=color, dash="dash")))
        notes.append(dict(x=x, y=1 - 0.08 * i, yref="paper", text=label, showarrow=False, xanchor="left",
                          font=dict(color=color, size=13), bgcolor="rgba(255,255,255,0.8)"))
    return _figure([go.Bar(x=mids, y=[f * 100 for f in freq], width=width, marker_color=NET, name="Simulated years",
                           hovertemplate="loss %{x:,.0f}<br>%{y:.2f} % of years<extra></extra>")],
                   height=360, shapes=shapes, annotations=notes,
                   xaxis=dict(title_text=f"one-year loss ({currency})", tickformat="~s"),
                   yaxis=dict(title_text="% of simulated years"), showlegend=False)


def limits_by_grade(frame: pl.DataFrame, currency: str) -> go.Figure:
    """Current against proposed limits per grade."""
    grades = frame["grade"].to_list()
    return _figure([
        go.Bar(name="Current limits", x=grades, y=frame["current_limit_amt"].to_list(), marker_color=GROSS),
        go.Bar(name="Proposed limits", x=grades, y=frame["proposed_limit_amt"].to_list(), marker_color=LIMIT),
    ], currency=currency, barmode="group", xaxis=dict(type="category"), height=340)


def scenario_bars(frame: pl.DataFrame, measures: dict[str, str], currency: str) -> go.Figure:
    """Base and saved scenarios side by side for a few amount measures (rows: measure keys)."""
    names = [c for c in frame.columns if c != "measure"]
    rows = frame.filter(pl.col("measure").is_in(list(measures)))
    palette = [ORDERS, GROSS, LIMIT, OVERDUE, NET, "#2e7d32"]
    traces = []
    for i, name in enumerate(names):
        traces.append(go.Bar(name=text_of([name])[0], x=[measures[m] for m in rows["measure"].to_list()], y=rows[name].to_list(),
                             marker_color=palette[i % len(palette)]))
    return _figure(traces, currency=currency, barmode="group", xaxis=dict(type="category"), height=360)


SAMPLE_COLORS = {"development": NET, "out_of_time": GROSS}
SAMPLE_NAMES = {"development": "Development", "out_of_time": "Out-of-time"}


def model_curve(curves: pl.DataFrame, curve: str) -> go.Figure:
    """A rating model's ROC curve (bads flagged against goods flagged) or CAP (bads flagged
    against the population, worst scored first) per sample, with the random model's diagonal."""
    traces: list[object] = [go.Scatter(name="Random", x=[0, 100], y=[0, 100], mode="lines",
                                       line=dict(color=ORDERS, dash="dot"), hoverinfo="skip")]
    part = curves.filter(pl.col("curve") == curve)
    for sample in ("development", "out_of_time"):
        rows = part.filter(pl.col("sample") == sample)
        if rows.height:
            traces.append(go.Scatter(name=SAMPLE_NAMES[sample], x=(rows["x_frac"] * 100).to_list(),
                                     y=(rows["y_frac"] * 100).to_list(), mode="lines",
                                     line=dict(color=SAMPLE_COLORS[sample], width=3),
                                     hovertemplate="%{x:.0f} % → %{y:.0f} %<extra></extra>"))
    x_title = "% of goods flagged (false positives)" if curve == "roc" else "% of customers, worst score first"
    return _figure(traces, height=340, xaxis=dict(title_text=x_title, range=[0, 100], ticksuffix=" %", dtick=20),
                   yaxis=dict(title_text="% of defaults flagged", range=[0, 100], ticksuffix=" %", dtick=20))


def psi_bars(stability: pl.DataFrame, labels: dict[str, str]) -> go.Figure:
    """PSI per variable (development against the latest month-end), worst first, coloured by
    its reading (< 0.1 stable, 0.1-0.25 watch, > 0.25 shifted)."""
    part = stability.drop_nulls("psi").sort("psi")
    colors = {"stable": BAND_COLORS[0], "watch": BAND_COLORS[2], "shifted": BAND_COLORS[3]}
    names = [labels.get(v, v) for v in part["variable"].to_list()]
    return _figure([go.Bar(x=part["psi"].to_list(), y=text_of(names), orientation="h",
                           marker_color=[colors.get(r, ORDERS) for r in part["reading"].to_list()],
                           text=[f"{v:.2f}" for v in part["psi"].to_list()], textposition="outside",
                           cliponaxis=False, hovertemplate="%{y}: PSI %{x:.3f}<extra></extra>")],
                   height=max(260, 26 * part.height + 60), showlegend=False,
                   xaxis=dict(title_text="PSI (0.1 watch, 0.25 shifted)"), yaxis=dict(automargin=True),
                   shapes=[dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=c, dash="dash"))
                           for x, c in ((0.1, BAND_COLORS[2]), (0.25, BAND_COLORS[3]))])


def present_aging(aging_rows: list[dict], currency: str) -> go.Figure:
    """A customer's open items per aging bucket for the shared screen: large type (18 px),
    the amount written on each bar."""
    x = [str(r["bucket"]) for r in aging_rows]
    y = [float(r["outstanding_amt"] or 0.0) for r in aging_rows]
    bar = go.Bar(x=x, y=y, marker_color=_bucket_colors(len(x)), text=[_compact(v) if v else "" for v in y],
                 textposition="outside", textfont=dict(size=18), cliponaxis=False, showlegend=False)
    return _figure([bar], height=340, currency=currency, font=dict(size=18),
                   xaxis=dict(type="category", tickfont=dict(size=18)),
                   yaxis=dict(title_text=currency, tickformat="~s", tickfont=dict(size=16)),
                   title=dict(text="Open items by days past due", font=dict(size=18)))
