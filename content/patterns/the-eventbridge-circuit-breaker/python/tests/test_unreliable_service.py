from typing import Any, Optional

from unreliable_service import UnreliableConfig, choose_behaviour, create_handler

CONFIG = UnreliableConfig(failure_rate=0.5, stall_ms=4000)


def request(fail: Optional[str] = None) -> dict[str, Any]:
    return {"queryStringParameters": {"fail": fail} if fail else None}


def test_obeys_the_fail_switch_whatever_the_dice_say() -> None:
    assert choose_behaviour("true", 0, lambda: 0.99) == "fail"
    assert choose_behaviour("slow", 0, lambda: 0.99) == "stall"
    assert choose_behaviour("false", 1, lambda: 0) == "succeed"


def test_splits_the_failure_rate_evenly_between_failing_and_stalling() -> None:
    assert choose_behaviour(None, 0.5, lambda: 0.1) == "fail"
    assert choose_behaviour(None, 0.5, lambda: 0.3) == "stall"
    assert choose_behaviour(None, 0.5, lambda: 0.6) == "succeed"
    assert choose_behaviour(None, 0, lambda: 0) == "succeed"


def test_answers_503_at_once_when_failing() -> None:
    slept: list[float] = []
    assert create_handler(CONFIG, sleep=slept.append)(request("true"))["statusCode"] == 503
    assert slept == []


def test_answers_200_only_after_stalling_for_the_configured_time() -> None:
    slept: list[float] = []
    assert create_handler(CONFIG, sleep=slept.append)(request("slow"))["statusCode"] == 200
    assert slept == [4.0]


def test_answers_200_straight_away_when_healthy() -> None:
    def never(_seconds: float) -> None:
        raise AssertionError("should not stall")

    assert create_handler(CONFIG, lambda: 0.9, never)(request())["statusCode"] == 200
