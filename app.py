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

from analytics import i18n
from analytics.i18n import _, N_
from analytics.views import Filters
from analytics.policy import PolicyError
from analytics.app.ui import (
    plain,
    fmt_date,
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

LANG_KEY = "lang_widget"  # the sidebar's language switch; ?lang= in the link
LANG_PROBLEM = "_lang_problem"


def choose_language() -> None:
    """The language of this run: the switch once set, else ?lang= from the link, else the
    browser's language (st.context.locale), else English; a nonsense ?lang= is reported."""
    if LANG_KEY not in st.session_state:
        asked = st.query_params.get("lang")
        lang = i18n.normalize(asked)
        st.session_state[LANG_PROBLEM] = asked if asked and lang is None else None
        st.session_state[LANG_KEY] = lang or i18n.normalize(st.context.locale) or i18n.DEFAULT
    i18n.use(st.session_state[LANG_KEY])


def language_switch() -> None:
    """The sidebar's language switch (English / 中文), and what was wrong with ?lang=."""
    with st.sidebar:
        st.radio(_("Language"), list(i18n.LANGUAGES), key=LANG_KEY, format_func=i18n.LANGUAGES.get,
                 horizontal=True, label_visibility="collapsed")
        if st.session_state.get(LANG_PROBLEM):
            st.warning(plain(_("lang: unknown language {code}; use one of {choices}.").format(
                code=repr(st.session_state[LANG_PROBLEM]), choices=", ".join(i18n.LANGUAGES))),
                icon=":material/link_off:")


choose_language()
st.set_page_config(page_title=_("Credit portfolio risk"), page_icon=":material/account_balance:", layout="wide")

# Room for the figures on a projector (1280×720 with the sidebar open leaves ~980 px): less
# padding around the page, and KPI values a size smaller on narrow screens so they are never cut.
FRAME_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-left: 2rem; padding-right: 2rem; padding-top: 3rem; }
[data-testid="stMetricValue"] { font-size: 1.9rem; }
@media (max-width: 1500px) {
  [data-testid="stMainBlockContainer"] { padding-left: 1.25rem; padding-right: 1.25rem; }
  [data-testid="stMetricValue"] { font-size: 1.55rem; }
  [data-testid="stMetricLabel"] p { font-size: 0.85rem; }
}
</style>"""

FILTERS = {  # url key -> (Filters field, sidebar label, filter_options dimension)
    "segment": ("segments", N_("Segment"), "segment"),
    "industry": ("industries", N_("Industry"), "industry"),
    "region": ("regions", N_("Region"), "region"),
    "manager": ("managers", N_("Credit manager"), "credit_manager"),
    "group": ("groups", N_("Group"), "group"),
}
SECTIONS = {
    _("Portfolio"): [
        st.Page("pages/portfolio.py", title=_("Portfolio exposure"), icon=":material/donut_large:", url_path="portfolio"),
        st.Page("pages/whatif.py", title=_("What-if: limits and stress"), icon=":material/tune:", url_path="whatif"),
        st.Page("pages/limits.py", title=_("Limit recommendations"), icon=":material/credit_score:", url_path="limits"),
    ],
    _("Receivables"): [
        st.Page("pages/aging.py", title=_("Receivables aging"), icon=":material/hourglass_bottom:", url_path="aging"),
        st.Page("pages/kpis.py", title=_("Payment KPIs"), icon=":material/speed:", url_path="kpis"),
        st.Page("pages/provisions.py", title=_("Roll rates and provisions"), icon=":material/savings:",
                url_path="provisions"),
        st.Page("pages/collections.py", title=_("Collections worklist"), icon=":material/call:",
                url_path="collections"),
    ],
    _("Monitoring"): [
        st.Page("pages/watchlist.py", title=_("Watchlist"), icon=":material/notification_important:",
                url_path="watchlist"),
        st.Page("pages/migration.py", title=_("Rating migration"), icon=":material/swap_vert:", url_path="migration"),
        st.Page("pages/reviews.py", title=_("Review schedule"), icon=":material/event_repeat:", url_path="reviews"),
        st.Page("pages/scoring.py", title=_("Credit scoring"), icon=":material/scoreboard:", url_path="scoring"),
    ],
    _("Customers"): [
        st.Page("pages/customer.py", title=_("Customer credit file"), icon=":material/badge:", url_path="customer"),
    ],
    _("Decisions"): [
        st.Page("pages/applications.py", title=_("Credit applications"), icon=":material/approval:",
                url_path="applications"),
        st.Page("pages/committee.py", title=_("Credit committee"), icon=":material/groups:", url_path="committee"),
        st.Page("pages/audit.py", title=_("Audit trail"), icon=":material/fact_check:", url_path="audit"),
    ],
    _("Data"): [
        st.Page("pages/data.py", title=_("Data and policy"), icon=":material/database:", url_path="data"),
    ],
}
ASKED = "_asked_link"  # (url path, query parameters) the session was opened with; None once opened
PAGE_ACTIONS = {"applications": "view_decisions", "committee": "view_decisions", "audit": "audit"}  # else "view"
PAGES = [page for pages in SECTIONS.values() for page in pages]


def open_first_page() -> None:
    """The root URL: opens the first page the user may see (the exposure page for most) at its
    own URL, so /portfolio is a page of its own and a link to it opens it."""
    first = st.session_state.get(FIRST_PAGE_KEY) or PAGES[0]
    st.switch_page(first, query_params=st.query_params.to_dict())


FIRST_PAGE_KEY = "_first_page"
# the default (root) page: Streamlit gives the default page the root URL only, so it is a router
# and every page of the navigation keeps its own URL
HOME = st.Page(open_first_page, title=_("Credit portfolio risk"), url_path="home", default=True)


def sidebar_navigation(allowed: dict[str, list], box: object) -> None:
    """The navigation in the sidebar: the pages the user may see, by section, every one listed
    (Streamlit's own menu folds after ten pages behind an English "View more")."""
    with box:  # type: ignore[attr-defined]
        st.markdown("### " + _("Credit portfolio risk"))
        for section, pages in allowed.items():
            st.caption(section)
            for nav_page in pages:
                st.page_link(nav_page, label=nav_page.title, icon=nav_page.icon)
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
                _("This warehouse was built by an older version of the dashboard, so its tables do not match "
                  "what the pages need. Reload your data to rebuild it:\n\n"
                  "`python -m analytics load SOURCE_DIR` (the folder of your export)"), icon=":material/update:")
            st.stop()
    except WarehouseMissing:
        pass
    build = sample_build(str(folder))
    st.title(_("Credit portfolio risk"))
    if build.failed:
        st.error(_("Building the sample warehouse failed. What the build printed:"))
        st.code("\n".join(build.log_lines()[-30:]) or _("(nothing)"), language=None)
        if st.button(_("Try again"), icon=":material/refresh:"):
            sample_build.clear()
            st.rerun()
        st.stop()
    with st.status(_("Building the sample warehouse (2,000 customers, 3 years)..."), expanded=True):
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
            problems.append(_("as_of: {problem}; showing the extraction date {date} instead.").format(
                problem=exc, date=fmt_date(cal.latest)))
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
                problems.append(_("{filter}: unknown value(s) {values} ignored.").format(
                    filter=_(label), values=", ".join(map(repr, unknown))))
            st.session_state[wkey] = [v for v in wanted_values if v in allowed]

    def date_label(d: object) -> str:
        if d == OTHER_DAY:
            return _("Another day…")
        if d == cal.latest:
            return _("{date} (data taken)").format(date=fmt_date(d))  # type: ignore[arg-type]
        if d > cal.latest:  # type: ignore[operator]
            return _("{date} (month-end; data to {latest})").format(date=fmt_date(d), latest=fmt_date(cal.latest))  # type: ignore[arg-type]
        return fmt_date(d)  # type: ignore[arg-type]

    with st.sidebar:
        st.selectbox(
            _("As-of date"), [*cal.dates, OTHER_DAY], key="as_of_widget", format_func=date_label,
            help=_("Month-ends and the extraction date {date} (the day the data was taken) are ready at once; "
                   "any other day up to the extraction date is built on demand. Every figure is as known on this "
                   "date.").format(date=fmt_date(cal.latest)),
        )
        if st.session_state.as_of_widget == OTHER_DAY:
            st.date_input(_("Day"), key="as_of_day", min_value=cal.first_date, max_value=cal.latest,
                          format="YYYY-MM-DD", help=_("Any day from {first} to {last}.").format(
                              first=fmt_date(cal.first_date), last=fmt_date(cal.latest)))
        with st.expander(_("Filters"), expanded=any(st.session_state[f"filter_{k}"] for k in FILTERS)):
            for key, (_field, label, dim) in FILTERS.items():
                labels = dict(options.get(dim, []))
                st.multiselect(_(label), list(labels), key=f"filter_{key}", format_func=lambda v, m=labels: m.get(v, v),
                               placeholder=_("All"))
        for problem in problems:
            st.warning(plain(problem), icon=":material/link_off:")

    as_of = st.session_state.as_of_day if st.session_state.as_of_widget == OTHER_DAY else st.session_state.as_of_widget
    filters = Filters(**{f: tuple(st.session_state[f"filter_{k}"]) for k, (f, _l, _d) in FILTERS.items()})
    params = {k: v for k, v in st.query_params.to_dict().items() if k not in FILTERS and k not in ("as_of", "lang")}
    params["as_of"] = as_of.isoformat()
    if i18n.current() != i18n.DEFAULT:
        params["lang"] = i18n.current()
    for key in FILTERS:
        if st.session_state[f"filter_{key}"]:
            params[key] = list(st.session_state[f"filter_{key}"])  # type: ignore[assignment]
    if params != st.query_params.to_dict() or any(len(st.query_params.get_all(k)) > 1 for k in FILTERS):
        st.query_params.from_dict(params)
    currency = cached_info(wh.version).get("reporting_currency", get_policy().reporting_currency)
    # the cache key of this run: views hold text, so each language has its own
    key = wh.version if i18n.current() == i18n.DEFAULT else f"{wh.version}@{i18n.current()}"
    return AppContext(key, as_of, filters, cal, currency)


