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

Options for data kept long (the Specification Wizard's exports, the Secure Media Processor's media):

```yaml
exports:
  kind: bucket
  kms_key: storage-key            # SSE-KMS under a key of the spec (S3 Bucket Keys on)
  transitions:                    # lifecycle: cheaper storage classes as objects age
    - {days: 30, storage_class: intelligent_tiering}
    - {days: 90, storage_class: glacier}
  expire_after_days: 365
  access_logs: logs               # S3 server access logs to a log_bucket component
```

Metrics: S3 publishes request metrics (4xx, 5xx, request counts) only for buckets with a metrics
configuration, which CloudWatch bills as 16 custom metrics per bucket. So alarms on ``4xx``, ``5xx``
or ``requests`` need ``request_metrics: true``; without it the bucket exposes no metrics.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import s3 as s3_actions
from awacs.aws import Allow as AllowEffect
from awacs.aws import Statement
from pydantic import Field
from troposphere import GetAtt, Join, Ref
from troposphere import s3 as s3

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from . import _network
from ._policies import block_public_access, object_ownership, s3_managed_encryption, tls_only_bucket_policy

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


StorageClass = Literal["standard_ia", "intelligent_tiering", "onezone_ia", "glacier_ir", "glacier", "deep_archive"]
#: S3's names, in the order of its transition waterfall (an object only ever moves down this list).
_STORAGE_CLASSES: dict[str, str] = {
    "standard_ia": "STANDARD_IA",
    "intelligent_tiering": "INTELLIGENT_TIERING",
    "onezone_ia": "ONEZONE_IA",
    "glacier_ir": "GLACIER_IR",
    "glacier": "GLACIER",
    "deep_archive": "DEEP_ARCHIVE",
}
#: Price keys: storage per GB-month, and lifecycle transition requests into the class (per 1,000).
_CLASS_PRICES: dict[str, tuple[str, str]] = {
    "standard_ia": ("s3.storage_standard_ia_gb", "s3.transitions_infrequent_access"),
    "intelligent_tiering": ("s3.storage_intelligent_tiering_gb", "s3.transitions_infrequent_access"),
    "onezone_ia": ("s3.storage_onezone_ia_gb", "s3.transitions_infrequent_access"),
    "glacier_ir": ("s3.storage_glacier_ir_gb", "s3.transitions_glacier_ir"),
    "glacier": ("s3.storage_glacier_flexible_gb", "s3.transitions_glacier"),
    "deep_archive": ("s3.storage_deep_archive_gb", "s3.transitions_deep_archive"),
}


class Transition(SpecModel):
    """Move objects to a cheaper storage class this many days after they were created."""

    days: int = Field(ge=0, le=36500, description="Age of an object, in days, when it moves.", examples=[30])
    storage_class: StorageClass = Field(
        description=(
            "Where it moves: standard_ia, intelligent_tiering, onezone_ia, glacier_ir (Instant Retrieval), "
            "glacier (Flexible Retrieval) or deep_archive."
        ),
        examples=["intelligent_tiering"],
    )


