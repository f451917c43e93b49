"""CodePipeline (V2): source from GitHub through a CodeStar connection, build, test and deploy to ECS.

```yaml
delivery:
  kind: pipeline
  source:
    repository: acme/user-management          # GitHub owner/name
    branch: main
    connection_arn: arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-...   # or leave out
  access_logs: logs                           # a log_bucket for the artifact bucket's access logs
  stages:
    - name: build
      build: [build-backend, build-frontend]  # build projects, run side by side
    - name: test
      build: [integration-tests]
    - name: deploy
      approval: true                          # a person approves first (prod)
      deploy: [backend, frontend]             # ECS services, each from the build that pushes its image
```

Without ``connection_arn`` an ``AWS::CodeStarConnections::Connection`` is created; it stays
*pending* until someone completes the GitHub handshake once in the console. The pipeline keeps its
artifacts in its own bucket (encrypted, versioned, private, TLS-only, expired after
``artifact_retention_days``, retained when the stack goes). Its role may use only that connection,
that bucket, the build projects it runs and the services it deploys.

A build project that pushes an image gets an output artifact; the buildspec writes
``imagedefinitions.json`` (``[{"name": "$CONTAINER_NAME", "imageUri": "..."}]``) into it. The
pipeline passes ``CONTAINER_NAME`` to the build of each service it deploys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Literal

from awacs import codebuild, codeconnections, codestar_connections, ecs, iam, s3
from awacs.aws import Allow, Condition, Statement, StringEquals
from pydantic import Field
from troposphere import AccountId, GetAtt, Join, Partition, Ref, Region
from troposphere import codepipeline as cp
from troposphere import codestarconnections as csc
from troposphere import s3 as ts3

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from ._policies import block_public_access, object_ownership, s3_managed_encryption, tls_only_bucket_policy
from ._service_roles import service_role, sorted_actions

CONNECTION_ARN = re.compile(
    r"^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[0-9a-f-]{36}$"
)
STAGE_NAME = r"^[A-Za-z0-9.@_-]{1,100}$"


class Source(SpecModel):
    """Where the pipeline's source comes from: a GitHub repository branch, through a CodeStar connection."""

    repository: str = Field(
        description="GitHub repository as owner/name.",
        examples=["acme/user-management"],
        pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
    )
    branch: str = Field("main", description="Branch the pipeline builds.", examples=["main"], min_length=1)
    connection_arn: str | None = Field(
        None,
        description=(
            "ARN of an existing (available) CodeStar/CodeConnections connection to GitHub. Left out, a connection "
            "is created; it is pending until someone completes the GitHub handshake once in the console."
        ),
        examples=["arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666"],
    )
    trigger_on_push: bool = Field(True, description="Start the pipeline on every push to the branch.")


class PipelineStage(SpecModel):
    """One stage: an optional manual approval, then builds and deploys that run side by side."""

    name: str = Field(description="Stage name, unique in the pipeline.", examples=["build"], pattern=STAGE_NAME)
    approval: bool = Field(False, description="A person approves in the console before the stage's actions run.")
    build: list[str] = Field(
        default_factory=list, description="Build project components to run.", examples=[["build-backend"]]
    )
    deploy: list[str] = Field(
        default_factory=list,
        description="ECS service components to deploy, each with the image an earlier build pushed.",
        examples=[["backend"]],
    )


