"""Streamlit building blocks shared by the pages: app context, cached access,
number formats, tables with CSV/XLSX downloads. Pages stay layout only.
"""

from __future__ import annotations

import atexit
import logging
import re
from concurrent.futures import Future
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import polars as pl
import streamlit as st

from analytics.data import export
from analytics.i18n import N_, _, current, ngettext, speaking  # noqa: F401 - (pages may import them from here)
from analytics.labels import LABELS, label  # noqa: F401
from analytics.formats import (MISSING, fmt_amount, fmt_date, fmt_days, fmt_delta, fmt_int, fmt_number,  # noqa: F401
                               fmt_pct, fmt_pd, fmt_value)  # (pages import them from here)
from analytics.risk.exposure import ExposureView
from analytics.risk.collections import Worklist
from analytics.app.firstrun import SampleBuild, start_sample_build
from analytics.app.jobs import JobBoard
from analytics.policy import Policy, load_policy
from analytics.views import CustomerFile, Filters, SnapshotCalendar, calendar, customer_file, exposure_view, filter_options
from analytics.views.receivables import (
    AgingView,
    KpiView,
    ProvisionView,
    aging_split,
    aging_view,
    collections_view,
    kpi_view,
    provision_view,
    ReconciliationView,
    reconciliation_view,
)
from analytics.views.monitoring import (MigrationView, MonitoringInputs, ReviewView, WatchlistView, migration_view,
                                       monitoring_inputs, rating_span, review_view, watchlist_view)
from analytics.risk.watchlist import Rule
from analytics.policy.levers import Levers, base_of
from analytics.views.scoring import ScoreInputs, ScoresView, score_inputs, scores_from
from analytics.views.models import (ModelRun, ModelValidation, Movers, grade_pd_pct, model_runs, model_scores_view,
                                   model_validation, movers)
from analytics.views.whatif import (LimitRecommendations, ScenarioView, customer_limit_recommendation,
                                   limit_recommendations, run_monte_carlo, scenario_view, whatif_inputs)
from analytics.risk.whatif import LossDistribution, Outcome, WhatIfInputs
from analytics.risk import whatif
from analytics.data.warehouse import Warehouse, current_path, warehouse_dir
from analytics.policy.access import Actor, can
from analytics.store.db import store_url
from analytics.store.decisions import DecisionStore

LOG = logging.getLogger("credit_dashboard")

CTX_KEY = "_app_context"


# ----------------------------------------------------------------------------- text from data

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def plain(text: object) -> str:
    """Text from the data or from a link, safe in any Streamlit element that renders Markdown
    (titles, captions, alerts, metric labels): every ASCII punctuation character is
    backslash-escaped (CommonMark allows it for all of them), so none of it reads as
    Markdown, HTML, a link, an image, a colour or an icon directive; line breaks become
    spaces. The one place pages escape such text."""
    return _PUNCTUATION.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")


def kpi(container: object, label: str, value: str, change: float | None = None, kind: str = "amt",
        currency: str = "", good: str = "neutral", help: str | None = None,
        trend: list[float] | None = None) -> None:
    """A bordered KPI tile with its change against the comparison date and an optional sparkline.

    good: 'up' (a rise is good, green), 'down' (a rise is bad, red) or 'neutral' (grey).
    A change that rounds to zero shows without an arrow.
    """
    rounded = None if change is None else round(change, 1 if kind in ("pp", "days") else 0)
    color = "off" if rounded == 0 else {"up": "normal", "down": "inverse"}.get(good, "off")
    container.metric(  # type: ignore[attr-defined]
        label, value, fmt_delta(change, kind, currency), delta_color=color, border=True, help=help,
        delta_arrow="off" if rounded == 0 else "auto", chart_data=trend, chart_type="area" if trend else "line",
        height="stretch",
    )


# ----------------------------------------------------------------------------- cached access

@st.cache_resource(show_spinner=False)
def get_policy() -> Policy:
    return load_policy()


@st.cache_resource(show_spinner=False, max_entries=4)
def _open_store(url: str) -> DecisionStore:
    return DecisionStore(get_policy(), url=url)


def get_store() -> DecisionStore:
    """The decisions store (one engine per server process and URL; see analytics.store.db)."""
    return _open_store(store_url())


