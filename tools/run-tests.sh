#!/usr/bin/env bash
# Run the whole test suite with real peers. Qt runs offscreen in the test process; the journey tests
# (tests/journey) start their own Xvfb displays for the real program. A skip not listed with its reason
# in tests/allowed_skips.txt fails the run (tests/conftest.py).
set -euo pipefail
export QT_QPA_PLATFORM=offscreen
export RINGDESK_STRICT_SKIPS=1
mkdir -p build/journeys  # screenshots of every journey step are kept here
exec .venv/bin/python -m pytest "$@"
