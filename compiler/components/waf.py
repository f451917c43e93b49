"""AWS WAF web ACL: AWS managed rule groups and a per-IP rate limit, logged, attached where the spec says.

```yaml
firewall:
  kind: waf
  attach_to: [web]                  # a load balancer, a REST API, a user pool (regional) or a CDN
  managed_rules: [common, known_bad_inputs, sql_injection, ip_reputation]
  rate_limit: 1000                  # requests per IP per 5 minutes, then blocked
```

Scope follows what it protects: ``regional`` for load balancers, REST API stages and user pools
(attached with ``AWS::WAFv2::WebACLAssociation``), ``cloudfront`` for CDNs (the distribution names
the ACL itself). A CloudFront-scope ACL exists only in us-east-1, so a stage in another region
cannot create one. Attaching to a kind AWS WAF cannot protect (an HTTP API, a function, a table) is
an error. Every rule publishes CloudWatch metrics and sampled requests; requests are logged to a
CloudWatch log group (``aws-waf-logs-...``) with the Authorization and Cookie headers redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field
from troposphere import GetAtt, Ref, Sub, wafv2

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from ._service_roles import LOG_KMS_KEY_DESCRIPTION, log_group, log_key_statements

#: Short names -> (AWS managed rule group, web ACL capacity units it uses).
MANAGED_RULE_GROUPS: dict[str, tuple[str, int]] = {
    "common": ("AWSManagedRulesCommonRuleSet", 700),
    "known_bad_inputs": ("AWSManagedRulesKnownBadInputsRuleSet", 200),
    "sql_injection": ("AWSManagedRulesSQLiRuleSet", 200),
    "ip_reputation": ("AWSManagedRulesAmazonIpReputationList", 25),
    "anonymous_ip": ("AWSManagedRulesAnonymousIpList", 50),
    "admin_protection": ("AWSManagedRulesAdminProtectionRuleSet", 100),
    "linux": ("AWSManagedRulesLinuxRuleSet", 200),
    "unix": ("AWSManagedRulesUnixRuleSet", 100),
    "windows": ("AWSManagedRulesWindowsRuleSet", 200),
    "php": ("AWSManagedRulesPHPRuleSet", 100),
    "wordpress": ("AWSManagedRulesWordPressRuleSet", 100),
}
RATE_RULE_WCU = 2
#: Web ACLs above 1,500 capacity units are billed extra; specc keeps every ACL within the base price.
MAX_WCU = 1500

ManagedRule = Literal[tuple(MANAGED_RULE_GROUPS)]  # type: ignore[valid-type]


class Waf(Component):
    """An AWS WAF (v2) web ACL."""

    kind: Literal["waf"] = "waf"
    scope: Literal["regional", "cloudfront"] = Field(
        "regional",
        description="'regional' protects load balancers, REST API stages and user pools; 'cloudfront' protects CDNs.",
    )
    attach_to: list[str] = Field(description="Components the web ACL protects.", min_length=1, examples=[["web"]])
    managed_rules: list[ManagedRule] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["common", "known_bad_inputs", "sql_injection", "ip_reputation"],
        description=(
            "AWS managed rule groups, evaluated in this order after the rate limit: "
            + ", ".join(f"{k} ({v[0]})" for k, v in MANAGED_RULE_GROUPS.items())
            + "."
        ),
        examples=[["common", "known_bad_inputs", "sql_injection"]],
    )
    rate_limit: int | None = Field(
        2000,
        ge=10,
        le=2_000_000_000,
        description="Block an IP address after this many requests in 5 minutes (null: no rate limit).",
        examples=[1000],
    )
    logging: bool = Field(True, description="Log requests to a CloudWatch log group (kept for the stage's retention).")
    log_kms_key: str | None = Field(None, description=LOG_KMS_KEY_DESCRIPTION, examples=["logs-key"])

    summary = "WAF web ACL (managed rules, rate limit, logging)"
    diagram_group = "security"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "WebAcl"

    @property
    def arn(self) -> GetAtt:
        return GetAtt(self.logical_id, "Arn")

    @property
    def log_group_id(self) -> str:
        return pascal(self.id_name) + "WebAclLogGroup"

    def log_group_name(self, ctx: Any) -> str:
        # WAF delivers only to log groups whose name starts with aws-waf-logs-.
        return f"aws-waf-logs-{ctx.system}-{ctx.stage_name}-{self.id_name}"

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        return log_key_statements(ctx, self.log_kms_key, key, pascal(self.id_name) + "Logs", [self.log_group_name(ctx)])

    def capacity(self) -> int:
        return sum(MANAGED_RULE_GROUPS[r][1] for r in self.managed_rules) + (RATE_RULE_WCU if self.rate_limit else 0)

    def rule_count(self) -> int:
        return len(self.managed_rules) + (1 if self.rate_limit else 0)

    def references(self) -> Iterator[Reference]:
        from . import component_kinds

        kinds = tuple(component_kinds())
        for index, target in enumerate(self.attach_to):
            yield Reference(("attach_to", index), target, kinds, "component")
        if self.log_kms_key:
            yield Reference(("log_kms_key",), self.log_kms_key, ("key",), "key")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        scope = self.scope.upper()
        if scope == "CLOUDFRONT" and ctx.region != "us-east-1":
            yield (
                ("scope",),
                f"a CLOUDFRONT-scope web ACL can only be created in us-east-1, and this stage deploys to {ctx.region}; "
                "deploy the stage to us-east-1, or protect a regional resource instead",
            )
        if len(set(self.managed_rules)) != len(self.managed_rules):
            yield ("managed_rules",), "a rule group is listed twice"
        if not self.managed_rules and not self.rate_limit:
            yield (), "a web ACL without rules protects nothing; list managed_rules or set rate_limit"
        if self.capacity() > MAX_WCU:
            yield (
                ("managed_rules",),
                f"these rules need {self.capacity()} web ACL capacity units; above {MAX_WCU} AWS bills extra -- drop "
                "a rule group or split the protection over two web ACLs",
            )
        seen: set[str] = set()
        for index, name in enumerate(self.attach_to):
            if name in seen:
                yield ("attach_to", index), f"{name!r} is listed twice"
            seen.add(name)
            target = ctx.spec.components.get(name)
            if target is None:
                continue
            theirs = getattr(target, "web_acl_scope", "")
            if not theirs:
                yield (
                    ("attach_to", index),
                    f"a {target.kind_name} cannot take a WAF web ACL; AWS WAF protects load balancers, REST APIs, "
                    f"user pools and CDNs ({', '.join(protectable_kinds())})",
                )
            elif theirs != scope:
                yield (
                    ("attach_to", index),
                    f"{name!r} ({target.kind_name}) takes a {theirs}-scope web ACL, but this one is {scope}; "
                    f"set scope: {theirs.lower()}",
                )
            if getattr(target, "web_acl_arn", None):
                yield (
                    ("attach_to", index),
                    f"{name!r} already names a web ACL (web_acl_arn); remove it there or here",
                )
            others = [
                other.name
                for other in ctx.spec.components.values()
                if isinstance(other, Waf) and other is not self and name in other.attach_to
            ]
            if others:
                yield (
                    ("attach_to", index),
                    f"{name!r} is already protected by web ACL {others[0]!r}; a resource takes one",
                )

    def build(self, ctx: BuildContext) -> None:
        rules = []
        priority = 0
        if self.rate_limit:
            rules.append(
                wafv2.WebACLRule(
                    Name="rate-limit",
                    Priority=priority,
                    Action=wafv2.RuleAction(Block=wafv2.BlockAction()),
                    Statement=wafv2.Statement(
                        RateBasedStatement=wafv2.RateBasedStatement(
                            Limit=self.rate_limit, AggregateKeyType="IP", EvaluationWindowSec=300
                        )
                    ),
                    VisibilityConfig=self._visibility("rate-limit"),
                )
            )
            priority += 1
        for short in self.managed_rules:
            group = MANAGED_RULE_GROUPS[short][0]
            rules.append(
                wafv2.WebACLRule(
                    Name=group,
                    Priority=priority,
                    OverrideAction=wafv2.OverrideAction(**{"None": {}}),
                    Statement=wafv2.Statement(
                        ManagedRuleGroupStatement=wafv2.ManagedRuleGroupStatement(VendorName="AWS", Name=group)
                    ),
                    VisibilityConfig=self._visibility(group),
                )
            )
            priority += 1
        acl = wafv2.WebACL(
            self.logical_id,
            Name=ctx.physical_name(self.id_name),
            Description=_waf_text(self.description or f"{self.name} of {ctx.system}, stage {ctx.stage_name}"),
            Scope=self.scope.upper(),
            DefaultAction=wafv2.DefaultAction(Allow=wafv2.AllowAction()),
            Rules=rules,
            VisibilityConfig=self._visibility(ctx.physical_name(self.id_name)),
        )
        ctx.add(self, acl)
        if self.logging:
            group = log_group(ctx, self.log_group_id, self.log_group_name(ctx), self.log_kms_key)
            ctx.add(self, group, ("logging",))
            ctx.add(
                self,
                wafv2.LoggingConfiguration(
                    pascal(self.id_name) + "WebAclLogging",
                    ResourceArn=self.arn,
                    # The log group ARN without the ":*" suffix GetAtt adds.
                    LogDestinationConfigs=[
                        Sub(
                            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}",
                            Group=Ref(group),
                        )
                    ],
                    RedactedFields=[
                        wafv2.LoggingConfigurationFieldToMatch(SingleHeader=wafv2.SingleHeader(Name=header))
                        for header in ("authorization", "cookie")
                    ],
                ),
                ("logging",),
            )
        if self.scope == "regional":
            for index, name in enumerate(self.attach_to):
                target = ctx.component(name)
                ctx.add(
                    self,
                    wafv2.WebACLAssociation(
                        pascal(self.id_name) + pascal(target.id_name) + "Association",
                        ResourceArn=target.web_acl_target(ctx),
                        WebACLArn=self.arn,
                    ),
                    ("attach_to", index),
                )
        ctx.output(self, pascal(self.id_name) + "WebAclArn", self.arn, f"ARN of the {self.name} web ACL")

    def _visibility(self, metric: str) -> wafv2.VisibilityConfig:
        return wafv2.VisibilityConfig(
            CloudWatchMetricsEnabled=True,
            SampledRequestsEnabled=True,
            MetricName="".join(c if c.isalnum() or c in "-_" else "-" for c in metric)[:128],
        )

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims: dict[str, Any] = {"WebACL": ctx.physical_name(self.id_name), "Rule": "ALL"}
        if self.scope == "regional":
            dims["Region"] = Ref("AWS::Region")
        return {
            "blocked": Metric("AWS/WAFV2", "BlockedRequests", dims, "Sum", "blocked requests"),
            "allowed": Metric("AWS/WAFV2", "AllowedRequests", dims, "Sum", "allowed requests"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        items = [
            ctx.item(self, self.logical_id, "web ACL", "waf.web_acls", 1),
            ctx.item(self, self.logical_id, f"rules ({self.rule_count()})", "waf.rules", self.rule_count()),
            ctx.item(
                self,
                self.logical_id,
                "requests inspected",
                "waf.requests",
                ctx.usage(self, "requests_per_month") / 1e6,
            ),
        ]
        if self.logging:
            items.append(
                ctx.item(
                    self, self.log_group_id, "request logs", "cloudwatch.logs_vended_gb", ctx.usage(self, "log_gb")
                )
            )
        return items


def _waf_text(text: str) -> str:
    """A description WAF accepts: letters, digits, spaces and + = : # @ / - , . only."""
    cleaned = re.sub(r"[^A-Za-z0-9+=:#@/,. -]+", "-", text).strip(" +")
    return cleaned[:256] or "web ACL"


def protectable_kinds() -> list[str]:
    from . import component_kinds

    return [k for k, cls in component_kinds().items() if getattr(cls, "web_acl_scope", "")]


def web_acl_arn_for(ctx: BuildContext, component: Component) -> Any | None:
    """The ARN of the CLOUDFRONT-scope web ACL that protects ``component``, for a distribution's WebACLId."""
    for other in ctx.spec.components.values():
        if isinstance(other, Waf) and other.scope == "cloudfront" and component.name in other.attach_to:
            return other.arn
    return None