def decided_stamp() -> int:
    """The decided limits' version (0 when there are none or the store cannot be read)."""
    try:
        return get_store().limits_stamp()
    except Exception:  # noqa: BLE001 - the analytics pages still work from the loaded limits
        LOG.exception("the decisions store cannot be read; pages show the loaded limits only")
        return 0


@st.cache_resource(show_spinner=False, max_entries=4)
def _open_warehouse(path: str, store: str, stamp: int) -> Warehouse:
    """One read-only connection per warehouse version and decided-limits version (of the
    store at URL `store`); queries use their own cursors."""
    decided = get_store().decided_limits() if stamp else None
    return Warehouse(warehouse_dir(), decided=decided, stamp=stamp)


def get_warehouse() -> Warehouse:
    """The current warehouse with the decided limits on top; a new version (or a new
    decided limit) is picked up on the next rerun."""
    return _open_warehouse(str(current_path(warehouse_dir())), store_url(), decided_stamp())


REFUSED = {
    "view": N_("{user} may not see this page."),
    "view_decisions": N_("{user} may not see credit decisions."),
    "audit": N_("{user} may not see the audit trail."),
}


def require_page(action: str, what: str = "") -> Actor:
    """Stop the page with a message unless the signed-in user may `action` (every page
    calls it, so a deep link past the navigation is refused too). `what` is kept for old
    callers; the message is one whole sentence per action (REFUSED)."""
    from analytics.app.auth import current_actor
    actor = current_actor()
    if not can(get_policy().access, actor, action):
        message = (_("Sign in first.") if actor is None
                   else _(REFUSED.get(action, N_("{user} may not do this."))).format(user=plain(actor.label())))
        st.error(message, icon=":material/lock:")
        st.stop()
    return actor  # type: ignore[return-value]


@st.cache_resource(show_spinner=False)
def sample_build(folder: str) -> SampleBuild:
    """The one first-run sample build of this server process (shared by all sessions)."""
    return start_sample_build(Path(folder))


@st.cache_data(show_spinner=False, max_entries=16)
def cached_calendar(version: str) -> SnapshotCalendar:
    return calendar(get_warehouse())


@st.cache_data(show_spinner=False, max_entries=16)
def cached_filter_options(version: str) -> dict[str, list[tuple[str, str]]]:
    return filter_options(get_warehouse())


@st.cache_data(show_spinner=False, max_entries=8)
def cached_info(version: str) -> dict[str, str]:
    return get_warehouse().info()


@st.cache_data(show_spinner=False, max_entries=8)
def cached_present_tables(version: str) -> set[str]:
    return get_warehouse().present_tables()


@st.cache_data(show_spinner=False, max_entries=64)
def cached_exposure_view(version: str, as_of: date, filters: Filters) -> ExposureView:
    return exposure_view(get_warehouse(), as_of, filters, get_policy())


@st.cache_data(show_spinner=False, max_entries=64)
def cached_customer_file(version: str, customer_id: str, as_of: date) -> CustomerFile:
    return customer_file(get_warehouse(), customer_id, as_of, get_policy())


@st.cache_data(show_spinner=False, max_entries=64)
def cached_customer_search(version: str, text: str, limit: int = 50) -> pl.DataFrame:
    """Customers whose id or name contains text (at most `limit`)."""
    return get_warehouse().query("customer_search", text=text.strip(), max_rows=limit)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_aging_view(version: str, as_of: date, filters: Filters, by_invoice_date: bool) -> AgingView:
    return aging_view(get_warehouse(), as_of, filters, get_policy(), by_invoice_date, with_splits=False)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_aging_split(version: str, as_of: date, filters: Filters, by_invoice_date: bool,
                       dimension: str) -> pl.DataFrame:
    return aging_split(get_warehouse(), as_of, filters, get_policy(), dimension, by_invoice_date)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_kpi_view(version: str, as_of: date, filters: Filters, period_months: int) -> KpiView:
    return kpi_view(get_warehouse(), as_of, filters, get_policy(), period_months)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_provision_view(version: str, as_of: date, filters: Filters, window_months: int,
                          bounds: tuple[int, ...], rates: tuple[float, ...] | None,
                          overlay_factor: float) -> ProvisionView:
    return provision_view(get_warehouse(), as_of, filters, get_policy(), window_months, bounds,
                          None if rates is None else list(rates), overlay_factor)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_collections_view(version: str, as_of: date, filters: Filters) -> Worklist:
    return collections_view(get_warehouse(), as_of, filters, get_policy())


