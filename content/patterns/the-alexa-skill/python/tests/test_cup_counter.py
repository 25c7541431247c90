import calendar
from datetime import date
from typing import Any

import pytest

from cup_counter import DRINKS, KEEP_DAYS, DynamoTallyStore, Tally, create_handler, describe_tally, goal_progress, resolve_day

TODAY = "2026-11-22"
USER = "amzn1.ask.account.TESTUSER"


class MemoryStore:
    """An in-memory store that records what the skill asked it to do."""

    def __init__(self, tallies: dict[str, dict[str, int]] | None = None, goal: int | None = None) -> None:
        self.tallies: dict[str, Tally] = {day: {**dict.fromkeys(DRINKS, 0), **t} for day, t in (tallies or {}).items()}
        self.current_goal = goal
        self.adds: list[dict[str, Any]] = []

    def add(self, user_id: str, day: str, drink: str, cups: int, expires_at: int) -> Tally:
        self.adds.append({"day": day, "drink": drink, "cups": cups, "expiresAt": expires_at})
        tally = {**dict.fromkeys(DRINKS, 0), **self.tallies.get(day, {})}
        tally[drink] += cups
        self.tallies[day] = tally
        return tally

    def tally(self, user_id: str, day: str) -> Tally:
        return {**dict.fromkeys(DRINKS, 0), **self.tallies.get(day, {})}

    def goal(self, user_id: str) -> int | None:
        return self.current_goal

    def set_goal(self, user_id: str, goal: int) -> None:
        self.current_goal = goal


def envelope(request: dict[str, Any], session_new: bool = True) -> dict[str, Any]:
    return {
        "version": "1.0",
        "session": {"new": session_new, "sessionId": "s", "application": {"applicationId": "amzn1.ask.skill.test"}, "user": {"userId": USER}},
        "context": {"System": {"application": {"applicationId": "amzn1.ask.skill.test"}, "user": {"userId": USER}}},
        "request": {"requestId": "r", "timestamp": f"{TODAY}T19:30:00Z", "locale": "en-US", **request},
    }


def intent(name: str, slots: dict[str, dict[str, Any]] | None = None, session_new: bool = True) -> dict[str, Any]:
    with_names = {key: {"name": key, **slot} for key, slot in (slots or {}).items()}
    return envelope({"type": "IntentRequest", "intent": {"name": name, "slots": with_names}}, session_new)


