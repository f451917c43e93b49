"""pre-commit: the hooks in .pre-commit-hooks.yaml, run for real by `pre-commit try-repo`, offline.

The hooks are ``language: python``: for a user, pre-commit installs specc from the repository at
``rev`` into an environment of its own. Here the test must not need PyPI, so pip is told to use no
index (``PIP_NO_INDEX``), to build specc with the hook environment's own setuptools
(``PIP_NO_BUILD_ISOLATION=0``), and to find specc's dependencies on ``PYTHONPATH``: a directory of
links to the packages of the environment running the tests (without its setuptools and pip, which
would shadow the hook environment's). specc itself is built and installed from the clone
pre-commit makes, exactly as for a user; only the dependencies are not downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from compiler import api
from compiler.cli import main

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
# yaml-language-server: $schema=https://specc.dev/schemas/specc.schema.json
specc: 1
system: good
stages:
  dev: {removal_policy: delete}
components:
  items: {kind: table, partition_key: PK}
  api:
    kind: function
    code: ../handlers/api
    uses: {items: read_write}
"""

BAD = """\
specc: 1
system: bad
stages: {dev: {}}
components:
  items: {kind: tabel, partition_key: PK}
"""


def _specc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compiler.cli", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _git(*args: str, cwd: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's repository: a good spec with its compiled output, and a bad spec."""
    repo = tmp_path / "project"
    (repo / "specs").mkdir(parents=True)
    (repo / "handlers" / "api").mkdir(parents=True)
    (repo / "handlers" / "api" / "index.mjs").write_text("export const handler = async () => ({});\n")
    (repo / "specs" / "good.yaml").write_text(GOOD, encoding="utf-8")
    (repo / "README.yaml").write_text("not: a spec\n", encoding="utf-8")  # other YAML: ignored
    monkeypatch.chdir(repo)  # spec paths are recorded relative to the working directory
    api.write(api.compile_spec("specs/good.yaml"))
    (repo / "specs" / "bad.yaml").write_text(BAD, encoding="utf-8")
    _git("init", "-q", cwd=repo)
    _git("add", ".", cwd=repo)
    _git("commit", "-q", "-m", "init", cwd=repo)
    return repo


def _offline_env(tmp_path: Path) -> dict[str, str]:
    site = Path(sysconfig.get_paths()["purelib"])
    deps = tmp_path / "deps"
    deps.mkdir()
    skip = ("setuptools", "pkg_resources", "_distutils_hack", "pip", "wheel", "__editable__", "specc-", "__pycache__")
    for entry in site.iterdir():
        if entry.name.endswith(".pth") or any(
            entry.name == s or entry.name.startswith((s + "-", s + ".", "__editable__", "specc-")) for s in skip
        ):
            continue
        (deps / entry.name).symlink_to(entry)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "VIRTUAL_ENV"))}
    env.update(
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",  # pip's inverted spelling of --no-build-isolation
        PYTHONPATH=str(deps),
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    )
    return env


