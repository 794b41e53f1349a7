"""The HTTP API: ``create_app(settings)`` in :mod:`server.api.main`."""
