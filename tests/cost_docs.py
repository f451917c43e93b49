"""The seed comparison tables in docs/cost.md: specc's estimate beside each seed document's own.

Each table sits between ``<!-- specc-cost:<spec> -->`` and ``<!-- /specc-cost -->`` and is generated
from the spec in specs/; tests/test_cost_docs.py fails when one is stale. After an intended change:

    python -m tests.cost_docs --update
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from compiler import api
from compiler.cost.report import _usd

ROOT = Path(__file__).resolve().parent.parent
DOC = Path("docs/cost.md")


@dataclass(frozen=True)
class Row:
    label: str  # the seed's line
    seed: tuple[str, ...]  # the seed's estimate, one per seed column
    services: tuple[str, ...]  # the AWS services (compiler.cost.catalogue.SERVICES) it covers


@dataclass(frozen=True)
class Seed:
    spec: str  # stem under specs/
    seed_columns: tuple[str, ...]
    stages: tuple[tuple[str, bool], ...]  # (stage, free tier) per specc column
    rows: tuple[Row, ...]
    total: tuple[str, ...]


SEEDS = (
    Seed(
        "malumz",
        ("seed: dev/POC", "seed: production"),
        (("dev", False), ("prod", False)),
        (
            Row("Amplify", ("$1-5", "$5-20"), ("AWS Amplify",)),
            Row("Lambda", ("$1-10", "$10-50"), ("AWS Lambda",)),
            Row("DocumentDB", ("$50-100", "$100-300"), ("Amazon DocumentDB",)),
            Row("API Gateway", ("$1-5", "$5-20"), ("Amazon API Gateway",)),
            Row("Route 53", ("$0.50", "-"), ("Amazon Route 53",)),
            Row("CloudWatch", ("-", "$5-15"), ("Amazon CloudWatch",)),
        ),
        ("$55-120", "$125-405"),
    ),
    Seed(
        "spec-wizard",
        ("seed: low-medium traffic",),
        (("dev", False), ("staging", False), ("prod", False)),
        (
            Row("DynamoDB", ("$5-15",), ("Amazon DynamoDB",)),
            Row("S3", ("$1-5",), ("Amazon S3",)),
            Row("CloudFront", ("$0-10",), ("Amazon CloudFront",)),
            Row("SES", ("$0-5",), ("Amazon SES",)),
            Row("CloudWatch", ("$0-5",), ("Amazon CloudWatch",)),
            Row("API Gateway (WebSocket)", ("$1-5",), ("Amazon API Gateway",)),
            Row("KMS (2 keys)", ("$2",), ("AWS KMS",)),
            Row("Secrets Manager (2 secrets)", ("$0.80",), ("AWS Secrets Manager",)),
        ),
        ("$10-50",),
    ),
    Seed(
        "user-management",
        ("seed: production",),
        (("dev", False), ("prod", False)),
        (
            Row("ECS Fargate (4 vCPU, 8 GB)", ("$120",), ("AWS Fargate",)),
            Row("RDS PostgreSQL (db.t3.medium)", ("$65",), ("Amazon RDS",)),
            Row("DocumentDB (3 x db.t3.medium)", ("$195",), ("Amazon DocumentDB",)),
            Row("ALB", ("$25",), ("Elastic Load Balancing",)),
            Row("NAT Gateway", ("$45",), ("Amazon VPC",)),
            Row("Data Transfer", ("$20",), ("Data transfer", "Amazon CloudFront")),
            Row("CloudWatch/Logs", ("$10",), ("Amazon CloudWatch",)),
        ),
        ("$495",),
    ),
    Seed(
        "secure-media",
        ("seed: with free tier",),
        (("dev", True), ("prod", True), ("prod", False)),
        (
            Row("Lambda", ("$0",), ("AWS Lambda",)),
            Row("API Gateway", ("$0-1",), ("Amazon API Gateway",)),
            Row("DynamoDB", ("$0",), ("Amazon DynamoDB",)),
            Row("S3", ("$0-2",), ("Amazon S3",)),
            Row("Cognito", ("$0",), ("Amazon Cognito",)),
            Row("CloudWatch", ("$0-1",), ("Amazon CloudWatch",)),
        ),
        ("$0-5",),
    ),
    Seed("kefir", (), (("dev", False), ("prod", False)), (), ()),
)


def table(seed: Seed) -> str:
    estimates = []
    for stage, free in seed.stages:
        (estimate,) = api.estimate_spec(f"specs/{seed.spec}.yaml", [stage], free_tier=free)
        estimates.append(estimate)
    per_service = [{service: monthly for service, monthly, _ in e.services()} for e in estimates]
    header = [
        "service",
        *seed.seed_columns,
        *(f"specc: {stage}" + (" (free tier)" if free else "") for stage, free in seed.stages),
    ]
    rows = []
    covered: set[str] = set()
    for row in seed.rows:
        covered.update(row.services)
        cells = [
            _usd(sum(p.get(s, 0.0) for s in row.services)) if any(s in p for s in row.services) else "-"
            for p in per_service
        ]
        rows.append([row.label, *row.seed, *cells])
    others = sorted(
        {s for p in per_service for s, monthly in p.items() if s not in covered and monthly},
        key=lambda s: (-max(p.get(s, 0.0) for p in per_service), s),
    )
    for service in others:
        rows.append(
            [f"{service} (not in the seed's table)" if seed.rows else service, *("-" for _ in seed.seed_columns)]
            + [_usd(p.get(service, 0.0)) for p in per_service]
        )
    rows.append(["**total**", *(f"**{t}**" for t in seed.total), *(f"**{_usd(e.total)}**" for e in estimates)])
    unpriced = sum(len(e.unpriced) for e in estimates)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines.append("")
    free = " --free-tier" if any(f for _, f in seed.stages) else ""
    lines.append(
        f"USD a month, from `specc cost specs/{seed.spec}.yaml --stage <stage> --by-service`"
        + (f" (with `{free.strip()}` where marked)" if free else "")
        + (f"; {unpriced} line(s) not priced." if unpriced else "; every line priced.")
    )
    return "\n".join(lines) + "\n"


def _block(spec: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- specc-cost:{re.escape(spec)} -->\n)(.*?)(<!-- /specc-cost -->)", re.S)


def stale() -> list[str]:
    """Seeds whose table in docs/cost.md differs from what the specs give now."""
    text = DOC.read_text(encoding="utf-8")
    problems = []
    for seed in SEEDS:
        match = _block(seed.spec).search(text)
        if match is None:
            problems.append(f"{seed.spec}: no <!-- specc-cost:{seed.spec} --> block in {DOC}")
        elif match.group(2) != table(seed):
            problems.append(f"{seed.spec}: the table in {DOC} is stale")
    return problems


def update() -> int:
    text = DOC.read_text(encoding="utf-8")
    for seed in SEEDS:
        pattern = _block(seed.spec)
        if pattern.search(text) is None:
            print(f"no <!-- specc-cost:{seed.spec} --> block in {DOC}", file=sys.stderr)
            return 1
        text = pattern.sub(lambda m, s=seed: m.group(1) + table(s) + m.group(3), text)
    DOC.write_text(text, encoding="utf-8")
    print(f"updated {len(SEEDS)} seed table(s) in {DOC}")
    return 0


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    if "--update" not in sys.argv:
        print(__doc__)
        sys.exit(2)
    sys.exit(update())
