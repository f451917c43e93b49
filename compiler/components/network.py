"""Network: a VPC with public, private and database subnets over N availability zones.

```yaml
main:
  kind: network
  cidr: 10.0.0.0/16
  availability_zones: 2
  subnets:                       # optional; computed from the CIDR when left out
    public: [10.0.1.0/24, 10.0.2.0/24]
    private: [10.0.10.0/24, 10.0.20.0/24]
    database: [10.0.100.0/24, 10.0.200.0/24]
  nat_gateways: per_az           # per_az | single | none (or 0, 1, N); set per stage
  interface_endpoints: [secretsmanager]
```

Public subnets route to an internet gateway and hold the NAT gateways; private subnets (functions,
containers) reach the internet only through NAT; database subnets have no route out at all. S3 and
DynamoDB are reached through free gateway endpoints, other AWS APIs through interface endpoints when
asked. VPC flow logs go to a log group (or an S3 bucket), and the VPC's default security group is
emptied so nothing can use it by accident.

Computed subnets: the VPC is cut in quarters; public, private and database subnets take the first
blocks of the first, second and third quarter (``10.0.0.0/24``, ``10.0.64.0/24``, ``10.0.128.0/24``
... for a /16), the fourth quarter is left for growth.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any, Literal

from awacs import ec2 as ec2_actions
from awacs import logs as logs_actions
from awacs import s3 as s3_actions
from awacs.aws import Allow, Condition, Principal, Statement, StringEquals
from pydantic import Field
from troposphere import (
    AccountId,
    GetAtt,
    GetAZs,
    Join,
    Partition,
    Ref,
    Region,
    Select,
    Sub,
    Tags,
    awslambda,
    cloudformation,
    ec2,
    s3,
)

from ..base import SpecModel
from ..context import BuildContext, Raw, pascal
from ..cost.model import DAYS_PER_MONTH, CostContext, LineItem
from ..model import Component, Reference
from . import _network, _service_roles
from ._policies import block_public_access, object_ownership, s3_managed_encryption, tls_only_bucket_policy

Tier = Literal["public", "private", "database"]
TIERS: tuple[str, ...] = ("public", "private", "database")

#: AWS services reachable through an interface endpoint (``com.amazonaws.<region>.<name>``).
INTERFACE_SERVICES = (
    "ec2", "ec2messages", "ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "elasticloadbalancing",
    "events", "execute-api", "kms", "lambda", "logs", "monitoring", "rds", "secretsmanager", "sns", "sqs", "ssm",
    "ssmmessages", "states", "sts", "xray",
)  # fmt: skip

_RESTRICT_DEFAULT_SG_CODE = """\
import boto3
import cfnresponse
from botocore.exceptions import ClientError

ec2 = boto3.client("ec2")


def revoke(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        if error.response["Error"]["Code"] != "InvalidPermission.NotFound":
            raise


def handler(event, context):
    group = event["ResourceProperties"]["GroupId"]
    try:
        if event["RequestType"] in ("Create", "Update"):
            revoke(ec2.revoke_security_group_ingress, GroupId=group,
                   IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group}]}])
            revoke(ec2.revoke_security_group_egress, GroupId=group,
                   IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, group)
    except Exception as error:  # report, never hang the stack
        cfnresponse.send(event, context, cfnresponse.FAILED, {"Error": str(error)}, group)
