import json
import re
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from charge_payments import ChargePayment, create_charge_handler, idempotency_store, record_charge
from idempotency_settings import IDEMPOTENCY_KEY_PREFIX, IDEMPOTENCY_TTL_ATTRIBUTE, IDEMPOTENCY_WINDOW_SECONDS
from payment_request import InvalidPaymentRequest, PaymentRequest, parse_payment_request
from tests.fake_dynamodb import FakeDynamoDB

IDEMPOTENCY_TABLE = "IdempotencyRecords"
PAYMENTS_TABLE = "Payments"

PAYMENT: PaymentRequest = {"paymentId": "pay-1001", "customerId": "cus-42", "amount": 4250, "currency": "EUR"}


def record(message_id: str, body: Any, receive_count: int = 1) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "body": body if isinstance(body, str) else json.dumps(body),
        "attributes": {"ApproximateReceiveCount": str(receive_count)},
    }


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def context_with(remaining_millis: int) -> Any:
    """Just enough of a Lambda context: Powertools reads the remaining time to bound its in-progress lock."""
    return SimpleNamespace(get_remaining_time_in_millis=lambda: remaining_millis)


CONTEXT = context_with(20_000)


class Setup:
    """The real handler, on the real Powertools DynamoDB layer, over an in-memory DynamoDB."""

    def __init__(self, wrap: Callable[[ChargePayment], ChargePayment] = lambda charge: charge) -> None:
        self.dynamo = FakeDynamoDB({IDEMPOTENCY_TABLE: ["id"], PAYMENTS_TABLE: ["paymentId", "chargeId"]})
        counter = iter(range(1, 1000))
        charge = record_charge(self.dynamo, PAYMENTS_TABLE, lambda: f"ch-{next(counter)}")
        self.handler = create_charge_handler(idempotency_store(self.dynamo, IDEMPOTENCY_TABLE), wrap(charge))

    def charges(self) -> list[dict[str, Any]]:
        return self.dynamo.items(PAYMENTS_TABLE)

    def idempotency_item(self) -> dict[str, Any]:
        items = self.dynamo.items(IDEMPOTENCY_TABLE)
        assert len(items) == 1
        return items[0]


def ok() -> dict[str, list[Any]]:
    return {"batchItemFailures": []}


def failed(*message_ids: str) -> dict[str, list[Any]]:
    return {"batchItemFailures": [{"itemIdentifier": m} for m in message_ids]}


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Callable[[], list[dict[str, Any]]]:
    caplog.set_level("INFO")

    def lines() -> list[dict[str, Any]]:
        return [
            {"message": r.getMessage(), **{k: getattr(r, k) for k in ("sqsMessageId", "chargeId", "error") if hasattr(r, k)}}
            for r in caplog.records
            if hasattr(r, "sqsMessageId")
        ]

    return lines


# parse_payment_request


def test_accepts_a_well_formed_payment_request_and_keeps_only_its_four_fields() -> None:
    assert parse_payment_request(json.dumps(PAYMENT)) == PAYMENT


def test_rejects_missing_malformed_or_extra_fields_with_a_reason() -> None:
    cases: list[tuple[Any, str]] = [
        ("{", "not JSON"),
        ([PAYMENT], "not a JSON object"),
        ({k: v for k, v in PAYMENT.items() if k != "paymentId"}, "paymentId"),
        ({**PAYMENT, "paymentId": "has spaces"}, "paymentId"),
        ({**PAYMENT, "paymentId": "pay-1\n"}, "paymentId"),
        ({**PAYMENT, "customerId": ""}, "customerId"),
        ({**PAYMENT, "amount": 42.5}, "amount"),
        ({**PAYMENT, "amount": 0}, "amount"),
        ({**PAYMENT, "amount": "4250"}, "amount"),
        ({**PAYMENT, "amount": True}, "amount"),
        ({**PAYMENT, "currency": "eur"}, "currency"),
        ({**PAYMENT, "note": "x"}, "unexpected field note"),
    ]
    for value, reason in cases:
        body = value if isinstance(value, str) else json.dumps(value)
        with pytest.raises(InvalidPaymentRequest, match=reason):
            parse_payment_request(body)


