"""The checked-in JSON Schema is exactly what the models generate."""

from __future__ import annotations

from pathlib import Path

from compiler.schema import SCHEMA_PATH, schema_text


def test_schema_file_is_in_sync_with_models() -> None:
    on_disk = Path(SCHEMA_PATH).read_text(encoding="utf-8")
    assert on_disk == schema_text(), (
        "schemas/specc.schema.json is stale; run: specc schema --out schemas/specc.schema.json"
    )
