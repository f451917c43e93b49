"""specc init: each scaffold compiles and lints clean as written, and nothing is ever overwritten."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import api
from compiler.cli import main
from compiler.commands.init import KINDS
from compiler.schema import schema_text


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _init(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["init", *args])


@pytest.fixture(scope="module")
def scaffolds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[api.CompiledStage]]:
    """One project holding a system of each kind, initialised and compiled as a user would."""
    import os

    root = tmp_path_factory.mktemp("scaffolds")
    before = Path.cwd()
    os.chdir(root)
    try:
        out: dict[str, list[api.CompiledStage]] = {}
        for kind in KINDS:
            name = kind.replace("-", "_")
            result = _init(name, "--kind", kind, "--region", "eu-west-1")
            assert result.exit_code == 0, result.output
            assert f"wrote {Path('specs') / (name + '.yaml')}" in result.stdout
            out[kind] = api.compile_spec(f"specs/{name}.yaml")
            api.write(out[kind])
        return out
    finally:
        os.chdir(before)


@pytest.mark.parametrize("kind", list(KINDS))
def test_scaffold_compiles_and_lints_clean(kind: str, scaffolds, linter) -> None:  # type: ignore[no-untyped-def]
    compiled = scaffolds[kind]
    assert [c.stage for c in compiled] == ["dev", "prod"]
    assert all(c.region == "eu-west-1" for c in compiled)
    for stage in compiled:
        findings = linter.lint_text(stage.text, str(stage.path), stage.region)
        assert not findings, "\n".join(f"{f.rule} {f.message} ({f.resource})" for f in findings)


def test_spec_starts_with_the_editor_line_and_the_schema_is_written(project: Path) -> None:
    assert _init("shop").exit_code == 0
    first = (project / "specs" / "shop.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/specc.schema.json"
    assert (project / "schemas" / "specc.schema.json").read_text(encoding="utf-8") == schema_text()
    spec = api.validate(api.load("specs/shop.yaml"))["dev"]
    assert (project / "specs" / spec.components["handler"].code / "index.mjs").is_file()


def test_scaffolds_are_checkov_clean(scaffolds) -> None:  # type: ignore[no-untyped-def]
    """specc lint runs checkov too: what init writes passes it (with reasoned accepts in the spec)."""
    from compiler.security import checkov_diagnostics, checkov_executable

    if checkov_executable() is None:
        pytest.skip("checkov is not installed here (.ci/run installs it into .venv-checkov)")
    batch = [(stage.text, str(stage.path)) for compiled in scaffolds.values() for stage in compiled]
    problems = checkov_diagnostics(batch)
    assert not problems, "\n".join(d.format() for d in problems)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_serverless_handler_is_valid_javascript(project: Path) -> None:
    assert _init("todo").exit_code == 0
    handler = project / "handlers" / "todo" / "api" / "index.mjs"
    result = subprocess.run(["node", "--check", str(handler)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_refuses_to_overwrite_and_writes_nothing(project: Path) -> None:
    (project / "specs").mkdir()
    (project / "specs" / "todo.yaml").write_text("mine\n", encoding="utf-8")
    result = _init("todo")
    assert result.exit_code == 1
    assert "refusing to overwrite existing files (nothing was written)" in result.stderr
    assert str(Path("specs/todo.yaml")) in result.stderr
    assert (project / "specs" / "todo.yaml").read_text(encoding="utf-8") == "mine\n"
    assert not (project / "handlers").exists() and not (project / "schemas").exists()
    result = _init("todo", "--format", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["existing"] == [str(Path("specs/todo.yaml"))]


def test_a_second_system_keeps_the_existing_schema(project: Path) -> None:
    assert _init("one").exit_code == 0
    schema = project / "schemas" / "specc.schema.json"
    schema.write_text('{"older": true}\n', encoding="utf-8")
    result = _init("two", "--kind", "static-site")
    assert result.exit_code == 0, result.output
    assert schema.read_text(encoding="utf-8") == '{"older": true}\n'
    assert "kept" in result.stderr and "specc schema --out" in result.stderr
    assert (project / "site" / "two" / "index.html").is_file()


def test_names_regions_and_domains_are_checked(project: Path) -> None:
    for args, message in [
        (["Todo"], "use lower-case letters"),
        (["todo", "--region", "mars-1"], "not a region specc knows"),
        (["todo", "--kind", "container-service", "--domain", "not a domain"], "is not a domain name"),
        (["todo", "--kind", "lambda-monolith"], "'lambda-monolith' is not one of"),
    ]:
        result = _init(*args)
        assert result.exit_code == 2, args
        assert message in result.output, result.output
    assert not any(project.iterdir())


def test_container_service_domain_and_json_report(project: Path) -> None:
    result = _init("users", "--kind", "container-service", "--domain", "app.example.org", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and report["kind"] == "container-service"
    assert str(Path("specs/users.yaml")) in report["written"]
    assert "specc lint output/users" in report["next"]
    text = (project / "specs" / "users.yaml").read_text(encoding="utf-8")
    assert "domain: example.org" in text and "name: app.example.org" in text


def test_dir_option_and_quiet(project: Path) -> None:
    result = _init("todo", "--dir", "work", "-q")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert (project / "work" / "specs" / "todo.yaml").is_file()
