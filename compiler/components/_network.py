"""Network plumbing shared by every kind that lives in a VPC (functions, databases, services, load balancers).

Security groups are never written by hand in a spec; they follow from what the spec declares:

* every component in a network gets its own security group (``<Name>SecurityGroup``);
* a component that **listens** (a database, a container service) admits exactly the components that
  use it -- a function's or service's ``uses: {docs-db: read_write}`` or the listener's own
  ``allow_from: [...]`` -- on exactly its port, source group to destination group
  (``AWS::EC2::SecurityGroupIngress`` on the listener, the matching ``AWS::EC2::SecurityGroupEgress``
  on the user);
* nothing admits ``0.0.0.0/0`` except a public load balancer on 80/443 (``public_ingress``).

How a kind uses this module:

```python
class Service(Component):
    network: str                      # the network component it runs in
    allow_from: list[str] = []        # optional explicit callers besides those that `use` it
    port: int                         # what it listens on

    def validate_semantics(self, ctx):
        yield from check_network_member(ctx, self)     # network exists, is a network
        yield from check_uses(ctx, self)               # everything it uses is reachable
        yield from check_allow_from(ctx, self)         # allow_from names are in the same network

    def build(self, ctx):
        group = security_group(ctx, self, "backend service")   # no egress unless asked
        ...
        admit_users(ctx, self, self.port)                       # ingress/egress pairs
```

Rules are standalone resources, so two groups that reference each other never form a cycle.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from troposphere import GetAtt, Ref, ec2

from ..context import pascal

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..model import Component
    from .network import Network

#: CDK's idiom for "no outbound traffic at all": a group with this single egress rule allows nothing
#: (ICMP type 252 code 86 to the broadcast address does not exist), and its presence removes the
#: allow-all egress rule EC2 otherwise adds to every new group.
NO_EGRESS = {
    "CidrIp": "255.255.255.255/32",
    "Description": "Disallow all traffic",
    "FromPort": 252,
    "IpProtocol": "icmp",
    "ToPort": 86,
}


def security_group_id(component: Any) -> str:
    """Logical ID of a component's security group (from its ``id_name``, so renames keep it)."""
    return pascal(component.id_name) + "SecurityGroup"


def network_of(component: Any) -> str | None:
    """The network a component runs in, or None (duck-typed: any kind with a ``network`` field)."""
    value = getattr(component, "network", None)
    return value if isinstance(value, str) else None


def network(ctx: Any, component: Any) -> Network:
    """The network component ``component`` runs in (after validation it exists and is a network)."""
    return ctx.spec.components[network_of(component)]


def listens(component: Any) -> bool:
    """A component others connect to over the network: it is in a network and has a port."""
    return network_of(component) is not None and isinstance(getattr(component, "port", None), int)


def users_of(spec: Any, target: str) -> list[str]:
    """Components allowed to reach ``target``: those that list it under ``uses`` and those in its
    ``allow_from``; sorted, so the derived rules (and the template) are deterministic."""
    names = {name for name, c in spec.components.items() if target in (getattr(c, "uses", None) or {})}
    names |= set(getattr(spec.components.get(target), "allow_from", None) or [])
    return sorted(n for n in names if n != target)


# -- validation ----------------------------------------------------------------------------------


#: The AWS API a component of each kind is reached through by the code that ``uses`` it.
SERVICE_OF_KIND = {
    "bucket": "s3",
    "documentdb": "secretsmanager",  # the credentials secret
    "parameter": "ssm",
    "postgres": "secretsmanager",
    "secret": "secretsmanager",
    "table": "dynamodb",
}


