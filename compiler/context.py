"""The build context: what a component's ``build`` sees and writes to.

One context compiles one stage of one spec into one troposphere ``Template``. It owns logical IDs
(derived from spec names, collisions reported with both spec locations), tags every resource with
its system and stage, stamps each resource's Metadata with the spec line it came from, applies the
stage's removal policy to stateful resources, and collects stack outputs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troposphere import AWSHelperFn, Export, GetAtt, Output, Ref, Sub, Tags, Template

from .errors import Diagnostic, SpecError
from .security import checkov_skips

if TYPE_CHECKING:
    from troposphere import AWSObject

    from .loader import Document
    from .model import Component
    from .spec import Spec, Stage


class Raw(AWSHelperFn):
    """A property value troposphere cannot express (or must not type-check), written as given.

    Used for a local code path that ``aws cloudformation package`` rewrites, and for properties
    troposphere 4.11 does not model yet (e.g. ``LoggingConfig.LogFormat``).
    """

    def __init__(self, data: Any) -> None:
        self.data = data

    def to_dict(self) -> Any:
        return self.data


def pascal(name: str) -> str:
    """``handle-auth`` -> ``HandleAuth``; the basis of every logical ID."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", name) if part)


@dataclass
class Owner:
    component: str
    path: tuple[Any, ...]


