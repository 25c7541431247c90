"""A sample order and the names the tests share."""

from typing import Any


def order(**overrides: Any) -> dict[str, Any]:
    """A keyboard for a long-standing customer in Germany, shipped within Germany."""
    return {
        "orderId": "ord-1001",
        "sku": "KB-001",
        "quantity": 1,
        "unitPriceCents": 8900,
        "weightGrams": 900,
        "customer": {"id": "cust-42", "accountAgeDays": 420, "billingCountry": "DE"},
        "shipTo": {"country": "DE"},
        **overrides,
    }
