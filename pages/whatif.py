"""What-if: move a lever of the limit policy, the terms and holds or the stress, and the
whole portfolio answers (limits, over-limit, sales at risk, expected loss, provision, loss
distribution, concentration, watchlist). Scenarios can be saved, compared and shared by URL.

The page opens at no change (today's limits, terms and holds, no stress: every figure
equals the base); the policy's limits and the saved scenarios are one click away. The
link keeps the levers (`?scenario=`, written against the policy's levers, as links always
were), so a link reproduces its view."""

import time
from dataclasses import replace

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.jobs import Cancelled
from analytics.app.ui import (cached_scenario_view, cached_whatif_inputs, context, download_buttons, fmt_amount, fmt_int,
                          fmt_pct, get_policy, keep_in_link, kpi, monte_carlo_jobs, plain, table)
from analytics.i18n import N_, _, ngettext
from analytics.labels import LABELS, label
from analytics.views.whatif import (BASE_LABELS, BASES, LIMIT_LEVERS, MAX_INDIVIDUAL_NAMES, LeverError, Levers,
                                    ScenarioStore, StoreError, compare_scenarios, from_mapping, from_token, grade_rows,
                                    labelled, measure, shown_changes, shown_comparison, today, with_grade_rows,
                                    with_limit_policy)

ctx = context()
cur = ctx.currency
policy = get_policy()
POLICY = policy.levers
TODAY = today(POLICY)  # no change: where the page opens
store = ScenarioStore()
URL_KEY = "scenario"
MAX_COMPARE = 4

st.title(_("What-if: limits and stress"))
st.caption(_("The page opens at no change: today's limits, terms and holds, no stress, so every figure equals the "
             "base. Apply the limit policy or load a saved scenario in one click, then move a lever and the whole "
             "portfolio answers. Loss quantiles come from the one-factor model: the closed form answers at once, "
             "the Monte Carlo with one factor per industry follows."))

inputs = cached_whatif_inputs(ctx.version, ctx.as_of, ctx.filters)
LEVELS = inputs.approval_levels


def load(levers: Levers, token: str | None = None) -> None:
    """Make `levers` the widgets' values (fresh widgets: their keys carry a generation)."""
    st.session_state.wi_levers = levers
    st.session_state.wi_gen = st.session_state.get("wi_gen", 0) + 1
    st.session_state.wi_url = token if token is not None else st.query_params.get(URL_KEY)  # the link is dealt with


if "wi_levers" not in st.session_state:
    load(TODAY)
    st.session_state.wi_url = None  # a link the session opens with is still to be applied
url_token = st.query_params.get(URL_KEY)
if url_token and url_token != st.session_state.get("wi_url"):
    try:
        load(from_token(url_token, POLICY), url_token)
    except LeverError as exc:
        st.session_state.wi_url = url_token
        st.warning(_("The link's scenario could not be read: {why}. The page shows no change (today's "
                     "portfolio).").format(why=plain(exc)), icon=":material/link_off:")


def on_today() -> None:
    load(TODAY)
    st.session_state.wi_chosen = None


def on_limit_policy(levers: Levers) -> None:
    load(with_limit_policy(levers, POLICY))
    st.session_state.wi_chosen = None


def on_pick() -> None:
    """Picking a saved scenario loads it (one click)."""
    name = st.session_state.get("wi_chosen")
    if not name:
        return
    try:
        load(store.load(name, TODAY))
        st.session_state.wi_name = name
    except StoreError as exc:
        st.session_state.wi_message = ("error", str(exc))


def on_save(levers: Levers) -> None:
    name = st.session_state.get("wi_name", "")
    try:
        store.save(name, levers)
        st.session_state.wi_message = ("success", _("Saved scenario “{name}”.").format(name=" ".join(name.split())))
    except StoreError as exc:
        st.session_state.wi_message = ("error", str(exc))


def on_delete(name: str) -> None:
    try:
        store.delete(name)
        st.session_state.wi_message = ("success", _("Deleted scenario “{name}”.").format(name=name))
        st.session_state.wi_chosen = None
    except StoreError as exc:
        st.session_state.wi_message = ("error", str(exc))


