"""Containers, load balancers, CI/CD and WAF.

Bad input: each case changes one thing in a valid base spec and asserts the exact
``file:line:col: path: message`` lines ``specc validate`` prints. Good input: the compiled template
holds what the kinds promise (least-privilege roles derived from the spec, security groups that
admit only the load balancer on the service port, injected secrets by ARN, scaling, the circuit
breaker, a pipeline wired from GitHub to ECS, a WAF associated with what it protects) and the CI/CD
kinds price their use.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from compiler import api
from compiler.components.service import FARGATE_MEMORY
from compiler.security import iam_problems, network_problems

from .cost_helpers import estimate, monthly
from .spec_helpers import run, write

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
CONNECTION = "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666"

BASE = f"""\
specc: 1
system: demo
region: us-east-1
stages:
  dev: {{removal_policy: delete}}
  prod: {{}}
components:
  main:
    kind: network
  logs:
    kind: log_bucket
  app:
    kind: container_cluster
  images:
    kind: image_repository
  token:
    kind: secret
  data:
    kind: table
    partition_key: PK
  api:
    kind: service
    cluster: app
    network: main
    image: {{repository: images}}
    cpu: 512
    memory: 1024
    port: 3000
    secrets: {{API_TOKEN: token}}
    uses: {{data: read_write}}
    scaling: {{min: 2, max: 4}}
  web:
    kind: service
    cluster: app
    network: main
    image: public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine
    port: 8080
  edge:
    kind: load_balancer
    network: main
    certificate_arn: {CERT}
    access_logs: logs
    routes:
      - {{paths: ["/api/*"], service: api}}
      - {{service: web}}
  shield:
    kind: waf
    attach_to: [edge]
  build-api:
    kind: build_project
    buildspec: api/buildspec.yml
    image_repository: images
  tests:
    kind: build_project
    buildspec: tests/buildspec.yml
  ship:
    kind: pipeline
    source:
      repository: example/demo
      connection_arn: {CONNECTION}
    access_logs: logs
    stages:
      - {{name: build, build: [build-api]}}
      - {{name: test, build: [tests]}}
      - {{name: deploy, approval: true, deploy: [api]}}
