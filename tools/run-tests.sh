#!/usr/bin/env bash
# Run the whole test suite with real peers. Qt runs offscreen in the test process; the journey tests
# (tests/journey) start their own Xvfb displays for the real program. A skip not listed with its reason
# in tests/allowed_skips.txt fails the run (tests/conftest.py).
#
# With no test paths given, the suite runs in three phases, to keep `make test` inside its budget on a
# two-core machine without letting anything disturb what measures time:
#  1. alone, one test at a time: what measures time on real audio and SIP (audio underruns and
#     correlations, call latency, peers), and any test folder not named below;
#  2. one test at a time, the desktops (e2e, faults, journeys: the real program, its telephony service
#     and sipp, waiting on what a person would see, never timing it); beside them, one test at a time,
#     the installer tests (building the bundles, installing the packages) and then, in one more
#     process, the offscreen widget tests and the quick Qt-free ones (core, scripts, unit, pbx, headset
#     over a fake HID device), which judge no timings and use the cores the desktops leave idle while
#     they wait. Their output is printed after. The widget tests get a process of their own: in a
#     pytest-xdist worker that had run server tests before them, Qt crashed (a segfault in
#     processEvents) in one run of two;
#  3. on two workers (pytest-xdist, a whole module per worker so module fixtures hold): the server
#     tests, which are CPU-bound, pick their own ports and databases, and judge no timings.
# And from the start to the end, at the lowest CPU priority (nice 19: it runs only on what the other
# phases leave idle, so it cannot take a core from a test that measures time), one more process with
# the sync tests (the kill -9 proof among them) and the server's slowest files that judge no timing (live
# servers, CLI processes, random days of events). The timed tests leave most of a core idle and the
# desktops wait on what a person would see: these soak that up instead of adding minutes to phase 3.
# Given paths (``tools/run-tests.sh tests/server -k etag``), they run in one ordinary pytest run.
set -euo pipefail
export QT_QPA_PLATFORM=offscreen
export RINGDESK_STRICT_SKIPS=1
mkdir -p build/journeys  # screenshots of every journey step are kept here

DESKTOPS=(tests/e2e tests/faults tests/journey)
BESIDE=(tests/installer)
WIDGETS=(tests/ui tests/core tests/scripts tests/unit tests/pbx tests/headset)
# the telephony service's robustness tests judge no timing (malformed SIP, hostile names, the command
# line, the demo's narration): they run beside the desktops too, not alone
UNTIMED=(tests/engine/test_calls_with_sipp.py tests/engine/test_demo.py tests/engine/test_phone_cli.py)
PARALLEL=(tests/server)
SOAK=(tests/sync tests/server/test_webhooks_live.py tests/server/test_import_contacts_cli.py
      tests/server/test_reports_agreement.py tests/server/chains/test_live.py
      tests/server/test_tasks.py tests/server/test_scripts.py tests/server/test_dispositions.py
      tests/server/test_contacts.py tests/server/test_users.py tests/server/test_calls.py
      tests/server/test_catalogue.py tests/server/test_disposition_batch.py tests/server/test_reports_api.py
      tests/server/test_import_contacts.py tests/server/test_requests.py tests/server/test_statuses.py
      tests/server/test_live_server.py tests/server/test_hot_paths_workers.py
      tests/server/test_keep_alive_live.py)
WORKERS="${RINGDESK_TEST_WORKERS:-2}"

for arg in "$@"; do
  if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then
    exec .venv/bin/python -m pytest "$@"
  fi
done

alone=()
for dir in tests/*/; do
  dir="${dir%/}"
  named=" ${DESKTOPS[*]} ${BESIDE[*]} ${WIDGETS[*]} ${PARALLEL[*]} ${SOAK[*]} "
  [[ "$named" == *" $dir "* || "$dir" == tests/support || ! -n "$(ls "$dir"/test_*.py 2>/dev/null)" ]] && continue
  alone+=("$dir")
done

status=0
failed() { [[ $status -eq 0 ]] && status=$1; return 0; }

soak_log="$(mktemp)"
RINGDESK_TEST_PATIENCE=10 nice -n 19 .venv/bin/python -m pytest "$@" "${SOAK[@]}" >"$soak_log" 2>&1 &
soak=$!
trap 'kill "$soak" 2>/dev/null || true; rm -f "$soak_log"' EXIT

echo "== phase 1 of 3, alone, one at a time: ${alone[*]} (but ${UNTIMED[*]})"
.venv/bin/python -m pytest "$@" "${alone[@]}" "${UNTIMED[@]/#/--ignore=}" || failed $?

echo "== phase 2 of 3, one at a time: ${DESKTOPS[*]}; beside them, one at a time: ${BESIDE[*]}, then ${WIDGETS[*]} ${UNTIMED[*]}"
beside_log="$(mktemp)"
(
  s=0
  .venv/bin/python -m pytest "$@" "${BESIDE[@]}" || s=$?
  echo "== phase 2 of 3, beside, then: ${WIDGETS[*]} ${UNTIMED[*]}"
  .venv/bin/python -m pytest "$@" "${WIDGETS[@]}" "${UNTIMED[@]}" || { r=$?; [[ $s -eq 0 ]] && s=$r; }
  exit $s
) >"$beside_log" 2>&1 &
beside=$!
trap 'kill "$beside" "$soak" 2>/dev/null || true; rm -f "$beside_log" "$soak_log"' EXIT
.venv/bin/python -m pytest "$@" "${DESKTOPS[@]}" || failed $?
s=0
wait "$beside" || s=$?
echo "== phase 2 of 3, beside: ${BESIDE[*]}"
cat "$beside_log"
failed $s

echo "== phase 3 of 3, on $WORKERS workers: ${PARALLEL[*]} (but ${SOAK[*]})"
.venv/bin/python -m pytest -n "$WORKERS" --dist loadfile "$@" "${PARALLEL[@]}" "${SOAK[@]/#/--ignore=}" \
  || failed $?
s=0
wait "$soak" || s=$?
echo "== all along, at the lowest priority: ${SOAK[*]}"
cat "$soak_log"
failed $s
exit $status