CAP_BASES = {"portfolio": N_("portfolio exposure"), "equity": N_("our own equity")}
SCOPES = {"all": N_("all customers"), "industry": N_("one industry"), "region": N_("one region")}


def levers_panel(start: Levers, gen: int) -> Levers:
    """The lever widgets, grouped; returns the levers they set (the last valid ones on bad input)."""
    k = f"wi{gen}_"
    t_limits, t_grades, t_holds, t_stress, t_model = st.tabs(
        [_("Limits"), _("Per grade"), _("Holds"), _("Stress"), _("Model")])
    m: dict[str, object] = {}
    with t_limits:
        m["bases"] = st.multiselect(_("Limit bases (the smallest applies)"), BASES, default=list(start.bases),
                                    format_func=lambda b: _(BASE_LABELS[b]), key=k + "bases",
                                    help=_("A customer with data for none of them keeps its current limit."))
        c1, c2 = st.columns(2)
        m["tangible_net_worth_pct"] = c1.number_input(
            _("% of net worth"), 0.0, 100.0, start.tangible_net_worth_pct, 1.0, key=k + "tnw",
            help=_("Share of tangible net worth (equity − intangible assets, latest statements)."))
        m["working_capital_pct"] = c2.number_input(_("% of working capital"), 0.0, 200.0, start.working_capital_pct,
                                                   1.0, key=k + "wc",
                                                   help=_("Share of working capital (current assets − current "
                                                          "liabilities)."))
        c1, c2 = st.columns(2)
        m["grace_days"] = c1.number_input(_("Grace days"), 0, 180, start.grace_days, 5, key=k + "grace",
                                          help=_("Purchases basis: monthly purchases × (terms + grace) / 30."))
        options = sorted({0.0, 1_000.0, 10_000.0, 50_000.0, 100_000.0, start.rounding_amt})
        m["rounding_amt"] = c2.selectbox(_("Round down to"), options, index=options.index(start.rounding_amt),
                                         key=k + "round", format_func=lambda v: _("no rounding") if not v
                                         else fmt_amount(v, cur, compact=False))
        m["risk_appetite"] = st.slider(_("Risk appetite"), 0.25, 3.0, start.risk_appetite, 0.05, key=k + "appetite",
                                       format="×%.2f", help=_("Scales every grade multiplier (1 = as the policy sets "
                                                              "them)."))
        cap_on = st.toggle(_("Single-name cap"), start.single_name_cap_pct is not None, key=k + "cap_on")
        c1, c2 = st.columns(2)
        if cap_on:
            m["single_name_cap_pct"] = c1.number_input(_("Cap %"), 0.1, 100.0, start.single_name_cap_pct or 5.0, 0.5,
                                                       key=k + "cap_pct")
        else:
            m["single_name_cap_pct"] = None
            c1.caption(_("No single-name cap."))
        m["single_name_cap_basis"] = c2.radio(
            _("Share of"), list(CAP_BASES), index=list(CAP_BASES).index(start.single_name_cap_basis),
            key=k + "cap_basis", disabled=not cap_on, format_func=lambda v: _(CAP_BASES[v]))
        m["own_equity_amt"] = st.number_input(label("own_equity_amt", cur), 0.0, 1e15, start.own_equity_amt, 1e7,
                                              key=k + "equity", format="%.0f",
                                              help=_("The base of a single-name cap on our own equity."))
        m["min_grade"] = st.select_slider(label("min_grade"), list(start.scale), value=start.min_grade,
                                          key=k + "min_grade",
                                          help=_("Worse grades: no open credit (cash in advance or a guarantee)."))
    with t_grades:
        st.caption(_("Multiplier on the basis, floor and cap (amounts), payment terms in days. Empty = not set "
                     "(terms: each customer keeps its own)."))
        rows = st.data_editor(grade_rows(start), key=k + "grades", hide_index=True, disabled=["grade"],
                              column_config={
                                  "grade": st.column_config.TextColumn(_("Grade")),
                                  "multiplier": st.column_config.NumberColumn(_("Multiplier"), min_value=0.0,
                                                                              max_value=20.0, step=0.05,
                                                                              format="%.2f"),
                                  "floor": st.column_config.NumberColumn(_("Floor ({currency})").format(currency=cur),
                                                                         min_value=0.0, format="localized"),
                                  "cap": st.column_config.NumberColumn(_("Cap ({currency})").format(currency=cur),
                                                                       min_value=0.0, format="localized"),
                                  "terms_days": st.column_config.NumberColumn(_("Terms (days)"), min_value=0,
                                                                              max_value=365, step=1),
                              })
    with t_holds:
        st.caption(_("Credit hold: new orders are blocked (sales at risk) when a test is met."))
        dpd_on = st.toggle(_("Hold when days past due exceed"), start.hold_days_past_due is not None, key=k + "hd_on")
        m["hold_days_past_due"] = st.slider(_("Days past due"), 0, 180, start.hold_days_past_due or 30, 1,
                                            key=k + "hd", label_visibility="collapsed",
                                            format="%d") if dpd_on else None
        util_on = st.toggle(_("Hold when utilization exceeds"), start.hold_utilization_pct is not None,
                            key=k + "hu_on")
        m["hold_utilization_pct"] = st.slider(_("Utilization"), 50.0, 300.0, start.hold_utilization_pct or 100.0,
                                              5.0, key=k + "hu", label_visibility="collapsed",
                                              format="%.0f %%") if util_on else None
    with t_stress:
        m["pd_multiplier"] = st.slider(label("pd_multiplier"), 0.5, 5.0, start.pd_multiplier, 0.1, key=k + "pdm",
                                       format="×%.1f", help=_("Also scales the provision matrix's loss rates."))
        c1, c2 = st.columns(2)
        m["downgrade_notches"] = c1.slider(label("downgrade_notches"), 0, 6, start.downgrade_notches, 1,
                                           key=k + "dn", help=_("Never into default: the worst it goes is the last "
                                                                "grade before default."))
        m["downgrade_scope"] = c2.radio(_("Who"), list(SCOPES), index=list(SCOPES).index(start.downgrade_scope),
                                        key=k + "scope", format_func=lambda v: _(SCOPES[v]))
        choices = {"industry": inputs.industries, "region": inputs.regions}.get(str(m["downgrade_scope"]), ())
        if choices:
            value = start.downgrade_value if start.downgrade_value in choices else choices[0]
            which = _("Which industry") if m["downgrade_scope"] == "industry" else _("Which region")
            m["downgrade_value"] = st.selectbox(which, choices, index=choices.index(value), key=k + "scope_value")
        m["lgd_pct"] = st.slider(label("lgd_pct", unit=False), 0.0, 100.0, start.lgd_pct, 1.0, key=k + "lgd",
                                 format="%.0f %%", help=_("Loss given default, a share of the net exposure."))
        m["payment_delay_days"] = st.slider(_("Payment delay (days beyond terms)"), 0, 120, start.payment_delay_days,
                                            1, key=k + "delay")
        m["sales_growth_pct"] = st.slider(label("sales_growth_pct", unit=False), -50.0, 100.0, start.sales_growth_pct,
                                          1.0, key=k + "growth", format="%+.0f %%")
    with t_model:
        pd_rho = st.toggle(_("PD-dependent asset correlation (0.12 to 0.24)"), start.asset_correlation is None,
                           key=k + "rho_pd")
        m["asset_correlation"] = None if pd_rho else st.slider(
            label("asset_correlation"), 0.01, 0.5, start.asset_correlation or 0.15, 0.01, key=k + "rho")
        m["sector_correlation"] = st.slider(_("Correlation between industry factors"), 0.0, 1.0,
                                            start.sector_correlation, 0.05, key=k + "omega",
                                            help=_("1 = one factor for all (the closed form's assumption)."))
        c1, c2 = st.columns(2)
        sims = sorted({5_000, 10_000, 20_000, 50_000, 100_000, start.simulations})
        m["simulations"] = c1.selectbox(label("simulations"), sims, index=sims.index(start.simulations),
                                        key=k + "sims", format_func=fmt_int)
        m["seed"] = c2.number_input(label("seed"), 0, 2**32 - 1, start.seed, 1, key=k + "seed")
        m["individual_names"] = st.number_input(label("individual_names"), 0, MAX_INDIVIDUAL_NAMES,
                                                start.individual_names, 100, key=k + "names",
                                                help=_("The largest names default one by one in the Monte Carlo; "
                                                       "the rest enter with their expected loss given the factors."))
    try:
        return with_grade_rows(from_mapping(m, start, _("levers")), rows)
    except LeverError as exc:
        st.warning(_("{why}. The last valid levers are used.").format(why=plain(exc)), icon=":material/warning:")
        return start


