"""API Gateway WebSocket API: routes to functions, a throttled stage with access logs, post-back grants.

```yaml
chat:
  kind: websocket_api
  routes:
    $connect: chat-connect
    $disconnect: chat-disconnect
    sendMessage: chat-message          # {"action": "sendMessage", ...}
  authorizer: {function: chat-authorize, identity: [route.request.querystring.token]}
  throttle: {burst: 500, rate: 100}
chat-message:
  kind: function
  code: ../handlers/spec-wizard/chat-message
  uses:
    chat: send                         # execute-api:ManageConnections on this API's stage only
```

Each route gets a Lambda proxy integration and a ``lambda:InvokeFunction`` permission scoped to that
route of this API's stage. The stage (named after the spec's stage) deploys automatically, throttles
every route, and writes JSON access logs to its own log group. A function that ``uses`` the API with
``send`` may post to, read and close this stage's connections, and gets ``WEBSOCKET_ENDPOINT``.
Connecting needs an authorizer, IAM signatures, or an explicit ``auth: none``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Literal

from awacs.aws import Action, Allow, Statement
from pydantic import Field
from troposphere import GetAtt, Ref, Sub, apigatewayv2

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from . import _apigateway, _service_roles
from ._service_roles import log_key_statements
from .dns_zone import CustomDomain, api_domain, domain_cost

RESERVED_ROUTES = ("$connect", "$disconnect", "$default")
ROUTE_KEY = re.compile(r"^(\$connect|\$disconnect|\$default|[A-Za-z0-9_.:-]{1,128})$")

ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "extendedRequestId": "$context.extendedRequestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "eventType": "$context.eventType",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "connectionId": "$context.connectionId",
        "messageId": "$context.messageId",
        "integrationStatus": "$context.integration.status",
        "integrationError": "$context.integrationErrorMessage",
        "authorizeError": "$context.authorize.error",
    },
    separators=(",", ":"),
)


class Throttle(SpecModel):
    """Stage-wide throttling of every route (token bucket)."""

    burst: int = Field(500, ge=0, le=5000, description="Requests allowed in a burst.", examples=[500])
    rate: float = Field(100, ge=0, le=10000, description="Steady-state requests per second.", examples=[100])


class Authorizer(SpecModel):
    """A Lambda REQUEST authorizer that decides who may open a connection."""

    function: str = Field(description="The function that authorizes $connect requests.", examples=["chat-authorize"])
    identity: list[str] = Field(
        default_factory=lambda: ["route.request.querystring.token"],
        min_length=1,
        description="Where the credential is; requests without it are refused before the authorizer runs.",
        examples=[["route.request.querystring.token"], ["route.request.header.Authorization"]],
    )


class WebSocketApi(Component):
    """An API Gateway WebSocket API whose routes invoke functions."""

    kind: Literal["websocket_api"] = "websocket_api"
    routes: dict[str, str] = Field(
        description=(
            "Route key -> function. '$connect', '$disconnect' and '$default' are API Gateway's own; "
            "others match the route selection expression (by default the message's 'action' field)."
        ),
        min_length=1,
        examples=[{"$connect": "chat-connect", "$disconnect": "chat-disconnect", "sendMessage": "chat-message"}],
    )
    route_selection: str = Field(
        "$request.body.action",
        description="Where API Gateway finds the route key in an incoming message.",
        examples=["$request.body.action"],
    )
    auth: Literal["iam", "none"] | None = Field(
        None,
        description=(
            "Who may connect, when there is no 'authorizer': 'iam' (SigV4-signed requests, e.g. through a Cognito "
            "identity pool) or 'none' (anyone; must be said explicitly)."
        ),
    )
    authorizer: Authorizer | None = Field(None, description="A Lambda authorizer for $connect.")
    throttle: Throttle = Field(default_factory=Throttle, description="Throttling of every route of the stage.")
    access_logs: bool = Field(True, description="JSON access logs of every connection and message.")
    account_logging_role: bool = Field(
        True,
        description=(
            "API Gateway writes WebSocket logs through a per-region account setting. true sets it to a role that may "
            "write this region's log groups only; false if the account already has one."
        ),
    )
    kms_key: str | None = Field(
        None, description="A key component to encrypt the access log group with.", examples=["logs-key"]
    )
    domain: CustomDomain | None = Field(None, description="A custom domain name (wss://<name>) for the API.")

    access_levels = ("send",)
    summary = "API Gateway WebSocket API"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Api"

    def route_id(self, key: str) -> str:
        return pascal(self.id_name) + _route_part(key)

    def references(self) -> Iterator[Reference]:
        for key, function in self.routes.items():
            yield Reference(("routes", key), function, ("function",), "function")
        if self.authorizer:
            yield Reference(("authorizer", "function"), self.authorizer.function, ("function",), "function")
        if self.kms_key:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")
        if self.domain:
            yield from self.domain.references(("domain",))

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        seen: dict[str, str] = {}
        for key in self.routes:
            if key.startswith("$") and key not in RESERVED_ROUTES:
                yield ("routes", key), f"unknown special route {key!r}; special routes are {', '.join(RESERVED_ROUTES)}"
                continue
            if not ROUTE_KEY.match(key):
                yield (
                    ("routes", key),
                    (
                        f"invalid route key {key!r}: use $connect, $disconnect, $default or letters, digits, '_', '-', "
                        "'.' and ':'"
                    ),
                )
                continue
            part = _route_part(key)
            if part in seen:
                yield ("routes", key), f"routes {seen[part]!r} and {key!r} would get the same logical ID; rename one"
            seen[part] = key
        if not self.route_selection.startswith("$request.body."):
            yield ("route_selection",), "a WebSocket route selection expression looks like '$request.body.<field>'"
        if self.authorizer and self.auth:
            yield ("auth",), "give either 'auth' or 'authorizer', not both"
        if not self.authorizer and not self.auth:
            yield (
                (),
                (
                    "say who may connect: an 'authorizer' (a function checking a token), 'auth: iam', or 'auth: none' "
                    "to let anyone connect"
                ),
            )
        if self.authorizer and "$connect" not in self.routes:
            yield ("authorizer",), "an authorizer runs on $connect; add a '$connect' route"
        if self.domain:
            yield from self.domain.check(ctx, ("domain",), for_cloudfront=False)

    # -- build ----------------------------------------------------------------------------------
    def build(self, ctx: BuildContext) -> None:
        api = apigatewayv2.Api(
            self.logical_id,
            Name=ctx.physical_name(self.id_name),
            ProtocolType="WEBSOCKET",
            RouteSelectionExpression=self.route_selection,
            Description=self.description or f"{self.name} WebSocket API of {ctx.system} ({ctx.stage_name})",
        )
        ctx.add(self, api)
        authorizer_id = None
        if self.authorizer:
            authorizer_id = self._build_authorizer(ctx)
        route_ids = []
        for key, function_name in sorted(self.routes.items()):
            route_ids.append(self._build_route(ctx, key, function_name, authorizer_id))
        stage = apigatewayv2.Stage(
            pascal(self.id_name) + "Stage",
            ApiId=Ref(api),
            StageName=ctx.stage_name,
            AutoDeploy=True,
            Description=f"{ctx.stage_name} stage",
            DefaultRouteSettings=apigatewayv2.RouteSettings(
                ThrottlingBurstLimit=self.throttle.burst,
                ThrottlingRateLimit=self.throttle.rate,
                DataTraceEnabled=False,
                DetailedMetricsEnabled=True,
            ),
            DependsOn=route_ids,
        )
        if self.access_logs:
            log_group = _service_roles.log_group(
                ctx, pascal(self.id_name) + "AccessLogGroup", self._log_group_name(ctx), self.kms_key
            )
            ctx.add(self, log_group, ("access_logs",))
            stage.AccessLogSettings = apigatewayv2.AccessLogSettings(
                DestinationArn=GetAtt(log_group, "Arn"), Format=ACCESS_LOG_FORMAT
            )
            if self.account_logging_role:
                account_id = _apigateway.account_logging_role(ctx, self)
                stage.DependsOn = [*route_ids, account_id]
        ctx.add(self, stage)
        if self.domain:
            api_domain(ctx, self, self.domain, Ref(api), Ref(stage), ("domain",))
        ctx.output(self, pascal(self.id_name) + "Url", self._url(), f"wss:// URL of the {self.name} WebSocket API")

    def _url(self) -> Sub:
        return Sub(
            f"wss://${{{self.logical_id}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/${{{pascal(self.id_name)}Stage}}"
        )

    def _build_authorizer(self, ctx: BuildContext) -> Ref:
        assert self.authorizer is not None
        function = ctx.component(self.authorizer.function)
        authorizer = apigatewayv2.Authorizer(
            pascal(self.id_name) + "Authorizer",
            ApiId=Ref(self.logical_id),
            AuthorizerType="REQUEST",
            Name=f"{self.name}-authorizer",
            AuthorizerUri=_apigateway.lambda_invoke_uri(function.logical_id),  # type: ignore[attr-defined]
            IdentitySource=list(self.authorizer.identity),
        )
        ctx.add(self, authorizer, ("authorizer",))
        ctx.add(
            self,
            _apigateway.invoke_permission(
                pascal(self.id_name) + "AuthorizerPermission",
                function.logical_id,  # type: ignore[attr-defined]
                _apigateway.execute_api_arn(self.logical_id, f"authorizers/${{{authorizer.title}}}"),
            ),
            ("authorizer",),
        )
        return Ref(authorizer)

    def _build_route(self, ctx: BuildContext, key: str, function_name: str, authorizer_id: Ref | None) -> str:
        function = ctx.component(function_name)
        base = self.route_id(key)
        integration = apigatewayv2.Integration(
            base + "Integration",
            ApiId=Ref(self.logical_id),
            IntegrationType="AWS_PROXY",
            IntegrationMethod="POST",
            IntegrationUri=_apigateway.lambda_invoke_uri(function.logical_id),  # type: ignore[attr-defined]
        )
        ctx.add(self, integration, ("routes", key))
        route = apigatewayv2.Route(
            base + "Route",
            ApiId=Ref(self.logical_id),
            RouteKey=key,
            Target=Sub(f"integrations/${{{integration.title}}}"),
            OperationName=_route_part(key),
        )
        if key == "$connect":
            if authorizer_id is not None:
                route.AuthorizationType = "CUSTOM"
                route.AuthorizerId = authorizer_id
            else:
                route.AuthorizationType = "AWS_IAM" if self.auth == "iam" else "NONE"
        ctx.add(self, route, ("routes", key))
        ctx.add(
            self,
            _apigateway.invoke_permission(
                base + "Permission",
                function.logical_id,  # type: ignore[attr-defined]
                _apigateway.execute_api_arn(self.logical_id, f"{ctx.stage_name}/{key}"),
            ),
            ("routes", key),
        )
        return route.title

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        if not self.access_logs:
            return []
        return log_key_statements(
            ctx, self.kms_key, key, pascal(self.id_name) + "AccessLogs", [self._log_group_name(ctx)]
        )

    def _log_group_name(self, ctx: BuildContext) -> str:
        return _service_roles.log_group_name(ctx, f"{self.id_name}/access")

    # -- use by functions -------------------------------------------------------------------------
    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        return [
            Statement(
                Effect=Allow,
                Action=[Action("execute-api", "ManageConnections")],
                Resource=[_apigateway.execute_api_arn(self.logical_id, f"{ctx.stage_name}/*/@connections/*")],
            )
        ]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {
            "WEBSOCKET_ENDPOINT": Sub(
                f"https://${{{self.logical_id}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{ctx.stage_name}"
            )
        }

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"ApiId": Ref(self.logical_id), "Stage": ctx.stage_name}
        ns = "AWS/ApiGateway"
        return {
            "connections": Metric(ns, "ConnectCount", dims, "Sum", "connections opened"),
            "messages": Metric(ns, "MessageCount", dims, "Sum", "messages sent and received"),
            "client_errors": Metric(ns, "ClientError", dims, "Sum", "4XX responses before the integration ran"),
            "integration_errors": Metric(ns, "IntegrationError", dims, "Sum", "4XX/5XX responses from functions"),
            "execution_errors": Metric(ns, "ExecutionError", dims, "Sum", "errors calling the integration"),
            "latency": Metric(ns, "IntegrationLatency", dims, "Average", "integration latency (ms)"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        items = [
            ctx.item(
                self,
                self.logical_id,
                "messages",
                "apigateway.websocket_messages",
                ctx.usage(self, "messages_per_month") / 1e6,
            ),
            ctx.item(
                self,
                self.logical_id,
                "connection minutes",
                "apigateway.websocket_connection_minutes",
                ctx.usage(self, "connection_minutes") / 1e6,
            ),
        ]
        if self.access_logs:
            items.append(
                ctx.item(
                    self,
                    pascal(self.id_name) + "AccessLogGroup",
                    "access log ingestion",
                    "cloudwatch.logs_ingestion_gb",
                    ctx.usage(self, "log_gb"),
                )
            )
        return items + domain_cost(ctx, self, self.domain)


def _route_part(key: str) -> str:
    return pascal(re.sub(r"[^A-Za-z0-9]+", "-", key.lstrip("$")))
