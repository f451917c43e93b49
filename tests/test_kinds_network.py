"""Networks, databases, VPC functions, layers, REST APIs and Amplify apps.

Bad input: each case changes one thing in a valid base spec and asserts the exact
``file:line:col: path: message`` lines ``specc validate`` prints. Good input: the compiled templates
hold what the kinds promise (derived security groups, per-stage NAT and instance counts, secrets by
reference, a deployment that follows the routes) and every kind prices its resources.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from compiler import api
from compiler.components.rest_api import RestApi
from compiler.cost.engine import estimate
from compiler.security import iam_problems, network_problems

from . import spec_helpers

BASE = """\
specc: 1
system: demo
stages:
  dev: {removal_policy: delete}
  prod: {}
components:
  main:
    kind: network
    subnets:
      public: [10.0.1.0/24, 10.0.2.0/24]
      private: [10.0.10.0/24, 10.0.20.0/24]
      database: [10.0.100.0/24, 10.0.200.0/24]
  docs:
    kind: documentdb
    network: main
  db:
    kind: postgres
    network: main
  shared:
    kind: layer
    code: code
    runtimes: [python3.12]
  api-fn:
    kind: function
    code: code
    runtime: python3.12
    network: main
    layers: [shared]
    uses: {docs: read_write, db: read}
  api:
    kind: rest_api
    access: public
    routes:
      "POST /api/contact": api-fn
  site:
    kind: amplify_app
    repository: https://github.com/example/site
    access_token: {secret_name: example/github-token}
    environment: {VITE_API_URL: "${api.url}"}