def main() -> None:
    try:
        get_policy()
    except PolicyError as exc:
        st.error(_("The credit policy file is not valid, so the dashboard cannot start.") + f"\n\n{exc}")
        st.stop()
    if ASKED not in st.session_state:
        # the link this session was opened with, read before anything can rerun the session
        # (the sign-in's cookie check does, and the rerun no longer names the link's page)
        path = urlparse(st.context.url or "").path.strip("/").split("/")[-1]
        st.session_state[ASKED] = (path, st.query_params.to_dict())
    st.html(FRAME_CSS)
    nav_box = st.sidebar.container()  # the navigation, drawn once the user is known, above the rest
    ensure_sample_accounts()
    language_switch()
    actor = signed_in()
    if actor is None:  # the sign-in form is drawn; the page and link asked for are opened after signing in
        st.navigation({**SECTIONS, "": [HOME]}, position="hidden")
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
        st.error(_("{user} may see no page of this dashboard: ask the administrator for a role.").format(
            user=actor.label()), icon=":material/lock:")
        sidebar_account(actor)
        st.stop()
    st.session_state[FIRST_PAGE_KEY] = next(iter(allowed.values()))[0]
    page = st.navigation({**allowed, "": [HOME]}, position="hidden")
    sidebar_navigation(allowed, nav_box)
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
    if page.url_path == "":  # the root URL: the first page the user may see, at its own URL
        st.switch_page(st.session_state[FIRST_PAGE_KEY], query_params=params)
    ensure_warehouse()
    set_context(sidebar_state())
    try:
        page.run()
    except Exception:  # noqa: BLE001 - no traceback or exception text reaches a user; the log keeps it
        reference = uuid.uuid4().hex[:8]
        LOG.exception("page %s failed (reference %s)", page.title, reference)
        st.error(_("This view could not be drawn. Nothing was changed; try another date or filter, and if it "
                   "persists report reference {reference} (the server log has the details).").format(
                       reference=reference), icon=":material/error:")


main()
