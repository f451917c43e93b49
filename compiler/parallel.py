"""The stages of a large spec, and several specs at once, compiled on every core.

Stages are independent: each is built, split and rendered from the same validated spec. For a large
spec (hundreds of components) ``api.compile_document`` forks one worker per stage, up to the number of
cores; the workers inherit the imported modules and the validated specs, and send back the compiled
stage (its templates and texts). Small specs, machines without ``fork``, programs with other threads
running (forking them is unsafe) and ``SPECC_JOBS=1`` compile in the calling process, one stage after
another. The result is the same bytes either way: tests/test_determinism.py compiles both ways.

``specc lint`` over several specs compiles them one spec per worker (``compile_specs_parallel``), in
the same order and with the same results as one after another (tests/test_lint_cache.py).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

#: Below this many components a stage compiles in well under a second: not worth a process.
MIN_COMPONENTS = 200

_STATE: tuple[Any, dict[str, Any], Path, dict[str, Any]] | None = None


def available_jobs(tasks: int) -> int:
    """How many forked processes may share ``tasks`` independent tasks (1: do them here).

    ``SPECC_JOBS`` (default: the cores); never more than the tasks; 1 without ``fork`` or while other
    threads run (forking them is unsafe).
    """
    import multiprocessing
    import threading

    setting = os.environ.get("SPECC_JOBS", "")
    jobs = int(setting) if setting.isdigit() and int(setting) > 0 else (os.cpu_count() or 1)
    if jobs < 2 or tasks < 2:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    return min(jobs, tasks)


def stage_jobs(specs: dict[str, Any]) -> int:
    """How many processes should compile these stages (1: this one)."""
    if not specs or max(len(spec.components) for spec in specs.values()) < MIN_COMPONENTS:
        return 1
    return available_jobs(len(specs))


def compile_parallel(
    document: Any, specs: dict[str, Any], out: Path, jobs: int, **options: Any
) -> list[tuple[str, Any, float]]:
    """(stage, CompiledStage or its diagnostics, seconds) for every stage, in the specs' order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _STATE
    _STATE = (document, specs, out, options)
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_compile_one, list(specs)))
    finally:
        _STATE = None
    for stage, outcome, _ in results:
        if not isinstance(outcome, list):
            outcome.spec = specs[stage]  # kept here, not sent back: the parent already has it
    return results


def _compile_one(stage: str) -> tuple[str, Any, float]:
    from .api import compile_stage
    from .errors import SpecError

    assert _STATE is not None
    document, specs, out, options = _STATE
    started = time.perf_counter()
    try:
        compiled = compile_stage(document, specs[stage], stage, out, **options)
    except SpecError as exc:
        return stage, list(exc.diagnostics), time.perf_counter() - started
    compiled.spec = None
    return stage, compiled, time.perf_counter() - started


# ------------------------------------------------------------------------------------------------
# Several specs at once (``specc lint specs/*.yaml``): one spec per worker, on every core.


def compile_specs_parallel(paths: list[str], out: Path, jobs: int) -> list[Any]:
    """For each spec, in order: its compiled stages (without ``spec``) or its diagnostics (a list of
    ``Diagnostic``). The largest files start first, so a big spec does not end up last."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    order = sorted(range(len(paths)), key=lambda i: -_size(paths[i]))
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        done = dict(zip(order, pool.map(_compile_spec_one, [(paths[i], out) for i in order]), strict=True))
    return [done[i] for i in range(len(paths))]


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _compile_spec_one(item: tuple[str, Path]) -> Any:
    from .api import compile_spec
    from .errors import SpecError

    os.environ["SPECC_JOBS"] = "1"  # this worker already is one of the cores: no workers of its own
    path, out = item
    try:
        stages = compile_spec(path, None, out)
    except SpecError as exc:
        return ("errors", list(exc.diagnostics))
    for compiled in stages:
        compiled.spec = None  # a validated model: not needed by the caller, and costly to send back
    return ("stages", stages)
