"""Cup Counter: an Alexa skill that keeps a daily tally of water, tea and coffee in DynamoDB."""

from __future__ import annotations

import calendar
import json
import logging
import os
import re
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from alexa import Envelope, resolved_id, say, silence

logger = logging.getLogger()
logger.setLevel(logging.INFO)

DRINKS = ("water", "tea", "coffee")
Tally = dict[str, int]

MAX_CUPS_PER_LOG = 20
MAX_GOAL = 30
# Day tallies expire through DynamoDB TTL; the skill only talks about the last 90 days.
KEEP_DAYS = 90
DAY_SECONDS = 86_400


class TallyStore(Protocol):
    """The calls the skill makes against its table; tests pass an in-memory version."""

    def add(self, user_id: str, day: str, drink: str, cups: int, expires_at: int) -> Tally: ...

    def tally(self, user_id: str, day: str) -> Tally: ...

    def goal(self, user_id: str) -> int | None: ...

    def set_goal(self, user_id: str, goal: int) -> None: ...


HELP = (
    "Cup Counter keeps a daily tally of the water, tea and coffee you drink. "
    "Say, I had two cups of tea. Or ask, how am I doing. Or set a daily water goal, like, set my goal to eight cups."
)
ANYTHING_ELSE = "Anything else to log?"


class UnclearNumber(ValueError):
    """Alexa heard a number slot but could not make out the number ("?")."""


def cups(count: int, drink: str) -> str:
    return f"{count} {'cup' if count == 1 else 'cups'} of {drink}"


