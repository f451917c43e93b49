"""Recognising credentials written as literals in a spec.

A spec is committed to git and compiled into templates anyone with CloudFormation read access can
see, so a credential must never appear in one. ``credential_kind`` recognises the common shapes of
API keys, tokens and private keys by their well-known prefixes; ``secret_like_name`` recognises a
name that says it holds a secret. Components use both to reject a literal and point at the
``secret`` component kind instead.
"""

from __future__ import annotations

import re

#: (pattern, what it looks like). Prefix-anchored shapes only, so ordinary text does not match.
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), what)
    for pattern, what in (
        (r"\b(AKIA|ASIA)[0-9A-Z]{16}\b", "an AWS access key ID"),
        (r"-----BEGIN [A-Z ]*PRIVATE KEY-----", "a private key"),
        (r"\bsk-ant-[A-Za-z0-9_-]{16,}", "an Anthropic API key"),
        (r"\bsk-(proj-)?[A-Za-z0-9_-]{20,}", "an OpenAI-style secret key"),
        (r"\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}", "a Stripe secret key"),
        (r"\bgh[pousr]_[A-Za-z0-9]{30,}", "a GitHub token"),
        (r"\bgithub_pat_[A-Za-z0-9_]{30,}", "a GitHub token"),
        (r"\bxox[abprs]-[A-Za-z0-9-]{10,}", "a Slack token"),
        (r"\bAIza[0-9A-Za-z_-]{35}\b", "a Google API key"),
        (r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}", "a SendGrid API key"),
        (r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+", "a signed token (JWT)"),
        (r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", "a URL with a password in it"),
    )
)

#: Names (keys, variables, parameters) that say their value is a secret.
SECRET_NAME = re.compile(
    r"(secret|password|passwd|token|private[-_]?key|api[-_]?key|access[-_]?key|credential)", re.IGNORECASE
)


def credential_kind(value: str) -> str | None:
    """What kind of credential ``value`` looks like, or None."""
    for pattern, what in _SHAPES:
        if pattern.search(value):
            return what
    return None


def secret_like_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def literal_secret_message(what: str) -> str:
    return (
        f"this looks like {what}; never put a credential in a spec -- declare a 'secret' component "
        "(created empty or generated) and give the functions that need it 'uses: {<secret>: read}'"
    )
