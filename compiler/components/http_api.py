"""API Gateway HTTP API: routes to functions, a Cognito JWT authorizer, CORS, throttling, access logs.

```yaml
api:
  kind: http_api
  authorizer: {auth: auth}            # JWT from the auth component's web client; routes are private
  cors:
    origins: ["https://app.bubblebatch.com"]
  throttle: {rate: 1000, burst: 2000}
  routes:
    "POST /auth/login": {function: handle-auth, public: true}
    "GET /batches": handle-batches
    "GET /batches/{id}": handle-batches
```

Routes are ``"METHOD /path"`` with path parameters written ``{id}`` (``{proxy+}`` for a greedy last
segment). Every route needs the authorizer unless it says ``public: true``; an API without an
authorizer must mark every route public, so nothing is open by accident. Each function gets one
``AWS_PROXY`` integration (payload format 2.0) and one ``lambda:InvokeFunction`` permission scoped to
this API. The ``$default`` stage deploys automatically, throttles every route and writes JSON access
logs to its own log group (the stage's retention; ``kms_key`` encrypts them with a key component). A
``domain`` (usually set in a stage overlay) adds a regional custom domain with TLS 1.2, its
certificate (given, or created with DNS validation) and an alias record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from troposphere import GetAtt, Join, Ref, apigatewayv2, certificatemanager, route53

from ..base import NAME_PATTERN, SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from . import _apigateway, _service_roles
from .bucket import _origin_problem

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
_LITERAL_SEGMENT = re.compile(r"^[A-Za-z0-9._~@!$&'()*,;=-]+$")
_PARAM_SEGMENT = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CERT_ARN = re.compile(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[0-9a-f-]+$")
_ZONE_ID = re.compile(r"^Z[A-Z0-9]{4,31}$")

#: The one stage every HTTP API of specc has.
STAGE_NAME = "$default"
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "requestTime": "$context.requestTime",
        "ip": "$context.identity.sourceIp",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "latency": "$context.responseLatency",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
        "authorizerError": "$context.authorizer.error",
        "user": "$context.authorizer.claims.sub",
    },
    separators=(",", ":"),
)


def parse_route_key(key: str) -> tuple[str, list[str]]:
    """``"GET /batches/{id}"`` -> ``("GET", ["batches", "{id}"])``; raises ValueError explaining the fix."""
    if key == "$default":
        return "$default", []
    method, _, path = key.partition(" ")
    if not path:
        raise ValueError(f"route {key!r} must be 'METHOD /path', e.g. 'GET /batches/{{id}}' (or '$default')")
    if method.upper() in METHODS and method != method.upper():
        raise ValueError(f"write the method in upper case: {method.upper() + ' ' + path!r}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} in route {key!r}; methods are: {', '.join(METHODS)}")
    if path != path.strip() or " " in path:
        raise ValueError(f"route {key!r} has extra spaces; write 'METHOD /path'")
    if not path.startswith("/"):
        raise ValueError(f"path of route {key!r} must start with '/'")
    if path == "/":
        return method, []
    segments = path[1:].split("/")
    if any(s.startswith(":") for s in segments):
        fixed = "/" + "/".join("{" + s[1:] + "}" if s.startswith(":") else s for s in segments)
        bad = next(s for s in segments if s.startswith(":"))
        raise ValueError(
            f"path parameters are written in braces: {bad!r} is '{{{bad[1:]}}}', so the route is "
            f"{method + ' ' + fixed!r}"
        )
    for index, segment in enumerate(segments):
        if not segment:
            raise ValueError(f"route {key!r} has an empty path segment (a '//' or a trailing '/')")
        param = _PARAM_SEGMENT.match(segment)
        if param:
            if param.group(2) and index != len(segments) - 1:
                raise ValueError(f"greedy parameter {segment!r} must be the last segment of route {key!r}")
            continue
        if "{" in segment or "}" in segment:
            raise ValueError(
                f"segment {segment!r} of route {key!r} must be either literal text or one whole parameter like '{{id}}'"
            )
        if not _LITERAL_SEGMENT.match(segment):
            raise ValueError(f"segment {segment!r} of route {key!r} has characters a URL path cannot hold")
    return method, segments


def _check_route_key(key: str) -> str:
    parse_route_key(key)
    return key


RouteKey = Annotated[str, AfterValidator(_check_route_key)]


class Route(SpecModel):
    """Where a route goes and who may call it."""

    function: str = Field(description="The function that handles the route.", examples=["handle-batches"])
    public: bool = Field(
        False, description="Anyone may call this route without a token (skips the authorizer). Must be explicit."
    )


class JwtAuthorizer(SpecModel):
    """Tokens of an auth component's app clients, checked by API Gateway before a private route runs."""

    auth: str = Field(description="The auth component that issues the tokens.", examples=["auth"])
    clients: list[Annotated[str, Field(pattern=NAME_PATTERN)]] = Field(
        default_factory=list,
        description="App clients whose tokens are accepted (the audience). Default: the pool's `web` client, or "
        "its only one.",
        examples=[["web"], ["web", "api"]],
    )


