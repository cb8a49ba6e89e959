"""What every CLI verb shares: the consoles, ``--json``, progress bars, error mapping and the
facade built from the global options.

Verbs are thin: parse options, call one :class:`minbar.Minbar` method, print. Exit codes: 0
success, 1 some inputs failed (the rest was processed), 2 usage error (including unknown ids),
3 unexpected failure.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup
from typer.exceptions import TyperException

from minbar.errors import MinbarError


class UsageError(Exception):
    pass


out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # soft wrap: URLs in messages stay whole

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def exit_code_for(exc: BaseException) -> tuple[int, str] | None:
    """The exit code and message for an error the user should see as a sentence."""
    from minbar.ingest.errors import IngestError

    if isinstance(exc, UsageError):
        return 2, f"minbar: error: {exc}"
    if isinstance(exc, MinbarError):
        return (1 if exc.status in (401, 403, 409, 429) else 2), f"minbar: error: {exc.detail}"
    if isinstance(exc, IngestError):
        return 1, f"minbar: error: {exc}"
    return None


def report(exc: BaseException) -> int:
    """Print ``exc`` as one sentence on stderr and return the exit code (3 and a hint for what
    we did not expect; ``MINBAR_DEBUG=1`` re-raises it for a traceback)."""
    known = exit_code_for(exc)
    if known is None:
        if os.environ.get("MINBAR_DEBUG"):
            raise exc
        known = (
            3,
            f"minbar: unexpected error: {type(exc).__name__}: {exc} "
            "(set MINBAR_DEBUG=1 for a traceback)",
        )
    err.print(known[1], highlight=False, markup=False)
    return known[0]


class Group(TyperGroup):
    """Turns our errors into a message and an exit code inside the command itself, so that the
    contract's exit codes hold however the app is invoked (console script or ``CliRunner``)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as exc:  # the user gets a sentence, not a traceback
            raise typer.Exit(report(exc)) from None


def sub_app(help_text: str) -> typer.Typer:
    return typer.Typer(cls=Group, no_args_is_help=True, help=help_text)


def mb(ctx: typer.Context):
    """The facade for this invocation (one per process, closed when the command ends)."""
    root = ctx.find_root()
    obj = root.obj
    if "mb" not in obj:
        from minbar import Minbar

        obj["mb"] = Minbar(settings=obj["settings"])
        root.call_on_close(obj["mb"].close)
    return obj["mb"]


def settings(ctx: typer.Context):
    return ctx.find_root().obj["settings"]


def emit(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def emit_line(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


@contextmanager
def progress(label: str, enabled: bool):
    """Yield an ``advance(n)`` callback; a rich bar on stderr when it is a terminal."""
    if not (enabled and err.is_terminal):
        yield None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda n: bar.advance(task, n)


def progress_factory(enabled: bool):
    return lambda label: progress(label, enabled)


def batch_lines(path: Path) -> Iterator[dict]:
    """``{"id","text"[,"lang"]}`` lines of a JSONL batch file; a bad line is a usage error."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    raise ValueError("needs a 'text' string")
            except ValueError as exc:
                raise UsageError(f"{path} line {n}: {exc}") from None
            yield obj


def read_text(source: Path | None) -> str:
    if source is None or str(source) == "-":
        if sys.stdin.isatty():
            raise UsageError("give a FILE, or pipe the text on stdin")
        return sys.stdin.read()
    try:
        return source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source}: cannot read as UTF-8 text: {exc}") from None
