"""CLI verbs of background work: ``worker``, ``status``, ``backup PATH``, ``restore PATH``.

Plain functions for the app to register (``app.command()(worker)`` …)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from minbar.cli.common import JsonOpt, emit, err, mb, out, settings


def worker(
    ctx: typer.Context,
    concurrency: Annotated[
        int, typer.Option(min=1, help="Worker threads in this process (scale with processes).")
    ] = 1,
) -> None:
    """Run a queue worker on MINBAR_REDIS_URL until stopped: enrichment of queued articles,
    source polling, story consolidation. Start any number, on any machines sharing the
    database and Redis; a killed worker's articles are taken again within two minutes."""
    from minbar.work.worker import require_queue, run_worker

    require_queue(settings(ctx))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    mb(ctx).close()
    err.print(f"minbar: worker with {concurrency} thread(s); Ctrl-C stops")
    run_worker(settings(ctx), concurrency=concurrency)


def status(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """How many articles are stored, enriched, pending and failed."""
    data = mb(ctx).status()
    if as_json:
        emit(data)
        return
    out.print(
        f"articles {data['articles']}, enriched {data['enriched']}, "
        f"pending {data['pending']}, failed {data['failed']}"
    )


def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="New file to write the backup to.")],
    as_json: JsonOpt = False,
) -> None:
    """Copy the embedded database to PATH while minbar keeps running (SQLite online backup).
    PostgreSQL: use pg_dump (docs/deploy.md)."""
    data = mb(ctx).backup(path)
    if as_json:
        emit(data)
        return
    out.print(f"backed up {data['articles']} articles to {data['path']} ({data['bytes']} bytes)")


def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A file written by `minbar backup`.")],
    as_json: JsonOpt = False,
) -> None:
    """Replace the embedded database with the backup at PATH. Stop `minbar serve` and
    `minbar run` first."""
    data = mb(ctx).restore(path)
    if as_json:
        emit(data)
        return
    out.print(f"restored {data['articles']} articles from {data['path']}")
