"""The Malumz API handlers: scoring, input checks and prices, without AWS or a database.

The handlers' database calls come after validation, so every rejected request is answered here
without pymongo, boto3 or DocumentDB.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HANDLERS = Path(__file__).resolve().parent.parent / "handlers" / "malumz"


@pytest.fixture(autouse=True)
def layer_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(HANDLERS / "layer" / "python"))
    monkeypatch.delenv("PARAMETER_NAME", raising=False)
    for name in [m for m in sys.modules if m.startswith("malumz_common")]:
        monkeypatch.delitem(sys.modules, name)


def handler(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"malumz_{name}", HANDLERS / name / "index.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(name: str, body: Any) -> tuple[int, dict[str, Any]]:
    response = handler(name).handler({"body": json.dumps(body)}, None)
    return response["statusCode"], json.loads(response["body"])


ANSWERS = {
    "mindset": {"current": 2, "target": 5},
    "health": {"current": 3, "target": 4},
    "relationships": {"current": 4, "target": 4},
    "purpose": {"current": 1, "target": 4},
}


def test_gap_test_scores_the_biggest_gap_first_area_on_ties() -> None:
    result = handler("gap_test").score(ANSWERS)
    assert result == {
        "gaps": {"mindset": 3, "health": 1, "relationships": 0, "purpose": 3},
        "focus": "mindset",
        "total": 7,
    }


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({k: v for k, v in ANSWERS.items() if k != "health"}, "answers.health is required"),
        (
            {**ANSWERS, "purpose": {"current": 0, "target": 4}},
            "answers.purpose.current must be a whole number from 1 to 5",
        ),
        (
            {**ANSWERS, "mindset": {"current": 2, "target": True}},
            "answers.mindset.target must be a whole number from 1 to 5",
        ),
    ],
)
def test_gap_test_rejects_bad_answers(answers: dict[str, Any], message: str) -> None:
    assert call("gap_test", {"email": "a@b.co", "answers": answers}) == (400, {"error": message})


def test_contact_normalises_and_checks_fields() -> None:
    parse = handler("contact").parse
    assert parse({"name": "  Ada   Lovelace ", "email": "Ada@Example.COM", "message": "Hi\n there"}) == {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "topic": "general",
        "message": "Hi there",
    }
    assert call("contact", {"name": "A", "email": "not-an-email", "message": "x"}) == (
        400,
        {"error": "email is not an email address"},
    )
    assert call("contact", {"name": "A", "email": "a@b.co", "message": "x", "topic": "spam"}) == (
        400,
        {"error": "topic must be one of: general, coaching, book, speaking"},
    )


def test_mock_purchase_prices_come_from_configuration() -> None:
    quote = handler("mock_purchase").quote
    prices = {"paperback": 2499, "ebook": 999}
    assert quote("paperback", 3, prices) == 7497
    with pytest.raises(ValueError, match="quantity must be a whole number from 1 to 10"):
        quote("ebook", 11, prices)
    with pytest.raises(ValueError, match="'ebook' is not for sale"):
        quote("ebook", 1, {"paperback": 2499})


def test_rejections_answer_400_with_json_and_cors_header() -> None:
    response = handler("mock_purchase").handler({"body": "[1, 2]"}, None)
    assert response["statusCode"] == 400
    assert json.loads(response["body"]) == {"error": "the body must be a JSON object"}
    assert response["headers"]["Content-Type"] == "application/json"
    assert "Access-Control-Allow-Origin" in response["headers"]
