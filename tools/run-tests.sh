#!/usr/bin/env bash
# Run the whole test suite with real peers. Qt runs offscreen; no test needs a display.
set -euo pipefail
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