# Tiles, three to a row (values stay whole at 1280 × 720 beside the levers): summary key,
# short label, help (detail), colour of a rise (down: a rise is bad).
TILE_ROWS: list[list[tuple[str, str, str, str]]] = [
    [("total_limit_amt", N_("Total limit"), N_("The sum of the limits: today's at no change, the proposed ones "
                                               "under a limit policy."), "neutral"),
     ("customers_over_limit", N_("Customers over limit"), N_("Customers (credit lines) whose exposure is above their limit."),
      "down"),
     ("over_limit_amt", N_("Amount over limit"), N_("Exposure above the limits, summed over the credit lines."),
      "down")],
    [("sales_at_risk_amt", N_("Sales at risk"), N_("Open orders of the customers on credit hold."), "down"),
     ("customers_on_hold", N_("Customers on hold"), N_("Customers whose new orders the hold rule blocks."), "down"),
     ("headroom_amt", N_("Headroom"), N_("Unused limits: limit less exposure, where positive."), "neutral")],
    [("expected_loss_amt", N_("Expected loss"), N_("One-year expected loss: PD × LGD × EAD (EAD: the net "
                                                   "exposure). A risk appetite measure, not the provision."), "down"),
     ("ecl_amt", N_("ECL provision"), N_("Lifetime expected credit loss through the provision matrix: the IFRS 9 "
                                           "figure to book."), "down"),
     ("watchlist_customers", N_("On watchlist"), N_("Customers with a watchlist hit at medium severity or worse."),
      "down")],
    [("gross_exposure_amt", N_("Gross exposure"), N_("Open AR and open orders, never below 0 per customer."),
      "neutral"),
     ("top10_share_pct", N_("Top 10 share"), N_("Share of the gross exposure on the ten largest names."), "down"),
     ("hhi_frac", N_("HHI (points)"), N_("Herfindahl-Hirschman index of the exposure, in points (0 to 10,000)."),
      "down")],
]
RISK_TILES: list[tuple[str, str, str, str]] = [
    ("loss_quantile_99_9_amt", N_("Loss at 99.9 %"), N_("The one-year loss exceeded in one year in 1,000."), "down"),
    ("credit_var_99_9_amt", N_("Credit VaR 99.9 %"), N_("Loss at 99.9 % less the expected loss: the capital a bad "
                                                        "year needs beyond the provision for the expected."), "down"),
    ("expected_shortfall_99_9_amt", N_("ES 99.9 %"), N_("Expected shortfall: the average loss in the worst 0.1 % of "
                                                        "years. The 99 % figures are in the loss distribution tab."),
     "down"),
]


