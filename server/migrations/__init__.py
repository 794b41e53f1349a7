"""Alembic environment and migration scripts (see :mod:`server.migrate`)."""