@st.cache_data(show_spinner=False, max_entries=16)
def cached_reconciliation_view(version: str, as_of: date, filters: Filters) -> ReconciliationView:
    return reconciliation_view(get_warehouse(), as_of, filters, get_policy())


@st.cache_data(show_spinner=False, max_entries=8)
def cached_load_notes(version: str) -> pl.DataFrame:
    return get_warehouse().query("load_notes")


@st.cache_data(show_spinner=False, max_entries=8)
def cached_rating_span(version: str) -> tuple[date, date] | None:
    return rating_span(get_warehouse())


@st.cache_data(show_spinner=False, max_entries=32)
def cached_migration_view(version: str, start: date, end: date, filters: Filters, average_years: int) -> MigrationView:
    return migration_view(get_warehouse(), start, end, filters, get_policy(), average_years)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_monitoring_inputs(version: str, as_of: date, filters: Filters) -> MonitoringInputs:
    return monitoring_inputs(get_warehouse(), as_of, filters, get_policy())


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_whatif_inputs(version: str, as_of: date, filters: Filters) -> WhatIfInputs:
    """Fetched once per date and filters and shared (read-only arrays, not copied per rerun)."""
    policy = get_policy()
    provisions = cached_provision_view(version, as_of, filters, policy.roll_window_months,
                                       policy.provision_bucket_upper_dpd, None, policy.overlay_factor)
    return whatif_inputs(get_warehouse(), as_of, filters, policy, cached_monitoring_inputs(version, as_of, filters),
                         provisions)


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_base_outcome(version: str, as_of: date, filters: Filters, base: Levers) -> Outcome:
    return whatif.run(cached_whatif_inputs(version, as_of, filters), base)


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_scenario_view(version: str, as_of: date, filters: Filters, levers: Levers) -> ScenarioView:
    """A lever move: one pure evaluation on the shared inputs (the base is cached apart)."""
    inputs = cached_whatif_inputs(version, as_of, filters)
    base = cached_base_outcome(version, as_of, filters, base_of(levers, inputs.policy_levers))
    return scenario_view(inputs, levers, base=base)


def _session_active(session_id: str) -> bool:
    from streamlit import runtime
    return runtime.exists() and runtime.get_instance().is_active_session(session_id)


MONTE_CARLO = JobBoard(_session_active)
atexit.register(MONTE_CARLO.stop)


def monte_carlo_jobs(version: str, as_of: date, filters: Filters,
                     levers: Levers) -> tuple[Future[LossDistribution], Future[LossDistribution]]:
    """The Monte Carlo of a scenario and of its base, each on its own thread for this
    session (analytics.app.jobs), so a slider answers with the closed form at once; the same
    levers reuse the same run, and runs this session no longer shows are cancelled."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    run_ctx = get_script_run_ctx()
    session = run_ctx.session_id if run_ctx is not None else "local"
    view = cached_scenario_view(version, as_of, filters, levers)
    key = (version, as_of, filters, levers)
    jobs = MONTE_CARLO.want(session, {
        (*key, "scenario"): lambda cancelled: run_monte_carlo(view.inputs, view.scenario, cancelled),
        (*key, "base"): lambda cancelled: run_monte_carlo(view.inputs, view.base, cancelled)})
    return jobs[(*key, "scenario")], jobs[(*key, "base")]


@st.cache_data(show_spinner=False, max_entries=64)
def cached_watchlist_view(version: str, as_of: date, filters: Filters, rules: tuple[Rule, ...]) -> WatchlistView:
    return watchlist_view(cached_monitoring_inputs(version, as_of, filters), get_policy(), rules)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_review_view(version: str, as_of: date, filters: Filters) -> ReviewView:
    return review_view(cached_monitoring_inputs(version, as_of, filters), get_policy())


@st.cache_data(show_spinner=False, max_entries=16)
def cached_score_inputs(version: str, as_of: date, filters: Filters) -> ScoreInputs:
    """The characteristics to score, read once per version, date and filters."""
    return score_inputs(get_warehouse(), as_of, filters)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_scores_view(version: str, as_of: date, filters: Filters) -> ScoresView:
    """The policy scorecard's grades, once per version, date and filters (the base of the
    weights what-if)."""
    policy = get_policy()
    validation = cached_model_validation(version, "expert") if policy.rating.pd_source == "observed" else None
    return scores_from(cached_score_inputs(version, as_of, filters), policy, grade_pd=grade_pd_pct(policy, validation))


@st.cache_data(show_spinner=False, max_entries=4)
def cached_model_runs(version: str) -> dict[str, ModelRun]:
    """What each rating model's last run did (per warehouse version)."""
    return model_runs(get_warehouse())


