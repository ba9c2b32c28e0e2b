"""Receivables views shared by the pages and the CLI: aging, payment KPIs, roll rates and
the provision matrix, the collections worklist. Each runs the named queries, then the
pure computations (aging, kpis, provisions, collections), so page and report agree.

The views are cached and shared by sessions in different languages, so what they hold is
language-free: machine names, numbers and English messages with their values (Note); the
words are made when a page or the CLI reads them (`notes`, `statement()`, `bridge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.formats import fmt_int, fmt_number
from analytics.i18n import N_, _
from analytics.risk import aging
from analytics.risk import kpis
from analytics.risk import provisions
from analytics.risk.collections import Worklist, worklist
from analytics.risk.exposure import pd_pct_expr
from analytics.policy import Policy
from analytics.views import Filters, InvalidRequest, aging_distribution, calendar, dated
from analytics.data.warehouse import Warehouse
# what the receivables pages name (pages import views, not risk)
from analytics.risk.aging import (bucket_items, bucket_labels, credits_amt, items_only,  # noqa: E402,F401
                                  shown_bucket, with_shown_buckets)
from analytics.risk.collections import SHIPPED_STAGES, shown_stage, with_shown_stages  # noqa: E402,F401
from analytics.risk.kpis import FORMULAS, PERIOD_KPIS  # noqa: E402,F401
from analytics.risk.ledger import dispute_rule  # noqa: E402,F401

SPLIT_DIMENSIONS = {"segment": N_("Segment"), "industry": N_("Industry"), "region": N_("Region"),
                    "credit_manager": N_("Credit manager"), "grade": N_("Grade"), "customer": N_("Customer")}
LARGEST_OVERDUE_N = 50


@dataclass(frozen=True)
class Note:
    """A message for the reader, put into words in the current language when it is read
    (str()): the English message (marked with N_) and its values, amounts to the cent."""

    message: str
    amounts: tuple[tuple[str, float, str], ...] = ()  # placeholder, amount, currency
    counts: tuple[tuple[str, int], ...] = ()  # placeholder, count
    texts: tuple[tuple[str, str], ...] = ()  # placeholder, text (codes, names: not translated)

    def __str__(self) -> str:
        values: dict[str, str] = {k: f"{currency} {fmt_number(v, 2)}".strip() for k, v, currency in self.amounts}
        values.update({k: fmt_int(n) for k, n in self.counts})
        values.update(dict(self.texts))
        return _(self.message).format(**values)


def _cube_matches(wh: Warehouse, bounds: tuple[int, ...], key: str = "aging_bounds") -> bool:
    """A pre-aggregated mart (aging_bounds: aging_cube; provision_bounds: roll_cube) was
    built with these buckets (the policy's at load time)."""
    return wh.info().get(key) == ",".join(str(b) for b in bounds)


# ----------------------------------------------------------------------------- aging

@dataclass(frozen=True)
class AgingView:
    """Everything the Aging page and `report aging` show, at one date."""

    as_of: date
    basis: str  # "due date" or "invoice date"
    distribution: pl.DataFrame  # bucket, outstanding_amt, items, disputed_amt, share_pct
    splits: dict[str, pl.DataFrame]  # dimension -> one row per value, a column per bucket
    trend: pl.DataFrame  # snapshot_date, bucket, outstanding_amt, share_pct (long)
    headline_trend: pl.DataFrame  # snapshot_date, not_due_pct, over_90_pct
    largest_overdue: pl.DataFrame
    messages: tuple[Note, ...] = ()

    @property
    def notes(self) -> list[str]:
        """What the reader should know about these figures, in the current language."""
        return [str(m) for m in self.messages]

    @property
    def total_amt(self) -> float:
        return float(self.distribution["outstanding_amt"].sum())

    @property
    def disputed_amt(self) -> float:
        return float(self.distribution["disputed_amt"].sum())

    def tables(self) -> dict[str, pl.DataFrame]:
        out = {"distribution": self.distribution}
        out.update({f"by_{k}": v for k, v in self.splits.items()})
        out["trend"] = self.trend
        out["not_due_and_over_90"] = self.headline_trend
        out["largest_overdue"] = self.largest_overdue
        return out


def headline_shares(monthly: pl.DataFrame) -> pl.DataFrame:
    """% not due and % over 90 dpd of the open items at every snapshot date (credit
    balances are on a line of their own, so the shares stay within 0-100 %)."""
    return monthly.select(
        "snapshot_date",
        pl.when(pl.col("items_amt") > 0).then(pl.col("not_due_amt") / pl.col("items_amt") * 100)
        .alias("not_due_pct"),
        pl.when(pl.col("items_amt") > 0).then(pl.col("over_90_amt") / pl.col("items_amt") * 100)
        .alias("over_90_pct"),
    )


def aging_split(wh: Warehouse, as_of: date, filters: Filters, policy: Policy, dimension: str,
                by_invoice_date: bool = False) -> pl.DataFrame:
    """Open AR per aging bucket for each value of one dimension (a row per value)."""
    if dimension not in SPLIT_DIMENSIONS and dimension != "currency":
        raise InvalidRequest(_("cannot split by {dimension}; choose one of {choices}").format(
            dimension=repr(dimension), choices=", ".join([*SPLIT_DIMENSIONS, "currency"])))
    wh = dated(wh, as_of)
    bounds = policy.bucket_upper_dpd
    labels = aging.bucket_labels(bounds, by_invoice_date)
    if dimension == "currency":
        raw = wh.query("aging_currency", as_of=as_of, bounds=list(bounds), by_invoice_date=by_invoice_date,
                       **filters.params())
        return aging.currency_table(raw, labels)
    raw = wh.query("aging_split", as_of=as_of, dimension=dimension, bounds=list(bounds),
                   by_invoice_date=by_invoice_date, **filters.params())
    table = aging.split_table(raw, labels, dimension)
    if dimension == "customer" and table.height:
        names = wh.query("customer_labels", ids=table["customer"].to_list()).select(
            pl.col("customer_id").alias("customer"), "name")
        table = table.join(names, on="customer", how="left", maintain_order="left").select(
            "customer", "name", *[c for c in table.columns if c != "customer"])
    return table


def aging_view(wh: Warehouse, as_of: date, filters: Filters, policy: Policy,
               by_invoice_date: bool = False, with_splits: bool = True) -> AgingView:
    """The aging distribution, splits, trend and largest overdue customers at as_of.

    The page asks for the splits one at a time (aging_split, only the open tab);
    reports take them all.
    """
    wh = dated(wh, as_of)
    bounds = policy.bucket_upper_dpd
    labels = aging.bucket_labels(bounds, by_invoice_date)
    params = filters.params()
    splits = {dim: aging_split(wh, as_of, filters, policy, dim, by_invoice_date)
              for dim in ([*SPLIT_DIMENSIONS, "currency"] if with_splits else ())}
    notes: list[Note] = []
    if _cube_matches(wh, bounds):
        per_date = wh.query("aging_trend", as_of=as_of, by_invoice_date=by_invoice_date, **params)
    else:
        per_date = pl.DataFrame(schema={"snapshot_date": pl.Date, "bucket_idx": pl.Int64,
                                        "outstanding_amt": pl.Float64})
        notes.append(Note(N_("The aging buckets of the policy changed since the last load: reload the data to see "
                             "the month-by-month composition with the new buckets.")))
    trend = aging.trend_table(per_date, labels)
    monthly = wh.query("kpi_monthly", as_of=as_of, **params)
    overdue = wh.query("overdue_customers", as_of=as_of, **params)
    largest = (
        overdue.with_columns(pd_pct_expr(policy))
        .with_columns((pl.col("overdue_amt") / (pl.col("open_ar_amt") - pl.col("credit_balance_amt")) * 100)
                      .alias("overdue_share_pct"))
        .sort(["overdue_amt", "customer_id"], descending=[True, False])
        .head(LARGEST_OVERDUE_N)
        .select("customer_id", "name", "segment", "credit_manager", "grade", "pd_pct", "overdue_amt",
                "overdue_90_amt", "disputed_amt", "max_days_past_due", "open_ar_amt", "overdue_share_pct",
                "gross_exposure_amt", "limit_amt")
    )
    distribution = aging_distribution(wh, as_of, filters, policy, by_invoice_date)
    if distribution["items"].sum() == 0:
        notes.append(Note(N_("No open receivables match the filters at this date.")))
    if aging.credits_amt(distribution) < 0:
        notes.append(Note(N_(
            "Credits on account (cash on account, credit notes naming no invoice, overpayments) are set against each "
            "customer's open items, same currency first, undisputed before disputed, oldest due first; what is left "
            "is the customers' credit balance, on its own line.")))
    return AgingView(as_of, "invoice date" if by_invoice_date else "due date", distribution, splits,
                     trend, headline_shares(monthly), largest, tuple(notes))


# ----------------------------------------------------------------------------- payment KPIs

@dataclass(frozen=True)
class KpiView:
    """Payment KPIs at as_of and the previous month-end, and their monthly trend."""

    as_of: date
    period_months: int
    first_day: date  # the first day of the data (a period starting before it is incomplete)
    current: kpis.KpiValues
    previous: kpis.KpiValues | None
    trend: pl.DataFrame  # one row per snapshot date up to as_of
    monthly: pl.DataFrame  # the input series (sales, AR, collections, ...)

    def tables(self) -> dict[str, pl.DataFrame]:
        rows = [{"kpi": name, "value": getattr(self.current, name),
                 "previous_value": None if self.previous is None else getattr(self.previous, name),
                 "note": _("not enough history") if name in self.current.missing_history else None,
                 "formula": _(kpis.FORMULAS[name])} for name in kpis.KPI_NAMES]
        summary = pl.DataFrame(rows, schema={"kpi": pl.String, "value": pl.Float64, "previous_value": pl.Float64,
                                             "note": pl.String, "formula": pl.String})
        return {"kpis": summary, "trend": self.trend, "monthly_inputs": self.monthly}


def kpi_view(wh: Warehouse, as_of: date, filters: Filters, policy: Policy,
             period_months: int | None = None) -> KpiView:
    """Payment KPIs over the policy period (or `period_months`) ending at as_of."""
    months = period_months or policy.kpi_period_months
    if not 1 <= months <= 12:
        raise InvalidRequest(_("the KPI period must be 1-12 months, not {months}").format(months=months))
    wh = dated(wh, as_of)
    monthly = wh.query("kpi_monthly", as_of=as_of, **filters.params())
    dates = calendar(wh)
    first_day = dates.first_date
    trend = kpis.kpi_trend(monthly, months, first_day)
    index = monthly.height - 1
    prev_date = dates.previous(as_of)
    previous = None
    if prev_date is not None:
        prev_rows = monthly.with_row_index().filter(pl.col("snapshot_date") == prev_date)
        previous = kpis.kpis_at(monthly, int(prev_rows["index"][0]), months, first_day) if prev_rows.height else None
    return KpiView(as_of, months, first_day, kpis.kpis_at(monthly, index, months, first_day), previous, trend,
                   monthly)


# ----------------------------------------------------------------------------- roll rates and provisions

@dataclass(frozen=True)
class ProvisionView:
    """Roll rates over a window and the provision matrix at as_of (amounts in reporting currency)."""

    as_of: date
    window: tuple[date, date] | None  # first and last month-end of the roll-rate window
    labels: list[str]
    roll: pl.DataFrame  # bucket, balance_amt, rolled_amt, roll_rate_frac, derived loss_rate_frac
    monthly_roll: pl.DataFrame  # month_end, bucket, roll_rate_frac
    matrix: provisions.ProvisionMatrix
    by_segment: pl.DataFrame  # segment, gross_carrying_amt, ecl_amt, coverage_pct
    messages: tuple[Note, ...] = ()

    @property
    def notes(self) -> list[str]:
        """What the reader should know about these figures, in the current language."""
        return [str(m) for m in self.messages]

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"provision_matrix": self.matrix.with_total(), "roll_rates": self.roll,
                "monthly_roll_rates": self.monthly_roll, "ecl_by_segment": self.by_segment}


