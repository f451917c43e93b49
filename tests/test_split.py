"""Nested stacks: a split stage is the same system, within CloudFormation's limits, and stays put as it grows."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from benchmarks.synth import write_system
from compiler import api
from compiler.cli import main
from compiler.context import STATEFUL_TYPES
from compiler.split import STACK_TYPE, SplitError, split_template

# A limit low enough that a few dozen routes split (with 8 slots a layer: the default, 60 // 25, is 2).
LIMIT = 60
SLOTS = 8


def _compile(spec: Path, out: Path, stages: list[str] | None = None, **options: Any) -> list[api.CompiledStage]:
    return api.compile_spec(spec, stages or ["dev"], out, **options)


def _children(compiled: api.CompiledStage) -> dict[str, dict[str, Any]]:
    """Nested templates by the logical ID of their stack resource in the parent."""
    by_url = {path.relative_to(compiled.path.parent).as_posix(): t for path, t in compiled.nested.items()}
    return {
        lid: by_url[resource["Properties"]["TemplateURL"]]
        for lid, resource in compiled.template["Resources"].items()
        if resource["Type"] == STACK_TYPE
    }


def _placements(compiled: api.CompiledStage) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every resource of the stage: (stack it is in, "" for the parent; its definition there)."""
    out = {lid: ("", r) for lid, r in compiled.template["Resources"].items() if r["Type"] != STACK_TYPE}
    for stack, child in _children(compiled).items():
        for lid, resource in child["Resources"].items():
            assert lid not in out, f"{lid} is in two stacks"
            out[lid] = (stack, resource)
    return out


# ------------------------------------------------------------------------------------------------
# Undoing a split: every parameter replaced by the value the parent passes, which must give back the
# unsplit template resource for resource.


def _resolved(compiled: api.CompiledStage) -> dict[str, dict[str, Any]]:
    children = _children(compiled)
    resources = {lid: r for lid, r in compiled.template["Resources"].items() if r["Type"] != STACK_TYPE}
    for stack, child in children.items():
        inputs = compiled.template["Resources"][stack]["Properties"].get("Parameters", {})
        assert set(inputs) == set(child.get("Parameters", {})), f"{stack}: parameters passed != declared"
        env = {name: _source(value, children) for name, value in inputs.items()}
        for lid, resource in child["Resources"].items():
            restored = _substitute(copy.deepcopy(resource), env)
            code = restored.get("Properties", {}).get("Code")
            if isinstance(code, str):
                assert code.startswith("../"), "code paths of nested templates are one level deeper"
                restored["Properties"]["Code"] = code[3:]
            resources[lid] = restored
    return resources


def _source(value: Any, children: dict[str, dict[str, Any]]) -> Any:
    """What a parameter value means in the unsplit template."""
    if "Fn::Join" in value:  # a list crossing stacks travels joined
        return _source(value["Fn::Join"][1], children)
    getatt = value.get("Fn::GetAtt")
    if getatt and getatt[0] in children:
        output = getatt[1].removeprefix("Outputs.")
        return _source(children[getatt[0]]["Outputs"][output]["Value"], children)
    return value


