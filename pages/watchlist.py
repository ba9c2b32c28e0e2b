"""Watchlist: the early-warning rules of the credit policy applied to every customer, ranked
by score, with what is new, persisting and resolved since the previous month-end, and
threshold sliders to try a tighter or looser policy (the policy file stays the default).
The thresholds tried are kept in the link (?thresholds=utilization:150,concentration:off),
so a link reproduces the board."""

from dataclasses import replace

import streamlit as st

from analytics.app import charts
from analytics.app.ui import (cached_watchlist_view, context, fmt_amount, fmt_date, fmt_int, fmt_number, get_policy,
                              keep_in_link, kpi, open_customer_on_select, table)
from analytics.i18n import _, ngettext
from analytics.views.monitoring import (HIT_COLUMNS, SEVERITIES, THRESHOLD_CONTROLS, Rule, in_words,
                                        rules_from_thresholds, severity_label, thresholds_token)

ctx = context()
cur = ctx.currency
policy = get_policy()
scale = list(policy.scale)
DEFAULTS = {r.key: r for r in policy.watch_rules}
URL_KEY = "thresholds"

st.title(_("Watchlist"))
st.caption(_("Early-warning rules from the credit policy (`[watchlist.rules]`): each hit shows the observed value, "
             "the threshold it met, since when, its severity and the suggested action. Score = the sum of the "
             "severity points of a customer's hits ({points}).").format(
    points=", ".join(f"{severity_label(k)} {fmt_number(v, 0 if float(v).is_integer() else 1)}"
                     for k, v in policy.severity_points.items())))


def widget_value(rule: Rule) -> object:
    """The value of a rule's threshold widget for `rule` (in the widget's own type)."""
    kind, lo, hi, step = THRESHOLD_CONTROLS[rule.key]
    if kind == "grade":
        return scale[int(rule.entry)]
    if kind == "severity":
        return SEVERITIES[int(rule.entry)]
    if kind == "number":
        return float(rule.entry)
    cast = int if float(step).is_integer() else float
    return cast(min(max(rule.entry, lo), hi))


def set_widgets(rules: tuple[Rule, ...]) -> None:
    """Make `rules` the widgets' state (before the widgets are drawn, or in a callback)."""
    for rule in rules:
        st.session_state[f"wl_on_{rule.key}"] = rule.enabled
        st.session_state[f"wl_t_{rule.key}"] = widget_value(rule)


def reset() -> None:
    set_widgets(policy.watch_rules)


# the link's thresholds, once per link (then the widgets hold them and write the link back)
asked = st.query_params.get(URL_KEY)
if asked is not None and asked != st.session_state.get("wl_url"):
    linked, problems = rules_from_thresholds(asked, policy.watch_rules, policy.scale,
                                             quote=lambda text: "`" + repr(text[:60]).replace("`", "'") + "`")
    set_widgets(linked)
    st.session_state.wl_url = asked
    for problem in problems:
        st.warning(problem, icon=":material/link_off:")
for rule in policy.watch_rules:  # a widget never drawn starts at the policy
    st.session_state.setdefault(f"wl_on_{rule.key}", rule.enabled)
    st.session_state.setdefault(f"wl_t_{rule.key}", widget_value(rule))


def _shown(rule: Rule, t: float) -> str:
    kind = THRESHOLD_CONTROLS[rule.key][0]
    if kind == "grade":
        return scale[int(t)]
    if kind == "severity":
        return severity_label(SEVERITIES[int(t)])
    if kind == "number":
        return fmt_amount(t, cur, compact=False)
    return fmt_number(t, 0 if float(t).is_integer() else 1)


def control(rule: Rule, container: object) -> Rule:
    """The rule as the user set it: enabled, and its first threshold."""
    kind, lo, hi, step = THRESHOLD_CONTROLS[rule.key]
    levels = ", ".join(f"{severity_label(s)} ≥ {_shown(rule, t)}" for s, t in rule.levels)
    with container:  # type: ignore[attr-defined]
        on = st.toggle(rule.label, key=f"wl_on_{rule.key}",
                       help=_("Suggested action: {action}. Policy levels: {levels}.").format(
                           action=rule.action_text, levels=levels))
        key = f"wl_t_{rule.key}"
        if kind == "grade":
            grade = st.select_slider(_("at or below grade"), scale, key=key, disabled=not on,
                                     label_visibility="collapsed")
            value = float(scale.index(grade))
        elif kind == "severity":
            sev = st.select_slider(_("events of at least"), list(SEVERITIES), key=key, disabled=not on,
                                   format_func=severity_label, label_visibility="collapsed")
            value = float(SEVERITIES.index(sev))
        elif kind == "number":
            value = st.number_input(_("from ({currency})").format(currency=cur), min_value=float(lo),
                                    max_value=float(hi), step=float(step), key=key, disabled=not on,
                                    label_visibility="collapsed", format="%.0f")
        else:
            integer = float(step).is_integer()
            cast = int if integer else float
            unit = rule.unit.replace("%", "%%")
            value = st.slider(_("from ({unit})").format(unit=rule.unit), cast(lo), cast(hi), step=cast(step),
                              key=key, disabled=not on, label_visibility="collapsed",
                              format=f"%{'d' if integer else '.1f'} {unit}")
    return replace(rule.with_entry(float(value)), enabled=on)