def roll_window(wh: Warehouse, as_of: date, months: int) -> tuple[date, date] | None:
    """The last `months` month-ends m whose following month-end is on or before as_of."""
    usable = [m for m in sorted(wh.query("month_ends")["month_end"].to_list()) if _next_month_end(m) <= as_of]
    if not usable:
        return None
    chosen = usable[-months:]
    return chosen[0], chosen[-1]


def _next_month_end(d: date) -> date:
    """The last day of the month after d's month."""
    year, month = d.year, d.month + 2
    if month > 12:
        year, month = year + 1, month - 12
    return date.fromordinal(date(year, month, 1).toordinal() - 1)


def provision_view(wh: Warehouse, as_of: date, filters: Filters, policy: Policy,
                   window_months: int | None = None, bounds: tuple[int, ...] | None = None,
                   rates: list[float] | None = None, overlay_factor: float | None = None) -> ProvisionView:
    """Roll rates averaged over the window and the provision matrix at as_of.

    Rates entered by finance (`rates`, one per bucket, fractions) replace the derived
    ones; the overlay scales whichever rates are used.
    """
    wh = dated(wh, as_of)
    bounds = bounds or policy.provision_bucket_upper_dpd
    labels = aging.bucket_labels(bounds)
    n = len(labels)
    if rates is not None and len(rates) != n:
        raise InvalidRequest(_("{rates} loss rates for {n} buckets ({buckets})").format(
            rates=len(rates), n=n, buckets=", ".join(aging.shown_bucket(b) for b in labels)))
    months = window_months or policy.roll_window_months
    overlay = policy.overlay_factor if overlay_factor is None else overlay_factor
    if not 0 < overlay <= 5:
        raise InvalidRequest(_("overlay factor {factor} must be in (0, 5]").format(factor=overlay))
    params = filters.params()
    window = roll_window(wh, as_of, months)
    notes: list[Note] = []
    if window is None:
        transitions = pl.DataFrame(schema={"month_end": pl.Date, "from_idx": pl.Int64, "to_idx": pl.Int64,
                                           "from_amt": pl.Float64, "to_amt": pl.Float64})
        notes.append(Note(N_("No complete month before this date: roll rates need two consecutive month-ends.")))
    elif _cube_matches(wh, bounds, "provision_bounds"):
        transitions = wh.query("roll_cube", from_month=window[0], to_month=window[1], **params)
    else:
        transitions = wh.query("roll_transitions", bounds=list(bounds), from_month=window[0], to_month=window[1],
                               **params)
    roll = provisions.roll_rates(transitions, n)
    derived = provisions.loss_rates(roll["roll_rate_frac"].to_list())
    roll = roll.with_columns(pl.Series("loss_rate_frac", derived, dtype=pl.Float64),
                             pl.Series("bucket", labels)).select(
        "bucket", pl.col("from_amt").alias("balance_amt"), "rolled_amt", "roll_rate_frac", "loss_rate_frac")
    monthly = provisions.monthly_roll_rates(transitions, n).with_columns(
        pl.col("from_idx").replace_strict(dict(enumerate(labels)), return_dtype=pl.String).alias("bucket")
    ).select("month_end", "bucket", "roll_rate_frac", pl.col("from_amt").alias("balance_amt"))
    balances = aging.items_only(aging.distribution(
        wh.query("aging_buckets", as_of=as_of, bounds=list(bounds), by_invoice_date=False, **params), labels))
    used = rates if rates is not None else derived
    matrix = provisions.provision_matrix(balances.select("bucket", "outstanding_amt"), used, overlay,
                                         "entered" if rates is not None else "derived from roll rates")
    if rates is None and any(r is None for r in derived):
        notes.append(Note(N_("Some buckets have no balance in the window, so their roll rate is unknown and they "
                             "provide nothing: enter the rates, or widen the window.")))
    seg = wh.query("aging_split", as_of=as_of, dimension="segment", bounds=list(bounds), by_invoice_date=False,
                   **params)
    by_segment = provisions.segment_ecl(seg.filter(pl.col("bucket_idx") >= 0),
                                        matrix.buckets["loss_rate_frac"].to_list())
    return ProvisionView(as_of, window,
                         labels, roll, monthly, matrix, by_segment, tuple(notes))