"""


def write(tmp_path: Path, text: str) -> Path:
    return spec_helpers.write(tmp_path, text, code_dir=True)


def run(tmp_path: Path, text: str) -> tuple[int, list[str]]:
    return spec_helpers.run(tmp_path, text, code_dir=True)


def edit(*pairs: str) -> str:
    text = BASE
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


CASES: dict[str, tuple[str, list[str]]] = {
    "subnet outside the VPC": (
        edit("10.0.200.0/24]", "10.1.200.0/24]"),
        ["SPEC:12:33: components.main.subnets.database[1]: subnet 10.1.200.0/24 is outside the VPC's 10.0.0.0/16"],
    ),
    "overlapping subnets": (
        edit("10.0.20.0/24]", "10.0.10.128/25]"),
        ["SPEC:11:31: components.main.subnets.private[1]: subnet 10.0.10.128/25 overlaps 10.0.10.0/24 (private[0])"],
    ),
    "subnet with host bits set": (
        edit("public: [10.0.1.0/24", "public: [10.0.1.7/24"),
        ["SPEC:10:16: components.main.subnets.public[0]: 10.0.1.7/24 has host bits set; did you mean 10.0.1.0/24?"],
    ),
    "one subnet per zone": (
        edit("database: [10.0.100.0/24, 10.0.200.0/24]", "database: [10.0.100.0/24]"),
        [
            "SPEC:12:17: components.main.subnets.database: 1 database subnet(s) for 2 availability zone(s); "
            "list exactly one per zone"
        ],
    ),
    "vpc too small for computed subnets": (
        edit(
            "    subnets:\n      public: [10.0.1.0/24, 10.0.2.0/24]\n      private: [10.0.10.0/24, 10.0.20.0/24]\n"
            "      database: [10.0.100.0/24, 10.0.200.0/24]\n",
            "    cidr: 10.0.0.0/28\n",
        ),
        [
            "SPEC:9:11: components.main.cidr: 10.0.0.0/28 is too small for 2 computed /28 subnets per tier; use a "
            "larger VPC, a longer subnet_prefix, or list the subnets"
        ],
    ),
    "NAT count that is neither 0, 1 nor one per zone": (
        edit("    kind: network\n", "    kind: network\n    nat_gateways: 3\n"),
        [
            "SPEC:9:19: components.main.nat_gateways: a network over 2 availability zone(s) has 0, 1 or 2 NAT "
            "gateways (none, single, per_az), not 3"
        ],
    ),
    "NAT count misused on one stage only": (
        edit("  prod: {}", "  prod:\n    components:\n      main: {nat_gateways: 5}"),
        [
            "SPEC:7:28: components.main.nat_gateways: a network over 2 availability zone(s) has 0, 1 or 2 NAT "
            "gateways (none, single, per_az), not 5 (stage prod)"
        ],
    ),
    "NAT without public subnets": (
        edit("      public: [10.0.1.0/24, 10.0.2.0/24]\n", ""),
        [
            "SPEC:10:7: components.main.subnets: 2 NAT gateway(s) need public subnets to live in; list "
            "subnets.public or set nat_gateways: none"
        ],
    ),
    "network without NAT or the endpoint the function needs": (
        edit("    kind: network\n", "    kind: network\n    nat_gateways: none\n    interface_endpoints: [ssm]\n"),
        [
            "SPEC:31:18: components.api-fn.uses.docs: 'api-fn' reaches 'docs' through the secretsmanager API, but "
            "network 'main' has no NAT gateway and no secretsmanager endpoint; add 'secretsmanager' to its "
            "interface_endpoints or give it a NAT gateway",
            "SPEC:31:34: components.api-fn.uses.db: 'api-fn' reaches 'db' through the secretsmanager API, but "
            "network 'main' has no NAT gateway and no secretsmanager endpoint; add 'secretsmanager' to its "
            "interface_endpoints or give it a NAT gateway",
        ],
    ),
    "unknown interface endpoint": (
        edit("    kind: network\n", "    kind: network\n    interface_endpoints: [secretmanager]\n"),
        [
            "SPEC:9:27: components.main.interface_endpoints[0]: unknown interface endpoint service 'secretmanager'; "
            "did you mean 'secretsmanager'?"
        ],
    ),
    "unknown DocumentDB instance class": (
        edit("    kind: documentdb\n", "    kind: documentdb\n    instance_class: db.t3.large\n"),
        [
            "SPEC:15:21: components.docs.instance_class: 'db.t3.large' is not a DocumentDB instance class; did you "
            "mean 'db.t3.medium' or 'db.r5.large' or 'db.r8g.large'? (families: db.r5, db.r6g, db.r6gd, db.r8g, "
            "db.t3, db.t4g)"
        ],
    ),
    "unknown PostgreSQL instance class": (
        edit("    kind: postgres\n", "    kind: postgres\n    instance_class: db.m6g.medium\n"),
        [
            "SPEC:18:21: components.db.instance_class: 'db.m6g.medium' is not a PostgreSQL instance class; did you "
            "mean 'db.m6g.large' or 'db.m6g.xlarge' or 'db.m6g.2xlarge'? (families: db.m5, db.m6g, db.m6i, db.m7g, "
            "db.m7i, db.m8g, db.r5, db.r6g, db.r6i, db.r7g, db.r7i, db.r8g, db.t3, db.t4g)"
        ],
    ),
    "function outside the network uses the databases": (
        edit("    runtime: python3.12\n    network: main\n", "    runtime: python3.12\n"),
        [
            "SPEC:28:18: components.api-fn.uses.docs: 'docs' is a documentdb in network 'main', but 'api-fn' is "
            "not in a network; add 'network: main' so it can reach it",
            "SPEC:28:34: components.api-fn.uses.db: 'db' is a postgres in network 'main', but 'api-fn' is not in "
            "a network; add 'network: main' so it can reach it",
        ],
    ),
    "function in another network": (
        edit(
            "  docs:\n",
            "  other:\n    kind: network\n    cidr: 10.1.0.0/16\n  docs:\n",
            "    runtime: python3.12\n    network: main\n",
            "    runtime: python3.12\n    network: other\n",
        ),
        [
            "SPEC:32:18: components.api-fn.uses.docs: 'docs' is in network 'main', but 'api-fn' is in network "
            "'other'; components can only reach each other inside one network",
            "SPEC:32:34: components.api-fn.uses.db: 'db' is in network 'main', but 'api-fn' is in network "
            "'other'; components can only reach each other inside one network",
        ],
    ),
    "allow_from a component outside the network": (
        edit(
            "    kind: documentdb\n    network: main\n",
            "    kind: documentdb\n    network: main\n    allow_from: [report]\n",
            "  api:\n",
            "  report:\n    kind: function\n    code: code\n  api:\n",
        ),
        [
            "SPEC:16:18: components.docs.allow_from[0]: 'report' is not in a network, so it cannot reach 'docs'; "
            "give it 'network: main'"
        ],
    ),
    "database in a one-zone network": (
        edit(
            "    kind: network\n    subnets:\n      public: [10.0.1.0/24, 10.0.2.0/24]\n"
            "      private: [10.0.10.0/24, 10.0.20.0/24]\n      database: [10.0.100.0/24, 10.0.200.0/24]\n",
            "    kind: network\n    availability_zones: 1\n",
        ),
        [
            "SPEC:12:14: components.docs.network: a documentdb subnet group needs subnets in two availability "
            "zones; network 'main' has 1",
            "SPEC:15:14: components.db.network: a postgres subnet group needs subnets in two availability zones; "
            "network 'main' has 1",
        ],
    ),
    "postgres storage limit below the allocation": (
        edit("    kind: postgres\n", "    kind: postgres\n    storage_gb: 100\n    max_storage_gb: 50\n"),
        [
            "SPEC:19:21: components.db.max_storage_gb: max_storage_gb (50) must be above storage_gb (100); set it "
            "to null to turn storage autoscaling off"
        ],
    ),
    "postgres bare major version": (
        edit("    kind: postgres\n", '    kind: postgres\n    version: "16"\n'),
        [
            "SPEC:18:14: components.db.version: PostgreSQL version '16' should be major.minor, e.g. '17.6' or "
            "'16.10' (majors 13 to 18)"
        ],
    ),
    "layer built for another runtime": (
        edit("    runtime: python3.12\n    network", "    runtime: python3.13\n    network"),
        [
            "SPEC:28:14: components.api-fn.layers[0]: layer 'shared' is built for python3.12, not this function's "
            "python3.13"
        ],
    ),
    "unknown layer": (
        edit("    layers: [shared]", "    layers: [sharde]"),
        ["SPEC:28:14: components.api-fn.layers[0]: unknown layer 'sharde'; did you mean 'shared'? (layers: shared)"],
    ),
    "route without access": (
        edit("    access: public\n", ""),
        [
            "SPEC:33:28: components.api.routes.POST /api/contact: say who may call this route: 'access: public', "
            "'iam' or 'api_key', here or for the whole API"
        ],
    ),
    "api key without a usage plan": (
        edit("    access: public\n", "    access: api_key\n"),
        ["SPEC:32:13: components.api.access: access: api_key needs a usage_plan (it holds the key)"],
    ),
    "route key without a path": (
        edit('      "POST /api/contact": api-fn', '      "POST api/contact": api-fn'),
        [
            "SPEC:34:7: components.api.routes: the path of route 'POST api/contact' must start with '/' and hold "
            "no spaces"
        ],
    ),
    "two parameter names at one level": (
        edit(
            '      "POST /api/contact": api-fn',
            '      "GET /items/{id}": api-fn\n      "GET /items/{itemId}/parts": api-fn',
        ),
        [
            "SPEC:34:26: components.api.routes.GET /items/{id}: /items has different parameters {id}, {itemId} at "
            "the same level; API Gateway allows one name per level: use the same name in every route"
        ],
    ),
    "body schema that is not a JSON schema": (
        edit(
            '      "POST /api/contact": api-fn', '      "POST /api/contact": {function: api-fn, body_schema: {type: 7}}'
        ),
        [
            "SPEC:34:60: components.api.routes.POST /api/contact.body_schema: not a valid JSON Schema (draft 4): "
            "7 is not valid under any of the given schemas (at type)"
        ],
    ),
    "amplify reference to an unknown attribute": (
        edit('"${api.url}"', '"${api.endpoint}"'),
        [
            "SPEC:39:33: components.site.environment.VITE_API_URL: a rest_api has no attribute 'endpoint'; "
            "attributes: url, id"
        ],
    ),
    "amplify reference to an unknown component": (
        edit('"${api.url}"', '"${apx.url}"'),
        [
            "SPEC:39:33: components.site.environment.VITE_API_URL: unknown component 'apx'; did you mean 'api'? "
            "(components: api)"
        ],
    ),
    "amplify token written into the spec": (
        edit('"${api.url}"', '"ghp_' + "a" * 36 + '"'),
        [
            "SPEC:39:33: components.site.environment.VITE_API_URL: this looks like a GitHub token; never put a "
            "credential in a spec (it would be in git and in the template), and build-time variables end up in the "
            "published site"
        ],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_a_located_error(tmp_path: Path, name: str) -> None:
    text, expected = CASES[name]
    code, lines = run(tmp_path, text)
    assert code != 0
    assert lines == expected


def test_base_spec_is_valid(tmp_path: Path) -> None:
    code, lines = run(tmp_path, BASE)
    assert (code, lines) == (0, [])


# -- what the templates hold --------------------------------------------------------------------


def compile_stages(tmp_path: Path, text: str) -> dict[str, dict[str, Any]]:
    spec = write(tmp_path, text)
    return {c.stage: c.template for c in api.compile_spec(str(spec), out=tmp_path / "out")}


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_database_groups_admit_exactly_their_users_on_their_port(tmp_path: Path) -> None:
    template = compile_stages(tmp_path, BASE)["prod"]
    ingress = {k: v["Properties"] for k, v in of_type(template, "AWS::EC2::SecurityGroupIngress").items()}
    assert ingress == {
        "DocsFromApiFnIngress": {
            "GroupId": {"Fn::GetAtt": ["DocsSecurityGroup", "GroupId"]},
            "SourceSecurityGroupId": {"Fn::GetAtt": ["ApiFnSecurityGroup", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": 27017,
            "ToPort": 27017,
            "Description": "DocumentDB port 27017 from api-fn",
        },
        "DbFromApiFnIngress": {
            "GroupId": {"Fn::GetAtt": ["DbSecurityGroup", "GroupId"]},
            "SourceSecurityGroupId": {"Fn::GetAtt": ["ApiFnSecurityGroup", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "Description": "PostgreSQL port 5432 from api-fn",
        },
    }
    egress = of_type(template, "AWS::EC2::SecurityGroupEgress")
    assert sorted(egress) == ["ApiFnToDbEgress", "ApiFnToDocsEgress"]
    groups = of_type(template, "AWS::EC2::SecurityGroup")
    for name in ("DocsSecurityGroup", "DbSecurityGroup"):
        # No inline ingress; the only egress rule is the "allow nothing" placeholder.
        assert "SecurityGroupIngress" not in groups[name]["Properties"]
        assert groups[name]["Properties"]["SecurityGroupEgress"][0]["CidrIp"] == "255.255.255.255/32"
    assert not network_problems(template)
    assert not iam_problems(template)


def test_allow_from_admits_a_component_that_does_not_use_the_database(tmp_path: Path) -> None:
    text = edit(
        "    kind: documentdb\n    network: main\n",
        "    kind: documentdb\n    network: main\n    allow_from: [migrate]\n",
        "  api:\n",
        "  migrate:\n    kind: function\n    code: code\n    network: main\n  api:\n",
    )
    template = compile_stages(tmp_path, text)["dev"]
    assert "DocsFromMigrateIngress" in template["Resources"]
    assert "DbFromMigrateIngress" not in template["Resources"]
    # allow_from opens the network path only; IAM access to the secret still comes from `uses`.
    policy = json.dumps(template["Resources"]["MigrateRole"]["Properties"]["Policies"])
    assert "DocsSecret" not in policy


def test_vpc_function_gets_subnets_group_env_and_only_its_secrets(tmp_path: Path) -> None:
    template = compile_stages(tmp_path, BASE)["prod"]
    function = template["Resources"]["ApiFnFunction"]["Properties"]
    assert function["VpcConfig"] == {
        "SubnetIds": [{"Ref": "MainPrivateSubnet1"}, {"Ref": "MainPrivateSubnet2"}],
        "SecurityGroupIds": [{"Fn::GetAtt": ["ApiFnSecurityGroup", "GroupId"]}],
    }
    assert function["Layers"] == [{"Ref": "SharedLayer"}]
    env = function["Environment"]["Variables"]
    assert env["DOCDB_SECRET_ARN"] == {"Ref": "DocsSecret"}
    assert env["DOCDB_HOST"] == {"Fn::GetAtt": ["DocsCluster", "Endpoint"]}
    assert env["POSTGRES_SECRET_ARN"] == {"Fn::GetAtt": ["DbDatabase", "MasterUserSecret.SecretArn"]}
    assert env["PGSSLMODE"] == "require"
    statements = template["Resources"]["ApiFnRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    secret_reads = [s for s in statements if "secretsmanager:GetSecretValue" in s["Action"]]
    assert [s["Resource"] for s in secret_reads] == [
        [{"Fn::GetAtt": ["DbDatabase", "MasterUserSecret.SecretArn"]}],
        [{"Ref": "DocsSecret"}],
    ]
    eni = [s for s in statements if "ec2:CreateNetworkInterface" in s["Action"]]
    assert eni[0]["Resource"] == [{"Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:*/*"}]


def test_documentdb_credentials_are_generated_and_attached(tmp_path: Path) -> None:
    resources = compile_stages(tmp_path, BASE)["prod"]["Resources"]
    secret = resources["DocsSecret"]["Properties"]["GenerateSecretString"]
    assert secret["GenerateStringKey"] == "password" and secret["PasswordLength"] == 32
    cluster = resources["DocsCluster"]
    assert cluster["DeletionPolicy"] == "Snapshot"
    props = cluster["Properties"]
    assert props["MasterUserPassword"] == {"Fn::Sub": "{{resolve:secretsmanager:${DocsSecret}:SecretString:password}}"}
    assert props["StorageEncrypted"] is True and props["DeletionProtection"] is True
    assert resources["DocsParameterGroup"]["Properties"]["Parameters"]["tls"] == "enabled"
    assert resources["DocsSecretAttachment"]["Properties"]["TargetType"] == "AWS::DocDB::DBCluster"


def test_stage_overlays_set_instances_multi_az_and_nat_per_stage(tmp_path: Path) -> None:
    text = edit(
        "  dev: {removal_policy: delete}",
        "  dev:\n    removal_policy: delete\n    components:\n      main: {nat_gateways: single}\n"
        "      db: {multi_az: false}",
        "  prod: {}",
        "  prod:\n    components:\n      docs: {instances: 3}",
    )
    stages = compile_stages(tmp_path, text)
    dev, prod = stages["dev"], stages["prod"]
    assert len(of_type(dev, "AWS::EC2::NatGateway")) == 1
    assert len(of_type(prod, "AWS::EC2::NatGateway")) == 2
    routes = {
        k: v["Properties"]["NatGatewayId"]
        for k, v in of_type(dev, "AWS::EC2::Route").items()
        if "NatGatewayId" in v["Properties"]
    }
    assert routes == {
        "MainPrivateDefaultRoute1": {"Ref": "MainNatGateway1"},
        "MainPrivateDefaultRoute2": {"Ref": "MainNatGateway1"},
    }
    assert len(of_type(dev, "AWS::DocDB::DBInstance")) == 1
    assert len(of_type(prod, "AWS::DocDB::DBInstance")) == 3
    assert dev["Resources"]["DbDatabase"]["Properties"]["MultiAZ"] is False
    assert prod["Resources"]["DbDatabase"]["Properties"]["MultiAZ"] is True
    assert dev["Resources"]["DbDatabase"]["Properties"]["DeletionProtection"] is False
    assert prod["Resources"]["DbDatabase"]["Properties"]["DeletionProtection"] is True
    skips = {s["id"] for s in dev["Resources"]["DbDatabase"]["Metadata"]["checkov"]["skip"]}
    assert "CKV_AWS_157" in skips  # single-AZ said in the spec, with its reason
    prod_skips = prod["Resources"]["DbDatabase"]["Metadata"].get("checkov", {}).get("skip", [])
    assert "CKV_AWS_157" not in {s["id"] for s in prod_skips}


def test_database_subnets_have_no_route_out(tmp_path: Path) -> None:
    template = compile_stages(tmp_path, BASE)["prod"]
    routes = of_type(template, "AWS::EC2::Route")
    assert not [r for r in routes.values() if r["Properties"]["RouteTableId"] == {"Ref": "MainDatabaseRouteTable"}]
    endpoints = of_type(template, "AWS::EC2::VPCEndpoint")
    assert {"Ref": "MainDatabaseRouteTable"} in endpoints["MainS3Endpoint"]["Properties"]["RouteTableIds"]


def test_computed_subnets_are_deterministic_quarters(tmp_path: Path) -> None:
    text = BASE.replace(
        "    subnets:\n      public: [10.0.1.0/24, 10.0.2.0/24]\n      private: [10.0.10.0/24, 10.0.20.0/24]\n"
        "      database: [10.0.100.0/24, 10.0.200.0/24]\n",
        "    cidr: 10.20.0.0/16\n    availability_zones: 3\n",
    )
    resources = compile_stages(tmp_path, text)["dev"]["Resources"]
    blocks = {k: v["Properties"]["CidrBlock"] for k, v in resources.items() if v["Type"] == "AWS::EC2::Subnet"}
    assert blocks == {
        "MainPublicSubnet1": "10.20.0.0/24",
        "MainPublicSubnet2": "10.20.1.0/24",
        "MainPublicSubnet3": "10.20.2.0/24",
        "MainPrivateSubnet1": "10.20.64.0/24",
        "MainPrivateSubnet2": "10.20.65.0/24",
        "MainPrivateSubnet3": "10.20.66.0/24",
        "MainDatabaseSubnet1": "10.20.128.0/24",
        "MainDatabaseSubnet2": "10.20.129.0/24",
        "MainDatabaseSubnet3": "10.20.130.0/24",
    }
    zone = resources["MainPrivateSubnet3"]["Properties"]["AvailabilityZone"]
    assert zone == {"Fn::Select": [2, {"Fn::GetAZs": ""}]}


def test_deployment_is_replaced_exactly_when_routes_change(tmp_path: Path) -> None:
    def deployment(text: str) -> str:
        (name,) = of_type(compile_stages(tmp_path, text)["dev"], "AWS::ApiGateway::Deployment")
        return name

    first = deployment(BASE)
    assert first == deployment(BASE)  # deterministic
    assert first == deployment(BASE.replace("  site:", "  site:\n    description: unrelated change"))
    changed = deployment(
        BASE.replace('"POST /api/contact": api-fn', '"POST /api/contact": api-fn\n      "GET /api/contact": api-fn')
    )
    assert changed != first and changed.startswith("ApiDeployment")


def test_rest_api_methods_and_permissions(tmp_path: Path) -> None:
    text = edit(
        '      "POST /api/contact": api-fn',
        '      "POST /api/contact": api-fn\n      "GET /api/items/{id}": {function: api-fn, access: iam}',
    )
    resources = compile_stages(tmp_path, text)["dev"]["Resources"]
    item = resources["ApiApiItemsIdParamGetMethod"]["Properties"]
    assert item["AuthorizationType"] == "AWS_IAM"
    assert item["ResourceId"] == {"Ref": "ApiApiItemsIdParamResource"}
    assert item["RequestParameters"] == {"method.request.path.id": True}
    assert resources["ApiApiItemsIdParamResource"]["Properties"]["ParentId"] == {"Ref": "ApiApiItemsResource"}
    permission = resources["ApiApiItemsIdParamGetPermission"]["Properties"]["SourceArn"]["Fn::Sub"]
    assert permission.endswith("${ApiRestApi}/dev/GET/api/items/*")
    contact = resources["ApiApiContactPostMethod"]
    assert contact["Properties"]["AuthorizationType"] == "NONE"
    assert {s["id"] for s in contact["Metadata"]["checkov"]["skip"]} == {"CKV_AWS_59"}  # public, said so


def test_amplify_environment_references_the_api_url(tmp_path: Path) -> None:
    resources = compile_stages(tmp_path, BASE)["prod"]["Resources"]
    app = resources["SiteApp"]["Properties"]
    assert app["AccessToken"] == "{{resolve:secretsmanager:example/github-token}}"
    assert app["EnvironmentVariables"] == [
        {
            "Name": "VITE_API_URL",
            "Value": {"Fn::Sub": "https://${ApiRestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod"},
        }
    ]
    assert resources["SiteBranch"]["Properties"]["Stage"] == "PRODUCTION"


def test_rest_api_routes_hash_covers_schemas() -> None:
    def api(schema: dict[str, Any]) -> RestApi:
        return RestApi.model_validate(
            {"kind": "rest_api", "access": "public", "routes": {"POST /x": {"function": "f", "body_schema": schema}}}
        )

    assert api({"type": "object"})._routes_hash() != api({"type": "array"})._routes_hash()
    assert api({"type": "object"})._routes_hash() == api({"type": "object"})._routes_hash()


# -- cost ---------------------------------------------------------------------------------------


def test_every_kind_prices_its_resources(tmp_path: Path) -> None:
    text = edit(
        "  dev: {removal_policy: delete}",
        "  dev:\n    removal_policy: delete\n    components:\n      main: {nat_gateways: single, interface_endpoints: [logs]}"
        "\n      db: {multi_az: false}",
    )
    spec = write(tmp_path, text)
    specs = api.validate(api.load(str(spec)))
    dev = {(line.item.component, line.item.price_key): line for line in estimate(specs["dev"], "dev").lines}
    prod = {(line.item.component, line.item.price_key): line for line in estimate(specs["prod"], "prod").lines}
    assert dev[("main", "vpc.nat_gateway_hours")].item.quantity == 730
    assert prod[("main", "vpc.nat_gateway_hours")].item.quantity == 2 * 730
    assert prod[("main", "vpc.public_ipv4_hours")].item.quantity == 2 * 730
    assert dev[("main", "vpc.interface_endpoint_hours")].item.quantity == 2 * 730
    assert dev[("docs", "docdb.instance_hours.db.t3.medium")].priced
    assert dev[("db", "rds.instance_hours.postgres.db.t4g.micro")].priced
    assert prod[("db", "rds.instance_hours_multi_az.postgres.db.t4g.micro")].priced
    assert prod[("db", "rds.storage_gp3_gb_multi_az")].item.quantity == 20
    assert prod[("api", "apigateway.rest_requests")].priced
    assert prod[("site", "amplify.build_minutes")].priced
    assert all(line.priced for line in prod.values()), [k for k, v in prod.items() if not v.priced]


def test_an_unpriced_instance_class_is_not_priced_never_free(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        specc: 1
        system: demo
        stages: {prod: {}}
        components:
          main: {kind: network, nat_gateways: none}
          db: {kind: postgres, network: main, instance_class: db.r7i.48xlarge}
        """
    )
    spec = write(tmp_path, text)
    (result,) = api.estimate_spec(str(spec))
    (line,) = [x for x in result.lines if x.item.price_key == "rds.instance_hours_multi_az.postgres.db.r7i.48xlarge"]
    assert not line.priced and line.monthly is None
