"""specc's benchmark: synthetic systems of growing size, and every seed spec. Prints tables.

    python -m benchmarks.run                  # everything (the 5,000-route lint takes minutes)
    python -m benchmarks.run --quick          # 10/100/1,000 routes and the seeds
    python -m benchmarks.run --sizes 10,100 --json results.json

Nothing here asserts a time: numbers are printed (and written as JSON with --json) for
benchmarks/README.md, where the targets are compared with them.

Synthetic systems (benchmarks/synth.py): N routes, each with its own function, tables and buckets
(``SHAPES``: 1,000 routes have 100 tables and 10 buckets), an auth component; stages dev and prod;
5,000 routes set ``limits.stack_slots: 100``. Each size runs in a fresh process, so its peak memory is
its own.

* compile: load, validate and build every stage in memory (after imports, which are measured
  separately as the process times of the seeds);
* lint: cfn-lint over every template of the prod stage (parent and nested), all cores, no cache;
* peak MB: the compile process's maximum resident set size;
* per resource: compile time divided by the resources of all stages. Growth is linear when this
  stays flat; the ratio largest/smallest is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10, 100, 1000, 5000)
#: routes -> (tables, buckets, stack_slots). At 5,000 routes: 20 tables, not 100 -- with 100 tables, each
#: used by 50 functions spread over 200 nested stacks, the parent's wiring alone passes 1 MB (docs/scale.md).
SHAPES = {10: (2, 1, None), 100: (10, 1, None), 1000: (100, 10, None), 5000: (20, 10, 100)}


# ------------------------------------------------------------------------------------------------
# One synthetic size, in its own process


def _synthetic_worker(routes: int, lint: bool) -> dict[str, Any]:
    from benchmarks.synth import write_system

    tables, buckets, slots = SHAPES.get(routes, (min(100, max(2, routes // 10)), min(10, max(1, routes // 100)), None))
    with tempfile.TemporaryDirectory() as directory:
        spec = write_system(Path(directory), routes=routes, tables=tables, buckets=buckets, stack_slots=slots)
        from compiler import api  # imports before the clock: they are a per-process constant

        api.validate(api.load(spec))  # warms the models of the kinds used (built once per process)
        start = time.perf_counter()
        compiled = api.compile_spec(spec, None, Path(directory) / "out")
        compile_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        resources = sum(len(t["Resources"]) for c in compiled for t in [c.template, *c.nested.values()])
        stacks = sum(1 + len(c.nested) for c in compiled)
        result = {
            "routes": routes,
            "tables": tables,
            "buckets": buckets,
            "stack_slots": slots or "default (20)",
            "stages": len(compiled),
            "resources": resources,
            "templates": stacks,
            "compile_s": compile_s,
            "peak_mb": peak_mb,
        }
        if lint:
            from compiler.lint import Linter

            prod = next(c for c in compiled if c.stage == "prod")
            batch = [(prod.text, str(prod.path), prod.region)]
            batch += [(prod.extra_files[p], str(p), prod.region) for p in prod.nested]
            start = time.perf_counter()
            findings = [f for found in Linter(jobs=os.cpu_count() or 1).lint_many(batch) for f in found]
            result["lint_s"] = time.perf_counter() - start
            result["lint_templates"] = len(batch)
            result["lint_resources"] = sum(len(t["Resources"]) for t in [prod.template, *prod.nested.values()])
            result["findings"] = len(findings)
            result["finding_examples"] = [f"{f.rule} {f.message} ({f.template})" for f in findings[:3]]
        return result


def synthetic(routes: int, lint: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.run", "--worker", str(routes)] + (["--lint"] if lint else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"synthetic system of {routes} routes failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------
# The seeds: every spec, every stage


def _seed_worker(spec: str) -> dict[str, Any]:
    from compiler import api

    document = api.load(spec)
    specs = api.validate(document)  # also builds the models of the kinds it uses
    stages = []
    for stage, validated in specs.items():
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            compiled = api.compile_stage(document, validated, stage, Path(tempfile.gettempdir()) / "specc-bench")
            runs.append(time.perf_counter() - start)
        stages.append(
            {
                "stage": stage,
                "compile_ms": 1000 * min(runs),
                "resources": len(compiled.template["Resources"]),
                "nested": len(compiled.nested),
                "bytes": len(compiled.text.encode()),
            }
        )
    return {"spec": spec, "stages": stages}


def _timed(command: list[str], repeat: int = 1) -> tuple[float, float]:
    """(best wall seconds, CPU seconds of that run) of a command run ``repeat`` times."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return best


