"""The base of every spec model: unknown keys are errors, with a did-you-mean."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

NAME_PATTERN = r"^[a-z][a-z0-9]*([-_][a-z0-9]+)*$"
NAME_RE = re.compile(NAME_PATTERN)


class SpecModel(BaseModel):
    # defer_build: a model's schema is built when first used, not when its module is imported, so
    # only the kinds a spec names cost anything (compiler/spec.py spec_model()).
    model_config = ConfigDict(
        extra="forbid", frozen=False, validate_default=True, populate_by_name=False, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _remember_allowed_keys(cls, data: Any, info: ValidationInfo) -> Any:
        # Used only to phrase "unknown key" errors with a suggestion; see spec._explain.
        if isinstance(data, dict) and isinstance(info.context, dict):
            allowed = info.context.setdefault("allowed_keys", {})
            allowed[id(data)] = sorted(
                (f.alias or name) for name, f in cls.model_fields.items() if not name.startswith("_")
            )
        return data
