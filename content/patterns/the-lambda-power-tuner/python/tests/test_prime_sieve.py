import math

import pytest

from functions.prime_sieve import DEFAULT_LIMIT, MAX_LIMIT, count_primes, handler, parse_limit


def test_matches_known_prime_counts() -> None:
    assert count_primes(2) == (1, 2)
    assert count_primes(10) == (4, 7)
    assert count_primes(100) == (25, 97)
    assert count_primes(1_000_000) == (78_498, 999_983)
    # The payload the page tunes with.
    assert count_primes(5_000_000) == (348_513, 4_999_999)


def test_counts_a_prime_limit_itself() -> None:
    assert count_primes(97) == (25, 97)


def test_finds_none_below_2() -> None:
    assert count_primes(1) == (0, None)


def test_defaults_when_the_tuner_sends_an_empty_payload() -> None:
    assert parse_limit({}) == DEFAULT_LIMIT
    assert parse_limit(None) == DEFAULT_LIMIT


def test_accepts_whole_numbers_in_range() -> None:
    assert parse_limit({"limit": 2}) == 2
    assert parse_limit({"limit": MAX_LIMIT}) == MAX_LIMIT
    assert parse_limit({"limit": 100.0}) == 100


@pytest.mark.parametrize("limit", [1, 2.5, -10, MAX_LIMIT + 1, "1000", math.nan, math.inf, True])
def test_refuses_limits_that_are_not_whole_numbers_or_would_not_fit_in_a_small_function(limit: object) -> None:
    with pytest.raises(ValueError):
        parse_limit({"limit": limit})


def test_reports_the_count_the_largest_prime_and_how_long_the_work_took() -> None:
    result = handler({"limit": 100_000})
    assert result["limit"] == 100_000
    assert result["primes"] == 9_592
    assert result["largest"] == 99_991
    assert isinstance(result["elapsedMs"], int) and result["elapsedMs"] >= 0


def test_fails_the_invocation_on_bad_input_so_the_tuner_sees_an_error_rather_than_a_fast_no_op() -> None:
    with pytest.raises(ValueError):
        handler({"limit": "lots"})