def seeds() -> dict[str, Any]:
    specc = str(Path(sys.executable).with_name("specc"))
    specs = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("specs/*.yaml"))
    out: dict[str, Any] = {"specs": []}
    with tempfile.TemporaryDirectory() as directory:
        for spec in specs:
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.run", "--seed-worker", spec],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise SystemExit(f"{spec} failed:\n{done.stderr[-3000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            wall, cpu = _timed([specc, "compile", spec, "--out", directory], repeat=5)
            result.update(process_wall_s=wall, process_cpu_s=cpu)
            out["specs"].append(result)
        lint_all = [specc, "lint", *specs]
        out["lint_all_cold_cfnlint"] = _timed([*lint_all, "--no-cache", "--no-checkov"])
        out["lint_all_cold"] = _timed([*lint_all, "--no-cache"])  # with checkov, when it is installed
        # With the cache (.specc-cache/ here): the first run fills it, the next ones are what an
        # unchanged re-run costs -- from the specs (compiled again) and from compiled templates.
        _timed(lint_all)
        out["lint_all_cached"] = _timed(lint_all, repeat=3)
        subprocess.run([specc, "compile", *specs, "--out", directory, "-q"], cwd=ROOT, capture_output=True, check=True)
        _timed([specc, "lint", directory])
        out["lint_output_cached"] = _timed([specc, "lint", directory], repeat=3)
        from compiler.security import checkov_executable

        out["checkov"] = checkov_executable() is not None
    return out


# ------------------------------------------------------------------------------------------------
# Printing


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    import cfnlint.version

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "cfn-lint": cfnlint.version.__version__,
        "load_average_at_start": os.getloadavg(),
    }


def print_synthetic(rows: list[dict[str, Any]]) -> None:
    print("\n## Synthetic systems (both stages compiled; prod linted)\n")
    print(
        "| routes | tables | buckets | resources | templates | compile | per resource | peak MB | lint (prod) | findings |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        lint = f"{r['lint_s']:.1f} s ({r['lint_templates']} templates)" if "lint_s" in r else "-"
        findings = str(r.get("findings", "-"))
        print(
            f"| {r['routes']:,} | {r['tables']} | {r['buckets']} | {r['resources']:,} | {r['templates']} | "
            f"{r['compile_s']:.2f} s | {1e6 * r['compile_s'] / r['resources']:.0f} µs | {r['peak_mb']:.0f} | "
            f"{lint} | {findings} |"
        )
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        ratio = (large["compile_s"] / large["resources"]) / (small["compile_s"] / small["resources"])
        print(
            f"\nTime per resource, largest / smallest system: {ratio:.2f} "
            f"({large['resources']:,} vs {small['resources']:,} resources; 1.0 is perfectly linear)"
        )
        linted = [r for r in rows if "lint_s" in r]
        if len(linted) > 1:
            a, b = linted[0], linted[-1]
            lint_ratio = (b["lint_s"] / b["lint_resources"]) / (a["lint_s"] / a["lint_resources"])
            print(f"Lint time per resource, largest / smallest: {lint_ratio:.2f}")


def print_seeds(result: dict[str, Any]) -> None:
    print("\n## Seed specs\n")
    print("| spec | stage | resources | nested | template | compile (in process) | `specc compile` process |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for spec in result["specs"]:
        process = f"{spec['process_wall_s']:.2f} s wall, {spec['process_cpu_s']:.2f} s CPU"
        for index, stage in enumerate(spec["stages"]):
            print(
                f"| {spec['spec'] if index == 0 else ''} | {stage['stage']} | {stage['resources']} | {stage['nested']} | "
                f"{stage['bytes']:,} B | {stage['compile_ms']:.0f} ms | {process if index == 0 else ''} |"
            )
    rows = [
        (
            "`specc lint --no-cache --no-checkov specs/*.yaml` (compile + cfn-lint, every spec and stage)",
            "lint_all_cold_cfnlint",
        ),
        (
            "`specc lint --no-cache specs/*.yaml` (the same, and checkov"
            + (")" if result.get("checkov") else ": not installed, so the same)"),
            "lint_all_cold",
        ),
        (
            "`specc lint specs/*.yaml` again, nothing changed (compiles again; lint results from the cache)",
            "lint_all_cached",
        ),
        (
            "`specc lint output/` again, nothing changed (compiled templates; lint results from the cache)",
            "lint_output_cached",
        ),
    ]
    print()
    for label, key in rows:
        wall, cpu = result[key]
        print(f"- {label}: {wall:.2f} s wall, {cpu:.2f} s CPU")


def print_targets(results: dict[str, Any]) -> None:
    """Issue 7's targets next to what was measured (benchmarks/README.md explains any gap)."""
    rows: list[tuple[str, str, bool | None]] = []
    seeds = results.get("seeds")
    if seeds:
        kefir = next((s for s in seeds["specs"] if s["spec"].endswith("kefir.yaml")), None)
        if kefir:
            wall = kefir["process_wall_s"]
            rows.append(("`specc compile specs/kefir.yaml` as a process < 0.5 s wall", f"{wall:.2f} s", wall < 0.5))
        slowest = max((st["compile_ms"], s["spec"], st["stage"]) for s in seeds["specs"] for st in s["stages"])
        rows.append(
            (
                "in-process compile < 100 ms per stage (slowest seed stage)",
                f"{slowest[0]:.0f} ms ({slowest[1]} {slowest[2]})",
                slowest[0] < 100,
            )
        )
        wall, cpu = seeds["lint_all_cold_cfnlint"]
        rows.append(
            (
                "compile + cfn-lint of every seed spec and stage < 8 s",
                f"{wall:.1f} s wall ({cpu:.1f} s CPU: {cpu / (os.cpu_count() or 1):.1f} s per core)",
                wall < 8,
            )
        )
        wall, _ = seeds["lint_all_cached"]
        rows.append(("the same again, nothing changed < 1 s", f"{wall:.2f} s", wall < 1))
    for row in results.get("synthetic", []):
        if row["routes"] == 1000:
            ok = row["compile_s"] < 5 and row["peak_mb"] < 300
            rows.append(
                (
                    "1,000 routes + 100 tables: compile < 5 s and < 300 MB",
                    f"{row['compile_s']:.2f} s, {row['peak_mb']:.0f} MB",
                    ok,
                )
            )
        if row["routes"] == 5000:
            clean = row.get("findings") == 0
            rows.append(
                (
                    "5,000 routes: compiles, splits, lints clean",
                    f"{row['resources']:,} resources in {row['templates']} templates; "
                    + (f"{row['findings']} findings" if "findings" in row else "not linted"),
                    row["templates"] > 2 and clean,
                )
            )
    if not rows:
        return
    print("\n## Targets\n")
    print("| target | measured | met |")
    print("|---|---|:-:|")
    for target, measured, met in rows:
        print(f"| {target} | {measured} | {'yes' if met else 'no'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="route counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help="sizes 10, 100 and 1,000 only")
    parser.add_argument("--no-lint", action="store_true", help="skip linting the synthetic systems")
    parser.add_argument("--no-seeds", action="store_true", help="skip the seed specs")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed-worker", help=argparse.SUPPRESS)
    parser.add_argument("--lint", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(_synthetic_worker(args.worker, args.lint)))
        return
    if args.seed_worker:
        print(json.dumps(_seed_worker(args.seed_worker)))
        return

    # Bytecode first, as any installed copy has it (some environments set PYTHONDONTWRITEBYTECODE).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "compiler")], check=False, capture_output=True)
    info = machine()
    print("# specc benchmark\n")
    print(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM; Python {info['python']} on "
        f"{info['system']}; cfn-lint {info['cfn-lint']}; load average at start "
        + ", ".join(f"{x:.2f}" for x in info["load_average_at_start"])
    )
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.quick:
        sizes = [s for s in sizes if s <= 1000]
    results: dict[str, Any] = {"machine": info, "synthetic": []}
    for routes in sizes:
        row = synthetic(routes, lint=not args.no_lint)
        results["synthetic"].append(row)
        print(
            f"  {routes:,} routes: {row['resources']:,} resources compiled in {row['compile_s']:.2f} s", file=sys.stderr
        )
    print_synthetic(results["synthetic"])
    if not args.no_seeds:
        results["seeds"] = seeds()
        print_seeds(results["seeds"])
    print_targets(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
