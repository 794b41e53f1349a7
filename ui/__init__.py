"""The desktop: PySide6 widgets over the Qt-free core in :mod:`app`.

Importing this package loads no Qt: ``ringdesk phone`` starts through :mod:`ui.cli` without PySide6.
"""