@st.cache_data(show_spinner=False, max_entries=16)
def cached_limit_recommendations(version: str, as_of: date, filters: Filters) -> LimitRecommendations:
    """The policy's recommended limits for everyone in scope (the what-if engine's formula)."""
    return limit_recommendations(cached_whatif_inputs(version, as_of, filters), get_policy())


@st.cache_data(show_spinner=False, max_entries=64)
def cached_customer_limit(version: str, customer_id: str, group_id: str, as_of: date) -> dict[str, object] | None:
    """One customer's limit recommendation (its group's inputs only)."""
    return customer_limit_recommendation(get_warehouse(), customer_id, group_id, as_of, get_policy())


@st.cache_data(show_spinner=False, max_entries=4)
def cached_rating_model(version: str) -> str | None:
    """The model whose grades are the ratings with source = model (None: none)."""
    return next((m for m, r in cached_model_runs(version).items() if r.is_rating_model), None)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_model_scores(version: str, as_of: date, filters: Filters, model: str) -> ScoresView:
    """A rating model's scores at the scored month-end, once per version, date, filters and model."""
    policy = get_policy()
    validation = cached_model_validation(version, model) if policy.rating.pd_source == "observed" else None
    return model_scores_view(get_warehouse(), as_of, filters, policy, model, grade_pd_pct(policy, validation))


@st.cache_data(show_spinner=False, max_entries=8)
def cached_model_validation(version: str, model: str) -> ModelValidation:
    return model_validation(get_warehouse(), get_policy(), model)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_movers(version: str, as_of: date, filters: Filters, model: str) -> Movers:
    return movers(get_warehouse(), as_of, filters, get_policy(), model)


# ----------------------------------------------------------------------------- app context

@dataclass(frozen=True)
class AppContext:
    """What app.py resolved for this rerun: warehouse version, as-of date, filters."""

    version: str
    as_of: date
    filters: Filters
    calendar: SnapshotCalendar
    currency: str


def set_context(ctx: AppContext) -> None:
    st.session_state[CTX_KEY] = ctx


FRAME_PARAM = "_open"


def context(needs: str = "view") -> AppContext:
    """The context app.py resolved for this rerun.

    needs: the permission the page needs ("view" for the analytics pages); without it the
    page stops with a message, whatever way it was reached.

    A deep link to a page (/customer?...) on a server that has not yet run app.py is
    routed by Streamlit's folder-based navigation straight to pages/<name>.py, past
    app.py. Then there is no context: send the user through app.py, which opens the
    page they asked for with their query parameters intact.
    """
    if CTX_KEY not in st.session_state:
        page = urlparse(st.context.url or "").path.strip("/").split("/")[-1]
        st.switch_page("app.py", query_params={**st.query_params.to_dict(), FRAME_PARAM: page})
    require_page(needs)
    return st.session_state[CTX_KEY]


# ----------------------------------------------------------------------------- tables

def _currency(currency: str | None) -> str:
    """The given currency, else the reporting currency of this rerun's context ('' outside the app)."""
    if currency is not None:
        return currency
    try:
        ctx = st.session_state.get(CTX_KEY)
    except Exception:  # noqa: BLE001 - outside a script run there is no context
        ctx = None
    return getattr(ctx, "currency", "") or ""


