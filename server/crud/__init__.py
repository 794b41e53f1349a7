"""Database operations, one module per resource, keyword-only arguments (FastAPI template style).

They add and flush; the caller commits (a route commits once, after the audit row is added).
"""
