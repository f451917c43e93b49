"""Application Load Balancer: HTTPS in public subnets, HTTP redirected, path and host rules to services.

```yaml
web:
  kind: load_balancer
  network: main
  domain: {name: users.example.com, zone: zone}   # DNS-validated certificate + alias record
  # certificate_arn: arn:aws:acm:...               # or an existing certificate
  access_logs: logs                               # a log_bucket component
  routes:                                         # first match wins, in this order
    - {paths: ["/api/*"], service: backend}
    - {service: frontend}                         # everything else
```

Port 80 only redirects to HTTPS; the HTTPS listener uses a TLS 1.2+ policy. Each routed service gets
a target group (IP targets, the service's health check); its security group admits the load
balancer's group on the service's port only, and the load balancer's group may reach only those
ports. The load balancer's group is the one thing in a spec open to 0.0.0.0/0, on 80 and 443.
Invalid header fields are dropped; deletion protection is on when the stage retains resources.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from awacs import s3 as s3_actions
from awacs.aws import Allow, Principal, Statement
from pydantic import Field
from troposphere import AccountId, GetAtt, Join, Ref
from troposphere import elasticloadbalancingv2 as elb

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from . import _network
from .dns_zone import CERT_ARN, CustomDomain, alias_records, certificate, domain_cost

#: TLS policies an HTTPS listener may use: TLS 1.2 or newer only.
SSL_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
)

#: The Elastic Load Balancing account that writes access logs in each region older than August 2022
#: (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
#: Newer regions use the log-delivery service principal instead.
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "ca-central-1": "985666609251",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-south-1": "718504428378",
    "sa-east-1": "507241528517",
}

#: An ALB rule may hold at most five condition values in all.
MAX_CONDITION_VALUES = 5


class Route(SpecModel):
    """Requests matching these paths and hosts go to the service; with neither, everything else does."""

    service: str = Field(description="The service component that receives the requests.", examples=["backend"])
    paths: list[str] = Field(
        default_factory=list,
        description="Path patterns (* and ? wildcards); any of them matches.",
        examples=[["/api/*"]],
    )
    hosts: list[str] = Field(
        default_factory=list,
        description="Host names (* and ? wildcards); any of them matches.",
        examples=[["api.example.com"]],
    )


@dataclass(frozen=True)
class Target:
    """How a service is attached to one load balancer."""

    load_balancer_id: str
    target_group_id: str
    depends_on: tuple[str, ...]


class LoadBalancer(Component):
    """A public (or internal) Application Load Balancer in front of ECS services."""

    kind: Literal["load_balancer"] = "load_balancer"
    network: str = Field(
        description="The network component; the load balancer uses its public subnets.", examples=["main"]
    )
    internal: bool = Field(
        False, description="An internal load balancer (private subnets, reachable only inside the network)."
    )
    domain: CustomDomain | None = Field(
        None,
        description="Custom domain: a DNS-validated certificate (unless certificate_arn is given) and an alias record.",
    )
    certificate_arn: str | None = Field(
        None,
        description="An existing ACM certificate in the stage's region (when no 'domain' is given).",
        examples=["arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"],
    )
    ssl_policy: Literal[SSL_POLICIES] = Field(  # type: ignore[valid-type]
        "ELBSecurityPolicy-TLS13-1-2-2021-06", description="TLS policy of the HTTPS listener (TLS 1.2 or newer)."
    )
    routes: list[Route] = Field(
        description="Where requests go, first match first; at most one route without paths and hosts (the default).",
        min_length=1,
        max_length=100,
    )
    access_logs: str | Literal[False] = Field(
        description=(
            "A log_bucket component that receives the access logs (under alb/<name>/), or false to turn access "
            "logging off (explicitly)."
        ),
        examples=["logs"],
    )
    idle_timeout_seconds: int = Field(60, ge=1, le=4000, description="Idle connection timeout.")
    deregistration_delay_seconds: int = Field(
        30, ge=0, le=3600, description="Seconds a stopping task keeps serving in-flight requests."
    )

    summary = "Application Load Balancer (HTTPS, redirect, path/host routes, access logs)"
    diagram_group = "edge"

    # -- names ---------------------------------------------------------------------------------------
    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "LoadBalancer"

    @property
    def https_listener_id(self) -> str:
        return pascal(self.id_name) + "HttpsListener"

    def target_group_id(self, service: Component) -> str:
        return pascal(self.id_name) + pascal(service.id_name) + "TargetGroup"

    def rule_id(self, index: int) -> str:
        route = self.routes[index]
        same = [i for i, r in enumerate(self.routes) if r.service == route.service and (r.paths or r.hosts)]
        suffix = "" if len(same) == 1 else str(same.index(index) + 1)
        return pascal(self.id_name) + pascal(route.service) + "Rule" + suffix

    def routed_services(self) -> list[str]:
        return sorted({r.service for r in self.routes})

    # -- checks ---------------------------------------------------------------------------------------
    def references(self) -> Iterator[Reference]:
        yield Reference(("network",), self.network, ("network",), "network")
        for index, route in enumerate(self.routes):
            yield Reference(("routes", index, "service"), route.service, ("service",), "service")
        if isinstance(self.access_logs, str):
            yield Reference(("access_logs",), self.access_logs, ("log_bucket",), "log bucket")
        if self.domain is not None:
            yield from self.domain.references(("domain",))

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        if self.domain is None and self.certificate_arn is None:
            yield (
                (),
                "an HTTPS listener needs a certificate: give 'domain' (a certificate is created) or 'certificate_arn'",
            )
        if self.domain is not None and self.certificate_arn is not None:
            yield ("certificate_arn",), "give the certificate as domain.certificate_arn, or leave 'domain' out"
        if self.domain is not None:
            yield from self.domain.check(ctx, ("domain",), for_cloudfront=False)
        if self.certificate_arn is not None:
            match = CERT_ARN.match(self.certificate_arn)
            if not match:
                yield (
                    ("certificate_arn",),
                    "not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
                )
            elif match.group(1) != ctx.region:
                yield (
                    ("certificate_arn",),
                    f"a load balancer needs a certificate in its own region ({ctx.region}); this one is in "
                    f"{match.group(1)}",
                )
        network = ctx.spec.components.get(self.network)
        if network is not None and network.kind_name == "network":
            if not self.internal and "public" not in network.tiers():
                yield (
                    ("network",),
                    f"network {self.network!r} has no public subnets for an internet-facing load balancer",
                )
            if network.availability_zones < 2:
                yield ("network",), f"a load balancer needs subnets in two availability zones; {self.network!r} has one"
        yield from self._check_routes(ctx)

    def _check_routes(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        seen: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
        for index, route in enumerate(self.routes):
            here = ("routes", index)
            for field in ("paths", "hosts"):
                values = getattr(route, field)
                for j, value in enumerate(values):
                    if field == "paths" and not (value.startswith("/") and len(value) <= 128 and " " not in value):
                        yield (*here, field, j), f"{value!r} is not a path pattern like '/api/*'"
                    if field == "hosts" and not (0 < len(value) <= 128 and " " not in value and "/" not in value):
                        yield (*here, field, j), f"{value!r} is not a host name like 'api.example.com'"
                if len(set(values)) != len(values):
                    yield (*here, field), "a value is listed twice"
            if len(route.paths) + len(route.hosts) > MAX_CONDITION_VALUES:
                yield here, f"a load balancer rule matches at most {MAX_CONDITION_VALUES} paths and hosts in all"
            key = (tuple(sorted(route.hosts)), tuple(sorted(route.paths)))
            if key in seen:
                first = seen[key]
                other = self.routes[first].service
                what = "everything else" if key == ((), ()) else _describe(route)
                yield (
                    here,
                    f"route clash: {what} already goes to service {other!r} (routes[{first}]); the listener "
                    f"could never send these requests to {route.service!r}",
                )
            seen.setdefault(key, index)
            service = ctx.spec.components.get(route.service)
            if service is None or service.kind_name != "service":
                continue
            if service.port is None:
                yield (*here, "service"), f"service {route.service!r} has no 'port' to send requests to"
            theirs = getattr(service, "network", None)
            if theirs != self.network:
                yield (
                    (*here, "service"),
                    f"service {route.service!r} runs in network {theirs!r}, outside this load balancer's network "
                    f"{self.network!r}; a load balancer reaches only services in its own network",
                )
        for service_name in self.routed_services():
            ports = {ctx.spec.components[service_name].port} if service_name in ctx.spec.components else set()
            if len(ports) > 1:  # pragma: no cover - one service has one port
                yield ("routes",), f"service {service_name!r} is routed on several ports"

    # -- build ---------------------------------------------------------------------------------------
    def _tier(self) -> str:
        return "private" if self.internal else "public"

    def build(self, ctx: BuildContext) -> None:
        network = ctx.component(self.network)
        _network.security_group(ctx, self, "load balancer")
        if not self.internal:
            _network.public_ingress(ctx, self)
        services = [ctx.component(name) for name in self.routed_services()]
        for service in services:
            _network.allow(ctx, self, service, service.port, f"HTTP port {service.port}")

        attributes = {
            "deletion_protection.enabled": str(ctx.protected).lower(),
            "routing.http.drop_invalid_header_fields.enabled": "true",
            "routing.http.desync_mitigation_mode": "defensive",
            "routing.http2.enabled": "true",
            "idle_timeout.timeout_seconds": str(self.idle_timeout_seconds),
            "access_logs.s3.enabled": "true" if isinstance(self.access_logs, str) else "false",
        }
        depends_on = []
        if isinstance(self.access_logs, str):
            log_bucket = ctx.component(self.access_logs)
            attributes["access_logs.s3.bucket"] = Ref(log_bucket.logical_id)
            attributes["access_logs.s3.prefix"] = self._log_prefix()
            # The load balancer checks it may write before it turns logging on.
            depends_on.append(pascal(log_bucket.id_name) + "BucketPolicy")
        balancer = elb.LoadBalancer(
            self.logical_id,
            Type="application",
            Scheme="internal" if self.internal else "internet-facing",
            IpAddressType="ipv4",
            Subnets=network.subnet_refs(self._tier()),
            SecurityGroups=[GetAtt(_network.security_group_id(self), "GroupId")],
            LoadBalancerAttributes=[elb.LoadBalancerAttributes(Key=k, Value=v) for k, v in sorted(attributes.items())],
        )
        if depends_on:
            balancer.DependsOn = depends_on
        if self.access_logs is False:
            from ._network import checkov_skip

            checkov_skip(balancer, "CKV_AWS_91", "access_logs: false in the spec")
        ctx.add(self, balancer)

        for service in services:
            ctx.add(self, self._target_group(ctx, network, service), ("routes",))

        ctx.add(
            self,
            elb.Listener(
                pascal(self.id_name) + "HttpListener",
                LoadBalancerArn=Ref(balancer),
                Port=80,
                Protocol="HTTP",
                DefaultActions=[
                    elb.Action(
                        Type="redirect",
                        RedirectConfig=elb.RedirectConfig(
                            Protocol="HTTPS",
                            Port="443",
                            Host="#{host}",
                            Path="/#{path}",
                            Query="#{query}",
                            StatusCode="HTTP_301",
                        ),
                    )
                ],
            ),
        )
        if self.domain is not None:
            cert: Any = certificate(ctx, self, self.domain, ("domain",))
        else:
            cert = self.certificate_arn
        default = next((r for r in self.routes if not (r.paths or r.hosts)), None)
        if default is not None:
            default_action = elb.Action(
                Type="forward", TargetGroupArn=Ref(self.target_group_id(ctx.component(default.service)))
            )
        else:
            default_action = elb.Action(
                Type="fixed-response",
                FixedResponseConfig=elb.FixedResponseConfig(
                    StatusCode="404", ContentType="text/plain", MessageBody="Not Found"
                ),
            )
        ctx.add(
            self,
            elb.Listener(
                self.https_listener_id,
                LoadBalancerArn=Ref(balancer),
                Port=443,
                Protocol="HTTPS",
                SslPolicy=self.ssl_policy,
                Certificates=[elb.Certificate(CertificateArn=cert)],
                DefaultActions=[default_action],
            ),
        )
        for index, route in enumerate(self.routes):
            if not (route.paths or route.hosts):
                continue
            conditions = []
            if route.hosts:
                conditions.append(
                    elb.Condition(Field="host-header", HostHeaderConfig=elb.HostHeaderConfig(Values=route.hosts))
                )
            if route.paths:
                conditions.append(
                    elb.Condition(Field="path-pattern", PathPatternConfig=elb.PathPatternConfig(Values=route.paths))
                )
            ctx.add(
                self,
                elb.ListenerRule(
                    self.rule_id(index),
                    ListenerArn=Ref(self.https_listener_id),
                    Priority=index + 1,
                    Conditions=conditions,
                    Actions=[
                        elb.ListenerRuleAction(
                            Type="forward", TargetGroupArn=Ref(self.target_group_id(ctx.component(route.service)))
                        )
                    ],
                ),
                ("routes", index),
            )
        if self.domain is not None:
            alias_records(
                ctx,
                self,
                self.domain,
                GetAtt(balancer, "DNSName"),
                GetAtt(balancer, "CanonicalHostedZoneID"),
                ("domain",),
                ipv6=False,
            )
        url = f"https://{self.domain.name}" if self.domain else Join("", ["https://", GetAtt(balancer, "DNSName")])
        ctx.output(self, pascal(self.id_name) + "Url", url, f"URL of the {self.name} load balancer")

    def _log_prefix(self) -> str:
        return f"alb/{self.id_name}"

    def _target_group(self, ctx: BuildContext, network: Any, service: Any) -> elb.TargetGroup:
        check = service.health_check
        return elb.TargetGroup(
            self.target_group_id(service),
            TargetType="ip",
            Protocol="HTTP",
            ProtocolVersion="HTTP1",
            Port=service.port,
            VpcId=Ref(network.vpc_id),
            HealthCheckEnabled=True,
            HealthCheckProtocol="HTTP",
            HealthCheckPath=check.path,
            HealthCheckIntervalSeconds=check.interval_seconds,
            HealthCheckTimeoutSeconds=check.timeout_seconds,
            HealthyThresholdCount=check.healthy_threshold,
            UnhealthyThresholdCount=check.unhealthy_threshold,
            Matcher=elb.Matcher(HttpCode=check.matcher),
            TargetGroupAttributes=[
                elb.TargetGroupAttribute(
                    Key="deregistration_delay.timeout_seconds", Value=str(self.deregistration_delay_seconds)
                )
            ],
        )

    def targets(self, ctx: Any, service: Component) -> list[Target]:
        """How ``service`` is attached here (empty if no route goes to it)."""
        if service.name not in self.routed_services():
            return []
        depends = (
            [self.https_listener_id]
            if any(r.service == service.name and not (r.paths or r.hosts) for r in self.routes)
            else []
        )
        depends += [
            self.rule_id(i) for i, r in enumerate(self.routes) if r.service == service.name and (r.paths or r.hosts)
        ]
        return [Target(self.logical_id, self.target_group_id(service), tuple(depends))]

    # -- hooks -----------------------------------------------------------------------------------------
    def bucket_statements(self, ctx: BuildContext, bucket: str) -> list[Any]:
        """The access-log bucket lets Elastic Load Balancing write this load balancer's logs, and only those."""
        if bucket != self.access_logs:
            return []
        log_bucket = ctx.component(bucket)
        account = ELB_LOG_ACCOUNTS.get(ctx.region)
        principal = (
            Principal("AWS", f"arn:aws:iam::{account}:root")
            if account
            else Principal("Service", "logdelivery.elasticloadbalancing.amazonaws.com")
        )
        return [
            Statement(
                Sid=pascal(self.id_name) + "AccessLogs",
                Effect=Allow,
                Principal=principal,
                Action=[s3_actions.PutObject],
                Resource=[
                    Join(
                        "",
                        [GetAtt(log_bucket.logical_id, "Arn"), f"/{self._log_prefix()}/AWSLogs/", AccountId, "/*"],
                    )
                ],
            )
        ]

    def web_acl_target(self, ctx: BuildContext) -> Any:
        """What a regional WAF web ACL is associated with: the load balancer's ARN."""
        return Ref(self.logical_id)

    web_acl_scope = "REGIONAL"

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"LoadBalancer": GetAtt(self.logical_id, "LoadBalancerFullName")}
        return {
            "5xx": Metric(
                "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", dims, "Sum", "5xx responses from the load balancer"
            ),
            "target_5xx": Metric(
                "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims, "Sum", "5xx responses from the services"
            ),
            "4xx": Metric(
                "AWS/ApplicationELB", "HTTPCode_ELB_4XX_Count", dims, "Sum", "4xx responses from the load balancer"
            ),
            "requests": Metric("AWS/ApplicationELB", "RequestCount", dims, "Sum", "requests"),
            "response_time": Metric(
                "AWS/ApplicationELB", "TargetResponseTime", dims, "Average", "average response time (s)"
            ),
            "rejected_connections": Metric(
                "AWS/ApplicationELB", "RejectedConnectionCount", dims, "Sum", "connections rejected at capacity"
            ),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        hours = ctx.usage(self, "hours_per_month")
        lcus = ctx.usage(self, "load_balancer_lcus")
        items = [
            ctx.item(self, self.logical_id, "load balancer hours", "elb.alb_hours", hours),
            ctx.item(
                self, self.logical_id, f"capacity units ({lcus:g} LCU average)", "elb.alb_lcu_hours", lcus * hours
            ),
        ]
        if not self.internal:
            network = ctx.spec.components.get(self.network)
            zones = getattr(network, "availability_zones", 2)
            items.append(
                ctx.item(
                    self,
                    self.logical_id,
                    f"public IPv4 addresses (one per zone x {zones})",
                    "vpc.public_ipv4_hours",
                    zones * hours,
                )
            )
            items.append(
                ctx.item(
                    self,
                    self.logical_id,
                    "data transfer out to the internet",
                    "transfer.internet_out_gb",
                    ctx.usage(self, "data_transfer_gb"),
                )
            )
        items += domain_cost(ctx, self, self.domain)
        return items


def routes_to(ctx: Any, service: Component) -> list[Target]:
    """Every load balancer attachment of ``service`` in the spec, in load balancer name order."""
    out: list[Target] = []
    for name in sorted(ctx.spec.components):
        component = ctx.spec.components[name]
        if isinstance(component, LoadBalancer):
            out += component.targets(ctx, service)
    return out


def _describe(route: Route) -> str:
    parts = []
    if route.hosts:
        parts.append("hosts " + ", ".join(route.hosts))
    if route.paths:
        parts.append("paths " + ", ".join(route.paths))
    return " and ".join(parts)
