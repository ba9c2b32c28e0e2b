"""The credit committee: its settings, the vote tally and the agenda a meeting starts from (pure).

DOMAIN.md, Credit decisions: the agenda holds applications above lower authorities, new
severe warnings, over-limit and held customers, overdue reviews of core customers (and, in
this product, cover about to expire); committee decisions record votes.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from analytics.formats import fmt_int
from analytics.i18n import N_, _

AGENDA_KINDS = {  # agenda item kind -> what users read (English source text: agenda_kind_label)
    "application": N_("Application"),
    "watchlist": N_("New watchlist entry"),
    "over_limit": N_("Over limit"),
    "on_hold": N_("On credit hold"),
    "overdue_review": N_("Overdue review"),
    "expiring_cover": N_("Cover expiring"),
    "other": N_("Other business"),
}
AGENDA_SOURCES = {"applications": "application", "watchlist": "watchlist", "over_limit": "over_limit",
                  "on_hold": "on_hold", "overdue_reviews": "overdue_review", "expiring_cover": "expiring_cover"}
VOTES = {"approve": N_("For"), "decline": N_("Against"), "abstain": N_("Abstain")}  # (vote_label)
# the agenda sources as the policy names them ([committee] agenda), in words
AGENDA_SOURCE_LABELS = {"applications": N_("applications"), "watchlist": N_("watchlist"),
                        "over_limit": N_("over limit"), "on_hold": N_("on hold"),
                        "overdue_reviews": N_("overdue reviews"), "expiring_cover": N_("expiring cover")}
SEVERITIES = ("low", "medium", "high", "critical")


def agenda_kind_label(kind: str) -> str:
    """An agenda item's kind in words, in the current language."""
    return _(AGENDA_KINDS[kind]) if kind in AGENDA_KINDS else kind


def vote_label(vote: str) -> str:
    """A vote in words, in the current language."""
    return _(VOTES[vote]) if vote in VOTES else vote


def agenda_source_label(source: str) -> str:
    """An agenda source of [committee] agenda in words, in the current language."""
    return _(AGENDA_SOURCE_LABELS[source]) if source in AGENDA_SOURCE_LABELS else source.replace("_", " ")


class CommitteeError(ValueError):
    """[committee] is inconsistent."""


@dataclass(frozen=True)
class CommitteeSettings:
    """quorum: votes cast needed (abstentions count); majority_pct: the share of votes for
    or against (abstentions left out) that carries; agenda: the sources of a meeting's
    agenda, in order; the rest tune those sources."""

    quorum: int
    majority_pct: float
    agenda: tuple[str, ...]
    watchlist_min_severity: str
    core_segments: tuple[str, ...]
    cover_expiring_within_days: int
    max_items_per_kind: int


@dataclass(frozen=True)
class Tally:
    """The votes on one proposal and what they carry: 'approve', 'decline' or None (no
    majority either way, or no quorum: the committee can only defer)."""

    votes_for: int
    votes_against: int
    abstentions: int
    has_quorum: bool
    carried: str | None

    def words(self) -> str:
        """'3 for, 1 against, 0 abstaining' (', no quorum' when short of it), in the current language."""
        values = {"yes": fmt_int(self.votes_for), "no": fmt_int(self.votes_against), "abstain": fmt_int(self.abstentions)}
        if self.has_quorum:
            return _("{yes} for, {no} against, {abstain} abstaining").format(**values)
        return _("{yes} for, {no} against, {abstain} abstaining, no quorum").format(**values)


def tally(votes: list[str], settings: CommitteeSettings) -> Tally:
    """Count votes ('approve' | 'decline' | 'abstain'). Carries 'approve' when the for-votes
    are more than majority_pct of the for and against votes, 'decline' likewise; needs at
    least `quorum` votes cast."""
    unknown = sorted(set(votes) - set(VOTES))
    if unknown:
        raise ValueError(f"unknown vote(s) {unknown}")
    yes, no, abstain = votes.count("approve"), votes.count("decline"), votes.count("abstain")
    quorum = len(votes) >= settings.quorum
    carried = None
    if quorum and yes + no > 0:
        if yes * 100.0 > settings.majority_pct * (yes + no):
            carried = "approve"
        elif no * 100.0 > settings.majority_pct * (yes + no):
            carried = "decline"
    return Tally(yes, no, abstain, quorum, carried)