def _substitute(node: Any, env: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_substitute(n, env) for n in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"} and node["Ref"] in env:
        return env[node["Ref"]]
    if set(node) == {"Fn::Sub"}:
        value = node["Fn::Sub"]
        text, variables = (value, None) if isinstance(value, str) else (value[0], value[1])

        def back(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in env:
                return match.group(0)
            source = env[name]
            if "Ref" in source:
                return "${" + source["Ref"] + "}"
            target, attribute = source["Fn::GetAtt"]
            return "${" + f"{target}.{attribute}" + "}"

        text = re.sub(r"\$\{([^!}][^}]*)\}", back, text)
        return {"Fn::Sub": text if variables is None else [text, _substitute(variables, env)]}
    return {k: _substitute(v, env) for k, v in node.items()}


def _unlocated(resource: dict[str, Any]) -> dict[str, Any]:
    """A resource without its spec line (which moves when lines are added above it)."""
    resource = copy.deepcopy(resource)
    resource.get("Metadata", {}).get("specc", {}).pop("source", None)
    return resource


def _without_depends_on(resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {lid: {k: v for k, v in r.items() if k != "DependsOn"} for lid, r in resources.items()}


# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def split_system(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[api.CompiledStage]]:
    directory = tmp_path_factory.mktemp("split")
    spec = write_system(directory, routes=40, tables=3, buckets=2, max_resources=LIMIT, stack_slots=SLOTS)
    compiled = _compile(spec, directory / "out", ["dev", "prod"])
    api.write(compiled)
    return spec, compiled


@pytest.fixture(scope="module")
def small_split(tmp_path_factory: pytest.TempPathFactory) -> api.CompiledStage:
    """Small, for speed (cfn-lint takes ~10 ms a resource), but with nested stacks in two layers."""
    directory = tmp_path_factory.mktemp("small")
    spec = write_system(directory, routes=12, tables=1, buckets=1, max_resources=30, stack_slots=6)
    (stage,) = _compile(spec, directory / "out", ["prod"])
    api.write([stage])
    return stage


def test_a_system_under_the_limit_is_one_template(tmp_path: Path) -> None:
    spec = write_system(tmp_path, routes=5, tables=1, buckets=1)
    (compiled,) = _compile(spec, tmp_path / "out")
    assert not compiled.nested and not compiled.extra_files
    assert all(r["Type"] != STACK_TYPE for r in compiled.template["Resources"].values())


def test_a_stage_over_500_resources_splits_with_the_defaults(tmp_path: Path) -> None:
    spec = write_system(tmp_path, routes=100, tables=2, buckets=1)
    (compiled,) = _compile(spec, tmp_path / "out", ["prod"])
    placements = _placements(compiled)
    assert len(placements) > 500
    assert compiled.nested and all(len(t["Resources"]) <= 500 for t in [compiled.template, *compiled.nested.values()])


def test_split_is_the_same_system_resource_for_resource(split_system: Any) -> None:
    spec, compiled = split_system
    out = compiled[0].path.parent.parent  # the same output directory: the same relative code paths
    flat = {c.stage: c for c in api.compile_spec(spec, None, out, max_resources=500)}
    for stage in compiled:
        assert stage.nested, "the fixture must split"
        assert not flat[stage.stage].nested
        expected = flat[stage.stage].template["Resources"]
        assert _without_depends_on(_resolved(stage)) == _without_depends_on(expected)
        # The parent keeps the stage's outputs and export names, reading moved values from children.
        assert set(stage.template["Outputs"]) == set(flat[stage.stage].template["Outputs"])
        for name, output in stage.template["Outputs"].items():
            assert output.get("Export") == flat[stage.stage].template["Outputs"][name].get("Export")


def test_every_template_is_within_the_limits(split_system: Any) -> None:
    _, compiled = split_system
    for stage in compiled:
        for template in [stage.template, *stage.nested.values()]:
            assert len(template["Resources"]) <= LIMIT
            assert len(template.get("Parameters", {})) <= 200
            assert len(template.get("Outputs", {})) <= 200


def test_stateful_resources_stay_in_the_parent(split_system: Any) -> None:
    _, compiled = split_system
    for stage in compiled:
        placements = _placements(stage)
        stateful = [lid for lid, (_, r) in placements.items() if r["Type"] in STATEFUL_TYPES]
        assert len(stateful) >= 6  # 3 tables, 2 buckets, the user pool
        for lid in stateful:
            assert placements[lid][0] == "", f"{lid} left the parent stack"
        for child in stage.nested.values():
            assert not [r for r in child["Resources"].values() if r["Type"] in STATEFUL_TYPES]
            assert "DeletionPolicy" not in str(child["Resources"])


def test_nested_stacks_reference_only_lower_layers(split_system: Any) -> None:
    _, compiled = split_system
    for stage in compiled:
        for stack, resource in stage.template["Resources"].items():
            if resource["Type"] != STACK_TYPE:
                continue
            layer = int(re.match(r"Layer(\d+)", stack).group(1))
            used = re.findall(r"Layer(\d+)Slot\d+", yaml.safe_dump(resource["Properties"].get("Parameters", {})))
            used += [
                re.match(r"Layer(\d+)", d).group(1) for d in resource.get("DependsOn", []) if d.startswith("Layer")
            ]
            assert all(int(u) < layer for u in used), f"{stack} uses a stack of its own or a higher layer"


def test_written_files_and_template_urls(split_system: Any) -> None:
    _, compiled = split_system
    for stage in compiled:
        assert set(stage.extra_files) == set(stage.nested)
        for path in stage.nested:
            assert path.parent == stage.path.with_suffix("")  # output/<system>/<stage>/<child>.yaml
            assert path.is_file() and path.read_text(encoding="utf-8") == stage.extra_files[path]
        urls = sorted(
            r["Properties"]["TemplateURL"] for r in stage.template["Resources"].values() if r["Type"] == STACK_TYPE
        )
        assert urls == sorted(p.relative_to(stage.path.parent).as_posix() for p in stage.nested)


def test_parent_and_every_child_lint_clean(small_split: api.CompiledStage, linter: Any) -> None:
    stage = small_split
    assert {p.name.split("-")[0] for p in stage.nested} == {"layer0", "layer1"}
    batch = [(stage.text, str(stage.path), stage.region)]
    batch += [(stage.extra_files[p], str(p), stage.region) for p in stage.nested]
    findings = [f for found in linter.lint_many(batch) for f in found]
    assert not findings, "\n".join(f"{f.template}: {f.rule} {f.message}" for f in findings)


def test_growing_the_system_never_moves_what_was_there(tmp_path: Path) -> None:
    """Add routes and functions until the stage splits further; nothing that existed changes stack or body."""
    routes, previous, stacks_seen = 16, None, []
    while len(set(stacks_seen)) < 3:
        spec = write_system(tmp_path, routes=routes, tables=3, buckets=2, max_resources=LIMIT, stack_slots=16)
        (compiled,) = _compile(spec, tmp_path / "out")
        assert compiled.nested
        placements = _placements(compiled)
        if previous is not None:
            for lid, (stack, resource) in previous.items():
                assert lid in placements, f"{lid} disappeared"
                assert placements[lid][0] == stack, f"{lid} moved from {stack or 'the parent'} to {placements[lid][0]}"
                assert _unlocated(placements[lid][1]) == _unlocated(resource), f"{lid} changed"
        previous = placements
        stacks_seen.append(len(compiled.nested))
        routes += 8
        assert routes < 200, f"never split further: {stacks_seen}"
    assert stacks_seen[-1] > stacks_seen[0]


def test_a_route_goes_with_the_function_it_calls(tmp_path: Path) -> None:
    """A route sits with its function's integration, so pointing it elsewhere moves it (and only it)."""
    spec = write_system(tmp_path, routes=40, tables=2, buckets=1, max_resources=LIMIT, stack_slots=SLOTS)
    (before,) = _compile(spec, tmp_path / "a")
    text = spec.read_text(encoding="utf-8").replace('"GET /items/r00003": fn-00003', '"GET /items/r00003": fn-00017')
    spec.write_text(text, encoding="utf-8")
    (after,) = _compile(spec, tmp_path / "b")
    old, new = _placements(before), _placements(after)
    route = "ApiGetItemsR00003Route"
    assert old[route][0] == old["Fn00003Function"][0]
    assert new[route][0] == new["Fn00017Function"][0] == old["Fn00017Function"][0]
    moved = {lid for lid in old if lid in new and old[lid][0] != new[lid][0]}
    assert moved <= {route}


def test_no_split_fails_with_a_located_message(tmp_path: Path) -> None:
    spec = write_system(tmp_path, routes=20, tables=1, buckets=1)
    result = CliRunner().invoke(
        main,
        ["compile", str(spec), "--stage", "dev", "--out", str(tmp_path / "out"), "--max-resources", "40", "--no-split"],
    )
    assert result.exit_code == 1
    assert re.search(
        rf"{re.escape(str(spec))}:\d+:\d+: components: stage dev: its template would hold \d+ resources \(limit 40\), "
        r"and splitting into nested stacks is off",
        result.output,
    ), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_split_false_in_the_spec_points_at_limits(tmp_path: Path) -> None:
    spec = write_system(tmp_path, routes=20, tables=1, buckets=1, max_resources=40)
    spec.write_text(spec.read_text(encoding="utf-8").replace("limits:\n", "limits:\n  split: false\n"), "utf-8")
    line = spec.read_text(encoding="utf-8").splitlines().index("limits:") + 1
    with pytest.raises(api.SpecError) as error:
        _compile(spec, tmp_path / "out")
    (diagnostic,) = error.value.diagnostics
    assert (diagnostic.line, diagnostic.path) == (line + 1, "limits")
    assert "splitting into nested stacks is off" in diagnostic.message


def test_bad_limits_are_located_errors(tmp_path: Path) -> None:
    spec = write_system(tmp_path, routes=2, tables=1, buckets=1, max_resources=600)
    with pytest.raises(api.SpecError) as error:
        _compile(spec, tmp_path / "out")
    (diagnostic,) = error.value.diagnostics
    assert diagnostic.path == "limits.max_resources_per_stack"
    assert "500" in diagnostic.message


def test_too_many_stateful_resources_for_the_parent_is_a_clear_error(tmp_path: Path) -> None:
    spec = write_system(tmp_path, routes=10, tables=45, buckets=0, max_resources=40)
    with pytest.raises(api.SpecError) as error:
        _compile(spec, tmp_path / "out")
    message = error.value.diagnostics[0].message
    assert "the parent stack would hold" in message and "Stateful resources stay in the parent" in message


def test_compile_reports_limits_and_nested_stacks(tmp_path: Path) -> None:
    spec = write_system(tmp_path, routes=30, tables=2, buckets=1, stack_slots=SLOTS)
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(main, ["compile", str(spec), "--stage", "dev", "--out", str(out), "--max-resources", "60"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"wrote .*dev\.yaml: \d+/500 resources, [\d,]+ B \(\d+% of 51,200 inline, \d+% of 1 MB\)", result.output
    )
    assert re.search(r"\+ \d+ nested stacks in .*dev/, the largest: \d+/500 resources", result.output)
    result = runner.invoke(main, ["compile", str(spec), "--out", str(out), "--max-resources", "60", "--format", "json"])
    templates = json.loads(result.output)["templates"]
    assert all(t["nested_stacks"] > 0 and len(t["limits"]) == t["nested_stacks"] + 1 for t in templates)
    assert all(u["resources"] <= 60 for t in templates for u in t["limits"])


# ------------------------------------------------------------------------------------------------
# The splitter on hand-written templates: what kinds do not produce yet.


def _body(resources: dict[str, Any], **sections: Any) -> dict[str, Any]:
    meta = {"specc": {"system": "s", "stage": "dev", "region": "us-east-1"}}
    return {"AWSTemplateFormatVersion": "2010-09-09", "Metadata": meta, **sections, "Resources": resources}


def test_list_attributes_cross_stacks_joined() -> None:
    body = _body(
        {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Group": {
                "Type": "AWS::EC2::SecurityGroup",
                "Metadata": {"specc": {"component": "group"}},
                "Properties": {
                    "GroupDescription": {"Fn::Join": [",", {"Fn::GetAtt": ["Vpc", "CidrBlockAssociations"]}]},
                    "VpcId": {"Ref": "Vpc"},
                },
            },
        }
    )
    result = split_template(body, stateful_components={"Vpc"}, max_resources=10, slots=1)
    (child,) = result.children.values()
    assert child["Parameters"]["VpcCidrBlockAssociations"]["Type"] == "CommaDelimitedList"
    stack = next(r for r in result.parent["Resources"].values() if r["Type"] == STACK_TYPE)
    assert stack["Properties"]["Parameters"]["VpcCidrBlockAssociations"] == {
        "Fn::Join": [",", {"Fn::GetAtt": ["Vpc", "CidrBlockAssociations"]}]
    }
    assert child["Resources"]["Group"]["Properties"]["GroupDescription"] == {
        "Fn::Join": [",", {"Ref": "VpcCidrBlockAssociations"}]
    }


def test_stack_name_parameters_and_conditions_follow_the_resource() -> None:
    body = _body(
        {
            "Topic": {
                "Type": "AWS::SNS::Topic",
                "Condition": "IsProd",
                "Properties": {
                    "TopicName": {"Fn::Sub": "${AWS::StackName}-${Env}-alerts"},
                    "DisplayName": {"Fn::FindInMap": ["Names", {"Ref": "AWS::Region"}, "display"]},
                },
            },
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${AWS::StackName}-q"}}},
        },
        Parameters={"Env": {"Type": "String", "AllowedValues": ["dev", "prod"]}},
        Mappings={"Names": {"us-east-1": {"display": "Alerts"}}, "Unused": {"a": {"b": "c"}}},
        Conditions={"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}, "Other": {"Fn::Equals": ["a", "b"]}},
        Outputs={"TopicArn": {"Condition": "IsProd", "Value": {"Ref": "Topic"}}},
    )
    result = split_template(body, max_resources=10, slots=4)
    children = list(result.children.values())
    topic_child = next(c for c in children if "Topic" in c["Resources"])
    assert topic_child["Conditions"] == {"IsProd": body["Conditions"]["IsProd"]}
    assert topic_child["Mappings"] == {"Names": body["Mappings"]["Names"]}
    assert topic_child["Parameters"]["Env"] == body["Parameters"]["Env"]
    assert topic_child["Resources"]["Topic"]["Properties"]["TopicName"] == {
        "Fn::Sub": "${ParentStackName}-${Env}-alerts"
    }
    stacks = {lid: r for lid, r in result.parent["Resources"].items() if r["Type"] == STACK_TYPE}
    params = next(r["Properties"]["Parameters"] for r in stacks.values() if "Env" in r["Properties"]["Parameters"])
    assert params["ParentStackName"] == {"Ref": "AWS::StackName"} and params["Env"] == {"Ref": "Env"}
    # The parent keeps only what it still uses: the condition of its output, no mappings.
    assert result.parent["Conditions"] == {"IsProd": body["Conditions"]["IsProd"]}
    assert "Mappings" not in result.parent
    assert result.parent["Outputs"]["TopicArn"]["Value"]["Fn::GetAtt"][1] == "Outputs.Topic"


def test_depends_on_across_stacks_becomes_a_stack_dependency() -> None:
    body = _body(
        {
            "First": {"Type": "AWS::SNS::Topic", "Properties": {}},
            "Second": {"Type": "AWS::SNS::Topic", "DependsOn": ["First"], "Properties": {}},
        }
    )
    result = split_template(body, max_resources=10, slots=1)
    stacks = {lid: r for lid, r in result.parent["Resources"].items() if r["Type"] == STACK_TYPE}
    assert sorted(stacks) == ["Layer0Slot0", "Layer1Slot0"]
    assert stacks["Layer1Slot0"]["DependsOn"] == ["Layer0Slot0"]
    assert "DependsOn" not in result.children["Layer1Slot0"]["Resources"]["Second"]


def test_a_name_clash_is_an_error_not_a_broken_template() -> None:
    body = _body({"Layer0Slot0": {"Type": "AWS::SNS::Topic", "Properties": {}}})
    with pytest.raises(SplitError, match="also a resource's logical ID"):
        split_template(body, max_resources=10, slots=1)


# ------------------------------------------------------------------------------------------------
# The real `aws cloudformation package` on a split stage, against a local S3 (moto's server).


def _aws() -> list[str] | None:
    aws = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    return [aws] if aws else None


@pytest.mark.skipif(_aws() is None, reason="the AWS CLI is a dev dependency (awscli)")
def test_aws_cloudformation_package_uploads_and_rewrites_every_child(
    small_split: api.CompiledStage, tmp_path: Path
) -> None:
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    stage = small_split
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
        s3 = boto3.client("s3", endpoint_url=endpoint, **credentials)
        s3.create_bucket(Bucket="artifacts")
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,  # package ignores --endpoint-url for its uploads
            "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        }
        packaged = tmp_path / "packaged.yaml"
        command = [*_aws(), "cloudformation", "package", "--template-file", str(stage.path)]
        command += ["--s3-bucket", "artifacts", "--output-template-file", str(packaged)]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        parent = yaml.safe_load(packaged.read_text(encoding="utf-8"))
        stacks = {lid: r for lid, r in parent["Resources"].items() if r["Type"] == STACK_TYPE}
        assert len(stacks) == len(stage.nested)
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket="artifacts").get("Contents", [])}
        for lid, resource in stacks.items():
            url = resource["Properties"]["TemplateURL"]
            assert url.startswith(endpoint + "/artifacts/"), f"{lid} was not rewritten: {url}"
            key = url.rsplit("/", 1)[1]
            assert key in keys, f"{lid}'s template was not uploaded"
            child = yaml.safe_load(s3.get_object(Bucket="artifacts", Key=key)["Body"].read())
            expected = _children(stage)[lid]
            assert set(child["Resources"]) == set(expected["Resources"])
            for function in [r for r in child["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]:
                code = function["Properties"]["Code"]
                assert set(code) == {"S3Bucket", "S3Key"} and code["S3Key"] in keys, "child code not uploaded"
    finally:
        server.stop()
