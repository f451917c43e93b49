"""Resource-policy pieces shared by kinds: the TLS-only deny statement and a TLS-only bucket policy.

Private to the kinds that import it (bucket, log_bucket, static_site, pipeline, network, schedule,
monitoring); not a kind.
"""

from __future__ import annotations

from typing import Any

from awacs.aws import Bool, Condition, Deny, PolicyDocument, Principal, Statement
from troposphere import GetAtt, Join, Ref


def deny_insecure_transport(action: Any, resources: list[Any], *, secure_transport: str | bool = "false") -> Statement:
    """``DenyInsecureTransport``: anyone's ``action`` on ``resources`` is refused unless made over TLS.

    For a bucket ``action`` is ``s3:*``: a Deny must cover every action to close the gap.
    ``secure_transport`` is the condition value as written (the string ``"false"`` or the boolean).
    """
    return Statement(
        Sid="DenyInsecureTransport",
        Effect=Deny,
        Principal=Principal("*"),
        Action=[action],
        Resource=resources,
        Condition=Condition(Bool("aws:SecureTransport", secure_transport)),
    )


def bucket_resources(bucket_arn: Any) -> list[Any]:
    """The bucket and every object in it: ``[arn, arn/*]``."""
    return [bucket_arn, Join("", [bucket_arn, "/*"])]


def tls_only_bucket_policy(
    logical_id: str,
    bucket_id: str,
    extra: list[Any] | None = None,
    *,
    secure_transport: str | bool = "false",
) -> Any:
    """A policy on bucket ``bucket_id`` that refuses every request not made over TLS, plus ``extra`` statements."""
    from awacs import s3 as s3_actions
    from troposphere import s3

    statements = [
        deny_insecure_transport(
            s3_actions.Action("*"), bucket_resources(GetAtt(bucket_id, "Arn")), secure_transport=secure_transport
        ),
        *(extra or []),
    ]
    return s3.BucketPolicy(
        logical_id,
        Bucket=Ref(bucket_id),
        PolicyDocument=PolicyDocument(Version="2012-10-17", Statement=statements),
    )
