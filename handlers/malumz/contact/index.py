"""POST /api/contact: keep a contact form message (collection ``contact_forms``)."""

from __future__ import annotations

import datetime
from typing import Any

from malumz_common import ValidationError, bad_request, email, json_body, one_of, respond, text

TOPICS = ("general", "coaching", "book", "speaking")


def parse(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": text(data, "name", max_length=100),
        "email": email(data),
        "topic": one_of(data, "topic", TOPICS) if "topic" in data else "general",
        "message": text(data, "message", max_length=5000),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        message = parse(json_body(event))
    except (ValidationError, ValueError) as error:
        return bad_request(str(error))
    from malumz_common.db import collection

    message["receivedAt"] = datetime.datetime.now(datetime.UTC)
    message["status"] = "new"  # the future SES notification picks up "new" messages
    inserted = collection("contact_forms").insert_one(message)
    print({"event": "contact_received", "id": str(inserted.inserted_id), "topic": message["topic"]})
    return respond(201, {"id": str(inserted.inserted_id)})