"""


class Subnets(SpecModel):
    """Subnet CIDR blocks per tier, one per availability zone, in zone order."""

    public: list[str] | None = Field(
        None,
        description="Public subnets (internet gateway, NAT gateways, public load balancers).",
        examples=[["10.0.1.0/24", "10.0.2.0/24"]],
    )
    private: list[str] = Field(
        description="Private subnets (functions, containers); reach the internet only through NAT.",
        examples=[["10.0.10.0/24", "10.0.20.0/24"]],
    )
    database: list[str] | None = Field(
        None,
        description="Database subnets: no route out of the VPC. Databases use the private subnets when left out.",
        examples=[["10.0.100.0/24", "10.0.200.0/24"]],
    )


class FlowLogs(SpecModel):
    """Where VPC flow logs go."""

    destination: Literal["cloudwatch", "s3", "none"] = Field(
        "cloudwatch",
        description=(
            "'cloudwatch': a log group kept for the stage's log retention; 's3': an encrypted, private bucket; "
            "'none' turns flow logs off (must be explicit)."
        ),
    )
    traffic: Literal["all", "accept", "reject"] = Field("all", description="Which traffic is logged.")
    retention_days: int = Field(90, ge=1, le=3650, description="For 's3': days after which flow log objects expire.")


class Network(Component):
    """A VPC with subnets over N availability zones, NAT, routes, endpoints and flow logs."""

    kind: Literal["network"] = "network"
    cidr: str = Field("10.0.0.0/16", description="IPv4 CIDR of the VPC (/16 to /28).", examples=["10.0.0.0/16"])
    availability_zones: int = Field(
        2, ge=1, le=3, description="How many availability zones the subnets spread over (databases need 2)."
    )
    subnets: Subnets | None = Field(
        None, description="Explicit subnet CIDRs per tier; computed from the VPC CIDR when left out."
    )
    subnet_prefix: int | None = Field(
        None,
        ge=16,
        le=28,
        description="Prefix length of computed subnets; default: the VPC's prefix + 8 (a /24 in a /16).",
        examples=[24],
    )
    nat_gateways: Literal["per_az", "single", "none"] | int = Field(
        "per_az",
        description=(
            "NAT gateways for the private subnets: 'per_az' (one per zone, survives a zone failure), 'single' "
            "(cheaper, for dev), 'none' (no internet from private subnets), or a count (0, 1 or one per zone)."
        ),
        examples=["single"],
    )
    flow_logs: FlowLogs = Field(default_factory=FlowLogs, description="VPC flow logs.")
    gateway_endpoints: list[Literal["s3", "dynamodb"]] = Field(
        default_factory=lambda: ["s3", "dynamodb"],
        description="Free gateway endpoints; traffic to S3 and DynamoDB stays off NAT.",
    )
    interface_endpoints: list[str] = Field(
        default_factory=list,
        description="AWS services reached through interface endpoints (billed per hour and zone).",
        examples=[["secretsmanager", "logs"]],
    )
    restrict_default_security_group: bool = Field(
        True, description="Remove every rule of the VPC's default security group, so nothing can use it."
    )
    kms_key: str | None = Field(
        None,
        description=(
            "A key component to encrypt the network's log groups with (default: CloudWatch Logs' own keys, which the "
            "spec accepts with its reason: security.accept.CKV_AWS_158)."
        ),
        examples=["logs-key"],
    )

    summary = "VPC with public/private/database subnets, NAT, endpoints and flow logs"

    # -- layout ---------------------------------------------------------------------------------
    @property
    def vpc_id(self) -> str:
        return pascal(self.id_name) + "Vpc"

    @property
    def nat_count(self) -> int:
        if isinstance(self.nat_gateways, int):
            return self.nat_gateways
        return {"per_az": self.availability_zones, "single": 1, "none": 0}[self.nat_gateways]

    def tiers(self) -> list[str]:
        if self.subnets is None:
            return list(TIERS)
        return [t for t in TIERS if getattr(self.subnets, t) is not None]

    @property
    def database_tier(self) -> str:
        """Where databases go: the database subnets, or the private ones when there are none."""
        return "database" if "database" in self.tiers() else "private"

    def cidrs(self, tier: str) -> list[str]:
        if self.subnets is not None:
            return list(getattr(self.subnets, tier) or [])
        vpc = ipaddress.ip_network(self.cidr)
        prefix = self._computed_prefix(vpc)
        quarter = list(vpc.subnets(new_prefix=vpc.prefixlen + 2))[TIERS.index(tier)]
        blocks = quarter.subnets(new_prefix=prefix)
        return [str(next(blocks)) for _ in range(self.availability_zones)]

    def _computed_prefix(self, vpc: ipaddress.IPv4Network) -> int:
        return self.subnet_prefix or min(vpc.prefixlen + 8, 28)

    def subnet_id(self, tier: str, index: int) -> str:
        return f"{pascal(self.id_name)}{tier.capitalize()}Subnet{index + 1}"

    def subnet_refs(self, tier: str) -> list[Ref]:
        if tier == "database":
            tier = self.database_tier
        return [Ref(self.subnet_id(tier, i)) for i in range(self.availability_zones)]

    # -- validation -----------------------------------------------------------------------------
    def references(self) -> Iterator[Reference]:
        if self.kms_key:
            yield Reference(("kms_key",), self.kms_key, ("key",), "key")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        try:
            vpc = ipaddress.ip_network(self.cidr)
        except ValueError:
            yield ("cidr",), _cidr_problem(self.cidr)
            return
        if not isinstance(vpc, ipaddress.IPv4Network):
            yield ("cidr",), "the VPC CIDR must be IPv4"
            return
        if not 16 <= vpc.prefixlen <= 28:
            yield ("cidr",), f"a VPC CIDR is a /16 to /28, not a /{vpc.prefixlen}"
            return
        azs = self.availability_zones
        if self.subnets is None:
            prefix = self._computed_prefix(vpc)
            room = 2 ** max(0, prefix - vpc.prefixlen - 2) if prefix >= vpc.prefixlen + 2 else 0
            if room < azs:
                yield (
                    ("subnet_prefix",) if self.subnet_prefix else ("cidr",),
                    f"{self.cidr} is too small for {azs} computed /{prefix} subnets per tier; use a larger VPC, "
                    "a longer subnet_prefix, or list the subnets",
                )
            placed: list[tuple[tuple[Any, ...], ipaddress.IPv4Network]] = []
        else:
            placed = []
            for tier in self.tiers():
                blocks = getattr(self.subnets, tier)
                if len(blocks) != azs:
                    yield (
                        ("subnets", tier),
                        f"{len(blocks)} {tier} subnet(s) for {azs} availability zone(s); list exactly one per zone",
                    )
                for index, block in enumerate(blocks):
                    path = ("subnets", tier, index)
                    try:
                        net = ipaddress.ip_network(block)
                    except ValueError:
                        yield path, _cidr_problem(block)
                        continue
                    if not isinstance(net, ipaddress.IPv4Network) or not net.subnet_of(vpc):
                        yield path, f"subnet {block} is outside the VPC's {self.cidr}"
                        continue
                    if not 16 <= net.prefixlen <= 28:
                        yield path, f"a subnet is a /16 to /28, not a /{net.prefixlen}"
                        continue
                    for other_path, other in placed:
                        if net.overlaps(other):
                            where = ".".join(str(p) for p in other_path[1:2]) + f"[{other_path[2]}]"
                            yield path, f"subnet {block} overlaps {other} ({where})"
                            break
                    placed.append((path, net))
        yield from self._check_nat()
        for index, service in enumerate(self.interface_endpoints):
            if service not in INTERFACE_SERVICES:
                from difflib import get_close_matches

                close = get_close_matches(service, INTERFACE_SERVICES, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(INTERFACE_SERVICES)}"
                yield ("interface_endpoints", index), f"unknown interface endpoint service {service!r}{hint}"
        if len(set(self.interface_endpoints)) != len(self.interface_endpoints):
            yield ("interface_endpoints",), "an interface endpoint is listed twice"

    def _check_nat(self) -> Iterator[tuple[tuple[Any, ...], str]]:
        azs = self.availability_zones
        if isinstance(self.nat_gateways, int) and self.nat_gateways not in {0, 1, azs}:
            yield (
                ("nat_gateways",),
                f"a network over {azs} availability zone(s) has 0, 1 or {azs} NAT gateways (none, single, per_az), "
                f"not {self.nat_gateways}",
            )
        elif self.nat_count and "public" not in self.tiers():
            yield (
                ("nat_gateways",) if "nat_gateways" in self.model_fields_set else ("subnets",),
                f"{self.nat_count} NAT gateway(s) need public subnets to live in; list subnets.public or set "
                "nat_gateways: none",
            )

    # -- build ----------------------------------------------------------------------------------
    def build(self, ctx: BuildContext) -> None:
        p = pascal(self.id_name)
        vpc = ctx.add(
            self,
            ec2.VPC(
                self.vpc_id,
                CidrBlock=self.cidr,
                EnableDnsHostnames=True,
                EnableDnsSupport=True,
                Tags=Tags(Name=ctx.physical_name(self.id_name)),
            ),
            ("cidr",),
        )
        tiers = self.tiers()
        for tier in tiers:
            for index, block in enumerate(self.cidrs(tier)):
                ctx.add(
                    self,
                    ec2.Subnet(
                        self.subnet_id(tier, index),
                        VpcId=Ref(vpc),
                        CidrBlock=block,
                        AvailabilityZone=Select(index, GetAZs("")),
                        MapPublicIpOnLaunch=False,
                        Tags=Tags(Name=ctx.physical_name(self.id_name, f"{tier}-{index + 1}")),
                    ),
                    ("subnets", tier, index) if self.subnets else ("cidr",),
                )
        route_tables = self._routes(ctx, p, tiers)
        self._gateway_endpoints(ctx, p, route_tables)
        self._interface_endpoints(ctx, p)
        self._flow_logs(ctx, p)
        if self.restrict_default_security_group:
            self._restrict_default_sg(ctx, p)
        ctx.output(self, f"{p}VpcId", Ref(vpc), f"VPC of the {self.name} network")
        ctx.output(
            self,
            f"{p}PrivateSubnetIds",
            Join(",", self.subnet_refs("private")),
            f"Private subnets of the {self.name} network",
        )

    def _routes(self, ctx: BuildContext, p: str, tiers: list[str]) -> list[str]:
        """Route tables; returns the IDs of the private and database ones (for gateway endpoints)."""
        azs = self.availability_zones
        internal: list[str] = []
        if "public" in tiers:
            ctx.add(self, ec2.InternetGateway(f"{p}InternetGateway"))
            ctx.add(
                self,
                ec2.VPCGatewayAttachment(
                    f"{p}GatewayAttachment", VpcId=Ref(self.vpc_id), InternetGatewayId=Ref(f"{p}InternetGateway")
                ),
            )
            ctx.add(self, ec2.RouteTable(f"{p}PublicRouteTable", VpcId=Ref(self.vpc_id)))
            route = ec2.Route(
                f"{p}PublicDefaultRoute",
                RouteTableId=Ref(f"{p}PublicRouteTable"),
                DestinationCidrBlock="0.0.0.0/0",
                GatewayId=Ref(f"{p}InternetGateway"),
            )
            route.DependsOn = [f"{p}GatewayAttachment"]
            ctx.add(self, route)
            for index in range(azs):
                self._associate(ctx, p, "public", index, f"{p}PublicRouteTable")
        for index in range(self.nat_count):
            ctx.add(self, ec2.EIP(f"{p}NatEip{index + 1}", Domain="vpc"), ("nat_gateways",))
            nat = ec2.NatGateway(
                f"{p}NatGateway{index + 1}",
                AllocationId=GetAtt(f"{p}NatEip{index + 1}", "AllocationId"),
                SubnetId=Ref(self.subnet_id("public", index)),
                Tags=Tags(Name=ctx.physical_name(self.id_name, f"nat-{index + 1}")),
            )
            nat.DependsOn = [f"{p}GatewayAttachment"]
            ctx.add(self, nat, ("nat_gateways",))
        for index in range(azs):
            table = f"{p}PrivateRouteTable{index + 1}"
            ctx.add(self, ec2.RouteTable(table, VpcId=Ref(self.vpc_id)))
            if self.nat_count:
                nat_index = index if self.nat_count == azs else 0
                ctx.add(
                    self,
                    ec2.Route(
                        f"{p}PrivateDefaultRoute{index + 1}",
                        RouteTableId=Ref(table),
                        DestinationCidrBlock="0.0.0.0/0",
                        NatGatewayId=Ref(f"{p}NatGateway{nat_index + 1}"),
                    ),
                    ("nat_gateways",),
                )
            self._associate(ctx, p, "private", index, table)
            internal.append(table)
        if "database" in tiers:
            table = f"{p}DatabaseRouteTable"
            ctx.add(self, ec2.RouteTable(table, VpcId=Ref(self.vpc_id)))
            for index in range(azs):
                self._associate(ctx, p, "database", index, table)
            internal.append(table)
        return internal

    def _associate(self, ctx: BuildContext, p: str, tier: str, index: int, table: str) -> None:
        ctx.add(
            self,
            ec2.SubnetRouteTableAssociation(
                f"{self.subnet_id(tier, index)}RouteTableAssociation",
                SubnetId=Ref(self.subnet_id(tier, index)),
                RouteTableId=Ref(table),
            ),
        )

    def _gateway_endpoints(self, ctx: BuildContext, p: str, route_tables: list[str]) -> None:
        for service in sorted(set(self.gateway_endpoints)):
            ctx.add(
                self,
                ec2.VPCEndpoint(
                    f"{p}{pascal(service)}Endpoint",
                    VpcId=Ref(self.vpc_id),
                    ServiceName=Sub(f"com.amazonaws.${{AWS::Region}}.{service}"),
                    VpcEndpointType="Gateway",
                    RouteTableIds=[Ref(t) for t in route_tables],
                ),
                ("gateway_endpoints",),
            )

    def _interface_endpoints(self, ctx: BuildContext, p: str) -> None:
        if not self.interface_endpoints:
            return
        ctx.add(
            self,
            ec2.SecurityGroup(
                f"{p}EndpointSecurityGroup",
                GroupDescription=f"{ctx.physical_name(self.id_name)}: HTTPS to interface endpoints from inside the VPC",
                VpcId=Ref(self.vpc_id),
                SecurityGroupIngress=[
                    {
                        "CidrIp": self.cidr,
                        "Description": "HTTPS from the VPC",
                        "FromPort": 443,
                        "IpProtocol": "tcp",
                        "ToPort": 443,
                    }
                ],
                SecurityGroupEgress=[
                    {
                        "CidrIp": "255.255.255.255/32",
                        "Description": "Disallow all traffic",
                        "FromPort": 252,
                        "IpProtocol": "icmp",
                        "ToPort": 86,
                    }
                ],
            ),
            ("interface_endpoints",),
        )
        for service in sorted(self.interface_endpoints):
            ctx.add(
                self,
                ec2.VPCEndpoint(
                    f"{p}{_id_part(service)}Endpoint",
                    VpcId=Ref(self.vpc_id),
                    ServiceName=Sub(f"com.amazonaws.${{AWS::Region}}.{service}"),
                    VpcEndpointType="Interface",
                    PrivateDnsEnabled=True,
                    SubnetIds=self.subnet_refs("private"),
                    SecurityGroupIds=[GetAtt(f"{p}EndpointSecurityGroup", "GroupId")],
                ),
                ("interface_endpoints", self.interface_endpoints.index(service)),
            )

    def _flow_logs(self, ctx: BuildContext, p: str) -> None:
        settings = self.flow_logs
        if settings.destination == "none":
            return
        path = ("flow_logs",)
        flow_log = ec2.FlowLog(
            f"{p}FlowLog",
            ResourceId=Ref(self.vpc_id),
            ResourceType="VPC",
            TrafficType=settings.traffic.upper(),
            MaxAggregationInterval=600,
        )
        if settings.destination == "cloudwatch":
            group = ctx.add(
                self, _service_roles.log_group(ctx, f"{p}FlowLogGroup", self._log_names(ctx)[0], self.kms_key), path
            )
            deliver = Statement(
                Effect=Allow,
                Action=[logs_actions.CreateLogStream, logs_actions.DescribeLogStreams, logs_actions.PutLogEvents],
                Resource=[GetAtt(group, "Arn")],
            )
            role = ctx.add(
                self,
                _service_roles.service_role(
                    f"{p}FlowLogRole", "vpc-flow-logs.amazonaws.com", [deliver], policy_name="deliver-flow-logs"
                ),
                path,
            )
            flow_log.LogDestinationType = "cloud-watch-logs"
            flow_log.LogDestination = GetAtt(group, "Arn")
            flow_log.DeliverLogsPermissionArn = GetAtt(role, "Arn")
        else:
            bucket_id = f"{p}FlowLogBucket"
            bucket = s3.Bucket(
                bucket_id,
                BucketEncryption=s3_managed_encryption(),
                PublicAccessBlockConfiguration=block_public_access(),
                OwnershipControls=object_ownership(),
                VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
                LifecycleConfiguration=s3.LifecycleConfiguration(
                    Rules=[
                        s3.LifecycleRule(
                            Id="expire-flow-logs",
                            Status="Enabled",
                            ExpirationInDays=settings.retention_days,
                            NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(NoncurrentDays=1),
                        )
                    ]
                ),
            )
            _network.checkov_skip(
                bucket,
                "CKV_AWS_18",
                "holds only VPC flow logs written by the log delivery service; access logs of it would need yet "
                "another bucket and record only those deliveries",
            )
            ctx.add(self, bucket, path)
            bucket_arn = GetAtt(bucket_id, "Arn")
            source_account = Condition(StringEquals("aws:SourceAccount", AccountId))
            delivery = [
                Statement(
                    Sid="FlowLogDelivery",
                    Effect=Allow,
                    Principal=Principal("Service", "delivery.logs.amazonaws.com"),
                    Action=[s3_actions.PutObject],
                    Resource=[Join("", [bucket_arn, "/AWSLogs/", AccountId, "/*"])],
                    Condition=source_account,
                ),
                Statement(
                    Sid="FlowLogAclCheck",
                    Effect=Allow,
                    Principal=Principal("Service", "delivery.logs.amazonaws.com"),
                    Action=[s3_actions.GetBucketAcl],
                    Resource=[bucket_arn],
                    Condition=source_account,
                ),
            ]
            ctx.add(
                self,
                tls_only_bucket_policy(f"{p}FlowLogBucketPolicy", bucket_id, delivery, secure_transport=False),
                path,
            )
            flow_log.LogDestinationType = "s3"
            flow_log.LogDestination = bucket_arn
            flow_log.DependsOn = [f"{p}FlowLogBucketPolicy"]
        ctx.add(self, flow_log, path)

    def _restrict_default_sg(self, ctx: BuildContext, p: str) -> None:
        """A custom resource that revokes the default group's rules (CloudFormation cannot edit them)."""
        path = ("restrict_default_security_group",)
        group_arn = Join(
            "",
            [
                "arn:",
                Partition,
                ":ec2:",
                Region,
                ":",
                AccountId,
                ":security-group/",
                GetAtt(self.vpc_id, "DefaultSecurityGroup"),
            ],
        )
        log_group = ctx.add(
            self,
            _service_roles.log_group(ctx, f"{p}RestrictDefaultSgLogGroup", self._log_names(ctx)[1], self.kms_key),
            path,
        )
        statements = [
            Statement(
                Effect=Allow,
                Action=[ec2_actions.RevokeSecurityGroupEgress, ec2_actions.RevokeSecurityGroupIngress],
                Resource=[group_arn],
            ),
            Statement(
                Effect=Allow,
                Action=[logs_actions.CreateLogStream, logs_actions.PutLogEvents],
                Resource=[GetAtt(log_group, "Arn")],
            ),
        ]
        role = ctx.add(
            self,
            # No aws:SourceAccount condition: this is a Lambda function's execution role, and Lambda documents
            # no confused-deputy keys for assuming one (see the function kind).
            _service_roles.service_role(
                f"{p}RestrictDefaultSgRole",
                "lambda.amazonaws.com",
                statements,
                same_account=False,
                policy_name="revoke-default-rules",
            ),
            path,
        )
        function = awslambda.Function(
            f"{p}RestrictDefaultSgFunction",
            Description="Removes every rule of the VPC's default security group (specc provisioning helper).",
            Code=awslambda.Code(ZipFile=_RESTRICT_DEFAULT_SG_CODE),
            Handler="index.handler",
            Runtime="python3.12",
            Architectures=["arm64"],
            MemorySize=128,
            Timeout=60,
            Role=GetAtt(role, "Arn"),
            LoggingConfig=Raw({"LogFormat": "JSON", "LogGroup": Ref(log_group)}),
            Metadata={
                "checkov": {
                    "skip": [
                        {"id": "CKV_AWS_116", "comment": "runs once per deployment from CloudFormation; no queue"},
                        {"id": "CKV_AWS_117", "comment": "calls only the EC2 API; needs no VPC access"},
                        {"id": "CKV_AWS_115", "comment": "invoked only by CloudFormation, once per deployment"},
                        {"id": "CKV_AWS_173", "comment": "has no environment variables"},
                    ]
                }
            },
        )
        ctx.add(self, function, path)
        ctx.add(
            self,
            cloudformation.CustomResource(
                f"{p}RestrictDefaultSecurityGroup",
                ServiceToken=GetAtt(function, "Arn"),
                GroupId=GetAtt(self.vpc_id, "DefaultSecurityGroup"),
            ),
            path,
        )

    def _log_names(self, ctx: Any) -> list[str]:
        base = _service_roles.log_group_name(ctx, self.id_name)
        return [f"{base}/flow-logs", f"{base}/restrict-default-sg"]

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        names = self._log_names(ctx)
        used = [
            names[0] if self.flow_logs.destination == "cloudwatch" else None,
            names[1] if self.restrict_default_security_group else None,
        ]
        return _service_roles.log_key_statements(
            ctx, self.kms_key, key, pascal(self.id_name) + "Logs", [n for n in used if n]
        )

    # -- cost -----------------------------------------------------------------------------------
    def cost(self, ctx: CostContext) -> list[LineItem]:
        # NAT data processed and endpoint data share the usage ``data_processed_gb``: it is charged to
        # the NAT gateways when there are any (internet-bound traffic), else to the interface endpoints.
        p = pascal(self.id_name)
        items: list[LineItem] = []
        if self.nat_count:
            hours = ctx.hours(self)
            items += [
                ctx.item(self, f"{p}NatGateway1", f"{self.nat_count} NAT gateway(s)", "vpc.nat_gateway_hours",
                         self.nat_count * hours),
                ctx.item(self, f"{p}NatGateway1", "NAT gateway data processed", "vpc.nat_gateway_gb",
                         ctx.usage(self, "data_processed_gb")),
                ctx.item(self, f"{p}NatEip1", f"{self.nat_count} public IPv4 address(es) of the NAT gateways",
                         "vpc.public_ipv4_hours", self.nat_count * hours),
            ]  # fmt: skip
        if self.interface_endpoints:
            count = len(self.interface_endpoints) * self.availability_zones
            first = f"{p}{_id_part(sorted(self.interface_endpoints)[0])}Endpoint"
            items.append(
                ctx.item(
                    self,
                    first,
                    f"{len(self.interface_endpoints)} interface endpoint(s) x {self.availability_zones} zone(s)",
                    "vpc.interface_endpoint_hours",
                    count * ctx.hours(self),
                )
            )
            if not self.nat_count:
                items.append(
                    ctx.item(self, first, "interface endpoint data processed", "vpc.interface_endpoint_gb",
                             ctx.usage(self, "data_processed_gb"))
                )  # fmt: skip
        for service in sorted(set(self.gateway_endpoints)):
            items.append(
                ctx.item(self, f"{p}{pascal(service)}Endpoint", f"{service} gateway endpoint (no charge)",
                         "vpc.gateway_endpoint_hours", ctx.hours(self))
            )  # fmt: skip
        if self.flow_logs.destination != "none":
            key = "cloudwatch.logs_vended_gb" if self.flow_logs.destination == "cloudwatch" else "vpc.flow_logs_s3_gb"
            delivered = ctx.usage(self, "log_gb")
            items.append(ctx.item(self, f"{p}FlowLog", "flow logs delivered", key, delivered))
            if self.flow_logs.destination == "cloudwatch":
                retention = ctx.spec.stages[ctx.stage].log_retention_days
                items.append(
                    ctx.item(
                        self, f"{p}FlowLogGroup", f"flow logs storage ({retention}-day retention)",
                        "cloudwatch.logs_storage_gb", delivered / DAYS_PER_MONTH * retention,
                    )
                )  # fmt: skip
            else:
                stored = delivered / DAYS_PER_MONTH * self.flow_logs.retention_days
                items.append(ctx.item(self, f"{p}FlowLogBucket", "flow logs storage", "s3.storage_standard_gb", stored))
        return items


def _id_part(service: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_.]", service) if part)


def _cidr_problem(value: str) -> str:
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"{value!r} is not a CIDR block like 10.0.0.0/16"
    return f"{value} has host bits set; did you mean {net}?"
