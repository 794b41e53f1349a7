"""The wire format shared by the desktop and the server: one pydantic model per message shape.

Client and server type-check against these definitions, so a field renamed on one side fails in
mypy or in a 422, never as silently missing data. Every model forbids unknown fields and bounds every
string and list. One module per concept: :mod:`contacts`, :mod:`dispositions`, :mod:`statuses`,
:mod:`scripts`, :mod:`auth`; :mod:`common` holds the shared field types.
"""
