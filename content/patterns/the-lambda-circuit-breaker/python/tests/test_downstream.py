import json

from downstream import create_handler, pick_outcome


def request(fail: str | None = None) -> dict:
    return {"queryStringParameters": {"fail": fail} if fail else None}


def test_obeys_the_fail_switch() -> None:
    assert pick_outcome("true", 0, lambda: 0.9) == "error"
    assert pick_outcome("slow", 0, lambda: 0.9) == "slow"
    assert pick_outcome("false", 1, lambda: 0) == "ok"


def test_fails_the_configured_share_of_calls() -> None:
    assert pick_outcome(None, 0.2, lambda: 0.19) == "error"
    assert pick_outcome(None, 0.2, lambda: 0.2) == "ok"
    assert pick_outcome(None, 0, lambda: 0) == "ok"
    assert pick_outcome(None, 1, lambda: 0.999) == "error"


def test_answers_500_when_failing_and_a_list_when_working() -> None:
    handler = create_handler(0.5, 5000)
    assert handler(request("true"))["statusCode"] == 500
    ok = handler(request("false"))
    assert ok["statusCode"] == 200
    assert len(json.loads(ok["body"])["recommendations"]) > 0


def test_stalls_for_the_configured_time_before_answering() -> None:
    slept: list[float] = []
    handler = create_handler(0, 5000, sleep=slept.append)
    assert handler(request("slow"))["statusCode"] == 200
    assert slept == [5.0]