def tiles(summary: dict[str, float], base: dict[str, float], keys: list[tuple[str, str, str, str]]) -> None:
    """KPI tiles: the scenario's value and its change against the base (arrow colour: good = down/up)."""
    cols = st.columns(3)
    for col, (key, short, detail, good) in zip(cols, keys):
        long_label, kind = measure(key, LEVELS)
        value, change = summary[key], summary[key] - base[key]
        help_text = _("{measure}. {detail}").format(measure=long_label, detail=_(detail))
        if kind == "ratio":
            kpi(col, _(short), fmt_int(value * 10_000), change * 10_000, "count", cur, good, help=help_text)
        elif kind == "amt":
            kpi(col, f"{_(short)} ({cur})", fmt_amount(value), change, "amt", cur, good, help=help_text)
        else:
            shown = fmt_int(value) if kind == "count" else fmt_pct(value)
            kpi(col, _(short), shown, change, "count" if kind == "count" else "pp", cur, good, help=help_text)


def lever_names(names: list[str]) -> str:
    return ", ".join(label(n, unit=False) for n in sorted(names, key=list(LABELS).index))


def state_caption(levers: Levers) -> str:
    """What the levers are, against today and the policy."""
    if levers == TODAY:
        return _("No change: today's limits, terms and holds, no stress. Every figure equals the base.")
    if all(getattr(levers, n) == getattr(POLICY, n) for n in LIMIT_LEVERS):
        changed = [n for n in levers.diff(POLICY) if n in LABELS]
        what = (_("The credit policy's limits, terms by grade and hold rule, no stress.") if not changed else
                _("The credit policy's limits, and changed: {levers}.").format(levers=lever_names(changed)))
    else:
        changed = [n for n in levers.diff(TODAY) if n in LABELS]
        what = _("Changed from today: {levers}.").format(levers=lever_names(changed))
    return _("{what} The page's link holds the levers: copy it to share this scenario.").format(what=what)


