"""CloudFront distribution in front of a private bucket of the spec (origin access control, HTTPS only).

```yaml
pdfs:
  kind: cdn
  origin: exports                 # a bucket component; it stays private
  cache: {default_ttl: 604800}    # PDFs: 7 days
  domain: {name: files.wizard.flowency.build, zone: zone}
  access_logs: logs               # a log_bucket component
```

CloudFront reads the bucket through an origin access control (SigV4-signed requests); the bucket's
policy lets only this distribution read, and only objects. Viewers are redirected to HTTPS; with a
custom domain the certificate is ACM's and the minimum protocol TLS 1.2 (CloudFront's own
``*.cloudfront.net`` certificate cannot enforce that). Responses carry security headers (HSTS,
X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Referrer-Policy, optional CSP), are
compressed (gzip and Brotli) and served over HTTP/2 and HTTP/3, on IPv4 and IPv6. If the bucket is
encrypted with a key component, the key policy lets CloudFront decrypt for this account's
distributions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import kms as kms_actions
from awacs import s3 as s3_actions
from awacs.aws import Allow, Condition, Principal, Statement, StringEquals, StringLike
from pydantic import Field
from troposphere import GetAtt, Join, Ref, Sub, cloudfront

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from .dns_zone import CLOUDFRONT_ZONE_ID, CustomDomain, alias_records, certificate, domain_cost

PriceClass = Literal["100", "200", "all"]
_PRICE_CLASS = {"100": "PriceClass_100", "200": "PriceClass_200", "all": "PriceClass_All"}


class Cache(SpecModel):
    """How long CloudFront keeps objects (the origin's Cache-Control wins within min..max)."""

    default_ttl: int = Field(
        86400, ge=0, le=31536000, description="Seconds to cache when the object says nothing.", examples=[604800]
    )
    min_ttl: int = Field(0, ge=0, le=31536000, description="Least seconds to cache, whatever the object says.")
    max_ttl: int = Field(31536000, ge=0, le=31536000, description="Most seconds to cache, whatever the object says.")
    query_strings: list[str] = Field(
        default_factory=list,
        description="Query string parameters that make a different object (and are passed to the origin).",
        examples=[["v"]],
    )


class SecurityHeaders(SpecModel):
    """Security headers added to every response (overriding the origin's)."""

    hsts_max_age: int = Field(
        63072000, ge=0, le=63072000, description="Strict-Transport-Security max-age in seconds (2 years)."
    )
    hsts_include_subdomains: bool = Field(True, description="HSTS covers subdomains too.")
    hsts_preload: bool = Field(False, description="Ask browsers to preload HSTS for the domain.")
    frame_options: Literal["DENY", "SAMEORIGIN"] = Field("DENY", description="X-Frame-Options.")
    referrer_policy: Literal[
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ] = Field("strict-origin-when-cross-origin", description="Referrer-Policy.")
    content_security_policy: str | None = Field(
        None,
        description="Content-Security-Policy, if any.",
        examples=["default-src 'self'; img-src 'self' data:; connect-src 'self' https://api.example.com"],
        max_length=1783,
    )


class DistributionBase(Component):
    """Fields and build shared by ``cdn`` and ``static_site`` (not a kind itself)."""

    cache: Cache = Field(default_factory=Cache, description="Caching of objects.")
    headers: SecurityHeaders = Field(default_factory=SecurityHeaders, description="Security headers on every response.")
    domain: CustomDomain | None = Field(
        None, description="A custom domain (with an ACM certificate and TLS 1.2 minimum)."
    )
    access_logs: str | None = Field(
        None, description="A log_bucket component to write CloudFront standard logs to.", examples=["logs"]
    )
    price_class: PriceClass = Field(
        "100",
        description="Edge locations: '100' (North America, Europe), '200' (and most of Asia, Africa), 'all'.",
    )
    web_acl_arn: str | None = Field(
        None,
        description="An existing AWS WAF (global, us-east-1) web ACL to attach.",
        examples=["arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"],
        pattern=r"^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global/webacl/.+$",
    )

    diagram_group = "cdn"
    web_acl_scope = "CLOUDFRONT"  # a waf component with scope: cloudfront may attach_to it

    # -- names ----------------------------------------------------------------------------------
    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Distribution"

    def url(self) -> Any:
        """``https://<custom domain>``, or the distribution's own ``https://<id>.cloudfront.net``."""
        if self.domain:
            return f"https://{self.domain.name}"
        return Join("", ["https://", GetAtt(self.logical_id, "DomainName")])

    def distribution_arn(self) -> Sub:
        return Sub(f"arn:${{AWS::Partition}}:cloudfront::${{AWS::AccountId}}:distribution/${{{self.logical_id}}}")

    def _origin_bucket_id(self, ctx: Any) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _origin_path(self) -> str | None:
        return None

    # -- validation -----------------------------------------------------------------------------
    def _distribution_references(self) -> Iterator[Reference]:
        if self.access_logs:
            yield Reference(("access_logs",), self.access_logs, ("log_bucket",), "log_bucket")
        if self.domain:
            yield from self.domain.references(("domain",))

    def _distribution_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        cache = self.cache
        if not cache.min_ttl <= cache.default_ttl <= cache.max_ttl:
            yield ("cache",), "TTLs must satisfy min_ttl <= default_ttl <= max_ttl"
        if self.domain:
            yield from self.domain.check(ctx, ("domain",), for_cloudfront=True)

    # -- build ----------------------------------------------------------------------------------
    def _build_distribution(
        self, ctx: BuildContext, origin_domain: Any, *, spa: bool = False, root_object: str | None = None
    ) -> cloudfront.Distribution:
        base = pascal(self.id_name)
        oac = cloudfront.OriginAccessControl(
            base + "OriginAccessControl",
            OriginAccessControlConfig=cloudfront.OriginAccessControlConfig(
                Name=_limit(ctx.physical_name(self.id_name), 64),
                Description=f"CloudFront reads the {self.name} origin with signed requests",
                OriginAccessControlOriginType="s3",
                SigningBehavior="always",
                SigningProtocol="sigv4",
            ),
        )
        ctx.add(self, oac)
        cache_policy = cloudfront.CachePolicy(
            base + "CachePolicy",
            CachePolicyConfig=cloudfront.CachePolicyConfig(
                Name=_limit(ctx.physical_name(self.id_name), 128),
                Comment=f"{self.name}: default {self.cache.default_ttl}s",
                DefaultTTL=self.cache.default_ttl,
                MinTTL=self.cache.min_ttl,
                MaxTTL=self.cache.max_ttl,
                ParametersInCacheKeyAndForwardedToOrigin=cloudfront.ParametersInCacheKeyAndForwardedToOrigin(
                    EnableAcceptEncodingGzip=True,
                    EnableAcceptEncodingBrotli=True,
                    CookiesConfig=cloudfront.CacheCookiesConfig(CookieBehavior="none"),
                    HeadersConfig=cloudfront.CacheHeadersConfig(HeaderBehavior="none"),
                    QueryStringsConfig=(
                        cloudfront.CacheQueryStringsConfig(
                            QueryStringBehavior="whitelist", QueryStrings=list(self.cache.query_strings)
                        )
                        if self.cache.query_strings
                        else cloudfront.CacheQueryStringsConfig(QueryStringBehavior="none")
                    ),
                ),
            ),
        )
        ctx.add(self, cache_policy, ("cache",))
        headers = self.headers
        security = cloudfront.SecurityHeadersConfig(
            StrictTransportSecurity=cloudfront.StrictTransportSecurity(
                AccessControlMaxAgeSec=headers.hsts_max_age,
                IncludeSubdomains=headers.hsts_include_subdomains,
                Preload=headers.hsts_preload,
                Override=True,
            ),
            ContentTypeOptions=cloudfront.ContentTypeOptions(Override=True),
            FrameOptions=cloudfront.FrameOptions(FrameOption=headers.frame_options, Override=True),
            XSSProtection=cloudfront.XSSProtection(Protection=True, ModeBlock=True, Override=True),
            ReferrerPolicy=cloudfront.ReferrerPolicy(ReferrerPolicy=headers.referrer_policy, Override=True),
        )
        if headers.content_security_policy:
            security.ContentSecurityPolicy = cloudfront.ContentSecurityPolicy(
                ContentSecurityPolicy=headers.content_security_policy, Override=True
            )
        headers_policy = cloudfront.ResponseHeadersPolicy(
            base + "ResponseHeadersPolicy",
            ResponseHeadersPolicyConfig=cloudfront.ResponseHeadersPolicyConfig(
                Name=_limit(ctx.physical_name(self.id_name), 128),
                Comment=f"{self.name}: security headers",
                SecurityHeadersConfig=security,
            ),
        )
        ctx.add(self, headers_policy, ("headers",))

        origin = cloudfront.Origin(
            Id="bucket",
            DomainName=origin_domain,
            S3OriginConfig=cloudfront.S3OriginConfig(OriginAccessIdentity=""),
            OriginAccessControlId=GetAtt(oac, "Id"),
        )
        if self._origin_path():
            origin.OriginPath = self._origin_path()
        config = cloudfront.DistributionConfig(
            Enabled=True,
            Comment=_limit(self.description or f"{ctx.system} {ctx.stage_name}: {self.name}", 128),
            Origins=[origin],
            DefaultCacheBehavior=cloudfront.DefaultCacheBehavior(
                TargetOriginId="bucket",
                ViewerProtocolPolicy="redirect-to-https",
                AllowedMethods=["GET", "HEAD", "OPTIONS"],
                CachedMethods=["GET", "HEAD"],
                Compress=True,
                CachePolicyId=Ref(cache_policy),
                ResponseHeadersPolicyId=Ref(headers_policy),
            ),
            HttpVersion="http2and3",
            IPV6Enabled=True,
            PriceClass=_PRICE_CLASS[self.price_class],
        )
        if root_object:
            config.DefaultRootObject = root_object
        if spa and root_object:
            # A path the bucket does not have is a 403 through OAC (no ListBucket) or a 404: the app routes it.
            config.CustomErrorResponses = [
                cloudfront.CustomErrorResponse(
                    ErrorCode=code, ResponseCode=200, ResponsePagePath=f"/{root_object}", ErrorCachingMinTTL=10
                )
                for code in (403, 404)
            ]
        if self.domain:
            config.Aliases = [self.domain.name]
            config.ViewerCertificate = cloudfront.ViewerCertificate(
                AcmCertificateArn=certificate(ctx, self, self.domain, ("domain",)),
                SslSupportMethod="sni-only",
                MinimumProtocolVersion="TLSv1.2_2021",
            )
        else:
            config.ViewerCertificate = cloudfront.ViewerCertificate(CloudFrontDefaultCertificate=True)
        if self.access_logs:
            from .log_bucket import cloudfront_logging

            config.Logging = cloudfront_logging(ctx, self.access_logs, f"cloudfront/{self.id_name}/")
        from .waf import web_acl_arn_for

        web_acl = self.web_acl_arn or web_acl_arn_for(ctx, self)
        if web_acl:
            config.WebACLId = web_acl
        distribution = cloudfront.Distribution(self.logical_id, DistributionConfig=config)
        ctx.add(self, distribution)
        if self.domain:
            alias_records(
                ctx, self, self.domain, GetAtt(distribution, "DomainName"), CLOUDFRONT_ZONE_ID, ("domain",), ipv6=True
            )
        ctx.output(self, base + "Url", self.url(), f"URL of the {self.name} distribution")
        ctx.output(
            self, base + "DistributionId", Ref(distribution), f"ID of the {self.name} distribution (invalidations)"
        )
        return distribution

    # -- what the origin bucket and its key must allow -------------------------------------------------
    def oac_read_statement(self, sid: str, objects_arn: Any) -> Statement:
        return Statement(
            Sid=sid,
            Effect=Allow,
            Principal=Principal("Service", "cloudfront.amazonaws.com"),
            Action=[s3_actions.GetObject],
            Resource=[objects_arn],
            Condition=Condition(StringEquals("AWS:SourceArn", self.distribution_arn())),
        )

    def oac_key_statement(self, sid: str) -> Statement:
        # Any distribution of this account (the bucket policy decides which may read): naming this one would
        # make the key depend on the distribution, which depends on the bucket, which depends on the key.
        return Statement(
            Sid=sid,
            Effect=Allow,
            Principal=Principal("Service", "cloudfront.amazonaws.com"),
            Action=[kms_actions.Decrypt],
            Resource=["*"],
            Condition=Condition(
                StringLike("AWS:SourceArn", Sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"))
            ),
        )

    # -- metrics and cost -----------------------------------------------------------------------
    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        # CloudFront metrics live in us-east-1 with Region=Global.
        dims = {"DistributionId": Ref(self.logical_id), "Region": "Global"}
        ns = "AWS/CloudFront"
        return {
            "requests": Metric(ns, "Requests", dims, "Sum", "requests"),
            "4xx_rate": Metric(ns, "4xxErrorRate", dims, "Average", "4xx error rate (%)"),
            "5xx_rate": Metric(ns, "5xxErrorRate", dims, "Average", "5xx error rate (%)"),
            "error_rate": Metric(ns, "TotalErrorRate", dims, "Average", "error rate (%)"),
            "bytes_downloaded": Metric(ns, "BytesDownloaded", dims, "Sum", "bytes served"),
        }

    def _distribution_cost(self, ctx: CostContext) -> list[LineItem]:
        return [
            ctx.item(
                self,
                self.logical_id,
                "data transfer out",
                "cloudfront.transfer_out_gb",
                ctx.usage(self, "data_transfer_gb"),
            ),
            ctx.item(
                self,
                self.logical_id,
                "HTTPS requests",
                "cloudfront.https_requests",
                ctx.usage(self, "requests_per_month") / 10_000,
            ),
            *domain_cost(ctx, self, self.domain),
        ]


class Cdn(DistributionBase):
    """A CloudFront distribution serving objects of a bucket component, which stays private."""

    kind: Literal["cdn"] = "cdn"
    origin: str = Field(description="The bucket component to serve.", examples=["exports"])
    origin_path: str | None = Field(
        None,
        description="Serve only this folder of the bucket (it becomes the root of the distribution).",
        examples=["/public"],
        pattern=r"^/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$",
    )

    access_levels = ("read",)
    summary = "CloudFront distribution in front of a private bucket"

    def _origin_path(self) -> str | None:
        return self.origin_path

    def references(self) -> Iterator[Reference]:
        yield Reference(("origin",), self.origin, ("bucket",), "bucket")
        yield from self._distribution_references()

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        yield from self._distribution_semantics(ctx)

    def build(self, ctx: BuildContext) -> None:
        bucket = ctx.component(self.origin)
        self._build_distribution(ctx, GetAtt(bucket.logical_id, "RegionalDomainName"))  # type: ignore[attr-defined]

    def bucket_statements(self, ctx: BuildContext, bucket: str) -> list[Any]:
        if bucket != self.origin:
            return []
        origin = ctx.component(bucket)
        objects = Join("", [GetAtt(origin.logical_id, "Arn"), "/*"])  # type: ignore[attr-defined]
        return [self.oac_read_statement(pascal(self.id_name) + "CloudFrontReads", objects)]

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        origin = ctx.component(self.origin)
        if getattr(origin, "kms_key", None) != key:
            return []
        return [self.oac_key_statement(pascal(self.id_name) + "CloudFrontDecrypts")]

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        # ``read``: the function hands out links through the CDN; reading through it needs no permission.
        return []

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"CDN_URL": self.url()}

    def cost(self, ctx: CostContext) -> list[LineItem]:
        return self._distribution_cost(ctx)


def _limit(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length]