# ----------------------------------------------------------------------------- collections

def collections_view(wh: Warehouse, as_of: date, filters: Filters, policy: Policy) -> Worklist:
    """The collections worklist at as_of."""
    wh = dated(wh, as_of)
    params = filters.params()
    items = wh.query("overdue_items", as_of=as_of, **params)
    customers = wh.query("overdue_customers", as_of=as_of, **params)
    instalments = wh.query("instalment_status", as_of=as_of, **params)
    return worklist(as_of, items, customers, policy, instalments)


# ----------------------------------------------------------------------------- reconciliation

RECONCILIATION_LINES = {  # column -> sign in: ledger open AR = sum of sign x column
    "invoices_doc_ccy": 1, "credit_notes_doc_ccy": -1, "credit_notes_used_doc_ccy": 1,
    "settled_by_paid_date_doc_ccy": -1, "cash_applied_doc_ccy": -1, "cash_on_account_doc_ccy": -1,
    "write_offs_doc_ccy": -1,
}
STATEMENT_LINES = {  # column -> the line of the reconciliation statement (translated where shown)
    "invoices_doc_ccy": N_("invoices and debit notes"),
    "credit_notes_doc_ccy": N_("credit notes"),
    "credit_notes_used_doc_ccy": N_("credit notes used up or refunded (their paid_date)"),
    "settled_by_paid_date_doc_ccy": N_("receivables settled by their paid_date"),
    "cash_applied_doc_ccy": N_("cash applied to invoices"),
    "cash_on_account_doc_ccy": N_("cash on account"),
    "write_offs_doc_ccy": N_("write-offs"),
    "ledger_open_doc_ccy": N_("open AR by the ledger (the sum of the lines above)"),
    "aging_doc_ccy": N_("open items in the aging (credits included)"),
    "difference_doc_ccy": N_("difference (aging − ledger)"),
}
BRIDGE_STEPS = {  # column of exposure_bridge -> the step from open AR to gross exposure
    "open_ar_amt": N_("open AR after credits (aging total)"),
    "open_orders_amt": N_("open orders"),
    "credit_balances_floored_amt": N_(
        "credit balances, which exposure does not net (a customer in credit has exposure 0)"),
    "gross_exposure_amt": N_("gross exposure"),
}


