"""How the chain worker retries and leases, from the settings: one frozen value every worker
process reads once (``Policy.of``), and the back-off between attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from server.settings import Settings


@dataclass(frozen=True)
class Policy:
    lease: timedelta
    max_attempts: int
    retry_base: float
    retry_max: float
    default_zone: str
    public_url: str
    secret: str
    sms_report_wait: timedelta | None = None
    """How long an in-doubt SMS waits for its report (Kannel); ``None``: the provider de-duplicates."""

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            sms_report_wait=(
                timedelta(seconds=settings.kannel_report_wait_seconds)
                if settings.sms_provider == "kannel"
                else None
            ),
            lease=timedelta(seconds=settings.chain_lease_seconds),
            max_attempts=settings.chain_max_attempts,
            retry_base=settings.chain_retry_base_seconds,
            retry_max=settings.chain_retry_max_seconds,
            default_zone=settings.task_default_time_zone,
            public_url=settings.chain_public_url,
            secret=settings.secret_key.get_secret_value(),
        )


def backoff(attempts: int, policy: Policy, rng: random.Random) -> float:
    """Seconds until the next attempt after ``attempts`` failed ones: doubled per attempt up to
    ``retry_max``, times a random 0.8-1.2 (messages that failed together spread out)."""
    delay: float = min(policy.retry_max, policy.retry_base * 2.0 ** max(0, attempts - 1))
    return delay * rng.uniform(0.8, 1.2)
