"""Plotly figures for the pages: aggregated inputs only, styled to read on a projector.

Every text a chart shows (titles, axis titles, legend names, hover texts, bar labels) is in the
current language: field names through the label catalogue (analytics.labels.label), other
words through gettext, numbers through analytics.formats. Amount axes carry compact ticks in
the locale (K/M/B in English, 万/亿 in Chinese: plotly's d3 formats cannot write 万, so the
ticks are computed here), percent axes rounded ticks with ' %'. Grades read in rating-scale
order (AAA first … D, then NR) in every chart; aging buckets keep their order.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence

import plotly.graph_objects as go
import polars as pl
from babel.numbers import format_compact_decimal

from analytics.formats import fmt_amount, fmt_int, fmt_number, fmt_pct
from analytics.i18n import N_, _, babel_locale, current, ngettext
from analytics.labels import label
from analytics.risk.aging import CREDITS_LABEL, bucket_shares_pct

MIN_FONT_PX = 12
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


# ----------------------------------------------------------------------------- words

def tr(text: object) -> str:
    """A text from the code or the shipped policy (a bucket, stage, status, severity, step name)
    in the current language when the catalogue has it; anything else (data) unchanged."""
    if text is None:
        return ""
    value = str(text)
    return _(value) if value else value


def text_of(values: list[object]) -> list[str]:
    """Labels from the data as plotly shows them: plotly renders a subset of HTML in every
    label (`<b>`, `<a href>`...), so `&`, `<` and `>` are written as entities."""
    return [html.escape(str(v), quote=False) if v is not None else "" for v in values]


def _shown(values: Iterable[object]) -> list[str]:
    """Category labels from the code or the policy (buckets such as '> 365', stages, statuses),
    translated; not from the data, so written as they are."""
    return [tr(v) for v in values]


def _name(field: str) -> str:
    """A legend name: the field's catalogue label without its unit (the axis says it)."""
    return label(field, unit=False)


def _customers(n: object) -> str:
    count = int(n or 0)
    return ngettext("{n} customer", "{n} customers", count).format(n=fmt_int(count))


# ----------------------------------------------------------------------------- grades

_GRADE = re.compile(r"^(AAA|AA|A|BBB|BB|B|CCC|CC|C|D|NR)([+-]?)$")
_GRADE_RANK = {g: i for i, g in enumerate(["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D", "NR"])}


def grade_key(grade: str, scale: Sequence[str] = ()) -> tuple[float, int]:
    """Where a grade sits: its place in `scale` when given (NR after it), else on the usual
    letter scale (AAA first … D, NR last; '+' before '-')."""
    if grade in scale:
        return (float(list(scale).index(grade)), 0)
    if grade == "NR":
        return (float(len(scale) or 100), 0)
    match = _GRADE.match(str(grade))
    if not match:
        return (float(len(scale) or 100) + 1, 0)
    base, sign = match.groups()
    return (float(_GRADE_RANK[base]) + (-0.3 if sign == "+" else 0.3 if sign == "-" else 0.0), 1)


def in_scale_order(grades: Iterable[str], scale: Sequence[str] = ()) -> list[str]:
    """Grades in rating-scale order (stable for grades the scale does not know)."""
    return sorted(dict.fromkeys(grades), key=lambda g: grade_key(g, scale))


# ----------------------------------------------------------------------------- axes

def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= raw:
            return m * magnitude
    return 10 * magnitude


