"""specc init: a new spec and its code, ready to compile and lint clean at once."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from ..console import Console, quiet_option
from ._common import FORMATS, _guard

#: --kind -> (what it is, the files it writes besides the schema)
KINDS = {
    "serverless-api": "an HTTP API on Lambda with a DynamoDB table and email sign-in (auth, http_api, function, table)",
    "static-site": "a static website on a private S3 bucket behind CloudFront (static_site)",
    "container-service": "a container service on ECS Fargate behind an HTTPS load balancer (network, "
    "container_cluster, service, load_balancer, dns_zone, log_bucket)",
}
SCHEMA_FILE = Path("schemas/specc.schema.json")
_NAME = re.compile(r"^[a-z][a-z0-9]*([-_][a-z0-9]+)*$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def scaffold_files(name: str, kind: str, region: str, domain: str) -> dict[Path, str]:
    """The files ``specc init`` writes (relative paths -> text), from compiler/scaffold/<kind>/."""
    from importlib.resources import files

    root = files("compiler").joinpath("scaffold", kind)
    zone = domain.split(".", 1)[1] if domain.count(".") >= 2 else domain
    tokens = {"__NAME__": name, "__REGION__": region, "__DOMAIN_ZONE__": zone, "__DOMAIN__": domain}
    out: dict[Path, str] = {}

    def walk(node, parts: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name == "__pycache__":
                continue
            if child.is_dir():
                walk(child, (*parts, child.name))
                continue
            text = child.read_text(encoding="utf-8")
            relative = "/".join((*parts, child.name))
            for token, value in tokens.items():
                text = text.replace(token, value)
                relative = relative.replace(token, value)
            out[Path(relative)] = text

    walk(root, ())
    return out


@click.command()
@click.argument("name")
@click.option(
    "--kind",
    type=click.Choice(list(KINDS)),
    default="serverless-api",
    show_default=True,
    help="What to start from.",
)
@click.option("--dir", "directory", default=".", show_default=True, help="The project directory to write into.")
@click.option("--region", default="us-east-1", show_default=True, help="The system's AWS region.")
@click.option("--domain", help="container-service: the load balancer's domain name (default: NAME.example.com).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@quiet_option
@_guard
def init(name: str, kind: str, directory: str, region: str, domain: str | None, fmt: str, quiet: bool) -> None:
    """Start a system: write specs/NAME.yaml and its code, which compile and lint clean as they are.

    Never overwrites a file: if one of them exists, nothing is written. The spec's first line points
    your editor at the JSON Schema (schemas/specc.schema.json, written unless it exists).

    \b
    Kinds:
      serverless-api     HTTP API + Lambda + DynamoDB + Cognito sign-in, handlers/NAME/api/index.mjs
      static-site        S3 + CloudFront, site/NAME/index.html
      container-service  VPC + ECS Fargate + HTTPS load balancer (give --domain)

    \b
    Example:
      specc init todo
      specc init shop-site --kind static-site --region eu-west-1
    """
    from ..spec import REGIONS

    console = Console(quiet=quiet)
    if not _NAME.match(name) or len(name) > 48:
        raise click.BadParameter(
            "use lower-case letters, digits, '-' or '_', starting with a letter (at most 48)", param_hint="NAME"
        )
    if region not in REGIONS:
        raise click.BadParameter(f"not a region specc knows; regions are: {', '.join(REGIONS)}", param_hint="--region")
    domain = (domain or f"{name.replace('_', '-')}.example.com").lower().rstrip(".")
    if not _DOMAIN.match(domain):
        raise click.BadParameter(f"{domain!r} is not a domain name", param_hint="--domain")
    base = Path(directory)
    planned = scaffold_files(name, kind, region, domain)
    existing = sorted(str(base / p) for p in planned if (base / p).exists())
    if existing:
        message = "refusing to overwrite existing files (nothing was written): " + ", ".join(existing)
        if fmt == "json":
            click.echo(json.dumps({"ok": False, "error": message, "existing": existing}, indent=2))
        else:
            console.error(f"specc: {message}")
        sys.exit(1)
    from ..schema import schema_text

    written: list[str] = []
    for relative, text in planned.items():
        target = base / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:  # "x": never replaces a file
            handle.write(text)
        written.append(str(target))
    schema_target = base / SCHEMA_FILE
    kept_schema = schema_target.exists()
    if not kept_schema:
        schema_target.parent.mkdir(parents=True, exist_ok=True)
        schema_target.write_text(schema_text(), encoding="utf-8")
        written.append(str(schema_target))
    spec = str(Path("specs") / f"{name}.yaml")
    steps = [
        f"specc validate {spec}",
        f"specc compile {spec}",
        f"specc lint output/{name}",
        f"specc diagram {spec}",
        f"specc cost {spec}",
    ]
    if fmt == "json":
        click.echo(json.dumps({"ok": True, "kind": kind, "written": written, "next": steps}, indent=2))
        return
    for path in written:
        console.out(f"wrote {path}")
    if kept_schema:
        console.note(f"kept {schema_target} (refresh it with: specc schema --out {SCHEMA_FILE})")
    where = f"cd {directory} && " if directory != "." else ""
    console.note(f"\n{name}: {KINDS[kind]}. Next:")
    for step in steps:
        console.note(f"  {where}{step}")
