"""Code shared by the Malumz API functions: responses, input checks, configuration, the database."""

from .http import bad_request, json_body, respond
from .validate import ValidationError, email, one_of, text

__all__ = ["ValidationError", "bad_request", "email", "json_body", "one_of", "respond", "text"]