def wants_field_names(name: str, machine_names: bool | None = None) -> bool:
    """Whether a download keeps the field names as its headers: when asked, else when its file
    name says it is an import file (the ERP's decided limits load back by the contract's names)."""
    return ("import" in name) if machine_names is None else machine_names


def download_buttons(frame: pl.DataFrame | Callable[[], pl.DataFrame], name: str, key: str,
                     currency: str | None = None, machine_names: bool | None = None) -> None:
    """CSV and XLSX downloads of one table, side by side; built only when clicked.

    frame may be a callable so a large export is not even assembled until then. The files
    carry the columns' labels in the current language (the XLSX adds a "Fields" sheet with
    the field names and units) in the table's reading order; a file that must load back
    (machine_names, or by default a file whose name says it is an import file, such as the
    ERP's decided limits) keeps the field names and their order.
    """
    machine = wants_field_names(name, machine_names)
    lang, cur = current(), _currency(currency)

    def data() -> pl.DataFrame:
        return frame() if callable(frame) else frame

    def csv() -> bytes:  # built when clicked, maybe on another thread: in the language of the page
        with speaking(lang):
            return export.to_csv_bytes(data(), human=not machine, currency=cur)

    def xlsx() -> bytes:
        with speaking(lang):
            return export.to_xlsx_bytes({name: data()}, human=not machine, currency=cur)

    row = st.container(horizontal=True, gap="small")  # sized to the labels, also in narrow columns
    row.download_button("CSV", csv, f"{name}.csv", "text/csv", key=f"{key}_csv",
                        icon=":material/download:", on_click="ignore", width="content")
    row.download_button("XLSX", xlsx, f"{name}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
                        icon=":material/download:", on_click="ignore", width="content")


def xlsx_bytes(sheets: dict[str, pl.DataFrame], currency: str | None = None, machine_names: bool = False) -> bytes:
    """A workbook of several sheets (the exports' rules: numbers stay numbers, no formulas;
    human headers in the current language with a "Fields" sheet unless machine_names)."""
    return export.to_xlsx_bytes(sheets, human=not machine_names, currency=_currency(currency))


MOMENT_DATE = {"en": "MMM D, YYYY", "zh": "YYYY年M月D日"}  # the grid's date formats (momentJS), as fmt_date writes
MOMENT_DATETIME = {"en": "MMM D, YYYY HH:mm", "zh": "YYYY年M月D日 HH:mm"}


def number_format(name: str, kind: str) -> str:
    """The grid's format of a number column (printf with ',' thousands separators, rounded):
    amounts '1,234,567.89', percents '12.3 %' (PDs '0.03 %', rates '0.125 %'), days and
    counts '1,234', ids without separators."""
    if kind == "amt":
        return "%,.2f"
    if kind in ("pct", "frac"):
        return f"%,.{export.pct_digits(name)}f %%"
    if kind in ("days", "int"):
        return "%,d"
    if kind == "id":
        return "%d"
    if kind == "pvalue":
        return "%.4f"
    if kind == "ratio":
        return "%.3f"
    return "%,.2f"


def money_config(frame: pl.DataFrame, currency: str) -> dict[str, object]:
    """Column headers from the label catalogue (analytics.labels.label, with units) and
    formats by the unit each name carries: amounts with separators and 2 decimals, percents
    with fixed decimals per kind, days and counts as integers with separators, dates in the
    language's form, booleans as check boxes."""
    lang = current()
    config: dict[str, object] = {}
    for name, dtype in frame.schema.items():
        text = label(name, currency)
        kind = export.column_kind(name, dtype)
        if kind in export.NUMERIC_KINDS:
            config[name] = st.column_config.NumberColumn(text, format=number_format(name, kind))
        elif kind == "bool":
            config[name] = st.column_config.CheckboxColumn(text)
        elif kind == "date":
            config[name] = st.column_config.DateColumn(text, format=MOMENT_DATE.get(lang, MOMENT_DATE["en"]))
        elif kind == "datetime":
            config[name] = st.column_config.DatetimeColumn(text, format=MOMENT_DATETIME.get(lang, MOMENT_DATETIME["en"]))
        elif name == frame.columns[0] and dtype == pl.String and frame.height:
            # the row label, wide enough for its longest value (the grid sizes a column on its first rows)
            longest = max(len(text), int(frame[name].str.len_chars().max() or 0))
            config[name] = st.column_config.Column(text, width=min(280, 18 + 7 * longest))
        else:
            config[name] = st.column_config.Column(text)
    return config


