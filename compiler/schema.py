"""The JSON Schema of specs, generated from the pydantic models (the single source of truth)."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ID = "https://specc.dev/schemas/specc.schema.json"
SCHEMA_PATH = "schemas/specc.schema.json"


def json_schema() -> dict[str, Any]:
    from .schema_docs import DocumentedSchema, complete
    from .spec import Spec

    schema = complete(Spec.model_json_schema(mode="validation", schema_generator=DocumentedSchema))
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