def drink_slot(heard: str, id_: str | None = None) -> dict[str, Any]:
    authority = "amzn1.er-authority.echo-sdk.x.DrinkType"
    resolution = (
        {"authority": authority, "status": {"code": "ER_SUCCESS_MATCH"}, "values": [{"value": {"name": id_.lower(), "id": id_}}]}
        if id_
        else {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    )
    return {"value": heard, "resolutions": {"resolutionsPerAuthority": [resolution]}}


def speech(response: dict[str, Any]) -> str:
    return response["response"].get("outputSpeech", {}).get("text", "")


# phrasing helpers


def test_describe_a_day_with_correct_plurals_and_a_readable_list() -> None:
    assert describe_tally({"water": 0, "tea": 0, "coffee": 0}) is None
    assert describe_tally({"water": 1, "tea": 0, "coffee": 0}) == "1 cup of water"
    assert describe_tally({"water": 3, "tea": 1, "coffee": 2}) == "3 cups of water, 1 cup of tea and 2 cups of coffee"


def test_report_progress_towards_the_water_goal() -> None:
    assert goal_progress(3, None) == ""
    assert goal_progress(7, 8) == " 1 more cup of water reaches your goal of 8."
    assert goal_progress(3, 8) == " 5 more cups of water reach your goal of 8."
    assert goal_progress(9, 8) == " That meets your goal of 8 cups of water."


def test_accept_single_days_from_amazon_date_and_refuse_weeks_months_the_future_and_expired_days() -> None:
    assert resolve_day(None, TODAY) == (TODAY, None)
    assert resolve_day("PRESENT_REF", TODAY) == (TODAY, None)
    assert resolve_day("2026-11-21", TODAY) == ("2026-11-21", None)
    for value in ("2026-W47", "2026-W47-WE", "2026-11", "2026", "202X", "2026-13-45"):
        assert resolve_day(value, TODAY)[0] is None, value
    assert resolve_day("2026-11-23", TODAY) == (None, "That day hasn't happened yet.")
    assert resolve_day("2026-08-24", TODAY) == (None, f"I only keep the last {KEEP_DAYS} days.")
    assert resolve_day("2026-08-25", TODAY) == ("2026-08-25", None)


# request handling


def test_greets_with_today_so_far_and_keeps_the_microphone_open() -> None:
    store = MemoryStore(tallies={TODAY: {"water": 3, "tea": 1}}, goal=8)
    response = create_handler(store)(envelope({"type": "LaunchRequest"}))
    assert speech(response) == (
        "Welcome to Cup Counter. Today so far: 3 cups of water and 1 cup of tea. 5 more cups of water reach your goal of 8. What did you drink?"
    )
    assert response["response"]["shouldEndSession"] is False
    assert response["response"]["reprompt"]


def test_logs_a_resolved_synonym_under_its_drink_dated_by_the_request_and_ends_a_one_shot_request() -> None:
    store = MemoryStore(goal=2)
    response = create_handler(store)(intent("LogDrinkIntent", {"count": {"value": "2"}, "drink": drink_slot("lattes", "COFFEE")}))
    expires_at = calendar.timegm(date(2026, 11, 22).timetuple()) + KEEP_DAYS * 86_400
    assert store.adds == [{"day": TODAY, "drink": "coffee", "cups": 2, "expiresAt": expires_at}]
    assert speech(response) == "Logged 2 cups of coffee. Today so far: 2 cups of coffee. 2 more cups of water reach your goal of 2."
    assert response["response"]["shouldEndSession"] is True


def test_assumes_one_cup_of_water_when_neither_slot_is_filled_and_asks_for_more_inside_a_conversation() -> None:
    store = MemoryStore()
    response = create_handler(store)(intent("LogDrinkIntent", {}, session_new=False))
    assert [(a["drink"], a["cups"]) for a in store.adds] == [("water", 1)]
    assert speech(response) == "Logged 1 cup of water. Today so far: 1 cup of water. Anything else to log?"
    assert response["response"]["shouldEndSession"] is False


def test_asks_again_writing_nothing_for_an_unknown_drink_an_unclear_count_or_too_many_cups() -> None:
    store = MemoryStore()
    handler = create_handler(store)
    juice = handler(intent("LogDrinkIntent", {"drink": drink_slot("orange juice")}))
    assert "only count water, tea and coffee, not orange juice" in speech(juice)
    unclear = handler(intent("LogDrinkIntent", {"count": {"value": "?"}, "drink": drink_slot("tea", "TEA")}))
    assert "didn't catch how many" in speech(unclear)
    many = handler(intent("LogDrinkIntent", {"count": {"value": "50"}}))
    assert "between 1 and 20 cups" in speech(many)
    for response in (juice, unclear, many):
        assert response["response"]["shouldEndSession"] is False
    assert store.adds == []


def test_summarises_today_an_earlier_day_and_an_empty_day_with_a_card() -> None:
    store = MemoryStore(tallies={TODAY: {"water": 8}, "2026-11-21": {"tea": 2, "coffee": 1}}, goal=8)
    handler = create_handler(store)
    today = handler(intent("GetSummaryIntent"))
    assert speech(today) == "Today you had 8 cups of water. That meets your goal of 8 cups of water."
    assert today["response"]["card"] == {"type": "Simple", "title": f"Cup Counter, {TODAY}", "content": "8 cups of water"}
    yesterday = handler(intent("GetSummaryIntent", {"day": {"value": "2026-11-21"}}))
    assert speech(yesterday) == "On Saturday, November 21 you had 2 cups of tea and 1 cup of coffee. 8 more cups of water reach your goal of 8."
    empty = handler(intent("GetSummaryIntent", {"day": {"value": "2026-11-20"}}))
    assert speech(empty) == "I have nothing logged for Friday, November 20."


def test_asks_for_a_single_day_when_given_a_week() -> None:
    response = create_handler(MemoryStore())(intent("GetSummaryIntent", {"day": {"value": "2026-W47"}}))
    assert "one tally per day" in speech(response)
    assert speech(response).endswith("Which day?")
    assert response["response"]["shouldEndSession"] is False


def test_stores_a_goal_between_1_and_30_and_refuses_anything_else() -> None:
    store = MemoryStore()
    handler = create_handler(store)
    for value in (None, "?", "0", "31"):
        response = handler(intent("SetGoalIntent", {} if value is None else {"goal": {"value": value}}))
        assert "between 1 and 30" in speech(response)
    assert store.current_goal is None
    response = handler(intent("SetGoalIntent", {"goal": {"value": "6"}}))
    assert speech(response) == "Done. Your daily goal is now 6 cups of water."
    assert store.current_goal == 6


def test_answers_the_built_in_intents() -> None:
    handler = create_handler(MemoryStore())
    help_ = handler(intent("AMAZON.HelpIntent"))
    assert speech(help_).startswith("Cup Counter keeps a daily tally")
    assert help_["response"]["shouldEndSession"] is False
    for name in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
        bye = handler(intent(name))
        assert speech(bye) == "Cheers. Stay hydrated."
        assert bye["response"]["shouldEndSession"] is True
    for name in ("AMAZON.FallbackIntent", "SomeRetiredIntent"):
        fallback = handler(intent(name))
        assert "didn't get that" in speech(fallback)
        assert fallback["response"]["shouldEndSession"] is False


def test_answers_session_ended_request_without_speech() -> None:
    response = create_handler(MemoryStore())(envelope({"type": "SessionEndedRequest", "reason": "USER_INITIATED"}))
    assert response == {"version": "1.0", "response": {}}


def test_apologises_and_ends_the_session_when_the_table_cannot_be_reached(caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStore()

    def unreachable(user_id: str, day: str) -> Tally:
        raise RuntimeError("ProvisionedThroughputExceededException")

    store.tally = unreachable  # type: ignore[method-assign]
    response = create_handler(store)(envelope({"type": "LaunchRequest"}))
    assert "can't reach your tally" in speech(response)
    assert response["response"]["shouldEndSession"] is True
    assert "ProvisionedThroughputExceededException" in caplog.text


# DynamoTallyStore


class FakeDynamoDB:
    def __init__(self, reply: dict[str, Any]) -> None:
        self.reply = reply
        self.sent: list[dict[str, Any]] = []

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(kwargs)
        return self.reply

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(kwargs)
        return self.reply


def test_adds_cups_atomically_to_the_day_item_and_sets_its_expiry() -> None:
    client = FakeDynamoDB({"Attributes": {"water": {"N": "4"}, "tea": {"N": "1"}}})
    tally = DynamoTallyStore(client, "Tallies").add(USER, TODAY, "tea", 1, 123)
    assert tally == {"water": 4, "tea": 1, "coffee": 0}
    sent = client.sent[0]
    assert sent["Key"] == {"userId": {"S": USER}, "sk": {"S": f"DAY#{TODAY}"}}
    assert sent["UpdateExpression"] == "ADD #drink :cups SET expiresAt = :expiresAt"
    assert sent["ExpressionAttributeNames"] == {"#drink": "tea"}
    assert sent["ExpressionAttributeValues"] == {":cups": {"N": "1"}, ":expiresAt": {"N": "123"}}
    assert sent["ReturnValues"] == "ALL_NEW"


def test_reads_a_missing_day_as_zeros_and_a_missing_goal_as_none() -> None:
    store = DynamoTallyStore(FakeDynamoDB({}), "Tallies")
    assert store.tally(USER, TODAY) == {"water": 0, "tea": 0, "coffee": 0}
    assert store.goal(USER) is None


def test_keeps_the_goal_on_its_own_goal_item() -> None:
    client = FakeDynamoDB({"Item": {"goal": {"N": "8"}}})
    store = DynamoTallyStore(client, "Tallies")
    store.set_goal(USER, 8)
    assert store.goal(USER) == 8
    assert [s["Key"]["sk"]["S"] for s in client.sent] == ["GOAL", "GOAL"]
