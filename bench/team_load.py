"""The load of the team-board benchmark, as its own process (so its CPU is not the client's):
``python -m bench.team_load URL TOKEN OPERATORS RATE SECONDS`` posts RATE status changes per second
in total, as the team lead, for operators ``op_0000``...: ready, break, ACW in turn, each to a random
operator. Prints how many it posted."""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime

import httpx

BODIES = ({"status": "ready"}, {"status": "not_ready", "reason": "break"}, {"status": "acw"})


def main(argv: list[str]) -> int:
    url, token, operators, rate, seconds = argv[0], argv[1], int(argv[2]), float(argv[3]), float(argv[4])
    rng = random.Random(7)
    posted = 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        began = time.monotonic()
        while (elapsed := time.monotonic() - began) < seconds:
            due = began + posted / rate
            if due > time.monotonic():
                time.sleep(due - time.monotonic())
            body = {**BODIES[posted % 3], "operator": f"op_{rng.randrange(operators):04d}"}
            body["at"] = datetime.now(UTC).isoformat()
            response = client.post("/statuses", json=body)
            if response.status_code != 201:
                print(f"POST /statuses: {response.status_code} {response.text[:200]}", file=sys.stderr)
                return 1
            posted += 1
        del elapsed
    print(posted)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
