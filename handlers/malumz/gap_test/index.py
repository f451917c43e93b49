"""POST /api/gap-test: score a gap test and keep the submission (collection ``gap_tests``).

The test asks how strongly the visitor agrees (1-5) with statements in four areas; the answer is the
area with the largest gap between where they are and where they want to be.
"""

from __future__ import annotations

import datetime
from typing import Any

from malumz_common import ValidationError, bad_request, email, json_body, respond, text

AREAS = ("mindset", "health", "relationships", "purpose")


def score(answers: dict[str, Any]) -> dict[str, Any]:
    """Per-area gap (target minus current, 0-4) and the area with the biggest gap."""
    gaps: dict[str, int] = {}
    for area in AREAS:
        entry = answers.get(area)
        if not isinstance(entry, dict):
            raise ValidationError(f"answers.{area} is required")
        current, target = entry.get("current"), entry.get("target")
        for name, value in (("current", current), ("target", target)):
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
                raise ValidationError(f"answers.{area}.{name} must be a whole number from 1 to 5")
        gaps[area] = max(0, target - current)
    focus = max(AREAS, key=lambda area: (gaps[area], -AREAS.index(area)))
    return {"gaps": gaps, "focus": focus, "total": sum(gaps.values())}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        data = json_body(event)
        result = score(data.get("answers") or {})
        submission = {
            "name": text(data, "name", max_length=100, required=False),
            "email": email(data),
            "answers": data["answers"],
            "result": result,
            "submittedAt": datetime.datetime.now(datetime.UTC),
        }
    except (ValidationError, ValueError) as error:
        return bad_request(str(error))
    from malumz_common.db import collection

    inserted = collection("gap_tests").insert_one(submission)
    print({"event": "gap_test_submitted", "id": str(inserted.inserted_id), "focus": result["focus"]})
    return respond(201, {"id": str(inserted.inserted_id), **result})
