"""The composition root: every command of the CLI, and every test, goes through here.

document = load("specs/kefir.yaml")
specs = validate(document)                    # {stage: Spec}, or SpecError
stages = compile_spec("specs/kefir.yaml")     # [CompiledStage], nothing written
write(stages, "output")                       # output/kefir/dev.yaml, ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import Diagnostic, SpecError
from .loader import Document, load_file

DEFAULT_OUTPUT = Path("output")


@dataclass
class CompiledStage:
    system: str
    stage: str
    spec_path: str
    region: str
    template: dict[str, Any]
    text: str
    path: Path  # where the template is (or would be) written
    extra_files: dict[Path, str] = field(default_factory=dict)  # nested stack children, cost reports
    spec: Any = None  # the validated Spec of this stage (for cost estimates)
    nested: dict[Path, dict[str, Any]] = field(default_factory=dict)  # nested stack templates (also in extra_files)

    @property
    def stack_name(self) -> str:
        return f"{self.system}-{self.stage}"

    @property
    def capabilities(self) -> list[str]:
        caps = set()
        templates = [self.template, *self.nested.values()]
        for resource in [r for t in templates for r in t.get("Resources", {}).values()]:
            kind = resource.get("Type", "")
            props = resource.get("Properties", {}) or {}
            if kind.startswith("AWS::IAM::"):
                named = any(k in props for k in ("RoleName", "UserName", "GroupName", "ManagedPolicyName"))
                caps.add("CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM")
            if kind == "AWS::CloudFormation::Stack":
                caps.update({"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"})
        if "CAPABILITY_NAMED_IAM" in caps:
            caps.discard("CAPABILITY_IAM")
        return sorted(caps)

    def deploy_commands(self, bucket: str = "<artifact-bucket>") -> list[str]:
        packaged = self.path.with_name(f"{self.stage}.packaged.yaml")
        caps = " ".join(self.capabilities)
        deploy = (
            f"aws cloudformation deploy --template-file {packaged} --stack-name {self.stack_name} "
            f"--s3-bucket {bucket} --region {self.region}"  # templates over 51,200 bytes deploy only via S3
        )
        if caps:
            deploy += f" --capabilities {caps}"
        return [
            f"aws cloudformation package --template-file {self.path} --s3-bucket {bucket} "
            f"--output-template-file {packaged} --region {self.region}",
            deploy,
        ]


def load(path: str | Path) -> Document:
    return load_file(path)


def validate(document: Document, stages: list[str] | None = None) -> dict[str, Any]:
    """Validate a loaded spec; returns ``{stage: Spec}`` or raises SpecError with every problem."""
    from .spec import validate_document

    return validate_document(document, stages)


def compile_document(
    document: Document,
    stages: list[str] | None = None,
    out: str | Path = DEFAULT_OUTPUT,
    *,
    max_resources: int | None = None,
    split: bool | None = None,
    progress: Any = None,
) -> list[CompiledStage]:
    """``progress(stage, seconds)``, if given, is called as each stage is compiled (for the CLI's timing)."""
    import time

    specs = validate(document, stages)
    results: list[CompiledStage] = []
    errors: list[Diagnostic] = []
    from .parallel import compile_parallel, stage_jobs

    jobs = stage_jobs(specs)  # large specs: a process per stage, on every core (compiler/parallel.py)
    if jobs > 1:
        options = {"max_resources": max_resources, "split": split}
        for stage, outcome, seconds in compile_parallel(document, specs, Path(out), jobs, **options):
            if isinstance(outcome, list):
                errors += outcome
            else:
                results.append(outcome)
            if progress is not None:
                progress(stage, seconds)
        specs = {}
    for stage, spec in specs.items():
        started = time.perf_counter()
        try:
            results.append(compile_stage(document, spec, stage, Path(out), max_resources=max_resources, split=split))
        except SpecError as exc:
            errors += exc.diagnostics
        if progress is not None:
            progress(stage, time.perf_counter() - started)
    if errors:
        raise SpecError(sorted(set(errors)))
    return results


def estimate_spec(
    path: str | Path, stages: list[str] | None = None, region: str | None = None, free_tier: bool = False
) -> list[Any]:
    """Monthly cost estimates (``compiler.cost.engine.Estimate``), one per stage; SpecError on a bad spec."""
    from .cost.engine import estimate

    specs = validate(load(path), stages)
    return [estimate(spec, stage, region=region, free_tier=free_tier) for stage, spec in specs.items()]


def compile_spec(
    path: str | Path,
    stages: list[str] | None = None,
    out: str | Path = DEFAULT_OUTPUT,
    *,
    max_resources: int | None = None,
    split: bool | None = None,
    progress: Any = None,
) -> list[CompiledStage]:
    """Compile every (or the given) stage; ``max_resources``/``split`` override the spec's ``limits``."""
    return compile_document(load(path), stages, out, max_resources=max_resources, split=split, progress=progress)


def compile_specs(paths: list[str], out: str | Path = DEFAULT_OUTPUT) -> list[list[CompiledStage] | SpecError]:
    """Compile several specs, every stage, on every core when there are several (compiler/parallel.py).

    Results are in the order of ``paths``: a spec's compiled stages, or the SpecError that stopped it, so
    one bad spec does not hide the others. Stages compiled in a worker come back without ``spec``.
    """
    from .parallel import available_jobs, compile_specs_parallel

    jobs = available_jobs(len(paths))
    results: list[list[CompiledStage] | SpecError] = []
    if jobs > 1:
        for kind, value in compile_specs_parallel(list(paths), Path(out), jobs):
            results.append(value if kind == "stages" else SpecError(value))
        return results
    for path in paths:
        try:
            results.append(compile_spec(path, None, out))
        except SpecError as exc:
            results.append(exc)
    return results


def compile_stage(
    document: Document,
    spec: Any,
    stage: str,
    out: Path,
    *,
    max_resources: int | None = None,
    split: bool | None = None,
) -> CompiledStage:
    from .context import BuildContext
    from .split import UnlimitedTemplate as Template  # limits are checked per written template

    target_dir = out / spec.system
    template = Template()
    template.set_version("2010-09-09")
    description = spec.description or f"The {spec.system} system"
    template.set_description(f"{description} ({stage} stage). Compiled by specc from {document.path}; do not edit.")
    # The stage's merged view, so Metadata points at an overlay line when the value came from one.
    document = getattr(spec, "_document", None) or document
    ctx = BuildContext(spec=spec, stage_name=stage, document=document, output_dir=target_dir, template=template)
    for component in spec.components.values():
        component.build(ctx)
    ctx.raise_errors()
    body = template.to_dict()
    body["Metadata"] = {
        "specc": {
            "version": __version__,
            "spec": document.path,
            "system": spec.system,
            "stage": stage,
            "region": ctx.region,
        }
    }
    body = _ordered(body)
    path = target_dir / f"{stage}.yaml"
    # Nested stacks when a CloudFormation limit would be broken (compiler/split.py, docs/scale.md).
    from .split import stage_templates

    rendered = stage_templates(
        body, document=document, spec=spec, stage=stage, owners=ctx.owners, path=path,
        max_resources=max_resources, split=split,
    )  # fmt: skip
    return CompiledStage(
        system=spec.system,
        stage=stage,
        spec_path=document.path,
        region=ctx.region,
        template=rendered.template,
        text=rendered.text,
        path=path,
        extra_files=dict(rendered.texts),
        spec=spec,
        nested=rendered.children,
    )


_TOP_ORDER = [
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Conditions",
    "Resources",
    "Outputs",
]


_RESOURCE_ORDER = [
    "Type",
    "Condition",
    "DependsOn",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
    "Properties",
]


def _ordered(body: dict[str, Any]) -> dict[str, Any]:
    """Top-level sections in the conventional order; outputs sorted by name."""
    ordered = {k: body[k] for k in _TOP_ORDER if k in body}
    ordered.update({k: v for k, v in body.items() if k not in ordered})
    resources = ordered.get("Resources", {})
    for logical_id, resource in resources.items():
        first = {k: resource[k] for k in _RESOURCE_ORDER if k in resource}
        resources[logical_id] = {**first, **{k: v for k, v in resource.items() if k not in first}}
    if "Outputs" in ordered:
        ordered["Outputs"] = dict(sorted(ordered["Outputs"].items()))
    return ordered


def write(stages: list[CompiledStage]) -> list[Path]:
    """Write compiled templates (and any extra files); only touches files whose bytes change."""
    written = []
    for compiled in stages:
        for path, text in [(compiled.path, compiled.text), *compiled.extra_files.items()]:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
