"""The desktop's local database: what the operator did, what they were typing, and what is still to send.

SQLite in the platform's user data dir (:mod:`app.store.paths`), opened by :mod:`app.store.database`
(WAL + ``synchronous=FULL``, own Alembic migrations). One module per concept: :mod:`schema` (tables),
:mod:`drafts` (disposition forms as typed), :mod:`cache` (contacts, catalogues and scripts seen
online, for use offline), :mod:`calls` (the operator's own calls). The outbox lives in
:mod:`app.sync.outbox` because it is the sync engine's contract; its table is here with the others so
one migration chain covers the whole file.
"""
