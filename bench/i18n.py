"""What speaking two languages costs, as JSON (reported, never asserted).

    python bench/i18n.py [WAREHOUSE_DIR]   # default: the sample warehouse ./warehouse

Side by side in one run:
- the Chinese catalogue compiled at first use (read the .po, write the .mo in memory) — once
  per process;
- a text through gettext (`_()`) in English and in Chinese, against the plain literal;
- an amount through the one formatting rule (babel, compact and in full, both locales),
  against the plain `f"{x:,.0f}"`;
- an export of the largest table (the collections worklist) with human headers, number
  formats and the Fields sheet, against the plain machine-named XLSX/CSV;
- a page's server-side run (AppTest, warm caches) in English and in Chinese.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import timeit
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics import i18n  # noqa: E402
from analytics.data import export  # noqa: E402
from analytics.formats import fmt_amount  # noqa: E402


def per_call_us(fn, number: int = 20_000) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "warehouse"
    out: dict[str, object] = {"warehouse": str(folder), "run_on": date.today().isoformat()}

    i18n._translations.cache_clear()
    t0 = time.perf_counter()
    catalogue = i18n._translations("zh")
    out["catalogue_compile_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    out["catalogue_texts"] = len(catalogue._catalog)  # type: ignore[attr-defined]

    text = "Gross exposure"
    with i18n.speaking("en"):
        en_us = per_call_us(lambda: i18n._(text))
        amount_en = per_call_us(lambda: fmt_amount(123_456_789.0, "CNY"), 5_000)
        amount_full_en = per_call_us(lambda: fmt_amount(123_456_789.0, "CNY", compact=False), 5_000)
    with i18n.speaking("zh"):
        zh_us = per_call_us(lambda: i18n._(text))
        amount_zh = per_call_us(lambda: fmt_amount(123_456_789.0, "CNY"), 5_000)
    plain_us = per_call_us(lambda: text)
    plain_amount = per_call_us(lambda: f"CNY {123_456_789.0:,.0f}", 5_000)
    out["text_us"] = {"plain_literal": round(plain_us, 3), "gettext_en": round(en_us, 3), "gettext_zh": round(zh_us, 3)}
    out["amount_us"] = {"plain_fstring": round(plain_amount, 3), "babel_compact_en": round(amount_en, 2),
                        "babel_full_en": round(amount_full_en, 2), "babel_compact_zh": round(amount_zh, 2)}

    from analytics.data.warehouse import Warehouse
    from analytics.policy import load_policy
    from analytics.views import Filters, calendar
    from analytics.views.receivables import collections_view

    policy = load_policy()
    wh = Warehouse(folder)
    try:
        as_of = calendar(wh).latest
        worklist = collections_view(wh, as_of, Filters(), policy).items
    finally:
        wh.close()
    out["export_rows"] = worklist.height
    out["export_ms"] = {
        "csv_machine_names": median_ms(lambda: export.to_csv_bytes(worklist)),
        "csv_human_headers": median_ms(lambda: export.to_csv_bytes(worklist, human=True, currency="CNY")),
        "xlsx_plain_machine_names": median_ms(lambda: export.to_xlsx_bytes({"worklist": worklist})),
        "xlsx_human_formats_fields_sheet": median_ms(
            lambda: export.to_xlsx_bytes({"worklist": worklist}, human=True, currency="CNY")),
    }

    from streamlit.testing.v1 import AppTest
    os.environ.update({"CREDIT_WAREHOUSE": str(folder), "CREDIT_SIGN_IN": "none",
                       "CREDIT_SIGN_IN_ROLE": "administrator"})
    pages: dict[str, dict[str, float]] = {}
    for page in ("portfolio", "aging", "watchlist"):
        for lang in ("en", "zh"):
            def run(page: str = page, lang: str = lang) -> None:
                at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
                at.query_params["_open"] = page
                at.query_params["lang"] = lang
                at.run()
            run()  # warm the caches of this language
            pages.setdefault(page, {})[lang] = median_ms(run, 3)
    out["page_run_ms_warm_apptest"] = pages
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
