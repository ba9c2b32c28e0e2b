"""The two loss figures side by side (docs/definitions.md, "Expected loss and the provision").

The exposure page's one-year expected loss, Σ PD × LGD × net exposure (Basel's EL = PD × LGD ×
EAD): a risk-appetite, limit and pricing measure, like the credit VaR of the What-if page.
The provisions page's lifetime ECL provision, Σ gross carrying amount × loss rate × overlay
over the aging buckets (IFRS 9 §5.5.15, the simplified approach for trade receivables, with
a provision matrix as B5.5.35 describes): the loss allowance to book in the accounts.

`reconcile` puts the two on one scope and date into a typed result: the inputs each uses
and a bridge from the EL to the provision whose steps add up exactly —

    EL = EAD × r                       r = the portfolio-average PD × LGD (EL ÷ EAD)
     − open orders × r                 (in the EL's base, not a receivable yet)
     + (collateral + insurance) × r    (the EL deducts them, the provision does not)
     + credit balances × r             (the EL's base nets them against open orders)
     = G × r                           G = the provision's base, the gross carrying amount
     + G × (r₀ − r)                    r₀ = the historical loss rate before the overlay
     + G × (r₁ − r₀)                   r₁ = after the forward-looking overlay
     = provision = G × r₁

(the base steps valued at the average rate r: an attribution, as any bridge of a product).
`panel` words it in the current language for both pages; it is built at each run, never
cached, because the language is per run while the views are cached across languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.formats import MISSING, fmt_amount, fmt_date, fmt_number, fmt_pct, fmt_pd
from analytics.i18n import N_, _
from analytics.policy import Policy
from analytics.risk.exposure import ExposureView
from analytics.risk.provisions import ENTERED, TOTAL  # noqa: F401 (TOTAL: for the pages)
from analytics.views.receivables import ProvisionView

# the terms the pages show in words (pages read the risk layer through views only)
from analytics.risk import exposure as exposure_terms  # noqa: F401

# the bridge's steps, in order (machine keys; the panel words them)
STEPS = ("expected_loss", "open_orders", "mitigation", "credit_balances", "el_rate_on_provision_base",
         "loss_rates", "overlay", "provision")
TOTALS = ("expected_loss", "el_rate_on_provision_base", "provision")


@dataclass(frozen=True)
class BridgeStep:
    """One line of the bridge from the EL to the provision: a change, or a level (is_total)."""

    key: str  # one of STEPS
    amount_amt: float
    is_total: bool = False


@dataclass(frozen=True)
class LossReconciliation:
    """The one-year expected loss and the lifetime ECL provision of one scope at one date,
    their inputs and the bridge between them (amounts in reporting currency, rates fractions)."""

    as_of: date
    currency: str
    # the one-year expected loss (Portfolio exposure page)
    expected_loss_amt: float
    ead_amt: float  # its base: net exposure
    gross_exposure_amt: float
    open_ar_amt: float  # open AR after credits, as the exposure counts it
    open_orders_amt: float
    collateral_amt: float  # collateral taken off the gross exposure (capped per customer)
    insured_amt: float  # insured cover taken off after the collateral
    lgd_frac: float
    # the lifetime ECL provision (Roll rates and provisions page)
    provision_amt: float
    provision_base_amt: float  # gross carrying amount of the open AR items
    provision_before_overlay_amt: float
    overlay_factor: float
    rate_source: str  # analytics.risk.provisions.DERIVED or ENTERED
    window: tuple[date, date] | None  # the roll-rate window (month-ends)
    past_due_base_amt: float | None  # gross carrying amount past due (None: the first bucket is not 'not due')
    past_due_provision_amt: float | None
    # where the EL sits: the worst grades that hold at least half of it
    worst_grades: tuple[str, ...]
    worst_grades_ead_amt: float
    worst_grades_el_amt: float
    steps: tuple[BridgeStep, ...]

    @property
    def el_rate_frac(self) -> float | None:
        """The portfolio-average PD × LGD: EL ÷ net exposure (None without exposure)."""
        return self.expected_loss_amt / self.ead_amt if self.ead_amt > 0 else None

    @property
    def average_pd_frac(self) -> float | None:
        """The exposure-weighted average PD: EL ÷ (net exposure × LGD)."""
        return self.expected_loss_amt / (self.ead_amt * self.lgd_frac) if self.ead_amt > 0 and self.lgd_frac else None

    @property
    def base_rate_frac(self) -> float | None:
        """The provision's average loss rate before the overlay."""
        return self.provision_before_overlay_amt / self.provision_base_amt if self.provision_base_amt > 0 else None

    @property
    def provision_rate_frac(self) -> float | None:
        """The provision's average loss rate after the overlay (its coverage)."""
        return self.provision_amt / self.provision_base_amt if self.provision_base_amt > 0 else None

    @property
    def mitigation_amt(self) -> float:
        return self.collateral_amt + self.insured_amt

    @property
    def credit_balances_amt(self) -> float:
        """What the EL's base nets beyond the provision's: the provision's base less the exposure
        without its open orders (credit balances set against open orders; 0 without any)."""
        return self.provision_base_amt - (self.gross_exposure_amt - self.open_orders_amt)

    @property
    def difference_amt(self) -> float:
        """EL − provision."""
        return self.expected_loss_amt - self.provision_amt

    def step(self, key: str) -> float:
        return next(s.amount_amt for s in self.steps if s.key == key)

    @property
    def base_effect_amt(self) -> float:
        """The bridge's base steps: open orders, mitigation and credit balances at the rate r."""
        return self.step("open_orders") + self.step("mitigation") + self.step("credit_balances")

    @property
    def rate_effect_amt(self) -> float:
        """The bridge's rate steps: historical loss rates instead of PD × LGD, and the overlay."""
        return self.step("loss_rates") + self.step("overlay")

    def as_frame(self) -> pl.DataFrame:
        """The bridge as a table (for exports): step, amount_amt, is_total."""
        return pl.DataFrame({"step": [s.key for s in self.steps], "amount_amt": [s.amount_amt for s in self.steps],
                             "is_total": [s.is_total for s in self.steps]},
                            schema={"step": pl.String, "amount_amt": pl.Float64, "is_total": pl.Boolean})


