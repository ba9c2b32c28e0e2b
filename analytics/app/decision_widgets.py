"""Streamlit pieces the decision pages share: the customer's frozen picture, the proposal,
the decision history, and running a store action with its message."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import polars as pl
import streamlit as st

from analytics.app.ui import fmt_amount, fmt_int, fmt_pct, kpi, plain
from analytics.policy.access import Forbidden
from analytics.risk.authority import KINDS, OUTCOMES
from analytics.store.decisions import DecisionError
from analytics.views import InvalidRequest
from analytics.views.decisions import proposal_lines  # noqa: F401 (pages import it from here)

LOG = logging.getLogger("credit_dashboard")


def run_action(action: Callable[[], object], done: str) -> object | None:
    """Run a store action; its refusal (a rule, a stale record, a role) is shown as a message
    and nothing changes (None is returned); success leaves `done` to show after the rerun and
    returns the action's result (True when it returns nothing)."""
    try:
        result = action()
    except (DecisionError, Forbidden, InvalidRequest) as exc:
        st.error(plain(str(exc)), icon=":material/block:")
        return None
    except Exception:  # noqa: BLE001 - no traceback reaches a user
        reference = uuid.uuid4().hex[:8]
        LOG.exception("a decisions store action failed (reference %s)", reference)
        st.error(f"The change could not be saved and nothing was changed; report reference {reference}.",
                 icon=":material/error:")
        return None
    st.session_state["_decision_done"] = done
    return True if result is None else result


def show_done() -> None:
    done = st.session_state.pop("_decision_done", None)
    if done:
        st.success(plain(done), icon=":material/check_circle:")
        st.toast(plain(done), icon=":material/check_circle:")  # stays in view over a following rerun


def money(value: object, currency: str) -> str:
    return "—" if value is None else fmt_amount(float(value), currency)  # type: ignore[arg-type]


def picture_tiles(picture: dict, currency: str, columns: int = 4) -> None:
    """The frozen picture's headline: exposure, limit and use, overdue, grade and PD, cover."""
    facts = picture.get("facts", {})
    tiles = [
        (f"Exposure ({currency})", money(facts.get("gross_exposure_amt"), ""), "Gross exposure: open AR + open orders."),
        (f"Limit ({currency})", money(picture.get("current_limit_amt"), ""),
         f"The customer's own limit; its group's limit is {money(picture.get('group_limit_amt'), currency)} for "
         f"{money(picture.get('group_exposure_amt'), currency)} of group exposure."),
        ("Limit used", fmt_pct(facts.get("utilization_pct"), 0), "Line exposure over the line's limit."),
        (f"Overdue ({currency})", money(facts.get("overdue_amt"), ""),
         f"Worst item {fmt_int(facts.get('max_days_past_due'))} days past due."),
        ("Grade", str(picture.get("grade") or "unrated"), f"Rated on {facts.get('rated_on') or '—'}."),
        ("PD (1 year)", fmt_pct(facts.get("pd_pct"), 2), "The grade's probability of default."),
        (f"Cover ({currency})", money((facts.get("collateral_amt") or 0) + (facts.get("insured_amt") or 0), ""),
         "Guarantees, letters of credit and credit insurance valid at the date."),
        ("Credit hold", "on hold" if picture.get("on_hold") else "no", "The policy's hold rule at the date."),
    ]
    for start in range(0, len(tiles), columns):
        row = st.columns(columns)
        for col, (label_text, value, help_text) in zip(row, tiles[start:start + columns]):
            kpi(col, label_text, value, help=help_text)


def picture_details(picture: dict, currency: str) -> None:
    """Scores and reasons, aging, behaviour, events and cover of the frozen picture."""
    facts = picture.get("facts", {})
    left, right = st.columns(2)
    with left:
        scores = facts.get("scores") or []
        st.markdown("**Scores and their reasons**")
        if scores:
            for s in scores:
                reasons = "; ".join(s.get("reasons") or []) or "no reasons recorded"
                st.markdown(f"- {plain(s['model'])}: score {s['score']:,.0f}, grade {plain(s['grade'])}, "
                            f"PD {fmt_pct(s.get('pd_pct'), 2)} — {plain(reasons)}")
        else:
            st.caption("No model scores at the date.")
        rec = facts.get("limit_recommendation")
        if rec:
            st.markdown(f"**Policy limit**: {money(rec.get('recommended_limit_amt'), currency)} on the "
                        f"{plain(rec.get('basis'))} basis (grade {plain(rec.get('grade'))}).")
        aging_rows = [r for r in facts.get("aging") or [] if r.get("outstanding_amt")]
        st.markdown("**Aging of the open items**")
        if aging_rows:
            st.dataframe(pl.DataFrame(aging_rows).to_arrow(), hide_index=True, key=f"pic_aging_{id(picture)}",
                         column_config={"outstanding_amt": st.column_config.NumberColumn(
                             f"Outstanding ({currency})", format="localized")})
        else:
            st.caption("No open items.")
    with right:
        behaviour = facts.get("behaviour") or []
        if behaviour:
            recent = [b["days_beyond_terms"] for b in behaviour[:3] if b.get("days_beyond_terms") is not None]
            year = [b["days_beyond_terms"] for b in behaviour if b.get("days_beyond_terms") is not None]
            st.markdown(f"**Payment behaviour**: {sum(recent) / len(recent):.0f} days beyond terms over 3 months, "
                        f"{sum(year) / len(year):.0f} over 12." if recent and year else
                        "**Payment behaviour**: no payments in the last months.")
        events = facts.get("events") or []
        st.markdown(f"**Events in the last 12 months** ({len(events)})")
        for e in events[:5]:
            st.markdown(f"- {e['event_date']}: {plain(e['event_type'])} ({plain(e['severity'])}) "
                        f"{plain(e.get('description') or '')}")
        cover = facts.get("cover") or []
        st.markdown(f"**Cover** ({len(cover)})")
        for c in cover:
            st.markdown(f"- {plain(c['collateral_type'])} by {plain(c.get('provider') or '—')}: "
                        f"{money(c.get('amount_amt'), currency)} to {c.get('valid_to') or 'open-ended'}")


def show_lines(lines: list[tuple[str, str]]) -> None:
    for label_text, text in lines:
        st.markdown(f"**{plain(label_text)}**: {plain(text)}")


def decision_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Decisions for a table: outcome in words, who, when, reason, limit and votes."""
    if frame.height == 0:
        return pl.DataFrame(schema={"decided_on": pl.String, "application_id": pl.Int64, "kind": pl.String,
                                    "outcome": pl.String, "level": pl.String, "decided_by": pl.String,
                                    "limit_amt": pl.Float64, "effective_from": pl.Date, "votes": pl.String,
                                    "reason": pl.String})
    return frame.select(
        pl.col("decided_at").str.slice(0, 10).alias("decided_on"), "application_id",
        pl.col("kind").replace_strict(KINDS, default=None).alias("kind"),
        pl.col("outcome").replace_strict(OUTCOMES, default=None).alias("outcome"), "level", "decided_by", "limit_amt",
        "effective_from",
        pl.when(pl.col("votes_for").is_not_null()).then(pl.format("{} for, {} against, {} abstaining", "votes_for",
                                                                  "votes_against", "abstentions")).alias("votes"),
        "reason")


def whole_number(text: str | None) -> int | None:
    """A link's whole-number parameter (an id, a position), None when absent or not one."""
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