MISSING_TEXTS = ("None", "none", "nan", "NaN", "null", "NULL", "n/a", "N/A")


def shown_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """A table as the grid shows it: columns in reading order (export.display_order), NaN and
    infinities missing, days past due never negative (a not-due item shows 0), fractions as
    percent numbers, amounts rounded to the cent and days and counts to whole numbers (so the
    grid's fixed decimals read alike down a column), and 'None'/'nan' texts missing (the grid
    leaves missing cells blank)."""
    shown = export.for_people(frame.select(export.display_order(frame)))
    changes = []
    for name, dtype in shown.schema.items():
        kind = export.column_kind(name, dtype)
        if dtype == pl.String:
            changes.append(pl.when(pl.col(name).is_in(list(MISSING_TEXTS))).then(None).otherwise(pl.col(name)).alias(name))
        elif kind == "frac":
            changes.append((pl.col(name) * 100).alias(name))
        elif kind == "amt" and dtype in (pl.Float32, pl.Float64):
            changes.append(pl.col(name).round(2))
        elif kind in ("days", "int") and dtype in (pl.Float32, pl.Float64):
            changes.append(pl.col(name).round(0))
    return shown.with_columns(changes) if changes else shown


def table(frame: pl.DataFrame, name: str, key: str, currency: str, height: int | str = "auto",
          selectable: bool = False, download: pl.DataFrame | Callable[[], pl.DataFrame] | None = None) -> object:
    """A formatted table with its downloads (of `download` when the table shows only part of
    it); returns the selection when selectable (rows are the frame's rows: only the columns
    are reordered)."""
    shown = shown_frame(frame)
    event = st.dataframe(
        shown.to_arrow(), hide_index=True, column_config=money_config(shown, currency), key=key, height=height,
        on_select="rerun" if selectable else "ignore", selection_mode="single-row", placeholder="",
    )
    download_buttons(frame if download is None else download, name, key, currency=currency)
    return event


def keep_in_link(key: str, token: str | None) -> None:
    """Keep `token` in the link's parameter `key` (none when token is empty), so a copied link
    reproduces the view; the link is rewritten only when it changes."""
    if token != st.query_params.get(key):
        if token:
            st.query_params[key] = token
        else:
            st.query_params.pop(key, None)


def open_customer_on_select(event: object, frame: pl.DataFrame, as_of: date) -> None:
    """When a row of `frame` (with customer_id) is selected, open that customer's credit file."""
    rows = event.selection.rows if event is not None else []  # type: ignore[attr-defined]
    if rows:
        chosen = frame["customer_id"][rows[0]]
        st.switch_page("pages/customer.py", query_params={"customer": chosen, "as_of": as_of.isoformat()})


PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], .stDownloadButton, [data-testid="stBaseButton-secondary"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 1rem !important; max-width: 100% !important; }
  [data-testid="stVerticalBlock"] { break-inside: auto; }
  .stPlotlyChart, [data-testid="stDataFrame"], [data-testid="stMetric"] { break-inside: avoid; }
}
</style>
"""


def print_button() -> None:
    """A button that opens the browser's print dialog, with a print layout (no sidebar, no buttons)
    so 'Save as PDF' gives a clean credit file."""
    st.html(PRINT_CSS)
    if st.button(_("Print / save as PDF"), icon=":material/print:", key="print_file"):
        st.components.v1.html("<script>window.parent.print()</script>", height=0)


def optional_table(frame: pl.DataFrame, loaded: bool, not_loaded: str, empty: str, name: str, key: str,
                   currency: str, height: int | str = "auto") -> bool:
    """A table from an optional source: says plainly when the source was not loaded or has
    nothing for this customer or date (the page's messages, in its language). True when the
    table was shown."""
    if not loaded:
        st.info(not_loaded or _("This source was not loaded."))
        return False
    if frame.height == 0:
        st.info(empty or _("Nothing to show for this date."))
        return False
    table(frame, name, key, currency, height=height)
    return True