def reconciliation_statement(by_currency: pl.DataFrame, reporting_currency: str) -> pl.DataFrame:
    """The reconciliation as an accountant reads it: one row per line (signed: what reduces
    open AR is negative, so each column adds up to the ledger's open AR), one column per
    document currency, and the total in the reporting currency (each line at the closing
    rate; the aging and the difference as the items were converted, one by one).

    Input: ReconciliationView.by_currency. Output columns: line, one per currency (amounts in
    that currency), "total (CNY)"; the last row is the closing rate. Lines and the total's
    header in the current language.
    """
    signs = {**RECONCILIATION_LINES, "ledger_open_doc_ccy": 1, "aging_doc_ccy": 1, "difference_doc_ccy": 1}
    rows: dict[str, list[object]] = {"line": [*(_(line) for line in STATEMENT_LINES.values()),
                                              _("closing rate to {currency}").format(currency=reporting_currency)]}
    for rec in by_currency.iter_rows(named=True):
        rows[rec["currency"]] = [round(signs[c] * float(rec[c]), 2) + 0.0 for c in STATEMENT_LINES] + [
            float(rec["rate_to_reporting"]) if rec["rate_to_reporting"] is not None else None]
    total = []
    for column in STATEMENT_LINES:
        if column == "aging_doc_ccy":
            total.append(round(float(by_currency["aging_amt"].sum()), 2))
        elif column == "difference_doc_ccy":
            total.append(round(float(by_currency["difference_amt"].sum()), 2))
        elif column == "ledger_open_doc_ccy":
            total.append(round(float(by_currency["ledger_open_amt"].sum()), 2))
        else:
            total.append(round(float((by_currency[column] * by_currency["rate_to_reporting"]).sum())
                               * signs[column], 2) + 0.0)
    rows[_("total ({currency})").format(currency=reporting_currency)] = [*(t + 0.0 for t in total), None]  # no "-0"
    return pl.DataFrame(rows, strict=False)