def check_network_member(ctx: Any, component: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """In a network without NAT, everything the component uses through an AWS API needs an endpoint."""
    name = network_of(component)
    target = ctx.spec.components.get(name) if name else None
    if target is None or target.kind_name != "network" or target.nat_count:
        return
    reachable = set(target.gateway_endpoints) | set(target.interface_endpoints)
    for used_name in sorted(getattr(component, "uses", None) or {}):
        used = ctx.spec.components.get(used_name)
        service = SERVICE_OF_KIND.get(used.kind_name) if used is not None else None
        if service and service not in reachable:
            where = "gateway_endpoints" if service in ("s3", "dynamodb") else "interface_endpoints"
            yield (
                ("uses", used_name),
                f"{component.name!r} reaches {used_name!r} through the {service} API, but network {name!r} has no "
                f"NAT gateway and no {service} endpoint; add {service!r} to its {where} or give it a NAT gateway",
            )


def check_uses(ctx: Any, component: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Everything a component ``uses`` over the network is in the same network as the component."""
    mine = network_of(component)
    for target_name in sorted(getattr(component, "uses", None) or {}):
        target = ctx.spec.components.get(target_name)
        if target is None or not listens(target):
            continue
        theirs = network_of(target)
        if mine is None:
            yield (
                ("uses", target_name),
                f"{target_name!r} is a {target.kind_name} in network {theirs!r}, but {component.name!r} is not in a "
                f"network; add 'network: {theirs}' so it can reach it",
            )
        elif mine != theirs:
            yield (
                ("uses", target_name),
                f"{target_name!r} is in network {theirs!r}, but {component.name!r} is in network {mine!r}; "
                "components can only reach each other inside one network",
            )


def check_allow_from(ctx: Any, component: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """``allow_from`` names components in the same network as the listener."""
    mine = network_of(component)
    for index, source_name in enumerate(getattr(component, "allow_from", None) or []):
        source = ctx.spec.components.get(source_name)
        if source is None:
            continue  # the reference check reports unknown names
        if source_name == component.name:
            yield ("allow_from", index), "a component does not need to allow itself"
        elif network_of(source) is None:
            yield (
                ("allow_from", index),
                f"{source_name!r} is not in a network, so it cannot reach {component.name!r}; "
                f"give it 'network: {mine}'",
            )
        elif network_of(source) != mine:
            yield (
                ("allow_from", index),
                f"{source_name!r} is in network {network_of(source)!r}, but {component.name!r} is in network "
                f"{mine!r}; components can only reach each other inside one network",
            )


# -- resources -----------------------------------------------------------------------------------


def security_group(
    ctx: BuildContext,
    owner: Component,
    what: str,
    *,
    egress: list[dict[str, Any]] | None = None,
    path: tuple[Any, ...] = ("network",),
) -> ec2.SecurityGroup:
    """The owner's security group in its network's VPC.

    Without ``egress`` the group allows no outbound traffic (``NO_EGRESS``); rules to the
    components the owner uses are added by ``admit_users`` on the other side.
    """
    vpc = network(ctx, owner)
    group = ec2.SecurityGroup(
        security_group_id(owner),
        GroupDescription=f"{ctx.physical_name(owner.id_name)}: {what}",
        VpcId=Ref(vpc.vpc_id),
        SecurityGroupEgress=egress if egress else [NO_EGRESS],
    )
    ctx.add(owner, group, path)
    return group


def https_egress(description: str = "HTTPS to AWS APIs and the internet (through NAT or VPC endpoints)") -> dict:
    """Outbound HTTPS, which a function or task needs for AWS APIs (Secrets Manager, X-Ray, ...)."""
    return {"CidrIp": "0.0.0.0/0", "Description": description, "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}


def allow(ctx: BuildContext, source: Component, target: Component, port: int, what: str) -> None:
    """Let ``source``'s group reach ``target``'s group on ``port`` (TCP): ingress on the target,
    egress on the source, each owned by the component it modifies."""
    source_sg, target_sg = security_group_id(source), security_group_id(target)
    s, t = pascal(source.id_name), pascal(target.id_name)
    ctx.add(
        target,
        ec2.SecurityGroupIngress(
            f"{t}From{s}Ingress",
            GroupId=GetAtt(target_sg, "GroupId"),
            SourceSecurityGroupId=GetAtt(source_sg, "GroupId"),
            IpProtocol="tcp",
            FromPort=port,
            ToPort=port,
            Description=f"{what} from {source.name}",
        ),
        ("allow_from",),
    )
    ctx.add(
        source,
        ec2.SecurityGroupEgress(
            f"{s}To{t}Egress",
            GroupId=GetAtt(source_sg, "GroupId"),
            DestinationSecurityGroupId=GetAtt(target_sg, "GroupId"),
            IpProtocol="tcp",
            FromPort=port,
            ToPort=port,
            Description=f"{what} on {target.name}",
        ),
        ("uses", target.name),
    )


def admit_users(ctx: BuildContext, target: Component, port: int, what: str | None = None) -> list[str]:
    """Admit every component that uses ``target`` (or is in its ``allow_from``) on ``port``.

    Returns the names admitted. Users outside any network were rejected during validation.
    """
    admitted = []
    for source_name in users_of(ctx.spec, target.name):
        source = ctx.component(source_name)
        if network_of(source) is None:
            continue
        allow(ctx, source, target, port, what or f"{target.kind_name} port {port}")
        admitted.append(source_name)
    return admitted


def public_ingress(ctx: BuildContext, owner: Component, ports: tuple[int, ...] = (80, 443)) -> None:
    """The one place 0.0.0.0/0 is admitted: a public load balancer's HTTP/HTTPS listeners."""
    for port in ports:
        ctx.add(
            owner,
            ec2.SecurityGroupIngress(
                f"{pascal(owner.id_name)}Public{port}Ingress",
                GroupId=GetAtt(security_group_id(owner), "GroupId"),
                CidrIp="0.0.0.0/0",
                IpProtocol="tcp",
                FromPort=port,
                ToPort=port,
                Description=f"public {'HTTPS' if port == 443 else 'HTTP'} listener",
                **({"Metadata": {"checkov": {"skip": [HTTP_REDIRECT_SKIP]}}} if port == 80 else {}),
            ),
        )


#: Port 80 of a public load balancer only answers with a redirect to HTTPS (its listener's one action).
HTTP_REDIRECT_SKIP = {
    "id": "CKV_AWS_260",
    "comment": "port 80 only redirects to HTTPS (the listener's sole action); nothing is served over plain HTTP",
}


def subnet_ids(ctx: Any, component: Any, tier: str = "private") -> list[Ref]:
    """Subnet IDs of a tier (``public``, ``private``, ``database``) of the component's network."""
    return network(ctx, component).subnet_refs(tier)


# -- functions in a network --------------------------------------------------------------------


def lambda_vpc_statements() -> list[Any]:
    """What Lambda needs on a VPC function's role to manage the function's network interfaces.

    The actions of the managed policy AWSLambdaVPCAccessExecutionRole, scoped as far as Lambda allows:
    ``DescribeNetworkInterfaces`` and ``DescribeSubnets`` support no resource-level permissions, so they
    need ``"*"``; the interface actions are limited to this account and region (the scoping the Lambda
    developer guide documents -- Lambda creates and deletes the interfaces itself, before their IDs exist).
    """
    from awacs import ec2 as ec2_actions
    from awacs.aws import Allow, Statement
    from troposphere import Sub

    return [
        Statement(
            Effect=Allow,
            Action=[ec2_actions.DescribeNetworkInterfaces, ec2_actions.DescribeSubnets],
            Resource=["*"],
        ),
        Statement(
            Effect=Allow,
            Action=[
                ec2_actions.AssignPrivateIpAddresses,
                ec2_actions.CreateNetworkInterface,
                ec2_actions.DeleteNetworkInterface,
                ec2_actions.UnassignPrivateIpAddresses,
            ],
            Resource=[Sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:*/*")],
        ),
    ]


def lambda_vpc_config(ctx: BuildContext, function: Component) -> Any:
    """The function's own security group (HTTPS out, plus what ``admit_users`` adds on the other side)
    and a ``VpcConfig`` placing it in its network's private subnets."""
    from troposphere import awslambda

    group = security_group(ctx, function, f"function {function.name}", egress=[https_egress()])
    return awslambda.VPCConfig(
        SubnetIds=subnet_ids(ctx, function, "private"),
        SecurityGroupIds=[GetAtt(group, "GroupId")],
    )


def checkov_skip(resource: Any, check_id: str, reason: str) -> Any:
    """Add a kind's own reasoned checkov skip to a resource before ``ctx.add`` (which merges it with the
    spec's ``security.accept``). For checks a kind does not meet by design or because the spec said so."""
    metadata = dict(getattr(resource, "Metadata", None) or {})
    checkov = dict(metadata.get("checkov") or {})
    skips = [s for s in checkov.get("skip", []) if s["id"] != check_id]
    checkov["skip"] = sorted([*skips, {"id": check_id, "comment": reason}], key=lambda s: s["id"])
    metadata["checkov"] = checkov
    resource.Metadata = metadata
    return resource
