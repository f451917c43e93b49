"""Helpers shared by the CLI commands: the traceback guard and diagnostic printing."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..errors import ISSUE_TRACKER, Diagnostic

FORMATS = click.Choice(["text", "json"])


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    """No Python traceback ever reaches a user: a bug is reported as a bug, with where to report it."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `specc ... | head`: the reader stopped reading; not a bug
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as exc:  # the last line of defence
            where = traceback.extract_tb(exc.__traceback__)[-1]
            click.echo(
                f"specc: internal error: {type(exc).__name__}: {exc}\n"
                f"  at {Path(where.filename).name}:{where.lineno} in {where.name}\n"
                f"This is a bug in specc {__version__}, not in your spec. Please report it at {ISSUE_TRACKER} "
                "with the spec that caused it.",
                err=True,
            )
            sys.exit(3)

    return wrapper


def _print_diagnostics(diagnostics: list[Diagnostic], fmt: str, extra: dict[str, Any] | None = None) -> None:
    if fmt == "json":
        click.echo(
            json.dumps(
                {"ok": not diagnostics, "errors": [d.to_json() for d in diagnostics], **(extra or {})},
                indent=2,
            )
        )
    else:
        for diagnostic in diagnostics:
            click.echo(diagnostic.format(), err=True)
        if diagnostics:
            files = len({d.file for d in diagnostics})
            click.echo(f"{len(diagnostics)} error(s) in {files} file(s)", err=True)
