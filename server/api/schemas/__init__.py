"""Request and response bodies that only the server's own endpoints use (creating users, path
parameters).

Every shape the desktop also sends or reads (logging in, tokens, users, contacts, dispositions,
statuses, scripts) lives in the wire format, ``app.wire``: one definition, type-checked on both sides.
"""