@dataclass(frozen=True)
class ReconciliationView:
    """The receivables ledger against the aging and exposure at one date (what a user checks
    against the ERP's trial balance): per document currency and in reporting currency."""

    as_of: date
    currency: str
    by_currency: pl.DataFrame  # one row per document currency
    totals: dict[str, float]  # reporting currency: ledger_open_amt, aging_amt, difference_amt
    bridge_amounts: dict[str, float]  # BRIDGE_STEPS column -> amount: open AR after credits -> gross exposure
    messages: tuple[Note, ...] = ()

    @property
    def notes(self) -> list[str]:
        """What the reconciliation found, in the current language."""
        return [str(m) for m in self.messages]

    @property
    def bridge(self) -> pl.DataFrame:
        """step, amount: open AR after credits -> gross exposure (steps in the current language)."""
        return pl.DataFrame({"step": [_(BRIDGE_STEPS[c]) for c in self.bridge_amounts],
                             "amount": list(self.bridge_amounts.values())})

    def statement(self) -> pl.DataFrame:
        """The lines (rows) by currency (columns): see reconciliation_statement."""
        return reconciliation_statement(self.by_currency, self.currency)

    def tables(self) -> dict[str, pl.DataFrame]:
        totals = pl.DataFrame({"measure": list(self.totals), "amount": list(self.totals.values())})
        return {"statement": self.statement(), "by_currency": self.by_currency, "reporting_currency": totals,
                "exposure_bridge": self.bridge}


