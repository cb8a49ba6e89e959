"""CLI verbs that bring articles in and keep them enriched: ``ingest``, ``enrich``, ``log``,
``reindex``, ``sources add|list`` and ``run``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from minbar.cli.common import JsonOpt, emit, err, mb, out, progress, progress_factory, settings


def ingest(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="Files, directories or http(s) URLs.")],
    source: Annotated[str | None, typer.Option(help="Source name for records without one.")] = None,
    enrich: Annotated[
        bool,
        typer.Option(
            "--enrich/--no-enrich",
            help="Also run the enrichment stages (analysis, stories, matching) now.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Ingest RSS/Atom, HTML pages, JSONL/CSV/JSON records, directories and URLs."""
    with progress("ingest", not as_json) as advance:
        data = mb(ctx).ingest(
            inputs,
            source=source,
            enrich=enrich,
            progress=advance,
            enrich_progress=progress_factory(not as_json),
        )
    if as_json:
        emit(data)
    else:
        out.print(
            f"ingested [bold]{data['ingested']}[/], duplicates {data['duplicates']}, "
            f"near-duplicates {data['near_duplicates']}, errors {len(data['errors'])}"
        )
        if "queued" in data:
            out.print(f"queued {data['queued']} articles for the workers")
        if "enrich" in data:
            e = data["enrich"]
            out.print(
                f"enriched {e['enriched']} articles: {e['quotes']} quotes, "
                f"{e['checkworthy_sentences']} check-worthy sentences"
            )
        for e in data["errors"][:50]:
            err.print(f"[red]error[/] {e['input']}: {e['error']}", markup=True, highlight=False)
    raise typer.Exit(1 if data["errors"] else 0)


def enrich(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Run whatever enrichment is pending for stored articles: article vectors, analysis
    (sentences, check-worthy claims, entities, quotes), stories and fact-check matching."""
    d = mb(ctx).enrich(progress=progress_factory(not as_json))
    if as_json:
        emit(d)
    else:
        out.print(
            f"enriched {d['enriched']} articles — stages: "
            + ", ".join(f"{k} {v}" for k, v in d["stages"].items())
            + f"; {d['quotes']} quotes, {d['checkworthy_sentences']} check-worthy sentences, "
            f"{d['matched_sentences']} sentences matched fact-checks"
        )
        for e in d["errors"][:50]:
            err.print(f"error {e['input']}: {e['error']}", markup=False, highlight=False)
    raise typer.Exit(1 if d["errors"] else 0)


def ingest_log(
    ctx: typer.Context,
    errors: bool = False,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The ingest log: every input, its outcome and error."""
    rows = mb(ctx).ingest_log(errors_only=errors, limit=limit)
    if as_json:
        emit(rows)
        return
    table = Table("at", "input", "outcome", "new", "dup", "near", "error")
    for r in rows:
        table.add_row(
            r["at"][:19],
            r["input"],
            r["outcome"],
            str(r["ingested"]),
            str(r["duplicates"]),
            str(r["near_duplicates"]),
            (r["error"] or "")[:120],
        )
    out.print(table)


def reindex(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Rebuild the derived indexes: full text of articles and fact-checks, and any missing
    vectors (fact-check claims; articles are embedded by `minbar enrich`)."""
    d = mb(ctx).reindex()
    if as_json:
        emit(d)
    else:
        out.print(
            f"reindexed {d['articles']} articles; embedded {d['factcheck_vectors']} fact-checks "
            "that had no vector"
        )


def sources_add(
    ctx: typer.Context,
    url: str,
    name: Annotated[str | None, typer.Option(help="Display name (default: the URL).")] = None,
    every: Annotated[str, typer.Option(help="Polling interval: 15m, 1h, 1d…")] = "15m",
    as_json: JsonOpt = False,
) -> None:
    """Register a feed (or page) to poll with ``minbar run``."""
    from minbar.auth import Actor

    src = mb(ctx).add_source(url, name=name, every=every, actor=Actor.system("cli"))
    if as_json:
        emit(src)
    else:
        out.print(f"source #{src['id']} {src['name']}: every {src['every'] // 60} min")


def sources_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Registered sources with their last poll."""
    rows = mb(ctx).sources()
    if as_json:
        emit(rows)
        return
    table = Table("id", "name", "url", "every", "last polled", "status", "next due")
    for s in rows:
        table.add_row(
            str(s["id"]),
            s["name"],
            s["url"] or "",
            f"{(s['every'] or 0) // 60}m",
            (s["last_polled_at"] or "-")[:19],
            s["last_status"] or "-",
            (s["next_due_at"] or "-")[:19],
        )
    out.print(table)


def run(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Poll what is due now, then exit.")] = False,
    workers: Annotated[int, typer.Option(min=1)] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Poll due sources on their schedule (Huey periodic task) until stopped."""
    facade = mb(ctx)
    if once:
        d = facade.poll_once()
        if as_json:
            emit(d)
        else:
            out.print(
                f"ingested {d['ingested']}, duplicates {d['duplicates']}, errors {len(d['errors'])}"
            )
        raise typer.Exit(1 if d["errors"] else 0)
    from minbar.tasks import run_consumer

    facade.store  # noqa: B018  migrate before the consumer starts
    facade.close()
    err.print("minbar: polling sources every minute; Ctrl-C stops")
    run_consumer(settings(ctx), workers=workers)