def describe_tally(tally: Tally) -> str | None:
    """"3 cups of water and 1 cup of tea", or None for an empty day."""
    parts = [cups(tally[d], d) for d in DRINKS if tally[d] > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def goal_progress(water: int, goal: int | None) -> str:
    if goal is None:
        return ""
    if water >= goal:
        return f" That meets your goal of {goal} cups of water."
    left = goal - water
    return f" {left} more {'cup' if left == 1 else 'cups'} of water {'reaches' if left == 1 else 'reach'} your goal of {goal}."


def slot_number(value: str | None) -> int | None:
    """Parses an AMAZON.NUMBER value; None when the slot was not filled, UnclearNumber when unclear."""
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[0-9]+", value):
        raise UnclearNumber(value)
    return int(value)


def resolve_day(value: str | None, today: str) -> tuple[str | None, str | None]:
    """Turns an AMAZON.DATE value into one calendar day: (day, None) or (None, problem). Alexa also
    sends weeks (2026-W47), months (2026-11), seasons and decades; a daily tally cannot answer those."""
    if value is None or value == "" or value == "PRESENT_REF":
        return today, None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(value)
        asked = date.fromisoformat(value)
    except ValueError:
        return None, "I keep one tally per day. Ask about a single day, like today or yesterday."
    if value > today:
        return None, "That day hasn't happened yet."
    if (date.fromisoformat(today) - asked).days >= KEEP_DAYS:
        return None, f"I only keep the last {KEEP_DAYS} days."
    return value, None


def spoken_day(day: str, today: str) -> str:
    if day == today:
        return "today"
    d = date.fromisoformat(day)
    return f"on {calendar.day_name[d.weekday()]}, {calendar.month_name[d.month]} {d.day}"


def expiry_for(today: str) -> int:
    """Midnight UTC starting `today`, plus the days a tally is kept, in seconds since 1970."""
    return calendar.timegm(date.fromisoformat(today).timetuple()) + KEEP_DAYS * DAY_SECONDS


def create_handler(store: TallyStore) -> Callable[[Envelope, Any], Envelope]:
    def log_drink(user_id: str, today: str, intent: dict[str, Any], keep_open: bool) -> Envelope:
        slots = intent.get("slots") or {}
        drink_slot = slots.get("drink")
        drink_id = (resolved_id(drink_slot) or "").lower() or None
        if drink_slot and drink_slot.get("value") and drink_id not in DRINKS:
            return say(f"I can only count water, tea and coffee, not {drink_slot['value']}. What did you drink?", reprompt="Was it water, tea or coffee?")
        drink = drink_id or "water"
        try:
            count = slot_number((slots.get("count") or {}).get("value"))
        except UnclearNumber:
            return say("I didn't catch how many cups. How many was it?", reprompt="How many cups?")
        if count is None:
            count = 1
        if count < 1 or count > MAX_CUPS_PER_LOG:
            return say(f"I can log between 1 and {MAX_CUPS_PER_LOG} cups at a time. How many was it?", reprompt="How many cups?")
        tally = store.add(user_id, today, drink, count, expiry_for(today))
        goal = store.goal(user_id)
        text = f"Logged {cups(count, drink)}. Today so far: {describe_tally(tally)}.{goal_progress(tally['water'], goal)}"
        return say(f"{text} {ANYTHING_ELSE}", reprompt=ANYTHING_ELSE) if keep_open else say(text)

    def summary(user_id: str, today: str, intent: dict[str, Any], keep_open: bool) -> Envelope:
        day, problem = resolve_day(((intent.get("slots") or {}).get("day") or {}).get("value"), today)
        if day is None:
            return say(f"{problem} Which day?", reprompt="Which day should I look up?")
        tally = store.tally(user_id, day)
        goal = store.goal(user_id)
        when = spoken_day(day, today)
        described = describe_tally(tally)
        if described:
            text = f"{'Today' if when == 'today' else when[0].upper() + when[1:]} you had {described}.{goal_progress(tally['water'], goal)}"
        else:
            text = f"I have nothing logged for {when.removeprefix('on ')}."
        card = {"title": f"Cup Counter, {day}", "content": described or "Nothing logged."}
        return say(f"{text} {ANYTHING_ELSE}", reprompt=ANYTHING_ELSE, card=card) if keep_open else say(text, card=card)

    def set_goal(user_id: str, intent: dict[str, Any]) -> Envelope:
        try:
            goal = slot_number(((intent.get("slots") or {}).get("goal") or {}).get("value"))
        except UnclearNumber:
            goal = None
        if goal is None or goal < 1 or goal > MAX_GOAL:
            return say(f"Pick a daily goal between 1 and {MAX_GOAL} cups of water. What should it be?", reprompt="How many cups a day?")
        store.set_goal(user_id, goal)
        return say(f"Done. Your daily goal is now {cups(goal, 'water')}.")

    def launch(user_id: str, today: str) -> Envelope:
        tally = store.tally(user_id, today)
        goal = store.goal(user_id)
        described = describe_tally(tally)
        status = f"Today so far: {described}.{goal_progress(tally['water'], goal)}" if described else "Nothing logged yet today."
        return say(f"Welcome to Cup Counter. {status} What did you drink?", reprompt="You can say, I had a cup of tea, or ask, how am I doing.")

    def handle(event: Envelope, _context: Any = None) -> Envelope:
        request = event["request"]
        user_id = event["context"]["System"]["user"]["userId"]
        # Days follow the request's UTC timestamp; per-user time zones would need the Alexa Settings API.
        today = request["timestamp"][:10]
        # A one-shot request ("tell cup counter I had a tea") gets its answer and ends;
        # inside a conversation the skill asks for more.
        keep_open = (event.get("session") or {}).get("new") is False
        try:
            if request["type"] == "LaunchRequest":
                return launch(user_id, today)
            if request["type"] == "SessionEndedRequest":
                details = json.dumps({"message": "session ended", "reason": request.get("reason"), "error": request.get("error")})
                (logger.error if request.get("reason") == "ERROR" else logger.info)(details)
                return silence()
            if request["type"] != "IntentRequest":
                logger.warning(json.dumps({"message": "unhandled request type", "type": request["type"]}))
                return silence()
            intent = request["intent"]
            name = intent["name"]
            if name == "LogDrinkIntent":
                return log_drink(user_id, today, intent, keep_open)
            if name == "GetSummaryIntent":
                return summary(user_id, today, intent, keep_open)
            if name == "SetGoalIntent":
                return set_goal(user_id, intent)
            if name in ("AMAZON.HelpIntent", "AMAZON.NavigateHomeIntent"):
                return say(f"{HELP} What would you like to do?", reprompt="What did you drink?")
            if name in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
                return say("Cheers. Stay hydrated.")
            # AMAZON.FallbackIntent and anything retired from the interaction model.
            return say("Sorry, I didn't get that. You can log a drink, ask how you're doing, or say help.", reprompt="What did you drink?")
        except Exception as error:  # noqa: BLE001 - the user hears an apology, operators get the log
            logger.error(json.dumps({"message": "request failed", "type": request["type"], "error": str(error)}))
            return say("Sorry, I can't reach your tally right now. Please try again in a little while.")

    return handle


class DynamoTallyStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self.client = client
        self.table_name = table_name

    @staticmethod
    def _day_key(user_id: str, day: str) -> dict[str, Any]:
        return {"userId": {"S": user_id}, "sk": {"S": f"DAY#{day}"}}

    @staticmethod
    def _goal_key(user_id: str) -> dict[str, Any]:
        return {"userId": {"S": user_id}, "sk": {"S": "GOAL"}}

    @staticmethod
    def _to_tally(item: dict[str, Any] | None) -> Tally:
        return {d: int((item or {}).get(d, {}).get("N", "0")) for d in DRINKS}

    def add(self, user_id: str, day: str, drink: str, cups: int, expires_at: int) -> Tally:
        # ADD is atomic, so two devices logging at once never lose a cup.
        result = self.client.update_item(
            TableName=self.table_name,
            Key=self._day_key(user_id, day),
            UpdateExpression="ADD #drink :cups SET expiresAt = :expiresAt",
            ExpressionAttributeNames={"#drink": drink},
            ExpressionAttributeValues={":cups": {"N": str(cups)}, ":expiresAt": {"N": str(expires_at)}},
            ReturnValues="ALL_NEW",
        )
        return self._to_tally(result.get("Attributes"))

    def tally(self, user_id: str, day: str) -> Tally:
        return self._to_tally(self.client.get_item(TableName=self.table_name, Key=self._day_key(user_id, day)).get("Item"))

    def goal(self, user_id: str) -> int | None:
        result = self.client.get_item(TableName=self.table_name, Key=self._goal_key(user_id), ProjectionExpression="goal")
        goal = (result.get("Item") or {}).get("goal", {}).get("N")
        return None if goal is None else int(goal)

    def set_goal(self, user_id: str, goal: int) -> None:
        self.client.update_item(
            TableName=self.table_name,
            Key=self._goal_key(user_id),
            UpdateExpression="SET goal = :goal",
            ExpressionAttributeValues={":goal": {"N": str(goal)}},
        )


_handler: Callable[[Envelope, Any], Envelope] | None = None


def handler(event: Envelope, context: Any) -> Envelope:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(DynamoTallyStore(boto3.client("dynamodb"), os.environ.get("TALLIES_TABLE_NAME", "")))
    return _handler(event, context)
