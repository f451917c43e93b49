"""API Gateway (REST, Lambda proxy) requests and responses."""

from __future__ import annotations

import base64
import json
from typing import Any

from .config import config


def respond(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """A proxy response with a JSON body and the CORS header the site's origin needs."""
    return {
        "statusCode": status,
        "headers": {
            "Content-Type": "application/json",
            "Access-Control-Allow-Origin": config().get("allowedOrigin", ""),
            "Cache-Control": "no-store",
        },
        "body": json.dumps(body, separators=(",", ":"), default=str),
    }


def bad_request(message: str) -> dict[str, Any]:
    return respond(400, {"error": message})


def json_body(event: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object body (API Gateway has already checked it against the route's schema)."""
    raw = event.get("body") or "{}"
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data