class Pipeline(Component):
    """An AWS CodePipeline V2 pipeline with its artifact bucket and least-privilege role."""

    kind: Literal["pipeline"] = "pipeline"
    source: Source = Field(description="The GitHub repository and branch to build.")
    stages: list[PipelineStage] = Field(
        description="Stages after the source stage, in order.", min_length=1, max_length=49
    )
    execution_mode: Literal["superseded", "queued"] = Field(
        "superseded",
        description="'superseded': a newer run overtakes an older one waiting; 'queued': runs go one by one.",
    )
    artifact_retention_days: int = Field(
        30, ge=1, le=3650, description="Build artifacts (and their old versions) are deleted after this many days."
    )
    access_logs: str | Literal[False] = Field(
        description=(
            "A log_bucket component that receives the artifact bucket's S3 server access logs, or false to turn "
            "access logging off (explicitly)."
        ),
        examples=["logs"],
    )

    summary = "CodePipeline V2: GitHub source, CodeBuild, ECS deploy"
    diagram_group = "cicd"

    # -- names --------------------------------------------------------------------------------------
    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Pipeline"

    @property
    def role_id(self) -> str:
        return pascal(self.id_name) + "PipelineRole"

    @property
    def bucket_id(self) -> str:
        return pascal(self.id_name) + "ArtifactBucket"

    @property
    def connection_id(self) -> str:
        return pascal(self.id_name) + "Connection"

    def build_projects(self) -> list[str]:
        return [name for stage in self.stages for name in stage.build]

    def deployed_services(self) -> list[str]:
        return [name for stage in self.stages for name in stage.deploy]

    # -- checks ----------------------------------------------------------------------------------------
    def references(self) -> Iterator[Reference]:
        if isinstance(self.access_logs, str):
            yield Reference(("access_logs",), self.access_logs, ("log_bucket",), "log bucket")
        for index, stage in enumerate(self.stages):
            for j, name in enumerate(stage.build):
                yield Reference(("stages", index, "build", j), name, ("build_project",), "build project")
            for j, name in enumerate(stage.deploy):
                yield Reference(("stages", index, "deploy", j), name, ("service",), "service")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        if self.source.connection_arn and not CONNECTION_ARN.match(self.source.connection_arn):
            yield (
                ("source", "connection_arn"),
                "not a connection ARN; expected arn:aws:codeconnections:<region>:<account>:connection/<id>",
            )
        seen_stages: dict[str, int] = {}
        seen_actions: dict[str, tuple[Any, ...]] = {}
        pushed: dict[str, str] = {}  # image repository -> build project of an earlier stage
        for index, stage in enumerate(self.stages):
            here = ("stages", index)
            if stage.name.lower() == "source":
                yield (*here, "name"), "'Source' is the pipeline's first stage already; name this stage otherwise"
            if stage.name in seen_stages:
                yield (*here, "name"), f"stage {stage.name!r} is already stage {seen_stages[stage.name] + 1}"
            seen_stages.setdefault(stage.name, index)
            if not (stage.build or stage.deploy):
                yield here, "a stage needs at least one build or deploy"
            for field in ("build", "deploy"):
                for j, name in enumerate(getattr(stage, field)):
                    if name in seen_actions:
                        yield (*here, field, j), f"{name!r} is already in this pipeline"
                    seen_actions.setdefault(name, (*here, field, j))
            pushed_here: dict[str, str] = {}
            for name in stage.build:
                project = ctx.spec.components.get(name)
                repository = getattr(project, "image_repository", None)
                if repository:
                    pushed_here[repository] = name
            feeds: dict[str, str] = {}
            for j, name in enumerate(stage.deploy):
                service = ctx.spec.components.get(name)
                if service is None or service.kind_name != "service":
                    continue
                repository = service.image_repository_name
                if repository is None:
                    yield (
                        (*here, "deploy", j),
                        f"service {name!r} runs a public image; a pipeline deploys images from an image_repository",
                    )
                elif repository not in pushed:
                    hint = (
                        " (it is built in this same stage; deploy in a later one)" if repository in pushed_here else ""
                    )
                    yield (
                        (*here, "deploy", j),
                        f"no build in an earlier stage pushes {repository!r}, the image of service {name!r}{hint}",
                    )
                else:
                    build = pushed[repository]
                    if build in feeds:
                        yield (
                            (*here, "deploy", j),
                            f"services {feeds[build]!r} and {name!r} both deploy the image of build {build!r}; "
                            "give each service its own image repository and build",
                        )
                    feeds.setdefault(build, name)
            pushed.update(pushed_here)

    # -- build --------------------------------------------------------------------------------------
    def connection_arn(self) -> Any:
        return self.source.connection_arn or Ref(self.connection_id)

    def _image_builds(self, ctx: BuildContext) -> dict[str, Any]:
        """Build project name -> the service it deploys (or None), for projects that push an image."""
        out: dict[str, Any] = {}
        by_repository: dict[str, str] = {}
        for stage in self.stages:
            for name in stage.build:
                repository = ctx.component(name).image_repository
                if repository:
                    out[name] = None
                    by_repository[repository] = name
            for name in stage.deploy:
                service = ctx.component(name)
                out[by_repository[service.image_repository_name]] = service
        return out

    def build(self, ctx: BuildContext) -> None:
        self._build_bucket(ctx)
        if not self.source.connection_arn:
            connection = csc.Connection(
                self.connection_id,
                ConnectionName=f"{ctx.system}-{ctx.stage_name}-{self.id_name}"[:32],
                ProviderType="GitHub",
            )
            ctx.add(self, connection, ("source",))
        image_builds = self._image_builds(ctx)
        stages = [self._source_stage()] + [self._stage(ctx, stage, image_builds) for stage in self.stages]
        ctx.add(self, service_role(self.role_id, "codepipeline.amazonaws.com", self._statements(ctx)))
        pipeline = cp.Pipeline(
            self.logical_id,
            PipelineType="V2",
            ExecutionMode=self.execution_mode.upper(),
            RoleArn=GetAtt(self.role_id, "Arn"),
            ArtifactStore=cp.ArtifactStore(Type="S3", Location=Ref(self.bucket_id)),
            RestartExecutionOnUpdate=False,
            Stages=stages,
        )
        ctx.add(self, pipeline)
        ctx.output(self, pascal(self.id_name) + "PipelineName", Ref(pipeline), f"Name of the {self.name} pipeline")
        if not self.source.connection_arn:
            ctx.output(
                self,
                pascal(self.id_name) + "ConnectionArn",
                Ref(self.connection_id),
                f"GitHub connection of the {self.name} pipeline; complete its handshake once in the console",
            )

    def _source_stage(self) -> cp.Stages:
        return cp.Stages(
            Name="Source",
            Actions=[
                cp.Actions(
                    Name="Source",
                    ActionTypeId=cp.ActionTypeId(
                        Category="Source", Owner="AWS", Provider="CodeStarSourceConnection", Version="1"
                    ),
                    Configuration={
                        "ConnectionArn": self.connection_arn(),
                        "FullRepositoryId": self.source.repository,
                        "BranchName": self.source.branch,
                        "OutputArtifactFormat": "CODE_ZIP",
                        "DetectChanges": self.source.trigger_on_push,
                    },
                    OutputArtifacts=[cp.OutputArtifacts(Name="Source")],
                    RunOrder=1,
                )
            ],
        )

    def _stage(self, ctx: BuildContext, stage: PipelineStage, image_builds: dict[str, Any]) -> cp.Stages:
        actions = []
        order = 1
        if stage.approval:
            actions.append(
                cp.Actions(
                    Name="Approve",
                    ActionTypeId=cp.ActionTypeId(Category="Approval", Owner="AWS", Provider="Manual", Version="1"),
                    RunOrder=order,
                )
            )
            order += 1
        for name in stage.build:
            project = ctx.component(name)
            config: dict[str, Any] = {"ProjectName": Ref(project.logical_id)}
            service = image_builds.get(name)
            if service is not None:
                config["EnvironmentVariables"] = json.dumps(
                    [{"name": "CONTAINER_NAME", "type": "PLAINTEXT", "value": service.container_name}]
                )
            action = cp.Actions(
                Name=pascal(name),
                ActionTypeId=cp.ActionTypeId(Category="Build", Owner="AWS", Provider="CodeBuild", Version="1"),
                Configuration=config,
                InputArtifacts=[cp.InputArtifacts(Name="Source")],
                RunOrder=order,
            )
            if name in image_builds:
                action.OutputArtifacts = [cp.OutputArtifacts(Name=_artifact(project))]
            actions.append(action)
        for name in stage.deploy:
            service = ctx.component(name)
            build = next(b for b, s in image_builds.items() if s is service)
            actions.append(
                cp.Actions(
                    Name="Deploy" + pascal(name),
                    ActionTypeId=cp.ActionTypeId(Category="Deploy", Owner="AWS", Provider="ECS", Version="1"),
                    Configuration={
                        "ClusterName": service.cluster_ref(ctx),
                        "ServiceName": GetAtt(service.logical_id, "Name"),
                        "FileName": "imagedefinitions.json",
                    },
                    InputArtifacts=[cp.InputArtifacts(Name=_artifact(ctx.component(build)))],
                    RunOrder=order,
                )
            )
        return cp.Stages(Name=stage.name, Actions=actions)

    def _statements(self, ctx: BuildContext) -> list[Any]:
        bucket = GetAtt(self.bucket_id, "Arn")
        statements: list[Any] = [
            Statement(
                Effect=Allow,
                Action=sorted_actions([s3.GetObject, s3.GetObjectVersion, s3.PutObject]),
                Resource=[Join("", [bucket, "/*"])],
            ),
            Statement(
                Effect=Allow,
                Action=sorted_actions([s3.GetBucketAcl, s3.GetBucketLocation, s3.GetBucketVersioning]),
                Resource=[bucket],
            ),
        ]
        arn = self.source.connection_arn or ""
        use = codeconnections.UseConnection if ":codeconnections:" in arn else codestar_connections.UseConnection
        statements.append(Statement(Effect=Allow, Action=[use], Resource=[self.connection_arn()]))
        projects = [GetAtt(ctx.component(n).logical_id, "Arn") for n in self.build_projects()]
        if projects:
            statements.append(
                Statement(
                    Effect=Allow,
                    Action=sorted_actions([codebuild.BatchGetBuilds, codebuild.StartBuild]),
                    Resource=projects,
                )
            )
        services = [ctx.component(n) for n in self.deployed_services()]
        if services:
            statements += _ecs_deploy_statements(ctx, services)
        return statements

    def _build_bucket(self, ctx: BuildContext) -> None:
        days = self.artifact_retention_days
        bucket = ts3.Bucket(
            self.bucket_id,
            BucketEncryption=s3_managed_encryption(bucket_key=True),
            PublicAccessBlockConfiguration=block_public_access(),
            OwnershipControls=object_ownership(),
            VersioningConfiguration=ts3.VersioningConfiguration(Status="Enabled"),
            LifecycleConfiguration=ts3.LifecycleConfiguration(
                Rules=[
                    ts3.LifecycleRule(
                        Id="expire-artifacts",
                        Status="Enabled",
                        ExpirationInDays=days,
                        NoncurrentVersionExpiration=ts3.NoncurrentVersionExpiration(NoncurrentDays=days),
                        AbortIncompleteMultipartUpload=ts3.AbortIncompleteMultipartUpload(DaysAfterInitiation=7),
                    )
                ]
            ),
        )
        if isinstance(self.access_logs, str):
            from .log_bucket import logging_configuration

            bucket.LoggingConfiguration = logging_configuration(ctx, self.access_logs, f"s3/{self.id_name}-artifacts/")
        else:
            from ._network import checkov_skip

            checkov_skip(bucket, "CKV_AWS_18", "access_logs: false in the spec")
        ctx.add(self, bucket)
        ctx.add(self, tls_only_bucket_policy(pascal(self.id_name) + "ArtifactBucketPolicy", self.bucket_id))

    def bucket_statements(self, ctx: BuildContext, bucket: str) -> list[Any]:
        if bucket != self.access_logs:
            return []
        from .log_bucket import server_access_logs_statement

        sid = pascal(self.id_name) + "ArtifactAccessLogs"
        return [server_access_logs_statement(ctx, bucket, sid, GetAtt(self.bucket_id, "Arn"))]

    # -- observability and cost -----------------------------------------------------------------------
    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        # CodePipeline publishes no CloudWatch metrics of its own; its builds do (build_project metrics).
        return {}

    def cost(self, ctx: CostContext) -> list[LineItem]:
        return [
            ctx.item(
                self,
                self.logical_id,
                "action execution minutes (V2)",
                "codepipeline.v2_action_minutes",
                ctx.usage(self, "action_minutes"),
            )
        ]


