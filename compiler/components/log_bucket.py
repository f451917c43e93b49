"""S3 bucket that receives access logs: S3 server access logs and CloudFront standard logs.

```yaml
logs:
  kind: log_bucket
  expire_after_days: 365
exports:
  kind: bucket
  access_logs: logs          # S3 server access logs under s3/exports/
pdfs:
  kind: cdn
  origin: exports
  access_logs: logs          # CloudFront logs under cloudfront/pdfs/
```

A log bucket is private (all public access blocked), encrypted with S3-managed keys (the only
encryption S3 and CloudFront log delivery support), TLS-only, versioned, and expires logs after
``expire_after_days``. Its policy lets the S3 logging service write only for the buckets of this
system that name it. CloudFront writes standard logs through an ACL grant, so this bucket (unlike
every other) keeps ACLs enabled with bucket-owner-preferred ownership.
"""

from __future__ import annotations

from typing import Any, Literal

from awacs import s3 as s3_actions
from awacs.aws import Allow, ArnLike, Condition, Principal, Statement, StringEquals
from pydantic import Field
from troposphere import GetAtt, Join, Ref
from troposphere import s3 as s3

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..model import Component
from ._policies import block_public_access, object_ownership, s3_managed_encryption, tls_only_bucket_policy


class LogBucket(Component):
    """An S3 bucket for S3 server access logs and CloudFront standard logs."""

    kind: Literal["log_bucket"] = "log_bucket"
    expire_after_days: int = Field(
        365, ge=1, le=3653, description="Delete log files this many days after they were written.", examples=[365]
    )

    stateful = True
    summary = "S3 bucket for access logs (S3 and CloudFront)"
    diagram_group = "storage"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Bucket"

    @property
    def arn(self) -> GetAtt:
        return GetAtt(self.logical_id, "Arn")

    def build(self, ctx: BuildContext) -> None:
        bucket = s3.Bucket(
            self.logical_id,
            PublicAccessBlockConfiguration=block_public_access(),
            # CloudFront standard logging grants its log-delivery account an ACL on the bucket.
            OwnershipControls=object_ownership("BucketOwnerPreferred"),
            BucketEncryption=s3_managed_encryption(),
            VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
            LifecycleConfiguration=s3.LifecycleConfiguration(
                Rules=[
                    s3.LifecycleRule(
                        Id="expire-logs",
                        Status="Enabled",
                        ExpirationInDays=self.expire_after_days,
                        NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(NoncurrentDays=1),
                        AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(DaysAfterInitiation=1),
                    )
                ]
            ),
        )
        bucket.Metadata = {
            "checkov": {
                "skip": [
                    {
                        "id": "CKV_AWS_18",
                        "comment": "this is the log bucket: logging its own access into itself would log every "
                        "log delivery, without end",
                    }
                ]
            }
        }
        ctx.add(self, bucket)
        deliveries: list[Any] = []  # what the buckets and distributions that log here need
        for component in ctx.spec.components.values():
            deliveries += component.bucket_statements(ctx, self.name)
        ctx.add(self, tls_only_bucket_policy(pascal(self.id_name) + "BucketPolicy", self.logical_id, deliveries))
        ctx.output(self, pascal(self.id_name) + "BucketName", Ref(bucket), f"Name of the {self.name} log bucket")

    def cost(self, ctx: CostContext) -> list[LineItem]:
        return [
            ctx.item(self, self.logical_id, "log storage", "s3.storage_standard_gb", ctx.usage(self, "stored_gb")),
            ctx.item(
                self,
                self.logical_id,
                "log deliveries (PUT requests)",
                "s3.put_requests",
                ctx.usage(self, "writes_per_month") / 1000,
            ),
        ]


def server_access_logs_statement(ctx: BuildContext, log_bucket: str, sid: str, source_bucket_arn: Any) -> Statement:
    """Log-bucket policy statement: the S3 logging service may write logs of ``source_bucket_arn`` only."""
    target = ctx.component(log_bucket)
    assert isinstance(target, LogBucket)
    return Statement(
        Sid=sid,
        Effect=Allow,
        Principal=Principal("Service", "logging.s3.amazonaws.com"),
        Action=[s3_actions.PutObject],
        Resource=[Join("", [target.arn, "/*"])],
        Condition=Condition(
            [
                ArnLike("aws:SourceArn", source_bucket_arn),
                StringEquals("aws:SourceAccount", Ref("AWS::AccountId")),
            ]
        ),
    )


def logging_configuration(ctx: BuildContext, log_bucket: str, prefix: str) -> s3.LoggingConfiguration:
    target = ctx.component(log_bucket)
    assert isinstance(target, LogBucket)
    return s3.LoggingConfiguration(DestinationBucketName=Ref(target.logical_id), LogFilePrefix=prefix)


def cloudfront_logging(ctx: BuildContext, log_bucket: str, prefix: str) -> Any:
    from troposphere import cloudfront

    target = ctx.component(log_bucket)
    assert isinstance(target, LogBucket)
    return cloudfront.Logging(
        Bucket=GetAtt(target.logical_id, "RegionalDomainName"), Prefix=prefix, IncludeCookies=False
    )