def _worst_grades(by_grade: pl.DataFrame, scale: list[str], expected_loss: float) -> tuple[tuple[str, ...], float, float]:
    """The worst rated grades (scale order) that together hold at least half of the EL."""
    if expected_loss <= 0 or by_grade.height == 0:
        return (), 0.0, 0.0
    rows = {r["grade"]: r for r in by_grade.iter_rows(named=True)}
    chosen: list[str] = []
    ead = el = 0.0
    for grade in reversed(scale):
        row = rows.get(grade)
        if row is None or not row["expected_loss_amt"]:
            continue
        chosen.append(grade)
        ead += float(row["net_exposure_amt"] or 0.0)
        el += float(row["expected_loss_amt"] or 0.0)
        if el >= expected_loss / 2:
            break
    return tuple(reversed(chosen)), ead, el


def reconcile(exposure: ExposureView, provision: ProvisionView, lgd_pct: float, scale: list[str],
              first_bucket_not_due: bool = True) -> LossReconciliation:
    """The two figures of one scope and date, their inputs and the bridge (see the module)."""
    k = exposure.kpis
    matrix = provision.matrix
    ead = float(k.net_exposure_amt)
    el = float(k.expected_loss_amt)
    gross = float(k.gross_exposure_amt)
    steps = exposure.mitigation.select("step", "amount").rows()
    collateral = -float(steps[1][1]) if len(steps) > 1 else 0.0
    mitigation = gross - ead  # = collateral + insurance used, per customer capped at the exposure
    insured = mitigation - collateral
    base = matrix.total_gross
    ecl = matrix.total_ecl
    before = matrix.total_before_overlay
    r = el / ead if ead > 0 else 0.0
    credits = base - (gross - float(k.open_orders_amt))
    bridge = (
        BridgeStep("expected_loss", el, True),
        BridgeStep("open_orders", -float(k.open_orders_amt) * r),
        BridgeStep("mitigation", mitigation * r),
        BridgeStep("credit_balances", credits * r),
        BridgeStep("el_rate_on_provision_base", base * r, True),
        BridgeStep("loss_rates", before - base * r),
        BridgeStep("overlay", ecl - before),
        BridgeStep("provision", ecl, True),
    )
    buckets = matrix.buckets
    past_base = past_ecl = None
    if first_bucket_not_due and buckets.height > 1:
        past_base = float(buckets["gross_carrying_amt"][1:].sum())
        past_ecl = float(buckets["ecl_amt"][1:].sum())
    grades, grades_ead, grades_el = _worst_grades(exposure.breakdowns.get("grade", pl.DataFrame()), scale, el)
    return LossReconciliation(
        as_of=exposure.as_of, currency=exposure.currency,
        expected_loss_amt=el, ead_amt=ead, gross_exposure_amt=gross, open_ar_amt=float(k.open_ar_amt),
        open_orders_amt=float(k.open_orders_amt), collateral_amt=collateral, insured_amt=insured,
        lgd_frac=lgd_pct / 100,
        provision_amt=ecl, provision_base_amt=base, provision_before_overlay_amt=before,
        overlay_factor=matrix.overlay_factor, rate_source=matrix.source, window=provision.window,
        past_due_base_amt=past_base, past_due_provision_amt=past_ecl,
        worst_grades=grades, worst_grades_ead_amt=grades_ead, worst_grades_el_amt=grades_el,
        steps=bridge,
    )