@st.fragment
def board() -> None:
    with st.expander(_("Try a tighter or looser policy: each rule's first threshold (higher levels follow)"),
                     icon=":material/tune:"):
        cols = st.columns(4)
        rules = tuple(control(rule, cols[i % 4]) for i, rule in enumerate(policy.watch_rules))
        st.button(_("Reset to the policy"), on_click=reset, icon=":material/restart_alt:", key="wl_reset")
    token = thresholds_token(rules, policy.watch_rules, policy.scale)
    keep_in_link(URL_KEY, token)
    st.session_state.wl_url = token
    changed = [r.label for r in rules if r != DEFAULTS[r.key]]
    if changed:
        st.info(_("Trying thresholds other than the policy's for: {rules}. The page's link holds them: copy it "
                  "to share this view.").format(rules=", ".join(changed)), icon=":material/tune:")
    view = cached_watchlist_view(ctx.version, ctx.as_of, ctx.filters, rules)
    for note in view.notes:
        st.info(note, icon=":material/info:")

    shown_sev = st.segmented_control(_("Severity"), list(SEVERITIES)[::-1], selection_mode="multi",
                                     default=["critical", "high", "medium"], key="wl_severity",
                                     format_func=severity_label,
                                     help=_("Show hits of these severities (the tiles and tables follow)."))
    shown = view.at_severities(list(shown_sev) or list(SEVERITIES))
    hits, resolved, on_list, new = shown.hits, shown.resolved, shown.customers, shown.new_hits
    worst = on_list.filter(on_list["worst_severity"].is_in(["critical", "high"]))
    since = (_("Against the previous month-end ({date})").format(date=fmt_date(view.previous)) if view.previous
             else _("Against the previous month-end"))

    tiles = st.columns(4)
    kpi(tiles[0], _("On the watchlist"), fmt_int(on_list.height),
        help=_("Customers with at least one hit of the chosen severities on {date}; their gross exposure "
               "{exposure}.").format(date=fmt_date(view.as_of),
                                     exposure=fmt_amount(float(on_list["gross_exposure_amt"].sum()), cur)))
    kpi(tiles[1], _("Critical or high"), fmt_int(worst.height),
        help=_("Customers whose worst hit is critical or high."))
    kpi(tiles[2], _("New entries"), fmt_int(new.height),
        help=ngettext("Hits that were not there at the previous month-end; {n} customer.",
                      "Hits that were not there at the previous month-end; {n} customers.",
                      new["customer_id"].n_unique()).format(n=fmt_int(new["customer_id"].n_unique())))
    kpi(tiles[3], _("Resolved"), fmt_int(resolved.height), help=_("Hits of the previous month-end that are gone."))
    st.caption(_("Gross exposure of the customers on the list: {exposure}.").format(
        exposure=fmt_amount(float(on_list["gross_exposure_amt"].sum()), cur)))

    left, right = st.columns([3, 2])
    with left:
        st.subheader(_("Customers, by score"))
        event = table(in_words(on_list), f"watchlist_{view.as_of}", "t_wl_customers", cur, height=430,
                      selectable=True)
        open_customer_on_select(event, on_list, ctx.as_of)
        st.caption(_("Click a row to open its credit file."))
    with right:
        st.subheader(_("Hits by rule"))
        if hits.height:
            st.plotly_chart(charts.watch_rule_bars(shown.by_rule), key="wl_rules")
        else:
            st.info(_("No hits at these severities."), icon=":material/check_circle:")

    st.subheader(since)
    t_new, t_all, t_res = st.tabs([_("New ({n})").format(n=fmt_int(new.height)),
                                   _("All current hits ({n})").format(n=fmt_int(hits.height)),
                                   _("Resolved ({n})").format(n=fmt_int(resolved.height))])
    with t_new:
        table(in_words(new.select(HIT_COLUMNS)), f"watchlist_new_{view.as_of}", "t_wl_new", cur, height=360)
    with t_all:
        table(in_words(hits.select(HIT_COLUMNS)), f"watchlist_hits_{view.as_of}", "t_wl_hits", cur, height=360)
    with t_res:
        table(in_words(resolved.select("customer_id", "name", "label", "severity_before", "observed_text", "action")),
              f"watchlist_resolved_{view.as_of}", "t_wl_resolved", cur, height=360)
    if view.disputed_apart is not None and view.disputed_apart.height:
        n = view.disputed_apart.height
        with st.expander(ngettext("Disputed items shown apart ({n} customer)",
                                  "Disputed items shown apart ({n} customers)", n).format(n=fmt_int(n))):
            st.caption(_("Past the days-past-due rule's first level, but under dispute: by the credit policy they go "
                         "to dispute resolution and set no days past due, so no action is suggested here."))
            table(view.disputed_apart, f"watchlist_disputed_{view.as_of}", "t_wl_disputed", cur, height=300)


board()
