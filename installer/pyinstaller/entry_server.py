"""PyInstaller entry point of the server bundle: the ``ringdesk-server`` command (``server.cli:main``)."""

import sys

from server.cli import main

sys.exit(main())
