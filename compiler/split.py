"""Nested stacks: a stage's template split into a parent and children, the same way every time.

```yaml
limits:
  max_resources_per_stack: 500   # CloudFormation's limit; lower it to split earlier
```

The splitter works on the compiled template (a plain dict) after every component is built, so it
knows nothing about kinds. Its rule, and the guarantee it gives (docs/scale.md has the long form):

* **The parent keeps the data.** Every resource of a stateful component (tables, buckets, user
  pools, keys, secrets, databases; any resource of a type in ``context.STATEFUL_TYPES``), and
  whatever such a resource references, stays in the parent: the stack the user deploys, the only
  stack that exists both before and after a split, so data never moves -- not even at the first split.
* **Keys.** Every other resource has a key: its component's ``id_name`` (so ``renamed_from`` keeps
  it); or, for a resource a component adds for an entry of its spec that uses exactly one other
  stateless component -- directly, or through such a resource of its own component -- that
  component's name (an API's integration, permission and routes of ``handle-items`` go with
  ``handle-items``); or, when it uses several, its own entry (``dashboard/widgets/errors``).
* **Hubs.** A component whose core is used by its own resources keyed elsewhere (an API's ``Api``
  and stage, used by routes in many stacks) keeps its core in the parent too.
* **Layers.** A resource's layer is 0 if it references nothing outside the parent, else the largest
  layer among what it references, plus one where that has another key. References between nested
  stacks therefore always point to a lower layer: nested stacks never wait on each other in a cycle.
* **Slots.** A resource's slot is ``sha256(key) mod stack_slots``: its key decides, nothing else. It
  lives in nested stack ``Layer<layer>Slot<slot>``.

So adding, removing or reordering other components never moves an existing resource: its stack
depends only on its own key and on what it references. It moves only if the slot count changes, or
if its own references change (a route pointed at another function, a function that starts invoking
another one).

References across stacks become parameters of the child that needs them, fed by the parent from its
own resources (``Ref``/``GetAtt``) or from another child's outputs (``GetAtt Child.Outputs.X``).
``AWS::StackName``/``AWS::StackId`` in a child are replaced by the parent's, so names built from them
do not change when a resource moves into a child. The parent's outputs (and their export names) stay
in the parent; those whose values now live in a child read them from the child's outputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .limits import MAX_OUTPUTS, MAX_PARAMETERS

STACK_TYPE = "AWS::CloudFormation::Stack"
PARENT_STACK_NAME = "ParentStackName"
PARENT_STACK_ID = "ParentStackId"
_PSEUDO_FROM_PARENT = {"AWS::StackName": PARENT_STACK_NAME, "AWS::StackId": PARENT_STACK_ID}
_SUB_VAR = re.compile(r"\$\{([^!}][^}]*)\}")

#: Properties holding a local path that ``aws cloudformation package`` uploads (mirrors awscli's
#: artifact exporter). Children are written one directory below the parent, so these get a ``../``.
PACKAGED_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::Lambda::Function": (("Code",),),
    "AWS::Lambda::LayerVersion": (("Content",),),
    "AWS::Serverless::Function": (("CodeUri",),),
    "AWS::Serverless::LayerVersion": (("ContentUri",),),
    "AWS::Serverless::Api": (("DefinitionUri",),),
    "AWS::Serverless::HttpApi": (("DefinitionUri",),),
    "AWS::Serverless::StateMachine": (("DefinitionUri",),),
    "AWS::Serverless::Application": (("Location",),),
    "AWS::ApiGateway::RestApi": (("BodyS3Location",),),
    "AWS::ApiGatewayV2::Api": (("BodyS3Location",),),
    "AWS::AppSync::GraphQLSchema": (("DefinitionS3Location",),),
    "AWS::AppSync::Resolver": (("RequestMappingTemplateS3Location",), ("ResponseMappingTemplateS3Location",)),
    "AWS::AppSync::FunctionConfiguration": (
        ("RequestMappingTemplateS3Location",),
        ("ResponseMappingTemplateS3Location",),
    ),
    "AWS::StepFunctions::StateMachine": (("DefinitionS3Location",),),
    "AWS::ElasticBeanstalk::ApplicationVersion": (("SourceBundle",),),
    "AWS::Glue::Job": (("Command", "ScriptLocation"),),
    "AWS::CloudFormation::Stack": (("TemplateURL",),),
    "AWS::CloudFormation::ModuleVersion": (("ModulePackage",),),
    "AWS::CloudFormation::ResourceVersion": (("SchemaHandlerPackage",),),
    "AWS::CodeCommit::Repository": (("Code", "S3"),),
}


def __getattr__(name: str) -> Any:
    if name == "UnlimitedTemplate":  # troposphere is imported only by the compile that needs it
        return _unlimited_template()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _unlimited_template() -> type:
    from troposphere import Template

    class UnlimitedTemplate(Template):  # type: ignore[misc]
        """troposphere's Template without its 500-resource/200-output/200-parameter stops.

        A stage may hold more than a stack can: it is split afterwards, and every written template is
        checked against CloudFormation's limits then (``stage_templates``), with a located error.
        """

        def add_resource(self, resource: Any) -> Any:
            return self._update(self.resources, resource)

        def add_output(self, output: Any) -> Any:
            return self._update(self.outputs, output)

        def add_parameter(self, parameter: Any) -> Any:
            return self._update(self.parameters, parameter)

    return UnlimitedTemplate


class SplitError(Exception):
    """The template cannot be split within CloudFormation's limits; the message says why and what to do."""


