"""Whether a secret key is fit to sign access tokens: refusing the ones a person typed or copied from a
tutorial (``changeme``, ``0123456789...``, a short word repeated), which would let anyone who guesses
them mint tokens. Used when the server's settings are loaded (:mod:`server.settings_load`) and again
when :class:`server.settings.Settings` is built directly.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

MIN_SECRET_LENGTH = 32
#: The least :func:`estimated_entropy_bits` a secret key must show (see there).
MIN_SECRET_BITS = 80
#: Values seen in templates and tutorials; never acceptable as a real secret.
PLACEHOLDER_SECRETS = frozenset(
    {
        "changethis",
        "changeme",
        "change-me",
        "change_me",
        "secret",
        "secret-key",
        "secret_key",
        "please-change",
    }
)


def secret_problem(secret: str) -> str | None:
    """Why ``secret`` is unfit to sign tokens, or None if it is acceptable."""
    if not secret:
        return "the secret key is not set"
    if secret.strip().lower() in PLACEHOLDER_SECRETS:
        return "the secret key is a well-known placeholder"
    if len(secret) < MIN_SECRET_LENGTH:
        return f"the secret key is too short ({len(secret)} characters, at least {MIN_SECRET_LENGTH} needed)"
    if len(set(secret)) < 8:
        return "the secret key repeats too few distinct characters to be random"
    bits = estimated_entropy_bits(secret)
    if bits < MIN_SECRET_BITS:
        return (
            f"the secret key follows a pattern (about {bits:.0f} bits of randomness, at least "
            f"{MIN_SECRET_BITS} needed): generate a random one"
        )
    return None


def _shannon_bits(symbols: Sequence[object]) -> float:
    """Bits per symbol of the symbols' own frequency distribution."""
    if not symbols:
        return 0.0
    total = len(symbols)
    return -sum(n / total * math.log2(n / total) for n in Counter(symbols).values())


def _period(text: str) -> int:
    """The shortest ``p`` such that ``text`` is a prefix of its first ``p`` characters repeated."""
    for p in range(1, len(text)):
        if all(text[i] == text[i - p] for i in range(p, len(text))):
            return p
    return len(text)


def estimated_entropy_bits(secret: str) -> float:
    """A pessimistic estimate of the randomness in ``secret``, to refuse keys a person typed.

    Length times bits per character, where the bits per character are the lower of two empirical
    entropies: of the characters themselves, and of the steps between neighbours (``0123...`` and
    ``abcd...`` step by one every time). The length is that of the shortest repeating unit
    (``k3y!k3y!...`` counts as ``k3y!``). Random keys score far above the threshold: 32 hex digits
    (128 bits) about 110, ``token_urlsafe(32)`` about 200.
    """
    unit = secret[: _period(secret)]
    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(unit)]
    per_char = min(_shannon_bits(list(unit)), _shannon_bits(steps) if steps else 0.0)
    return len(unit) * per_char
