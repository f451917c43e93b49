"""Non-secret configuration from Parameter Store (``PARAMETER_NAME``), read once per container."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any


@cache
def config() -> dict[str, Any]:
    name = os.environ.get("PARAMETER_NAME")
    if not name:
        return {}
    import boto3

    value = boto3.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    return json.loads(value)
