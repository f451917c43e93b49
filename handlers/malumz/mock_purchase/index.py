"""POST /api/mock-purchase: record a book order without taking payment (collection ``purchases``).

Prices come from configuration (Parameter Store), never from the client; the order is marked
``mock`` until the Stripe integration replaces this handler.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from malumz_common import ValidationError, bad_request, email, json_body, one_of, respond, text
from malumz_common.config import config

FORMATS = ("paperback", "ebook")


def quote(book_format: str, quantity: int, prices: dict[str, int]) -> int:
    """Total in cents for ``quantity`` copies; quantity 1-10."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 10:
        raise ValidationError("quantity must be a whole number from 1 to 10")
    if book_format not in prices:
        raise ValidationError(f"format {book_format!r} is not for sale")
    return prices[book_format] * quantity


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settings = config()
    try:
        data = json_body(event)
        book_format = one_of(data, "format", FORMATS)
        quantity = data.get("quantity", 1)
        total = quote(book_format, quantity, settings.get("bookPriceCents", {}))
        order = {
            "orderId": str(uuid.uuid4()),
            "name": text(data, "name", max_length=100),
            "email": email(data),
            "format": book_format,
            "quantity": quantity,
            "totalCents": total,
            "currency": settings.get("currency", "USD"),
            "status": "mock",
            "createdAt": datetime.datetime.now(datetime.UTC),
        }
    except (ValidationError, ValueError) as error:
        return bad_request(str(error))
    from malumz_common.db import collection

    collection("purchases").insert_one(order)
    print({"event": "mock_purchase", "orderId": order["orderId"], "totalCents": total})
    return respond(201, {"orderId": order["orderId"], "totalCents": total, "currency": order["currency"]})