# the charge handler, with the Powertools idempotency utility


def test_charges_once_when_sqs_delivers_the_same_message_twice_and_returns_the_stored_charge_the_second_time(logged) -> None:
    s = Setup()
    assert s.handler(batch(record("msg-1", PAYMENT)), CONTEXT) == ok()
    assert s.handler(batch(record("msg-1", PAYMENT, 2)), CONTEXT) == ok()
    assert len(s.charges()) == 1, "exactly one charge in the ledger"
    assert [(line["message"], line["chargeId"]) for line in logged()] == [
        ("payment charged", "ch-1"),
        ("payment already charged; returned the stored charge", "ch-1"),
    ]


def test_charges_once_when_the_producer_resends_the_payment_as_a_new_message(logged) -> None:
    s = Setup()
    s.handler(batch(record("msg-1", PAYMENT)), CONTEXT)
    # A producer that timed out and retried: same paymentId, a message id SQS has never seen.
    assert s.handler(batch(record("msg-2", PAYMENT)), CONTEXT) == ok()
    assert len(s.charges()) == 1
    assert logged()[1]["chargeId"] == "ch-1"


def test_charges_once_for_two_copies_of_a_payment_in_the_same_batch_and_separately_for_another_payment() -> None:
    s = Setup()
    other = {**PAYMENT, "paymentId": "pay-1002"}
    assert s.handler(batch(record("a", PAYMENT), record("b", PAYMENT), record("c", other)), CONTEXT) == ok()
    assert sorted((c["paymentId"]["S"], c["chargeId"]["S"]) for c in s.charges()) == [("pay-1001", "ch-1"), ("pay-1002", "ch-2")]


def test_refuses_a_payment_id_reused_with_a_different_amount_reporting_only_that_record_as_failed(logged) -> None:
    s = Setup()
    s.handler(batch(record("msg-1", PAYMENT)), CONTEXT)
    for changed in ({"amount": 9999}, {"currency": "USD"}, {"customerId": "cus-43"}):
        result = s.handler(batch(record("msg-2", {**PAYMENT, **changed}), record("msg-3", PAYMENT)), CONTEXT)
        assert result == failed("msg-2"), changed
    assert [c["amount"]["N"] for c in s.charges()] == ["4250"], "the original charge stands, nothing else was charged"
    refusal = next(line for line in logged() if line["sqsMessageId"] == "msg-2")
    assert refusal["message"] == "paymentId already used for a different charge; refused"
    assert "IdempotencyValidationError" in refusal["error"]


def test_reports_a_payment_still_being_charged_elsewhere_as_a_failed_record_and_charges_it_once_when_retried(logged) -> None:
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def wrap(charge: ChargePayment) -> ChargePayment:
        def slow_first(payment: PaymentRequest) -> dict[str, Any]:
            calls.append(payment["paymentId"])
            if len(calls) == 1:  # the first invocation is still talking to the provider
                started.set()
                release.wait(5)
            return charge(payment)

        return slow_first

    s = Setup(wrap)
    results: list[Any] = []
    first = threading.Thread(target=lambda: results.append(s.handler(batch(record("msg-1", PAYMENT)), CONTEXT)))
    first.start()
    assert started.wait(5)
    assert s.handler(batch(record("msg-2", PAYMENT)), CONTEXT) == failed("msg-2")
    assert logged()[-1]["message"] == "payment is being charged by another invocation; will retry"

    release.set()
    first.join(5)
    assert results == [ok()]
    # SQS redelivers msg-2 after its visibility timeout: it now finds the completed record.
    assert s.handler(batch(record("msg-2", PAYMENT, 2)), CONTEXT) == ok()
    assert len(s.charges()) == 1
    assert calls == ["pay-1001"], "the provider was called once"


