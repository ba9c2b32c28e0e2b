"""Number formats shared by the pages, the CLI and the committee pack (babel).

fmt_amount: an amount with its currency code, compact (K/M/B) or in full; fmt_pct: a percent
value (already in percent) with fixed decimals; fmt_int: a count with thousands separators;
fmt_delta: a signed change for a KPI tile. Missing values read 'n/a'.
"""

from __future__ import annotations

import math

from babel.numbers import format_compact_decimal, format_decimal

LOCALE = "en"


def fmt_amount(value: float | None, currency: str = "", compact: bool = True) -> str:
    """'CNY 1.2M' (compact) or 'CNY 1,234,567'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    text = (format_compact_decimal(value, locale=LOCALE, fraction_digits=2) if compact and abs(value) >= 10_000
            else format_decimal(round(value), format="#,##0", locale=LOCALE))
    return f"{currency} {text}".strip()


def fmt_pct(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "n/a"
    return f"{format_decimal(value, format='#,##0.' + '0' * digits, locale=LOCALE)} %"


def fmt_int(value: int | None) -> str:
    return "n/a" if value is None else format_decimal(value, format="#,##0", locale=LOCALE)


def fmt_delta(change: float | None, kind: str, currency: str = "") -> str | None:
    """A signed change for a KPI tile: '+CNY 1.2M', '-0.6 pp', '+35'; None when unknown.

    The sign comes first because st.metric reads it to draw the arrow.
    """
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return None
    sign = "-" if change < 0 else "+"
    if kind == "amt":
        return sign + fmt_amount(abs(change), currency)
    if kind in ("pp", "days"):
        unit = "pp" if kind == "pp" else "days"
        return f"{sign}{abs(change):.1f} {unit}" if round(abs(change), 1) else f"0.0 {unit}"
    return f"{sign}{abs(int(change)):,}"