def reconciliation_view(wh: Warehouse, as_of: date, filters: Filters, policy: Policy) -> ReconciliationView:
    """Invoices - credit notes - applied cash - cash on account - write-offs = open AR, from the
    raw tables, against the open items of the aging, and the bridge from open AR to gross
    exposure. A difference is shown, never hidden, with what explains it."""
    wh = dated(wh, as_of)
    params = filters.params()
    raw = wh.query("reconciliation", as_of=as_of, **params)
    by_currency = raw.with_columns(
        (pl.col("ledger_open_doc_ccy") * pl.col("rate_to_reporting")).round(2).alias("ledger_open_amt"),
        (pl.col("aging_doc_ccy") - pl.col("ledger_open_doc_ccy")).round(2).alias("difference_doc_ccy"),
    ).with_columns((pl.col("aging_amt") - pl.col("ledger_open_amt")).round(2).alias("difference_amt"))
    ledger = float(by_currency["ledger_open_amt"].sum())
    aged = float(by_currency["aging_amt"].sum())
    totals = {"ledger_open_amt": ledger, "aging_amt": aged, "difference_amt": round(aged - ledger, 2)}
    bridge_row = wh.query("exposure_bridge", as_of=as_of, **params).row(0, named=True)
    bridge = {c: round(float(bridge_row[c]), 2) for c in BRIDGE_STEPS}
    currency = wh.info().get("reporting_currency", policy.reporting_currency)
    notes: list[Note] = []
    rounding = 0.005 * int(raw["aging_items"].sum()) + 0.01  # every item is converted and rounded to cents
    if abs(totals["difference_amt"]) <= rounding:
        notes.append(Note(N_("The ledger and the aging tie in {currency} (to the rounding of {n} open items "
                             "converted one by one at the closing rate)."),
                          counts=(("n", int(raw["aging_items"].sum())),), texts=(("currency", currency),)))
    else:
        notes.append(Note(N_("The aging and the ledger differ by {amount}: check the currencies whose difference "
                             "is not zero, and report it."),
                          amounts=(("amount", totals["difference_amt"], currency),)))
    cross = by_currency.filter(pl.col("difference_doc_ccy").abs() > 0.01)
    if cross.height and abs(totals["difference_amt"]) <= rounding:
        notes.append(Note(N_("Per currency the aging and the ledger differ by the credits in one currency set "
                             "against items in another ({currencies}), at the closing rate."),
                          texts=(("currencies", ", ".join(cross["currency"].to_list())),)))
    if abs(aged - float(bridge_row["open_ar_amt"])) > 0.05:
        notes.append(Note(N_("The aging total ({aging}) and the customers' open AR ({open_ar}) differ: report this, "
                             "it should not happen."),
                          amounts=(("aging", aged, currency), ("open_ar", float(bridge_row["open_ar_amt"]), currency))))
    overdue_items = float(wh.query("aging_buckets", as_of=as_of, bounds=[0], by_invoice_date=False, **params)
                          .filter(pl.col("bucket_idx") == 1)["outstanding_amt"].sum())
    if abs(overdue_items - float(bridge_row["overdue_amt"])) > 0.05:
        notes.append(Note(N_("The overdue items and the customers' overdue AR differ: report this, it should not "
                             "happen.")))
    order = ["currency", *RECONCILIATION_LINES, "ledger_open_doc_ccy", "aging_doc_ccy", "difference_doc_ccy",
             "rate_to_reporting", "ledger_open_amt", "aging_amt", "credits_amt", "difference_amt", "aging_items"]
    return ReconciliationView(as_of, currency, by_currency.select(order), totals, bridge, tuple(notes))