@dataclass
class BuildContext:
    spec: Spec
    stage_name: str
    document: Document
    output_dir: Path
    template: Template = field(default_factory=Template)
    owners: dict[str, Owner] = field(default_factory=dict)
    errors: list[Diagnostic] = field(default_factory=list)
    output_owners: dict[str, str] = field(default_factory=dict)

    # -- facts about the stage ------------------------------------------------------------
    @property
    def stage(self) -> Stage:
        return self.spec.stages[self.stage_name]

    @property
    def system(self) -> str:
        return self.spec.system

    @property
    def region(self) -> str:
        return self.stage.region or self.spec.region

    def physical_name(self, *parts: str) -> str:
        """A readable name for things AWS shows by name (``kefir-prod-handle-auth``)."""
        return "-".join([self.system, self.stage_name, *parts])

    def component(self, name: str) -> Component:
        return self.spec.components[name]

    # -- resources --------------------------------------------------------------------------
    def logical_id(self, component: str, suffix: str = "") -> str:
        return pascal(component) + suffix

    def add(self, owner: Component | str, resource: AWSObject, path: tuple[Any, ...] = ()) -> AWSObject:
        """Add a resource owned by a component; tag it and record where it came from."""
        name = owner if isinstance(owner, str) else owner.name
        full_path = ("components", name, *path)
        logical_id = resource.title
        if logical_id in self.owners:
            first = self.owners[logical_id]
            there = self.document.mark_for(first.path)
            self.errors.append(
                self.document.diagnostic(
                    full_path,
                    f"logical ID '{logical_id}' is produced both here and by components.{first.component} "
                    f"(line {there.line}, column {there.col}); rename one of them",
                )
            )
            return resource
        self.owners[logical_id] = Owner(name, full_path)
        self._tag(resource)
        mark = self.document.mark_for(full_path)
        metadata = dict(getattr(resource, "Metadata", None) or {})
        metadata["specc"] = {
            "component": name,
            "source": f"{self.document.path}:{mark.line}:{mark.col}",
        }
        skips = checkov_skips(self.spec, None if isinstance(owner, str) else owner, resource.resource_type)
        built_in = [s for s in (metadata.get("checkov") or {}).get("skip", []) if s["id"] not in {k["id"] for k in skips}]
        if skips or built_in:  # a kind's own reasoned skips (set before add) and the spec's accepts
            metadata["checkov"] = {"skip": sorted(built_in + skips, key=lambda s: s["id"])}
        resource.Metadata = metadata
        if resource.resource_type in STATEFUL_TYPES:
            self.protect(resource, snapshot=resource.resource_type in SNAPSHOT_TYPES)
        self.template.add_resource(resource)
        return resource

    def protect(self, resource: AWSObject, *, snapshot: bool = False) -> None:
        """Deletion and replacement policies from the stage (``Retain`` unless opted out)."""
        policy = self.stage.removal_policy
        value = {"retain": "Snapshot" if snapshot else "Retain", "delete": "Delete"}[policy]
        resource.resource["DeletionPolicy"] = value
        resource.resource["UpdateReplacePolicy"] = value

    @property
    def protected(self) -> bool:
        return self.stage.removal_policy == "retain"

    def _tag(self, resource: AWSObject) -> None:
        props = type(resource).props
        tags = self.tags
        for prop_name in ("Tags", "UserPoolTags"):
            if prop_name not in props:
                continue
            expected = props[prop_name][0]
            if expected is dict or expected == (dict,):
                existing = dict(resource.properties.get(prop_name) or {})
                resource.properties[prop_name] = {**tags, **existing}
            elif (
                expected is Tags
                or (isinstance(expected, type) and issubclass(expected, Tags))
                or getattr(expected, "__name__", "") == "validate_tags_or_list"  # KMS, Secrets Manager, CloudFront
            ):
                existing = resource.properties.get(prop_name)
                merged = Tags(**tags)
                if existing is not None:
                    merged = merged + existing
                resource.properties[prop_name] = merged
            elif isinstance(expected, list):
                resource.properties[prop_name] = [{"Key": k, "Value": v} for k, v in tags.items()]
            return

    @property
    def tags(self) -> dict[str, str]:
        base = {"specc:system": self.system, "specc:stage": self.stage_name}
        return dict(sorted({**self.spec.tags, **self.stage.tags, **base}.items()))

    # -- outputs ------------------------------------------------------------------------------
    def output(self, owner: Component | str, name: str, value: Any, description: str) -> None:
        """A stack output exported as ``<stack name>-<name>`` for other stacks and the frontend."""
        component = owner if isinstance(owner, str) else owner.name
        if name in self.template.outputs:
            first = self.output_owners.get(name, "?")
            self.fail(
                ("components", component),
                f"output '{name}' is produced both here and by components.{first}; rename one of them",
            )
            return
        self.output_owners[name] = component
        self.template.add_output(
            Output(
                name,
                Description=description,
                Value=value,
                Export=Export(Sub(f"${{AWS::StackName}}-{name}")),
            )
        )

    # -- code ---------------------------------------------------------------------------------
    def code_path(self, relative_to_spec: str) -> str:
        """A code directory as a path relative to the template, which is how ``package`` finds it."""
        return _code_path(os.getcwd(), self.document.path, str(self.output_dir), relative_to_spec)

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        self.errors.append(self.document.diagnostic(path, message))

    def raise_errors(self) -> None:
        if self.errors:
            raise SpecError(self.errors)


#: Resource types that hold data users cannot recreate; they are retained on delete/replace.
STATEFUL_TYPES = frozenset(
    {
        "AWS::DynamoDB::Table",
        "AWS::S3::Bucket",
        "AWS::Cognito::UserPool",
        "AWS::KMS::Key",
        "AWS::SecretsManager::Secret",
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::DocDB::DBCluster",
        "AWS::ECR::Repository",
        "AWS::EFS::FileSystem",
    }
)


#: Databases are snapshotted rather than retained, so a deleted stack leaves a restorable copy.
SNAPSHOT_TYPES = frozenset({"AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster"})


@lru_cache(maxsize=4096)
def _code_path(cwd: str, spec: str, output_dir: str, relative_to_spec: str) -> str:
    # Cached (per working directory): resolving touches the file system, and big systems ask often.
    spec_dir = Path(spec).resolve().parent
    target = (spec_dir / relative_to_spec).resolve()
    return Path(os.path.relpath(target, Path(output_dir).resolve())).as_posix()


def arn(logical_id: str) -> GetAtt:
    return GetAtt(logical_id, "Arn")


def ref(logical_id: str) -> Ref:
    return Ref(logical_id)
