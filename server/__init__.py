"""The central ringdesk server (FastAPI): contacts, dispositions, statuses, scripts, users.

Never imports ``ui`` or ``sip``; shares the wire format with the desktop through :mod:`app`.
Layout: ``settings`` (configuration), ``db`` (engines), ``models`` (tables), ``migrations`` and
``migrate`` (Alembic), ``security`` (passwords, tokens), ``crud`` (database operations), ``audit``,
``api`` (FastAPI app, dependencies, routes), ``commands`` and ``cli`` (``ringdesk-server``).
"""
