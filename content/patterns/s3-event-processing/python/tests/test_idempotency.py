import time
from typing import Any

import pytest
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from batch_processor import create_batch_handler
from idempotency import REMEMBER_FOR_SECONDS
from small_file_processor import create_small_file_handler
from tests.fake_dynamodb import InMemoryDynamoDB

CSV = "orderId,sku,quantity,unitPrice\nord-1,TEA,2,1.25\nord-2,MUG,1,8\nord-3,MUG,lots,8\n"


class Context:
    function_name = "processor"
    aws_request_id = "r"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


class Harness:
    """The real Powertools utility and DynamoDB persistence layer, on a DynamoDB that lives in memory."""

    def __init__(self) -> None:
        self.dynamodb = InMemoryDynamoDB()
        self.persistence_store = DynamoDBPersistenceLayer(table_name="IdempotencyRecords", boto3_client=self.dynamodb)  # type: ignore[arg-type]
        self.effects: list[tuple[str, dict[str, int], bool]] = []
        self.reads: list[str] = []
        self.fail_next = False

    def add_totals(self, upload_id: str, _key: str, totals: dict[str, int], complete: bool) -> None:
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("ProvisionedThroughputExceededException")
        self.effects.append((upload_id, dict(totals), complete))

    def read_object(self, bucket: str, key: str) -> str:
        self.reads.append(f"{bucket}/{key}")
        return CSV


def object_created(sequencer: str | None, request_id: str = "req-1") -> dict[str, Any]:
    obj: dict[str, Any] = {"key": "incoming/sales.csv", "size": len(CSV), "etag": "e1"}
    if sequencer is not None:
        obj["sequencer"] = sequencer
    return {"detail-type": "Object Created", "source": "aws.s3", "detail": {"bucket": {"name": "uploads"}, "object": obj, "request-id": request_id}}


@pytest.fixture(autouse=True)
def function_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "processor")


def test_adds_a_redelivered_upload_event_to_the_totals_only_once() -> None:
    h = Harness()
    handler = create_small_file_handler(h.read_object, h.add_totals, h.persistence_store)
    first = handler(object_created("0001", "req-1"), Context())
    # The same write, delivered again: EventBridge gives it a new event id, the detail's request id may differ.
    again = handler(object_created("0001", "req-2"), Context())
    assert h.effects == [("uploads/incoming/sales.csv@0001", {"rows": 3, "rejected": 1, "units": 3, "revenueCents": 1050}, True)]
    assert h.reads == ["uploads/incoming/sales.csv"], "the object is read once"
    assert again == first, "the duplicate gets the stored result"
    [record] = h.dynamodb.items.values()
    assert record["status"]["S"] == "COMPLETED"
    assert abs(int(record["expiration"]["N"]) - time.time() - REMEMBER_FOR_SECONDS) < 60, "remembered for a day"


def test_processes_a_new_upload_of_the_same_key_again() -> None:
    h = Harness()
    handler = create_small_file_handler(h.read_object, h.add_totals, h.persistence_store)
    handler(object_created("0001"), Context())
    handler(object_created("0002"), Context())
    assert [e[0] for e in h.effects] == ["uploads/incoming/sales.csv@0001", "uploads/incoming/sales.csv@0002"]


def test_reads_an_object_whose_key_s3_url_encoded_in_the_event_under_its_real_key() -> None:
    h = Harness()
    handler = create_small_file_handler(h.read_object, h.add_totals, h.persistence_store)
    event = object_created("0001")
    event["detail"]["object"]["key"] = "incoming/march+sales%2B1.csv"
    handler(event, Context())
    assert h.reads == ["uploads/incoming/march sales+1.csv"]


def test_refuses_an_event_without_a_sequencer_and_changes_nothing() -> None:
    h = Harness()
    handler = create_small_file_handler(h.read_object, h.add_totals, h.persistence_store)
    with pytest.raises(ValueError):
        handler(object_created(None), Context())
    assert h.effects == []
    assert h.reads == []


ROWS = [{"orderId": "a", "sku": "TEA", "quantity": "2", "unitPrice": "1.25"}, {"orderId": "b", "sku": "MUG", "quantity": "1", "unitPrice": "8"}]


def batch(rows: list[dict[str, str]]) -> dict[str, Any]:
    return {"BatchInput": {"uploadId": "uploads/incoming/big.csv@0009", "objectKey": "incoming/big.csv"}, "Items": rows}


def test_adds_a_repeated_batch_to_the_totals_only_once() -> None:
    h = Harness()
    handler = create_batch_handler(h.add_totals, h.persistence_store)
    first = handler(batch(ROWS), Context())
    again = handler(batch(ROWS), Context())
    assert h.effects == [("uploads/incoming/big.csv@0009", {"rows": 2, "rejected": 0, "units": 3, "revenueCents": 1050}, False)]
    assert again == first


def test_tells_different_batches_of_the_same_upload_apart() -> None:
    h = Harness()
    handler = create_batch_handler(h.add_totals, h.persistence_store)
    handler(batch(ROWS), Context())
    handler(batch([{"orderId": "c", "sku": "TEA", "quantity": "1", "unitPrice": "1"}]), Context())
    assert len(h.effects) == 2


def test_lets_a_batch_that_failed_be_retried_and_then_counts_it_once() -> None:
    h = Harness()
    handler = create_batch_handler(h.add_totals, h.persistence_store)
    h.fail_next = True
    with pytest.raises(RuntimeError, match="ProvisionedThroughputExceeded"):
        handler(batch(ROWS), Context())
    handler(batch(ROWS), Context())
    handler(batch(ROWS), Context())
    assert len(h.effects) == 1