# ----------------------------------------------------------------------------- the panel's words

TITLE = N_("The loss figures explained: expected loss or provision?")
STEP_NAMES = {
    "expected_loss": N_("One-year expected loss"),
    "open_orders": N_("Open orders: in the EL's base, not yet a receivable ({amount} at {rate})"),
    "mitigation": N_("Collateral and insurance: the EL deducts them, the provision does not ({amount} at {rate})"),
    "credit_balances": N_("Credit balances: the EL's base nets them against open orders ({amount} at {rate})"),
    "el_rate_on_provision_base": N_("The EL's rate on the provision's base ({amount} at {rate})"),
    "loss_rates": N_("Historical loss rates instead of PD × LGD ({rate} instead of {el_rate})"),
    "overlay": N_("Forward-looking overlay (× {factor})"),
    "provision": N_("Lifetime ECL provision"),
}


@dataclass(frozen=True)
class LossPanel:
    """The reconciliation panel in the current language: its title and its Markdown."""

    title: str
    markdown: str


def _rate(value: float | None) -> str:
    return MISSING if value is None else fmt_pct(value * 100, 2)


def _money(value: float, currency: str) -> str:
    return fmt_amount(value, currency, compact=False)


def _signed(value: float) -> str:
    """A bridge step in full with its sign: '+1,234', '−1,234', '0'."""
    text = fmt_amount(abs(value), compact=False)
    return text if text == fmt_amount(0.0, compact=False) else ("+" if value > 0 else "−") + text


def _share(part: float, whole: float) -> str:
    return fmt_pct(part / whole * 100) if whole else MISSING


