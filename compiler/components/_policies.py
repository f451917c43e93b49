"""Security pieces shared by kinds: the TLS-only deny statement, a TLS-only bucket policy, and the
settings that keep a bucket private and encrypted.

Private to the kinds that import it (bucket, log_bucket, static_site, pipeline, network, schedule,
monitoring); not a kind.
"""

from __future__ import annotations

from typing import Any

from awacs import s3 as s3_actions
from awacs.aws import Bool, Condition, Deny, PolicyDocument, Principal, Statement
from troposphere import GetAtt, Join, Ref, s3


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
) -> s3.BucketPolicy:
    """A policy on bucket ``bucket_id`` that refuses every request not made over TLS, plus ``extra`` statements."""
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


def block_public_access() -> s3.PublicAccessBlockConfiguration:
    """No public ACLs and no public bucket policy, now or later."""
    return s3.PublicAccessBlockConfiguration(
        BlockPublicAcls=True,
        BlockPublicPolicy=True,
        IgnorePublicAcls=True,
        RestrictPublicBuckets=True,
    )


def object_ownership(setting: str = "BucketOwnerEnforced") -> s3.OwnershipControls:
    """Who owns uploaded objects; ``BucketOwnerEnforced`` turns ACLs off altogether."""
    return s3.OwnershipControls(Rules=[s3.OwnershipControlsRule(ObjectOwnership=setting)])


def s3_managed_encryption(*, bucket_key: bool = False) -> s3.BucketEncryption:
    """Default encryption with S3-managed keys (SSE-S3, AES256)."""
    rule = s3.ServerSideEncryptionRule(
        ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(SSEAlgorithm="AES256")
    )
    if bucket_key:
        rule.BucketKeyEnabled = True
    return s3.BucketEncryption(ServerSideEncryptionConfiguration=[rule])
