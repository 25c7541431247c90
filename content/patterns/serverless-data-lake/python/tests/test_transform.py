import gzip
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from functions.transform import (
    MAX_OBJECT_BYTES,
    S3Store,
    create_handler,
    curated_key,
    decode_event_key,
    quarantine_key,
    transform_lines,
)

NOW = int(datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc).timestamp() * 1000)
SAMPLE = (Path(__file__).parent / "fixtures" / "orders.jsonl").read_bytes()


class FakeStore:
    """An in-memory bucket pair standing in for S3."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.reads: list[str] = []
        self.puts: list[tuple[str, str, str]] = []

    def get(self, bucket: str, key: str, version_id: str | None) -> bytes:
        self.reads.append(f"{bucket}/{key}@{version_id}")
        if f"{bucket}/{key}" not in self.objects:
            raise KeyError(f"NoSuchKey: {key}")
        return self.objects[f"{bucket}/{key}"]

    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> None:
        self.puts.append((bucket, key, content_type))
        self.objects[f"{bucket}/{key}"] = body

    def lines(self, bucket: str, key: str, gzipped: bool) -> list[dict[str, Any]]:
        body = self.objects[f"{bucket}/{key}"]
        text = (gzip.decompress(body) if gzipped else body).decode("utf-8")
        return [json.loads(line) for line in text.rstrip("\n").split("\n")]


def s3_event(key: str, size: int, version_id: str = "v1") -> dict[str, Any]:
    return {"Records": [{"s3": {"bucket": {"name": "raw"}, "object": {"key": key, "size": size, "versionId": version_id}}}]}


def run(store: FakeStore, key: str, body: bytes) -> list[dict[str, Any]]:
    store.objects[f"raw/{key}"] = body
    return create_handler(store, "curated", lambda: NOW)(s3_event(quote(key), len(body)))


def test_curates_valid_records_into_one_gzip_json_lines_object_per_event_day() -> None:
    store = FakeStore()
    [summary] = run(store, "incoming/orders.jsonl", SAMPLE)
    assert summary["written"] == [
        curated_key("2026-12-04", "incoming/orders.jsonl"),
        curated_key("2026-12-05", "incoming/orders.jsonl"),
        quarantine_key("incoming/orders.jsonl"),
    ]
    assert summary["written"][0].startswith("orders/dt=2026-12-04/") and summary["written"][0].endswith(".json.gz")
    # Columns renamed to the table's, currency upper-cased, the unknown "coupon" field dropped.
    assert store.lines("curated", summary["written"][0], True) == [
        {
            "order_id": "o-1001",
            "customer_id": "c-42",
            "placed_at": "2026-12-04 09:30:00.000",
            "total": 59.9,
            "currency": "EUR",
            "source_key": "incoming/orders.jsonl",
            "source_line": 1,
        }
    ]
    assert store.puts[0][2] == "application/gzip"


def test_partitions_by_the_utc_date_of_placed_at_not_by_arrival_time() -> None:
    store = FakeStore()
    [summary] = run(store, "incoming/orders.jsonl", SAMPLE)
    dec5 = store.lines("curated", summary["written"][1], True)
    # 23:30 at UTC-2 on the 4th is 01:30 UTC on the 5th.
    assert [(r["order_id"], r["placed_at"], r["source_line"]) for r in dec5] == [
        ("o-1002", "2026-12-05 01:30:00.000", 2),
        ("o-1003", "2026-12-05 07:00:00.250", 4),
    ]


def test_quarantines_invalid_lines_with_their_line_number_and_every_reason() -> None:
    store = FakeStore()
    [summary] = run(store, "incoming/orders.jsonl", SAMPLE)
    assert store.lines("curated", quarantine_key("incoming/orders.jsonl"), False) == [
        {
            "source_key": "incoming/orders.jsonl",
            "source_line": 5,
            "errors": [
                "placedAt must be an ISO 8601 date-time with a time zone, such as 2026-12-05T09:30:00Z",
                "total must be a number from 0 to 1000000",
                "currency must be a three-letter ISO 4217 code",
            ],
            "line": '{"orderId":"o-1004","customerId":"c-9","placedAt":"yesterday","total":"7.50","currency":"EURO"}',
        },
        {
            "source_key": "incoming/orders.jsonl",
            "source_line": 6,
            "errors": ["not valid JSON"],
            "line": '{"orderId":"o-1005","customerId":"c-9","placedAt":"2026-12-05T10:00:00Z","total":7.5,"currency":"EUR"',
        },
    ]
    assert (summary["curated"], summary["quarantined"]) == (3, 2)


def _line(**fields: Any) -> str:
    return json.dumps({"orderId": "o-1", "customerId": "c-1", "placedAt": "2026-12-05T10:00:00Z", "total": 1, "currency": "EUR", **fields})


def test_refuses_records_the_table_could_not_show_or_should_not_hold() -> None:
    fmt = "placedAt must be an ISO 8601 date-time with a time zone, such as 2026-12-05T09:30:00Z"
    before = "placedAt is before 2020-01-01, the first day the table can query"
    total = "total must be a number from 0 to 1000000"
    cases = [
        (_line(placedAt="2026-02-30T10:00:00Z"), fmt),
        (_line(placedAt="2026-12-05T10:00:00"), fmt),
        (_line(placedAt="2019-12-31T23:59:59Z"), before),
        (_line(placedAt="2020-01-01T00:30:00+01:00"), before),
        (_line(placedAt="2026-12-05T12:06:00Z"), "placedAt is in the future"),
        (_line(total=-1), total),
        (_line(total=True), total),
        (_line(orderId=""), "orderId must be a string of 1 to 64 letters, digits, '-' or '_'"),
        (_line(customerId=42), "customerId must be a string of 1 to 64 letters, digits, '-' or '_'"),
        ("[1, 2]", "not a JSON object"),
        ("NaN", "not valid JSON"),
    ]
    result = transform_lines("\n".join(line for line, _ in cases), "incoming/x.jsonl", NOW)
    assert result.partitions == {}
    assert [q["errors"] for q in result.quarantined] == [[reason] for _, reason in cases]
    # Four minutes ahead is clock skew, not the future.
    assert len(transform_lines(_line(placedAt="2026-12-05T12:04:00Z"), "k", NOW).partitions) == 1


def test_accounts_for_every_non_blank_line_of_a_mixed_file_exactly_once() -> None:
    store = FakeStore()
    [summary] = run(store, "incoming/orders.jsonl", SAMPLE)
    non_blank = [line for line in SAMPLE.decode("utf-8").split("\n") if line.strip()]
    assert summary["curated"] + summary["quarantined"] == len(non_blank)
    curated_lines = [r["source_line"] for k in summary["written"] if k.startswith("orders/") for r in store.lines("curated", k, True)]
    quarantined_lines = [r["source_line"] for r in store.lines("curated", quarantine_key("incoming/orders.jsonl"), False)]
    assert sorted(curated_lines + quarantined_lines) == [1, 2, 4, 5, 6]


def test_writes_the_same_keys_and_bytes_when_the_same_object_is_processed_again() -> None:
    store = FakeStore()
    first = run(store, "incoming/orders.jsonl", SAMPLE)
    snapshot = dict(store.objects)
    second = run(store, "incoming/orders.jsonl", SAMPLE)
    assert second == first
    assert store.objects == snapshot
    # A different upload never lands on the same keys.
    assert curated_key("2026-12-05", "incoming/other.jsonl") != curated_key("2026-12-05", "incoming/orders.jsonl")


def test_reads_gzip_compressed_uploads_like_plain_ones() -> None:
    assert run(FakeStore(), "incoming/orders.jsonl", gzip.compress(SAMPLE)) == run(FakeStore(), "incoming/orders.jsonl", SAMPLE)


def test_quarantines_an_object_it_cannot_read_instead_of_failing_on_it() -> None:
    cases = [
        (bytes([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02]), 6, "object not a readable gzip file"),
        (bytes([0x7B, 0xFF, 0xFE, 0x7D]), 4, "object not UTF-8 text"),
        (b"{}", MAX_OBJECT_BYTES + 1, f"object larger than {MAX_OBJECT_BYTES} bytes"),
    ]
    for body, size, reason in cases:
        store = FakeStore()
        store.objects["raw/incoming/bad.jsonl"] = body
        [summary] = create_handler(store, "curated", lambda: NOW)(s3_event("incoming/bad.jsonl", size))
        assert summary["written"] == [quarantine_key("incoming/bad.jsonl")]
        assert store.lines("curated", summary["written"][0], False) == [
            {"source_key": "incoming/bad.jsonl", "source_line": None, "errors": [reason], "line": None}
        ]


def test_skips_the_download_of_an_object_over_the_size_limit() -> None:
    store = FakeStore()
    create_handler(store, "curated", lambda: NOW)(s3_event("incoming/huge.jsonl", MAX_OBJECT_BYTES + 1))
    assert store.reads == []


def test_decodes_the_url_encoded_key_of_the_s3_event() -> None:
    assert decode_event_key("incoming/2026+12%2F05+orders%C3%A9.jsonl") == "incoming/2026 12/05 ordersé.jsonl"


def test_fails_the_invocation_when_s3_fails_so_lambda_retries_it() -> None:
    store = FakeStore()
    # Nothing stored under the key: the get raises, as S3 would on a throttle or a missing object.
    with pytest.raises(KeyError, match="NoSuchKey"):
        create_handler(store, "curated", lambda: NOW)(s3_event("incoming/gone.jsonl", 10))
    assert store.puts == []


class FakeBody:
    def read(self) -> bytes:
        return SAMPLE


class FakeS3:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get_object(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("get_object", kwargs))
        return {"Body": FakeBody()}

    def put_object(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("put_object", kwargs))
        return {}


def test_reads_the_exact_object_version_named_in_the_event_and_writes_to_the_curated_bucket() -> None:
    client = FakeS3()
    create_handler(S3Store(client), "curated", lambda: NOW)(s3_event("incoming/orders.jsonl", len(SAMPLE), "v7"))
    assert client.calls[0] == ("get_object", {"Bucket": "raw", "Key": "incoming/orders.jsonl", "VersionId": "v7"})
    assert [(c["Bucket"], c["Key"].split("/")[0], c["ContentType"]) for _, c in client.calls[1:]] == [
        ("curated", "orders", "application/gzip"),
        ("curated", "orders", "application/gzip"),
        ("curated", "quarantine", "application/x-ndjson"),
    ]
