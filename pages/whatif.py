"""What-if: move a lever of the limit policy, the terms and holds or the stress, and the
whole portfolio answers (limits, over-limit, sales at risk, expected loss, provision, loss
distribution, concentration, watchlist). Scenarios can be saved, compared and shared by URL."""

import time
from dataclasses import replace

import streamlit as st

from analytics.app import charts
from analytics.app.jobs import Cancelled
from analytics.app.ui import (cached_scenario_view, cached_whatif_inputs, context, download_buttons, fmt_amount, fmt_int,
                          fmt_pct, get_policy, kpi, monte_carlo_jobs, plain, table)
from analytics.views.whatif import (BASE_LABELS, BASES, MAX_INDIVIDUAL_NAMES, LeverError, Levers, ScenarioStore,
                                    StoreError, compare_scenarios, from_mapping, from_token, grade_rows, labelled,
                                    measure, with_grade_rows)

ctx = context()
cur = ctx.currency
policy = get_policy()
POLICY = policy.levers
store = ScenarioStore()
URL_KEY = "scenario"
MAX_COMPARE = 4

st.title("What-if: limits and stress")
st.caption("Start from the credit policy ([limits] and [stress]), move a lever and the whole portfolio answers. "
           "The base is today's portfolio: current limits, terms and PDs under the policy's LGD and hold rule. "
           "Loss quantiles come from the one-factor model: the closed form answers at once, the Monte Carlo with "
           "one factor per industry follows.")

inputs = cached_whatif_inputs(ctx.version, ctx.as_of, ctx.filters)


def load(levers: Levers, token: str | None = None) -> None:
    """Make `levers` the widgets' values (fresh widgets: their keys carry a generation)."""
    st.session_state.wi_levers = levers
    st.session_state.wi_gen = st.session_state.get("wi_gen", 0) + 1
    st.session_state.wi_url = token if token is not None else st.query_params.get(URL_KEY)  # the link is dealt with


if "wi_levers" not in st.session_state:
    load(POLICY)
    st.session_state.wi_url = None  # a link the session opens with is still to be applied
url_token = st.query_params.get(URL_KEY)
if url_token and url_token != st.session_state.get("wi_url"):
    try:
        load(from_token(url_token, POLICY), url_token)
    except LeverError as exc:
        st.session_state.wi_url = url_token
        st.warning(f"The link's scenario could not be read: {plain(exc)}.", icon=":material/link_off:")


def on_load(name: str) -> None:
    try:
        load(store.load(name, POLICY))
        st.session_state.wi_name = name
    except StoreError as exc:
        st.session_state.wi_message = ("error", str(exc))


def on_save(levers: Levers) -> None:
    name = st.session_state.get("wi_name", "")
    try:
        store.save(name, levers)
        st.session_state.wi_message = ("success", f"Saved scenario “{' '.join(name.split())}”.")
    except StoreError as exc:
        st.session_state.wi_message = ("error", str(exc))


def on_delete(name: str) -> None:
    try:
        store.delete(name)
        st.session_state.wi_message = ("success", f"Deleted scenario “{name}”.")
    except StoreError as exc:
        st.session_state.wi_message = ("error", str(exc))


