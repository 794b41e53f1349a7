"""Request and response bodies of the server's own endpoints (auth, users).

Shapes the desktop shares with the server live in ``app/wire``; these move there when the client
starts using them.
"""
