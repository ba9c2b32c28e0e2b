"""Portfolio exposure computations (docs/definitions.md, Exposure): pure functions on Polars frames.

Input grain: one row per customer at one as-of date (sql/queries/exposure_customers.sql).
Amounts are in reporting currency; `_pct` columns are in percent (0-100).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import polars as pl

from analytics.formats import fmt_number
from analytics.i18n import N_
from analytics.risk.ledger import with_line_defaults
from analytics.policy import Policy

# Values the view writes into its frames: machine values (exports, scripts and the what-if read
# them), marked for translation and shown through _() by the pages.
UNRATED = N_("unrated")
NO_LIMIT = N_("no limit")
UNKNOWN = N_("Unknown")  # a breakdown value the data leaves empty
MITIGATION_STEPS = (N_("gross exposure"), N_("collateral (guarantees, L/C)"), N_("credit insurance"),
                    N_("net exposure"))
NO_CUSTOMERS = N_("No customers match the filters at this date.")
NO_LIMITS = N_("No credit limits loaded: utilization and over-limit figures are not available.")
BREAKDOWN_DIMENSIONS = ("grade", "industry", "region", "segment")


def pd_pct_expr(policy: Policy) -> pl.Expr:
    """PD in percent: the rating's own PD when given, else the policy PD of the grade
    (unrated customers take the policy's unrated_grade). Needs columns grade and rating_pd."""
    pd_of_grade = pl.col("grade").fill_null(policy.unrated_grade).replace_strict(
        policy.pd_pct, default=policy.pd_pct[policy.unrated_grade], return_dtype=pl.Float64)
    return pl.coalesce(pl.col("rating_pd") * 100, pd_of_grade).alias("pd_pct")


def exposure_share_expr(column: str = "gross_exposure_amt", over: str | list[str] | None = None) -> pl.Expr:
    """A customer's (or group's) share of the portfolio's exposure, as a fraction: its
    exposure (never below 0: a credit balance is no exposure) over the sum of every
    exposure in the frame (per `over` when given). 0 when the portfolio has none.

    The one definition every page, report and rule uses (concentration, HHI, the watchlist's
    single-name rule, the what-if)."""
    positive = pl.col(column).clip(lower_bound=0)
    total = positive.sum() if over is None else positive.sum().over(over)
    return pl.when(total > 0).then(positive / total).otherwise(0.0)


def exposure_shares(exposure: np.ndarray) -> np.ndarray:
    """exposure_share_expr on a plain array of exposures (the what-if's NumPy path)."""
    values = np.asarray(exposure, dtype=np.float64)
    return pl.DataFrame({"e": values}).select(exposure_share_expr("e"))["e"].to_numpy()


def enrich(customers: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Add PD, expected loss, utilization, over-limit amount and headroom per customer.

    PD: the rating's own PD when given, else the policy PD of the grade (unrated
    customers get the policy's unrated_grade). EL = PD x LGD x net exposure.
    A customer draws on a credit line: its own limit, or its group's (limit_amt is the
    line's limit). Utilization = the line's exposure / its limit (null without a line);
    the over-limit amount is max(0, line exposure - limit), carried by the line's holder
    (the customer, or the parent of a group line) so that a line counts once; headroom =
    limit - line exposure.
    """
    customers = with_line_defaults(customers)
    has_limit = pl.col("limit_amt").is_not_null()
    line_exposure = pl.coalesce(pl.col("line_exposure_amt"), pl.col("gross_exposure_amt"))
    holder = pl.col("is_line_holder").fill_null(False)
    return customers.with_columns(
        pl.col("grade").fill_null(UNRATED).alias("grade"),
        pd_pct_expr(policy),
        has_limit.alias("has_limit"),
        holder.alias("is_line_holder"),
        # exposure at default: the net exposure (gross less collateral and insurance cover)
        pl.col("net_exposure_amt").alias("ead_amt"),
    ).with_columns(
        # one-year expected loss = PD × LGD × EAD
        (pl.col("pd_pct") / 100 * policy.lgd_pct / 100 * pl.col("ead_amt")).alias("expected_loss_amt"),
        pl.when(has_limit & (pl.col("limit_amt") > 0))
        .then(line_exposure / pl.col("limit_amt") * 100)
        .when(has_limit & (line_exposure > 0))
        .then(float("inf"))
        .when(has_limit)
        .then(0.0)
        .alias("utilization_pct"),
        pl.when(has_limit & holder).then((line_exposure - pl.col("limit_amt")).clip(lower_bound=0))
        .otherwise(0.0).alias("over_limit_amt"),
        pl.when(has_limit).then(pl.col("limit_amt") - line_exposure).alias("headroom_amt"),
    )


@dataclass(frozen=True)
class ExposureKpis:
    """Headline figures of the portfolio at one date (amounts in reporting currency)."""

    gross_exposure_amt: float
    net_exposure_amt: float
    open_ar_amt: float
    credit_balance_amt: float
    open_orders_amt: float
    limit_amt: float
    utilization_pct: float | None
    overdue_amt: float
    overdue_share_pct: float | None
    expected_loss_amt: float
    customers_over_limit: int
    over_limit_amt: float
    customers_with_exposure: int

    def as_dict(self) -> dict[str, float | int | None]:
        return dict(self.__dict__)


def _ratio_pct_expr(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den != 0).then(num / den * 100)


def overdue_share_pct_expr() -> pl.Expr:
    """Overdue share in percent: overdue AR / open AR after credit balances (null when there is
    none). Needs columns overdue_amt, open_ar_amt, credit_balance_amt (sums or per row)."""
    return _ratio_pct_expr(pl.col("overdue_amt"), pl.col("open_ar_amt") - pl.col("credit_balance_amt")) \
        .alias("overdue_share_pct")


def line_utilization_pct_expr() -> pl.Expr:
    """Utilization of the credit lines in percent: their exposure / their limits (null without
    limits). Needs columns limited_exposure_amt and limit_amt."""
    return _ratio_pct_expr(pl.col("limited_exposure_amt"), pl.col("limit_amt")).alias("utilization_pct")


def kpis(enriched: pl.DataFrame) -> ExposureKpis:
    """Portfolio KPIs. Limits count once per credit line (on its holder); utilization = the
    exposure of the credit lines / their limits; customers over limit counts lines."""
    holder = pl.col("is_line_holder")
    s = enriched.select(
        pl.col("gross_exposure_amt").sum(),
        pl.col("net_exposure_amt").sum(),
        pl.col("open_ar_amt").sum(),
        pl.col("credit_balance_amt").sum(),
        pl.col("open_orders_amt").sum(),
        pl.col("limit_amt").filter(holder).sum(),
        pl.coalesce("line_exposure_amt", "gross_exposure_amt").filter(holder).sum().alias("limited_exposure_amt"),
        pl.col("overdue_amt").sum(),
        pl.col("expected_loss_amt").sum(),
        (pl.col("over_limit_amt") > 0).sum().alias("customers_over_limit"),
        pl.col("over_limit_amt").sum(),
        (pl.col("gross_exposure_amt") > 0).sum().alias("customers_with_exposure"),
    ).with_columns(pl.col("limit_amt").fill_null(0.0)).with_columns(
        line_utilization_pct_expr(), overdue_share_pct_expr()).row(0, named=True)
    return ExposureKpis(
        gross_exposure_amt=float(s["gross_exposure_amt"]),
        net_exposure_amt=float(s["net_exposure_amt"]),
        open_ar_amt=float(s["open_ar_amt"]),
        credit_balance_amt=float(s["credit_balance_amt"]),
        open_orders_amt=float(s["open_orders_amt"]),
        limit_amt=float(s["limit_amt"] or 0.0),
        utilization_pct=s["utilization_pct"],
        overdue_amt=float(s["overdue_amt"]),
        overdue_share_pct=s["overdue_share_pct"],
        expected_loss_amt=float(s["expected_loss_amt"]),
        customers_over_limit=int(s["customers_over_limit"]),
        over_limit_amt=float(s["over_limit_amt"]),
        customers_with_exposure=int(s["customers_with_exposure"]),
    )


def breakdown(enriched: pl.DataFrame, by: str, order: list[str] | None = None) -> pl.DataFrame:
    """Exposure, limits and EL by one dimension, with each value's share of gross exposure."""
    total = enriched["gross_exposure_amt"].sum()
    frame = (
        enriched.group_by(by)
        .agg(
            pl.len().alias("customers"),
            pl.col("open_ar_amt").sum(),
            pl.col("overdue_amt").sum(),
            pl.col("gross_exposure_amt").sum(),
            pl.col("net_exposure_amt").sum(),
            pl.col("limit_amt").filter(pl.col("is_line_holder")).sum(),
            pl.col("expected_loss_amt").sum(),
        )
        .with_columns(
            (pl.col("gross_exposure_amt") / total * 100 if total else pl.lit(None, pl.Float64))
            .alias("share_pct"),
            pl.col(by).fill_null(UNKNOWN),
        )
    )
    if order:
        rank = {value: i for i, value in enumerate(order)}
        return frame.with_columns(
            pl.col(by).replace_strict(rank, default=len(rank), return_dtype=pl.Int64).alias("_o")
        ).sort("_o", by).drop("_o")
    return frame.sort("gross_exposure_amt", descending=True)


def grade_order(policy: Policy) -> list[str]:
    """Grades best to worst, then unrated."""
    return [*policy.scale, UNRATED]


def concentration_shares(enriched: pl.DataFrame, key: str) -> pl.DataFrame:
    """Positive gross exposure per `key` (customer or group) and its share (fraction, by
    exposure_share_expr)."""
    positive = enriched.filter(pl.col("gross_exposure_amt") > 0)
    per = (positive.select(key, "gross_exposure_amt") if key == "customer_id"  # already one row per customer
           else positive.group_by(key).agg(pl.col("gross_exposure_amt").sum()))
    return per.with_columns(exposure_share_expr().alias("share_frac"))


def hhi_of(shares: pl.DataFrame) -> float:
    """Herfindahl-Hirschman index from concentration shares: sum of squared shares (0-1)."""
    return float((shares["share_frac"] ** 2).sum()) if shares.height else 0.0


def hhi(enriched: pl.DataFrame, key: str) -> float:
    """Herfindahl-Hirschman index of gross exposure by `key`: sum of squared shares (0-1)."""
    return hhi_of(concentration_shares(enriched, key))


def top_names(enriched: pl.DataFrame, key: str, n: int, shares: pl.DataFrame | None = None) -> pl.DataFrame:
    """The n largest names (customers or groups) by gross exposure, with share and cumulative share.

    members, limit and net exposure cover every member of the name (also those without
    exposure). Display names are attached later (attach_labels) for just these rows.
    """
    shares = concentration_shares(enriched, key) if shares is None else shares
    top = shares.sort(["gross_exposure_amt", key], descending=[True, False]).head(n)
    members = (
        enriched.join(top.select(key), on=key, how="semi")
        .group_by(key)
        .agg(pl.len().alias("members"), pl.col("limit_amt").filter(pl.col("is_line_holder")).sum(),
             pl.col("net_exposure_amt").sum())
    )
    return (
        top.join(members, on=key, how="left", maintain_order="left")
        .with_columns((pl.col("share_frac") * 100).alias("share_pct"))
        .with_columns(pl.col("share_pct").cum_sum().alias("cumulative_share_pct"))
        .select(key, "members", "gross_exposure_amt", "net_exposure_amt", "limit_amt", "share_pct",
                "cumulative_share_pct")
    )


def _bound(value: float) -> str:
    """A band's bound as the formats write numbers: '50', '37.5'."""
    return fmt_number(value, 0 if float(value).is_integer() else 1)


def band_labels(bands_pct: tuple[float, ...]) -> list[str]:
    """'< 50 %', '50-80 %', '80-100 %', '> 100 %' for bands (50, 80, 100)."""
    labels = [f"< {_bound(bands_pct[0])} %"]
    labels += [f"{_bound(lo)}-{_bound(hi)} %" for lo, hi in zip(bands_pct, bands_pct[1:])]
    labels.append(f"> {_bound(bands_pct[-1])} %")
    return labels


def utilization_bands(enriched: pl.DataFrame, bands_pct: tuple[float, ...]) -> pl.DataFrame:
    """Credit lines, their exposure and limits per utilization band; customers with exposure
    but no line apart ('no limit').

    A credit line is a customer's own limit or a group limit (counted once, with the whole
    group's exposure, on its holder). A line at exactly a bound falls in the lower band (80 %
    is in '50-80 %'); customers with neither a limit nor exposure are left out.
    """
    labels = band_labels(bands_pct)
    band = pl.when(~pl.col("has_limit")).then(pl.lit(NO_LIMIT))
    for bound, label in zip(bands_pct, labels):
        band = band.when(pl.col("utilization_pct") < bound if label == labels[0]
                         else pl.col("utilization_pct") <= bound).then(pl.lit(label))
    band = band.otherwise(pl.lit(labels[-1]))
    lines = enriched.filter(pl.col("is_line_holder") | (~pl.col("has_limit") & (pl.col("gross_exposure_amt") > 0)))
    order = [*labels, NO_LIMIT]
    counted = (
        lines.with_columns(band.alias("band"),
                           pl.coalesce("line_exposure_amt", "gross_exposure_amt").alias("gross_exposure_amt"))
        .group_by("band")
        .agg(pl.len().alias("credit_lines"), pl.col("gross_exposure_amt").sum(), pl.col("limit_amt").sum())
    )
    skeleton = pl.DataFrame({"band": order})
    return (
        skeleton.join(counted, on="band", how="left")
        .with_columns(pl.col("credit_lines").fill_null(0).cast(pl.Int64),
                      pl.col("gross_exposure_amt").fill_null(0.0), pl.col("limit_amt").fill_null(0.0))
    )


def mitigation(enriched: pl.DataFrame) -> pl.DataFrame:
    """Gross to net exposure in steps: collateral applied first, then insurance, capped per customer."""
    steps = enriched.select(
        pl.col("gross_exposure_amt").clip(lower_bound=0).alias("gross"),
        pl.col("collateral_amt"),
        pl.col("insured_amt"),
    ).with_columns(
        pl.min_horizontal("collateral_amt", "gross").alias("collateral_used"),
    ).with_columns(
        pl.min_horizontal("insured_amt", pl.col("gross") - pl.col("collateral_used")).alias("insurance_used"),
    )
    gross = float(steps["gross"].sum())
    col_used = float(steps["collateral_used"].sum())
    ins_used = float(steps["insurance_used"].sum())
    return pl.DataFrame({
        "step": list(MITIGATION_STEPS),
        "amount": [gross, -col_used, -ins_used, gross - col_used - ins_used],
        "measure": ["absolute", "relative", "relative", "total"],
    })


LARGEST_COLUMNS = [  # the amounts, days past due and grade first, right after the customer (and its name)
    "customer_id", "gross_exposure_amt", "net_exposure_amt", "open_ar_amt", "overdue_amt", "max_days_past_due",
    "grade", "pd_pct", "expected_loss_amt", "limit_amt", "utilization_pct", "open_orders_amt", "collateral_amt",
    "insured_amt", "segment", "industry", "group_id", "line_holder_id", "line_scope", "line_exposure_amt",
    "is_limit_expired",
]


def largest_exposures(enriched: pl.DataFrame, n: int = 50) -> pl.DataFrame:
    """The n customers with the largest gross exposure, with their risk columns."""
    candidates = enriched.top_k(n, by="gross_exposure_amt")  # then a stable order with ties by id
    return candidates.sort(["gross_exposure_amt", "customer_id"], descending=[True, False]).select(LARGEST_COLUMNS)


@dataclass(frozen=True)
class ExposureView:
    """Everything the Portfolio exposure page and `report exposure` show."""

    as_of: date
    currency: str
    kpis: ExposureKpis
    previous_kpis: ExposureKpis | None
    previous_as_of: date | None
    breakdowns: dict[str, pl.DataFrame]
    top_customers: pl.DataFrame
    top_groups: pl.DataFrame
    hhi_customers_frac: float
    hhi_groups_frac: float
    utilization: pl.DataFrame
    mitigation: pl.DataFrame
    trend: pl.DataFrame
    largest: pl.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def equivalent_names(self) -> float | None:
        """1 / HHI of customers: the number of equal exposures with the same concentration."""
        return 1 / self.hhi_customers_frac if self.hhi_customers_frac else None

    @property
    def top_share_pct(self) -> float | None:
        """The share of gross exposure the largest customers (top_customers) hold, in percent."""
        return float(self.top_customers["share_pct"].sum()) if self.top_customers.height else None

    def sparkline(self, column: str, points: int = 13) -> list[float]:
        """The last `points` values of a trend column up to the as-of date (for KPI tiles).

        Ratios use the tiles' own expressions (overdue_share_pct_expr, line_utilization_pct_expr).
        """
        upto = self.trend.filter(pl.col("snapshot_date") <= pl.lit(self.as_of)).tail(points)
        if column == "overdue_share_pct":
            series = upto.select(overdue_share_pct_expr()).to_series()
        elif column == "utilization_pct":
            series = upto.select(line_utilization_pct_expr()).to_series()
        else:
            series = upto[column].cast(pl.Float64)
        return [0.0 if v is None else float(v) for v in series.to_list()]

    def tables(self) -> dict[str, pl.DataFrame]:
        """Every table of the view by name (for exports)."""
        kpi_rows = [
            {"metric": k, "value": None if v is None else float(v),
             "previous_value": None if self.previous_kpis is None or self.previous_kpis.as_dict()[k] is None
             else float(self.previous_kpis.as_dict()[k])}  # type: ignore[arg-type]
            for k, v in self.kpis.as_dict().items()
        ]
        kpi_rows += [{"metric": "hhi_customers_frac", "value": self.hhi_customers_frac, "previous_value": None},
                     {"metric": "hhi_groups_frac", "value": self.hhi_groups_frac, "previous_value": None}]
        out = {"kpis": pl.DataFrame(kpi_rows, schema={"metric": pl.String, "value": pl.Float64,
                                                        "previous_value": pl.Float64})}
        out.update({f"by_{k}": v for k, v in self.breakdowns.items()})
        out.update({
            "top_customers": self.top_customers,
            "top_groups": self.top_groups,
            "utilization_bands": self.utilization,
            "mitigation": self.mitigation,
            "trend": self.trend,
            "largest_exposures": self.largest,
        })
        return out


def build_view(as_of: date, currency: str, customers: pl.DataFrame, previous: pl.DataFrame | None,
               previous_as_of: date | None, trend: pl.DataFrame, policy: Policy,
               largest_n: int = 50) -> ExposureView:
    """Assemble the exposure view from the customer frames of as-of and the previous month-end."""
    enriched = enrich(customers, policy)
    customer_shares = concentration_shares(enriched, "customer_id")
    group_shares = concentration_shares(enriched, "group_id")
    prev_kpis = kpis(enrich(previous, policy)) if previous is not None and previous.height else None
    notes = []
    if customers.height == 0:
        notes.append(NO_CUSTOMERS)
    elif enriched["has_limit"].sum() == 0:
        notes.append(NO_LIMITS)
    return ExposureView(
        as_of=as_of,
        currency=currency,
        kpis=kpis(enriched),
        previous_kpis=prev_kpis,
        previous_as_of=previous_as_of if prev_kpis else None,
        breakdowns={
            "grade": breakdown(enriched, "grade", grade_order(policy)),
            "industry": breakdown(enriched, "industry"),
            "region": breakdown(enriched, "region"),
            "segment": breakdown(enriched, "segment"),
        },
        top_customers=top_names(enriched, "customer_id", policy.top_n, customer_shares),
        top_groups=top_names(enriched, "group_id", policy.top_n, group_shares),
        hhi_customers_frac=hhi_of(customer_shares),
        hhi_groups_frac=hhi_of(group_shares),
        utilization=utilization_bands(enriched, policy.utilization_bands_pct),
        mitigation=mitigation(enriched),
        trend=trend,
        largest=largest_exposures(enriched, largest_n),
        notes=notes,
    )


def _with_names(frame: pl.DataFrame, labels: pl.DataFrame, key: str, columns: dict[str, str]) -> pl.DataFrame:
    """Insert display-name columns (labels column -> output name) right after `key`, where it is."""
    named = labels.select(pl.col("customer_id").alias(key), *[pl.col(c).alias(o) for c, o in columns.items()])
    joined = frame.join(named, on=key, how="left", maintain_order="left")
    order = [name for c in frame.columns for name in ([c, *columns.values()] if c == key else [c])]
    return joined.select(order)


def label_ids(view: ExposureView) -> list[str]:
    """The customer ids whose names the view's tables show."""
    ids = {*view.top_customers["customer_id"].to_list(), *view.top_groups["group_id"].to_list(),
           *view.largest["customer_id"].to_list(), *view.largest["group_id"].to_list()}
    return sorted(ids)


def attach_labels(view: ExposureView, labels: pl.DataFrame) -> ExposureView:
    """The view with customer and group names in its name tables.

    labels: one row per customer (customer_id, name) covering label_ids(view).
    """
    return replace(
        view,
        top_customers=_with_names(view.top_customers, labels, "customer_id", {"name": "name"}),
        top_groups=_with_names(view.top_groups, labels, "group_id", {"name": "group_name"}),
        largest=_with_names(
            _with_names(view.largest, labels, "group_id", {"name": "group_name"}), labels, "customer_id",
            {"name": "name"}),
    )
