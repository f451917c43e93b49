"""Synthetic specc systems of any size, for the benchmark and the splitting tests.

```python
from benchmarks.synth import write_system
spec = write_system(tmp_path, routes=1000, tables=100, buckets=10)   # tmp_path/synthetic.yaml
```

A system has an auth component, ``tables`` DynamoDB tables, ``buckets`` S3 buckets and one HTTP API
whose ``routes`` each call a function of their own (``fn-00001`` ...). Function ``i`` reads and
writes table ``i mod tables`` and reads bucket ``i mod buckets``; every tenth function also invokes the
previous one, so references between functions (and nested-stack layers) exist too. Names, and so
logical IDs, never depend on anything but the index: a bigger system contains every component of a
smaller one, unchanged, which is what the stability test needs.
"""

from __future__ import annotations

from pathlib import Path

HANDLER = "exports.handler = async () => ({ statusCode: 200, body: 'ok' });\n"


def spec_text(
    routes: int,
    tables: int = 2,
    buckets: int = 1,
    *,
    system: str = "synthetic",
    max_resources: int | None = None,
    stack_slots: int | None = None,
    code: str = "handlers/fn",
) -> str:
    """The YAML of a synthetic system (functions' code at ``code``, relative to the spec)."""
    out = [
        "# yaml-language-server: $schema=../schemas/specc.schema.json",
        "specc: 1",
        f"system: {system}",
        f'description: "A synthetic system: {routes} routes with a function each, {tables} tables, {buckets} buckets"',
    ]
    if max_resources is not None or stack_slots is not None:
        out.append("limits:")
        if max_resources is not None:
            out.append(f"  max_resources_per_stack: {max_resources}")
        if stack_slots is not None:
            out.append(f"  stack_slots: {stack_slots}")
    out += [
        "stages:",
        "  dev: {removal_policy: delete, log_retention_days: 7, alarms: false}",
        "  prod: {}",
        "components:",
        "  auth:",
        "    kind: auth",
        "    sign_in: [email_otp]",
        "    clients:",
        "      web: {}",
    ]
    for t in range(tables):
        out += [f"  table-{t:03d}:", "    kind: table", "    partition_key: PK", "    sort_key: SK"]
    for b in range(buckets):
        out += [f"  bucket-{b:03d}:", "    kind: bucket"]
    if routes:
        out += ["  api:", "    kind: http_api", "    authorizer: {auth: auth}", "    routes:"]
        out += [f'      "GET /items/r{i:05d}": fn-{i:05d}' for i in range(routes)]
    for i in range(routes):
        uses = []
        if tables:
            uses.append(f"table-{i % tables:03d}: read_write")
        if buckets:
            uses.append(f"bucket-{i % buckets:03d}: read")
        if i % 10 == 9:
            uses.append(f"fn-{i - 1:05d}: invoke")
        out += [f"  fn-{i:05d}:", "    kind: function", f"    code: {code}"]
        if uses:
            out.append("    uses: {" + ", ".join(uses) + "}")
    return "\n".join(out) + "\n"


def write_system(directory: Path, routes: int, tables: int = 2, buckets: int = 1, **options: object) -> Path:
    """Write ``synthetic.yaml`` (and the one handler every function shares) into ``directory``."""
    directory = Path(directory)
    handler = directory / "handlers" / "fn"
    handler.mkdir(parents=True, exist_ok=True)
    (handler / "index.js").write_text(HANDLER, encoding="utf-8")
    name = str(options.pop("file_name", "synthetic.yaml"))
    path = directory / name
    path.write_text(spec_text(routes, tables, buckets, **options), encoding="utf-8")  # type: ignore[arg-type]
    return path
