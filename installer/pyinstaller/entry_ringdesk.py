"""PyInstaller entry point of the desktop bundle: the ``ringdesk`` command (``ui.cli:main``)."""

import sys

from ui.cli import main

sys.exit(main())
