"""ECR repository for container images: scanned on push, immutable tags, KMS-encrypted, old images expired.

```yaml
backend-images:
  kind: image_repository
  untagged_expiry_days: 14     # untagged layers left behind by re-tags go after two weeks
  keep_images: 30              # and only the 30 newest images are kept
```

The repository is named ``<system>/<stage>/<name>``. A service runs an image from it with ``image: {repository: backend-images}``; a build project that
says ``image_repository: backend-images`` builds and pushes to it, and its role may push to this
repository only. Repositories hold what people cannot rebuild exactly, so they are retained when the
stack deletes them (``removal_policy: delete`` stages empty and delete them instead).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from awacs import ecr
from awacs.aws import Allow, Statement
from pydantic import Field
from troposphere import GetAtt
from troposphere import ecr as tecr

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..model import Component

PULL_ACTIONS = [ecr.BatchCheckLayerAvailability, ecr.BatchGetImage, ecr.GetDownloadUrlForLayer]
PUSH_ACTIONS = [
    ecr.BatchCheckLayerAvailability,
    ecr.CompleteLayerUpload,
    ecr.InitiateLayerUpload,
    ecr.PutImage,
    ecr.UploadLayerPart,
]

#: ``ecr:GetAuthorizationToken`` is account-wide: the service authorization reference lists no
#: resource type for it, so "*" is its only valid scope. Image reads and writes stay on the repository.
TOKEN_STATEMENT_ACTIONS = [ecr.GetAuthorizationToken]


def token_statement() -> Statement:
    return Statement(Effect=Allow, Action=TOKEN_STATEMENT_ACTIONS, Resource=["*"])


class ImageRepository(Component):
    """An ECR private repository."""

    kind: Literal["image_repository"] = "image_repository"
    scan_on_push: bool = Field(True, description="Scan every pushed image for known vulnerabilities (basic scanning).")
    tag_mutability: Literal["immutable", "mutable"] = Field(
        "immutable",
        description=(
            "'immutable': a tag, once pushed, always names the same image (builds push a tag per commit). "
            "'mutable' lets a tag be moved; choose it only knowingly (checkov CKV_AWS_51)."
        ),
    )
    mutable_tags: list[str] = Field(
        default_factory=list,
        description=(
            "Tags that may be moved although the repository is immutable (e.g. 'latest', which a build moves to "
            "its newest image). Every other tag stays immutable."
        ),
        examples=[["latest"]],
        max_length=5,
    )
    untagged_expiry_days: int = Field(
        14, ge=1, le=3650, description="Untagged images are deleted this many days after they were pushed."
    )
    keep_images: int | None = Field(
        None,
        ge=1,
        le=10000,
        description="Keep only this many of the newest images (tagged or not); older ones are deleted.",
        examples=[30],
    )
    encryption: Literal["kms", "aes256"] = Field(
        "kms",
        description="At-rest encryption: 'kms' uses the AWS-managed ECR key (no charge); 'aes256' uses S3-managed keys.",
    )

    stateful = True
    access_levels = ("pull", "push")
    summary = "ECR repository (scan on push, immutable tags, lifecycle)"
    diagram_group = "cicd"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Repository"

    @property
    def arn(self) -> GetAtt:
        return GetAtt(self.logical_id, "Arn")

    @property
    def uri(self) -> GetAtt:
        return GetAtt(self.logical_id, "RepositoryUri")

    def repository_name(self, ctx: Any) -> str:
        return f"{ctx.system}/{ctx.stage_name}/{self.id_name}".lower()

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        for index, tag in enumerate(self.mutable_tags):
            if not tag or len(tag) > 128 or any(c.isspace() for c in tag):
                yield ("mutable_tags", index), f"invalid image tag {tag!r}"
        if self.mutable_tags and self.tag_mutability == "mutable":
            yield ("mutable_tags",), "'mutable_tags' only makes sense with tag_mutability: immutable"

    def lifecycle_policy(self) -> str:
        rules: list[dict[str, Any]] = [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images {self.untagged_expiry_days} days after push",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": self.untagged_expiry_days,
                },
                "action": {"type": "expire"},
            }
        ]
        if self.keep_images is not None:
            rules.append(
                {
                    "rulePriority": 2,
                    "description": f"Keep only the {self.keep_images} newest images",
                    "selection": {
                        "tagStatus": "any",
                        "countType": "imageCountMoreThan",
                        "countNumber": self.keep_images,
                    },
                    "action": {"type": "expire"},
                }
            )
        return json.dumps({"rules": rules}, sort_keys=True)

    def build(self, ctx: BuildContext) -> None:
        repository = tecr.Repository(
            self.logical_id,
            # <system>/<stage>/<name>: readable in the console and in image URIs, and stable across updates.
            RepositoryName=self.repository_name(ctx),
            ImageScanningConfiguration=tecr.ImageScanningConfiguration(ScanOnPush=self.scan_on_push),
            EncryptionConfiguration=tecr.EncryptionConfiguration(EncryptionType=self.encryption.upper()),
            LifecyclePolicy=tecr.LifecyclePolicy(LifecyclePolicyText=self.lifecycle_policy()),
            # A repository that is deleted with its stack (removal_policy: delete) must be emptied first.
            EmptyOnDelete=not ctx.protected,
        )
        if self.tag_mutability == "mutable":
            repository.ImageTagMutability = "MUTABLE"
        elif self.mutable_tags:
            repository.ImageTagMutability = "IMMUTABLE_WITH_EXCLUSION"
            repository.ImageTagMutabilityExclusionFilters = [
                tecr.ImageTagMutabilityExclusionFilter(
                    ImageTagMutabilityExclusionFilterType="WILDCARD",
                    ImageTagMutabilityExclusionFilterValue=tag,
                )
                for tag in sorted(set(self.mutable_tags))
            ]
        else:
            repository.ImageTagMutability = "IMMUTABLE"
        from ._network import checkov_skip

        if self.tag_mutability == "mutable":
            checkov_skip(repository, "CKV_AWS_51", "tag_mutability: mutable in the spec")
        elif self.mutable_tags:
            checkov_skip(
                repository,
                "CKV_AWS_51",
                f"only {', '.join(sorted(set(self.mutable_tags)))} may move (mutable_tags in the spec); every other tag is immutable",
            )
        if self.encryption == "aes256":
            checkov_skip(repository, "CKV_AWS_136", "encryption: aes256 in the spec (S3-managed keys)")
        ctx.add(self, repository)
        ctx.output(self, pascal(self.id_name) + "RepositoryUri", self.uri, f"URI of the {self.name} image repository")

    def grant(self, ctx: BuildContext, access: str) -> list[Any]:
        actions = (
            PULL_ACTIONS if access == "pull" else sorted({*PULL_ACTIONS, *PUSH_ACTIONS}, key=lambda a: a.JSONrepr())
        )
        return [
            token_statement(),
            Statement(Effect=Allow, Action=sorted(actions, key=lambda a: a.JSONrepr()), Resource=[self.arn]),
        ]

    def provided_env(self, ctx: BuildContext) -> dict[str, Any]:
        return {"REPOSITORY_URI": self.uri}

    def cost(self, ctx: CostContext) -> list[LineItem]:
        stored = ctx.usage(self, "stored_gb")
        return [ctx.item(self, self.logical_id, "image storage", "ecr.storage_gb", stored)]
