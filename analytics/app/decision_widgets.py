"""Streamlit pieces the decision pages share: the customer's frozen picture, the proposal,
the decision history, and running a store action with its message."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import polars as pl
import streamlit as st

from analytics.labels import in_words
from analytics.app.ui import fmt_amount, fmt_date, fmt_days, fmt_int, fmt_pct, kpi, plain
from analytics.formats import fmt_pd
from analytics.i18n import _, ngettext
from analytics.policy.access import Forbidden
from analytics.risk.authority import KINDS, OUTCOMES, level_label, translated
from analytics.store.decisions import DecisionError
from analytics.views import InvalidRequest
from analytics.views.decisions import (COVER_TYPE_LABELS, EVENT_TYPE_LABELS, SEVERITY_LABELS, bucket_label,
                                       code_label, proposal_lines, votes_words)  # noqa: F401 (pages import proposal_lines here)

LOG = logging.getLogger("credit_dashboard")


def run_action(action: Callable[[], object], done: str) -> object | None:
    """Run a store action; its refusal (a rule, a stale record, a role) is shown as a message
    and nothing changes (None is returned); success leaves `done` (already in the user's
    language) to show after the rerun and returns the action's result (True when it returns
    nothing)."""
    try:
        result = action()
    except (DecisionError, Forbidden, InvalidRequest) as exc:
        st.error(plain(str(exc)), icon=":material/block:")
        return None
    except Exception:  # noqa: BLE001 - no traceback reaches a user
        reference = uuid.uuid4().hex[:8]
        LOG.exception("a decisions store action failed (reference %s)", reference)
        st.error(_("The change could not be saved and nothing was changed; report reference {reference}.").format(
            reference=reference), icon=":material/error:")
        return None
    st.session_state["_decision_done"] = done
    return True if result is None else result


def show_done() -> None:
    done = st.session_state.pop("_decision_done", None)
    if done:
        st.success(plain(done), icon=":material/check_circle:")
        st.toast(plain(done), icon=":material/check_circle:")  # stays in view over a following rerun


def money(value: object, currency: str, compact: bool = True) -> str:
    return fmt_amount(None if value is None else float(value), currency, compact=compact)  # type: ignore[arg-type]


def picture_tiles(picture: dict, currency: str, columns: int = 4) -> None:
    """The frozen picture's headline: exposure, limit and use, overdue, grade and PD, cover.
    Short labels with the currency, compact amounts: at 1280 px four tiles a row fit."""
    facts = picture.get("facts", {})
    worst = facts.get("max_days_past_due")
    tiles = [
        (_("Exposure ({currency})").format(currency=currency), money(facts.get("gross_exposure_amt"), ""),
         _("Gross exposure: open AR + open orders.")),
        (_("Limit ({currency})").format(currency=currency), money(picture.get("current_limit_amt"), ""),
         _("The customer's own limit; its group's limit is {limit} for {exposure} of group exposure.").format(
             limit=money(picture.get("group_limit_amt"), currency), exposure=money(picture.get("group_exposure_amt"),
                                                                                   currency))),
        (_("Limit used"), fmt_pct(facts.get("utilization_pct"), 0), _("Line exposure over the line's limit.")),
        (_("Overdue ({currency})").format(currency=currency), money(facts.get("overdue_amt"), ""),
         _("Worst item: {days}.").format(days=fmt_days(worst)) if worst is not None and worst > 0
         else _("No item is past due.")),
        (_("Grade"), str(picture.get("grade") or _("unrated")),
         _("Rated on {date}.").format(date=fmt_date(facts.get("rated_on")))),
        (_("PD (1 year)"), fmt_pd(facts.get("pd_pct")), _("The grade's probability of default.")),
        (_("Cover ({currency})").format(currency=currency),
         money((facts.get("collateral_amt") or 0) + (facts.get("insured_amt") or 0), ""),
         _("Guarantees, letters of credit and credit insurance valid at the date.")),
        (_("Credit hold"), _("on hold") if picture.get("on_hold") else _("no"), _("The policy's hold rule at the date.")),
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
        st.markdown("**{}**".format(_("Scores and their reasons")))
        if scores:
            for s in scores:
                reasons = _("; ").join(s.get("reasons") or []) or _("no reasons recorded")
                st.markdown("- " + plain(_("{model}: score {score}, grade {grade}, PD {pd} — {reasons}").format(
                    model=s["model"], score=fmt_int(s["score"]), grade=s["grade"], pd=fmt_pd(s.get("pd_pct")),
                    reasons=reasons)))
        else:
            st.caption(_("No model scores at the date."))
        rec = facts.get("limit_recommendation")
        if rec:
            st.markdown("**{}**: {}".format(_("Policy limit"), plain(_("{limit} on the {basis} basis (grade {grade}).")
                                                                    .format(limit=money(rec.get("recommended_limit_amt"),
                                                                                        currency, compact=False),
                                                                            basis=_(str(rec.get("basis"))),
                                                                            grade=rec.get("grade") or _("unrated")))))
        aging_rows = [r for r in facts.get("aging") or [] if r.get("outstanding_amt")]
        st.markdown("**{}**".format(_("Aging of the open items")))
        if aging_rows:
            frame = pl.DataFrame(aging_rows)
            frame = frame.select(in_words(frame, "bucket", lambda v: bucket_label(v) if v else ""), "outstanding_amt")
            st.dataframe(frame.to_arrow(), hide_index=True,
                         key=f"pic_aging_{id(picture)}", placeholder="",
                         column_config={"bucket": st.column_config.TextColumn(_("Aging bucket")),
                                        "outstanding_amt": st.column_config.NumberColumn(
                                            _("Outstanding ({currency})").format(currency=currency),
                                            format="localized")})
        else:
            st.caption(_("No open items."))
    with right:
        behaviour = facts.get("behaviour") or []
        recent = [b["days_beyond_terms"] for b in behaviour[:3] if b.get("days_beyond_terms") is not None]
        year = [b["days_beyond_terms"] for b in behaviour if b.get("days_beyond_terms") is not None]
        if recent and year:
            n = round(sum(recent) / len(recent))
            st.markdown("**{}**: {}".format(_("Payment behaviour"), plain(
                ngettext("{recent} day beyond terms over 3 months, {year} over 12.",
                         "{recent} days beyond terms over 3 months, {year} over 12.", abs(n)).format(
                    recent=fmt_int(n), year=fmt_int(sum(year) / len(year))))))
        elif behaviour:
            st.markdown("**{}**: {}".format(_("Payment behaviour"), _("no payments in the last months.")))
        events = facts.get("events") or []
        st.markdown("**{}**".format(_("Events in the last 12 months ({n})").format(n=fmt_int(len(events)))))
        for e in events[:5]:
            st.markdown("- " + plain(_("{date}: {kind} ({severity}) {text}").format(
                date=fmt_date(e["event_date"]), kind=code_label(EVENT_TYPE_LABELS, e["event_type"]),
                severity=code_label(SEVERITY_LABELS, e["severity"]), text=e.get("description") or "")))
        cover = facts.get("cover") or []
        st.markdown("**{}**".format(_("Cover ({n})").format(n=fmt_int(len(cover)))))
        for c in cover:
            line = (_("{kind} by {provider}: {amount} to {date}") if c.get("valid_to") else
                    _("{kind} by {provider}: {amount}, open-ended"))
            st.markdown("- " + plain(line.format(kind=code_label(COVER_TYPE_LABELS, c["collateral_type"]),
                                                 provider=c.get("provider") or "—",
                                                 amount=money(c.get("amount_amt"), currency, compact=False),
                                                 date=fmt_date(c.get("valid_to")))))


def show_lines(lines: list[tuple[str, str]]) -> None:
    for label_text, text in lines:
        st.markdown(f"**{plain(label_text)}**: {plain(text)}")


def decision_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Decisions for a table: the amount and outcome first, then who, when, reason and votes,
    in words of the current language."""
    schema = {"application_id": pl.Int64, "customer_name": pl.String, "decided_limit_amt": pl.Float64,
              "outcome": pl.String,
              "kind": pl.String, "approval_level": pl.String, "decided_by": pl.String, "decided_on": pl.Date,
              "effective_from": pl.Date, "votes": pl.String, "reason": pl.String}
    if frame.height == 0:
        return pl.DataFrame(schema=schema)
    votes = [None if f is None else votes_words(f, a, n)
             for f, a, n in zip(frame["votes_for"], frame["votes_against"], frame["abstentions"])]
    return frame.select(
        "application_id", "customer_name", pl.col("limit_amt").alias("decided_limit_amt"),
        pl.col("outcome").replace_strict(translated(OUTCOMES), default=pl.col("outcome")).alias("outcome"),
        pl.col("kind").replace_strict(translated(KINDS), default=pl.col("kind")).alias("kind"),
        in_words(frame, "level", lambda v: level_label(v) if v else "").alias("approval_level"), "decided_by",
        pl.col("decided_at").str.slice(0, 10).str.to_date().alias("decided_on"), "effective_from",
        pl.Series("votes", votes, dtype=pl.String), "reason").select(list(schema))


def whole_number(text: str | None) -> int | None:
    """A link's whole-number parameter (an id, a position), None when absent or not one."""
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
