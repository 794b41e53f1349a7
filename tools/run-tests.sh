#!/usr/bin/env bash
# Run the whole test suite with real peers. Qt runs offscreen in the test process; the journey tests
# (tests/journey) start their own Xvfb displays for the real program. A skip not listed with its reason
# in tests/allowed_skips.txt fails the run (tests/conftest.py).
#
# With no test paths given, the suite runs in two phases:
#  1. one at a time: what measures time or shares a device (real audio, SIP calls, desktops on Xvfb
#     and offscreen with the real telephony service, installers), so nothing else competes with it;
#  2. on two workers (pytest-xdist, a whole module per worker so module fixtures hold): the server,
#     core, sync, scripts, unit, offscreen widget and headset (HID over a fake device) tests, which are
#     CPU-bound, pick their own ports and databases, and judge no timings. Beside them, one at a time,
#     the installer tests (building the bundles, installing the packages): they judge no timings
#     either, and each of them waits on the builds and dpkg far longer than it uses a core. Their output
#     is printed when both are done. This keeps `make test` well inside its budget on a two-core machine.
# Given paths (``tools/run-tests.sh tests/server -k etag``), they run in one ordinary pytest run.
set -euo pipefail
export QT_QPA_PLATFORM=offscreen
export RINGDESK_STRICT_SKIPS=1
mkdir -p build/journeys  # screenshots of every journey step are kept here

PARALLEL=(tests/server tests/core tests/sync tests/scripts tests/unit tests/pbx tests/ui tests/headset)
BESIDE=(tests/installer)
WORKERS="${RINGDESK_TEST_WORKERS:-2}"

for arg in "$@"; do
  if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then
    exec .venv/bin/python -m pytest "$@"
  fi
done

serial=()
for dir in tests/*/; do
  dir="${dir%/}"
  [[ " ${PARALLEL[*]} ${BESIDE[*]} " == *" $dir "* || "$dir" == tests/support || ! -n "$(ls "$dir"/test_*.py 2>/dev/null)" ]] && continue
  serial+=("$dir")
done

status=0
echo "== phase 1 of 2, one at a time: ${serial[*]}"
.venv/bin/python -m pytest "$@" "${serial[@]}" || status=$?
echo "== phase 2 of 2, on $WORKERS workers: ${PARALLEL[*]}; beside them, one at a time: ${BESIDE[*]}"
beside_log="$(mktemp)"
.venv/bin/python -m pytest "$@" "${BESIDE[@]}" >"$beside_log" 2>&1 &
beside=$!
trap 'kill "$beside" 2>/dev/null || true; rm -f "$beside_log"' EXIT
.venv/bin/python -m pytest -n "$WORKERS" --dist loadfile "$@" "${PARALLEL[@]}" || { s=$?; [[ $status -eq 0 ]] && status=$s; }
s=0
wait "$beside" || s=$?
echo "== phase 2, beside: ${BESIDE[*]}"
cat "$beside_log"
[[ $status -eq 0 ]] && status=$s
exit $status