@dataclass(frozen=True)
class Placement:
    """Where one resource of the unsplit template went."""

    stack: str  # "" for the parent, else the child's logical ID in the parent
    key: str  # what its slot is the hash of
    layer: int | None  # None in the parent
    slot: int | None


@dataclass
class SplitResult:
    parent: dict[str, Any]
    children: dict[str, dict[str, Any]]  # child logical ID -> template
    files: dict[str, str]  # child logical ID -> file name relative to the parent's directory
    placements: dict[str, Placement] = field(default_factory=dict)  # resource logical ID -> placement


def split_template(
    body: dict[str, Any],
    *,
    owners: dict[str, tuple[str, tuple[Any, ...]]] | None = None,
    stateful_components: set[str] | frozenset[str] = frozenset(),
    stateful_types: set[str] | frozenset[str] = frozenset(),
    max_resources: int = 500,
    slots: int = 20,
    child_dir: str = "nested",
    region: str = "us-east-1",
) -> SplitResult:
    """Split a compiled template; see the module docstring for the rule.

    ``owners`` maps a resource's logical ID to (component key, path below the component) as the
    component added it (default: its Metadata.specc.component and no path, else its logical ID).
    ``stateful_components`` (and every component owning a resource of ``stateful_types``) stay in
    the parent.
    """
    resources: dict[str, dict[str, Any]] = body.get("Resources") or {}
    owners = dict(owners or {})
    component: dict[str, str] = {}
    subpath: dict[str, tuple[Any, ...]] = {}
    for lid, resource in resources.items():
        owner = owners.get(lid)
        component[lid] = owner[0] if owner else (_component(resource) or lid)
        subpath[lid] = tuple(owner[1]) if owner else ()
    uses = {lid: _Uses.of(res, resources) for lid, res in resources.items()}
    stateful = set(stateful_components) | {
        component[lid] for lid, res in resources.items() if res.get("Type") in stateful_types
    }

    # -- slot keys -------------------------------------------------------------------------------
    # A component's own resources share its key. A resource it adds for an entry of its spec that
    # uses exactly one other (stateless) component goes with that component (an API's integration
    # and permission of a function: with the function), and so does one that builds on such a
    # resource of its own component (a route, on the integration of the function it calls). One that
    # builds on several gets a key of its own entry ("dashboard/widgets/errors").
    key: dict[str, str] = {}
    for lid in resources:
        own = component[lid]
        if subpath[lid]:
            foreign = {component[t] for t in uses[lid].targets()} - {own} - stateful
            if len(foreign) == 1:
                key[lid] = foreign.pop()
                continue
        key[lid] = own
    anchored = dict(key)
    for lid in resources:
        own, path = component[lid], subpath[lid]
        if key[lid] != own or not path:
            continue
        anchors = {anchored[t] for t in uses[lid].targets()} - {own} - stateful
        if len(anchors) == 1:
            key[lid] = anchors.pop()
        elif anchors:
            key[lid] = "/".join([own, *(str(p) for p in path[:2])])

    # -- the parent: stateful components, hub cores, and everything they reference ---------------
    # A hub is a component whose core is used by its own resources placed elsewhere (an API's Api
    # and stage, used by routes and integrations in many slots): its core stays in the parent.
    hubs = {
        component[lid]
        for lid in resources
        if key[lid] != component[lid] and any(key[t] == component[t] == component[lid] for t in uses[lid].targets())
    } - stateful
    in_parent: set[str] = set()
    pending = [
        lid
        for lid in resources
        if component[lid] in stateful or (component[lid] in hubs and key[lid] == component[lid])
    ]
    while pending:
        lid = pending.pop()
        if lid in in_parent:
            continue
        in_parent.add(lid)
        pending += [t for t in uses[lid].targets() if t not in in_parent]

    # -- layers and slots for everything else ----------------------------------------------------
    slot = {lid: slot_of(key[lid], slots) for lid in resources if lid not in in_parent}
    layer: dict[str, int] = {}
    visiting: set[str] = set()

    def layer_of(lid: str) -> int:
        if lid in layer:
            return layer[lid]
        if lid in visiting:
            raise SplitError(f"resource {lid} depends on itself through a cycle of references; cannot split")
        visiting.add(lid)
        depth = 0
        for target in sorted(uses[lid].targets()):
            if target not in in_parent:
                depth = max(depth, layer_of(target) + (0 if key[target] == key[lid] else 1))
        visiting.discard(lid)
        layer[lid] = depth
        return depth

    placements: dict[str, Placement] = {}
    stack_of: dict[str, str] = {}
    width = len(str(max(slots - 1, 0)))
    for lid in resources:
        if lid in in_parent:
            placements[lid] = Placement("", key[lid], None, None)
            stack_of[lid] = ""
            continue
        depth = layer_of(lid)
        name = f"Layer{depth}Slot{slot[lid]:0{width}d}"
        placements[lid] = Placement(name, key[lid], depth, slot[lid])
        stack_of[lid] = name
    child_names = sorted({s for s in stack_of.values() if s}, key=_stack_order)
    clashes = sorted(set(child_names) & set(resources))
    if clashes:
        raise SplitError(f"nested stack name {clashes[0]} is also a resource's logical ID; rename that component")

    builder = _Builder(body, resources, uses, stack_of, child_names, child_dir, region)
    result = builder.build()
    result.placements = placements
    _check(result, max_resources)
    return result


