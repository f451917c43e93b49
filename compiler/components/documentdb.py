"""Amazon DocumentDB (MongoDB-compatible) cluster in a network's database subnets.

```yaml
docs-db:
  kind: documentdb
  network: main
  instance_class: db.t3.medium
  instances: 1                  # e.g. 3 on prod through the stage overlay
  backup_retention_days: 7
```

The cluster is encrypted at rest, requires TLS (cluster parameter group ``tls: enabled``), exports its
audit log to a log group kept for the stage's retention, and keeps automated backups. Its master
credentials are generated in Secrets Manager and reach the cluster by dynamic reference; a
``SecretTargetAttachment`` adds host and port to the secret. A function or service that ``uses`` the
cluster must be in the same network: its security group alone is admitted on the cluster's port, and it
receives ``DOCDB_HOST``, ``DOCDB_READER_HOST``, ``DOCDB_PORT`` and ``DOCDB_SECRET_ARN`` with
``secretsmanager:GetSecretValue`` on that one secret. (Read and write access look the same to IAM:
what a client may do inside the database is decided by database users, not by AWS.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import secretsmanager as sm
from awacs.aws import Allow, Statement
from pydantic import Field
from troposphere import GetAtt, Ref, Sub, docdb, secretsmanager

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from . import _database, _network, _service_roles
from .key import key_arn, via_service_statement

ENGINE_FAMILIES = {"4.0.0": "docdb4.0", "5.0.0": "docdb5.0"}


class DocumentDB(Component):
    """An encrypted, TLS-only DocumentDB cluster with generated credentials and derived network access."""

    kind: Literal["documentdb"] = "documentdb"
    network: str = Field(
        description="The network component whose database subnets hold the cluster.", examples=["main"]
    )
    instance_class: str = Field(
        "db.t3.medium", description="Instance class of every instance.", examples=["db.t3.medium", "db.r6g.large"]
    )
    instances: int = Field(
        1, ge=1, le=16, description="Instances in the cluster: one primary, the rest read replicas.", examples=[3]
    )
    engine_version: Literal["4.0.0", "5.0.0"] = Field("5.0.0", description="DocumentDB engine version.")
    port: int = Field(27017, ge=1150, le=65535, description="Port the cluster listens on.")
    master_username: str = Field(
        "specc_admin",
        pattern=r"^[a-zA-Z][a-zA-Z0-9_]{0,62}$",
        description="Master user name; the password is generated in Secrets Manager.",
    )
    backup_retention_days: int = Field(7, ge=1, le=35, description="Days automated backups are kept.")
    backup_window: str | None = _database.backup_window_field()
    audit_logs: bool = Field(True, description="Record authentication and DDL events to CloudWatch Logs.")
    profiler: bool = Field(False, description="Log slow operations (over 100 ms) to CloudWatch Logs.")
    kms_key: str | None = Field(
        None,
        description=(
            "A key component to encrypt storage, the credentials secret and the log groups with. Default: AWS-managed "
            "keys (aws/rds, aws/secretsmanager) and CloudWatch Logs' own, which the spec accepts with its reason "
            "(security.accept.CKV_AWS_149 for the secret, CKV_AWS_158 for the log groups)."
        ),
        examples=["data-key"],
    )
    allow_from: list[str] = _database.allow_from_field("cluster")

    stateful = True
    access_levels = ("read", "write", "read_write")
    summary = "DocumentDB cluster (encrypted, TLS-only, generated credentials)"
    diagram_group = "data"

    # -- ids ------------------------------------------------------------------------------------
    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Cluster"

    @property
    def secret_id(self) -> str:
        return pascal(self.id_name) + "Secret"

    # -- validation -----------------------------------------------------------------------------
    def references(self) -> Iterator[Reference]:
        yield from _database.references(self)

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        problem = _database.check_instance_class(self.instance_class, _database.DOCDB_CLASSES, "DocumentDB")
        if problem:
            yield ("instance_class",), problem
        if self.master_username.lower() in _database.RESERVED_USERNAMES:
            yield ("master_username",), f"{self.master_username!r} is reserved by DocumentDB; choose another name"
        yield from _database.check_network(ctx, self)
        yield from _network.check_allow_from(ctx, self)

    # -- build ----------------------------------------------------------------------------------
    def build(self, ctx: BuildContext) -> None:
        p = pascal(self.id_name)
        cluster_name = _database.identifier(ctx, self)
        secret = secretsmanager.Secret(
            self.secret_id,
            Description=f"Master credentials of the {ctx.physical_name(self.id_name)} DocumentDB cluster",
            GenerateSecretString=secretsmanager.GenerateSecretString(
                SecretStringTemplate=f'{{"username": "{self.master_username}"}}',
                GenerateStringKey="password",
                PasswordLength=32,
                ExcludePunctuation=True,
            ),
        )
        if self.kms_key:
            secret.KmsKeyId = key_arn(ctx, self.kms_key)
        ctx.add(self, secret, ("master_username",))
        _database.subnet_group(ctx, self, docdb.DBSubnetGroup)
        ctx.add(
            self,
            docdb.DBClusterParameterGroup(
                f"{p}ParameterGroup",
                Description=f"{ctx.physical_name(self.id_name)}: TLS required",
                Family=ENGINE_FAMILIES[self.engine_version],
                Parameters={
                    "audit_logs": "enabled" if self.audit_logs else "disabled",
                    "profiler": "enabled" if self.profiler else "disabled",
                    "tls": "enabled",
                },
            ),
        )
        _network.security_group(ctx, self, f"DocumentDB cluster {self.name}")
        exports = self._exports()
        for log, name in zip(exports, self._log_names(ctx), strict=True):
            ctx.add(
                self,
                _service_roles.log_group(ctx, f"{p}{pascal(log)}LogGroup", name, self.kms_key),
                (f"{log}_logs" if log == "audit" else log,),
            )
        cluster = docdb.DBCluster(
            self.logical_id,
            DBClusterIdentifier=cluster_name,
            EngineVersion=self.engine_version,
            Port=self.port,
            MasterUsername=Sub(f"{{{{resolve:secretsmanager:${{{self.secret_id}}}:SecretString:username}}}}"),
            MasterUserPassword=Sub(f"{{{{resolve:secretsmanager:${{{self.secret_id}}}:SecretString:password}}}}"),
            StorageEncrypted=True,
            BackupRetentionPeriod=self.backup_retention_days,
            DBSubnetGroupName=Ref(f"{p}SubnetGroup"),
            DBClusterParameterGroupName=Ref(f"{p}ParameterGroup"),
            VpcSecurityGroupIds=[GetAtt(_network.security_group_id(self), "GroupId")],
            DeletionProtection=ctx.protected,
            CopyTagsToSnapshot=True,
        )
        if exports:
            cluster.EnableCloudwatchLogsExports = exports
            cluster.DependsOn = [f"{p}{pascal(log)}LogGroup" for log in exports]
        if self.backup_window:
            cluster.PreferredBackupWindow = self.backup_window
        if self.kms_key:
            cluster.KmsKeyId = key_arn(ctx, self.kms_key)
        ctx.add(self, cluster)
        for index in range(self.instances):
            ctx.add(
                self,
                docdb.DBInstance(
                    f"{p}Instance{index + 1}",
                    DBClusterIdentifier=Ref(cluster),
                    DBInstanceClass=self.instance_class,
                    AutoMinorVersionUpgrade=True,
                ),
                ("instances",),
            )
        ctx.add(
            self,
            secretsmanager.SecretTargetAttachment(
                f"{p}SecretAttachment",
                SecretId=Ref(self.secret_id),
                TargetId=Ref(cluster),
                TargetType="AWS::DocDB::DBCluster",
            ),
            ("master_username",),
        )
        _network.admit_users(ctx, self, self.port, f"DocumentDB port {self.port}")
        ctx.output(self, f"{p}Endpoint", GetAtt(cluster, "Endpoint"), f"Writer endpoint of the {self.name} cluster")
        ctx.output(self, f"{p}SecretArn", Ref(self.secret_id), f"Credentials secret of the {self.name} cluster")

    # -- use by functions and services ------------------------------------------------------------
    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        statements: list[Any] = [
            Statement(
                Effect=Allow,
                Action=[sm.DescribeSecret, sm.GetSecretValue],
                Resource=[Ref(self.secret_id)],
            )
        ]
        if self.kms_key:
            statements.append(via_service_statement(ctx, self.kms_key, "secretsmanager", "read"))
        return statements

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {
            "DOCDB_HOST": GetAtt(self.logical_id, "Endpoint"),
            "DOCDB_PORT": GetAtt(self.logical_id, "Port"),
            "DOCDB_READER_HOST": GetAtt(self.logical_id, "ReadEndpoint"),
            "DOCDB_SECRET_ARN": Ref(self.secret_id),
        }

    def _exports(self) -> list[str]:
        return [name for name, on in (("audit", self.audit_logs), ("profiler", self.profiler)) if on]

    def _log_names(self, ctx: Any) -> list[str]:
        return [f"/aws/docdb/{_database.identifier(ctx, self)}/{log}" for log in self._exports()]

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        return _service_roles.log_key_statements(
            ctx, self.kms_key, key, pascal(self.id_name) + "Logs", self._log_names(ctx)
        )

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"DBClusterIdentifier": Ref(self.logical_id)}
        return {
            "cpu": Metric("AWS/DocDB", "CPUUtilization", dims, "Average", "average CPU utilisation (%)"),
            "connections": Metric("AWS/DocDB", "DatabaseConnections", dims, "Maximum", "open connections"),
            "freeable_memory": Metric("AWS/DocDB", "FreeableMemory", dims, "Minimum", "freeable memory (bytes)"),
            "volume_bytes": Metric("AWS/DocDB", "VolumeBytesUsed", dims, "Maximum", "storage used (bytes)"),
            "replica_lag": Metric("AWS/DocDB", "DBInstanceReplicaLag", dims, "Maximum", "replica lag (ms)"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        hours = ctx.hours(self)
        return [
            ctx.item(
                self,
                f"{pascal(self.id_name)}Instance1",
                f"{self.instances} x {self.instance_class} instance(s)",
                f"docdb.instance_hours.{self.instance_class}",
                self.instances * hours,
            ),
            ctx.item(self, self.logical_id, "cluster storage", "docdb.storage_gb", ctx.usage(self, "stored_gb")),
            ctx.item(
                self,
                self.logical_id,
                "storage I/O",
                "docdb.io_requests",
                ctx.usage(self, "io_requests_per_month") / 1e6,
            ),
            ctx.item(
                self,
                self.logical_id,
                "backup storage beyond the free allowance",
                "docdb.backup_gb",
                ctx.usage(self, "backup_gb"),
            ),
            ctx.item(self, self.secret_id, "credentials secret", "secretsmanager.secrets", 1),
            *(
                line
                for log in self._exports()
                for line in ctx.log_items(self, f"{pascal(self.id_name)}{pascal(log)}LogGroup", f"{log} logs")
            ),
        ]