class ApiCors(SpecModel):
    """Cross-origin rules, so browsers may call the API from other origins."""

    origins: list[str] = Field(
        min_length=1,
        description="Allowed origins.",
        examples=[["https://app.bubblebatch.com", "http://localhost:3000"]],
    )
    methods: list[Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"]] = Field(
        default_factory=lambda: ["GET", "POST", "PUT", "PATCH", "DELETE"],
        min_length=1,
        description="Allowed methods.",
    )
    headers: list[str] = Field(
        default_factory=lambda: ["authorization", "content-type"], description="Request headers browsers may send."
    )
    expose_headers: list[str] = Field(
        default_factory=list, description="Response headers browsers may read.", examples=[["x-request-id"]]
    )
    max_age_seconds: int = Field(600, ge=0, le=86400, description="How long browsers may cache a preflight response.")
    allow_credentials: bool = Field(False, description="Let browsers send cookies (not allowed with origin '*').")


class Throttle(SpecModel):
    """Request limits of every route of the stage."""

    rate: float = Field(100, gt=0, le=10000, description="Steady-state requests per second.", examples=[1000])
    burst: int = Field(200, ge=1, le=5000, description="Requests allowed in a burst above the rate.", examples=[2000])


class ApiDomain(SpecModel):
    """A custom domain name for the API (regional endpoint, TLS 1.2)."""

    name: str = Field(description="The domain name.", examples=["api.bubblebatch.com"])
    certificate_arn: str | None = Field(
        None,
        description="An ACM certificate for the name, in the stage's region. Unset: a certificate is created and "
        "validated by DNS in hosted_zone_id.",
        examples=["arn:aws:acm:us-east-1:123456789012:certificate/1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901"],
    )
    hosted_zone_id: str | None = Field(
        None,
        description="Route 53 hosted zone of the name: validates a created certificate and holds the alias record.",
        examples=["Z0123456789ABCDEFGHIJ"],
    )
    dns_record: bool | None = Field(
        None,
        description="Create the alias record in hosted_zone_id. Default: yes when hosted_zone_id is given.",
        examples=[False],
    )

    @property
    def creates_record(self) -> bool:
        return self.hosted_zone_id is not None if self.dns_record is None else self.dns_record


