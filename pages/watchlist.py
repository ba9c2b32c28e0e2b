"""Watchlist: the early-warning rules of the credit policy applied to every customer, ranked
by score, with what is new, persisting and resolved since the previous month-end, and
threshold sliders to try a tighter or looser policy (the policy file stays the default)."""

from dataclasses import replace

import streamlit as st

from analytics.app import charts
from analytics.app.ui import (cached_watchlist_view, context, fmt_amount, fmt_int, get_policy, kpi,
                          open_customer_on_select, table)
from analytics.views.monitoring import HIT_COLUMNS
from analytics.views.monitoring import SEVERITIES, Rule

ctx = context()
cur = ctx.currency
policy = get_policy()
scale = list(policy.scale)
DEFAULTS = {r.key: r for r in policy.watch_rules}

st.title("Watchlist")
st.caption("Early-warning rules from the credit policy ([watchlist.rules]): each hit shows the observed value, the "
           "threshold it met, since when, its severity and the suggested action. Score = the sum of the severity "
           "points of a customer's hits (" + ", ".join(f"{k} {v:g}" for k, v in policy.severity_points.items())
           + ").")

# (rule, widget, low, high, step) for the slider of each rule's first threshold
CONTROLS: dict[str, tuple[str, float, float, float]] = {
    "utilization": ("slider", 50, 200, 5), "days_past_due": ("slider", 1, 365, 1),
    "overdue_amount": ("number", 0, 1e10, 50_000), "downgrade": ("slider", 1, 6, 1),
    "grade_floor": ("grade", 0, 0, 0), "adverse_events": ("severity", 0, 0, 0),
    "financials": ("slider", 1, 4, 1), "limit_expired": ("slider", 1, 365, 1),
    "review_overdue": ("slider", 1, 365, 1), "insurer_cut": ("slider", 5, 100, 5),
    "slowing_payments": ("slider", 1, 90, 1), "concentration": ("slider", 0.1, 20.0, 0.1),
}


def reset() -> None:
    for key in list(st.session_state.keys()):
        if str(key).startswith(("wl_on_", "wl_t_")):
            del st.session_state[key]


def control(rule: Rule, container: object) -> Rule:
    """The rule as the user set it: enabled, and its first threshold."""
    kind, lo, hi, step = CONTROLS[rule.key]
    with container:  # type: ignore[attr-defined]
        on = st.toggle(rule.label, value=rule.enabled, key=f"wl_on_{rule.key}",
                       help=f"Suggested action: {rule.action}. Policy levels: "
                            + ", ".join(f"{s} ≥ {_shown(rule, t)}" for s, t in rule.levels))
        key = f"wl_t_{rule.key}"
        if kind == "grade":
            grade = st.select_slider("at or below grade", scale, value=scale[int(rule.entry)], key=key,
                                     disabled=not on, label_visibility="collapsed")
            value = float(scale.index(grade))
        elif kind == "severity":
            sev = st.select_slider("events of at least", list(SEVERITIES), value=SEVERITIES[int(rule.entry)],
                                   key=key, disabled=not on, label_visibility="collapsed")
            value = float(SEVERITIES.index(sev))
        elif kind == "number":
            value = st.number_input(f"from ({cur})", min_value=float(lo), max_value=float(hi), step=float(step),
                                    value=float(rule.entry), key=key, disabled=not on, label_visibility="collapsed",
                                    format="%.0f")
        else:
            integer = float(step).is_integer()
            cast = int if integer else float
            value = st.slider(f"from ({rule.unit})", cast(lo), cast(hi), cast(min(max(rule.entry, lo), hi)),
                              cast(step), key=key, disabled=not on, label_visibility="collapsed",
                              format=f"%{'d' if integer else '.1f'} {rule.unit.replace('%', '%%')}")
    return replace(rule.with_entry(float(value)), enabled=on)


def _shown(rule: Rule, t: float) -> str:
    if rule.key == "grade_floor":
        return scale[int(t)]
    if rule.key == "adverse_events":
        return SEVERITIES[int(t)]
    return f"{t:,.0f}" if float(t).is_integer() else f"{t:g}"


