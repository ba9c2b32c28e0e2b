"""The decisions store: transactional data (applications, decisions, votes, committee
meetings, decided limits, the audit trail) in its own database through SQLAlchemy with
Alembic migrations; SQLite (WAL) beside the warehouse by default, PostgreSQL by URL."""
