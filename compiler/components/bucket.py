"""S3 bucket: private, encrypted, versioned, TLS-only, with CORS for presigned uploads and expiry.

```yaml
photos:
  kind: bucket
  versioning: true              # default; a stage overlay may turn it off
  expire_after_days: 365        # objects are deleted a year after upload
  cors:                         # browsers PUT straight to S3 with presigned URLs
    origins: ["https://app.bubblebatch.com"]
    methods: [GET, PUT]
    headers: [content-type]
    max_age_seconds: 3000
```

Every bucket blocks all four kinds of public access, enforces bucket-owner object ownership (no
ACLs), encrypts at rest (SSE-S3 / AES-256 by default) and has a bucket policy that denies any
request not made over TLS. Functions get ``BUCKET_NAME`` and object-level actions on this bucket
only (``uses: {photos: read | write | read_write}``).

Metrics: S3 publishes request metrics (4xx, 5xx, request counts) only for buckets with a metrics
configuration, which CloudWatch bills as 16 custom metrics per bucket. So alarms on ``4xx``, ``5xx``
or ``requests`` need ``request_metrics: true``; without it the bucket exposes no metrics.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import s3 as s3_actions
from awacs.aws import Allow as AllowEffect
from awacs.aws import Bool, Condition, Deny, Principal, Statement
from awacs.aws import PolicyDocument as AwacsPolicy
from pydantic import Field
from troposphere import GetAtt, Join, Ref
from troposphere import s3 as s3

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component
from . import _network

READ_ACTIONS = [s3_actions.GetObject, s3_actions.GetObjectAttributes, s3_actions.GetObjectVersion]
WRITE_ACTIONS = [
    s3_actions.AbortMultipartUpload,
    s3_actions.DeleteObject,
    s3_actions.ListMultipartUploadParts,
    s3_actions.PutObject,
]
#: Listing is a bucket-level action; it goes with read access.
LIST_ACTIONS = [s3_actions.ListBucket]

#: The metrics configuration that makes S3 publish request metrics for the whole bucket.
REQUEST_METRICS_ID = "EntireBucket"
#: S3 request metrics are billed as CloudWatch custom metrics: 16 per metrics configuration.
REQUEST_METRIC_COUNT = 16

CorsMethod = Literal["GET", "PUT", "POST", "DELETE", "HEAD"]


class BucketCors(SpecModel):
    """Cross-origin rules, so browsers can use presigned URLs against the bucket."""

    origins: list[str] = Field(
        min_length=1,
        description="Origins allowed to call the bucket from a browser (scheme, host, optional port).",
        examples=[["https://app.bubblebatch.com", "http://localhost:3000"]],
    )
    methods: list[CorsMethod] = Field(
        default_factory=lambda: ["GET", "PUT"],
        min_length=1,
        description="HTTP methods allowed from those origins.",
        examples=[["GET", "PUT"]],
    )
    headers: list[str] = Field(
        default_factory=lambda: ["content-type"],
        description="Request headers the browser may send (`*` for any).",
        examples=[["content-type", "x-amz-meta-*"]],
    )
    expose_headers: list[str] = Field(
        default_factory=lambda: ["ETag"],
        description="Response headers the browser may read (ETag is needed for multipart uploads).",
        examples=[["ETag"]],
    )
    max_age_seconds: int = Field(
        3000, ge=0, le=86400, description="How long browsers may cache the preflight response.", examples=[3000]
    )


class Bucket(Component):
    """An S3 bucket that is private, encrypted, TLS-only and (by default) versioned."""

    kind: Literal["bucket"] = "bucket"
    versioning: bool = Field(True, description="Keep every version of every object (recover overwrites/deletes).")
    encryption: Literal["aes256"] = Field(
        "aes256", description="Encryption at rest: `aes256` is S3-managed keys (SSE-S3).", examples=["aes256"]
    )
    cors: BucketCors | None = Field(None, description="CORS rules for browser uploads and downloads.")
    expire_after_days: int | None = Field(
        None, ge=1, description="Delete objects this many days after they were created.", examples=[365]
    )
    noncurrent_versions_expire_after_days: int | None = Field(
        None,
        ge=1,
        description="With versioning: delete overwritten or deleted versions this many days after they stop being "
        "current. Unset keeps them.",
        examples=[30],
    )
    abort_incomplete_uploads_after_days: int = Field(
        7, ge=1, description="Discard the parts of multipart uploads never completed after this many days."
    )
    request_metrics: bool = Field(
        False,
        description="Publish S3 request metrics (4xx, 5xx, requests) to CloudWatch so alarms can watch them; "
        "billed as 16 CloudWatch custom metrics.",
    )

    stateful = True
    access_levels = ("read", "write", "read_write")
    summary = "S3 bucket (private, encrypted, TLS-only)"
    diagram_group = "storage"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Bucket"

    @property
    def policy_id(self) -> str:
        return pascal(self.id_name) + "BucketPolicy"

    @property
    def arn(self) -> GetAtt:
        return GetAtt(self.logical_id, "Arn")

    @property
    def objects_arn(self) -> Join:
        return Join("", [self.arn, "/*"])

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        if self.noncurrent_versions_expire_after_days is not None and not self.versioning:
            yield (
                ("noncurrent_versions_expire_after_days",),
                "only applies to a versioned bucket; remove it or set versioning: true",
            )
        if self.cors is not None:
            for index, origin in enumerate(self.cors.origins):
                problem = _origin_problem(origin)
                if problem:
                    yield ("cors", "origins", index), problem

    # -- build --------------------------------------------------------------------------------
    def build(self, ctx: BuildContext) -> None:
        bucket = s3.Bucket(
            self.logical_id,
            PublicAccessBlockConfiguration=s3.PublicAccessBlockConfiguration(
                BlockPublicAcls=True,
                BlockPublicPolicy=True,
                IgnorePublicAcls=True,
                RestrictPublicBuckets=True,
            ),
            OwnershipControls=s3.OwnershipControls(
                Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]
            ),
            BucketEncryption=self._encryption(ctx),
            VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled" if self.versioning else "Suspended"),
            LifecycleConfiguration=s3.LifecycleConfiguration(Rules=self._lifecycle_rules(ctx)),
        )
        if self.cors is not None:
            bucket.CorsConfiguration = s3.CorsConfiguration(
                CorsRules=[
                    s3.CorsRules(
                        Id="browser",
                        AllowedOrigins=list(self.cors.origins),
                        AllowedMethods=list(self.cors.methods),
                        AllowedHeaders=list(self.cors.headers),
                        ExposedHeaders=list(self.cors.expose_headers),
                        MaxAge=self.cors.max_age_seconds,
                    )
                ]
            )
        if self.request_metrics:
            bucket.MetricsConfigurations = [s3.MetricsConfiguration(Id=REQUEST_METRICS_ID)]
        if not self.versioning:
            _network.checkov_skip(bucket, "CKV_AWS_21", "versioning: false in the spec")
        ctx.add(self, bucket)
        ctx.add(
            self,
            s3.BucketPolicy(
                self.policy_id,
                Bucket=Ref(bucket),
                PolicyDocument=AwacsPolicy(Version="2012-10-17", Statement=self._policy_statements(ctx)),
            ),
        )
        ctx.output(self, pascal(self.id_name) + "BucketName", Ref(bucket), f"Name of the {self.name} bucket")

    def _encryption(self, ctx: BuildContext) -> s3.BucketEncryption:
        return s3.BucketEncryption(
            ServerSideEncryptionConfiguration=[
                s3.ServerSideEncryptionRule(
                    ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(SSEAlgorithm="AES256")
                )
            ]
        )

    def _lifecycle_rules(self, ctx: BuildContext) -> list[s3.LifecycleRule]:
        rules = [
            s3.LifecycleRule(
                Id="abort-incomplete-uploads",
                Status="Enabled",
                AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(
                    DaysAfterInitiation=self.abort_incomplete_uploads_after_days
                ),
            )
        ]
        if self.expire_after_days is not None:
            rules.append(
                s3.LifecycleRule(Id="expire-objects", Status="Enabled", ExpirationInDays=self.expire_after_days)
            )
        if self.versioning and self.noncurrent_versions_expire_after_days is not None:
            rules.append(
                s3.LifecycleRule(
                    Id="expire-noncurrent-versions",
                    Status="Enabled",
                    NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(
                        NoncurrentDays=self.noncurrent_versions_expire_after_days
                    ),
                )
            )
        return rules

    def _policy_statements(self, ctx: BuildContext) -> list[Statement]:
        # Deny every request that does not use TLS, whoever makes it. A Deny must cover every
        # action to close the gap, which is why this one statement names s3:*.
        return [
            Statement(
                Sid="DenyInsecureTransport",
                Effect=Deny,
                Principal=Principal("*"),
                Action=[s3_actions.Action("*")],
                Resource=[self.arn, self.objects_arn],
                Condition=Condition(Bool("aws:SecureTransport", "false")),
            )
        ]

    # -- what functions get -------------------------------------------------------------------
    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        statements = []
        if access in ("read", "read_write"):
            statements.append(Statement(Effect=AllowEffect, Action=LIST_ACTIONS, Resource=[self.arn]))
        actions = {"read": READ_ACTIONS, "write": WRITE_ACTIONS, "read_write": READ_ACTIONS + WRITE_ACTIONS}[access]
        statements.append(
            Statement(
                Effect=AllowEffect, Action=sorted(actions, key=lambda a: a.JSONrepr()), Resource=[self.objects_arn]
            )
        )
        return statements

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"BUCKET_NAME": Ref(self.logical_id)}

    # -- metrics and cost ---------------------------------------------------------------------
    def metrics(self, ctx: Any) -> dict[str, Metric]:
        if not self.request_metrics:
            return {}
        dims = {"BucketName": Ref(self.logical_id), "FilterId": REQUEST_METRICS_ID}
        return {
            "4xx": Metric("AWS/S3", "4xxErrors", dims, "Sum", "client (4xx) errors"),
            "5xx": Metric("AWS/S3", "5xxErrors", dims, "Sum", "server (5xx) errors"),
            "requests": Metric("AWS/S3", "AllRequests", dims, "Sum", "requests"),
        }

    @property
    def metrics_hint(self) -> str:
        return (
            "" if self.request_metrics else "set request_metrics: true on the bucket to alarm on 4xx, 5xx or requests"
        )

    def cost(self, ctx: CostContext) -> list[LineItem]:
        stored = ctx.usage(self, "stored_gb")
        reads = ctx.usage(self, "reads_per_month")
        writes = ctx.usage(self, "writes_per_month")
        items = [
            ctx.item(self, self.logical_id, "S3 Standard storage", "s3.storage_standard_gb", stored),
            ctx.item(self, self.logical_id, "PUT/COPY/POST/LIST requests", "s3.put_requests", writes / 1000),
            ctx.item(self, self.logical_id, "GET and other requests", "s3.get_requests", reads / 1000),
        ]
        if self.request_metrics:
            items.append(
                ctx.item(
                    self,
                    self.logical_id,
                    "request metrics (16 CloudWatch metrics)",
                    "cloudwatch.custom_metrics",
                    REQUEST_METRIC_COUNT,
                )
            )
        return items


def _origin_problem(origin: str) -> str | None:
    """Why an allowed CORS origin is not one S3 or API Gateway will accept, or None."""
    if origin == "*":
        return None
    scheme, sep, rest = origin.partition("://")
    if not sep or scheme not in ("https", "http") or not rest:
        return f"origin {origin!r} must look like 'https://app.example.com' (scheme and host) or be '*'"
    if "/" in rest:
        return f"origin {origin!r} must not have a path; write only scheme, host and port"
    if scheme == "http" and rest.split(":")[0] not in ("localhost", "127.0.0.1"):
        return f"origin {origin!r} uses plain http; only http://localhost may, use https"
    return None