AGENDA_COLUMNS = {"kind": pl.String, "customer_id": pl.String, "customer_name": pl.String,
                  "application_id": pl.Int64, "title": pl.String, "reason": pl.String,
                  "exposure_amt": pl.Float64}


def agenda_items(sources: dict[str, pl.DataFrame], settings: CommitteeSettings) -> pl.DataFrame:
    """The proposed agenda: each configured source's candidates in the policy's order,
    each source's largest exposures first, at most max_items_per_kind of each, and a
    customer that several sources name kept once, under its first source.

    sources: source name (AGENDA_SOURCES) -> frame with customer_id, customer_name, title,
    reason, exposure_amt (and application_id for applications). Grain of the result: one row
    per agenda item with kind, customer_id, customer_name, application_id, title, reason,
    exposure_amt and position (1-based)."""
    parts: list[pl.DataFrame] = []
    for source in settings.agenda:
        frame = sources.get(source)
        if frame is None or frame.height == 0:
            continue
        if "application_id" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.Int64).alias("application_id"))
        parts.append(frame.with_columns(pl.lit(AGENDA_SOURCES[source]).alias("kind"))
                     .sort("exposure_amt", descending=True, nulls_last=True).head(settings.max_items_per_kind)
                     .select([pl.col(c).cast(t) for c, t in AGENDA_COLUMNS.items()]))
    if not parts:
        return pl.DataFrame(schema={**AGENDA_COLUMNS, "position": pl.Int64})
    items = pl.concat(parts).with_row_index("_order")
    # an application is an item of its own; the other sources name a customer once, under the first
    is_app = pl.col("kind") == "application"
    items = pl.concat([items.filter(is_app),
                       items.filter(~is_app).unique("customer_id", keep="first", maintain_order=True)]
                      ).sort("_order").drop("_order")
    return items.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("position"))


def parse_committee(doc: object) -> CommitteeSettings:
    """[committee]; raises CommitteeError naming the key at fault."""
    if not isinstance(doc, dict):
        raise CommitteeError(_("section [committee] is missing"))

    def whole(key: str, low: int, high: int) -> int:
        value = doc.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise CommitteeError(_("[committee] {key} must be a whole number {low}-{high}").format(
                key=key, low=low, high=high))
        return value

    majority = doc.get("majority_pct")
    if not isinstance(majority, (int, float)) or isinstance(majority, bool) or not 50 <= majority < 100:
        raise CommitteeError(_("[committee] majority_pct must be a percent in [50, 100): below 50 a minority or "
                               "a tie would carry a decision"))
    agenda = doc.get("agenda")
    if not isinstance(agenda, list) or not agenda or any(a not in AGENDA_SOURCES for a in agenda) \
            or len(set(agenda)) != len(agenda):
        raise CommitteeError(_("[committee] agenda must list distinct sources of {sources}").format(
            sources=", ".join(AGENDA_SOURCES)))
    severity = doc.get("watchlist_min_severity")
    if severity not in SEVERITIES:
        raise CommitteeError(_("[committee] watchlist_min_severity must be one of {severities}").format(
            severities=", ".join(SEVERITIES)))
    core = doc.get("core_segments")
    if not isinstance(core, list) or not all(isinstance(s, str) for s in core):
        raise CommitteeError(_("[committee] core_segments must list segments"))
    return CommitteeSettings(whole("quorum", 1, 100), float(majority), tuple(agenda), str(severity),
                             tuple(core), whole("cover_expiring_within_days", 0, 3660),
                             whole("max_items_per_kind", 1, 500))