def test_takes_over_a_payment_whose_invocation_died_mid_charge_once_that_invocation_would_have_timed_out() -> None:
    started, never = threading.Event(), threading.Event()
    calls: list[str] = []

    def wrap(charge: ChargePayment) -> ChargePayment:
        def hangs_first(payment: PaymentRequest) -> dict[str, Any]:
            calls.append(payment["paymentId"])
            if len(calls) == 1:  # hangs: the function times out here
                started.set()
                never.wait(10)
                raise TimeoutError("the invocation was killed")
            return charge(payment)

        return hangs_first

    s = Setup(wrap)
    dead = threading.Thread(target=lambda: s.handler(batch(record("msg-1", PAYMENT)), context_with(1_000)), daemon=True)
    dead.start()
    assert started.wait(5)
    try:
        # Within the dead invocation's remaining time the lock still holds.
        assert s.handler(batch(record("msg-1", PAYMENT, 2)), CONTEXT) == failed("msg-1")
        time.sleep(1.1)
        assert s.handler(batch(record("msg-1", PAYMENT, 3)), CONTEXT) == ok()
        assert len(s.charges()) == 1
    finally:
        never.set()
        dead.join(5)


def test_releases_the_key_when_the_charge_fails_so_the_retry_charges(logged) -> None:
    calls: list[str] = []

    def wrap(charge: ChargePayment) -> ChargePayment:
        def flaky(payment: PaymentRequest) -> dict[str, Any]:
            calls.append(payment["paymentId"])
            if len(calls) == 1:
                raise ConnectionError("provider unavailable")
            return charge(payment)

        return flaky

    s = Setup(wrap)
    assert s.handler(batch(record("msg-1", PAYMENT)), CONTEXT) == failed("msg-1")
    assert logged()[0]["message"] == "charging the payment failed; will retry"
    assert s.dynamo.items(IDEMPOTENCY_TABLE) == [], "the in-progress record was deleted"
    assert s.handler(batch(record("msg-1", PAYMENT, 2)), CONTEXT) == ok()
    assert len(s.charges()) == 1


def test_rejects_a_malformed_request_as_a_failed_record_without_touching_either_table(logged) -> None:
    s = Setup()
    assert s.handler(batch(record("bad", {**PAYMENT, "amount": -1}), record("good", PAYMENT)), CONTEXT) == failed("bad")
    assert logged()[0]["message"] == "rejected malformed payment request"
    assert [c for c in s.dynamo.calls if c.startswith("PutItem")] == [f"PutItem {IDEMPOTENCY_TABLE}", f"PutItem {PAYMENTS_TABLE}"]


def test_keeps_a_completed_record_for_24_hours_with_its_lock_bounded_by_the_remaining_invocation_time() -> None:
    s = Setup()
    before = time.time()
    s.handler(batch(record("msg-1", PAYMENT)), context_with(20_000))
    item = s.idempotency_item()

    assert IDEMPOTENCY_WINDOW_SECONDS == 24 * 60 * 60
    assert re.match(f"^{IDEMPOTENCY_KEY_PREFIX}#", item["id"]["S"]), "keyed by a fixed prefix, not the function name"
    assert item["status"]["S"] == "COMPLETED"
    expiry = int(item[IDEMPOTENCY_TTL_ATTRIBUTE]["N"])
    assert abs(expiry - (before + IDEMPOTENCY_WINDOW_SECONDS)) < 5, f"expiry {expiry} is 24 hours out"
    lock = int(item["in_progress_expiration"]["N"])
    assert before * 1000 + 19_000 <= lock < before * 1000 + 25_000, "the in-progress lock ends when the invocation would time out"
    assert item["validation"]["S"], "the hash of customerId, amount and currency is stored"
    assert json.loads(item["data"]["S"])["chargeId"] == "ch-1", "the charge is stored to answer repeats"
    # The layer only ever gets, puts, updates and deletes single items.
    assert sorted({c.split(" ")[0] for c in s.dynamo.calls}) == ["PutItem", "UpdateItem"]


def test_keys_on_payment_id_alone_the_same_payment_under_a_different_message_is_the_same_key() -> None:
    s = Setup()
    s.handler(batch(record("msg-1", PAYMENT)), CONTEXT)
    s.handler(batch(record("msg-2", PAYMENT)), CONTEXT)
    s.handler(batch(record("msg-3", {**PAYMENT, "paymentId": "pay-2"})), CONTEXT)
    assert len(s.dynamo.items(IDEMPOTENCY_TABLE)) == 2