def _snapshot(tmp_path: Path) -> Path:
    """This working tree as one commit: the hooks run exactly the code that compiled the fixtures.

    ``try-repo`` on a repository with local changes adds only tracked files; a new module not yet
    committed would be missing from the hook's specc. A copy of every file git would track does not.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    source = tmp_path / "specc-source"
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _git("init", "-q", cwd=source)
    _git("add", "-A", cwd=source)
    _git("commit", "-q", "-m", "snapshot", cwd=source)
    return source


def _try_repo(project: Path, env: dict[str, str], repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(repo), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_hooks_through_pre_commit_try_repo_offline(project: Path, tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency: pip install -e '.[dev]'")
    # Besides the good spec (output up to date) and the bad one: a second good spec whose compiled
    # template was edited by hand. One run (one hook environment) shows what passes and what fails.
    other = project / "specs" / "other.yaml"
    other.write_text(GOOD.replace("system: good", "system: other"), encoding="utf-8")
    api.write(api.compile_spec("specs/other.yaml"))
    template = project / "output" / "other" / "dev.yaml"
    template.write_text(template.read_text(encoding="utf-8").replace("PAY_PER_REQUEST", "PROVISIONED"))
    _git("add", ".", cwd=project)
    _git("commit", "-q", "-m", "more", cwd=project)

    run = _try_repo(project, _offline_env(tmp_path), _snapshot(tmp_path), "--all-files")
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "specc validate..." in out and "specc check (output/ is what the specs compile to)..." in out
    assert out.count("- hook id: specc-validate") == 1 and out.count("- hook id: specc-check") == 1
    typo = "specs/bad.yaml:5:10: components.items: unknown component kind 'tabel'; did you mean 'table'?"
    assert out.count(typo) == 2  # both hooks report it
    validate_part = out.split("- hook id: specc-validate")[1].split("- hook id: specc-check")[0]
    assert "other" not in validate_part  # validating does not compile: the hand edit is not its business
    assert "output/other/dev.yaml:" in out and "not what specs/other.yaml compiles to" in out
    assert "run: specc compile specs/other.yaml" in out
    assert "specs/good.yaml:" not in out and "output/good" not in out  # the good spec and its output pass
    assert "Traceback" not in out + run.stderr


def test_hooks_file_declares_both_hooks_as_python() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"specc-validate", "specc-check"}
    assert hooks["specc-validate"]["entry"] == "specc check --no-compile"
    assert hooks["specc-check"]["entry"] == "specc check"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["yaml"]


# -- specc check itself (what the hooks run) ----------------------------------------------------


class _Result:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


def _check(project: Path, *args: str) -> _Result:
    """specc check in this process (the project fixture made ``project`` the working directory)."""
    assert Path.cwd() == project
    result = CliRunner().invoke(main, ["check", *args])
    return _Result(result.exit_code, result.stdout, result.stderr)


def test_check_passes_on_good_and_ignores_other_yaml(project: Path) -> None:
    result = _check(project, "specs/good.yaml", "output/good/dev.yaml", "README.yaml")
    assert result.returncode == 0, result.stderr
    assert "ok: 1 spec(s) valid, output up to date" in result.stderr
    assert _check(project, "--no-compile", "README.yaml").returncode == 0


def test_check_reports_hand_edits_missing_and_left_over_templates(project: Path) -> None:
    template = project / "output" / "good" / "dev.yaml"
    text = template.read_text(encoding="utf-8")
    line = text.splitlines().index("      BillingMode: PAY_PER_REQUEST") + 1
    template.write_text(text.replace("PAY_PER_REQUEST", "PROVISIONED"), encoding="utf-8")
    result = _check(project, "output/good/dev.yaml")  # a template brings in its spec
    assert result.returncode == 1
    assert f"output/good/dev.yaml:{line}:1: not what specs/good.yaml compiles to (2 line(s) differ" in result.stderr
    template.unlink()
    (project / "output" / "good" / "qa.yaml").write_text(text.replace("stage: dev", "stage: qa"), encoding="utf-8")
    result = _check(project, "specs/good.yaml", "--format", "json")
    data = json.loads(result.stdout)
    messages = {e["file"]: e["message"] for e in data["errors"]}
    assert data["ok"] is False and data["specs"] == ["specs/good.yaml"]
    assert messages["output/good/dev.yaml"].startswith("missing: specs/good.yaml compiles to it")
    assert messages["output/good/qa.yaml"].startswith("left over: no stage of specs/good.yaml compiles to it")


def test_check_validate_only_and_defaults(project: Path) -> None:
    result = _check(project, "--no-compile", "specs/good.yaml", "specs/bad.yaml")
    assert result.returncode == 1
    assert "specs/bad.yaml:5:10: components.items: unknown component kind 'tabel'" in result.stderr
    assert "specs/good.yaml" not in result.stderr
    result = _check(project)  # no files: specs/*.yaml and examples/*.yaml
    assert result.returncode == 1 and "specs/bad.yaml:5:10" in result.stderr
    (project / "specs" / "bad.yaml").unlink()
    assert _check(project).returncode == 0


def test_check_template_whose_spec_is_gone(project: Path) -> None:
    (project / "specs" / "good.yaml").unlink()
    result = _check(project, "output/good/dev.yaml")
    assert result.returncode == 1
    assert "output/good/dev.yaml:1:1: compiled from specs/good.yaml, which does not exist; delete it" in result.stderr


def test_check_quiet_prints_nothing_when_all_is_well(project: Path) -> None:
    result = _check(project, "-q", "specs/good.yaml")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
