"""A typed asyncio client for the ringdesk server (httpx), shared by the sync pump and the UI.

:mod:`app.client.errors` sorts every failure into what the caller can do about it (try again later,
log in again, fix the record); :mod:`app.client.tokens` keeps the access token fresh and the refresh
token in the keyring; :mod:`app.client.api` has one method per server route the desktop uses, taking
and returning the wire models of :mod:`app.wire`.
"""
