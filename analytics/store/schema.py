"""The decisions store's tables (SQLAlchemy Core): applications, decisions, votes, opinions,
decided limits, committee meetings and their agenda, and the hash-chained audit trail.

The migrations in analytics/store/migrations create exactly these (a test compares them).
Amounts are in the reporting currency unless a `currency` column says otherwise; times are
UTC ISO-8601 text with microseconds (the same on SQLite and PostgreSQL, so the audit
trail's hashes do not depend on the database).
"""

from __future__ import annotations

from sqlalchemy import (Boolean, Column, Date, Float, ForeignKey, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

metadata = MetaData()

applications = Table(
    "applications", metadata,
    Column("application_id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(200), nullable=False, index=True),
    Column("customer_name", String(500), nullable=False),
    Column("group_id", String(200)),
    Column("segment", String(200)),
    Column("kind", String(40), nullable=False),
    # pending | approved | approved_with_conditions | declined | deferred | withdrawn
    Column("status", String(40), nullable=False, index=True),
    Column("currency", String(3), nullable=False),
    Column("current_limit_amt", Float),
    Column("requested_limit_amt", Float),
    Column("current_terms_days", Integer),
    Column("requested_terms_days", Integer),
    Column("expires_on", Date),
    Column("write_off_amt", Float),
    Column("effective_from", Date, nullable=False),
    Column("recommendation", Text, nullable=False),
    Column("conditions_json", Text, nullable=False),
    Column("picture_json", Text, nullable=False),
    Column("picture_as_of", Date, nullable=False),
    Column("picture_taken_at", String(40), nullable=False),
    Column("warehouse_version", String(300), nullable=False),
    Column("grade", String(20)),
    Column("authority_amt", Float, nullable=False),
    Column("required_level", String(200), nullable=False),
    Column("routing_reason", Text, nullable=False),
    Column("proposed_by", String(200), nullable=False),
    Column("proposed_at", String(40), nullable=False),
    Column("decided_at", String(40)),
    Column("row_version", Integer, nullable=False),
)

meetings = Table(
    "meetings", metadata,
    Column("meeting_id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_on", Date, nullable=False),
    Column("title", String(500), nullable=False),
    Column("data_as_of", Date, nullable=False),
    Column("status", String(20), nullable=False),  # planned | closed
    Column("created_by", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("closed_at", String(40)),
    Column("row_version", Integer, nullable=False),
)

agenda_items = Table(
    "agenda_items", metadata,
    Column("item_id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_id", Integer, ForeignKey("meetings.meeting_id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("customer_id", String(200)),
    Column("customer_name", String(500)),
    Column("application_id", Integer, ForeignKey("applications.application_id")),
    Column("title", String(1000), nullable=False),
    Column("reason", Text, nullable=False),
    Column("exposure_amt", Float),
    Column("added_by", String(200), nullable=False),  # 'agenda' (built by the policy) or a username
    Column("is_removed", Boolean, nullable=False),
    Column("discussion", Text, nullable=False),
    Column("action_text", Text, nullable=False),
    Column("action_owner", String(200)),
    Column("action_due", Date),
)

decisions = Table(
    "decisions", metadata,
    Column("decision_id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, ForeignKey("applications.application_id"), nullable=False, index=True),
    Column("outcome", String(40), nullable=False),  # approved | approved_with_conditions | declined | deferred
    Column("level", String(200), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("conditions_json", Text, nullable=False),
    Column("meeting_id", Integer, ForeignKey("meetings.meeting_id")),
    Column("votes_for", Integer),
    Column("votes_against", Integer),
    Column("abstentions", Integer),
    Column("limit_amt", Float),
    Column("payment_terms_days", Integer),
    Column("effective_from", Date),
    Column("expires_on", Date),
    Column("write_off_amt", Float),
)

votes = Table(
    "votes", metadata,
    Column("vote_id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_id", Integer, ForeignKey("meetings.meeting_id"), nullable=False),
    Column("application_id", Integer, ForeignKey("applications.application_id"), nullable=False),
    Column("member", String(200), nullable=False),
    Column("vote", String(20), nullable=False),  # approve | decline | abstain
    Column("comment", Text, nullable=False),
    Column("cast_at", String(40), nullable=False),
    UniqueConstraint("meeting_id", "application_id", "member", name="uq_votes_member"),
)

opinions = Table(
    "opinions", metadata,
    Column("opinion_id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", Integer, ForeignKey("applications.application_id"), nullable=False, index=True),
    Column("author", String(200), nullable=False),
    Column("action", String(20), nullable=False),  # forward | comment | refresh | withdraw
    Column("text", Text, nullable=False),
    Column("at", String(40), nullable=False),
)

decided_limits = Table(
    "decided_limits", metadata,
    Column("limit_id", Integer, primary_key=True, autoincrement=True),
    # a temporary limit's decision puts two rows in force: the limit and, from its expiry, the one before
    Column("decision_id", Integer, ForeignKey("decisions.decision_id"), nullable=False, index=True),
    Column("customer_id", String(200), nullable=False, index=True),
    Column("effective_from", Date, nullable=False),
    Column("limit_amt", Float, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("expires_on", Date),
    Column("payment_terms_days", Integer),
    Column("approved_by", String(200), nullable=False),
    Column("approval_level", String(200), nullable=False),
    Column("limit_scope", String(20)),
    Column("recorded_at", String(40), nullable=False),
)

audit_log = Table(
    "audit_log", metadata,
    Column("entry_id", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("entity", String(60), nullable=False),
    Column("entity_id", String(200)),
    Column("before_json", Text, nullable=False),
    Column("after_json", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
)

audit_head = Table(  # one row: the chain's last entry (every write transaction locks it first)
    "audit_head", metadata,
    Column("head_id", Integer, primary_key=True, autoincrement=False),
    Column("last_entry_id", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)
