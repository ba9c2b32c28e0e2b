"""The audit trail: append-only, every entry chained to the one before by its hash.

entry_hash = SHA-256 of the canonical JSON of [entry_id, at, actor, action, entity,
entity_id, before, after, prev_hash]; the first entry's prev_hash is 64 zeros. An edited
entry no longer matches its hash; a deleted or inserted one breaks the numbering and the
chain; a cut-off tail no longer matches the head row (audit_head) — and the head's hash,
noted down by internal audit, anchors the whole chain (`audit verify --expect HASH`).
Writers lock the head row first, so entries are numbered one after the other even when two
sessions write at once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import polars as pl
from sqlalchemy import Connection, select, update

from analytics.i18n import _
from analytics.store.schema import audit_head, audit_log

GENESIS = "0" * 64


def now_text(now: datetime | None = None) -> str:
    """UTC ISO-8601 with microseconds: how the store writes every time."""
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def canonical(value: object) -> str:
    """Canonical JSON (sorted keys, no spaces, UTF-8 kept) of a JSON-able value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default,
                      allow_nan=False)


def entry_hash(entry_id: int, at: str, actor: str, action: str, entity: str, entity_id: str | None,
               before_json: str, after_json: str, prev_hash: str) -> str:
    payload = canonical([entry_id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def lock_head(con: Connection) -> tuple[int, str]:
    """Lock the chain's head for this transaction (PostgreSQL: row lock; SQLite: the write
    lock BEGIN IMMEDIATE already holds) and return (last entry id, last hash)."""
    row = con.execute(select(audit_head.c.last_entry_id, audit_head.c.last_hash)
                      .where(audit_head.c.head_id == 1).with_for_update()).one()
    return int(row[0]), str(row[1])


def append(con: Connection, actor: str, action: str, entity: str, entity_id: object,
           before: object, after: object, at: str) -> int:
    """Append one entry inside the caller's transaction; returns its id."""
    last_id, last_hash = lock_head(con)
    entry_id = last_id + 1
    before_json, after_json = canonical(before), canonical(after)
    ident = None if entity_id is None else str(entity_id)
    digest = entry_hash(entry_id, at, actor, action, entity, ident, before_json, after_json, last_hash)
    con.execute(audit_log.insert().values(entry_id=entry_id, at=at, actor=actor, action=action, entity=entity,
                                          entity_id=ident, before_json=before_json, after_json=after_json,
                                          prev_hash=last_hash, entry_hash=digest))
    con.execute(update(audit_head).where(audit_head.c.head_id == 1).values(last_entry_id=entry_id,
                                                                           last_hash=digest))
    return entry_id


@dataclass(frozen=True)
class AuditCheck:
    """The outcome of checking the chain: entries checked, the head hash, and the problems
    found (empty: intact)."""

    entries: int
    head_hash: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(con: Connection, expect_head: str | None = None) -> AuditCheck:
    """Recompute the chain from the first entry: numbering, links, hashes, the head row."""
    problems: list[str] = []
    expected_prev, expected_id = GENESIS, 1
    rows = con.execute(select(audit_log).order_by(audit_log.c.entry_id))
    count = 0
    for row in rows:
        count += 1
        m = row._mapping
        if m["entry_id"] != expected_id:
            problems.append((_("entry {entry}: expected entry {expected} here (entries deleted)")
                             if m["entry_id"] > expected_id else
                             _("entry {entry}: expected entry {expected} here (numbering broken)")).format(
                entry=m["entry_id"], expected=expected_id))
        if m["prev_hash"] != expected_prev:
            problems.append(_("entry {entry}: its link to the entry before does not match").format(entry=m["entry_id"]))
        digest = entry_hash(m["entry_id"], m["at"], m["actor"], m["action"], m["entity"], m["entity_id"],
                            m["before_json"], m["after_json"], m["prev_hash"])
        if digest != m["entry_hash"]:
            problems.append(_("entry {entry} ({action} {entity} {id}, {at}): its content does not match its hash: "
                              "it was changed").format(entry=m["entry_id"], action=m["action"], entity=m["entity"],
                                                       id=m["entity_id"] or "", at=m["at"]))
        expected_prev, expected_id = m["entry_hash"], m["entry_id"] + 1
        if len(problems) > 50:
            problems.append(_("more problems not listed"))
            break
    head_id, head_hash = con.execute(select(audit_head.c.last_entry_id, audit_head.c.last_hash)).one()
    if not problems and (head_id != expected_id - 1 or head_hash != expected_prev):
        problems.append(_("the chain ends at entry {last} but its head says entry {head}: entries were removed "
                          "from the end, or the head was changed").format(last=expected_id - 1, head=head_id))
    if expect_head is not None and head_hash != expect_head:
        problems.append(_("the head hash {hash} is not the expected {expected}").format(hash=head_hash,
                                                                                        expected=expect_head))
    return AuditCheck(count, str(head_hash), problems)


AUDIT_COLUMNS = ["entry_id", "at", "actor", "action", "entity", "entity_id", "before_json", "after_json",
                 "prev_hash", "entry_hash"]


def entries(con: Connection, entity: str | None = None, entity_id: str | None = None,
            actor: str | None = None, limit: int | None = None) -> pl.DataFrame:
    """The trail, newest first (optionally one entity, one record or one actor)."""
    query = select(*[audit_log.c[c] for c in AUDIT_COLUMNS]).order_by(audit_log.c.entry_id.desc())
    if entity:
        query = query.where(audit_log.c.entity == entity)
    if entity_id is not None:
        query = query.where(audit_log.c.entity_id == entity_id)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if limit:
        query = query.limit(limit)
    rows = [tuple(r) for r in con.execute(query)]
    schema = {"entry_id": pl.Int64, **{c: pl.String for c in AUDIT_COLUMNS[1:]}}
    return pl.DataFrame(rows, schema=schema, orient="row")
