"""The client's local time for the card: the rules live in the Qt-free core (``app.local_time``),
where the server's task queue uses the same ones to never offer a call outside the client's hours."""

from app.local_time import BusinessHours, ClientTime, client_time

__all__ = ["BusinessHours", "ClientTime", "client_time"]