def text_table(frame: pl.DataFrame, key: str, slot: object = None) -> None:
    """A table of formatted text (measures of different units, one per row)."""
    config = {c: st.column_config.TextColumn(label(c) if c in LABELS else c) for c in frame.columns}
    (slot or st).dataframe(frame, hide_index=True, key=key, column_config=config)  # type: ignore[attr-defined]


@st.fragment
def workbench() -> None:
    message = st.session_state.pop("wi_message", None)
    if message:
        (st.success if message[0] == "success" else st.error)(plain(message[1]))
    try:
        saved = store.names()
    except StoreError as exc:
        st.error(plain(exc), icon=":material/error:")
        saved = []
    bar = st.columns([1.1, 1.7, 2.6, 0.9], vertical_alignment="bottom")
    bar[0].button(_("No change"), on_click=on_today, key="wi_today", icon=":material/restart_alt:", width="stretch",
                  help=_("Today's limits, terms and holds, no stress: every figure equals the base."))
    chosen = bar[2].selectbox(_("Saved scenarios"), saved, index=None, key="wi_chosen", on_change=on_pick,
                              placeholder=_("Pick one to load it"))
    bar[3].button(_("Delete"), disabled=chosen is None, on_click=on_delete, args=(chosen,), key="wi_delete",
                  icon=":material/delete:", width="stretch")
    left, right = st.columns([1, 2.4], gap="medium")
    with left:
        levers = levers_panel(st.session_state.wi_levers, st.session_state.wi_gen)
        st.text_input(_("Save as"), key="wi_name", placeholder=_("e.g. Recession 2027"), max_chars=60)
        st.button(_("Save"), on_click=on_save, args=(levers,), key="wi_save", icon=":material/save:")
    bar[1].button(_("Apply the limit policy"), on_click=on_limit_policy, args=(levers,), key="wi_policy",
                  icon=":material/policy:", width="stretch",
                  help=_("Set the limits, terms by grade and hold rule to the credit policy's (`[limits]`); the "
                         "stress and the loss model stay as they are."))

    token = levers.token(POLICY) if levers != TODAY else None
    if token != st.query_params.get(URL_KEY):
        keep_in_link(URL_KEY, token)
        st.session_state.wi_url = token

    view = cached_scenario_view(ctx.version, ctx.as_of, ctx.filters, levers)
    s, b = view.summary, view.base_summary
    with right:
        st.caption(state_caption(levers))
        for row in TILE_ROWS:
            tiles(s, b, row)
        var_slot = st.empty()
        with var_slot.container():
            tiles(s, b, RISK_TILES)
            st.caption(_("Loss quantiles: closed form (one factor, fine-grained); the Monte Carlo is running…"))
        t_cust, t_loss, t_grade, t_all, t_cmp = st.tabs([_("Changes by customer"), _("Loss distribution"),
                                                         _("Limits by grade"), _("All measures"),
                                                         _("Compare scenarios")])
        with t_cust:
            changed = view.changes(only_changed=True)
            if changed.height:
                st.caption(ngettext(
                    "{n} customer whose limit, expected loss or hold changes (largest limit change first; the 500 "
                    "largest shown, the download has all).",
                    "{n} customers whose limit, expected loss or hold changes (largest limit change first; the 500 "
                    "largest shown, the download has all).", changed.height).format(n=fmt_int(changed.height)))
                table(shown_changes(changed.head(500)), f"whatif_changes_{ctx.as_of}", "t_wi_changes", cur,
                      height=420, download=lambda: shown_changes(changed))
            else:
                st.info(_("No customer's limit, expected loss or credit hold differs from the base."),
                        icon=":material/check_circle:")
            st.caption(_("Every customer in scope ({n}), changed or not:").format(n=fmt_int(inputs.size)))
            download_buttons(lambda: shown_changes(view.changes()), f"whatif_all_customers_{ctx.as_of}", "d_wi_all")
        with t_grade:
            per_grade = view.tables()["by_grade"]
            st.plotly_chart(charts.limits_by_grade(per_grade, cur), key="wi_grade_chart")
            table(per_grade, f"whatif_by_grade_{ctx.as_of}", "t_wi_grade", cur)
        with t_all:
            all_slot = st.empty()
            text_table(shown_comparison(view.comparison(), LEVELS, cur), "t_wi_all_cf", all_slot)
        with t_cmp:
            picked = st.multiselect(_("Saved scenarios to compare with the base (up to {n})").format(n=MAX_COMPARE),
                                    saved, max_selections=MAX_COMPARE, key="wi_compare")
            if picked:
                try:
                    views = {name: cached_scenario_view(ctx.version, ctx.as_of, ctx.filters,
                                                        store.load(name, TODAY)) for name in picked}
                    grid = compare_scenarios(views)
                    bars = grid.rename({"base": _("Base")}) if _("Base") not in grid.columns else grid
                    st.plotly_chart(charts.scenario_bars(bars, {k: measure(k, ())[0] for k in (
                        "total_limit_amt", "over_limit_amt", "sales_at_risk_amt", "expected_loss_amt",
                        "credit_var_99_9_amt")}, cur), key="wi_cmp_chart")
                    text_table(shown_comparison(grid, LEVELS, cur), "t_wi_cmp")
                    download_buttons(labelled(grid, LEVELS), f"whatif_compare_{ctx.as_of}", "d_wi_cmp")
                    st.caption(_("Loss quantiles in the comparison: closed form."))
                except StoreError as exc:
                    st.error(plain(exc))
            else:
                st.info(_("Save scenarios with a name, then pick up to four here to set them side by side."),
                        icon=":material/compare_arrows:")
        with t_loss:
            loss_slot = st.empty()
            loss_slot.info(_("The Monte Carlo is running; the closed form is in the tiles above."),
                           icon=":material/hourglass_top:")

    jobs = monte_carlo_jobs(ctx.version, ctx.as_of, ctx.filters, levers)
    while not all(j.done() for j in jobs):
        time.sleep(0.1)
        loss_slot.info(_("The Monte Carlo is running; the closed form is in the tiles above."),  # interruptible wait
                       icon=":material/hourglass_top:")
    try:
        mc = replace(view, loss=jobs[0].result(), base_loss=jobs[1].result())
    except Cancelled:  # the levers moved on (or the server stops): this run's page is being replaced
        st.stop()
    s, b = mc.summary, mc.base_summary
    with var_slot.container():
        tiles(s, b, RISK_TILES)
        err = mc.loss.quantile_error or {}  # type: ignore[union-attr]
        st.caption(_("Loss quantiles: Monte Carlo, {n} simulated years (99.9 % quantile ± {error} at 95 %).").format(
            n=fmt_int(mc.loss.simulations), error=fmt_amount(err.get(0.999), cur)))  # type: ignore[union-attr]
    text_table(shown_comparison(mc.comparison(), LEVELS, cur), "t_wi_all_mc", all_slot)
    with loss_slot.container():
        dist = mc.loss
        marks = {"EL": s["expected_loss_amt"], "99 %": s["loss_quantile_99_amt"], "99.9 %": s["loss_quantile_99_9_amt"],
                 "ES 99.9 %": s["expected_shortfall_99_9_amt"]}
        st.plotly_chart(charts.loss_histogram(dist.histogram[0], dist.histogram[1], marks, cur),  # type: ignore[union-attr]
                        key="wi_loss_chart")
        table(labelled(mc.loss_table(), LEVELS), f"whatif_loss_{ctx.as_of}", "t_wi_loss", cur)


workbench()
