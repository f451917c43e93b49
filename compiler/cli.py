"""The ``specc`` command line. Thin: each command lives in ``compiler/commands/<name>.py``, parses
options, calls ``compiler.api`` and prints. Commands are imported only when run, so ``specc``
starts fast and a command's heavy dependencies (cfn-lint, boto3) cost nothing elsewhere.

Exit status: 0 ok, 1 spec or lint errors, 2 usage errors (click's own), 3 internal error (a bug).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import click

# specc's models use no pydantic plugins, and looking for them reads the metadata of every installed
# distribution: about 0.1 s of a 0.5 s `specc compile`. A value the user set wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from . import __version__

#: name -> "module:attribute" under compiler.commands. Adding a command adds one line here.
COMMANDS: dict[str, str] = {
    "validate": "validate:validate",
    "compile": "compile:compile_command",
    "lint": "lint:lint",
    "schema": "schema:schema",
    "diff": "diff:diff",
    "reference": "reference:reference",
    "diagram": "diagram:diagram",
    "explain": "explain:explain",
    "check": "check:check",
    "init": "init:init",
    "cost": "cost:cost",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        module = importlib.import_module(f"compiler.commands.{module_name}")
        command: Any = getattr(module, attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="specc")
def main() -> None:
    """specc: compile one YAML spec of a whole AWS system into CloudFormation.

    \b
    Example:
      specc validate specs/kefir.yaml
      specc compile specs/kefir.yaml            # output/kefir/dev.yaml, output/kefir/prod.yaml
      specc lint output/
    """


if __name__ == "__main__":
    main()
