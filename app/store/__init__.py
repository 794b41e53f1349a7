"""The desktop's local database: what the operator did, what they were typing, and what is still to send.

SQLite in the platform's user data dir (:mod:`app.store.paths`), opened by :mod:`app.store.database`
(WAL + ``synchronous=FULL``) and used through the standard library's :mod:`sqlite3`: SQLAlchemy would
cost the idle desktop ~18 MB for a few small tables. One module per concept: :mod:`schema` (outbox
states, how times are stored), :mod:`drafts` (disposition forms as typed), :mod:`cache` (contacts,
catalogues and scripts seen online, for use offline), :mod:`calls` (the operator's own calls). The
outbox lives in :mod:`app.sync.outbox` because it is the sync engine's contract; its table is here
with the others so one migration chain covers the whole file.

The tables are defined as SQLAlchemy models in :mod:`tables` and migrated by Alembic
(:mod:`migrations`); both are imported only when a migration is due, and by tests.
"""