class Bucket(Component):
    """An S3 bucket that is private, encrypted, TLS-only and (by default) versioned."""

    kind: Literal["bucket"] = "bucket"
    versioning: bool = Field(True, description="Keep every version of every object (recover overwrites/deletes).")
    encryption: Literal["aes256", "kms"] = Field(
        "aes256",
        description="Encryption at rest: `aes256` is S3-managed keys (SSE-S3); `kms` is SSE-KMS under `kms_key`.",
        examples=["aes256"],
    )
    kms_key: str | None = Field(
        None,
        description="A key component to encrypt objects with (SSE-KMS, with S3 Bucket Keys to cut KMS requests).",
        examples=["storage-key"],
    )
    transitions: list[Transition] = Field(
        default_factory=list,
        description="Lifecycle transitions to cheaper storage classes as objects age, in order.",
        examples=[[{"days": 30, "storage_class": "intelligent_tiering"}, {"days": 90, "storage_class": "glacier"}]],
    )
    access_logs: str | None = Field(
        None,
        description="A log_bucket component that receives this bucket's S3 server access logs (under s3/<name>/).",
        examples=["logs"],
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

    @property
    def effective_encryption(self) -> str:
        return "kms" if self.kms_key else self.encryption

    def references(self) -> Iterator[Reference]:
        if self.kms_key:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")
        if self.access_logs:
            yield Reference(("access_logs",), self.access_logs, ("log_bucket",), "log_bucket")

    def _transition_problems(self) -> Iterator[tuple[tuple[Any, ...], str]]:
        order = list(_STORAGE_CLASSES)
        previous: Transition | None = None
        for index, step in enumerate(self.transitions):
            path = ("transitions", index)
            if step.storage_class in ("standard_ia", "onezone_ia") and step.days < 30:
                yield (*path, "days"), f"S3 moves objects to {step.storage_class} only once they are 30 days old"
            if previous is not None:
                if step.days <= previous.days:
                    yield (
                        (*path, "days"),
                        f"transitions must be in order of age: {step.days} is not after {previous.days}",
                    )
                if order.index(step.storage_class) <= order.index(previous.storage_class) or (
                    previous.storage_class == "onezone_ia" and step.storage_class == "glacier_ir"
                ):
                    yield (
                        (*path, "storage_class"),
                        (
                            f"S3 cannot move objects from {previous.storage_class} to {step.storage_class}; classes go "
                            "down the list " + " > ".join(order)
                        ),
                    )
            previous = step
        if previous is not None and self.expire_after_days is not None and self.expire_after_days <= previous.days:
            yield (
                ("expire_after_days",),
                (
                    f"objects expire after {self.expire_after_days} days, before the last transition (day {previous.days})"
                ),
            )

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        if self.encryption == "kms" and not self.kms_key:
            yield ("encryption",), "encryption: kms needs kms_key, the key component to encrypt with"
        if self.kms_key and "encryption" in self.model_fields_set and self.encryption == "aes256":
            yield ("encryption",), "a bucket with kms_key is encrypted with SSE-KMS; remove encryption: aes256"
        yield from self._transition_problems()
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
            PublicAccessBlockConfiguration=block_public_access(),
            OwnershipControls=object_ownership(),
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
        if self.access_logs:
            from .log_bucket import logging_configuration

            bucket.LoggingConfiguration = logging_configuration(ctx, self.access_logs, f"s3/{self.id_name}/")
        if not self.versioning:
            _network.checkov_skip(bucket, "CKV_AWS_21", "versioning: false in the spec")
        ctx.add(self, bucket)
        # Every request that does not use TLS is denied, whoever makes it; then what other components
        # need here (a CDN reading objects through its origin access control, S3 access logs).
        ctx.add(self, tls_only_bucket_policy(self.policy_id, self.logical_id, self._other_statements(ctx)))
        ctx.output(self, pascal(self.id_name) + "BucketName", Ref(bucket), f"Name of the {self.name} bucket")

    def _encryption(self, ctx: BuildContext) -> s3.BucketEncryption:
        if self.kms_key:
            from .key import key_arn

            return s3.BucketEncryption(
                ServerSideEncryptionConfiguration=[
                    s3.ServerSideEncryptionRule(
                        ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(
                            SSEAlgorithm="aws:kms", KMSMasterKeyID=key_arn(ctx, self.kms_key)
                        ),
                        BucketKeyEnabled=True,
                    )
                ]
            )
        return s3_managed_encryption()

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
        if self.transitions:
            rules.append(
                s3.LifecycleRule(
                    Id="transition-objects",
                    Status="Enabled",
                    Transitions=[
                        s3.LifecycleRuleTransition(
                            StorageClass=_STORAGE_CLASSES[step.storage_class], TransitionInDays=step.days
                        )
                        for step in self.transitions
                    ],
                )
            )
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

    def _other_statements(self, ctx: BuildContext) -> list[Statement]:
        statements: list[Statement] = []
        for component in ctx.spec.components.values():
            statements += component.bucket_statements(ctx, self.name)
        return statements

    def bucket_statements(self, ctx: BuildContext, bucket: str) -> list[Any]:
        """On the log bucket this bucket names: the S3 logging service may write this bucket's logs."""
        if bucket != self.access_logs:
            return []
        from .log_bucket import server_access_logs_statement

        return [server_access_logs_statement(ctx, bucket, pascal(self.id_name) + "AccessLogs", self.arn)]

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
        if self.kms_key:
            from .key import via_service_statement

            statements.append(via_service_statement(ctx, self.kms_key, "s3", access))  # type: ignore[arg-type]
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

    def _storage_cost(self, ctx: CostContext, stored: float, writes: float) -> list[LineItem]:
        return _storage_items(self, ctx, stored, writes)

    def cost(self, ctx: CostContext) -> list[LineItem]:
        stored = ctx.usage(self, "stored_gb")
        reads = ctx.usage(self, "reads_per_month")
        writes = ctx.usage(self, "writes_per_month")
        items = [
            *self._storage_cost(ctx, stored, writes),
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


def _lifetime(bucket: Bucket) -> int:
    """Days an object lives: its expiry, or (without one) a year past the last transition."""
    if bucket.expire_after_days is not None:
        return bucket.expire_after_days
    return (bucket.transitions[-1].days if bucket.transitions else 0) + 365


def _storage_items(bucket: Bucket, ctx: CostContext, stored: float, writes: float) -> list[LineItem]:
    """Storage by class: objects of every age up to their lifetime, equally many of each, so a class holds
    the share of the lifetime spent in it; plus one transition request per new object per step, and
    Intelligent-Tiering's per-object monitoring (objects written in a month x months spent there)."""
    if not bucket.transitions:
        return [ctx.item(bucket, bucket.logical_id, "S3 Standard storage", "s3.storage_standard_gb", stored)]
    life = _lifetime(bucket)
    bounds = [0, *[t.days for t in bucket.transitions], life]
    classes = ["standard", *[t.storage_class for t in bucket.transitions]]
    items = []
    for index, storage_class in enumerate(classes):
        days = max(0, min(bounds[index + 1], life) - min(bounds[index], life))
        share = days / life
        key = "s3.storage_standard_gb" if storage_class == "standard" else _CLASS_PRICES[storage_class][0]
        items.append(
            ctx.item(
                bucket,
                bucket.logical_id,
                f"{storage_class} storage ({share:.0%} of objects' {life}-day life)",
                key,
                stored * share,
            )
        )
        if storage_class == "standard":
            continue
        items.append(
            ctx.item(
                bucket,
                bucket.logical_id,
                f"lifecycle transitions to {storage_class}",
                _CLASS_PRICES[storage_class][1],
                writes / 1000,
            )
        )
        if storage_class == "intelligent_tiering":
            items.append(
                ctx.item(
                    bucket,
                    bucket.logical_id,
                    "Intelligent-Tiering monitoring",
                    "s3.intelligent_tiering_monitoring",
                    writes * days / 30 / 1000,
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