def levers_panel(start: Levers, gen: int) -> Levers:
    """The lever widgets, grouped; returns the levers they set (the last valid ones on bad input)."""
    k = f"wi{gen}_"
    t_limits, t_grades, t_holds, t_stress, t_model = st.tabs(["Limits", "Per grade", "Holds", "Stress", "Model"])
    m: dict[str, object] = {}
    with t_limits:
        m["bases"] = st.multiselect("Limit bases (the smallest applies)", BASES, default=list(start.bases),
                                    format_func=BASE_LABELS.get, key=k + "bases",
                                    help="A customer with data for none of them keeps its current limit.")
        c1, c2, c3 = st.columns(3)
        m["tangible_net_worth_pct"] = c1.number_input("% of TNW", 0.0, 100.0, start.tangible_net_worth_pct, 1.0,
                                                      key=k + "tnw", help="Share of tangible net worth "
                                                      "(equity − intangible assets, latest statements).")
        m["working_capital_pct"] = c2.number_input("% of working capital", 0.0, 200.0, start.working_capital_pct,
                                                   1.0, key=k + "wc")
        m["grace_days"] = c3.number_input("Grace days", 0, 180, start.grace_days, 5, key=k + "grace",
                                          help="Purchases basis: monthly purchases × (terms + grace) / 30.")
        m["risk_appetite"] = st.slider("Risk appetite (scales every grade multiplier)", 0.25, 3.0,
                                       start.risk_appetite, 0.05, key=k + "appetite", format="×%.2f")
        cap_on = st.toggle("Single-name cap", start.single_name_cap_pct is not None, key=k + "cap_on")
        c1, c2 = st.columns(2)
        m["single_name_cap_pct"] = c1.number_input(
            "Cap, % of", 0.1, 100.0, start.single_name_cap_pct or 5.0, 0.5, key=k + "cap_pct",
            disabled=not cap_on) if cap_on else None
        if not cap_on:
            c1.caption("No single-name cap.")
        m["single_name_cap_basis"] = c2.radio(
            "of", ["portfolio", "equity"], index=["portfolio", "equity"].index(start.single_name_cap_basis),
            key=k + "cap_basis", horizontal=True, disabled=not cap_on,
            format_func={"portfolio": "portfolio exposure", "equity": "our own equity"}.get)
        m["own_equity_amt"] = st.number_input(f"Own equity ({cur})", 0.0, 1e15, start.own_equity_amt, 1e7,
                                              key=k + "equity", format="%.0f")
        c1, c2 = st.columns(2)
        m["min_grade"] = c1.select_slider("Minimum grade for open credit", list(start.scale),
                                          value=start.min_grade, key=k + "min_grade",
                                          help="Worse grades: no open credit (cash in advance or a guarantee).")
        options = sorted({0.0, 1_000.0, 10_000.0, 50_000.0, 100_000.0, start.rounding_amt})
        m["rounding_amt"] = c2.selectbox("Round down to", options, index=options.index(start.rounding_amt),
                                         key=k + "round", format_func=lambda v: "no rounding" if not v
                                         else fmt_amount(v, cur, compact=False))
    with t_grades:
        st.caption("Multiplier on the basis, floor and cap (amounts), payment terms in days. Empty = not set "
                   "(terms: each customer keeps its own).")
        rows = st.data_editor(grade_rows(start), key=k + "grades", hide_index=True, disabled=["grade"],
                              column_config={
                                  "multiplier": st.column_config.NumberColumn(min_value=0.0, max_value=20.0,
                                                                              step=0.05, format="%.2f"),
                                  "floor": st.column_config.NumberColumn(min_value=0.0, format="%,.0f"),
                                  "cap": st.column_config.NumberColumn(min_value=0.0, format="%,.0f"),
                                  "terms_days": st.column_config.NumberColumn(min_value=0, max_value=365, step=1),
                              })
    with t_holds:
        st.caption("Credit hold: new orders are blocked (sales at risk) when a test is met.")
        dpd_on = st.toggle("Hold when days past due exceed", start.hold_days_past_due is not None, key=k + "hd_on")
        m["hold_days_past_due"] = st.slider("days past due", 0, 180, start.hold_days_past_due or 30, 1,
                                            key=k + "hd", disabled=not dpd_on, label_visibility="collapsed",
                                            format="%d days") if dpd_on else None
        util_on = st.toggle("Hold when utilization exceeds", start.hold_utilization_pct is not None,
                            key=k + "hu_on")
        m["hold_utilization_pct"] = st.slider("utilization", 50.0, 300.0, start.hold_utilization_pct or 100.0,
                                              5.0, key=k + "hu", disabled=not util_on, label_visibility="collapsed",
                                              format="%.0f %%") if util_on else None
    with t_stress:
        m["pd_multiplier"] = st.slider("PD multiplier", 0.5, 5.0, start.pd_multiplier, 0.1, key=k + "pdm",
                                       format="×%.1f", help="Also scales the provision matrix's loss rates.")
        c1, c2 = st.columns(2)
        m["downgrade_notches"] = c1.slider("Downgrade (notches)", 0, 6, start.downgrade_notches, 1, key=k + "dn",
                                           help="Never into default: the worst it goes is the last grade before D.")
        m["downgrade_scope"] = c2.radio("Who", ["all", "industry", "region"],
                                        index=["all", "industry", "region"].index(start.downgrade_scope),
                                        key=k + "scope", horizontal=True)
        choices = {"industry": inputs.industries, "region": inputs.regions}.get(str(m["downgrade_scope"]), ())
        if choices:
            value = start.downgrade_value if start.downgrade_value in choices else choices[0]
            m["downgrade_value"] = st.selectbox(f"Which {m['downgrade_scope']}", choices,
                                                index=choices.index(value), key=k + "scope_value")
        m["lgd_pct"] = st.slider("LGD", 0.0, 100.0, start.lgd_pct, 1.0, key=k + "lgd", format="%.0f %%")
        m["payment_delay_days"] = st.slider("Payment delay (days beyond terms)", 0, 120, start.payment_delay_days,
                                            1, key=k + "delay")
        m["sales_growth_pct"] = st.slider("Sales growth", -50.0, 100.0, start.sales_growth_pct, 1.0, key=k + "growth",
                                          format="%+.0f %%")
    with t_model:
        pd_rho = st.toggle("PD-dependent asset correlation (0.12 to 0.24)", start.asset_correlation is None,
                           key=k + "rho_pd")
        m["asset_correlation"] = None if pd_rho else st.slider(
            "Asset correlation", 0.01, 0.5, start.asset_correlation or 0.15, 0.01, key=k + "rho")
        m["sector_correlation"] = st.slider("Correlation between industry factors", 0.0, 1.0,
                                            start.sector_correlation, 0.05, key=k + "omega",
                                            help="1 = one factor for all (the closed form's assumption).")
        c1, c2, c3 = st.columns(3)
        sims = sorted({5_000, 10_000, 20_000, 50_000, 100_000, start.simulations})
        m["simulations"] = c1.selectbox("Simulations", sims, index=sims.index(start.simulations), key=k + "sims",
                                        format_func=fmt_int)
        m["seed"] = c2.number_input("Seed", 0, 2**32 - 1, start.seed, 1, key=k + "seed")
        m["individual_names"] = c3.number_input("Names simulated one by one", 0, MAX_INDIVIDUAL_NAMES, start.individual_names,
                                                100, key=k + "names")
    try:
        return with_grade_rows(from_mapping(m, start, "levers"), rows)
    except LeverError as exc:
        st.warning(f"{plain(exc)}. The last valid levers are used.", icon=":material/warning:")
        return start