def panel(rec: LossReconciliation) -> LossPanel:
    """The reconciliation in words and tables, the same on the Exposure and Provisions pages."""
    cur = rec.currency
    el, ecl = _money(rec.expected_loss_amt, cur), _money(rec.provision_amt, cur)
    r = _rate(rec.el_rate_frac)
    intro = _("**Book the provision.** The lifetime ECL provision ({provision}) is the IFRS 9 loss allowance of the "
              "open receivables (simplified approach, provision matrix): the figure for the accounts. The one-year "
              "expected loss ({el}) and the credit VaR of the What-if page measure credit risk for risk appetite, "
              "limits and pricing; they are not booked. Both cover the same customers at {date}.").format(
        provision=ecl, el=el, date=fmt_date(rec.as_of))
    if rec.window is None:
        source = _("no roll-rate history before this date")
    elif rec.rate_source == ENTERED:
        source = _("entered by finance")
    else:
        source = _("roll rates of the month-ends {first} to {last}").format(
            first=fmt_date(rec.window[0]), last=fmt_date(rec.window[1]))
    rows = [
        ("", _("One-year expected loss"), _("Lifetime ECL provision")),
        (_("Used for"), _("Risk appetite, limits and pricing (with the credit VaR)"),
         _("The IFRS 9 loss allowance booked in the accounts")),
        (_("Formula"), _("Σ PD × LGD × net exposure, customer by customer"),
         _("Σ gross carrying amount × loss rate × overlay, bucket by bucket")),
        (_("Base amount"), _("Net exposure {amount}: open AR after credits plus open orders, less collateral and "
                      "insurance").format(amount=_money(rec.ead_amt, cur)),
         _("Gross carrying amount of the open AR {amount}").format(amount=_money(rec.provision_base_amt, cur))),
        (_("Open orders"), _("Included: {amount}").format(amount=_money(rec.open_orders_amt, cur)),
         _("Not included: not yet a receivable")),
        (_("Collateral and insurance"), _("Deducted: collateral {collateral}, insurance {insured}").format(
            collateral=_money(rec.collateral_amt, cur), insured=_money(rec.insured_amt, cur)),
         _("Not deducted: the loss rates are the history of write-offs")),
        (_("Loss rate"), _("PD of the rating (or of the grade, by policy) × LGD {lgd} (policy): on average "
                           "{rate}, PD {pd}").format(lgd=fmt_pct(rec.lgd_frac * 100), rate=r,
                                                    pd=MISSING if rec.average_pd_frac is None
                                                    else fmt_pd(rec.average_pd_frac * 100)),
         _("Loss rate of each aging bucket ({source}): on average {rate}").format(
             source=source, rate=_rate(rec.base_rate_frac))),
        (_("Outlook"), _("As the ratings see it"),
         _("Forward-looking overlay × {factor}: on average {rate}").format(
             factor=fmt_number(rec.overlay_factor, 2), rate=_rate(rec.provision_rate_frac))),
        (_("Horizon"), _("One year, as if the exposure stayed for a year"),
         _("Lifetime: until each invoice is paid or written off")),
        (_("Result"), f"**{el}**", f"**{ecl}**"),
    ]
    inputs = _table(rows)
    bridge_rows = [(_("From the expected loss to the provision"), _("Amount ({currency})").format(currency=cur))]
    for step in rec.steps:
        words = _(STEP_NAMES[step.key]).format(
            amount=_money(_step_base(rec, step.key), cur), el_rate=r, factor=fmt_number(rec.overlay_factor, 2),
            rate=_rate(rec.base_rate_frac) if step.key == "loss_rates" else r)
        amount = fmt_amount(step.amount_amt, compact=False) if step.is_total else _signed(step.amount_amt)
        bridge_rows.append((f"**= {words}**" if step.is_total and step.key != "expected_loss" else words,
                            f"**{amount}**" if step.is_total else amount))
    bridge = _table(bridge_rows, align_right=True)
    return LossPanel(_(TITLE), "\n\n".join([intro, inputs, bridge, _why(rec)]))


def _step_base(rec: LossReconciliation, key: str) -> float:
    """The amount a base step values at the EL's rate."""
    return {"open_orders": rec.open_orders_amt, "mitigation": rec.mitigation_amt,
            "credit_balances": rec.credit_balances_amt,
            "el_rate_on_provision_base": rec.provision_base_amt}.get(key, 0.0)


