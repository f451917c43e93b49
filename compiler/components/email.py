"""Amazon SES sending: a verified domain, a configuration set, bounce and complaint topics, templates.

```yaml
mail:
  kind: email
  sender: noreply@flowency.build
  zone: zone                       # DKIM records go in this hosted zone
  kms_key: messaging-key           # encrypts the bounce and complaint topics
  subscribers: [ops@flowency.build]
  templates:
    export:
      subject: "Your specification {{title}} is ready"
      html: "<p>Download it <a href=\\"{{link}}\\">here</a>.</p>"
      text: "Download it here: {{link}}"
```

The sender's domain becomes an SES identity signed with 2048-bit DKIM (with ``zone``, the three
DKIM records are written there; without, they are stack outputs to add by hand). Mail goes through
a configuration set that requires TLS to receiving servers, suppresses addresses that bounced or
complained, and publishes reputation metrics; bounces and complaints are published to two
encrypted SNS topics (SES needs a customer-managed key to publish to encrypted topics). A function
with ``uses: {mail: send}`` may send from this sender, through this configuration set, with these
templates only, and gets ``EMAIL_SENDER``, ``EMAIL_CONFIGURATION_SET`` and one
``EMAIL_TEMPLATE_<NAME>`` per template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from awacs import kms as kms_actions
from awacs import ses as ses_actions
from awacs.aws import Allow, ArnLike, Condition, Principal, Statement, StringEquals
from pydantic import AfterValidator, Field, WithJsonSchema
from troposphere import GetAtt, Ref, Sub, route53, ses, sns

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..credentials import credential_kind, literal_secret_message
from ..metrics import Metric
from ..model import Component, Reference
from .dns_zone import DnsZone

EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
TEMPLATE_NAME = r"^[a-z][a-z0-9]*([-_][a-z0-9]+)*$"
Event = Literal["bounce", "complaint"]


def _address(value: str) -> str:
    if len(value) > 254 or not re.match(EMAIL_PATTERN, value):
        raise ValueError(f"{value!r} is not an email address (like 'noreply@example.com', domain in lower case)")
    return value


_EVENT_TYPE = {"bounce": "BOUNCE", "complaint": "COMPLAINT"}


class EmailTemplate(SpecModel):
    """An SES template; ``{{name}}`` placeholders are filled in at send time."""

    subject: str = Field(
        description="Subject line.", examples=["Your specification {{title}} is ready"], min_length=1, max_length=998
    )
    html: str | None = Field(None, description="HTML body.", examples=["<p>Hello {{name}}</p>"])
    html_file: str | None = Field(
        None, description="HTML body from a file, relative to the spec.", examples=["templates/export.html"]
    )
    text: str | None = Field(None, description="Plain-text body.", examples=["Hello {{name}}"])
    text_file: str | None = Field(
        None, description="Plain-text body from a file, relative to the spec.", examples=["templates/export.txt"]
    )


class Email(Component):
    """Amazon SES sending from a verified domain, with a configuration set, event topics and templates."""

    kind: Literal["email"] = "email"
    sender: Annotated[str, AfterValidator(_address), WithJsonSchema({"type": "string", "pattern": EMAIL_PATTERN})] = (
        Field(description="The From address; its domain is verified with DKIM.", examples=["noreply@flowency.build"])
    )
    zone: str | None = Field(
        None, description="A dns_zone component holding the sender's domain, for the DKIM records.", examples=["zone"]
    )
    notifications: list[Event] = Field(
        default_factory=lambda: ["bounce", "complaint"],
        description="Events published to SNS topics (one topic per event).",
        examples=[["bounce", "complaint"]],
    )
    subscribers: list[str] = Field(
        default_factory=list,
        description="Email addresses subscribed to the bounce and complaint topics (they confirm by email).",
        examples=[["ops@flowency.build"]],
    )
    kms_key: str | None = Field(
        None,
        description="A key component encrypting the event topics; required when there are notifications.",
        examples=["messaging-key"],
    )
    reputation_metrics: bool = Field(True, description="Publish bounce and complaint rates to CloudWatch.")
    templates: dict[str, EmailTemplate] = Field(
        default_factory=dict,
        description="Templates by name.",
        examples=[{"export": {"subject": "Your export {{title}}", "text": "Download: {{link}}"}}],
    )

    access_levels = ("send",)
    summary = "SES sending: DKIM domain, configuration set, event topics, templates"
    diagram_group = "messaging"

    @property
    def domain(self) -> str:
        return self.sender.rsplit("@", 1)[1]

    @property
    def identity_id(self) -> str:
        return pascal(self.id_name) + "Identity"

    @property
    def configuration_set_id(self) -> str:
        return pascal(self.id_name) + "ConfigurationSet"

    def configuration_set_name(self, ctx: Any) -> str:
        return f"{ctx.spec.system}-{ctx.stage_name}-{self.id_name}"

    def template_name(self, ctx: Any, name: str) -> str:
        return f"{ctx.spec.system}-{ctx.stage_name}-{self.id_name}-{name}"

    def topic_id(self, event: str) -> str:
        return pascal(self.id_name) + pascal(event) + "Topic"

    # -- validation -----------------------------------------------------------------------------
    def references(self) -> Iterator[Reference]:
        if self.zone:
            yield Reference(("zone",), self.zone, ("dns_zone",), "dns_zone")
        if self.kms_key:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        zone = ctx.spec.components.get(self.zone) if self.zone else None
        if isinstance(zone, DnsZone) and not (self.domain == zone.domain or self.domain.endswith("." + zone.domain)):
            yield ("zone",), f"the sender's domain {self.domain!r} is not in the zone {zone.domain!r}"
        if self.notifications and not self.kms_key:
            yield (
                ("kms_key",),
                (
                    "bounce and complaint topics are encrypted, and SES can publish to an encrypted topic only with a "
                    "customer-managed key: add a key component and name it here (or set notifications: [])"
                ),
            )
        if len(set(self.notifications)) != len(self.notifications):
            yield ("notifications",), "each event may be listed once"
        if self.subscribers and not self.notifications:
            yield ("subscribers",), "there are no notification topics to subscribe to"
        for index, address in enumerate(self.subscribers):
            if not re.match(EMAIL_PATTERN, address):
                yield ("subscribers", index), f"{address!r} is not an email address"
        spec_dir = Path(ctx.spec._document.path).parent if getattr(ctx.spec, "_document", None) else Path()
        for name, template in self.templates.items():
            path = ("templates", name)
            if not re.match(TEMPLATE_NAME, name):
                yield path, f"invalid template name {name!r}: use lower-case letters, digits, '-' or '_'"
            if len(self.template_name(ctx, name)) > 64:
                yield path, f"template name {self.template_name(ctx, name)!r} is longer than SES allows (64)"
            if template.html is not None and template.html_file is not None:
                yield (*path, "html_file"), "give either 'html' or 'html_file', not both"
            if template.text is not None and template.text_file is not None:
                yield (*path, "text_file"), "give either 'text' or 'text_file', not both"
            if not any((template.html, template.html_file, template.text, template.text_file)):
                yield path, "a template needs a body: 'html', 'text', or both"
            for field in ("html_file", "text_file"):
                file = getattr(template, field)
                if file is not None and not (spec_dir / file).is_file():
                    yield (*path, field), f"no such file: {file} (relative to the spec)"
            for field in ("subject", "html", "text"):
                value = getattr(template, field)
                if value is None:
                    continue
                if value.count("{{") != value.count("}}"):
                    yield (*path, field), "unbalanced '{{' and '}}' placeholders"
                what = credential_kind(value)
                if what:
                    yield (*path, field), literal_secret_message(what)

    # -- build ----------------------------------------------------------------------------------
    def build(self, ctx: BuildContext) -> None:
        base = pascal(self.id_name)
        config_set = ses.ConfigurationSet(
            self.configuration_set_id,
            Name=self.configuration_set_name(ctx),
            DeliveryOptions=ses.DeliveryOptions(TlsPolicy="REQUIRE"),
            ReputationOptions=ses.ReputationOptions(ReputationMetricsEnabled=self.reputation_metrics),
            SendingOptions=ses.SendingOptions(SendingEnabled=True),
            SuppressionOptions=ses.SuppressionOptions(SuppressedReasons=["BOUNCE", "COMPLAINT"]),
        )
        ctx.add(self, config_set)
        identity = ses.EmailIdentity(
            self.identity_id,
            EmailIdentity=self.domain,
            DkimSigningAttributes=ses.DkimSigningAttributes(NextSigningKeyLength="RSA_2048_BIT"),
            ConfigurationSetAttributes=ses.ConfigurationSetAttributes(ConfigurationSetName=Ref(config_set)),
        )
        ctx.add(self, identity, ("sender",))
        for n in (1, 2, 3):
            name = GetAtt(identity, f"DkimDNSTokenName{n}")
            value = GetAtt(identity, f"DkimDNSTokenValue{n}")
            if self.zone:
                zone = ctx.component(self.zone)
                assert isinstance(zone, DnsZone)
                ctx.add(
                    self,
                    route53.RecordSetType(
                        f"{base}DkimRecord{n}",
                        HostedZoneId=zone.zone_id,
                        Name=name,
                        Type="CNAME",
                        TTL="1800",
                        ResourceRecords=[value],
                    ),
                    ("zone",),
                )
            else:
                ctx.output(
                    self,
                    f"{base}DkimRecord{n}",
                    _join(" CNAME ", [name, value]),
                    f"DKIM record {n} of {self.domain}: add it to the domain's DNS",
                )
        for event in self.notifications:
            topic = sns.Topic(
                self.topic_id(event),
                DisplayName=f"{ctx.system} {ctx.stage_name} {self.name} {event}s",
                KmsMasterKeyId=_key_arn(ctx, self.kms_key),
            )
            ctx.add(self, topic, ("notifications",))
            for index, address in enumerate(self.subscribers):
                ctx.add(
                    self,
                    sns.SubscriptionResource(
                        f"{self.topic_id(event)}Subscriber{index + 1}",
                        TopicArn=Ref(topic),
                        Protocol="email",
                        Endpoint=address,
                    ),
                    ("subscribers", index),
                )
            ctx.add(
                self,
                ses.ConfigurationSetEventDestination(
                    f"{base}{pascal(event)}Destination",
                    ConfigurationSetName=Ref(config_set),
                    EventDestination=ses.EventDestination(
                        Name=f"{event}s-to-sns",
                        Enabled=True,
                        MatchingEventTypes=[_EVENT_TYPE[event]],
                        SnsDestination=ses.SnsDestination(TopicARN=Ref(topic)),
                    ),
                ),
                ("notifications",),
            )
        for name, template in sorted(self.templates.items()):
            body = ses.EmailTemplate(TemplateName=self.template_name(ctx, name), SubjectPart=template.subject)
            html = template.html if template.html is not None else self._read(ctx, template.html_file)
            text = template.text if template.text is not None else self._read(ctx, template.text_file)
            if html is not None:
                body.HtmlPart = html
            if text is not None:
                body.TextPart = text
            ctx.add(self, ses.Template(f"{base}{pascal(name)}Template", Template=body), ("templates", name))
        ctx.output(self, base + "ConfigurationSet", Ref(config_set), f"SES configuration set of {self.name}")

    def _read(self, ctx: BuildContext, relative: str | None) -> str | None:
        if relative is None:
            return None
        return (Path(ctx.document.path).parent / relative).read_text(encoding="utf-8")

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        if key != self.kms_key or not self.notifications:
            return []
        return [
            Statement(
                Sid=pascal(self.id_name) + "SesPublishesEvents",
                Effect=Allow,
                Principal=Principal("Service", "ses.amazonaws.com"),
                Action=[kms_actions.Decrypt, kms_actions.GenerateDataKey],
                Resource=["*"],
                Condition=Condition(
                    [
                        StringEquals("aws:SourceAccount", Ref("AWS::AccountId")),
                        ArnLike(
                            "aws:SourceArn",
                            Sub(
                                "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/"
                                + self.configuration_set_name(ctx)
                            ),
                        ),
                    ]
                ),
            )
        ]

    # -- use by functions -------------------------------------------------------------------------
    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        arn = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:"
        resources: list[Any] = [
            Sub(arn + "identity/" + self.domain),
            Sub(arn + "configuration-set/" + self.configuration_set_name(ctx)),
        ]
        resources += [Sub(arn + "template/" + self.template_name(ctx, name)) for name in sorted(self.templates)]
        return [
            Statement(
                Effect=Allow,
                Action=[ses_actions.SendEmail, ses_actions.SendRawEmail, ses_actions.SendTemplatedEmail],
                Resource=resources,
                Condition=Condition(StringEquals("ses:FromAddress", self.sender)),
            )
        ]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        env: dict[str, Any] = {
            "EMAIL_SENDER": self.sender,
            "EMAIL_CONFIGURATION_SET": self.configuration_set_name(ctx),
        }
        for name in sorted(self.templates):
            env["EMAIL_TEMPLATE_" + name.upper().replace("-", "_")] = self.template_name(ctx, name)
        return env

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        if not self.reputation_metrics:
            return {}
        dims = {"ses:configuration-set": self.configuration_set_name(ctx)}
        return {
            "bounce_rate": Metric("AWS/SES", "Reputation.BounceRate", dims, "Maximum", "bounce rate"),
            "complaint_rate": Metric("AWS/SES", "Reputation.ComplaintRate", dims, "Maximum", "complaint rate"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        emails = ctx.usage(self, "emails_per_month")
        items = [ctx.item(self, self.configuration_set_id, "emails sent", "ses.emails", emails / 1000)]
        for event in self.notifications:
            # Every bounce or complaint is one SNS publish; assumed at most 5% of sends each.
            items.append(
                ctx.item(
                    self,
                    self.topic_id(event),
                    f"{event} notifications (5% of emails assumed)",
                    "sns.publishes",
                    emails * 0.05 / 1e6,
                )
            )
        return items


def _key_arn(ctx: BuildContext, name: str | None) -> Any:
    from .key import key_arn

    assert name is not None
    return key_arn(ctx, name)


def _join(sep: str, values: list[Any]) -> Any:
    from troposphere import Join

    return Join(sep, values)
