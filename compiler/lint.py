"""cfn-lint over compiled templates, with findings mapped back to the spec.

cfn-lint is imported only here (it costs about a second to import). One ``Linter`` keeps one
cfn-lint runner per region, because building a runner costs ~0.3 s and linting a template with
an existing one costs a few milliseconds per resource.

``Linter.lint_many`` lints a batch: results already in the cache (``.specc-cache/lint/``, keyed by
the sha256 of the template text, its region, the cfn-lint version and the ignored rules) are read
back, and the rest is linted on every core -- the runners are built once, then the process forks,
so each worker starts with them ready.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import cache
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


#: Bump when the cached form of findings (or how they are derived) changes.
CACHE_FORMAT = 1
DEFAULT_CACHE_DIR = Path(".specc-cache") / "lint"


class Linter:
    """cfn-lint with one runner per region; optionally cached and parallel (``lint_many``).

    ``cache_dir``: where results are kept by template content (None: no cache). ``jobs``: processes
    for ``lint_many`` (1: in this process).
    """

    def __init__(self, *, cache_dir: str | Path | None = None, jobs: int = 1) -> None:
        self._runners: dict[str, Any] = {}
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.jobs = max(1, jobs)
        self.cached = 0  # templates answered from the cache
        self.linted = 0  # templates linted by cfn-lint

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
        return self.lint_many([(text, str(path), region)])[0]

    def lint_many(self, items: Sequence[tuple[str, str, str | None]]) -> list[list[Finding]]:
        """Lint ``(text, template path, region)`` items; findings per item, in the same order."""
        items = [(text, path, region or _region_of(text) or "us-east-1") for text, path, region in items]
        results: list[list[Finding] | None] = [None] * len(items)
        todo: list[int] = []
        for index, (text, path, region) in enumerate(items):
            cached = self._from_cache(text, region)
            if cached is None:
                todo.append(index)
            else:
                results[index] = [replace(f, template=path) for f in cached]
                self.cached += 1
        fresh = self._lint_uncached([items[i] for i in todo])
        for index, findings in zip(todo, fresh, strict=True):
            results[index] = findings
            text, _, region = items[index]
            self._to_cache(text, region, findings)
        self.linted += len(todo)
        return [r or [] for r in results]

    # -- parallel ---------------------------------------------------------------------------------
    def _lint_uncached(self, items: list[tuple[str, str, str]]) -> list[list[Finding]]:
        import multiprocessing

        jobs = min(self.jobs, len(items))
        if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return [self.lint_text(*item) for item in items]
        from concurrent.futures import ProcessPoolExecutor

        for region in sorted({region for _, _, region in items}):
            self._runner(region)  # built once here; the forked workers inherit them
        global _FORKED
        _FORKED = self
        try:
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                # Biggest first, one at a time, so a large template does not end up last.
                order = sorted(range(len(items)), key=lambda i: -len(items[i][0]))
                done = dict(zip(order, pool.map(_lint_forked, [items[i] for i in order]), strict=True))
        finally:
            _FORKED = None
        return [done[i] for i in range(len(items))]

    # -- cache ------------------------------------------------------------------------------------
    def _cache_file(self, text: str, region: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return _cache_path(
            self.cache_dir, (str(CACHE_FORMAT), _cfnlint_version(), ",".join(sorted(IGNORED_RULES)), region, text)
        )

    def _from_cache(self, text: str, region: str) -> list[Finding] | None:
        path = self._cache_file(text, region)
        if path is None or not path.is_file():
            return None
        try:
            return [Finding(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            return None  # unreadable or from another format: lint again

    def _to_cache(self, text: str, region: str, findings: list[Finding]) -> None:
        path = self._cache_file(text, region)
        if path is not None:
            _write_cache(path, [asdict(f) for f in findings])


_FORKED: Linter | None = None


def cached_batch(cache_dir: str | Path | None, tool: str, parts: Sequence[str], compute: Any) -> Any:
    """``compute()``'s JSON-able result, kept in ``cache_dir`` under the sha256 of ``tool`` and ``parts``.

    For a tool that checks a whole batch at once (checkov runs as one program over every template):
    ``parts`` must hold everything the result depends on -- the templates' text and paths, the tool's
    version. With ``cache_dir`` None it just computes.
    """
    if cache_dir is None:
        return compute()
    path = _cache_path(Path(cache_dir) / tool, (str(CACHE_FORMAT), tool, *parts))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    result = compute()
    _write_cache(path, result)
    return result


def _cache_path(directory: Path, parts: Sequence[str]) -> Path:
    """``directory/<2 hex>/<sha256>.json``, the sha256 taken over ``parts`` (each ended by a NUL)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    key = digest.hexdigest()
    return directory / key[:2] / f"{key}.json"


def _write_cache(path: Path, value: Any) -> None:
    """Write ``value`` as JSON at ``path`` atomically (a temporary file, then a rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time


def _lint_forked(item: tuple[str, str, str]) -> list[Finding]:
    assert _FORKED is not None
    return _FORKED.lint_text(*item)


@cache
def _cfnlint_version() -> str:
    """cfn-lint's version, read from its version.py without importing cfn-lint (a second) or metadata."""
    import re
    from importlib.util import find_spec

    spec = find_spec("cfnlint")
    for location in (spec.submodule_search_locations or []) if spec else []:
        try:
            text = (Path(location) / "version.py").read_text(encoding="utf-8")
        except OSError:
            continue
        match = re.search(r"__version__\s*=\s*[\"']([^\"']+)", text)
        if match:
            return match.group(1)
    from importlib.metadata import version

    return version("cfn-lint")


def _region_of(text: str) -> str | None:
    for line in text.splitlines()[:20]:
        if line.strip().startswith("region:"):
            return line.split(":", 1)[1].strip()
    return None


def _finding(match: Any, template_path: str, template: dict[str, Any] | None) -> Finding:
    rule_id = match.rule.id
    severity = {"E": "error", "W": "warning", "I": "informational"}.get(rule_id[:1], "error")
    path = list(getattr(match, "path", None) or [])
    # str(): cfn-lint's own string nodes cannot cross processes (pickle) or into the cache as they are.
    resource = str(path[1]) if len(path) > 1 and path[0] == "Resources" else None
    location = component = None
    if resource and template:
        meta = ((template.get("Resources") or {}).get(resource) or {}).get("Metadata") or {}
        specc = meta.get("specc") or {}
        location, component = specc.get("source"), specc.get("component")
    return Finding(
        template=str(template_path),
        template_line=int(getattr(match, "linenumber", 1) or 1),
        rule=str(rule_id),
        message=str(match.message),
        severity=severity,
        resource=resource,
        spec_location=str(location) if location else None,
        component=str(component) if component else None,
    )