def amount_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Round tick values covering [low, high] (and 0) with their compact text in the locale:
    '0', '5M', '10M' / '0', '500万', '1,000万'."""
    low, high = min(low, 0.0), max(high, 0.0)
    if not (math.isfinite(low) and math.isfinite(high)) or high - low <= 0:
        low, high = 0.0, 1.0
    step = _nice_step(high - low)
    first = math.floor(low / step) - (1 if low < 0 else 0)
    last = math.ceil(high / step) + 1
    values = [round(i * step, 10) for i in range(first, last + 1)]
    big = max(abs(low), abs(high)) >= 10_000
    decimals = 0 if step >= 1 else min(6, -math.floor(math.log10(step)) + 1)
    texts = [("0" if v == 0 else format_compact_decimal(v, locale=babel_locale(), fraction_digits=2)) if big
             else fmt_number(v, decimals) for v in values]
    return values, texts


def _numbers(values: object) -> list[float]:
    if values is None:
        return []
    out = []
    for v in values:  # type: ignore[union-attr]
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            out.append(float(v))
    return out


def _span(traces: Sequence[object], axis: str = "y", barmode: str = "") -> tuple[float, float]:
    """The lowest and highest value the traces on `axis` ('y', 'y2', or 'x' for horizontal
    values) reach, stacks summed (stacked or relative bars, stacked areas), waterfalls run."""
    low, high = 0.0, 0.0
    stacks_pos: dict[object, float] = {}
    stacks_neg: dict[object, float] = {}
    for trace in traces:
        kind = getattr(trace, "type", "")
        if axis == "x":
            values, keys = getattr(trace, "x", None), getattr(trace, "y", None)
        else:
            if (getattr(trace, "yaxis", None) or "y") != axis:
                continue
            values, keys = getattr(trace, "y", None), getattr(trace, "x", None)
        if values is None:
            continue
        if kind == "waterfall":
            running = 0.0
            for v, m in zip(values, getattr(trace, "measure", None) or ["relative"] * len(values)):
                v = float(v or 0.0)
                running = v if m == "absolute" else running if m == "total" else running + v
                low, high = min(low, running), max(high, running)
            continue
        stacked = (kind == "bar" and barmode in ("stack", "relative")) or bool(getattr(trace, "stackgroup", None))
        keys = list(keys) if keys is not None else list(range(len(values)))
        for k, v in zip(keys, values):
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                continue
            if stacked:
                book = stacks_pos if v >= 0 else stacks_neg
                book[k] = book.get(k, 0.0) + float(v)
            else:
                low, high = min(low, float(v)), max(high, float(v))
    for book in (stacks_pos, stacks_neg):
        for v in book.values():
            low, high = min(low, v), max(high, v)
    return low, high


def amount_axis(low: float, high: float, currency: str = "", **extra: object) -> dict[str, object]:
    """An amount axis: the currency as its title, compact ticks in the locale, amounts in full
    in the hover."""
    values, texts = amount_ticks(low, high)
    axis: dict[str, object] = dict(tickmode="array", tickvals=values, ticktext=texts, hoverformat=",.0f")
    if currency:
        axis["title_text"] = currency
    axis.update(extra)
    return axis


def pct_axis(title: str | None = None, **extra: object) -> dict[str, object]:
    """A percent axis (values already in percent): rounded ticks with ' %'."""
    axis: dict[str, object] = dict(ticksuffix=" %", tickformat="~r", hoverformat=".1f")
    if title:
        axis["title_text"] = title
    axis.update(extra)
    return axis


def date_axis(**extra: object) -> dict[str, object]:
    """A date axis written in the current language: months ('Jan 2025' / '2025年01月') when the
    ticks are a month or more apart, days ('Jan 15' / '01月15日') when closer."""
    zh = current() == "zh"
    axis: dict[str, object] = dict(
        tickformatstops=[dict(dtickrange=[None, 27 * 86_400_000], value="%m月%d日" if zh else "%b %d"),
                         dict(dtickrange=["M1", None], value="%Y年%m月" if zh else "%b %Y")],
        hoverformat="%Y年%m月%d日" if zh else "%b %d, %Y")
    axis.update(extra)
    return axis


def _merge(axis: dict[str, object], extra: object) -> dict[str, object]:
    out = dict(axis)
    if isinstance(extra, dict):
        out.update(extra)
    return out


def _at_least(font: object, size: int = MIN_FONT_PX) -> object:
    if isinstance(font, dict) and isinstance(font.get("size"), (int, float)) and font["size"] < size:
        return {**font, "size": size}
    return font


def _figure(traces: list[object], height: int = 380, currency: str = "", **extra: object) -> go.Figure:
    """Build a figure with the house layout in one go (plotly's update calls cost ~10 ms each).

    With a currency the y axis is an amount axis (compact ticks in the locale, spanning the
    traces' values); `extra` layout keys are merged into it. Every text is at least 12 px."""
    layout: dict[str, object] = dict(
        template=LIGHT, font=FONT, height=height, margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hoverlabel=dict(font_size=14), separators=".,",
    )
    if currency:
        low, high = _span(traces, "y", str(extra.get("barmode", "")))
        layout["yaxis"] = _merge(amount_axis(low, high, currency), extra.pop("yaxis", None))
    layout.update(extra)
    layout["font"] = _at_least(layout.get("font"))
    return go.Figure(data=traces, layout=layout)


def _amount_hover(currency: str, x: str = "%{x}") -> str:
    return x + ": %{y:,.0f} " + currency


# ----------------------------------------------------------------------------- exposure

def exposure_bars(frame: pl.DataFrame, by: str, currency: str) -> go.Figure:
    """Gross and net exposure per value of `by`, with the limits as markers."""
    labels = text_of(frame[by].cast(pl.String).to_list())
    hover = _amount_hover(currency)
    return _figure([
        go.Bar(name=_name("gross_exposure_amt"), x=labels, y=frame["gross_exposure_amt"].to_list(),
               marker_color=GROSS, hovertemplate=hover),
        go.Bar(name=_name("net_exposure_amt"), x=labels, y=frame["net_exposure_amt"].to_list(), marker_color=NET,
               hovertemplate=hover),
        go.Scatter(name=_("Limits"), x=labels, y=frame["limit_amt"].fill_null(0).to_list(), mode="markers",
                   marker=dict(color=LIMIT, size=13, symbol="line-ew-open", line=dict(width=4)),
                   hovertemplate=hover),
    ], currency=currency, barmode="group", xaxis=dict(type="category"))


def trend_lines(frame: pl.DataFrame, currency: str) -> go.Figure:
    """Gross and net exposure, limits and overdue AR month by month."""
    x = frame["snapshot_date"].to_list()
    hover = _amount_hover(currency)
    return _figure([
        go.Scatter(name=_name("gross_exposure_amt"), x=x, y=frame["gross_exposure_amt"].to_list(),
                   line=dict(color=GROSS, width=3), hovertemplate=hover),
        go.Scatter(name=_name("net_exposure_amt"), x=x, y=frame["net_exposure_amt"].to_list(),
                   line=dict(color=NET, width=3), hovertemplate=hover),
        go.Scatter(name=_("Limits"), x=x, y=frame["limit_amt"].to_list(), line=dict(color=LIMIT, width=3, dash="dash"),
                   hovertemplate=hover),
        go.Scatter(name=_("Overdue AR"), x=x, y=frame["overdue_amt"].to_list(), line=dict(color=OVERDUE, width=2),
                   hovertemplate=hover),
        go.Scatter(name=_name("open_orders_amt"), x=x, y=frame["open_orders_amt"].to_list(),
                   line=dict(color=ORDERS, width=2), hovertemplate=hover),
    ], height=400, currency=currency, xaxis=date_axis())


def utilization_chart(frame: pl.DataFrame, currency: str) -> go.Figure:
    """Gross exposure per utilization band, with the count of credit lines on each bar (a group
    limit is one line)."""
    counts = [int(n or 0) for n in frame["credit_lines"].to_list()]
    return _figure([go.Bar(
        x=_shown(frame["band"].to_list()), y=frame["gross_exposure_amt"].to_list(),
        marker_color=BAND_COLORS[: frame.height],
        text=[ngettext("{n} credit line", "{n} credit lines", n).format(n=fmt_int(n)) for n in counts],
        textposition="outside", cliponaxis=False, hovertemplate=_amount_hover(currency) + "<extra></extra>",
    )], currency=currency, xaxis=dict(type="category"))


def mitigation_waterfall(frame: pl.DataFrame, currency: str) -> go.Figure:
    """Gross exposure minus collateral and insurance gives net exposure."""
    return _figure([go.Waterfall(
        x=_shown(frame["step"].to_list()), y=frame["amount"].to_list(), measure=frame["measure"].to_list(),
        connector=dict(line=dict(color="#999")), decreasing=dict(marker=dict(color="#2e7d32")),
        totals=dict(marker=dict(color=GROSS)), increasing=dict(marker=dict(color=GROSS)),
        hovertemplate=_amount_hover(currency) + "<extra></extra>",
    )], currency=currency, xaxis=dict(type="category"))


def customer_history(frame: pl.DataFrame, currency: str) -> go.Figure:
    """One customer's exposure against its limit over time."""
    x = frame["snapshot_date"].to_list()
    hover = _amount_hover(currency)
    return _figure([
        go.Bar(name=_name("open_ar_amt"), x=x, y=frame["open_ar_amt"].to_list(), marker_color=NET,
               hovertemplate=hover),
        go.Bar(name=_name("open_orders_amt"), x=x, y=frame["open_orders_amt"].to_list(), marker_color=ORDERS,
               hovertemplate=hover),
        go.Scatter(name=_("Overdue AR"), x=x, y=frame["overdue_amt"].to_list(), line=dict(color=OVERDUE, width=3),
                   hovertemplate=hover),
        go.Scatter(name=_name("limit_amt"), x=x, y=frame["limit_amt"].to_list(),
                   line=dict(color=LIMIT, width=3, shape="hv"), hovertemplate=hover),
    ], height=360, currency=currency, barmode="stack", xaxis=date_axis())


# ----------------------------------------------------------------------------- aging

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
    x = _shown(items["bucket"].to_list())
    undisputed = (items["outstanding_amt"] - items["disputed_amt"]).to_list()
    hover = _amount_hover(currency)
    # stacked bars put their text inside, shrunk to fit: the counts go above the stack instead
    counts = go.Scatter(x=x, y=items["outstanding_amt"].to_list(), mode="text", textposition="top center",
                        text=[fmt_int(n) for n in items["items"].to_list()],
                        textfont=dict(size=13), showlegend=False, hoverinfo="skip", cliponaxis=False)
    traces = [
        go.Bar(name=_name("open_ar_amt"), x=x, y=undisputed, marker_color=_bucket_colors(len(x)), hovertemplate=hover),
        go.Bar(name=_("Disputed"), x=x, y=items["disputed_amt"].to_list(),
               marker=dict(color="#7f7f7f", pattern=dict(shape="/")), hovertemplate=hover),
        counts,
    ]
    if credits.height and credits["outstanding_amt"][0] < 0:
        n = int(credits["items"][0])
        shown_credits = _shown([CREDITS_LABEL])
        traces.append(go.Bar(name=_("Credits"), x=shown_credits, y=credits["outstanding_amt"].to_list(),
                             marker_color=CREDIT_COLOR, hovertemplate=hover))
        traces.append(go.Scatter(x=shown_credits, y=[0.0], mode="text", textposition="top center",
                                 text=[fmt_int(n)], textfont=dict(size=13),
                                 showlegend=False, hoverinfo="skip", cliponaxis=False))
    return _figure(traces, currency=currency, barmode="relative",
                   xaxis=dict(type="category", title_text=_("Number above a bar: open items (credits: accounts)"),
                              title_font=dict(size=13)))


def aging_trend(trend: pl.DataFrame, currency: str, percent: bool = False) -> go.Figure:
    """Bucket composition month by month, stacked (amounts or shares of the open items; the
    credits line is in the table, not in the stack)."""
    trend = trend.filter(pl.col("bucket") != CREDITS_LABEL)
    buckets = trend["bucket"].unique(maintain_order=True).to_list()
    colors = _bucket_colors(len(buckets))
    hover = "%{x}: %{y:.1f} %" if percent else _amount_hover(currency)
    traces = []
    for bucket, color in zip(buckets, colors):
        part = trend.filter(pl.col("bucket") == bucket)
        traces.append(go.Scatter(name=_shown([bucket])[0], x=part["snapshot_date"].to_list(),
                                 y=part["share_pct" if percent else "outstanding_amt"].to_list(),
                                 stackgroup="aging", line=dict(width=0.5, color=color), fillcolor=color,
                                 hovertemplate=hover))
    if percent:
        return _figure(traces, height=400, xaxis=date_axis(),
                       yaxis=pct_axis(_("% of open AR"), range=[0, 100], dtick=20))
    return _figure(traces, height=400, currency=currency, xaxis=date_axis())


def aging_split(frame: pl.DataFrame, dimension: str, labels: list[str]) -> go.Figure:
    """Each value of a dimension as a 100 % bar split into aging buckets (shares of its AR)."""
    values = text_of(frame[dimension].cast(pl.String).to_list())
    shares = bucket_shares_pct(frame, labels)
    traces = [go.Bar(name=_shown([bucket])[0], y=values, x=shares[bucket].to_list(), orientation="h",
                     marker_color=color, hovertemplate="%{y}: %{x:.1f} %")
              for bucket, color in zip(labels, _bucket_colors(len(labels)))]
    return _figure(traces, height=max(260, 34 * len(values) + 90), barmode="stack",
                   yaxis=dict(type="category", autorange="reversed"),
                   xaxis=pct_axis(_("% of the value's open AR"), range=[0, 100], dtick=20))


def percent_lines(frame: pl.DataFrame, series: dict[str, str], title: str = "%") -> go.Figure:
    """A few percentage series over time (column -> legend name)."""
    colors = [GROSS, OVERDUE, LIMIT, NET, ORDERS]
    x = frame[frame.columns[0]].to_list()
    return _figure([go.Scatter(name=tr(name), x=x, y=frame[col].to_list(), line=dict(width=3, color=color),
                               hovertemplate="%{x}: %{y:.1f} %")
                    for (col, name), color in zip(series.items(), colors)], height=340,
                   xaxis=date_axis() if frame.schema[frame.columns[0]] in (pl.Date, pl.Datetime) else {},
                   yaxis=pct_axis(tr(title) if title != "%" else None))


# ----------------------------------------------------------------------------- provisions

def _times_100(values: list[object]) -> list[float | None]:
    return [None if v is None else float(v) * 100 for v in values]  # type: ignore[arg-type]


def roll_rate_chart(roll: pl.DataFrame) -> go.Figure:
    """Roll rate to the next bucket and the derived loss rate, per bucket (percent)."""
    x = _shown(roll["bucket"].to_list())
    return _figure([
        go.Bar(name=_("Roll rate to the next bucket (last: to write-off)"), x=x,
               y=_times_100(roll["roll_rate_frac"].to_list()), marker_color=NET, hovertemplate="%{x}: %{y:.2f} %"),
        go.Scatter(name=_("Loss rate (product of roll rates)"), x=x,
                   y=_times_100(roll["loss_rate_frac"].to_list()), mode="lines+markers",
                   line=dict(color=OVERDUE, width=3), hovertemplate="%{x}: %{y:.3f} %"),
    ], height=360, xaxis=dict(type="category"), yaxis=pct_axis())


def monthly_roll_chart(monthly: pl.DataFrame) -> go.Figure:
    """Roll rate of every bucket month by month."""
    buckets = monthly["bucket"].unique(maintain_order=True).to_list()
    traces = []
    for bucket, color in zip(buckets, _bucket_colors(len(buckets))):
        part = monthly.filter(pl.col("bucket") == bucket)
        traces.append(go.Scatter(name=_shown([bucket])[0], x=part["month_end"].to_list(),
                                 y=_times_100(part["roll_rate_frac"].to_list()),
                                 line=dict(color=color, width=2), hovertemplate="%{x}: %{y:.2f} %"))
    return _figure(traces, height=340, xaxis=date_axis(), yaxis=pct_axis(label("roll_rate_pct")))


def ecl_bars(matrix: pl.DataFrame, currency: str) -> go.Figure:
    """Gross carrying amount and lifetime ECL per bucket (ECL on its own axis)."""
    x = _shown(matrix["bucket"].to_list())
    ecl = matrix["ecl_amt"].to_list()
    hover = _amount_hover(currency)
    values = _numbers(ecl)
    return _figure([
        go.Bar(name=_name("gross_carrying_amt"), x=x, y=matrix["gross_carrying_amt"].to_list(), marker_color=NET,
               hovertemplate=hover),
        go.Scatter(name=_("Lifetime ECL"), x=x, y=ecl, mode="lines+markers", yaxis="y2",
                   line=dict(color=OVERDUE, width=3), hovertemplate=hover),
    ], height=360, currency=currency, xaxis=dict(type="category"),
        yaxis2=amount_axis(min(values, default=0.0), max(values, default=0.0),
                           title_text=_("ECL ({currency})").format(currency=currency), overlaying="y", side="right",
                           showgrid=False))


# ----------------------------------------------------------------------------- collections and KPIs

def stage_bars(stages: pl.DataFrame, currency: str) -> go.Figure:
    """Past-due amount per dunning stage, with the number of customers on each bar."""
    return _figure([go.Bar(
        x=_shown(stages["stage"].to_list()), y=stages["past_due_amt"].to_list(),
        marker_color=_bucket_colors(stages.height),
        text=[_customers(n) for n in stages["customers"].to_list()], textposition="outside", cliponaxis=False,
        hovertemplate=_amount_hover(currency) + "<extra></extra>",
    )], currency=currency, xaxis=dict(type="category"))


def kpi_trend(trend: pl.DataFrame, columns: dict[str, str], unit: str) -> go.Figure:
    """Payment KPIs month by month (column -> legend name), in days or percent."""
    colors = [GROSS, LIMIT, NET, OVERDUE, ORDERS]
    x = trend["as_of"].to_list()
    percent = unit.strip() == "%"
    hover = "%{x}: %{y:.1f} %" if percent else "%{x}: %{y:,.1f}"
    return _figure([go.Scatter(name=tr(name), x=x, y=trend[col].to_list(), line=dict(width=3, color=color),
                               hovertemplate=hover)
                    for (col, name), color in zip(columns.items(), colors)], height=340, xaxis=date_axis(),
                   yaxis=pct_axis() if percent else dict(title_text=tr(unit), tickformat=",~r"))


# ----------------------------------------------------------------------------- customer

def grade_history(ratings: pl.DataFrame, scale: list[str]) -> go.Figure:
    """A customer's grade over time as a step line (best grade at the top)."""
    frame = ratings.sort("rated_on")
    order = in_scale_order([*scale, *frame["grade"].drop_nulls().to_list()], scale)
    return _figure([go.Scatter(x=frame["rated_on"].to_list(), y=frame["grade"].to_list(), mode="lines+markers",
                               line=dict(shape="hv", color=GROSS, width=3), name=label("grade"),
                               hovertemplate="%{x}: %{y}<extra></extra>")],
                   height=280, xaxis=date_axis(),
                   yaxis=dict(type="category", categoryorder="array", categoryarray=order[::-1]),
                   showlegend=False)


def behaviour_lines(behaviour: pl.DataFrame) -> go.Figure:
    """A customer's days to pay and days beyond terms, month by month."""
    x = behaviour["snapshot_date"].to_list()
    return _figure([
        go.Scatter(name=_name("avg_days_to_pay"), x=x, y=behaviour["avg_days_to_pay"].to_list(),
                   line=dict(color=GROSS, width=3), connectgaps=True, hovertemplate="%{x}: %{y:,.1f}"),
        go.Scatter(name=_name("days_beyond_terms"), x=x, y=behaviour["days_beyond_terms"].to_list(),
                   line=dict(color=OVERDUE, width=3), connectgaps=True, hovertemplate="%{x}: %{y:,.1f}"),
    ], height=300, xaxis=date_axis(), yaxis=dict(title_text=_("days"), tickformat=",~r"))


def _compact(value: float) -> str:
    """1234567 -> '1.23M' / '123.46万': short enough for a heatmap cell or a bar label."""
    return fmt_amount(value)


# ----------------------------------------------------------------------------- migration

def migration_heatmap(matrix: pl.DataFrame, value: str, scale: list[str], percent: bool = True) -> go.Figure:
    """A transition matrix as a heatmap: downgrades in reds, upgrades in blues, the
    diagonal (stayed) in grey and outlined, each cell labelled; grades in scale order on both
    axes (NR, no longer rated, last)."""
    rows = scale[:-1]
    cols = in_scale_order(matrix["to_grade"].unique(maintain_order=True).to_list(), scale)
    rank = {g: i for i, g in enumerate(scale)}
    cells = {(r["from_grade"], r["to_grade"]): r[value] for r in matrix.iter_rows(named=True)}
    peak = 100.0 if percent else max(1.0, max((float(x or 0) for x in cells.values()), default=1.0))
    z, text = [], []
    for f in rows:
        zr, tr_ = [], []
        for t in cols:
            v = cells.get((f, t))
            size = 0.0 if v is None else float(v) * (100 if percent else 1)
            direction = 0 if t not in rank or t == f else (1 if rank[t] > rank[f] else -1)
            zr.append(0.0 if not size else direction * (0.15 + 0.85 * min(size / peak, 1.0) ** 0.5))
            tr_.append("" if v is None else (fmt_pct(size) if percent else _compact(size)) if size else "·")
        z.append(zr)
        text.append(tr_)
    colorscale = [[0.0, "#1f4e79"], [0.42, "#bdd7ee"], [0.5, "#f2f2f2"], [0.58, "#f4b183"], [1.0, "#c00000"]]
    col_at = {g: i for i, g in enumerate(cols)}
    shapes = [dict(type="rect", x0=col_at[g] - 0.5, x1=col_at[g] + 0.5, y0=i - 0.5, y1=i + 0.5,
                   line=dict(color="#222", width=2.5))
              for i, g in enumerate(rows) if g in col_at]
    hover = _("From {start} to {end}: {value}").format(start="%{y}", end="%{x}", value="%{text}")
    return _figure([go.Heatmap(z=z, x=cols, y=rows, text=text, texttemplate="%{text}", textfont=dict(size=14),
                               colorscale=colorscale, zmin=-1, zmax=1, showscale=False, xgap=2, ygap=2,
                               hovertemplate=hover + "<extra></extra>")],
                   height=90 + 46 * len(rows), shapes=shapes,
                   xaxis=dict(title_text=_("Grade at the end (NR = no longer rated)"), side="top", type="category",
                              showgrid=False, categoryorder="array", categoryarray=cols),
                   yaxis=dict(title_text=_("Grade at the start"), autorange="reversed", type="category",
                              showgrid=False, categoryorder="array", categoryarray=rows),
                   margin=dict(l=10, r=10, t=70, b=10))


def _column_positions(sizes: list[float], pad: float = 0.03) -> list[float]:
    """Vertical centres (0 top … 1 bottom) for nodes stacked in this order, sized by their flows."""
    total = sum(sizes) or 1.0
    room = max(0.1, 1.0 - pad * max(len(sizes) - 1, 0))
    out, top = [], 0.0
    for size in sizes:
        height = room * size / total
        out.append(min(0.999, max(0.001, top + height / 2)))
        top += height + pad
    return out


def migration_sankey(flows: pl.DataFrame, scale: list[str], currency: str) -> go.Figure:
    """Exposure flowing from each grade at the start to each grade at the end; nodes in scale
    order from the top (AAA first … D, NR last) on both sides."""
    links = flows.filter(pl.col("exposure_amt") > 0)
    present_from = in_scale_order(links["from_grade"].to_list(), scale)
    present_to = in_scale_order(links["to_grade"].to_list(), scale)
    start = _("{grade} (start)")
    end = _("{grade} (end)")
    labels = [start.format(grade=g) for g in present_from] + [end.format(grade=g) for g in present_to]
    idx_from = {g: i for i, g in enumerate(present_from)}
    idx_to = {g: len(present_from) + i for i, g in enumerate(present_to)}
    rank = {g: i for i, g in enumerate(scale)}
    out_of = {g: 0.0 for g in present_from}
    into = {g: 0.0 for g in present_to}
    for f, t, v in zip(links["from_grade"].to_list(), links["to_grade"].to_list(), links["exposure_amt"].to_list()):
        out_of[f] += float(v)
        into[t] += float(v)

    def color(f: str, t: str) -> str:
        if t not in rank or f == t:
            return "rgba(150,150,150,0.35)"
        return "rgba(192,0,0,0.45)" if rank[t] > rank[f] else "rgba(31,78,121,0.45)"

    customers = [_customers(n) for n in links["customers"].to_list()] if "customers" in links.columns \
        else [""] * links.height
    return _figure([go.Sankey(
        arrangement="fixed",
        node=dict(label=labels, pad=18, thickness=18, color=GROSS,
                  x=[0.001] * len(present_from) + [0.999] * len(present_to),
                  y=_column_positions([out_of[g] for g in present_from])
                  + _column_positions([into[g] for g in present_to]),
                  hovertemplate="%{label}: %{value:,.0f} " + currency + "<extra></extra>"),
        textfont=dict(color="#111", size=14),
        link=dict(source=[idx_from[f] for f in links["from_grade"].to_list()],
                  target=[idx_to[t] for t in links["to_grade"].to_list()],
                  value=links["exposure_amt"].to_list(),
                  color=[color(f, t) for f, t in zip(links["from_grade"].to_list(), links["to_grade"].to_list())],
                  customdata=customers,
                  hovertemplate="%{source.label} → %{target.label}: %{value:,.0f} " + currency
                                + "<br>%{customdata}<extra></extra>"),
    )], height=460)


def notch_bars(notches: pl.DataFrame) -> go.Figure:
    """Customers by notches moved (negative = upgrade, positive = downgrade)."""
    x = notches["notches"].to_list()
    colors = [OVERDUE if n > 0 else NET if n < 0 else ORDERS for n in x]
    customers = notches["customers"].to_list()
    return _figure([go.Bar(x=x, y=customers, marker_color=colors, text=[fmt_int(v) for v in customers],
                           textposition="outside", cliponaxis=False, customdata=[_customers(v) for v in customers],
                           hovertemplate="%{x}: %{customdata}<extra></extra>")],
                   height=300, xaxis=dict(title_text=_("Notches moved (− up, + down)"), dtick=1),
                   yaxis=dict(title_text=_("Customers (log scale)"), type="log", tickvals=LOG_TICKS,
                              ticktext=[fmt_int(v) for v in LOG_TICKS]), showlegend=False)


def _pct_tick(v: float) -> str:
    return fmt_pct(v, max(0, -math.floor(math.log10(v)))) if v > 0 else fmt_pct(0.0, 0)


def calibration_chart(cal: pl.DataFrame) -> go.Figure:
    """Observed default rate by grade with its exact 95 % interval against the assigned PD (log scale)."""
    part = cal.filter(pl.col("customers") > 0)
    order = in_scale_order(part["grade"].to_list())
    if order != part["grade"].to_list():
        part = part.with_columns(pl.col("grade").replace_strict({g: i for i, g in enumerate(order)},
                                                                default=len(order)).alias("_rank")) \
            .sort("_rank", maintain_order=True).drop("_rank")
    x = part["grade"].to_list()
    obs = part["observed_default_rate_pct"].to_list()
    floor = 0.005
    return _figure([
        go.Scatter(name=_("Observed default rate (95 % interval)"), x=x, y=[max(v, floor) for v in obs],
                   mode="markers", marker=dict(size=12, color=OVERDUE), customdata=obs,
                   hovertemplate="%{x}: %{customdata:.2f} %",
                   error_y=dict(type="data", symmetric=False,
                                array=[max(h, floor) - max(v, floor) for h, v in zip(part["ci_high_pct"].to_list(), obs)],
                                arrayminus=[max(v, floor) - max(lo, floor)
                                            for lo, v in zip(part["ci_low_pct"].to_list(), obs)],
                                color=OVERDUE, thickness=2)),
        go.Scatter(name=_name("assigned_pd_pct"), x=x, y=part["assigned_pd_pct"].to_list(), mode="lines+markers",
                   line=dict(color=GROSS, width=3), hovertemplate="%{x}: %{y:.2f} %"),
    ], height=360, xaxis=dict(type="category", categoryorder="array", categoryarray=x),
        yaxis=dict(title_text=_("% defaulted within a year (log scale)"), type="log", tickvals=PCT_TICKS,
                   ticktext=[_pct_tick(v) for v in PCT_TICKS]))


# ----------------------------------------------------------------------------- monitoring

SEVERITY_COLORS = {"low": "#f2c14e", "medium": "#ed7d31", "high": "#c00000", "critical": "#5c0000"}
SEVERITY_NAMES = {"low": N_("low"), "medium": N_("medium"), "high": N_("high"), "critical": N_("critical")}


def watch_rule_bars(by_rule: pl.DataFrame) -> go.Figure:
    """Hits per rule, stacked by severity (worst on the right)."""
    rules = sorted(by_rule["label"].unique().to_list(), reverse=True)
    shown = _shown(rules)
    traces = []
    for sev, color in SEVERITY_COLORS.items():
        sub = by_rule.filter(pl.col("severity") == sev)
        part = dict(zip(sub["label"].to_list(), sub["hits"].to_list()))
        if part:
            traces.append(go.Bar(name=_(SEVERITY_NAMES[sev]), y=shown, x=[part.get(r, 0) for r in rules],
                                 orientation="h", marker_color=color, hovertemplate="%{y}: %{x:,}"))
    return _figure(traces, height=max(260, 60 + 34 * len(rules)), barmode="stack",
                   xaxis=dict(title_text=label("hits"), tickformat=",~r"), yaxis=dict(type="category", automargin=True),
                   margin=dict(l=10, r=10, t=40, b=10))


def review_bars(counts: pl.DataFrame, currency: str) -> go.Figure:
    """Customers per review status (overdue first), exposure in the hover."""
    colors = ["#5c0000", OVERDUE, LIMIT, "#f2c14e", "#9bbb59", "#2e7d32"]
    customers = counts["customers"].to_list()
    exposure = counts["gross_exposure_amt"].to_list()
    hover = [[_customers(n), _("Exposure {amount}").format(amount=fmt_amount(v, currency))]
             for n, v in zip(customers, exposure)]
    return _figure([go.Bar(x=_shown(counts["status"].to_list()), y=customers, marker_color=colors,
                           text=[fmt_int(v) for v in customers], textposition="outside",
                           cliponaxis=False, customdata=hover,
                           hovertemplate="%{x}: %{customdata[0]}<br>%{customdata[1]}<extra></extra>")],
                   height=320, xaxis=dict(type="category"),
                   yaxis=dict(title_text=label("customers"), tickformat=",~r"), showlegend=False)


# ----------------------------------------------------------------------------- ratings and what-if

def _by_grade(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in rating-scale order of their grade (unknown grades after, in their order)."""
    grades = frame["grade"].to_list()
    order = in_scale_order(grades)
    if order == list(dict.fromkeys(grades)):
        return frame
    rank = {g: i for i, g in enumerate(order)}
    return frame.with_columns(pl.col("grade").replace_strict(rank, default=len(rank)).alias("_rank")) \
        .sort("_rank", maintain_order=True).drop("_rank")


def grade_distribution(by_grade: pl.DataFrame, currency: str) -> go.Figure:
    """Customers per model grade (in scale order) as bars, their gross exposure as a line."""
    by_grade = _by_grade(by_grade)
    grades = by_grade["grade"].to_list()
    customers = by_grade["customers"].to_list()
    exposure = by_grade["gross_exposure_amt"].to_list()
    values = _numbers(exposure)
    return _figure([
        go.Bar(name=label("customers"), x=grades, y=customers, marker_color=NET,
               text=[fmt_int(v) for v in customers], textposition="outside", cliponaxis=False,
               customdata=[_customers(v) for v in customers], hovertemplate="%{x}: %{customdata}<extra></extra>"),
        go.Scatter(name=_name("gross_exposure_amt"), x=grades, y=exposure, yaxis="y2",
                   mode="lines+markers", line=dict(color=LIMIT),
                   hovertemplate="%{x}: %{y:,.0f} " + currency + "<extra></extra>"),
    ], height=340, xaxis=dict(type="category", categoryorder="array", categoryarray=grades),
        yaxis=dict(title_text=label("customers"), tickformat=",~r"),
        yaxis2=amount_axis(min(values, default=0.0), max(values, default=0.0), currency, overlaying="y",
                           side="right", showgrid=False, rangemode="tozero"))


def loss_histogram(edges: tuple[float, ...], freq: tuple[float, ...], marks: dict[str, float],
                   currency: str) -> go.Figure:
    """The simulated one-year loss distribution with expected loss, quantiles and ES marked."""
    mids = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:])]
    width = (edges[1] - edges[0]) if len(edges) > 1 else 1.0
    colors = ["#2e7d32", "#f2c14e", "#c00000", "#5c0000", "#7f7f7f"]
    shapes, notes = [], []
    for i, (name, x) in enumerate(marks.items()):
        color = colors[i % len(colors)]
        shapes.append(dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=color, dash="dash")))
        notes.append(dict(x=x, y=1 - 0.08 * i, yref="paper", text=tr(name), showarrow=False, xanchor="left",
                          font=dict(color=color, size=13), bgcolor="rgba(255,255,255,0.8)"))
    hover = _("Loss {loss}<br>{share} of simulated years").format(loss="%{x:,.0f} " + currency, share="%{y:.2f} %")
    xs = [*_numbers(edges), *_numbers(marks.values())]
    return _figure([go.Bar(x=mids, y=[f * 100 for f in freq], width=width, marker_color=NET,
                           name=_("Simulated years"), hovertemplate=hover + "<extra></extra>")],
                   height=360, shapes=shapes, annotations=notes,
                   xaxis=amount_axis(min(xs, default=0.0), max(xs, default=0.0),
                                     title_text=_("One-year loss ({currency})").format(currency=currency)),
                   yaxis=pct_axis(_("% of simulated years")), showlegend=False)


def limits_by_grade(frame: pl.DataFrame, currency: str) -> go.Figure:
    """Current against proposed limits per grade (in scale order)."""
    frame = _by_grade(frame)
    grades = frame["grade"].to_list()
    hover = _amount_hover(currency)
    return _figure([
        go.Bar(name=_("Current limits"), x=grades, y=frame["current_limit_amt"].to_list(), marker_color=GROSS,
               hovertemplate=hover),
        go.Bar(name=_("Proposed limits"), x=grades, y=frame["proposed_limit_amt"].to_list(), marker_color=LIMIT,
               hovertemplate=hover),
    ], currency=currency, barmode="group", xaxis=dict(type="category", categoryorder="array", categoryarray=grades),
        height=340)


def scenario_bars(frame: pl.DataFrame, measures: dict[str, str], currency: str) -> go.Figure:
    """Base and saved scenarios side by side for a few amount measures (rows: measure keys)."""
    names = [c for c in frame.columns if c != "measure"]
    rows = frame.filter(pl.col("measure").is_in(list(measures)))
    palette = [ORDERS, GROSS, LIMIT, OVERDUE, NET, "#2e7d32"]
    hover = _amount_hover(currency)
    traces = []
    for i, name in enumerate(names):
        traces.append(go.Bar(name=text_of([tr(name)])[0], x=[tr(measures[m]) for m in rows["measure"].to_list()],
                             y=rows[name].to_list(), marker_color=palette[i % len(palette)], hovertemplate=hover))
    return _figure(traces, currency=currency, barmode="group", xaxis=dict(type="category"), height=360)


SAMPLE_COLORS = {"development": NET, "out_of_time": GROSS}
SAMPLE_NAMES = {"development": N_("Development"), "out_of_time": N_("Out-of-time")}


def model_curve(curves: pl.DataFrame, curve: str) -> go.Figure:
    """A rating model's ROC curve (bads flagged against goods flagged) or CAP (bads flagged
    against the population, worst scored first) per sample, with the random model's diagonal."""
    traces: list[object] = [go.Scatter(name=_("Random"), x=[0, 100], y=[0, 100], mode="lines",
                                       line=dict(color=ORDERS, dash="dot"), hoverinfo="skip")]
    part = curves.filter(pl.col("curve") == curve)
    for sample in ("development", "out_of_time"):
        rows = part.filter(pl.col("sample") == sample)
        if rows.height:
            traces.append(go.Scatter(name=_(SAMPLE_NAMES[sample]), x=(rows["x_frac"] * 100).to_list(),
                                     y=(rows["y_frac"] * 100).to_list(), mode="lines",
                                     line=dict(color=SAMPLE_COLORS[sample], width=3),
                                     hovertemplate="%{x:.0f} % → %{y:.0f} %<extra></extra>"))
    x_title = _("% of goods flagged (false positives)") if curve == "roc" else _("% of customers, worst score first")
    return _figure(traces, height=340, xaxis=pct_axis(x_title, range=[0, 100], dtick=20),
                   yaxis=pct_axis(_("% of defaults flagged"), range=[0, 100], dtick=20))


PSI_READINGS = {"stable": N_("stable"), "watch": N_("watch"), "shifted": N_("shifted")}


def psi_bars(stability: pl.DataFrame, labels: dict[str, str]) -> go.Figure:
    """PSI per variable (development against the latest month-end), worst first, coloured by
    its reading (< 0.1 stable, 0.1-0.25 watch, > 0.25 shifted)."""
    part = stability.drop_nulls("psi").sort("psi")
    colors = {"stable": BAND_COLORS[0], "watch": BAND_COLORS[2], "shifted": BAND_COLORS[3]}
    names = [tr(labels.get(v, v)) for v in part["variable"].to_list()]
    readings = [_(PSI_READINGS[r]) if r in PSI_READINGS else tr(r) for r in part["reading"].to_list()]
    return _figure([go.Bar(x=part["psi"].to_list(), y=text_of(names), orientation="h",
                           marker_color=[colors.get(r, ORDERS) for r in part["reading"].to_list()],
                           text=[fmt_number(v, 2) for v in part["psi"].to_list()], textposition="outside",
                           cliponaxis=False, customdata=readings,
                           hovertemplate="%{y}: PSI %{x:.3f} (%{customdata})<extra></extra>")],
                   height=max(260, 26 * part.height + 60), showlegend=False,
                   xaxis=dict(title_text=_("PSI (0.1 watch, 0.25 shifted)")), yaxis=dict(automargin=True),
                   shapes=[dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=c, dash="dash"))
                           for x, c in ((0.1, BAND_COLORS[2]), (0.25, BAND_COLORS[3]))])


def present_aging(aging_rows: list[dict], currency: str) -> go.Figure:
    """A customer's open items per aging bucket for the shared screen: large type (18 px),
    the amount written on each bar."""
    x = _shown([r["bucket"] for r in aging_rows])
    y = [float(r["outstanding_amt"] or 0.0) for r in aging_rows]
    bar = go.Bar(x=x, y=y, marker_color=_bucket_colors(len(x)), text=[_compact(v) if v else "" for v in y],
                 textposition="outside", textfont=dict(size=18), cliponaxis=False, showlegend=False,
                 hovertemplate=_amount_hover(currency) + "<extra></extra>")
    return _figure([bar], height=340, currency=currency, font=dict(size=18),
                   xaxis=dict(type="category", tickfont=dict(size=18)),
                   yaxis=dict(title_text=currency, tickfont=dict(size=16)),
                   title=dict(text=_("Open items by days past due"), font=dict(size=18)))
