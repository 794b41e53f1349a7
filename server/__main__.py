"""``python -m server``: same as ``ringdesk-server``."""

import sys

from server.cli import main

sys.exit(main())
