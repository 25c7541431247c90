"""A deliberately CPU-bound function to tune.

Counting primes with a sieve does no I/O, so its duration depends almost only on how much
CPU the memory setting buys.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Optional, TypedDict

logger = logging.getLogger()
logger.setLevel(logging.INFO)

DEFAULT_LIMIT = 5_000_000
# One byte per candidate: 20 million keeps the working set at 20 MB, safe even at 128 MB.
MAX_LIMIT = 20_000_000


class SieveResult(TypedDict):
    limit: int
    primes: int
    largest: Optional[int]
    elapsedMs: int


def parse_limit(event: Optional[dict[str, Any]]) -> int:
    """The upper bound to search, from the event; missing means the default."""
    limit = (event or {}).get("limit")
    if limit is None:
        return DEFAULT_LIMIT
    # JSON has one number type, so 100.0 counts as the whole number 100; a bool (an int subclass) does not.
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    if type(limit) is not int or limit < 2 or limit > MAX_LIMIT:
        raise ValueError(f"limit must be a whole number from 2 to {MAX_LIMIT}")
    return limit


def count_primes(limit: int) -> tuple[int, Optional[int]]:
    """Sieve of Eratosthenes: how many primes are <= limit, and the largest of them."""
    if limit < 2:
        return 0, None
    is_prime = bytearray([1]) * (limit + 1)
    is_prime[0] = is_prime[1] = 0
    n = 2
    while n * n <= limit:
        if is_prime[n]:
            start = n * n
            is_prime[start::n] = bytes(len(range(start, limit + 1, n)))
        n += 1
    primes = is_prime.count(1)
    largest = is_prime.rindex(1)
    return primes, largest


def handler(event: Optional[dict[str, Any]], _context: Any = None) -> SieveResult:
    # A bad limit raises, so the tuner records an error rather than a fast no-op.
    limit = parse_limit(event)
    started = time.perf_counter()
    primes, largest = count_primes(limit)
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    logger.info("counted %d primes up to %d in %d ms", primes, limit, elapsed_ms)
    return {"limit": limit, "primes": primes, "largest": largest, "elapsedMs": elapsed_ms}
