"""Static frontend: a private S3 origin bucket and a CloudFront distribution in front of it.

```yaml
web:
  kind: static_site
  spa: true                                    # unknown paths serve index.html (client-side routing)
  domain: {name: media.example.com, zone: zone}
  headers:
    content_security_policy: "default-src 'self'; connect-src 'self' https://api.media.example.com"
  access_logs: logs
```

The bucket is private (public access blocked, no ACLs, no website endpoint), encrypted (SSE-S3),
versioned (old versions expire after 30 days) and TLS-only; only this distribution may read it,
through an origin access control. The distribution is HTTPS only (TLS 1.2 minimum with a custom
domain), compresses, speaks HTTP/2 and HTTP/3, adds security headers and serves ``index.html`` at
the root. Upload the build with ``aws s3 sync build/ s3://<SiteBucketName> --delete`` and invalidate
``/*``; both names are stack outputs. A function with ``uses: {web: write}`` may publish the site.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import s3 as s3_actions
from awacs.aws import Allow, Statement
from pydantic import Field
from troposphere import GetAtt, Join, Ref
from troposphere import s3 as s3

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..model import Reference
from ._policies import block_public_access, object_ownership, s3_managed_encryption, tls_only_bucket_policy
from .cdn import DistributionBase


class StaticSite(DistributionBase):
    """A static website (or single-page app): private bucket + CloudFront distribution."""

    kind: Literal["static_site"] = "static_site"
    index: str = Field(
        "index.html",
        description="The object served at the root.",
        examples=["index.html"],
        pattern=r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$",
    )
    spa: bool = Field(True, description="Single-page app: paths with no object serve the index (with status 200).")
    versions_expire_after_days: int = Field(
        30, ge=1, description="Delete replaced site files this many days after a new deploy replaced them."
    )

    access_levels = ("write",)
    summary = "static website: private S3 bucket + CloudFront"
    diagram_group = "frontend"

    @property
    def bucket_id(self) -> str:
        return pascal(self.id_name) + "SiteBucket"

    @property
    def bucket_arn(self) -> GetAtt:
        return GetAtt(self.bucket_id, "Arn")

    def references(self) -> Iterator[Reference]:
        yield from self._distribution_references()

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        yield from self._distribution_semantics(ctx)

    def build(self, ctx: BuildContext) -> None:
        bucket = s3.Bucket(
            self.bucket_id,
            PublicAccessBlockConfiguration=block_public_access(),
            OwnershipControls=object_ownership(),
            BucketEncryption=s3_managed_encryption(),
            VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
            LifecycleConfiguration=s3.LifecycleConfiguration(
                Rules=[
                    s3.LifecycleRule(
                        Id="expire-replaced-files",
                        Status="Enabled",
                        NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(
                            NoncurrentDays=self.versions_expire_after_days
                        ),
                        AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(DaysAfterInitiation=1),
                    )
                ]
            ),
        )
        if self.access_logs:
            from .log_bucket import logging_configuration

            bucket.LoggingConfiguration = logging_configuration(ctx, self.access_logs, f"s3/{self.id_name}/")
        ctx.add(self, bucket)
        reads = self.oac_read_statement("CloudFrontReads", Join("", [self.bucket_arn, "/*"]))
        ctx.add(self, tls_only_bucket_policy(pascal(self.id_name) + "SiteBucketPolicy", self.bucket_id, [reads]))
        ctx.output(
            self, pascal(self.id_name) + "SiteBucketName", Ref(bucket), f"Bucket to upload the {self.name} site to"
        )
        self._build_distribution(ctx, GetAtt(bucket, "RegionalDomainName"), spa=self.spa, root_object=self.index)

    def bucket_statements(self, ctx: BuildContext, bucket: str) -> list[Any]:
        if bucket != self.access_logs:
            return []
        from .log_bucket import server_access_logs_statement

        return [server_access_logs_statement(ctx, bucket, pascal(self.id_name) + "SiteAccessLogs", self.bucket_arn)]

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        # Publishing a build: list, upload, delete stale files, and invalidate the cache.
        from awacs import cloudfront as cf_actions

        return [
            Statement(Effect=Allow, Action=[s3_actions.ListBucket], Resource=[self.bucket_arn]),
            Statement(
                Effect=Allow,
                Action=[s3_actions.DeleteObject, s3_actions.GetObject, s3_actions.PutObject],
                Resource=[Join("", [self.bucket_arn, "/*"])],
            ),
            Statement(
                Effect=Allow,
                Action=[cf_actions.CreateInvalidation, cf_actions.GetInvalidation],
                Resource=[self.distribution_arn()],
            ),
        ]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"SITE_BUCKET_NAME": Ref(self.bucket_id), "DISTRIBUTION_ID": Ref(self.logical_id)}

    def cost(self, ctx: CostContext) -> list[LineItem]:
        return [
            ctx.item(self, self.bucket_id, "site files", "s3.storage_standard_gb", ctx.usage(self, "stored_gb")),
            *self._distribution_cost(ctx),
        ]
