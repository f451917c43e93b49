"""RDS for PostgreSQL instance in a network's database subnets.

```yaml
users-db:
  kind: postgres
  network: main
  instance_class: db.t3.medium
  version: "17.6"
  storage_gb: 20
  max_storage_gb: 100          # storage autoscaling limit
  multi_az: false              # e.g. true on prod through the stage overlay
  database_name: users
```

Storage is gp3, encrypted, and grows on its own up to ``max_storage_gb``; automated backups are kept
seven days unless said otherwise; deletion protection is on for stages that retain data. RDS
generates the master password and keeps it in a Secrets Manager secret it manages
(``ManageMasterUserPassword``), so no password ever passes through the template. A parameter group
sets ``rds.force_ssl = 1``: every connection is TLS. PostgreSQL and upgrade logs go to log groups
kept for the stage's retention. Performance Insights, Enhanced Monitoring and IAM database
authentication are there when asked.

Functions and services that ``uses`` the database must be in its network; their security group is
admitted on the database port and they receive ``PGHOST``, ``PGPORT``, ``PGDATABASE``, ``PGSSLMODE``
and ``POSTGRES_SECRET_ARN`` (with ``secretsmanager:GetSecretValue`` on that secret only; with
``iam_auth``, also ``PGUSER`` and ``rds-db:connect`` as that user).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from awacs import secretsmanager as sm
from awacs.aws import Action, Allow, Statement
from pydantic import Field, field_validator
from troposphere import AccountId, GetAtt, Join, Partition, Ref, Region, rds

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from . import _database, _network, _service_roles
from .key import key_arn, via_service_statement

LOG_EXPORTS = ("postgresql", "upgrade")


class Postgres(Component):
    """An RDS for PostgreSQL instance: encrypted gp3, TLS-only, RDS-managed credentials, derived access."""

    kind: Literal["postgres"] = "postgres"
    network: str = Field(
        description="The network component whose database subnets hold the instance.", examples=["main"]
    )
    instance_class: str = Field(
        "db.t4g.micro", description="DB instance class.", examples=["db.t3.medium", "db.m7g.large"]
    )
    version: str = Field(
        "17.6",
        description=(
            "PostgreSQL version, major.minor (RDS has retired bare major versions for new instances); minor "
            "versions are upgraded automatically in the maintenance window."
        ),
        examples=["17.6", "16.10"],
    )
    storage_gb: int = Field(20, ge=20, le=65536, description="Allocated gp3 storage in GB.")
    max_storage_gb: int | None = Field(
        100,
        ge=21,
        le=65536,
        description="Storage autoscaling limit in GB (above storage_gb); null turns autoscaling off.",
        examples=[100],
    )
    multi_az: bool = Field(
        True,
        description=(
            "A synchronous standby in a second availability zone, with automatic failover. Turning it off (e.g. on "
            "dev) must be said in the spec."
        ),
    )
    database_name: str = Field(
        "app",
        pattern=r"^[a-zA-Z][a-zA-Z0-9_]{0,62}$",
        description="Database created with the instance.",
        examples=["users"],
    )
    master_username: str = Field(
        "specc_admin",
        pattern=r"^[a-zA-Z][a-zA-Z0-9_]{0,62}$",
        description="Master user name; RDS generates the password and keeps it in Secrets Manager.",
    )
    port: int = Field(5432, ge=1150, le=65535, description="Port the database listens on.")
    backup_retention_days: int = Field(7, ge=1, le=35, description="Days automated backups are kept.")
    backup_window: str | None = _database.backup_window_field()
    iam_auth: bool = Field(
        False,
        description=(
            "Allow IAM database authentication (tokens instead of passwords). Without it clients use the managed "
            "credentials secret, which the spec accepts with its reason (security.accept.CKV_AWS_161)."
        ),
    )
    iam_user: str = Field(
        "app_user",
        pattern=r"^[a-zA-Z][a-zA-Z0-9_]{0,62}$",
        description="With iam_auth: the database user components connect as (create it with GRANT rds_iam).",
    )
    performance_insights: bool = Field(False, description="Performance Insights (7 days of history, free tier).")
    monitoring_interval: Literal[0, 1, 5, 10, 15, 30, 60] = Field(
        0,
        description=(
            "Enhanced Monitoring interval in seconds; 0 turns it off (standard CloudWatch metrics only), which the "
            "spec accepts with its reason (security.accept.CKV_AWS_118)."
        ),
    )
    kms_key: str | None = Field(
        None, description="A key component to encrypt storage and the managed secret with.", examples=["data-key"]
    )
    allow_from: list[str] = _database.allow_from_field("database")

    stateful = True
    access_levels = ("read", "write", "read_write")
    summary = "RDS for PostgreSQL (encrypted gp3, TLS-only, managed credentials)"
    diagram_group = "data"

    @field_validator("version")
    @classmethod
    def _major_minor(cls, value: str) -> str:
        if not re.fullmatch(r"1[3-8]\.[0-9]{1,2}", value):
            raise ValueError(
                f"PostgreSQL version {value!r} should be major.minor, e.g. '17.6' or '16.10' (majors 13 to 18)"
            )
        return value

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Database"

    @property
    def major_version(self) -> str:
        return self.version.split(".")[0]

    @property
    def secret_arn_value(self) -> GetAtt:
        return GetAtt(self.logical_id, "MasterUserSecret.SecretArn")

    def references(self) -> Iterator[Reference]:
        yield from _database.references(self)

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        problem = _database.check_instance_class(self.instance_class, _database.POSTGRES_CLASSES, "PostgreSQL")
        if problem:
            yield ("instance_class",), problem
        for field in ("master_username", "iam_user"):
            if getattr(self, field).lower() in _database.RESERVED_USERNAMES or getattr(self, field).startswith("rds"):
                yield (field,), f"{getattr(self, field)!r} is reserved by RDS for PostgreSQL; choose another name"
        if self.iam_auth and self.iam_user == self.master_username:
            yield ("iam_user",), "connect as an application user, not as the master user"
        if self.max_storage_gb is not None and self.max_storage_gb <= self.storage_gb:
            yield (
                ("max_storage_gb",),
                f"max_storage_gb ({self.max_storage_gb}) must be above storage_gb ({self.storage_gb}); "
                "set it to null to turn storage autoscaling off",
            )
        yield from _database.check_network(ctx, self)
        yield from _network.check_allow_from(ctx, self)

    def build(self, ctx: BuildContext) -> None:
        p = pascal(self.id_name)
        instance_name = _database.identifier(ctx, self)
        _database.subnet_group(ctx, self, rds.DBSubnetGroup)
        ctx.add(
            self,
            rds.DBParameterGroup(
                f"{p}ParameterGroup",
                Description=f"{ctx.physical_name(self.id_name)}: TLS required",
                Family=f"postgres{self.major_version}",
                Parameters={"rds.force_ssl": "1"},
            ),
        )
        _network.security_group(ctx, self, f"PostgreSQL database {self.name}")
        for log, name in zip(LOG_EXPORTS, self._log_names(ctx), strict=True):
            ctx.add(self, _service_roles.log_group(ctx, f"{p}{pascal(log)}LogGroup", name, self.kms_key))
        instance = rds.DBInstance(
            self.logical_id,
            DBInstanceIdentifier=instance_name,
            Engine="postgres",
            EngineVersion=self.version,
            DBInstanceClass=self.instance_class,
            AllocatedStorage=str(self.storage_gb),
            StorageType="gp3",
            StorageEncrypted=True,
            MultiAZ=self.multi_az,
            DBName=self.database_name,
            Port=str(self.port),
            MasterUsername=self.master_username,
            ManageMasterUserPassword=True,
            BackupRetentionPeriod=self.backup_retention_days,
            DBSubnetGroupName=Ref(f"{p}SubnetGroup"),
            DBParameterGroupName=Ref(f"{p}ParameterGroup"),
            VPCSecurityGroups=[GetAtt(_network.security_group_id(self), "GroupId")],
            PubliclyAccessible=False,
            CopyTagsToSnapshot=True,
            AutoMinorVersionUpgrade=True,
            DeletionProtection=ctx.protected,
            EnableIAMDatabaseAuthentication=self.iam_auth,
            EnablePerformanceInsights=self.performance_insights,
            EnableCloudwatchLogsExports=list(LOG_EXPORTS),
        )
        instance.DependsOn = [f"{p}{pascal(log)}LogGroup" for log in LOG_EXPORTS]
        if self.max_storage_gb is not None:
            instance.MaxAllocatedStorage = self.max_storage_gb
        if self.backup_window:
            instance.PreferredBackupWindow = self.backup_window
        if self.kms_key:
            instance.KmsKeyId = key_arn(ctx, self.kms_key)
            instance.MasterUserSecret = rds.MasterUserSecret(KmsKeyId=key_arn(ctx, self.kms_key))
        if self.performance_insights:
            instance.PerformanceInsightsRetentionPeriod = 7
            if self.kms_key:
                instance.PerformanceInsightsKMSKeyId = key_arn(ctx, self.kms_key)
        if self.monitoring_interval:
            ctx.add(
                self,
                # aws:SourceAccount: RDS documents the confused-deputy keys for the Enhanced Monitoring role
                # (RDS User Guide, "Setting up and enabling Enhanced Monitoring"). No aws:SourceArn: the
                # instance's ARN would make the role depend on the instance, which already depends on the role.
                _service_roles.service_role(
                    f"{p}MonitoringRole",
                    "monitoring.rds.amazonaws.com",
                    [],
                    managed_policy_arns=[
                        Join("", ["arn:", Partition, ":iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"])
                    ],
                ),
                ("monitoring_interval",),
            )
            instance.MonitoringInterval = self.monitoring_interval
            instance.MonitoringRoleArn = GetAtt(f"{p}MonitoringRole", "Arn")
        if not self.multi_az:  # said in the spec (the default is true); a default never skips a check
            _network.checkov_skip(
                instance, "CKV_AWS_157", "multi_az: false in the spec: one instance, no standby in a second zone"
            )
        ctx.add(self, instance)
        _network.admit_users(ctx, self, self.port, f"PostgreSQL port {self.port}")
        ctx.output(self, f"{p}Endpoint", GetAtt(instance, "Endpoint.Address"), f"Endpoint of the {self.name} database")
        ctx.output(
            self, f"{p}SecretArn", self.secret_arn_value, f"Master credentials secret of the {self.name} database"
        )

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        statements: list[Any] = [
            Statement(Effect=Allow, Action=[sm.DescribeSecret, sm.GetSecretValue], Resource=[self.secret_arn_value])
        ]
        if self.kms_key:
            statements.append(via_service_statement(ctx, self.kms_key, "secretsmanager", "read"))
        if self.iam_auth:
            statements.append(
                Statement(
                    Effect=Allow,
                    Action=[Action("rds-db", "connect")],
                    Resource=[
                        Join(
                            "",
                            [
                                "arn:",
                                Partition,
                                ":rds-db:",
                                Region,
                                ":",
                                AccountId,
                                ":dbuser:",
                                GetAtt(self.logical_id, "DbiResourceId"),
                                f"/{self.iam_user}",
                            ],
                        )
                    ],
                )
            )
        return statements

    def _log_names(self, ctx: Any) -> list[str]:
        return [f"/aws/rds/instance/{_database.identifier(ctx, self)}/{log}" for log in LOG_EXPORTS]

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        return _service_roles.log_key_statements(
            ctx, self.kms_key, key, pascal(self.id_name) + "Logs", self._log_names(ctx)
        )

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        env: dict[str, Any] = {
            "PGDATABASE": self.database_name,
            "PGHOST": GetAtt(self.logical_id, "Endpoint.Address"),
            "PGPORT": GetAtt(self.logical_id, "Endpoint.Port"),
            "PGSSLMODE": "require",
            "POSTGRES_SECRET_ARN": self.secret_arn_value,
        }
        if self.iam_auth:
            env["PGUSER"] = self.iam_user
        return env

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"DBInstanceIdentifier": Ref(self.logical_id)}
        return {
            "cpu": Metric("AWS/RDS", "CPUUtilization", dims, "Average", "average CPU utilisation (%)"),
            "free_storage": Metric("AWS/RDS", "FreeStorageSpace", dims, "Minimum", "free storage (bytes)"),
            "connections": Metric("AWS/RDS", "DatabaseConnections", dims, "Maximum", "open connections"),
            "freeable_memory": Metric("AWS/RDS", "FreeableMemory", dims, "Minimum", "freeable memory (bytes)"),
            "read_latency": Metric("AWS/RDS", "ReadLatency", dims, "Average", "read latency (s)"),
            "write_latency": Metric("AWS/RDS", "WriteLatency", dims, "Average", "write latency (s)"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        az = "_multi_az" if self.multi_az else ""
        where = "Multi-AZ" if self.multi_az else "Single-AZ"
        # Billed storage is what is allocated: the declared size, grown by autoscaling toward the data.
        stored = ctx.usage(self, "stored_gb")
        limit = self.max_storage_gb or self.storage_gb
        allocated = max(self.storage_gb, min(stored, limit))
        return [
            ctx.item(
                self,
                self.logical_id,
                f"{self.instance_class} instance, {where}",
                f"rds.instance_hours{az}.postgres.{self.instance_class}",
                ctx.hours(self),
            ),
            ctx.item(self, self.logical_id, f"gp3 storage, {where}", f"rds.storage_gp3_gb{az}", allocated),
            ctx.item(
                self, self.logical_id, "backup storage beyond the free allowance", "rds.backup_gb",
                ctx.usage(self, "backup_gb"),
            ),
            ctx.item(self, self.logical_id, "managed credentials secret", "secretsmanager.secrets", 1),
            *ctx.log_items(self, f"{pascal(self.id_name)}PostgresqlLogGroup", "PostgreSQL logs"),
        ]  # fmt: skip
