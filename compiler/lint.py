"""cfn-lint over compiled templates, with findings mapped back to the spec.

cfn-lint is imported only here (it costs about a second to import). One ``Linter`` keeps one
cfn-lint runner per region, because building a runner costs ~0.3 s and linting a template with
an existing one costs a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Diagnostic

#: Rules specc ignores, each with the reason. Nothing else is ever ignored.
IGNORED_RULES: dict[str, str] = {
    "W3002": (
        "specc writes local code directories and nested template paths on purpose: "
        "`aws cloudformation package` uploads them and rewrites the template"
    ),
}


@dataclass(frozen=True)
class Finding:
    template: str
    template_line: int
    rule: str
    message: str
    severity: str  # error | warning | informational
    resource: str | None
    spec_location: str | None  # "specs/x.yaml:12:3" from the resource's Metadata
    component: str | None

    def as_diagnostic(self) -> Diagnostic:
        if self.spec_location:
            file, line, col = self.spec_location.rsplit(":", 2)
            path = f"components.{self.component}" if self.component else ""
            message = f"{self.message} (in {self.template}, resource {self.resource})"
            return Diagnostic(file, int(line), int(col), path, message, self.severity, self.rule)
        return Diagnostic(self.template, self.template_line, 1, "", self.message, self.severity, self.rule)


class Linter:
    def __init__(self) -> None:
        self._runners: dict[str, Any] = {}

    def _runner(self, region: str) -> Any:
        if region not in self._runners:
            from cfnlint.config import ConfigMixIn
            from cfnlint.runner import Runner

            config = ConfigMixIn(regions=[region], ignore_checks=sorted(IGNORED_RULES))
            self._runners[region] = Runner(config)
        return self._runners[region]

    def lint_text(self, text: str, template_path: str, region: str = "us-east-1") -> list[Finding]:
        from cfnlint.decode.decode import decode_str

        template, errors = decode_str(text)
        if errors:
            return [_finding(m, template_path, None) for m in errors]
        matches = list(self._runner(region).validate_template(template))
        return [_finding(m, template_path, template) for m in matches]

    def lint_file(self, path: str | Path, region: str | None = None) -> list[Finding]:
        text = Path(path).read_text(encoding="utf-8")
        region = region or _region_of(text) or "us-east-1"
        return self.lint_text(text, str(path), region)


def _region_of(text: str) -> str | None:
    for line in text.splitlines()[:20]:
        if line.strip().startswith("region:"):
            return line.split(":", 1)[1].strip()
    return None


def _finding(match: Any, template_path: str, template: dict[str, Any] | None) -> Finding:
    rule_id = match.rule.id
    severity = {"E": "error", "W": "warning", "I": "informational"}.get(rule_id[:1], "error")
    path = list(getattr(match, "path", None) or [])
    resource = path[1] if len(path) > 1 and path[0] == "Resources" else None
    location = component = None
    if resource and template:
        meta = ((template.get("Resources") or {}).get(resource) or {}).get("Metadata") or {}
        specc = meta.get("specc") or {}
        location, component = specc.get("source"), specc.get("component")
    return Finding(
        template=template_path,
        template_line=int(getattr(match, "linenumber", 1) or 1),
        rule=rule_id,
        message=str(match.message),
        severity=severity,
        resource=resource,
        spec_location=str(location) if location else None,
        component=str(component) if component else None,
    )