"""


def edit(*pairs: tuple[str, str], base: str = BASE) -> str:
    text = base
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


OTHER_NETWORK = (
    "  logs:\n    kind: log_bucket\n",
    "  logs:\n    kind: log_bucket\n  other:\n    kind: network\n    cidr: 10.1.0.0/16\n",
)

CASES: dict[str, tuple[str, list[str]]] = {
    "service port clash: two routes on the same path": (
        edit(
            (
                '      - {paths: ["/api/*"], service: api}\n',
                '      - {paths: ["/api/*"], service: api}\n      - {paths: ["/api/*"], service: web}\n',
            )
        ),
        [
            "SPEC:45:9: components.edge.routes[1]: route clash: paths /api/* already goes to service 'api' "
            "(routes[0]); the listener could never send these requests to 'web'"
        ],
    ),
    "service port clash: two catch-all routes": (
        edit(("      - {service: web}\n", "      - {service: web}\n      - {service: api}\n")),
        [
            "SPEC:46:9: components.edge.routes[2]: route clash: everything else already goes to service 'web' "
            "(routes[1]); the listener could never send these requests to 'api'"
        ],
    ),
    "invalid Fargate CPU/memory combination": (
        edit(("    cpu: 512\n    memory: 1024\n", "    cpu: 512\n    memory: 8192\n")),
        [
            "SPEC:27:13: components.api.memory: Fargate does not run 512 CPU units with 8192 MiB; with cpu 512 "
            "memory must be 1024, 2048, 3072, 4096 MiB"
        ],
    ),
    "CPU that Fargate does not offer": (
        edit(("    cpu: 512\n", "    cpu: 768\n")),
        ["SPEC:26:10: components.api.cpu: must be 256, 512, 1024, 2048, 4096, 8192 or 16384, got 768"],
    ),
    "service outside the load balancer's network": (
        edit(
            OTHER_NETWORK,
            (
                "    image: public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine\n    port: 8080\n",
                "    image: public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine\n    port: 8080\n    network: other\n",
            ),
        ).replace("    network: main\n    image: public", "    image: public"),
        [
            "SPEC:48:19: components.edge.routes[1].service: service 'web' runs in network 'other', outside this "
            "load balancer's network 'main'; a load balancer reaches only services in its own network"
        ],
    ),
    "service using a database outside its network": (
        edit(
            OTHER_NETWORK,
            ("  data:\n    kind: table\n    partition_key: PK\n", "  db:\n    kind: postgres\n    network: other\n"),
            ("    uses: {data: read_write}\n", "    uses: {db: read_write}\n"),
        ),
        [
            "SPEC:33:16: components.api.uses.db: 'db' is in network 'other', but 'api' is in network 'main'; "
            "components can only reach each other inside one network"
        ],
    ),
    "WAF on something that cannot take one": (
        edit(("    attach_to: [edge]\n", "    attach_to: [data]\n")),
        [
            "SPEC:48:17: components.shield.attach_to[0]: a table cannot take a WAF web ACL; AWS WAF protects load "
            "balancers, REST APIs, user pools and CDNs (auth, cdn, load_balancer, rest_api, static_site)"
        ],
    ),
    "CLOUDFRONT scope outside us-east-1": (
        edit(
            ("region: us-east-1\n", "region: eu-west-1\n"),
            (CERT, CERT.replace("us-east-1", "eu-west-1")),
            ("    attach_to: [edge]\n", "    scope: cloudfront\n    attach_to: [edge]\n"),
        ),
        [
            "SPEC:48:12: components.shield.scope: a CLOUDFRONT-scope web ACL can only be created in us-east-1, and "
            "this stage deploys to eu-west-1; deploy the stage to us-east-1, or protect a regional resource instead",
            "SPEC:49:17: components.shield.attach_to[0]: 'edge' (load_balancer) takes a REGIONAL-scope web ACL, but "
            "this one is CLOUDFRONT; set scope: regional",
        ],
    ),
    "two web ACLs on one load balancer": (
        edit(("  build-api:\n", "  shield2:\n    kind: waf\n    attach_to: [edge]\n  build-api:\n")),
        [
            "SPEC:48:17: components.shield.attach_to[0]: 'edge' is already protected by web ACL 'shield2'; a "
            "resource takes one",
            "SPEC:51:17: components.shield2.attach_to[0]: 'edge' is already protected by web ACL 'shield'; a "
            "resource takes one",
        ],
    ),
    "WAF rules over the base capacity": (
        edit(
            (
                "    attach_to: [edge]\n",
                "    attach_to: [edge]\n    managed_rules: [common, known_bad_inputs, sql_injection, linux, windows, php]\n",
            )
        ),
        [
            "SPEC:49:20: components.shield.managed_rules: these rules need 1602 web ACL capacity units; above 1500 "
            "AWS bills extra -- drop a rule group or split the protection over two web ACLs"
        ],
    ),
    "load balancer without a certificate": (
        edit((f"    certificate_arn: {CERT}\n", "")),
        [
            "SPEC:39:5: components.edge: an HTTPS listener needs a certificate: give 'domain' (a certificate is "
            "created) or 'certificate_arn'"
        ],
    ),
    "certificate from another region": (
        edit((CERT, CERT.replace("us-east-1", "eu-west-1"))),
        [
            "SPEC:41:22: components.edge.certificate_arn: a load balancer needs a certificate in its own region "
            "(us-east-1); this one is in eu-west-1"
        ],
    ),
    "public load balancer in a network without public subnets": (
        edit(
            (
                "  main:\n    kind: network\n",
                "  main:\n    kind: network\n    nat_gateways: none\n"
                "    subnets:\n      private: [10.0.10.0/24, 10.0.20.0/24]\n",
            )
        ),
        [
            "SPEC:43:14: components.edge.network: network 'main' has no public subnets for an internet-facing load "
            "balancer"
        ],
    ),
    "desired count with auto scaling": (
        edit(("    scaling: {min: 2, max: 4}\n", "    scaling: {min: 2, max: 4}\n    desired_count: 3\n")),
        [
            "SPEC:32:20: components.api.desired_count: with scaling the task count is set by auto scaling (min 2, "
            "max 4); leave desired_count out"
        ],
    ),
    "image without a tag": (
        edit(("public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine", "nginx")),
        [
            "SPEC:36:12: components.web.image: 'nginx' is not an image reference with a tag or digest, like "
            "'public.ecr.aws/nginx/nginx-unprivileged:1.27'; for this spec's repositories use {repository: <name>}"
        ],
    ),
    "secret written into the environment": (
        edit(("    port: 8080\n", "    port: 8080\n    environment: {DB_PASSWORD: hunter2hunter2}\n")),
        [
            "SPEC:38:32: components.web.environment.DB_PASSWORD: DB_PASSWORD looks like a secret; never put a secret "
            "in plain text -- declare a secret component and list it under 'secrets'"
        ],
    ),
    "pipeline deploys a service nothing builds": (
        edit(("      - {name: build, build: [build-api]}\n", "      - {name: build, build: [tests]}\n")).replace(
            "      - {name: test, build: [tests]}\n", ""
        ),
        [
            "SPEC:50:5: components.build-api: no pipeline runs this build project, so it has no source; list it in "
            "a pipeline's stages",
            "SPEC:64:49: components.ship.stages[1].deploy[0]: no build in an earlier stage pushes 'images', the image "
            "of service 'api'",
        ],
    ),
    "pipeline deploys a public image": (
        edit(("deploy: [api]", "deploy: [web]")),
        [
            "SPEC:65:49: components.ship.stages[2].deploy[0]: service 'web' runs a public image; a pipeline deploys "
            "images from an image_repository"
        ],
    ),
    "invalid connection ARN": (
        edit((CONNECTION, "arn:aws:codeconnections:us-east-1:123:connection/x")),
        [
            "SPEC:60:23: components.ship.source.connection_arn: not a connection ARN; expected "
            "arn:aws:codeconnections:<region>:<account>:connection/<id>"
        ],
    ),
    "unknown cluster": (
        edit(
            (
                "    cluster: app\n    network: main\n    image: {repository",
                "    cluster: ap\n    network: main\n    image: {repository",
            )
        ),
        [
            "SPEC:23:14: components.api.cluster: unknown container cluster 'ap'; did you mean 'app'? (container clusters: app)"
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_located(tmp_path: Path, case: str) -> None:
    text, expected = CASES[case]
    code, lines = run(tmp_path, text)
    assert code != 0
    assert lines == expected


def test_base_spec_is_valid(tmp_path: Path) -> None:
    code, lines = run(tmp_path, BASE)
    assert (code, lines) == (0, [])


# -- good input -----------------------------------------------------------------------------------


_COMPILED: dict[tuple[str, str], dict[str, Any]] = {}


def compiled(tmp_path: Path, text: str = BASE, stage: str = "prod") -> dict[str, Any]:
    """The template of one stage (each spec text is compiled once per test session)."""
    if (text, stage) not in _COMPILED:
        for result in api.compile_spec(write(tmp_path, text), out=tmp_path / "out"):
            _COMPILED[(text, result.stage)] = result.template
    return _COMPILED[(text, stage)]


def statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    policies = template["Resources"][role]["Properties"].get("Policies", [])
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def test_the_whole_base_spec_is_least_privilege_and_closed(tmp_path: Path) -> None:
    for stage in ("dev", "prod"):
        template = compiled(tmp_path, stage=stage)
        assert iam_problems(template) == []
        assert network_problems(template) == []


def test_execution_role_pulls_its_image_writes_its_logs_and_reads_its_secrets_only(tmp_path: Path) -> None:
    template = compiled(tmp_path)
    got = statements(template, "ApiExecutionRole")
    assert got == [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [{"Fn::GetAtt": ["ApiLogGroup", "Arn"]}],
        },
        # GetAuthorizationToken has no resource-level permissions; image reads are on the repository.
        {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"]},
        {
            "Effect": "Allow",
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": [{"Fn::GetAtt": ["ImagesRepository", "Arn"]}],
        },
        {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": [{"Ref": "TokenSecret"}]},
    ]
    trust = template["Resources"]["ApiExecutionRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_task_role_holds_exactly_what_uses_asks_for(tmp_path: Path) -> None:
    template = compiled(tmp_path)
    (only,) = statements(template, "ApiTaskRole")
    assert only["Resource"] == [{"Fn::GetAtt": ["DataTable", "Arn"]}]
    assert all(a.startswith("dynamodb:") and "*" not in a for a in only["Action"])
    assert statements(template, "WebTaskRole") == []  # uses nothing, may do nothing


def test_task_definition_injects_secrets_by_arn_and_passes_connection_variables(tmp_path: Path) -> None:
    template = compiled(tmp_path)
    props = template["Resources"]["ApiTaskDefinition"]["Properties"]
    assert (props["Cpu"], props["Memory"], props["NetworkMode"]) == ("512", "1024", "awsvpc")
    assert props["RequiresCompatibilities"] == ["FARGATE"]
    (container,) = props["ContainerDefinitions"]
    assert container["Secrets"] == [{"Name": "API_TOKEN", "ValueFrom": {"Ref": "TokenSecret"}}]
    assert container["Environment"] == [{"Name": "TABLE_NAME", "Value": {"Ref": "DataTable"}}]
    assert container["Image"] == {"Fn::Join": [":", [{"Fn::GetAtt": ["ImagesRepository", "RepositoryUri"]}, "latest"]]}
    assert container["ReadonlyRootFilesystem"] is True
    assert container["LogConfiguration"]["Options"]["awslogs-group"] == {"Ref": "ApiLogGroup"}
    assert template["Resources"]["ApiLogGroup"]["Properties"]["RetentionInDays"] == 30


def test_a_json_key_of_a_secret_is_injected_with_the_key_in_value_from(tmp_path: Path) -> None:
    text = edit(("    secrets: {API_TOKEN: token}\n", "    secrets: {API_TOKEN: {secret: token, key: value}}\n"))
    container = compiled(tmp_path, text)["Resources"]["ApiTaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    assert container["Secrets"] == [
        {"Name": "API_TOKEN", "ValueFrom": {"Fn::Join": ["", [{"Ref": "TokenSecret"}, ":value::"]]}}
    ]


def test_services_run_privately_with_a_circuit_breaker_and_scale_on_cpu_and_memory(tmp_path: Path) -> None:
    resources = compiled(tmp_path)["Resources"]
    api_service = resources["ApiService"]["Properties"]
    network = api_service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert network["Subnets"] == [{"Ref": "MainPrivateSubnet1"}, {"Ref": "MainPrivateSubnet2"}]
    assert api_service["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert "DesiredCount" not in api_service  # auto scaling owns the count; updates never reset it
    assert resources["WebService"]["Properties"]["DesiredCount"] == 2  # no scaling: the default count
    assert resources["ApiService"]["DependsOn"] == ["EdgeApiRule"]
    assert resources["WebService"]["DependsOn"] == ["EdgeHttpsListener"]
    target = resources["ApiScalableTarget"]["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"], target["ScalableDimension"]) == (
        2,
        4,
        "ecs:service:DesiredCount",
    )
    metrics = {
        resources[name]["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
            "PredefinedMetricType"
        ]
        for name in ("ApiCpuScalingPolicy", "ApiMemoryScalingPolicy")
    }
    assert metrics == {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"}


def test_only_the_load_balancer_is_open_to_the_internet_and_only_on_80_and_443(tmp_path: Path) -> None:
    resources = compiled(tmp_path)["Resources"]
    open_rules = [
        (name, r["Properties"]["FromPort"])
        for name, r in resources.items()
        if r["Type"] == "AWS::EC2::SecurityGroupIngress" and r["Properties"].get("CidrIp") == "0.0.0.0/0"
    ]
    assert sorted(open_rules) == [("EdgePublic443Ingress", 443), ("EdgePublic80Ingress", 80)]
    api_ingress = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::SecurityGroupIngress"
        and r["Properties"]["GroupId"] == {"Fn::GetAtt": ["ApiSecurityGroup", "GroupId"]}
    ]
    assert api_ingress == [
        {
            "GroupId": {"Fn::GetAtt": ["ApiSecurityGroup", "GroupId"]},
            "SourceSecurityGroupId": {"Fn::GetAtt": ["EdgeSecurityGroup", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": 3000,
            "ToPort": 3000,
            "Description": "HTTP port 3000 from edge",
        }
    ]


def test_load_balancer_redirects_http_drops_bad_headers_and_logs(tmp_path: Path) -> None:
    resources = compiled(tmp_path)["Resources"]
    http = resources["EdgeHttpListener"]["Properties"]
    assert http["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"
    https = resources["EdgeHttpsListener"]["Properties"]
    assert https["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert https["Certificates"] == [{"CertificateArn": CERT}]
    attributes = {a["Key"]: a["Value"] for a in resources["EdgeLoadBalancer"]["Properties"]["LoadBalancerAttributes"]}
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["deletion_protection.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    group = resources["EdgeApiTargetGroup"]["Properties"]
    assert (group["TargetType"], group["Port"], group["HealthCheckPath"]) == ("ip", 3000, "/")
    # The log bucket lets Elastic Load Balancing (us-east-1's log account) write under this balancer's prefix only.
    policy = resources["LogsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (elb,) = [s for s in policy if s.get("Sid") == "EdgeAccessLogs"]
    assert elb["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert elb["Action"] == ["s3:PutObject"]


def test_deletion_protection_follows_the_stage(tmp_path: Path) -> None:
    attributes = {
        a["Key"]: a["Value"]
        for a in compiled(tmp_path, stage="dev")["Resources"]["EdgeLoadBalancer"]["Properties"][
            "LoadBalancerAttributes"
        ]
    }
    assert attributes["deletion_protection.enabled"] == "false"


def test_waf_is_associated_and_logs_with_credentials_redacted(tmp_path: Path) -> None:
    resources = compiled(tmp_path)["Resources"]
    association = resources["ShieldEdgeAssociation"]["Properties"]
    assert association == {
        "ResourceArn": {"Ref": "EdgeLoadBalancer"},
        "WebACLArn": {"Fn::GetAtt": ["ShieldWebAcl", "Arn"]},
    }
    acl = resources["ShieldWebAcl"]["Properties"]
    names = [r["Name"] for r in acl["Rules"]]
    assert names == [
        "rate-limit",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    ]
    assert acl["Rules"][0]["Statement"]["RateBasedStatement"]["Limit"] == 2000
    assert all(r["VisibilityConfig"]["CloudWatchMetricsEnabled"] for r in acl["Rules"])
    logging = resources["ShieldWebAclLogging"]["Properties"]
    assert [f["SingleHeader"]["Name"] for f in logging["RedactedFields"]] == ["authorization", "cookie"]
    assert resources["ShieldWebAclLogGroup"]["Properties"]["LogGroupName"].startswith("aws-waf-logs-")


def test_build_projects_are_privileged_only_to_build_images_and_scoped_to_their_repository(tmp_path: Path) -> None:
    resources = compiled(tmp_path)["Resources"]
    assert resources["BuildApiProject"]["Properties"]["Environment"]["PrivilegedMode"] is True
    assert resources["TestsProject"]["Properties"]["Environment"]["PrivilegedMode"] is False
    pushes = [s for s in statements({"Resources": resources}, "BuildApiProjectRole") if "ecr:PutImage" in s["Action"]]
    assert [s["Resource"] for s in pushes] == [[{"Fn::GetAtt": ["ImagesRepository", "Arn"]}]]
    tests_actions = {a for s in statements({"Resources": resources}, "TestsProjectRole") for a in s["Action"]}
    assert not any(a.startswith("ecr:") for a in tests_actions)
    bucket = {"Fn::GetAtt": ["ShipArtifactBucket", "Arn"]}
    assert any(s["Resource"] == [bucket] for s in statements({"Resources": resources}, "TestsProjectRole"))


def test_pipeline_goes_from_github_to_ecs_with_an_approval(tmp_path: Path) -> None:
    resources = compiled(tmp_path)["Resources"]
    props = resources["ShipPipeline"]["Properties"]
    assert props["PipelineType"] == "V2"
    stages = {s["Name"]: s["Actions"] for s in props["Stages"]}
    assert list(stages) == ["Source", "build", "test", "deploy"]
    source = stages["Source"][0]["Configuration"]
    assert (source["ConnectionArn"], source["FullRepositoryId"], source["BranchName"]) == (
        CONNECTION,
        "example/demo",
        "main",
    )
    build = stages["build"][0]
    assert json.loads(build["Configuration"]["EnvironmentVariables"]) == [
        {"name": "CONTAINER_NAME", "type": "PLAINTEXT", "value": "api"}
    ]
    assert build["OutputArtifacts"] == [{"Name": "BuildApiImage"}]
    approve, deploy = stages["deploy"]
    assert approve["ActionTypeId"]["Provider"] == "Manual" and approve["RunOrder"] == 1
    assert deploy["ActionTypeId"]["Provider"] == "ECS" and deploy["RunOrder"] == 2
    assert deploy["InputArtifacts"] == [{"Name": "BuildApiImage"}]
    assert "ShipConnection" not in resources  # the spec gave an existing connection


def test_pipeline_role_is_scoped_to_its_bucket_connection_projects_and_services(tmp_path: Path) -> None:
    got = statements(compiled(tmp_path), "ShipPipelineRole")
    by_action = {a: s for s in got for a in s["Action"]}
    assert by_action["codeconnections:UseConnection"]["Resource"] == [CONNECTION]
    assert by_action["codebuild:StartBuild"]["Resource"] == [
        {"Fn::GetAtt": ["BuildApiProject", "Arn"]},
        {"Fn::GetAtt": ["TestsProject", "Arn"]},
    ]
    assert by_action["ecs:UpdateService"]["Resource"] == [{"Ref": "ApiService"}]
    passrole = by_action["iam:PassRole"]
    assert passrole["Resource"] == [
        {"Fn::GetAtt": ["ApiExecutionRole", "Arn"]},
        {"Fn::GetAtt": ["ApiTaskRole", "Arn"]},
    ]
    assert passrole["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    # The only "*" is on DescribeTaskDefinition (no resource-level permissions) and ECR's token.
    assert [s["Action"] for s in got if s["Resource"] == ["*"]] == [["ecs:DescribeTaskDefinition"]]


def test_a_pipeline_without_a_connection_creates_one(tmp_path: Path) -> None:
    text = edit((f"      connection_arn: {CONNECTION}\n", ""))
    resources = compiled(tmp_path, text)["Resources"]
    assert resources["ShipConnection"]["Properties"]["ProviderType"] == "GitHub"
    source = resources["ShipPipeline"]["Properties"]["Stages"][0]["Actions"][0]["Configuration"]
    assert source["ConnectionArn"] == {"Ref": "ShipConnection"}
    by_action = {a: s for s in statements({"Resources": resources}, "ShipPipelineRole") for a in s["Action"]}
    assert by_action["codestar-connections:UseConnection"]["Resource"] == [{"Ref": "ShipConnection"}]


def test_image_repository_scans_keeps_tags_immutable_and_expires_untagged_images(tmp_path: Path) -> None:
    resources = compiled(tmp_path)["Resources"]
    repository = resources["ImagesRepository"]
    props = repository["Properties"]
    assert props["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert props["ImageTagMutability"] == "IMMUTABLE"
    assert props["EncryptionConfiguration"] == {"EncryptionType": "KMS"}
    rules = json.loads(props["LifecyclePolicy"]["LifecyclePolicyText"])["rules"]
    assert rules[0]["selection"] == {
        "countNumber": 14,
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "tagStatus": "untagged",
    }
    assert (repository["DeletionPolicy"], repository["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_every_fargate_size_in_the_table_is_accepted(tmp_path: Path) -> None:
    from compiler.components.service import Service

    for cpu, memories in FARGATE_MEMORY.items():
        for memory in memories:
            service = Service(kind="service", cluster="c", network="n", image="a/b:1", cpu=cpu, memory=memory)
            assert not [m for p, m in service.validate_semantics(_NoSpec()) if p == ("memory",)], (cpu, memory)


class _NoSpec:
    """Enough of a SemanticContext for checks that look only at the component itself."""

    class spec:  # stands in for the attribute of that name
        components: dict[str, Any] = {}

    region = "us-east-1"


# -- cost -------------------------------------------------------------------------------------------

CI = """\
logs:
  kind: log_bucket
  usage: {stored_gb: 1, writes_per_month: 1000}
