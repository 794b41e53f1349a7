"""The central ringdesk server (FastAPI): contacts, dispositions, statuses, scripts, users.

Never imports ``ui`` or ``sip``; shares the wire format with the desktop through :mod:`app`.
"""