class HttpApi(Component):
    """An API Gateway HTTP API in front of functions."""

    kind: Literal["http_api"] = "http_api"
    routes: dict[RouteKey, str | Route] = Field(
        min_length=1,
        description="Routes by 'METHOD /path' ({id} for parameters): a function name, or {function, public}.",
        examples=[
            {"GET /batches/{id}": "handle-batches", "POST /auth/login": {"function": "handle-auth", "public": True}}
        ],
    )
    authorizer: JwtAuthorizer | None = Field(None, description="JWT authorizer for every route not marked public.")
    cors: ApiCors | None = Field(None, description="CORS settings (API Gateway answers preflight requests).")
    throttle: Throttle = Field(default_factory=Throttle, description="Throttling of the $default stage.")
    domain: ApiDomain | None = Field(
        None, description="Custom domain; usually set only on the stage that has one, in the stage's overlay."
    )
    kms_key: str | None = Field(
        None,
        description="A key component to encrypt the access logs with (CloudWatch Logs encrypts them with its own "
        "keys otherwise, which the spec accepts with its reason: security.accept.CKV_AWS_158).",
        examples=["logs-key"],
    )

    summary = "API Gateway HTTP API with JWT authorizer"
    diagram_group = "api"

    # -- names --------------------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return pascal(self.id_name)

    @property
    def logical_id(self) -> str:
        return self.prefix + "HttpApi"

    def log_group_name(self, ctx: Any) -> str:
        return _service_roles.log_group_name(ctx, f"{self.id_name}/access")

    def route(self, key: str) -> Route:
        value = self.routes[key]
        return Route(function=value) if isinstance(value, str) else value

    def route_logical_id(self, key: str) -> str:
        method, segments = parse_route_key(key)
        words = [method.title() if method != "$default" else "Default"]
        for segment in segments:
            param = _PARAM_SEGMENT.match(segment)
            words.append("By" + pascal(param.group(1)) if param else pascal(re.sub(r"[^A-Za-z0-9]+", "-", segment)))
        return self.prefix + "".join(words) + "Route"

    def functions(self) -> list[str]:
        """Functions behind the routes, in first-use order."""
        seen: dict[str, None] = {}
        for key in self.routes:
            seen.setdefault(self.route(key).function, None)
        return list(seen)

    def _auth(self, spec: Any) -> Any:
        from .auth import Auth

        if self.authorizer is None:
            return None
        target = spec.components.get(self.authorizer.auth)
        return target if isinstance(target, Auth) else None

    def audience(self, spec: Any) -> list[str]:
        auth = self._auth(spec)
        if auth is None or self.authorizer is None:
            return []
        return list(self.authorizer.clients) or [auth.default_client]

    # -- references and rules -----------------------------------------------------------------
    def references(self) -> Iterator[Reference]:
        for key, value in self.routes.items():
            path = ("routes", key) if isinstance(value, str) else ("routes", key, "function")
            yield Reference(path, self.route(key).function, ("function",), "function")
        if self.authorizer is not None:
            yield Reference(("authorizer", "auth"), self.authorizer.auth, ("auth",), "auth component")
        if self.kms_key is not None:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        return _service_roles.log_key_statements(
            ctx, self.kms_key, key, self.prefix + "AccessLogs", [self.log_group_name(ctx)]
        )

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        seen: dict[tuple[str, tuple[str, ...]], str] = {}
        for key in self.routes:
            method, segments = parse_route_key(key)
            shape = (method, tuple("{}" if _PARAM_SEGMENT.match(s) else s for s in segments))
            if shape in seen:
                yield (
                    ("routes", key),
                    f"same route as {seen[shape]!r}: API Gateway cannot tell them apart (parameter names do not count)",
                )
            else:
                seen[shape] = key
            if not self.route(key).public and self.authorizer is None:
                yield (
                    ("routes", key),
                    "this route would be open to anyone: add an authorizer to the API, or mark the route public: true",
                )
        auth = self._auth(ctx.spec)
        if auth is not None and self.authorizer is not None:
            for index, client in enumerate(self.authorizer.clients):
                if client not in auth.clients:
                    yield (
                        ("authorizer", "clients", index),
                        f"auth component {self.authorizer.auth!r} has no client {client!r} "
                        f"(clients: {', '.join(auth.clients)})",
                    )
        if self.cors is not None:
            for index, origin in enumerate(self.cors.origins):
                problem = _origin_problem(origin)
                if problem:
                    yield ("cors", "origins", index), problem
            if self.cors.allow_credentials and "*" in self.cors.origins:
                yield ("cors", "allow_credentials"), "cannot be true when origins include '*'; list the origins"
        if self.domain is not None:
            yield from self._domain_problems(ctx)

    def _domain_problems(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        domain = self.domain
        assert domain is not None
        if not _DOMAIN.match(domain.name):
            yield ("domain", "name"), f"{domain.name!r} is not a domain name (lower-case, like api.example.com)"
        if domain.certificate_arn is not None:
            match = _CERT_ARN.match(domain.certificate_arn)
            if not match:
                yield (
                    ("domain", "certificate_arn"),
                    "must be an ACM certificate ARN like arn:aws:acm:us-east-1:123456789012:certificate/<id>",
                )
            elif match.group(1) != ctx.region:
                yield (
                    ("domain", "certificate_arn"),
                    f"the certificate is in {match.group(1)}, but a regional API domain needs one in {ctx.region}",
                )
        elif domain.hosted_zone_id is None:
            yield (
                ("domain",),
                "give certificate_arn, or hosted_zone_id so specc can create a DNS-validated certificate",
            )
        if domain.hosted_zone_id is not None and not _ZONE_ID.match(domain.hosted_zone_id):
            yield ("domain", "hosted_zone_id"), "must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ"
        if domain.dns_record is True and domain.hosted_zone_id is None:
            yield (
                ("domain", "dns_record"),
                "needs hosted_zone_id (or set dns_record: false and add the record yourself)",
            )

    # -- build --------------------------------------------------------------------------------
    def build(self, ctx: BuildContext) -> None:
        from .function import Function

        api = apigatewayv2.Api(
            self.logical_id,
            Name=ctx.physical_name(self.id_name),
            ProtocolType="HTTP",
            Description=self.description or f"{ctx.system} {ctx.stage_name}: {self.name}",
        )
        if self.cors is not None:
            cors = self.cors
            api.CorsConfiguration = apigatewayv2.Cors(
                AllowOrigins=list(cors.origins),
                AllowMethods=list(cors.methods),
                AllowHeaders=list(cors.headers),
                MaxAge=cors.max_age_seconds,
                AllowCredentials=cors.allow_credentials,
            )
            if cors.expose_headers:
                api.CorsConfiguration.ExposeHeaders = list(cors.expose_headers)
        ctx.add(self, api)

        authorizer_id = None
        auth = self._auth(ctx.spec)
        if auth is not None:
            authorizer = apigatewayv2.Authorizer(
                self.prefix + "Authorizer",
                ApiId=Ref(api),
                Name=f"{self.name}-jwt",
                AuthorizerType="JWT",
                IdentitySource=["$request.header.Authorization"],
                JwtConfiguration=apigatewayv2.JWTConfiguration(
                    Issuer=auth.issuer(), Audience=[Ref(auth.client_id(c)) for c in self.audience(ctx.spec)]
                ),
            )
            ctx.add(self, authorizer, ("authorizer",))
            authorizer_id = Ref(authorizer)

        integrations: dict[str, str] = {}
        for function_name in self.functions():
            function = ctx.component(function_name)
            assert isinstance(function, Function)
            integration = apigatewayv2.Integration(
                self.prefix + pascal(function_name) + "Integration",
                ApiId=Ref(api),
                IntegrationType="AWS_PROXY",
                IntegrationUri=GetAtt(function.logical_id, "Arn"),
                PayloadFormatVersion="2.0",
                TimeoutInMillis=min(30000, function.timeout * 1000 + 1000),
            )
            ctx.add(self, integration, ("routes",))
            integrations[function_name] = integration.title
            ctx.add(
                self,
                _apigateway.invoke_permission(
                    self.prefix + pascal(function_name) + "Permission",
                    function.logical_id,
                    _apigateway.execute_api_arn(api.title, "*"),
                ),
                ("routes",),
            )

        for key in self.routes:
            route = self.route(key)
            resource = apigatewayv2.Route(
                self.route_logical_id(key),
                ApiId=Ref(api),
                RouteKey=key,
                Target=Join("/", ["integrations", Ref(integrations[route.function])]),
            )
            if route.public or authorizer_id is None:
                resource.AuthorizationType = "NONE"
            else:
                resource.AuthorizationType = "JWT"
                resource.AuthorizerId = authorizer_id
            ctx.add(self, resource, ("routes", key))

        log_group = _service_roles.log_group(
            ctx, self.prefix + "AccessLogGroup", self.log_group_name(ctx), self.kms_key
        )
        ctx.add(self, log_group, ("kms_key",) if self.kms_key else ())
        stage = apigatewayv2.Stage(
            self.prefix + "Stage",
            ApiId=Ref(api),
            StageName=STAGE_NAME,
            AutoDeploy=True,
            DefaultRouteSettings=apigatewayv2.RouteSettings(
                ThrottlingRateLimit=_number(self.throttle.rate),
                ThrottlingBurstLimit=self.throttle.burst,
                DetailedMetricsEnabled=False,
            ),
            AccessLogSettings=apigatewayv2.AccessLogSettings(
                DestinationArn=GetAtt(log_group, "Arn"), Format=ACCESS_LOG_FORMAT
            ),
        )
        ctx.add(self, stage, ("throttle",))
        ctx.output(self, self.prefix + "Url", GetAtt(api, "ApiEndpoint"), f"Base URL of the {self.name} API")
        if self.domain is not None:
            self._build_domain(ctx, api, stage)

    def _build_domain(self, ctx: BuildContext, api: apigatewayv2.Api, stage: apigatewayv2.Stage) -> None:
        domain = self.domain
        assert domain is not None
        where = ("domain",)
        certificate: Any = domain.certificate_arn
        if certificate is None:
            cert = certificatemanager.Certificate(
                self.prefix + "Certificate",
                DomainName=domain.name,
                ValidationMethod="DNS",
                DomainValidationOptions=[
                    certificatemanager.DomainValidationOption(
                        DomainName=domain.name, HostedZoneId=domain.hosted_zone_id
                    )
                ],
            )
            ctx.add(self, cert, where)
            certificate = Ref(cert)
        name = apigatewayv2.DomainName(
            self.prefix + "DomainName",
            DomainName=domain.name,
            DomainNameConfigurations=[
                apigatewayv2.DomainNameConfiguration(
                    CertificateArn=certificate, EndpointType="REGIONAL", SecurityPolicy="TLS_1_2"
                )
            ],
        )
        ctx.add(self, name, where)
        ctx.add(
            self,
            apigatewayv2.ApiMapping(self.prefix + "ApiMapping", ApiId=Ref(api), DomainName=Ref(name), Stage=Ref(stage)),
            where,
        )
        if domain.creates_record and domain.hosted_zone_id:
            ctx.add(
                self,
                route53.RecordSetType(
                    self.prefix + "DnsRecord",
                    HostedZoneId=domain.hosted_zone_id,
                    Name=domain.name,
                    Type="A",
                    AliasTarget=route53.AliasTarget(
                        DNSName=GetAtt(name, "RegionalDomainName"),
                        HostedZoneId=GetAtt(name, "RegionalHostedZoneId"),
                        EvaluateTargetHealth=False,
                    ),
                ),
                where,
            )
        ctx.output(
            self, self.prefix + "DomainUrl", f"https://{domain.name}", f"Custom domain URL of the {self.name} API"
        )

    # -- metrics and cost ---------------------------------------------------------------------
    def metrics(self, ctx: Any) -> dict[str, Metric]:
        dims = {"ApiId": Ref(self.logical_id), "Stage": STAGE_NAME}
        return {
            "5xx": Metric("AWS/ApiGateway", "5xx", dims, "Sum", "server (5xx) errors"),
            "4xx": Metric("AWS/ApiGateway", "4xx", dims, "Sum", "client (4xx) errors"),
            "latency": Metric("AWS/ApiGateway", "Latency", dims, "p99", "p99 latency (ms)"),
            "integration_latency": Metric(
                "AWS/ApiGateway", "IntegrationLatency", dims, "p99", "p99 integration latency (ms)"
            ),
            "requests": Metric("AWS/ApiGateway", "Count", dims, "Sum", "requests"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        requests = ctx.usage(self, "requests_per_month")
        items = [
            ctx.item(self, self.logical_id, "HTTP API requests", "apigateway.http_requests", requests / 1e6),
            *ctx.log_items(self, self.prefix + "AccessLogGroup", "access logs", events=requests),
        ]
        if self.domain is not None and self.domain.certificate_arn is None:
            items.append(
                ctx.item(self, self.prefix + "Certificate", "public TLS certificate", "acm.public_certificates", 1)
            )
        if self.domain is not None and self.domain.creates_record and self.domain.hosted_zone_id:
            items.append(
                ctx.item(
                    self,
                    self.prefix + "DnsRecord",
                    "alias queries to the API domain",
                    "route53.alias_queries",
                    requests / 1e6,
                )
            )
        return items


def _number(value: float) -> float | int:
    """1000.0 -> 1000, so templates read the way the spec was written."""
    return int(value) if float(value).is_integer() else value