@st.fragment
def board() -> None:
    with st.expander("Try a tighter or looser policy: each rule's first threshold (higher levels follow)",
                     icon=":material/tune:"):
        cols = st.columns(4)
        rules = tuple(control(rule, cols[i % 4]) for i, rule in enumerate(policy.watch_rules))
        st.button("Reset to the policy", on_click=reset, icon=":material/restart_alt:", key="wl_reset")
    changed = [r.label for r in rules if r != DEFAULTS[r.key]]
    if changed:
        st.info("Trying thresholds other than the policy's for: " + ", ".join(changed) + ".", icon=":material/tune:")
    view = cached_watchlist_view(ctx.version, ctx.as_of, ctx.filters, rules)
    for note in view.notes:
        st.info(note, icon=":material/info:")

    shown_sev = st.segmented_control("Severity", list(SEVERITIES)[::-1], selection_mode="multi",
                                     default=["critical", "high", "medium"], key="wl_severity",
                                     help="Show hits of these severities (the tiles and tables follow).")
    shown = view.at_severities(list(shown_sev) or list(SEVERITIES))
    hits, resolved, on_list, new = shown.hits, shown.resolved, shown.customers, shown.new_hits
    worst = on_list.filter(on_list["worst_severity"].is_in(["critical", "high"]))
    prev = f" since {view.previous}" if view.previous else ""

    tiles = st.columns([1, 1, 1, 1, 1.4])
    kpi(tiles[0], "On the watchlist", fmt_int(on_list.height),
        help=f"Customers with at least one hit of the chosen severities on {view.as_of}.")
    kpi(tiles[1], "New entries", fmt_int(new.height), help=f"Hits that were not there at the previous month-end{prev}; "
        f"{fmt_int(new['customer_id'].n_unique())} customers.")
    kpi(tiles[2], "Resolved", fmt_int(resolved.height), help=f"Hits of the previous month-end that are gone{prev}.")
    kpi(tiles[3], "Critical or high", fmt_int(worst.height), help="Customers whose worst hit is critical or high.")
    kpi(tiles[4], "Exposure on the list", fmt_amount(float(on_list["gross_exposure_amt"].sum()), cur),
        help="Gross exposure of the customers on the list.")

    left, right = st.columns([3, 2])
    with left:
        st.subheader("Customers, by score")
        event = table(on_list, f"watchlist_{view.as_of}", "t_wl_customers", cur, height=430, selectable=True)
        open_customer_on_select(event, on_list, ctx.as_of)
        st.caption("Click a row to open its credit file.")
    with right:
        st.subheader("Hits by rule")
        if hits.height:
            st.plotly_chart(charts.watch_rule_bars(shown.by_rule), key="wl_rules")
        else:
            st.info("No hits at these severities.", icon=":material/check_circle:")

    st.subheader(f"Against the previous month-end{prev}")
    t_new, t_all, t_res = st.tabs([f"New ({new.height:,})", f"All current hits ({hits.height:,})",
                                   f"Resolved ({resolved.height:,})"])
    with t_new:
        table(new.select(HIT_COLUMNS), f"watchlist_new_{view.as_of}", "t_wl_new", cur, height=360)
    with t_all:
        table(hits.select(HIT_COLUMNS), f"watchlist_hits_{view.as_of}", "t_wl_hits", cur, height=360)
    with t_res:
        table(resolved.select("customer_id", "name", "label", "severity_before", "observed_text", "action"),
              f"watchlist_resolved_{view.as_of}", "t_wl_resolved", cur, height=360)
    if view.disputed_apart is not None and view.disputed_apart.height:
        with st.expander(f"Disputed items shown apart ({view.disputed_apart.height:,} customers)"):
            st.caption("Past the days-past-due rule's first level, but under dispute: by the credit policy they go to "
                       "dispute resolution and set no days past due, so no action is suggested here.")
            table(view.disputed_apart, f"watchlist_disputed_{view.as_of}", "t_wl_disputed", cur, height=300)


board()
