"""Credit portfolio risk dashboard: router and frame.

Sets the page up, makes sure a warehouse exists (first run builds the sample),
resolves the global state (as-of date and filters) from the URL so a link
reproduces the view, draws the sidebar, then runs the chosen page.
"""

from __future__ import annotations

import logging
import time
import uuid
from urllib.parse import urlparse
from pathlib import Path

import streamlit as st

from analytics.views import Filters
from analytics.policy import PolicyError
from analytics.app.ui import (
    plain,
    FRAME_PARAM,
    AppContext,
    cached_calendar,
    cached_filter_options,
    cached_info,
    get_policy,
    get_warehouse,
    sample_build,
    set_context,
)
from analytics.views import InvalidRequest
from analytics.app.auth import sidebar_account, signed_in
from analytics.policy.access import can
from analytics.store.accounts import AccountError, accounts_path, create_sample_accounts
from analytics.data.warehouse import SAMPLE_DIR, WarehouseMissing, current_path, schema_version, warehouse_dir

LOG = logging.getLogger("credit_dashboard")

st.set_page_config(page_title="Credit portfolio risk", page_icon=":material/account_balance:", layout="wide")

FILTERS = {  # url key -> (Filters field, sidebar label, filter_options dimension)
    "segment": ("segments", "Segment", "segment"),
    "industry": ("industries", "Industry", "industry"),
    "region": ("regions", "Region", "region"),
    "manager": ("managers", "Credit manager", "credit_manager"),
    "group": ("groups", "Group", "group"),
}
SECTIONS = {
    "Portfolio": [
        st.Page("pages/portfolio.py", title="Portfolio exposure", icon=":material/donut_large:", default=True,
                url_path="portfolio"),
        st.Page("pages/whatif.py", title="What-if: limits and stress", icon=":material/tune:", url_path="whatif"),
        st.Page("pages/limits.py", title="Limit recommendations", icon=":material/credit_score:", url_path="limits"),
    ],
    "Receivables": [
        st.Page("pages/aging.py", title="Receivables aging", icon=":material/hourglass_bottom:", url_path="aging"),
        st.Page("pages/kpis.py", title="Payment KPIs", icon=":material/speed:", url_path="kpis"),
        st.Page("pages/provisions.py", title="Roll rates and provisions", icon=":material/savings:",
                url_path="provisions"),
        st.Page("pages/collections.py", title="Collections worklist", icon=":material/call:",
                url_path="collections"),
    ],
    "Monitoring": [
        st.Page("pages/watchlist.py", title="Watchlist", icon=":material/notification_important:",
                url_path="watchlist"),
        st.Page("pages/migration.py", title="Rating migration", icon=":material/swap_vert:", url_path="migration"),
        st.Page("pages/reviews.py", title="Review schedule", icon=":material/event_repeat:", url_path="reviews"),
        st.Page("pages/scoring.py", title="Credit scoring", icon=":material/scoreboard:", url_path="scoring"),
    ],
    "Customers": [
        st.Page("pages/customer.py", title="Customer credit file", icon=":material/badge:", url_path="customer"),
    ],
    "Decisions": [
        st.Page("pages/applications.py", title="Credit applications", icon=":material/approval:",
                url_path="applications"),
        st.Page("pages/committee.py", title="Credit committee", icon=":material/groups:", url_path="committee"),
        st.Page("pages/audit.py", title="Audit trail", icon=":material/fact_check:", url_path="audit"),
    ],
    "Data": [
        st.Page("pages/data.py", title="Data and policy", icon=":material/database:", url_path="data"),
    ],
}
ASKED = "_asked_link"  # (url path, query parameters) the session was opened with; None once opened
PAGE_ACTIONS = {"applications": "view_decisions", "committee": "view_decisions", "audit": "audit"}  # else "view"
PAGES = [page for pages in SECTIONS.values() for page in pages]
OTHER_DAY = "other day"  # the as-of choice that opens a date picker (any day up to the extraction date)


