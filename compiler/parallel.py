"""The stages of a large spec, compiled on every core.

Stages are independent: each is built, split and rendered from the same validated spec. For a large
spec (hundreds of components) ``api.compile_document`` forks one worker per stage, up to the number of
cores; the workers inherit the imported modules and the validated specs, and send back the compiled
stage (its templates and texts). Small specs, machines without ``fork``, programs with other threads
running (forking them is unsafe) and ``SPECC_JOBS=1`` compile in the calling process, one stage after
another. The result is the same bytes either way: tests/test_determinism.py compiles both ways.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

#: Below this many components a stage compiles in well under a second: not worth a process.
MIN_COMPONENTS = 200

_STATE: tuple[Any, dict[str, Any], Path, dict[str, Any]] | None = None


def stage_jobs(specs: dict[str, Any]) -> int:
    """How many processes should compile these stages (1: this one)."""
    import multiprocessing
    import threading

    setting = os.environ.get("SPECC_JOBS", "")
    jobs = int(setting) if setting.isdigit() and int(setting) > 0 else (os.cpu_count() or 1)
    if jobs < 2 or len(specs) < 2:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    if max(len(spec.components) for spec in specs.values()) < MIN_COMPONENTS:
        return 1
    return min(jobs, len(specs))


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
