"""CodeBuild project run by a pipeline: builds and tests, and builds and pushes container images.

```yaml
build-backend:
  kind: build_project
  buildspec: backend/buildspec.yml     # path inside the source repository
  image_repository: backend-images     # docker build + push there (privileged mode, push to it only)
  compute: small
  environment: {NODE_ENV: production}
```

The project takes its source from the pipeline that runs it (a project no pipeline runs is an
error: it would have nothing to build). Its role may write its own log group, read and write the
artifact bucket of the pipelines that run it, push to its own image repository, and read the
secrets it injects -- nothing else. Privileged mode (needed by the Docker daemon) is on only for a
project that builds images.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from awacs import logs, s3
from awacs import secretsmanager as sm
from awacs.aws import Allow, Statement
from pydantic import Field
from troposphere import GetAtt, Join, Ref
from troposphere import codebuild as cb

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component, Reference
from ._service_roles import (
    ENV_NAME,
    LOG_KMS_KEY_DESCRIPTION,
    environment_problems,
    log_group,
    log_group_name,
    log_key_statements,
    service_role,
    sorted_actions,
)

COMPUTE_TYPES = {
    "small": "BUILD_GENERAL1_SMALL",
    "medium": "BUILD_GENERAL1_MEDIUM",
    "large": "BUILD_GENERAL1_LARGE",
}

#: Amazon Linux 2023 standard image with Docker, Node.js, Python, Java, Go, ...
DEFAULT_BUILD_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0"


class BuildProject(Component):
    """An AWS CodeBuild project whose source and artifacts are its pipeline's."""

    kind: Literal["build_project"] = "build_project"
    buildspec: str = Field(
        description="Path of the buildspec inside the source repository.",
        examples=["backend/buildspec.yml"],
        min_length=1,
        max_length=255,
    )
    image_repository: str | None = Field(
        None,
        description=(
            "An image_repository component this project builds a container image for and pushes to. Turns on "
            "privileged mode (the Docker daemon needs it) and passes REPOSITORY_URI."
        ),
        examples=["backend-images"],
    )
    compute: Literal["small", "medium", "large"] = Field(
        "small", description="Build machine size: small 2 vCPU/3 GB, medium 4 vCPU/7 GB, large 8 vCPU/15 GB."
    )
    build_image: str = Field(
        DEFAULT_BUILD_IMAGE,
        description="CodeBuild-managed build image (x86_64 Linux).",
        examples=[DEFAULT_BUILD_IMAGE],
        pattern=r"^aws/codebuild/[a-z0-9._-]+:[0-9.]+$",
    )
    environment: dict[str, str] = Field(
        default_factory=dict,
        description="Plain environment variables of the build. Secrets go under 'secrets'.",
        examples=[{"NODE_ENV": "production"}],
    )
    secrets: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Environment variables filled from secret components when the build starts (CodeBuild reads them "
            "from Secrets Manager; the value is never in the template)."
        ),
        examples=[{"NPM_TOKEN": "npm-token"}],
    )
    timeout_minutes: int = Field(30, ge=5, le=2160, description="A build running longer is stopped.")
    log_kms_key: str | None = Field(None, description=LOG_KMS_KEY_DESCRIPTION, examples=["logs-key"])

    summary = "CodeBuild project (source and artifacts from its pipeline)"
    diagram_group = "cicd"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Project"

    @property
    def role_id(self) -> str:
        return pascal(self.id_name) + "ProjectRole"

    @property
    def log_group_id(self) -> str:
        return pascal(self.id_name) + "ProjectLogGroup"

    @property
    def privileged(self) -> bool:
        return self.image_repository is not None

    def references(self) -> Iterator[Reference]:
        if self.image_repository:
            yield Reference(("image_repository",), self.image_repository, ("image_repository",), "image repository")
        for var, target in self.secrets.items():
            yield Reference(("secrets", var), target, ("secret",), "secret")
        if self.log_kms_key:
            yield Reference(("log_kms_key",), self.log_kms_key, ("key",), "key")

    def log_group_name(self, ctx: Any) -> str:
        return log_group_name(ctx, f"build/{self.id_name}")

    def key_statements(self, ctx: BuildContext, key: str) -> list[Any]:
        return log_key_statements(ctx, self.log_kms_key, key, pascal(self.id_name) + "Logs", [self.log_group_name(ctx)])

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        if self.buildspec.startswith("/") or ".." in self.buildspec.split("/"):
            yield ("buildspec",), "the buildspec is a path inside the source repository, like 'backend/buildspec.yml'"
        yield from environment_problems(self.environment)
        for key in self.secrets:
            if not ENV_NAME.match(key):
                yield ("secrets", key), f"invalid environment variable name {key!r}"
            elif key in self.environment:
                yield ("secrets", key), f"{key} is also a plain environment variable"
        from .pipeline import Pipeline

        if not any(self.name in p.build_projects() for p in ctx.spec.of_kind(Pipeline)):
            yield (), "no pipeline runs this build project, so it has no source; list it in a pipeline's stages"

    def pipelines(self, ctx: BuildContext) -> list[Any]:
        from .pipeline import Pipeline

        return [p for p in ctx.spec.of_kind(Pipeline) if self.name in p.build_projects()]

    def build(self, ctx: BuildContext) -> None:
        ctx.add(self, log_group(ctx, self.log_group_id, self.log_group_name(ctx), self.log_kms_key))
        statements: list[Any] = [
            Statement(
                Effect=Allow,
                Action=[logs.CreateLogStream, logs.PutLogEvents],
                Resource=[GetAtt(self.log_group_id, "Arn")],
            )
        ]
        buckets = [GetAtt(p.bucket_id, "Arn") for p in self.pipelines(ctx)]
        if buckets:
            statements += [
                Statement(
                    Effect=Allow,
                    Action=sorted_actions([s3.GetObject, s3.GetObjectVersion, s3.PutObject]),
                    Resource=[Join("", [b, "/*"]) for b in buckets],
                ),
                Statement(
                    Effect=Allow, Action=sorted_actions([s3.GetBucketAcl, s3.GetBucketLocation]), Resource=buckets
                ),
            ]
        variables: dict[str, Any] = {}
        if self.image_repository:
            repository = ctx.component(self.image_repository)
            statements += repository.grant(ctx, "push")
            variables.update(repository.provided_env(ctx))
        variables.update(self.environment)
        env = [cb.EnvironmentVariable(Name=k, Type="PLAINTEXT", Value=v) for k, v in sorted(variables.items())]
        secret_arns = []
        for var, target in sorted(self.secrets.items()):
            arn = ctx.component(target).secret_arn(ctx)
            secret_arns.append(arn)
            env.append(cb.EnvironmentVariable(Name=var, Type="SECRETS_MANAGER", Value=arn))
        if secret_arns:
            statements.append(Statement(Effect=Allow, Action=[sm.GetSecretValue], Resource=secret_arns))
        ctx.add(self, service_role(self.role_id, "codebuild.amazonaws.com", statements))
        environment = cb.Environment(
            Type="LINUX_CONTAINER",
            ComputeType=COMPUTE_TYPES[self.compute],
            Image=self.build_image,
            ImagePullCredentialsType="CODEBUILD",
            PrivilegedMode=self.privileged,
        )
        if env:
            environment.EnvironmentVariables = env
        project = cb.Project(
            self.logical_id,
            Description=self.description or f"{self.name} of {ctx.system} ({ctx.stage_name})",
            ServiceRole=GetAtt(self.role_id, "Arn"),
            Source=cb.Source(Type="CODEPIPELINE", BuildSpec=self.buildspec),
            Artifacts=cb.Artifacts(Type="CODEPIPELINE"),
            Environment=environment,
            TimeoutInMinutes=self.timeout_minutes,
            LogsConfig=cb.LogsConfig(
                CloudWatchLogs=cb.CloudWatchLogs(Status="ENABLED", GroupName=Ref(self.log_group_id)),
                S3Logs=cb.S3Logs(Status="DISABLED"),
            ),
        )
        ctx.add(self, project)

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"ProjectName": Ref(self.logical_id)}
        return {
            "failed_builds": Metric("AWS/CodeBuild", "FailedBuilds", dims, "Sum", "failed builds"),
            "builds": Metric("AWS/CodeBuild", "Builds", dims, "Sum", "builds"),
            "duration": Metric("AWS/CodeBuild", "Duration", dims, "Average", "average build duration (s)"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        minutes = ctx.usage(self, "build_minutes")
        return [
            ctx.item(
                self,
                self.logical_id,
                f"build minutes ({self.compute}, Linux)",
                f"codebuild.linux_{self.compute}_minutes",
                minutes,
            )
        ]
