from typing import Any

from sales import dynamo_add_totals, parse_csv, parse_sale, tally, upload_id_of


def test_accepts_a_well_formed_sale_and_keeps_money_in_whole_cents() -> None:
    assert parse_sale({"orderId": "ord-1", "sku": "TEA-01", "quantity": "3", "unitPrice": "4.5"}) == {"orderId": "ord-1", "sku": "TEA-01", "units": 3, "cents": 450}
    assert parse_sale({"orderId": " ord-2 ", "sku": "MUG", "quantity": "1000", "unitPrice": "99999.99"}) == {"orderId": "ord-2", "sku": "MUG", "units": 1000, "cents": 9999999}


def test_rejects_a_row_with_a_missing_column_or_a_value_out_of_range() -> None:
    good = {"orderId": "ord-1", "sku": "TEA-01", "quantity": "3", "unitPrice": "4.50"}
    for bad in (
        {**good, "orderId": None},
        {**good, "orderId": "has space"},
        {**good, "sku": "lower"},
        {**good, "quantity": "0"},
        {**good, "quantity": "1001"},
        {**good, "quantity": "2.5"},
        {**good, "unitPrice": "-1"},
        {**good, "unitPrice": "1.234"},
        {**good, "unitPrice": "100000"},
        {**good, "unitPrice": ""},
    ):
        assert parse_sale(bad) is None, bad


def test_tallies_accepted_rows_and_counts_rejected_ones_without_stopping() -> None:
    rows = [
        {"orderId": "a", "sku": "TEA", "quantity": "2", "unitPrice": "1.25"},
        {"orderId": "b", "sku": "TEA", "quantity": "two", "unitPrice": "1.25"},
        {"orderId": "c", "sku": "MUG", "quantity": "1", "unitPrice": "8"},
    ]
    assert tally(rows) == {"rows": 3, "rejected": 1, "units": 3, "revenueCents": 1050}


def test_reads_csv_with_a_header_row_quoted_fields_doubled_quotes_and_crlf_line_ends() -> None:
    text = 'orderId,sku,quantity,unitPrice\r\nord-1,TEA,2,1.25\r\n"ord-2","MUG","1","8.00"\r\n"has ""quotes"", and a comma",X,1,1\r\n\r\n'
    assert parse_csv(text) == [
        {"orderId": "ord-1", "sku": "TEA", "quantity": "2", "unitPrice": "1.25"},
        {"orderId": "ord-2", "sku": "MUG", "quantity": "1", "unitPrice": "8.00"},
        {"orderId": 'has "quotes", and a comma', "sku": "X", "quantity": "1", "unitPrice": "1"},
    ]
    assert parse_csv("orderId,sku\n") == []
    assert parse_csv("") == []


def test_names_an_upload_by_bucket_key_and_the_sequencer_of_the_write() -> None:
    detail = {"bucket": {"name": "b"}, "object": {"key": "incoming/a.csv", "size": 10, "sequencer": "0062E99A88DC407460"}}
    assert upload_id_of(detail) == "b/incoming/a.csv@0062E99A88DC407460"


class RecordingDynamoDB:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {}


def test_adds_a_file_or_batch_to_its_totals_with_one_update_item_marking_small_files_complete() -> None:
    client = RecordingDynamoDB()
    totals = {"rows": 3, "rejected": 1, "units": 3, "revenueCents": 1050}
    dynamo_add_totals(client, "Totals")("u1", "incoming/a.csv", totals, True)
    dynamo_add_totals(client, "Totals")("u1", "incoming/a.csv", totals, False)
    assert len(client.calls) == 2
    assert client.calls[0]["UpdateExpression"] == "ADD #rows :rows, rejected :rejected, units :units, revenueCents :cents SET objectKey = :key, #status = :complete"
    assert client.calls[0]["Key"] == {"uploadId": {"S": "u1"}}
    assert client.calls[0]["ExpressionAttributeValues"][":cents"] == {"N": "1050"}
    assert client.calls[1]["UpdateExpression"] == "ADD #rows :rows, rejected :rejected, units :units, revenueCents :cents SET objectKey = :key"
