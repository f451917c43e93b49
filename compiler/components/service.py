"""ECS service on Fargate: task definition, roles, logs, health check, auto scaling, safe deployments.

```yaml
backend:
  kind: service
  cluster: app                      # a container_cluster
  network: main                     # runs in its private subnets, no public IP
  image: {repository: backend-images, tag: latest}   # or a public image: public.ecr.aws/nginx/nginx:1.27
  cpu: 512                          # CPU units (1024 = 1 vCPU); memory must suit it (Fargate's table)
  memory: 1024                      # MiB
  port: 3000
  environment: {NODE_ENV: production}
  secrets: {JWT_SECRET: jwt-secret} # injected from Secrets Manager at start (ValueFrom ARN, never the value)
  uses: {users-db: read_write}      # task role grants + connection variables + security-group rules
  health_check: {path: /health}
  scaling: {min: 2, max: 6, cpu_target: 70, memory_target: 75}   # or a fixed desired_count
```

The execution role (used by ECS to start the task) may pull from the service's image repository,
write its log group and read the secrets it injects -- nothing else. The task role (used by the
application) holds exactly what ``uses`` asks for, through each used component's ``grant``. Tasks
run in the network's private subnets without a public IP; their security group admits only the load
balancers that route to the service (on its port) and the components that use it. Deployments roll
back by themselves when the new tasks do not become healthy (deployment circuit breaker).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from awacs import logs, ssm
from awacs import secretsmanager as sm
from awacs.aws import Allow, Statement
from pydantic import Field
from troposphere import GetAtt, Join, Ref, Region
from troposphere import applicationautoscaling as aas
from troposphere import ecs as tecs

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from . import _network
from ._service_roles import (
    ENV_NAME,
    LOG_KMS_KEY_DESCRIPTION,
    env_var_name,
    environment_problems,
    log_group,
    log_group_name,
    log_key_statements,
    service_role,
)

#: Fargate's valid task sizes: CPU units -> memory (MiB) allowed with it.
FARGATE_MEMORY: dict[int, list[int]] = {
    256: [512, 1024, 2048],
    512: list(range(1024, 4096 + 1, 1024)),
    1024: list(range(2048, 8192 + 1, 1024)),
    2048: list(range(4096, 16384 + 1, 1024)),
    4096: list(range(8192, 30720 + 1, 1024)),
    8192: list(range(16384, 61440 + 1, 4096)),
    16384: list(range(32768, 122880 + 1, 8192)),
}

SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:[0-9]{12}:(secret:|parameter/).+$")
PUBLIC_IMAGE = re.compile(r"^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_.-]{1,128}|@sha256:[0-9a-f]{64})$")


class RepositoryImage(SpecModel):
    """An image from an image_repository component of this spec."""

    repository: str = Field(description="The image_repository component.", examples=["backend-images"])
    tag: str = Field(
        "latest",
        description="Tag the task definition starts from; a pipeline deploys newer images by their own tags.",
        examples=["latest"],
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$",
    )


class SecretRef(SpecModel):
    """One field of a JSON secret (e.g. the password of database credentials)."""

    secret: str = Field(
        description="A component holding a secret (secret, database) or a secret ARN.", examples=["users-db"]
    )
    key: str = Field(description="The JSON key to inject.", examples=["password"], pattern=r"^[A-Za-z0-9_.-]+$")


class HealthCheck(SpecModel):
    """How the load balancer (and optionally the container runtime) decides a task is healthy."""

    path: str = Field(
        "/", description="HTTP path the load balancer checks.", examples=["/health"], pattern=r"^/[^\s]*$"
    )
    matcher: str = Field(
        "200-399", description="HTTP codes that count as healthy.", examples=["200"], pattern=r"^[0-9,-]+$"
    )
    command: str | None = Field(
        None,
        description="Shell command run inside the container; exit 0 means healthy (the image must have the tool).",
        examples=["wget -qO- http://localhost:3000/health || exit 1"],
    )
    interval_seconds: int = Field(30, ge=5, le=300, description="Seconds between checks.")
    timeout_seconds: int = Field(5, ge=2, le=120, description="Seconds before a check counts as failed.")
    healthy_threshold: int = Field(2, ge=2, le=10, description="Passes in a row before a task is healthy.")
    unhealthy_threshold: int = Field(3, ge=2, le=10, description="Failures in a row before a task is unhealthy.")
    grace_period_seconds: int = Field(
        60, ge=0, le=3600, description="Seconds after start during which failed checks do not count."
    )


class Scaling(SpecModel):
    """Target-tracking auto scaling of the task count on CPU and memory."""

    min: int = Field(1, ge=0, le=1000, description="Fewest tasks.", examples=[2])
    max: int = Field(ge=1, le=1000, description="Most tasks.", examples=[6])
    cpu_target: float | None = Field(
        70, gt=0, le=100, description="Average CPU utilisation (%) to hold; null: no CPU policy.", examples=[70]
    )
    memory_target: float | None = Field(
        75, gt=0, le=100, description="Average memory utilisation (%) to hold; null: no memory policy.", examples=[75]
    )
    scale_in_cooldown_seconds: int = Field(300, ge=0, le=3600, description="Wait after scaling in.")
    scale_out_cooldown_seconds: int = Field(60, ge=0, le=3600, description="Wait after scaling out.")


class Service(Component):
    """An ECS service running Fargate tasks in a network's private subnets."""

    kind: Literal["service"] = "service"
    cluster: str = Field(description="The container_cluster component the service runs in.", examples=["app"])
    network: str = Field(
        description="The network component; tasks run in its private subnets with their own security group.",
        examples=["main"],
    )
    image: RepositoryImage | str = Field(
        description=(
            "The container image: {repository: <image_repository component>, tag: ...}, or a public image "
            "reference with a tag or digest."
        ),
        examples=[{"repository": "backend-images", "tag": "latest"}, "public.ecr.aws/nginx/nginx-unprivileged:1.27"],
    )
    cpu: Literal[256, 512, 1024, 2048, 4096, 8192, 16384] = Field(
        256, description="CPU units of a task (1024 = 1 vCPU).", examples=[512]
    )
    memory: int = Field(
        512,
        ge=512,
        le=122880,
        description="Memory of a task in MiB; the values Fargate allows depend on cpu.",
        examples=[1024],
    )
    architecture: Literal["x86_64", "arm64"] = Field(
        "x86_64", description="CPU architecture of the image (arm64 is about 20% cheaper)."
    )
    port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Port the container listens on (none: a worker without traffic).",
        examples=[3000],
    )
    command: list[str] | None = Field(
        None, description="Override the image's command.", examples=[["node", "server.js"]]
    )
    environment: dict[str, str] = Field(
        default_factory=dict,
        description="Plain environment variables. Secrets go under 'secrets'.",
        examples=[{"NODE_ENV": "production"}],
    )
    secrets: dict[str, str | SecretRef] = Field(
        default_factory=dict,
        description=(
            "Environment variables ECS fills from Secrets Manager (or SSM) when a task starts: a component holding "
            "a secret, {secret, key} for one JSON field, or a secret ARN. The value never appears in the template."
        ),
        examples=[{"JWT_SECRET": "jwt-secret", "DB_PASSWORD": {"secret": "users-db", "key": "password"}}],
    )
    uses: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Components the application uses, with the access it needs: grants exactly that to the task role, "
            "passes the component's connection variables, and opens the network path to it."
        ),
        examples=[{"users-db": "read_write", "assets": "read"}],
    )
    health_check: HealthCheck = Field(default_factory=HealthCheck, description="Health checks.")
    desired_count: int | None = Field(
        None,
        ge=0,
        le=1000,
        description="Tasks to run when there is no 'scaling' (default 2). With scaling, the count is scaling's to set.",
        examples=[2],
    )
    scaling: Scaling | None = Field(
        None,
        description=(
            "Auto scaling on CPU and memory between min and max tasks. The stack then leaves the task count alone, "
            "so an update never resets what auto scaling chose."
        ),
    )
    read_only_root_filesystem: bool = Field(
        True, description="Mount the container's root filesystem read-only; list writable paths below."
    )
    writable_paths: list[str] = Field(
        default_factory=list,
        description="Paths given a writable scratch volume (task storage), e.g. for caches and pid files.",
        examples=[["/tmp"]],
    )
    ephemeral_storage_gb: int | None = Field(
        None, ge=21, le=200, description="Task storage beyond Fargate's free 20 GB.", examples=[30]
    )
    log_kms_key: str | None = Field(None, description=LOG_KMS_KEY_DESCRIPTION, examples=["logs-key"])
    egress_https: bool = Field(
        True,
        description=(
            "Allow outbound HTTPS (to pull images, read secrets and reach AWS APIs through NAT or endpoints). "
            "Turning it off needs interface endpoints for ECR, Logs and Secrets Manager."
        ),
    )

    summary = "ECS Fargate service (task definition, roles, autoscaling, circuit breaker)"
    diagram_group = "compute"

    # -- names -------------------------------------------------------------------------------------
    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Service"

    @property
    def task_definition_id(self) -> str:
        return pascal(self.id_name) + "TaskDefinition"

    @property
    def execution_role_id(self) -> str:
        return pascal(self.id_name) + "ExecutionRole"

    @property
    def task_role_id(self) -> str:
        return pascal(self.id_name) + "TaskRole"

    @property
    def log_group_id(self) -> str:
        return pascal(self.id_name) + "LogGroup"

    @property
    def container_name(self) -> str:
        return self.id_name

    @property
    def image_repository_name(self) -> str | None:
        return self.image.repository if isinstance(self.image, RepositoryImage) else None

    @property
    def task_count(self) -> int:
        """Tasks running in the steady state: desired_count, or scaling's minimum."""
        if self.scaling is not None:
            return self.scaling.min
        return 2 if self.desired_count is None else self.desired_count

    def family(self, ctx: Any) -> str:
        return f"{ctx.system}-{ctx.stage_name}-{self.id_name}"

    def cluster_ref(self, ctx: Any) -> Ref:
        return Ref(ctx.component(self.cluster).logical_id)

    # -- checks -------------------------------------------------------------------------------------
    def references(self) -> Iterator[Reference]:
        yield Reference(("cluster",), self.cluster, ("container_cluster",), "container cluster")
        yield Reference(("network",), self.network, ("network",), "network")
        if isinstance(self.image, RepositoryImage):
            yield Reference(("image", "repository"), self.image.repository, ("image_repository",), "image repository")
        if self.log_kms_key:
            yield Reference(("log_kms_key",), self.log_kms_key, ("key",), "key")
        for target in self.uses:
            yield Reference(("uses", target), target, _usable_kinds(), "component")
        for var, value in self.secrets.items():
            name = value.secret if isinstance(value, SecretRef) else value
            if not name.startswith("arn:"):
                path = ("secrets", var, "secret") if isinstance(value, SecretRef) else ("secrets", var)
                yield Reference(path, name, _usable_kinds(), "secret")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        allowed = FARGATE_MEMORY[self.cpu]
        if self.memory not in allowed:
            shown = (
                ", ".join(str(m) for m in allowed)
                if len(allowed) <= 8
                else f"{allowed[0]} to {allowed[-1]} in steps of {allowed[1] - allowed[0]}"
            )
            yield (
                ("memory",),
                f"Fargate does not run {self.cpu} CPU units with {self.memory} MiB; with cpu {self.cpu} memory must be "
                f"{shown} MiB",
            )
        if isinstance(self.image, str) and not PUBLIC_IMAGE.match(self.image):
            yield (
                ("image",),
                f"{self.image!r} is not an image reference with a tag or digest, like "
                "'public.ecr.aws/nginx/nginx-unprivileged:1.27'; for this spec's repositories use {repository: <name>}",
            )
        for target, access in self.uses.items():
            used = ctx.spec.components.get(target)
            if used is not None and access not in used.access_levels:
                levels = ", ".join(used.access_levels) or "none"
                yield ("uses", target), f"a {used.kind_name} cannot be used with {access!r}; valid: {levels}"
        yield from environment_problems(self.environment)
        for key, value in self.secrets.items():
            if not ENV_NAME.match(key):
                yield ("secrets", key), f"invalid environment variable name {key!r}"
            elif key in self.environment:
                yield ("secrets", key), f"{key} is also a plain environment variable"
            name = value.secret if isinstance(value, SecretRef) else value
            path = ("secrets", key, "secret") if isinstance(value, SecretRef) else ("secrets", key)
            if name.startswith("arn:") and not SECRET_ARN.match(name):
                yield path, "not a Secrets Manager secret or SSM parameter ARN"
        for index, path in enumerate(self.writable_paths):
            if not path.startswith("/") or path == "/" or ".." in path.split("/"):
                yield ("writable_paths", index), f"{path!r} is not an absolute path inside the container"
        if len(set(self.writable_paths)) != len(self.writable_paths):
            yield ("writable_paths",), "a path is listed twice"
        if self.scaling is not None:
            s = self.scaling
            if s.min > s.max:
                yield ("scaling", "min"), f"min ({s.min}) is more than max ({s.max})"
            if self.desired_count is not None:
                yield (
                    ("desired_count",),
                    f"with scaling the task count is set by auto scaling (min {s.min}, max {s.max}); leave "
                    "desired_count out",
                )
            if s.cpu_target is None and s.memory_target is None:
                yield ("scaling",), "scaling needs cpu_target, memory_target or both"
        if self.health_check.timeout_seconds >= self.health_check.interval_seconds:
            yield ("health_check", "timeout_seconds"), "the timeout must be shorter than the interval"
        yield from _network.check_network_member(ctx, self)
        yield from _network.check_uses(ctx, self)

    # -- build --------------------------------------------------------------------------------------
    def build(self, ctx: BuildContext) -> None:
        from .load_balancer import routes_to

        ctx.add(
            self,
            log_group(ctx, self.log_group_id, log_group_name(ctx, self.id_name), self.log_kms_key),
        )
        self._execution_role(ctx)
        environment = self._task_role(ctx)
        task_definition = self._task_definition(ctx, environment)
        ctx.add(self, task_definition)

        _network.security_group(
            ctx, self, f"{self.name} service", egress=[_network.https_egress()] if self.egress_https else None
        )

        routes = routes_to(ctx, self)
        service = tecs.Service(
            self.logical_id,
            Cluster=self.cluster_ref(ctx),
            TaskDefinition=Ref(task_definition),
            LaunchType="FARGATE",
            PlatformVersion="LATEST",
            DeploymentController=tecs.DeploymentController(Type="ECS"),
            DeploymentConfiguration=tecs.DeploymentConfiguration(
                DeploymentCircuitBreaker=tecs.DeploymentCircuitBreaker(Enable=True, Rollback=True),
                MaximumPercent=200,
                MinimumHealthyPercent=100,
            ),
            NetworkConfiguration=tecs.NetworkConfiguration(
                AwsvpcConfiguration=tecs.AwsvpcConfiguration(
                    AssignPublicIp="DISABLED",
                    SecurityGroups=[GetAtt(_network.security_group_id(self), "GroupId")],
                    Subnets=_network.subnet_ids(ctx, self, "private"),
                )
            ),
            PropagateTags="SERVICE",
            EnableECSManagedTags=True,
            EnableExecuteCommand=False,
        )
        if self.scaling is None:
            service.DesiredCount = self.task_count
        if routes:
            service.LoadBalancers = [
                tecs.LoadBalancer(
                    ContainerName=self.container_name, ContainerPort=self.port, TargetGroupArn=Ref(r.target_group_id)
                )
                for r in routes
            ]
            service.HealthCheckGracePeriodSeconds = self.health_check.grace_period_seconds
            # A target group must belong to a listener before a service can register targets in it.
            service.DependsOn = sorted({d for r in routes for d in r.depends_on})
        ctx.add(self, service)
        if self.scaling is not None:
            self._scaling(ctx)

    def _execution_role(self, ctx: BuildContext) -> None:
        statements: list[Any] = [
            Statement(
                Effect=Allow,
                Action=[logs.CreateLogStream, logs.PutLogEvents],
                Resource=[GetAtt(self.log_group_id, "Arn")],
            )
        ]
        if isinstance(self.image, RepositoryImage):
            statements += ctx.component(self.image.repository).grant(ctx, "pull")
        secret_arns: list[Any] = []
        parameter_arns: list[Any] = []
        for var, value in sorted(self.secrets.items()):
            name = value.secret if isinstance(value, SecretRef) else value
            arn = self._secret_arn(ctx, var, value)
            if ":ssm:" in str(name):
                parameter_arns.append(arn)
            else:
                secret_arns.append(arn)
            holder = None if name.startswith("arn:") else ctx.component(name)
            kms_key = getattr(holder, "kms_key", None)
            if isinstance(kms_key, str):
                from .key import via_service_statement

                statements.append(via_service_statement(ctx, kms_key, "secretsmanager", "read"))
        if secret_arns:
            statements.append(Statement(Effect=Allow, Action=[sm.GetSecretValue], Resource=_unique(secret_arns)))
        if parameter_arns:
            statements.append(Statement(Effect=Allow, Action=[ssm.GetParameters], Resource=_unique(parameter_arns)))
        ctx.add(self, service_role(self.execution_role_id, "ecs-tasks.amazonaws.com", statements))

    def _task_role(self, ctx: BuildContext) -> dict[str, Any]:
        statements: list[Any] = []
        environment: dict[str, Any] = {}
        for target, access in sorted(self.uses.items()):
            used = ctx.component(target)
            statements += used.grant(ctx, access)
            for var, value in used.provided_env(ctx).items():
                environment[self._env_name(ctx, target, var)] = value
        environment.update(self.environment)
        ctx.add(self, service_role(self.task_role_id, "ecs-tasks.amazonaws.com", statements))
        return environment

    def _env_name(self, ctx: BuildContext, target: str, var: str) -> str:
        providers = [t for t in self.uses if var in ctx.component(t).provided_env(ctx)]
        return f"{env_var_name(target)}_{var}" if len(providers) > 1 else var

    def _image(self, ctx: BuildContext) -> Any:
        if isinstance(self.image, RepositoryImage):
            repository = ctx.component(self.image.repository)
            return Join(":", [repository.uri, self.image.tag])
        return self.image

    def _task_definition(self, ctx: BuildContext, environment: dict[str, Any]) -> tecs.TaskDefinition:
        container = tecs.ContainerDefinition(
            Name=self.container_name,
            Image=self._image(ctx),
            Essential=True,
            ReadonlyRootFilesystem=self.read_only_root_filesystem,
            LogConfiguration=tecs.LogConfiguration(
                LogDriver="awslogs",
                Options={
                    "awslogs-group": Ref(self.log_group_id),
                    "awslogs-region": Region,
                    "awslogs-stream-prefix": self.id_name,
                    "mode": "non-blocking",
                    "max-buffer-size": "25m",
                },
            ),
        )
        if self.port is not None:
            container.PortMappings = [
                tecs.PortMapping(ContainerPort=self.port, Protocol="tcp", Name="http", AppProtocol="http")
            ]
        if self.command:
            container.Command = self.command
        if environment:
            container.Environment = [tecs.Environment(Name=k, Value=v) for k, v in sorted(environment.items())]
        if self.secrets:
            container.Secrets = [
                tecs.Secret(Name=var, ValueFrom=self._value_from(ctx, var, value))
                for var, value in sorted(self.secrets.items())
            ]
        check = self.health_check
        if check.command:
            container.HealthCheck = tecs.HealthCheck(
                Command=["CMD-SHELL", check.command],
                Interval=check.interval_seconds,
                Timeout=min(check.timeout_seconds, 60),
                Retries=min(check.unhealthy_threshold, 10),
                StartPeriod=min(check.grace_period_seconds, 300),
            )
        volumes = []
        if self.writable_paths:
            mounts = []
            for path in self.writable_paths:
                name = _volume_name(path)
                volumes.append(tecs.Volume(Name=name))
                mounts.append(tecs.MountPoint(SourceVolume=name, ContainerPath=path, ReadOnly=False))
            container.MountPoints = mounts
        definition = tecs.TaskDefinition(
            self.task_definition_id,
            Family=self.family(ctx),
            Cpu=str(self.cpu),
            Memory=str(self.memory),
            NetworkMode="awsvpc",
            RequiresCompatibilities=["FARGATE"],
            RuntimePlatform=tecs.RuntimePlatform(
                CpuArchitecture="ARM64" if self.architecture == "arm64" else "X86_64",
                OperatingSystemFamily="LINUX",
            ),
            ExecutionRoleArn=GetAtt(self.execution_role_id, "Arn"),
            TaskRoleArn=GetAtt(self.task_role_id, "Arn"),
            ContainerDefinitions=[container],
        )
        if volumes:
            definition.Volumes = volumes
        if self.ephemeral_storage_gb:
            definition.EphemeralStorage = tecs.EphemeralStorage(SizeInGiB=self.ephemeral_storage_gb)
        return definition

    def _secret_arn(self, ctx: BuildContext, var: str, value: str | SecretRef) -> Any:
        name = value.secret if isinstance(value, SecretRef) else value
        if name.startswith("arn:"):
            return name
        arn = ctx.component(name).secret_arn(ctx)
        if arn is None:
            path = ("secrets", var, "secret") if isinstance(value, SecretRef) else ("secrets", var)
            ctx.fail(("components", self.name, *path), f"{name!r} ({ctx.component(name).kind_name}) holds no secret")
            return ""
        return arn

    def _value_from(self, ctx: BuildContext, var: str, value: str | SecretRef) -> Any:
        arn = self._secret_arn(ctx, var, value)
        if isinstance(value, SecretRef):
            # <secret ARN>:<json key>:<version stage>:<version id>; empty stage and id mean AWSCURRENT.
            return Join("", [arn, f":{value.key}::"])
        return arn

    def _scaling(self, ctx: BuildContext) -> None:
        assert self.scaling is not None
        s = self.scaling
        target = aas.ScalableTarget(
            pascal(self.id_name) + "ScalableTarget",
            ServiceNamespace="ecs",
            ScalableDimension="ecs:service:DesiredCount",
            ResourceId=Join("/", ["service", self.cluster_ref(ctx), GetAtt(self.logical_id, "Name")]),
            MinCapacity=s.min,
            MaxCapacity=s.max,
        )
        ctx.add(self, target, ("scaling",))
        for metric, value, predefined in (
            ("Cpu", s.cpu_target, "ECSServiceAverageCPUUtilization"),
            ("Memory", s.memory_target, "ECSServiceAverageMemoryUtilization"),
        ):
            if value is None:
                continue
            ctx.add(
                self,
                aas.ScalingPolicy(
                    f"{pascal(self.id_name)}{metric}ScalingPolicy",
                    PolicyName=f"{ctx.physical_name(self.id_name)}-{metric.lower()}",
                    PolicyType="TargetTrackingScaling",
                    ScalingTargetId=Ref(target),
                    TargetTrackingScalingPolicyConfiguration=aas.TargetTrackingScalingPolicyConfiguration(
                        PredefinedMetricSpecification=aas.PredefinedMetricSpecification(
                            PredefinedMetricType=predefined
                        ),
                        TargetValue=float(value),
                        ScaleInCooldown=s.scale_in_cooldown_seconds,
                        ScaleOutCooldown=s.scale_out_cooldown_seconds,
                    ),
                ),
                ("scaling",),
            )

    # -- hooks for other components ----------------------------------------------------------------
    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        return log_key_statements(
            ctx, self.log_kms_key, key, pascal(self.id_name) + "Logs", [log_group_name(ctx, self.id_name)]
        )

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        from .load_balancer import routes_to

        dims = {"ClusterName": self.cluster_ref(ctx), "ServiceName": GetAtt(self.logical_id, "Name")}
        metrics = {
            "cpu": Metric("AWS/ECS", "CPUUtilization", dims, "Average", "average CPU utilisation (%)"),
            "memory": Metric("AWS/ECS", "MemoryUtilization", dims, "Average", "average memory utilisation (%)"),
        }
        cluster = ctx.spec.components.get(self.cluster)
        if getattr(cluster, "container_insights", "disabled") != "disabled":
            metrics["running_tasks"] = Metric(
                "ECS/ContainerInsights", "RunningTaskCount", dims, "Average", "running tasks"
            )
        routes = routes_to(ctx, self)
        if len(routes) == 1:
            lb_dims = {
                "LoadBalancer": GetAtt(routes[0].load_balancer_id, "LoadBalancerFullName"),
                "TargetGroup": GetAtt(routes[0].target_group_id, "TargetGroupFullName"),
            }
            metrics |= {
                "unhealthy_targets": Metric(
                    "AWS/ApplicationELB", "UnHealthyHostCount", lb_dims, "Maximum", "unhealthy targets"
                ),
                "healthy_targets": Metric(
                    "AWS/ApplicationELB", "HealthyHostCount", lb_dims, "Minimum", "healthy targets"
                ),
                "target_5xx": Metric(
                    "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb_dims, "Sum", "5xx responses from the tasks"
                ),
                "response_time": Metric(
                    "AWS/ApplicationELB", "TargetResponseTime", lb_dims, "Average", "average response time (s)"
                ),
            }
        return metrics

    def cost(self, ctx: CostContext) -> list[LineItem]:
        hours = ctx.usage(self, "hours_per_month")
        tasks = self.task_count
        arch = "arm" if self.architecture == "arm64" else "x86"
        vcpu = self.cpu / 1024
        gb = self.memory / 1024
        items = [
            ctx.item(
                self,
                self.logical_id,
                f"Fargate vCPU ({tasks} tasks x {vcpu:g} vCPU, {arch})",
                f"fargate.vcpu_hours_{arch}",
                tasks * vcpu * hours,
            ),
            ctx.item(
                self,
                self.logical_id,
                f"Fargate memory ({tasks} tasks x {gb:g} GB, {arch})",
                f"fargate.gb_hours_{arch}",
                tasks * gb * hours,
            ),
        ]
        if self.ephemeral_storage_gb:
            extra = self.ephemeral_storage_gb - 20
            items.append(
                ctx.item(
                    self,
                    self.logical_id,
                    f"task storage beyond 20 GB ({tasks} tasks x {extra} GB)",
                    "fargate.ephemeral_storage_gb_hours",
                    tasks * extra * hours,
                )
            )
        items.append(
            ctx.item(
                self, self.log_group_id, "log ingestion", "cloudwatch.logs_ingestion_gb", ctx.usage(self, "log_gb")
            )
        )
        return items


def _volume_name(path: str) -> str:
    """``/var/cache/nginx`` -> ``var-cache-nginx`` (a volume name derived from the path, not its position)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", path.strip("/")) or "root"


def _unique(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if not any(_same(value, v) for v in out):
            out.append(value)
    return out


def _same(a: Any, b: Any) -> bool:
    to_dict = getattr(a, "to_dict", None)
    return (to_dict() == b.to_dict()) if to_dict and hasattr(b, "to_dict") else a == b


def _usable_kinds() -> tuple[str, ...]:
    from .function import _usable_kinds

    return _usable_kinds()