def _artifact(project: Any) -> str:
    return pascal(project.id_name) + "Image"


def _ecs_deploy_statements(ctx: BuildContext, services: list[Any]) -> list[Any]:
    """What the ECS standard deploy action does: register a task definition revision, update the service."""
    service_arns = [Ref(s.logical_id) for s in services]  # Ref of a service is its ARN
    families = [
        Join("", ["arn:", Partition, ":ecs:", Region, ":", AccountId, ":task-definition/", s.family(ctx), ":*"])
        for s in services
    ]
    roles = []
    for service in services:
        roles += [GetAtt(service.execution_role_id, "Arn"), GetAtt(service.task_role_id, "Arn")]
    return [
        # DescribeTaskDefinition has no resource-level permissions: "*" is its only scope.
        Statement(Effect=Allow, Action=[ecs.DescribeTaskDefinition], Resource=["*"]),
        Statement(Effect=Allow, Action=[ecs.RegisterTaskDefinition], Resource=families),
        # Tags on the new revision: only while registering, only on these families.
        Statement(
            Effect=Allow,
            Action=[ecs.TagResource],
            Resource=families,
            Condition=Condition(StringEquals("ecs:CreateAction", "RegisterTaskDefinition")),
        ),
        Statement(
            Effect=Allow, Action=sorted_actions([ecs.DescribeServices, ecs.UpdateService]), Resource=service_arns
        ),
        Statement(
            Effect=Allow,
            Action=[iam.PassRole],
            Resource=roles,
            Condition=Condition(StringEquals("iam:PassedToService", "ecs-tasks.amazonaws.com")),
        ),
    ]