def _why(rec: LossReconciliation) -> str:
    """Why the two differ on this portfolio, from its own figures."""
    cur = rec.currency
    lines = [_("**Why they differ here**")]
    diff = rec.difference_amt
    if rec.provision_amt > 0 and abs(diff) >= 0.5:
        ratio = fmt_number(rec.expected_loss_amt / rec.provision_amt, 2)
        lines.append(("- " + (_("The one-year expected loss is {difference} above the provision: {ratio} times it.")
                              if diff > 0 else
                              _("The one-year expected loss is {difference} below the provision: {ratio} times it."))
                      .format(difference=fmt_amount(abs(diff), cur), ratio=ratio)))
    lines.append("- " + _("The bases: the EL counts {ead} of net exposure, the provision {base} of open AR; open "
                          "orders add {orders} to the EL's, collateral and insurance take {mitigation} off it. At "
                          "the average PD × LGD of {rate}, the bases make {effect} of the difference.").format(
        ead=fmt_amount(rec.ead_amt, cur), base=fmt_amount(rec.provision_base_amt, cur),
        orders=fmt_amount(rec.open_orders_amt, cur), mitigation=fmt_amount(rec.mitigation_amt, cur),
        rate=_rate(rec.el_rate_frac), effect=_signed_compact(-rec.base_effect_amt, cur)))
    if rec.window is None and rec.rate_source != ENTERED:
        lines.append("- " + _("The rates: ratings and policy give an average PD × LGD of {rate}; the provision has no "
                              "loss rates yet: roll rates need two consecutive month-ends before this date. The "
                              "rates make {effect} of the difference.").format(
            rate=_rate(rec.el_rate_frac), effect=_signed_compact(-rec.rate_effect_amt, cur)))
    else:
        lines.append("- " + _("The rates: ratings and policy give an average PD × LGD of {rate}; the history of this "
                              "open AR rolling to write-off gives {loss_rate} ({overlaid} after the overlay). The "
                              "rates make {effect} of the difference.").format(
            rate=_rate(rec.el_rate_frac), loss_rate=_rate(rec.base_rate_frac), overlaid=_rate(rec.provision_rate_frac),
            effect=_signed_compact(-rec.rate_effect_amt, cur)))
    if rec.worst_grades:
        grades = rec.worst_grades
        text = (_("Grade {grade} holds {ead_share} of the net exposure and {el_share} of the expected loss.")
                if len(grades) == 1 else
                _("Grades {best} to {worst} hold {ead_share} of the net exposure and {el_share} of the expected loss."))
        lines.append("- " + text.format(grade=grades[0], best=grades[0], worst=grades[-1],
                                        ead_share=_share(rec.worst_grades_ead_amt, rec.ead_amt),
                                        el_share=_share(rec.worst_grades_el_amt, rec.expected_loss_amt)))
    if rec.past_due_base_amt is not None and rec.provision_amt > 0:
        lines.append("- " + _("Past-due buckets hold {base_share} of the open AR and {ecl_share} of the "
                              "provision.").format(base_share=_share(rec.past_due_base_amt, rec.provision_base_amt),
                                                   ecl_share=_share(rec.past_due_provision_amt or 0.0,
                                                                    rec.provision_amt)))
    if abs(diff) >= 0.5:
        larger = abs(rec.base_effect_amt) > abs(rec.rate_effect_amt)
        lines.append("- " + (_("Most of the difference comes from the bases.") if larger
                             else _("Most of the difference comes from the rates.")))
    return "\n".join(lines)


def _signed_compact(value: float, currency: str) -> str:
    """How much a driver makes the EL exceed the provision: '+CNY 1.2M', '−CNY 0.3M'."""
    text = fmt_amount(abs(value), currency)
    return text if not round(value) else ("+" if value > 0 else "−") + text


def _table(rows: list[tuple[str, ...]], align_right: bool = False) -> str:
    """A Markdown table: the first row its header."""
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
    rule = "|" + "|".join([" --- "] + [" ---: " if align_right else " --- "] * (len(rows[0]) - 1)) + "|"
    return "\n".join([line(rows[0]), rule, *[line(r) for r in rows[1:]]])


def reconcile_views(exposure: ExposureView, provision: ProvisionView, policy: Policy,
                    bounds: tuple[int, ...] | None = None) -> LossReconciliation:
    """reconcile with the policy's LGD and scale; `bounds` the provision's buckets (the policy's by default)."""
    bounds = policy.provision_bucket_upper_dpd if bounds is None else bounds
    return reconcile(exposure, provision, float(policy.lgd_pct), list(policy.scale), bool(bounds) and bounds[0] == 0)
