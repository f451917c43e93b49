"""Shared helpers a layer provides to every function that lists it (importable as ``shared``)."""

import json


def response(status: int, body: dict) -> dict:
    """An API Gateway proxy response with a JSON body."""
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