def ensure_warehouse() -> None:
    """First run: build the sample warehouse in the background, showing its progress.

    A warehouse built by an older version of the SQL is rebuilt the same way when it
    holds the sample; for the user's own data the page says how to reload it.
    """
    folder = warehouse_dir()
    try:
        current_path(folder)
        info = cached_info(get_warehouse().version)
        if info.get("schema_version") == schema_version():
            return
        if Path(info.get("source_dir", "")).resolve() != SAMPLE_DIR.resolve():
            st.error(
                "This warehouse was built by an older version of the dashboard, so its tables do not match "
                "what the pages need. Reload your data to rebuild it:\n\n"
                "`python -m analytics load SOURCE_DIR` (the folder of your export)", icon=":material/update:")
            st.stop()
    except WarehouseMissing:
        pass
    build = sample_build(str(folder))
    st.title("Credit portfolio risk")
    if build.failed:
        st.error("Building the sample warehouse failed. What the build printed:")
        st.code("\n".join(build.log_lines()[-30:]) or "(nothing)", language=None)
        if st.button("Try again", icon=":material/refresh:"):
            sample_build.clear()
            st.rerun()
        st.stop()
    with st.status("Building the sample warehouse (2,000 customers, 3 years)...", expanded=True):
        for line in build.log_lines()[-12:]:
            st.write(line)
    if build.running:
        time.sleep(1.0)
    st.rerun()


def ensure_sample_accounts() -> None:
    """The built-in sample's accounts (one per role, published passwords) on its first run:
    when there is no accounts file and the warehouse is missing (the sample will be built)
    or holds the sample."""
    path = accounts_path()
    if path.exists():
        return
    try:
        source = cached_info(get_warehouse().version).get("source_dir", "")
        is_sample = Path(source).resolve() == SAMPLE_DIR.resolve()
    except WarehouseMissing:
        is_sample = True
    except Exception:  # noqa: BLE001 - an unreadable warehouse is reported by ensure_warehouse
        is_sample = False
    if is_sample:
        try:
            create_sample_accounts(path)
        except AccountError:
            LOG.exception("the sample accounts could not be created")


def url_list(key: str) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v != ""]


def sidebar_state() -> AppContext:
    """Read the URL, validate it, draw the sidebar widgets, write the URL back."""
    wh = get_warehouse()
    cal = cached_calendar(wh.version)
    options = cached_filter_options(wh.version)
    problems: list[str] = []

    if "as_of_widget" not in st.session_state:
        try:
            wanted = cal.resolve(st.query_params.get("as_of"))
        except InvalidRequest as exc:
            problems.append(f"as_of: {exc}; showing the extraction date {cal.latest} instead.")
            wanted = cal.latest
        st.session_state.as_of_widget = wanted if cal.is_snapshot(wanted) else OTHER_DAY
        st.session_state.as_of_day = wanted if not cal.is_snapshot(wanted) else cal.latest
    for key, (_field, label, dim) in FILTERS.items():
        wkey = f"filter_{key}"
        if wkey not in st.session_state:
            allowed = {value for value, _ in options.get(dim, [])}
            wanted_values = url_list(key)
            unknown = [v for v in wanted_values if v not in allowed]
            if unknown:
                problems.append(f"{label}: unknown value(s) {', '.join(map(repr, unknown))} ignored.")
            st.session_state[wkey] = [v for v in wanted_values if v in allowed]

    def date_label(d: object) -> str:
        if d == OTHER_DAY:
            return "Another day…"
        if d == cal.latest:
            return f"{d.isoformat()} (data taken)"  # type: ignore[union-attr]
        if d > cal.latest:  # type: ignore[operator]
            return f"{d.isoformat()} (month-end; data to {cal.latest})"  # type: ignore[union-attr]
        return d.isoformat()  # type: ignore[union-attr]

    with st.sidebar:
        st.markdown("### Credit portfolio risk")
        st.selectbox(
            "As-of date", [*cal.dates, OTHER_DAY], key="as_of_widget", format_func=date_label,
            help=f"Month-ends and the extraction date {cal.latest} (the day the data was taken) are ready at once; "
                 "any other day up to the extraction date is built on demand. Every figure is as known on this date.",
        )
        if st.session_state.as_of_widget == OTHER_DAY:
            st.date_input("Day", key="as_of_day", min_value=cal.first_date, max_value=cal.latest,
                          format="YYYY-MM-DD", help=f"Any day from {cal.first_date} to {cal.latest}.")
        with st.expander("Filters", expanded=any(st.session_state[f"filter_{k}"] for k in FILTERS)):
            for key, (_field, label, dim) in FILTERS.items():
                labels = dict(options.get(dim, []))
                st.multiselect(label, list(labels), key=f"filter_{key}", format_func=lambda v, m=labels: m.get(v, v),
                               placeholder="All")
        for problem in problems:
            st.warning(plain(problem), icon=":material/link_off:")

    as_of = st.session_state.as_of_day if st.session_state.as_of_widget == OTHER_DAY else st.session_state.as_of_widget
    filters = Filters(**{f: tuple(st.session_state[f"filter_{k}"]) for k, (f, _l, _d) in FILTERS.items()})
    params = {k: v for k, v in st.query_params.to_dict().items() if k not in FILTERS and k != "as_of"}
    params["as_of"] = as_of.isoformat()
    for key in FILTERS:
        if st.session_state[f"filter_{key}"]:
            params[key] = list(st.session_state[f"filter_{key}"])  # type: ignore[assignment]
    if params != st.query_params.to_dict() or any(len(st.query_params.get_all(k)) > 1 for k in FILTERS):
        st.query_params.from_dict(params)
    currency = cached_info(wh.version).get("reporting_currency", get_policy().reporting_currency)
    return AppContext(wh.version, as_of, filters, cal, currency)