def default_slots(max_resources: int) -> int:
    """Slots per layer unless the spec says: a 25th of the resource limit (20 for 500)."""
    return max(2, max_resources // 25)


def slot_of(key: str, slots: int) -> int:
    """A slot: a stable hash of a key, the same on every machine and Python."""
    from hashlib import sha256

    return int(sha256(key.encode("utf-8")).hexdigest()[:16], 16) % slots


def _stack_order(name: str) -> tuple[int, int]:
    match = re.fullmatch(r"Layer(\d+)Slot(\d+)", name)
    assert match
    return int(match.group(1)), int(match.group(2))


def _component(resource: dict[str, Any]) -> str | None:
    meta = (resource.get("Metadata") or {}).get("specc") or {}
    component = meta.get("component")
    return str(component) if component else None


def _check(result: SplitResult, max_resources: int) -> None:
    problems = []
    for name, template in [("the parent stack", result.parent), *result.children.items()]:
        count = len(template.get("Resources") or {})
        if count > max_resources:
            problems.append(f"{name} would hold {count} resources (limit {max_resources})")
        for section, limit in (("Outputs", MAX_OUTPUTS), ("Parameters", MAX_PARAMETERS)):
            count = len(template.get(section) or {})
            if count > limit:
                problems.append(f"{name} would have {count} {section.lower()} (CloudFormation allows {limit})")
    if problems:
        raise SplitError(
            "cannot split this stage within CloudFormation's limits: "
            + "; ".join(problems)
            + ". Stateful resources stay in the parent stack; raise limits.stack_slots for more, smaller nested "
            "stacks (this moves stateless resources once), or divide the system into several specs"
        )


# ------------------------------------------------------------------------------------------------
# What a resource refers to


@dataclass
class _Uses:
    refs: set[tuple[str, str | None]] = field(default_factory=set)  # (logical id, attribute or None for Ref)
    depends: set[str] = field(default_factory=set)
    parameters: set[str] = field(default_factory=set)
    conditions: set[str] = field(default_factory=set)
    mappings: set[str] = field(default_factory=set)
    pseudo: set[str] = field(default_factory=set)  # AWS::StackName / AWS::StackId

    def targets(self) -> set[str]:
        return {lid for lid, _ in self.refs} | self.depends

    @classmethod
    def of(cls, resource: dict[str, Any], resources: dict[str, Any]) -> _Uses:
        uses = cls()
        depends = resource.get("DependsOn")
        if depends:
            uses.depends.update([depends] if isinstance(depends, str) else depends)
        if resource.get("Condition"):
            uses.conditions.add(resource["Condition"])
        for key, value in resource.items():
            if key not in ("Type", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy"):
                _walk(value, uses, resources)
        return uses


def _walk(node: Any, uses: _Uses, resources: dict[str, Any]) -> None:
    if isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):  # leaves hold no references: no call for them
                _walk(item, uses, resources)
        return
    if not isinstance(node, dict):
        return
    if len(node) == 1:
        ((key, value),) = node.items()
        if key == "Ref" and isinstance(value, str):
            _name(value, None, uses, resources)
            return
        if key == "Fn::GetAtt":
            target, attribute = _getatt(value)
            if target is not None:
                _name(target, attribute, uses, resources)
                if not isinstance(attribute, str):
                    _walk(attribute, uses, resources)
                return
        if key == "Fn::Sub":
            text, variables = (value, {}) if isinstance(value, str) else (value[0], value[1] if len(value) > 1 else {})
            for match in _SUB_VAR.finditer(text):
                name = match.group(1).strip()
                if name in variables:
                    continue
                target, _, attribute = name.partition(".")
                _name(target, attribute or None, uses, resources)
            _walk(variables, uses, resources)
            return
        if key == "Fn::If" and isinstance(value, list) and value:
            uses.conditions.add(value[0])
            _walk(value[1:], uses, resources)
            return
        if key == "Condition" and isinstance(value, str):
            uses.conditions.add(value)
            return
        if key == "Fn::FindInMap" and isinstance(value, list) and value:
            if isinstance(value[0], str):
                uses.mappings.add(value[0])
            _walk(value, uses, resources)
            return
    for value in node.values():
        if isinstance(value, (dict, list)):
            _walk(value, uses, resources)


def _getatt(value: Any) -> tuple[str | None, Any]:
    if isinstance(value, str):
        target, _, attribute = value.partition(".")
        return target, attribute
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
        return value[0], value[1]
    return None, None


def _name(name: str, attribute: Any, uses: _Uses, resources: dict[str, Any]) -> None:
    if name in resources:
        # An attribute computed by an intrinsic cannot cross stacks; "*" marks it (see _rewrite_child).
        uses.refs.add((name, attribute if isinstance(attribute, str) or attribute is None else "*"))
    elif name in _PSEUDO_FROM_PARENT:
        uses.pseudo.add(name)
    elif not name.startswith("AWS::"):
        uses.parameters.add(name)


# ------------------------------------------------------------------------------------------------
# Building the parent and the children


@dataclass
class _Child:
    name: str
    resources: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> definition
    inputs: dict[str, Any] = field(default_factory=dict)  # parameter name -> value given by the parent
    outputs: dict[str, Any] = field(default_factory=dict)  # output name -> value
    depends: set[str] = field(default_factory=set)  # stacks / parent resources it must wait for
    conditions: set[str] = field(default_factory=set)
    mappings: set[str] = field(default_factory=set)


class _Builder:
    def __init__(
        self,
        body: dict[str, Any],
        resources: dict[str, Any],
        uses: dict[str, _Uses],
        stack_of: dict[str, str],
        child_names: list[str],
        child_dir: str,
        region: str,
    ) -> None:
        self.body = body
        self.resources = resources
        self.uses = uses
        self.stack_of = stack_of
        self.children = {name: _Child(name) for name in child_names}
        self.child_dir = child_dir
        self.region = region
        self.conditions: dict[str, Any] = body.get("Conditions") or {}
        self.template_parameters: dict[str, Any] = body.get("Parameters") or {}

    # -- values crossing stacks -----------------------------------------------------------------
    def _export(self, target: str, attribute: str | None) -> tuple[str, bool]:
        """Make ``target``'s value available to other stacks; returns (name, is_list)."""
        name = _value_name(target, attribute)
        is_list = attribute is not None and _attribute_is_list(self.resources[target].get("Type", ""), attribute)
        source = self.stack_of[target]
        if source:
            value: Any = {"Ref": target} if attribute is None else {"Fn::GetAtt": [target, attribute]}
            if is_list:
                value = {"Fn::Join": [",", value]}
            outputs = self.children[source].outputs
            if outputs.setdefault(name, value) != value:
                raise SplitError(f"two different values would leave nested stack {source} as output {name}")
        return name, is_list

    def _parent_value(self, target: str, attribute: str | None) -> Any:
        """The value of ``target`` (``Ref`` or ``GetAtt``) as the parent can write it."""
        name, is_list = self._export(target, attribute)
        source = self.stack_of[target]
        if source:
            return {"Fn::GetAtt": [source, f"Outputs.{name}"]}
        value: Any = {"Ref": target} if attribute is None else {"Fn::GetAtt": [target, attribute]}
        return {"Fn::Join": [",", value]} if is_list else value

    def _import(self, child: _Child, target: str, attribute: str | None) -> str:
        name, is_list = self._export(target, attribute)
        if name in self.resources and self.stack_of.get(name) == child.name:
            raise SplitError(f"parameter name {name} clashes with a resource in nested stack {child.name}")
        value = self._parent_value(target, attribute)
        if name in child.inputs and child.inputs[name] != value:
            raise SplitError(f"two different values would be passed to nested stack {child.name} as {name}")
        if name not in child.parameters:
            what = f"{target}.{attribute}" if attribute else f"Ref {target}"
            where = self.stack_of[target] or "the parent stack"
            child.parameters[name] = {
                "Type": "CommaDelimitedList" if is_list else "String",
                "Description": f"{what} (from {where})",
            }
            child.inputs[name] = value
        return name

    # -- build ------------------------------------------------------------------------------------
    def build(self) -> SplitResult:
        parent_resources: dict[str, Any] = {}
        for lid, resource in self.resources.items():
            stack = self.stack_of[lid]
            if not stack:
                parent_resources[lid] = self._rewrite_parent(resource)
                continue
            child = self.children[stack]
            child.resources[lid] = self._rewrite_child(lid, resource, child)
        children = {name: self._child_template(child) for name, child in self.children.items()}
        files = {name: f"{_file_stem(name)}.yaml" for name in self.children}
        for name, child in self.children.items():
            parent_resources[name] = self._stack_resource(child, files[name])
        parent = self._parent_template(parent_resources)
        return SplitResult(parent=parent, children=children, files=files)

    def _rewrite_parent(self, resource: dict[str, Any]) -> dict[str, Any]:
        # By construction the parent's resources reference nothing in a child; outputs may.
        return resource

    def _rewrite_child(self, lid: str, resource: dict[str, Any], child: _Child) -> dict[str, Any]:
        uses = self.uses[lid]
        replace: dict[tuple[str, str | None], str] = {}
        for target, attribute in sorted(uses.refs, key=lambda r: (r[0], r[1] or "")):
            if self.stack_of[target] != child.name:
                if attribute == "*":
                    raise SplitError(
                        f"resource {lid} reads an attribute of {target} chosen by an intrinsic function, which "
                        "cannot cross nested stacks"
                    )
                replace[(target, attribute)] = self._import(child, target, attribute)
        for pseudo in sorted(uses.pseudo):
            name = _PSEUDO_FROM_PARENT[pseudo]
            if name not in child.parameters:
                child.parameters[name] = {
                    "Type": "String",
                    "Description": f"The parent stack's {pseudo}, so names built from it stay the same",
                }
                child.inputs[name] = {"Ref": pseudo}
        for parameter in sorted(uses.parameters):
            self._import_parameter(child, parameter)
        for condition in sorted(uses.conditions):
            self._use_condition(child, condition)
        child.mappings |= uses.mappings
        pseudo = {k: v for k, v in _PSEUDO_FROM_PARENT.items() if k in uses.pseudo}
        out = _rewrite(resource, replace, pseudo) if replace or pseudo else resource
        if out is resource:
            out = dict(resource)  # DependsOn and code paths below change the copy, never the original
        depends = resource.get("DependsOn")
        if depends:
            depends = [depends] if isinstance(depends, str) else list(depends)
            local = [d for d in depends if self.stack_of[d] == child.name]
            for dep in depends:
                if self.stack_of[dep] != child.name:
                    child.depends.add(self.stack_of[dep] or dep)
            if local:
                out["DependsOn"] = local if isinstance(resource["DependsOn"], list) else local[0]
            else:
                out.pop("DependsOn")
        _relocate_paths(out)
        return out

    def _import_parameter(self, child: _Child, name: str) -> None:
        if name in child.parameters or name not in self.template_parameters:
            return
        from copy import deepcopy

        child.parameters[name] = deepcopy(self.template_parameters[name])
        child.inputs[name] = {"Ref": name}

    def _use_condition(self, child: _Child, name: str) -> None:
        if name in child.conditions or name not in self.conditions:
            return
        child.conditions.add(name)
        uses = _Uses()
        _walk(self.conditions[name], uses, self.resources)
        for parameter in sorted(uses.parameters):
            self._import_parameter(child, parameter)
        for condition in sorted(uses.conditions):
            self._use_condition(child, condition)

    def _child_template(self, child: _Child) -> dict[str, Any]:
        meta = dict((self.body.get("Metadata") or {}).get("specc") or {})
        layer, slot = _stack_order(child.name)
        meta.update({"nested_stack": child.name, "layer": layer, "slot": slot})
        template: dict[str, Any] = {"AWSTemplateFormatVersion": self.body.get("AWSTemplateFormatVersion", "2010-09-09")}
        system, stage = meta.get("system", ""), meta.get("stage", "")
        template["Description"] = (
            f"Nested stack {child.name} of {system} ({stage} stage): layer {layer}, slot {slot}. "
            "Compiled by specc; do not edit."
        )
        template["Metadata"] = {"specc": meta}
        if "Transform" in self.body:
            template["Transform"] = self.body["Transform"]
        if child.parameters:
            template["Parameters"] = dict(sorted(child.parameters.items()))
        mappings = self.body.get("Mappings") or {}
        used_mappings = {m: mappings[m] for m in sorted(child.mappings) if m in mappings}
        if used_mappings:
            template["Mappings"] = used_mappings
        if child.conditions:
            template["Conditions"] = {c: self.conditions[c] for c in self.conditions if c in child.conditions}
        template["Resources"] = child.resources
        if child.outputs:
            template["Outputs"] = {
                name: {"Description": f"For other stacks of {system} ({stage})", "Value": value}
                for name, value in sorted(child.outputs.items())
            }
        return template

    def _stack_resource(self, child: _Child, file_name: str) -> dict[str, Any]:
        implied = _Uses()
        _walk(child.inputs, implied, {**self.resources, **self.children})
        depends = sorted(child.depends - implied.targets(), key=lambda d: (d not in self.children, d))
        resource: dict[str, Any] = {"Type": STACK_TYPE}
        if depends:
            resource["DependsOn"] = depends
        layer, slot = _stack_order(child.name)
        resource["Metadata"] = {"specc": {"nested_stack": {"layer": layer, "slot": slot}}}
        properties: dict[str, Any] = {"TemplateURL": f"{self.child_dir}/{file_name}"}
        if child.inputs:
            properties["Parameters"] = dict(sorted(child.inputs.items()))
        tags = _stack_tags(self.body)
        if tags:
            properties["Tags"] = tags
        resource["Properties"] = properties
        return resource

    def _parent_template(self, resources: dict[str, Any]) -> dict[str, Any]:
        body = self.body
        parent: dict[str, Any] = {}
        for key, value in body.items():
            if key == "Resources":
                parent[key] = resources
            elif key == "Outputs":
                parent[key] = {name: self._parent_output(output) for name, output in value.items()}
            elif key in ("Conditions", "Mappings"):
                continue  # kept below, only what the parent still uses
            else:
                parent[key] = value
        uses = _Uses()
        for resource in resources.values():
            if resource.get("Type") != STACK_TYPE:
                found = _Uses.of(resource, self.resources)
                uses.conditions |= found.conditions
                uses.mappings |= found.mappings
        _walk(parent.get("Outputs") or {}, uses, self.resources)
        for output in (parent.get("Outputs") or {}).values():
            if output.get("Condition"):
                uses.conditions.add(output["Condition"])
        used_conditions = self._closure(uses.conditions)
        ordered: dict[str, Any] = {}
        for key, value in parent.items():
            if key == "Resources":
                mappings = {m: v for m, v in (body.get("Mappings") or {}).items() if m in uses.mappings}
                if mappings:
                    ordered["Mappings"] = mappings
                conditions = {c: v for c, v in self.conditions.items() if c in used_conditions}
                if conditions:
                    ordered["Conditions"] = conditions
            ordered[key] = value
        return ordered

    def _closure(self, conditions: set[str]) -> set[str]:
        seen: set[str] = set()
        pending = list(conditions)
        while pending:
            name = pending.pop()
            if name in seen or name not in self.conditions:
                continue
            seen.add(name)
            uses = _Uses()
            _walk(self.conditions[name], uses, self.resources)
            pending += list(uses.conditions)
        return seen

    def _parent_output(self, output: dict[str, Any]) -> dict[str, Any]:
        uses = _Uses()
        _walk(output, uses, self.resources)
        replace: dict[tuple[str, str | None], Any] = {}
        for target, attribute in sorted(uses.refs, key=lambda r: (r[0], r[1] or "")):
            source = self.stack_of[target]
            if source:
                name, _ = self._export(target, attribute)
                replace[(target, attribute)] = (source, f"Outputs.{name}")
        return _rewrite(output, replace, {}) if replace else output


def _value_name(target: str, attribute: str | None) -> str:
    if attribute is None:
        return target
    return target + re.sub(r"[^A-Za-z0-9]", "", attribute)


def _file_stem(name: str) -> str:
    layer, slot = _stack_order(name)
    width = len(name) - len(f"Layer{layer}Slot")
    return f"layer{layer}-slot{slot:0{width}d}"


def _stack_tags(body: dict[str, Any]) -> list[dict[str, str]]:
    meta = (body.get("Metadata") or {}).get("specc") or {}
    tags = []
    if meta.get("stage"):
        tags.append({"Key": "specc:stage", "Value": str(meta["stage"])})
    if meta.get("system"):
        tags.append({"Key": "specc:system", "Value": str(meta["system"])})
    return tags


def _rewrite(node: Any, replace: dict[tuple[str, str | None], Any], pseudo: dict[str, str]) -> Any:
    """``node`` with references replaced: new containers where something changed, shared ones elsewhere.

    ``replace`` maps (logical id, attribute) to a parameter name (a child reads it with ``Ref``) or
    to a (stack, "Outputs.X") pair (the parent reads a child's output with ``GetAtt``).
    """
    if isinstance(node, list):
        items = [_rewrite(item, replace, pseudo) if isinstance(item, (dict, list)) else item for item in node]
        return node if all(new is old for new, old in zip(items, node, strict=True)) else items
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        ((key, value),) = node.items()
        if key == "Ref" and isinstance(value, str):
            if (value, None) in replace:
                return _reference(replace[(value, None)])
            if value in pseudo:
                return {"Ref": pseudo[value]}
            return node
        if key == "Fn::GetAtt":
            target, attribute = _getatt(value)
            if target is not None and isinstance(attribute, str) and (target, attribute) in replace:
                return _reference(replace[(target, attribute)])
        if key == "Fn::Sub":
            if isinstance(value, str):
                text = _rewrite_sub(value, {}, replace, pseudo)
                return node if text == value else {"Fn::Sub": text}
            variables = value[1] if len(value) > 1 else {}
            text = _rewrite_sub(value[0], variables, replace, pseudo)
            new_variables = _rewrite(variables, replace, pseudo)
            if text == value[0] and new_variables is variables:
                return node
            return {"Fn::Sub": [text, new_variables]}
    out = {}
    changed = False
    for key, value in node.items():
        if isinstance(value, (dict, list)):
            new = out[key] = _rewrite(value, replace, pseudo)
            changed = changed or new is not value
        else:
            out[key] = value
    return out if changed else node


def _reference(replacement: Any) -> dict[str, Any]:
    if isinstance(replacement, tuple):
        return {"Fn::GetAtt": list(replacement)}
    return {"Ref": replacement}


def _rewrite_sub(
    text: str, variables: dict[str, Any], replace: dict[tuple[str, str | None], Any], pseudo: dict[str, str]
) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in variables:
            return match.group(0)
        if name in pseudo:
            return "${" + pseudo[name] + "}"
        target, _, attribute = name.partition(".")
        key = (target, attribute or None)
        if key in replace:
            found = replace[key]
            return "${" + (".".join(found) if isinstance(found, tuple) else found) + "}"
        return match.group(0)

    return _SUB_VAR.sub(substitute, text)


def _relocate_paths(resource: dict[str, Any]) -> None:
    """Local paths that ``package`` uploads are relative to the template; children sit one level down.

    Mappings below ``resource`` may be shared with the unsplit template: they are copied, not changed.
    """
    for path in PACKAGED_PATHS.get(resource.get("Type", ""), ()):
        node: Any = resource.get("Properties")
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        value = node.get(path[-1]) if isinstance(node, dict) else None
        if isinstance(value, str) and not re.match(r"^[a-z0-9]+://", value) and not value.startswith("/"):
            resource["Properties"] = _replaced(resource["Properties"], path, "../" + value)


def _replaced(node: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of ``node`` with the value at ``path`` replaced (copies only the mappings on the way)."""
    if len(path) == 1:
        return {**node, path[0]: value}
    return {**node, path[0]: _replaced(node[path[0]], path[1:], value)}


@cache
def _resource_schema(resource_type: str, region: str = "us-east-1") -> dict[str, Any] | None:
    """The CloudFormation resource schema cfn-lint ships, read as data (cfn-lint itself is not imported)."""
    from importlib.util import find_spec

    spec = find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations))) / "data" / "schemas"
    try:
        index = _provider_index(str(root / "providers" / f"{region}.json"))
        digest = index.get(resource_type) or _provider_index(str(root / "providers" / "us-east-1.json")).get(
            resource_type
        )
        if not digest:
            return None
        from json import loads

        return dict(loads((root / "resources" / f"{digest}.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


@cache
def _provider_index(path: str) -> dict[str, str]:
    from json import load

    with open(path, encoding="utf-8") as handle:
        return dict(load(handle))


def _attribute_is_list(resource_type: str, attribute: str) -> bool:
    """Whether ``GetAtt`` of this attribute returns a list (outputs and parameters carry it joined)."""
    schema = _resource_schema(resource_type)
    if not schema:
        return False
    node: Any = schema
    for part in attribute.split("."):
        properties = node.get("properties") or {}
        if part not in properties:
            return False
        node = _resolve(schema, properties[part])
    kind = node.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 10:
        pointer = node["$ref"].lstrip("#/").split("/")
        target: Any = schema
        for part in pointer:
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = target
        seen += 1
    return node if isinstance(node, dict) else {}


# ------------------------------------------------------------------------------------------------
# The stage's templates, as ``api.compile_stage`` asks for them


@dataclass
class StageTemplates:
    template: dict[str, Any]  # the stage's (parent) template
    text: str
    children: dict[Path, dict[str, Any]]  # child template path -> template
    texts: dict[Path, str]  # child template path -> text


def stage_templates(
    body: dict[str, Any],
    *,
    document: Any,
    spec: Any,
    stage: str,
    owners: dict[str, Any],
    path: Path,
    max_resources: int | None = None,
    split: bool | None = None,
) -> StageTemplates:
    """Render a compiled stage, splitting it into nested stacks when a limit would be broken.

    ``path`` is where the parent template is written; children go to ``<stage>/<child>.yaml``
    beside it. Raises SpecError when a limit is broken and splitting is off or cannot help.
    """
    from .errors import SpecError
    from .limits import MAX_BODY_S3, Limits, measure
    from .render import to_yaml

    limits: Limits = getattr(spec, "limits", None) or Limits()
    threshold = max_resources or limits.max_resources_per_stack
    enabled = limits.split if split is None else split
    where = ("limits",) if isinstance(document.data, dict) and "limits" in document.data else ("components",)

    def fail(message: str) -> SpecError:
        return SpecError([document.diagnostic(where, f"stage {stage}: {message}")])

    count = len(body.get("Resources") or {})
    reason = None
    text = ""
    if count > threshold:
        reason = f"its template would hold {count} resources (limit {threshold})"
    else:
        text = to_yaml(body)
        size = len(text.encode("utf-8"))
        if size > MAX_BODY_S3:
            reason = f"its template would be {size:,} bytes (CloudFormation accepts {MAX_BODY_S3:,})"
    if reason is None:
        problems = measure(body, text).problems(threshold)
        if problems:
            raise fail("the template breaks CloudFormation's limits: " + "; ".join(problems))
        return StageTemplates(body, text, {}, {})
    if not enabled:
        raise fail(
            f"{reason}, and splitting into nested stacks is off (limits.split: false or --no-split); allow "
            "splitting, or divide the system into several specs"
        )
    from .context import STATEFUL_TYPES

    keyed: dict[str, tuple[str, tuple[Any, ...]]] = {}
    for logical_id, owner in owners.items():
        component = spec.components.get(owner.component)
        keyed[logical_id] = (getattr(component, "id_name", None) or owner.component, tuple(owner.path[2:]))
    stateful = {getattr(c, "id_name", name) for name, c in spec.components.items() if c.stateful}
    child_dir = path.stem
    slots = limits.stack_slots or default_slots(threshold)
    try:
        result = split_template(
            body,
            owners=keyed,
            stateful_components=stateful,
            stateful_types=STATEFUL_TYPES,
            max_resources=threshold,
            slots=slots,
            child_dir=child_dir,
            region=str(((body.get("Metadata") or {}).get("specc") or {}).get("region") or "us-east-1"),
        )
    except SplitError as exc:
        raise fail(str(exc)) from None
    parent = result.parent
    meta = (parent.get("Metadata") or {}).get("specc")
    if isinstance(meta, dict):
        parent["Metadata"] = {
            **parent["Metadata"],
            "specc": {
                **meta,
                "nested_stacks": {
                    "count": len(result.children),
                    "max_resources_per_stack": threshold,
                    "stack_slots": slots,
                },
            },
        }
    text = to_yaml(parent)
    children: dict[Path, dict[str, Any]] = {}
    texts: dict[Path, str] = {}
    problems = [f"{path.name}: {p}" for p in measure(parent, text).problems(threshold)]
    for name, child in result.children.items():
        child_path = path.parent / child_dir / result.files[name]
        children[child_path] = child
        texts[child_path] = to_yaml(child)
        problems += [
            f"{child_dir}/{child_path.name}: {p}" for p in measure(child, texts[child_path]).problems(threshold)
        ]
    if problems:
        raise fail("even split into nested stacks, templates break CloudFormation's limits: " + "; ".join(problems))
    return StageTemplates(parent, text, children, texts)