images:
  kind: image_repository
  usage: {stored_gb: 4}
build:
  kind: build_project
  buildspec: buildspec.yml
  image_repository: images
  compute: medium
  usage: {build_minutes: 250}
tests:
  kind: build_project
  buildspec: test.yml
  usage: {build_minutes: 120}
ship:
  kind: pipeline
  source: {repository: example/app}
  access_logs: logs
  stages:
    - {name: build, build: [build, tests]}
  usage: {action_minutes: 600}
"""


def test_ci_kinds_price_their_minutes_and_storage(tmp_path: Path) -> None:
    result = estimate(tmp_path, textwrap.dedent(CI))
    assert monthly(result, "images") == pytest.approx({"ecr.storage_gb": 4 * 0.10})  # $0.40
    # 250 minutes on general1.medium at $0.01: $2.50; 120 on small at $0.005: $0.60.
    assert monthly(result, "build") == pytest.approx({"codebuild.linux_medium_minutes": 2.50})
    assert monthly(result, "tests") == pytest.approx({"codebuild.linux_small_minutes": 0.60})
    # CodePipeline V2: $0.002 per action execution minute: 600 minutes = $1.20.
    assert monthly(result, "ship") == pytest.approx({"codepipeline.v2_action_minutes": 1.20})


# -- attachment to the other protectable kinds, and the seed spec ------------------------------------


@pytest.fixture(scope="module")
def waf_case() -> dict[str, Any]:
    (prod,) = [s for s in api.compile_spec("tests/cases/waf.yaml") if s.stage == "prod"]
    return prod.template["Resources"]


def test_cloudfront_scope_acl_is_named_by_the_distribution(waf_case: dict[str, Any]) -> None:
    assert waf_case["CdnShieldWebAcl"]["Properties"]["Scope"] == "CLOUDFRONT"
    config = waf_case["FilesCdnDistribution"]["Properties"]["DistributionConfig"]
    assert config["WebACLId"] == {"Fn::GetAtt": ["CdnShieldWebAcl", "Arn"]}
    assert not any(r["Type"] == "AWS::WAFv2::WebACLAssociation" and "Cdn" in n for n, r in waf_case.items())


def test_regional_acl_is_associated_with_the_rest_api_stage(waf_case: dict[str, Any]) -> None:
    arn = waf_case["ApiShieldApiAssociation"]["Properties"]["ResourceArn"]["Fn::Join"][1]
    assert arn[4:] == ["::/restapis/", {"Ref": "ApiRestApi"}, "/stages/", {"Ref": "ApiStage"}]


def test_regional_acl_is_associated_with_a_user_pool(tmp_path: Path) -> None:
    text = edit(
        ("  data:\n", "  users:\n    kind: auth\n    sign_in: [password]\n  data:\n"),
        ("    attach_to: [edge]\n", "    attach_to: [edge, users]\n"),
    )
    association = compiled(tmp_path, text)["Resources"]["ShieldUsersAssociation"]["Properties"]
    assert association["ResourceArn"] == {"Fn::GetAtt": ["UsersUserPool", "Arn"]}


@pytest.fixture(scope="module")
def user_management() -> dict[str, dict[str, Any]]:
    return {s.stage: s.template["Resources"] for s in api.compile_spec("specs/user-management.yaml")}


def test_seed_dev_and_prod_differ_as_the_seed_says(user_management: dict[str, dict[str, Any]]) -> None:
    dev, prod = user_management["dev"], user_management["prod"]
    # Production: Multi-AZ PostgreSQL, a 3-node DocumentDB cluster, NAT per zone, two tasks minimum.
    assert prod["UsersDbDatabase"]["Properties"]["MultiAZ"] is True
    assert dev["UsersDbDatabase"]["Properties"]["MultiAZ"] is False
    assert sum(r["Type"] == "AWS::DocDB::DBInstance" for r in prod.values()) == 3
    assert sum(r["Type"] == "AWS::DocDB::DBInstance" for r in dev.values()) == 1
    assert sum(r["Type"] == "AWS::EC2::NatGateway" for r in prod.values()) == 2
    assert sum(r["Type"] == "AWS::EC2::NatGateway" for r in dev.values()) == 1
    for service in ("Frontend", "Backend"):
        assert prod[f"{service}ScalableTarget"]["Properties"]["MinCapacity"] == 2
        assert dev[f"{service}ScalableTarget"]["Properties"]["MinCapacity"] == 1
    # A person approves before images reach production; dev deploys on every push to develop.
    prod_stages = [s["Name"] for s in prod["DeliveryPipeline"]["Properties"]["Stages"]]
    assert prod_stages == ["Source", "build", "test", "deploy"]
    deploy = prod["DeliveryPipeline"]["Properties"]["Stages"][-1]["Actions"]
    assert deploy[0]["ActionTypeId"]["Provider"] == "Manual"
    dev_source = dev["DeliveryPipeline"]["Properties"]["Stages"][0]["Actions"][0]["Configuration"]
    assert dev_source["BranchName"] == "develop"


def test_seed_subnets_are_the_seed_ranges(user_management: dict[str, dict[str, Any]]) -> None:
    cidrs = sorted(
        r["Properties"]["CidrBlock"] for r in user_management["prod"].values() if r["Type"] == "AWS::EC2::Subnet"
    )
    assert cidrs == sorted(
        ["10.0.1.0/24", "10.0.2.0/24", "10.0.10.0/24", "10.0.20.0/24", "10.0.100.0/24", "10.0.200.0/24"]
    )


def test_seed_backend_reaches_both_databases_and_nothing_else(user_management: dict[str, dict[str, Any]]) -> None:
    prod = user_management["prod"]
    backend_egress = sorted(
        (r["Properties"]["DestinationSecurityGroupId"]["Fn::GetAtt"][0], r["Properties"]["FromPort"])
        for r in prod.values()
        if r["Type"] == "AWS::EC2::SecurityGroupEgress"
        and r["Properties"]["GroupId"] == {"Fn::GetAtt": ["BackendSecurityGroup", "GroupId"]}
    )
    assert backend_egress == [("ProfilesDbSecurityGroup", 27017), ("UsersDbSecurityGroup", 5432)]
    frontend_egress = [
        r
        for r in prod.values()
        if r["Type"] == "AWS::EC2::SecurityGroupEgress"
        and r["Properties"]["GroupId"] == {"Fn::GetAtt": ["FrontendSecurityGroup", "GroupId"]}
    ]
    assert frontend_egress == []  # the front end talks to nobody but the browser (through the load balancer)


def test_seed_handlers_exist_where_the_pipeline_builds_them() -> None:
    root = Path("handlers/user-management")
    for path in ("backend/buildspec.yml", "frontend/buildspec.yml", "tests/buildspec.yml"):
        assert (root / path).is_file(), path
    for image in ("backend", "frontend"):
        dockerfile = (root / image / "Dockerfile").read_text(encoding="utf-8")
        assert dockerfile.startswith("#") and "FROM public.ecr.aws/" in dockerfile
