"""specc diff: replacement vs in-place from create-only properties, renames, and data loss refused."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.diff import create_only, diff_templates

SPEC = """\
specc: 1
system: shop
stages:
  dev: {{removal_policy: delete}}
  prod: {{}}
components:
  {table_name}:
{renamed}    kind: table
    partition_key: {key}
    point_in_time_recovery: {pitr}
  api:
    kind: function
    code: handlers/api
    memory: {memory}
    uses:
      {table_name}: read
"""


def write_spec(
    path: Path, *, key: str = "PK", table: str = "orders", renamed: str = "", memory: int = 256, pitr: str = "true"
) -> Path:
    (path.parent / "handlers" / "api").mkdir(parents=True, exist_ok=True)
    (path.parent / "handlers" / "api" / "index.mjs").write_text("export const handler = async () => ({});\n")
    renamed_line = f"    renamed_from: {renamed}\n" if renamed else ""
    path.write_text(SPEC.format(table_name=table, renamed=renamed_line, key=key, memory=memory, pitr=pitr))
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.output


def resource(kind: str, component: str, policy: str | None = None, **properties: object) -> dict:
    body: dict = {"Type": kind, "Metadata": {"specc": {"component": component, "source": "x.yaml:1:1"}}}
    if policy:
        body["DeletionPolicy"] = body["UpdateReplacePolicy"] = policy
    body["Properties"] = properties
    return body


def template(**resources: dict) -> dict:
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


# -- templates ---------------------------------------------------------------------------------


def test_table_key_change_is_a_replacement_and_data_loss() -> None:
    keys = [{"AttributeName": "PK", "KeyType": "HASH"}]
    old = template(OrdersTable=resource("AWS::DynamoDB::Table", "orders", "Retain", KeySchema=keys))
    new_keys = [{"AttributeName": "orderId", "KeyType": "HASH"}]
    new = template(OrdersTable=resource("AWS::DynamoDB::Table", "orders", "Retain", KeySchema=new_keys))
    (change,) = diff_templates(old, new).changes
    assert change.action == "replace"
    assert change.replaced_by == ("KeySchema",)
    assert change.data_loss
    assert "UpdateReplacePolicy Retain" in change.note


def test_table_billing_change_is_in_place() -> None:
    old = template(T=resource("AWS::DynamoDB::Table", "t", "Retain", BillingMode="PROVISIONED"))
    new = template(T=resource("AWS::DynamoDB::Table", "t", "Retain", BillingMode="PAY_PER_REQUEST"))
    (change,) = diff_templates(old, new).changes
    assert (change.action, change.properties, change.data_loss) == ("update", ("BillingMode",), False)


def test_database_instance_class_change_is_in_place_but_engine_storage_encryption_replaces() -> None:
    base = {"Engine": "postgres", "DBInstanceClass": "db.t4g.micro", "StorageEncrypted": True}
    old = template(MainDatabase=resource("AWS::RDS::DBInstance", "main", "Snapshot", **base))
    bigger = template(
        MainDatabase=resource("AWS::RDS::DBInstance", "main", "Snapshot", **{**base, "DBInstanceClass": "db.r6g.large"})
    )
    (change,) = diff_templates(old, bigger).changes
    assert change.action == "update"
    assert change.properties == ("DBInstanceClass",)
    assert not change.data_loss
    unencrypted = template(
        MainDatabase=resource("AWS::RDS::DBInstance", "main", "Snapshot", **{**base, "StorageEncrypted": False})
    )
    (change,) = diff_templates(old, unencrypted).changes
    assert change.action == "replace" and change.replaced_by == ("StorageEncrypted",) and change.data_loss
    assert "Snapshot" in change.note


def test_bucket_rename_without_renamed_from_loses_the_bucket_and_suggests_the_fix() -> None:
    old = template(PhotosBucket=resource("AWS::S3::Bucket", "photos", "Retain"))
    new = template(MediaBucket=resource("AWS::S3::Bucket", "media", "Retain"))
    changes = {c.logical_id: c for c in diff_templates(old, new).changes}
    assert changes["MediaBucket"].action == "add" and not changes["MediaBucket"].data_loss
    removed = changes["PhotosBucket"]
    assert removed.action == "remove" and removed.data_loss
    assert "renamed_from: photos" in removed.note
    assert "Retain" in removed.note


def test_bucket_rename_with_renamed_from_keeps_the_logical_id() -> None:
    old = template(PhotosBucket=resource("AWS::S3::Bucket", "photos", "Retain", VersioningConfiguration={}))
    new = template(PhotosBucket=resource("AWS::S3::Bucket", "media", "Retain", VersioningConfiguration={}))
    (change,) = diff_templates(old, new).changes
    assert (change.action, change.old_component, change.component, change.data_loss) == (
        "rename",
        "photos",
        "media",
        False,
    )


def test_bucket_name_change_replaces_the_bucket() -> None:
    old = template(B=resource("AWS::S3::Bucket", "b", "Retain", BucketName="shop-prod-photos"))
    new = template(B=resource("AWS::S3::Bucket", "b", "Retain", BucketName="shop-prod-media"))
    (change,) = diff_templates(old, new).changes
    assert change.action == "replace" and change.replaced_by == ("BucketName",) and change.data_loss


def test_stateless_replacement_is_not_data_loss() -> None:
    old = template(F=resource("AWS::Lambda::Function", "f", FunctionName="a", MemorySize=128))
    new = template(F=resource("AWS::Lambda::Function", "f", FunctionName="b", MemorySize=256))
    (change,) = diff_templates(old, new).changes
    assert change.action == "replace" and not change.data_loss
    assert change.properties == ("FunctionName", "MemorySize")


def test_type_change_replaces() -> None:
    old = template(X=resource("AWS::S3::Bucket", "x", "Retain"))
    new = template(X=resource("AWS::DynamoDB::Table", "x", "Retain"))
    (change,) = diff_templates(old, new).changes
    assert change.action == "replace" and change.replaced_by == ("Type",) and change.data_loss


def test_moving_spec_lines_is_not_a_change() -> None:
    old = template(T=resource("AWS::DynamoDB::Table", "t", "Retain"))
    new = json.loads(json.dumps(old))
    new["Resources"]["T"]["Metadata"]["specc"]["source"] = "x.yaml:40:3"
    assert diff_templates(old, new).changes == []


def test_create_only_comes_from_the_provider_schemas() -> None:
    assert "/properties/BucketName" in create_only("AWS::S3::Bucket")
    assert "/properties/StorageEncrypted" in create_only("AWS::RDS::DBInstance")
    assert "/properties/DBInstanceClass" not in create_only("AWS::RDS::DBInstance")
    assert create_only("AWS::Nope::Nothing") == ()


# -- the command --------------------------------------------------------------------------------


def test_cli_table_key_change_exits_1_unless_allowed(tmp_path: Path) -> None:
    old = write_spec(tmp_path / "old" / "shop.yaml")
    new = write_spec(tmp_path / "new" / "shop.yaml", key="orderId")
    code, out = run(str(old), str(new))
    assert code == 1, out
    assert "! OrdersTable [AWS::DynamoDB::Table] REPLACED (create-only: KeySchema)  DATA LOSS" in out
    assert "shop/prod:" in out and "shop/dev:" in out
    assert "2 change(s) lose data (refusing; pass --allow-data-loss to accept)" in out
    code, out = run(str(old), str(new), "--allow-data-loss")
    assert code == 0, out
    assert "allowed by --allow-data-loss" in out


def test_cli_in_place_change_exits_0(tmp_path: Path) -> None:
    old = write_spec(tmp_path / "old.yaml")
    new = write_spec(tmp_path / "new.yaml", memory=1024, pitr="false")
    code, out = run(str(old), str(new), "--stage", "prod")
    assert code == 0, out
    assert "~ ApiFunction [AWS::Lambda::Function] updated in place (MemorySize)" in out
    assert "~ OrdersTable [AWS::DynamoDB::Table] updated in place (PointInTimeRecoverySpecification)" in out
    assert "shop/dev" not in out


def test_cli_rename_with_and_without_renamed_from(tmp_path: Path) -> None:
    old = write_spec(tmp_path / "old" / "shop.yaml")
    lost = write_spec(tmp_path / "lost" / "shop.yaml", table="purchases")
    kept = write_spec(tmp_path / "kept" / "shop.yaml", table="purchases", renamed="orders")
    code, out = run(str(old), str(lost), "--stage", "prod", "--format", "json")
    assert code == 1
    report = json.loads(out)
    (prod,) = report["templates"]
    actions = {c["logical_id"]: c["action"] for c in prod["changes"]}
    assert actions["OrdersTable"] == "remove" and actions["PurchasesTable"] == "add"
    assert report["data_loss"] == 1
    code, out = run(str(old), str(kept), "--stage", "prod")
    assert code == 0, out
    assert "> OrdersTable [AWS::DynamoDB::Table] renamed component orders -> purchases; logical ID kept" in out


def test_cli_compiled_directories(tmp_path: Path) -> None:
    old = write_spec(tmp_path / "old" / "shop.yaml")
    new = write_spec(tmp_path / "new" / "shop.yaml", key="orderId")
    runner = CliRunner()
    for spec, out in ((old, tmp_path / "out-old"), (new, tmp_path / "out-new")):
        result = runner.invoke(main, ["compile", str(spec), "--out", str(out)])
        assert result.exit_code == 0, result.output
    code, out = run(str(tmp_path / "out-old"), str(tmp_path / "out-new"))
    assert code == 1, out
    assert "shop/prod:" in out and "REPLACED (create-only: KeySchema)" in out
    code, out = run(str(tmp_path / "out-old" / "shop" / "prod.yaml"), str(tmp_path / "out-new" / "shop" / "prod.yaml"))
    assert code == 1 and "DATA LOSS" in out


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_cli_rev_compares_with_a_git_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    spec = write_spec(repo / "specs" / "shop.yaml")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "one")
    write_spec(spec, key="orderId")
    code, out = run(str(spec), "--rev", "HEAD")
    assert code == 1, out
    assert "REPLACED (create-only: KeySchema)" in out
    code, out = run(str(spec), "--rev", "nope")
    assert code == 1 and "cannot read the spec at revision 'nope'" in out


def test_cli_usage_errors(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "shop.yaml")
    code, out = run(str(spec))
    assert code == 2 and "either OLD and NEW, or a spec and --rev" in out
