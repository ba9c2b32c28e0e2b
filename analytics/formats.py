"""The one formatting rule for every number and date a user sees: pages, tiles, charts'
labels, the CLI and the committee pack (babel, in the current language's locale).

By the unit a name carries (``fmt_value``): ``*_amt`` an amount with its currency code,
compact (K/M/B in English, 万/亿 in Chinese) or in full with thousands separators;
``*_pct`` a percent value (already ×100) with fixed decimals; a PD in percent with enough
digits to tell 0.03 % from 0; ``*_days`` whole days (a not-due item's days past due read
"not due", never negative); counts with thousands separators; dates in the locale's form.
A missing value reads "—", never "None" or "nan".
"""

from __future__ import annotations

import math
from datetime import date, datetime

from babel.dates import format_date as _babel_date
from babel.numbers import format_compact_decimal, format_decimal

from analytics.i18n import _, babel_locale, ngettext

MISSING = "—"
AMOUNT_DECIMALS = 2  # amounts in full keep their cents in tables and exports
PCT_DECIMALS = 1


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def fmt_amount(value: float | None, currency: str = "", compact: bool = True) -> str:
    """'CNY 1.23M' / 'CNY 123.46万' (compact, from 10,000 on) or 'CNY 1,234,567' in full."""
    if _missing(value):
        return MISSING
    assert value is not None
    text = (format_compact_decimal(value, locale=babel_locale(), fraction_digits=2) if compact and abs(value) >= 10_000
            else format_decimal(round(value), format="#,##0", locale=babel_locale()))
    return f"{currency} {text}".strip()


def fmt_number(value: float | None, decimals: int = 0) -> str:
    """A plain number with thousands separators and fixed decimals: '27,202,837.61'."""
    if _missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def fmt_pct(value: float | None, digits: int = PCT_DECIMALS) -> str:
    """A percent value (already in percent): '12.3 %'."""
    if _missing(value):
        return MISSING
    return f"{fmt_number(value, digits)} %"


def fmt_pd(value_pct: float | None) -> str:
    """A probability of default (in percent) with enough digits: '0.03 %', '1.25 %', '12.5 %'."""
    if _missing(value_pct):
        return MISSING
    assert value_pct is not None
    if value_pct == 0:
        return fmt_pct(0.0, 2)
    digits = 1 if value_pct >= 10 else 2 if value_pct >= 0.01 else min(4, 1 - math.floor(math.log10(value_pct)))
    return fmt_pct(value_pct, digits)


def fmt_int(value: int | float | None) -> str:
    """A count with thousands separators: '12,345'."""
    return MISSING if _missing(value) else format_decimal(round(value), format="#,##0", locale=babel_locale())  # type: ignore[arg-type]


def fmt_days(value: float | None, not_due: bool = True) -> str:
    """Days (past due, DSO ...): '12 days', '1 day'; with not_due, 0 or less reads 'not due'."""
    if _missing(value):
        return MISSING
    assert value is not None
    if not_due and value <= 0:
        return _("not due")
    n = round(value)
    return ngettext("{n} day", "{n} days", n).format(n=fmt_int(n))


def fmt_date(value: date | datetime | str | None) -> str:
    """A date in the locale's form: 'Nov 30, 2026' / '2026年11月30日'."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return _babel_date(value, format="medium", locale=babel_locale())


def fmt_value(name: str, value: object, currency: str = "", compact: bool = False) -> str:
    """Any value by the unit its field name carries (*_amt, *_pct, *pd*, *_days, counts)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, (date, datetime)):
        return fmt_date(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if not isinstance(value, (int, float)):
        return str(value)
    parts = name.split("_")
    if name.endswith("_amt"):
        return fmt_amount(float(value), currency, compact=compact)
    if "pd" in parts and name.endswith("_pct"):
        return fmt_pd(float(value))
    if name.endswith("_pct"):
        return fmt_pct(float(value))
    if name.endswith("_frac"):
        return fmt_pct(float(value) * 100)
    if "days_past_due" in name or "dpd" in parts:  # days past due: a not-due item reads "not due"
        return fmt_days(float(value))
    if name.endswith("_days"):
        return fmt_days(float(value), not_due=False)
    if isinstance(value, int) or float(value).is_integer():
        return fmt_int(value)
    return fmt_number(float(value), 2)


def fmt_delta(change: float | None, kind: str, currency: str = "") -> str | None:
    """A signed change for a KPI tile: '+CNY 1.2M', '-0.6 pp', '+35'; None when unknown.

    The sign comes first because st.metric reads it to draw the arrow.
    """
    if _missing(change):
        return None
    assert change is not None
    sign = "-" if change < 0 else "+"
    if kind == "amt":
        if round(abs(change)) == 0:
            return fmt_amount(0.0, currency)  # no change reads without a sign
        return sign + fmt_amount(abs(change), currency)
    if kind in ("pp", "days"):
        unit = _("pp") if kind == "pp" else _("days")
        size = abs(change) if round(abs(change), 1) else 0.0
        return f"{sign if size else ''}{fmt_number(size, 1)} {unit}"
    return f"{sign if round(change) else ''}{fmt_int(abs(round(change)))}"

