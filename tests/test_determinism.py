"""Same spec, same bytes: in separate processes with different hash seeds, split or not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.synth import write_system

ROOT = Path(__file__).resolve().parent.parent

# Compiles every spec given, writes the templates (nested ones too) and prints {relative path: text}.
SCRIPT = """
import json, sys
from pathlib import Path
from compiler import api

out = Path(sys.argv[1])
files = {}
for spec in sys.argv[2:]:
    for stage in api.compile_spec(spec, None, out):
        for path in api.write([stage]):
            if path.suffix == ".yaml":
                files[path.relative_to(out).as_posix()] = path.read_text(encoding="utf-8")
print(json.dumps(files, sort_keys=True))
"""

#: (PYTHONHASHSEED, SPECC_JOBS): three seeds, and stages compiled one after another or in parallel.
RUNS = (("0", ""), ("1", ""), ("4242", "1"))


def test_compiled_bytes_do_not_depend_on_the_hash_seed_or_on_parallel_stages(tmp_path: Path) -> None:
    split = write_system(tmp_path / "system", routes=40, tables=3, buckets=2, max_resources=60, stack_slots=8)
    # Over compiler/parallel.py's MIN_COMPONENTS, so its stages compile in parallel unless SPECC_JOBS=1.
    large = write_system(tmp_path / "large", routes=210, tables=4, buckets=1, max_resources=200)
    specs = [str(p) for p in sorted(ROOT.glob("specs/*.yaml")) + sorted(ROOT.glob("examples/*.yaml"))]
    specs += [str(split), str(large)]
    runs = {}
    for seed, jobs in RUNS:  # started together: two cores
        env = {**os.environ, "PYTHONHASHSEED": seed, "SPECC_JOBS": jobs}
        command = [sys.executable, "-c", SCRIPT, str(tmp_path / f"out-{seed}"), *specs]
        runs[seed] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    outputs = {}
    for seed, process in runs.items():
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr.decode()
        outputs[seed] = json.loads(stdout)
    seeds = [seed for seed, _ in RUNS]
    first = outputs[seeds[0]]
    assert any("/dev/layer" in name for name in first), "the synthetic system must split"
    assert len(first) > len(specs)
    for seed in seeds[1:]:
        assert sorted(outputs[seed]) == sorted(first), f"PYTHONHASHSEED={seed} wrote other files"
        differing = [name for name in first if outputs[seed][name] != first[name]]
        assert not differing, f"PYTHONHASHSEED={seed} changed {differing[:5]}"