def main() -> None:
    try:
        get_policy()
    except PolicyError as exc:
        st.error(f"The credit policy file is not valid, so the dashboard cannot start.\n\n{exc}")
        st.stop()
    if ASKED not in st.session_state:
        # the link this session was opened with, read before anything can rerun the session
        # (the sign-in's cookie check does, and the rerun no longer names the link's page)
        path = urlparse(st.context.url or "").path.strip("/").split("/")[-1]
        st.session_state[ASKED] = (path, st.query_params.to_dict())
    ensure_sample_accounts()
    actor = signed_in()
    if actor is None:  # the sign-in form is drawn; the page and link asked for are opened after signing in
        st.navigation(SECTIONS, position="hidden")
        if FRAME_PARAM in st.query_params:  # a deep link routed past this script: open it after signing in
            path = st.query_params.get(FRAME_PARAM)
            del st.query_params[FRAME_PARAM]
            st.session_state[ASKED] = (path, st.query_params.to_dict())
        st.stop()
    access = get_policy().access
    allowed = {section: [p for p in pages if can(access, actor, PAGE_ACTIONS.get(p.url_path, "view"))]
               for section, pages in SECTIONS.items()}
    allowed = {section: pages for section, pages in allowed.items() if pages}
    if not allowed:
        st.error(f"{actor.label()} may see no page of this dashboard: ask the administrator for a role.",
                 icon=":material/lock:")
        sidebar_account(actor)
        st.stop()
    page = st.navigation(allowed)
    sidebar_account(actor)
    target = st.query_params.get(FRAME_PARAM)
    params = st.query_params.to_dict()
    if target is not None:  # a deep link that bypassed this script (see analytics.app.ui.context)
        del st.query_params[FRAME_PARAM]
        params = st.query_params.to_dict()
    elif st.session_state.get(ASKED) is not None:  # the link the session was opened with, once
        path, asked_params = st.session_state[ASKED]
        if path:
            target, params = path, asked_params
    st.session_state[ASKED] = None
    if target is not None:
        wanted = next((p for pages in allowed.values() for p in pages if p.url_path == target), None)
        if wanted is not None and wanted.url_path != page.url_path:
            st.switch_page(wanted, query_params=params)
    ensure_warehouse()
    set_context(sidebar_state())
    try:
        page.run()
    except Exception:  # noqa: BLE001 - no traceback or exception text reaches a user; the log keeps it
        reference = uuid.uuid4().hex[:8]
        LOG.exception("page %s failed (reference %s)", page.title, reference)
        st.error(f"This view could not be drawn. Nothing was changed; try another date or filter, and if it "
                 f"persists report reference {reference} (the server log has the details).",
                 icon=":material/error:")


main()
