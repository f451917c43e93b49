"""Field checks the handlers apply after API Gateway's schema validation (which cannot trim or normalise)."""

from __future__ import annotations

import re
from typing import Any

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


class ValidationError(ValueError):
    """A field the client must fix; the message names it."""


def text(data: dict[str, Any], field: str, *, max_length: int, required: bool = True) -> str | None:
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(f"{field} is required")
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text")
    value = " ".join(value.split())
    if len(value) > max_length:
        raise ValidationError(f"{field} is longer than {max_length} characters")
    return value


def email(data: dict[str, Any], field: str = "email") -> str:
    value = text(data, field, max_length=254)
    assert value is not None
    if not _EMAIL.match(value):
        raise ValidationError(f"{field} is not an email address")
    return value.lower()


def one_of(data: dict[str, Any], field: str, choices: tuple[str, ...]) -> str:
    value = data.get(field)
    if value not in choices:
        raise ValidationError(f"{field} must be one of: {', '.join(choices)}")
    return value