def tiles(summary: dict[str, float], base: dict[str, float], keys: list[tuple[str, str, str]]) -> None:
    """KPI tiles: the scenario's value and its change against the base (arrow colour: good = down/up)."""
    cols = st.columns(len(keys))
    for col, (key, label, good) in zip(cols, keys):
        long_label, kind = measure(key, inputs.approval_levels)
        value, change = summary[key], summary[key] - base[key]
        if kind == "ratio":
            kpi(col, label, f"{value * 10_000:,.0f}", change * 10_000, "count", cur, good,
                help=long_label + ", in points (× 10,000).")
            continue
        if kind == "amt":
            label, shown = f"{label} ({cur})", fmt_amount(value)
        else:
            shown = fmt_int(int(value)) if kind == "count" else fmt_pct(value)
        kpi(col, label, shown, change, {"count": "count", "pct": "pp"}.get(kind, "amt"), cur, good, help=long_label)


RISK_TILES = [("loss_quantile_99_9_amt", "Loss at 99.9 %", "down"), ("credit_var_99_9_amt", "Credit VaR 99.9 %", "down"),
              ("expected_shortfall_99_9_amt", "ES 99.9 %", "down"), ("credit_var_99_amt", "Credit VaR 99 %", "down")]


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
    bar = st.columns([2, 0.7, 2, 0.7, 0.7, 1.1], vertical_alignment="bottom")
    chosen = bar[0].selectbox("Saved scenarios", saved, index=None, placeholder="Choose a saved scenario",
                              key="wi_chosen")
    bar[1].button("Load", disabled=chosen is None, on_click=on_load, args=(chosen,), key="wi_load")
    bar[2].text_input("Scenario name", key="wi_name", placeholder="e.g. Recession 2027", max_chars=60)
    levers_slot = st.container()
    with levers_slot:
        left, right = st.columns([1, 2.4], gap="medium")
    with left:
        levers = levers_panel(st.session_state.wi_levers, st.session_state.wi_gen)
    bar[3].button("Save", on_click=on_save, args=(levers,), key="wi_save", icon=":material/save:")
    bar[4].button("Delete", disabled=chosen is None, on_click=on_delete, args=(chosen,), key="wi_delete")
    bar[5].button("Reset to policy", on_click=load, args=(POLICY,), key="wi_reset", icon=":material/restart_alt:")

    token = levers.token(POLICY) if levers != POLICY else None
    if token != st.query_params.get(URL_KEY):
        if token:
            st.query_params[URL_KEY] = token
        else:
            st.query_params.pop(URL_KEY, None)
        st.session_state.wi_url = token

    view = cached_scenario_view(ctx.version, ctx.as_of, ctx.filters, levers)
    s, b = view.summary, view.base_summary
    with right:
        if levers == POLICY:
            st.caption("Levers: the credit policy. Share this view by copying the page's link.")
        else:
            st.caption("Levers changed from the policy: " + ", ".join(sorted(levers.diff(POLICY)))
                       + ". The page's link holds them: copy it to share this scenario.")
        tiles(s, b, [("total_limit_amt", "Total limit", "neutral"), ("customers_over_limit", "Over limit", "down"),
                     ("over_limit_amt", "Amount over limit", "down"), ("sales_at_risk_amt", "Sales at risk", "down")])
        tiles(s, b, [("expected_loss_amt", "Expected loss", "down"), ("ecl_amt", "Provision (ECL)", "down"),
                     ("watchlist_customers", "On watchlist", "down"), ("customers_on_hold", "On credit hold", "down")])
        tiles(s, b, [("headroom_amt", "Headroom", "neutral"), ("top10_share_pct", "Top 10 share", "down"),
                     ("hhi_frac", "HHI (points)", "down"), ("gross_exposure_amt", "Gross exposure", "neutral")])
        var_slot = st.empty()
        with var_slot.container():
            tiles(s, b, RISK_TILES)
            st.caption("Loss quantiles: closed form (one factor, fine-grained); the Monte Carlo is running…")
        t_cust, t_loss, t_grade, t_all, t_cmp = st.tabs(["Changes by customer", "Loss distribution",
                                                         "Limits by grade", "All measures", "Compare scenarios"])
        with t_cust:
            changed = view.changes(only_changed=True)
            st.caption(f"{fmt_int(changed.height)} customers whose limit, expected loss or hold changes "
                       "(largest limit change first; the 500 largest shown, the download has all).")
            table(changed.head(500), f"whatif_changes_{ctx.as_of}", "t_wi_changes", cur, height=420)
            st.caption(f"Every customer in scope ({fmt_int(inputs.size)}), changed or not:")
            download_buttons(lambda: view.changes(), f"whatif_all_customers_{ctx.as_of}", "d_wi_all")
        with t_grade:
            per_grade = view.tables()["by_grade"]
            st.plotly_chart(charts.limits_by_grade(per_grade, cur), key="wi_grade_chart")
            table(per_grade, f"whatif_by_grade_{ctx.as_of}", "t_wi_grade", cur)
        with t_all:
            all_slot = st.empty()
            all_slot.dataframe(labelled(view.comparison(), inputs.approval_levels), hide_index=True,
                               key="t_wi_all_cf")
        with t_cmp:
            picked = st.multiselect(f"Saved scenarios to compare with the base (up to {MAX_COMPARE})", saved,
                                    max_selections=MAX_COMPARE, key="wi_compare")
            if picked:
                try:
                    views = {name: cached_scenario_view(ctx.version, ctx.as_of, ctx.filters,
                                                        store.load(name, POLICY)) for name in picked}
                    grid = compare_scenarios(views)
                    st.plotly_chart(charts.scenario_bars(grid, {k: measure(k, ())[0] for k in (
                        "total_limit_amt", "over_limit_amt", "sales_at_risk_amt", "expected_loss_amt", "credit_var_99_9_amt")},
                        cur), key="wi_cmp_chart")
                    table(labelled(grid, inputs.approval_levels), f"whatif_compare_{ctx.as_of}", "t_wi_cmp", cur)
                    st.caption("Loss quantiles in the comparison: closed form.")
                except StoreError as exc:
                    st.error(plain(exc))
            else:
                st.info("Save scenarios with a name above, then pick up to four here to set them side by side.",
                        icon=":material/compare_arrows:")
        with t_loss:
            loss_slot = st.empty()
            loss_slot.info("The Monte Carlo is running; the closed form is in the tiles above.",
                           icon=":material/hourglass_top:")

    jobs = monte_carlo_jobs(ctx.version, ctx.as_of, ctx.filters, levers)
    while not all(j.done() for j in jobs):
        time.sleep(0.1)
        loss_slot.info("The Monte Carlo is running; the closed form is in the tiles above.",  # interruptible wait
                       icon=":material/hourglass_top:")
    try:
        mc = replace(view, loss=jobs[0].result(), base_loss=jobs[1].result())
    except Cancelled:  # the levers moved on (or the server stops): this run's page is being replaced
        st.stop()
    s, b = mc.summary, mc.base_summary
    with var_slot.container():
        tiles(s, b, RISK_TILES)
        err = mc.loss.quantile_error or {}  # type: ignore[union-attr]
        st.caption(f"Loss quantiles: Monte Carlo, {fmt_int(mc.loss.simulations)} simulated years "  # type: ignore[union-attr]
                   f"(99.9 % quantile ± {fmt_amount(err.get(0.999), cur)} at 95 %).")
    all_slot.dataframe(labelled(mc.comparison(), inputs.approval_levels), hide_index=True, key="t_wi_all_mc")
    with loss_slot.container():
        dist = mc.loss
        marks = {"EL": s["expected_loss_amt"], "99 %": s["loss_quantile_99_amt"], "99.9 %": s["loss_quantile_99_9_amt"],
                 "ES 99.9 %": s["expected_shortfall_99_9_amt"]}
        st.plotly_chart(charts.loss_histogram(dist.histogram[0], dist.histogram[1], marks, cur),  # type: ignore[union-attr]
                        key="wi_loss_chart")
        table(labelled(mc.loss_table(), inputs.approval_levels), f"whatif_loss_{ctx.as_of}", "t_wi_loss", cur)


workbench()
