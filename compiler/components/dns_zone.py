"""Route 53 hosted zone (existing or created) and the custom domains other components put in it.

```yaml
zone:
  kind: dns_zone
  domain: flowency.build
  hosted_zone_id: Z0123456789ABCDEFGHIJ   # an existing zone; leave out to create the zone
web:
  kind: static_site
  domain: {name: wizard.flowency.build, zone: zone}
```

A component with ``domain: {name, zone}`` gets an ACM certificate for that name, validated by DNS
in the zone (CloudFormation writes the validation record), and alias records pointing the name at
it: A and AAAA to a CloudFront distribution, A to an API's regional domain. CloudFront only uses
certificates from us-east-1, so a distribution's certificate is created only by a us-east-1 stage;
elsewhere give ``certificate_arn`` of a us-east-1 certificate -- anything else is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, Field, WithJsonSchema
from troposphere import GetAtt, Ref, apigatewayv2, certificatemanager, route53

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..model import Component, Reference

if TYPE_CHECKING:
    from troposphere import AWSHelperFn

DOMAIN_PATTERN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
CERT_ARN = re.compile(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[0-9a-f-]{36}$")
ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,32}$")


def _domain_name(value: str) -> str:
    if len(value) > 253 or not re.match(DOMAIN_PATTERN, value):
        raise ValueError(
            f"{value!r} is not a domain name: lower-case labels of letters, digits and '-' joined by dots, "
            "like 'wizard.example.com' (no scheme, no trailing dot, no wildcard)"
        )
    return value


def _zone_id(value: str) -> str:
    if not ZONE_ID.match(value):
        raise ValueError(
            f"{value!r} is not a hosted zone ID; IDs look like 'Z0123456789ABCDEFGHIJ' (Route 53 console, "
            "or `aws route53 list-hosted-zones`)"
        )
    return value


DomainName = Annotated[
    str, AfterValidator(_domain_name), WithJsonSchema({"type": "string", "pattern": DOMAIN_PATTERN, "maxLength": 253})
]
ZoneId = Annotated[str, AfterValidator(_zone_id), WithJsonSchema({"type": "string", "pattern": ZONE_ID.pattern})]

#: The hosted zone ID of every CloudFront distribution, for alias records.
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"


class DnsZone(Component):
    """A Route 53 public hosted zone: an existing one (by ID) or one this stack creates."""

    kind: Literal["dns_zone"] = "dns_zone"
    domain: DomainName = Field(description="The zone's domain name.", examples=["flowency.build"])
    hosted_zone_id: ZoneId | None = Field(
        None,
        description="ID of an existing hosted zone for this domain. Leave out to create the zone in this stack.",
        examples=["Z0123456789ABCDEFGHIJ"],
    )

    summary = "Route 53 hosted zone (existing or created)"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "HostedZone"

    @property
    def zone_id(self) -> Any:
        return self.hosted_zone_id if self.hosted_zone_id else Ref(self.logical_id)

    def build(self, ctx: BuildContext) -> None:
        if self.hosted_zone_id:
            return  # an existing zone: records refer to it by ID; nothing to create
        zone = route53.HostedZone(
            self.logical_id,
            Name=self.domain,
            HostedZoneConfig=route53.HostedZoneConfiguration(
                Comment=self.description or f"{ctx.system} {ctx.stage_name}: {self.domain}"
            ),
        )
        ctx.add(self, zone)
        # Deleting a zone breaks the domain's delegation; it is kept like data is.
        ctx.protect(zone)
        ctx.output(
            self,
            pascal(self.id_name) + "NameServers",
            _join(",", GetAtt(zone, "NameServers")),
            f"Name servers of {self.domain}; delegate the domain to them at its registrar",
        )

    def cost(self, ctx: CostContext) -> list[LineItem]:
        if self.hosted_zone_id:
            return []  # the existing zone is billed where it was created
        return [
            ctx.item(self, self.logical_id, "hosted zone", "route53.hosted_zones", 1),
            ctx.item(
                self,
                self.logical_id,
                "DNS queries (alias queries to AWS resources are free)",
                "route53.queries",
                ctx.usage(self, "dns_queries_per_month") / 1e6,
            ),
        ]


def _join(sep: str, value: Any) -> Any:
    from troposphere import Join

    return Join(sep, value)


class CustomDomain(SpecModel):
    """A custom domain name for a distribution or API, in a hosted zone of the spec."""

    name: DomainName = Field(description="The fully qualified name.", examples=["wizard.flowency.build"])
    zone: str = Field(description="The dns_zone component the name is in.", examples=["zone"])
    certificate_arn: str | None = Field(
        None,
        description=(
            "An existing ACM certificate for the name. Leave out to create one validated by DNS in the zone. "
            "CloudFront needs one in us-east-1."
        ),
        examples=["arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"],
    )

    def references(self, path: tuple[Any, ...]) -> Iterator[Reference]:
        yield Reference((*path, "zone"), self.zone, ("dns_zone",), "dns_zone")

    def check(self, ctx: Any, path: tuple[Any, ...], *, for_cloudfront: bool) -> Iterator[tuple[tuple[Any, ...], str]]:
        zone = ctx.spec.components.get(self.zone)
        if isinstance(zone, DnsZone) and not (self.name == zone.domain or self.name.endswith("." + zone.domain)):
            yield (*path, "name"), f"{self.name!r} is not in the zone {zone.domain!r} of {self.zone!r}"
        if self.certificate_arn is not None:
            match = CERT_ARN.match(self.certificate_arn)
            if not match:
                yield (
                    (*path, "certificate_arn"),
                    ("not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)"),
                )
            elif for_cloudfront and match.group(1) != "us-east-1":
                yield (
                    (*path, "certificate_arn"),
                    (f"CloudFront only uses certificates in us-east-1; this one is in {match.group(1)}"),
                )
            elif not for_cloudfront and match.group(1) != ctx.region:
                yield (
                    (*path, "certificate_arn"),
                    (
                        f"a regional API needs a certificate in its own region ({ctx.region}); this one is in "
                        f"{match.group(1)}"
                    ),
                )
        elif for_cloudfront and ctx.region != "us-east-1":
            yield (
                (*path,),
                (
                    f"CloudFront only uses certificates in us-east-1, and this stage deploys to {ctx.region}: give "
                    "'certificate_arn' of a certificate for this name in us-east-1, or deploy the stage to us-east-1"
                ),
            )


def certificate(ctx: BuildContext, owner: Component, domain: CustomDomain, path: tuple[Any, ...]) -> Any:
    """The certificate ARN for ``domain``: the given one, or a new DNS-validated certificate."""
    if domain.certificate_arn:
        return domain.certificate_arn
    zone = ctx.component(domain.zone)
    assert isinstance(zone, DnsZone)
    cert = certificatemanager.Certificate(
        pascal(owner.id_name) + "Certificate",
        DomainName=domain.name,
        ValidationMethod="DNS",
        DomainValidationOptions=[
            certificatemanager.DomainValidationOption(DomainName=domain.name, HostedZoneId=zone.zone_id)
        ],
        KeyAlgorithm="RSA_2048",
        CertificateTransparencyLoggingPreference="ENABLED",
    )
    ctx.add(owner, cert, path)
    return Ref(cert)


def alias_records(
    ctx: BuildContext,
    owner: Component,
    domain: CustomDomain,
    target_dns: AWSHelperFn,
    target_zone: Any,
    path: tuple[Any, ...],
    *,
    ipv6: bool,
) -> None:
    zone = ctx.component(domain.zone)
    assert isinstance(zone, DnsZone)
    types: list[Literal["A", "AAAA"]] = ["A", "AAAA"] if ipv6 else ["A"]
    for record_type in types:
        ctx.add(
            owner,
            route53.RecordSetType(
                pascal(owner.id_name) + ("AliasRecord" if record_type == "A" else "AliasRecordIpv6"),
                HostedZoneId=zone.zone_id,
                Name=domain.name,
                Type=record_type,
                AliasTarget=route53.AliasTarget(
                    DNSName=target_dns, HostedZoneId=target_zone, EvaluateTargetHealth=False
                ),
            ),
            path,
        )


def api_domain(
    ctx: BuildContext, owner: Component, domain: CustomDomain, api_id: Any, stage: Any, path: tuple[Any, ...]
) -> None:
    """A regional API Gateway (v2) custom domain with TLS 1.2, mapped to ``stage``, and its alias record."""
    cert = certificate(ctx, owner, domain, path)
    name = apigatewayv2.DomainName(
        pascal(owner.id_name) + "DomainName",
        DomainName=domain.name,
        DomainNameConfigurations=[
            apigatewayv2.DomainNameConfiguration(CertificateArn=cert, EndpointType="REGIONAL", SecurityPolicy="TLS_1_2")
        ],
    )
    ctx.add(owner, name, path)
    ctx.add(
        owner,
        apigatewayv2.ApiMapping(pascal(owner.id_name) + "ApiMapping", ApiId=api_id, DomainName=Ref(name), Stage=stage),
        path,
    )
    alias_records(
        ctx,
        owner,
        domain,
        GetAtt(name, "RegionalDomainName"),
        GetAtt(name, "RegionalHostedZoneId"),
        path,
        ipv6=False,
    )


def domain_cost(ctx: CostContext, owner: Component, domain: CustomDomain | None) -> list[LineItem]:
    if domain is None:
        return []
    items = [ctx.item(owner, pascal(owner.id_name) + "AliasRecord", "alias record", "route53.records", 1)]
    if not domain.certificate_arn:
        items.append(
            ctx.item(owner, pascal(owner.id_name) + "Certificate", "public certificate", "acm.public_certificates", 1)
        )
    return items
