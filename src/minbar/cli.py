"""The ``minbar`` command: a thin layer of verbs over the library.

Every listing verb takes ``--json`` and then prints exactly one JSON document on stdout. Progress
bars go to stderr, and only when it is a terminal. Exit codes: 0 success, 1 some inputs failed
(the rest was processed), 2 usage error, 3 unexpected failure.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup
from typer.exceptions import TyperException

from minbar.config import Settings
from minbar.ingest.dates import parse_datetime


class UsageError(Exception):
    pass


class _Group(TyperGroup):
    """Turns our errors into a message and an exit code inside the command itself, so that the
    contract's exit codes hold however the app is invoked (console script or ``CliRunner``)."""

    def invoke(self, ctx):
        from minbar.ingest.errors import IngestError

        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except UsageError as exc:
            code, msg = 2, f"minbar: error: {exc}"
        except IngestError as exc:
            code, msg = 1, f"minbar: error: {exc}"
        except Exception as exc:  # the user gets a sentence, not a traceback
            if os.environ.get("MINBAR_DEBUG"):
                raise
            code = 3
            msg = (
                f"minbar: unexpected error: {type(exc).__name__}: {exc} "
                "(set MINBAR_DEBUG=1 for a traceback)"
            )
        err.print(msg, highlight=False, markup=False)
        raise typer.Exit(code)


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help=__doc__.split("\n")[0],
)
sources_app = typer.Typer(no_args_is_help=True, help="The registry of polled feeds and pages.")
app.add_typer(sources_app, name="sources")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # soft wrap: URLs in messages stay whole

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj["settings"]


def _store(ctx: typer.Context):
    from minbar.store.repository import Store

    return Store.open(_settings(ctx))


def _emit(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def _progress(label: str, enabled: bool):
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


def _date(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        raise UsageError(f"{name}: not a date: {value!r} (use e.g. 2026-11-20)") from None


@app.callback()
def main_callback(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir", envvar="MINBAR_DATA_DIR", help="Where the embedded database lives."
        ),
    ] = None,
) -> None:
    """minbar: multilingual media monitoring (ar, tr, az, en, ru)."""
    ctx.obj = {"settings": Settings.from_env(data_dir)}


@app.command()
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
    from minbar.ingest.pipeline import ingest as run_ingest

    store = _store(ctx)
    with _progress("ingest", not as_json) as advance:
        report = run_ingest(store, inputs, _settings(ctx), progress=advance, source=source)
    enriched = None
    if enrich:
        from minbar.enrichment import enrich as run_enrich

        enriched = run_enrich(store, progress=lambda label: _progress(label, not as_json))
        report.errors.extend(enriched.errors)
    if as_json:
        _emit({**report.to_dict(), **({"enrich": enriched.to_dict()} if enriched else {})})
    else:
        out.print(
            f"ingested [bold]{report.ingested}[/], duplicates {report.duplicates}, "
            f"near-duplicates {report.near_duplicates}, errors {len(report.errors)}"
        )
        if enriched:
            out.print(
                f"enriched {enriched.enriched} articles: {enriched.quotes} quotes, "
                f"{enriched.checkworthy} check-worthy sentences"
            )
        for e in report.errors[:50]:
            err.print(f"[red]error[/] {e.input}: {e.error}", markup=True, highlight=False)
    raise typer.Exit(1 if report.errors else 0)


@app.command()
def search(
    ctx: typer.Context,
    query: str,
    lang: Annotated[
        str | None, typer.Option(help="Only this language (ar, tr, az, en, ru…).")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only this source (name).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (ISO date).")] = None,
    until: Annotated[str | None, typer.Option(help="Published before (ISO date).")] = None,
    mode: Annotated[
        str,
        typer.Option(
            help="text (BM25 over normalised text), semantic (e5 vectors, any "
            "language) or hybrid (both, fused by reciprocal rank)."
        ),
    ] = "text",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Search stored articles the way Arabic, Turkish and Azerbaijani readers type."""
    from minbar.store.search import Filters

    if mode not in ("text", "semantic", "hybrid"):
        raise UsageError(f"--mode {mode}: choose text, semantic or hybrid")
    filters = Filters(
        lang=lang.strip().lower() if lang else None,  # stored codes are lowercase
        source=source,
        since=_date(since, "--since"),
        until=_date(until, "--until"),
        limit=limit,
    )
    store = _store(ctx)
    if mode == "text":
        hits = store.search(query, filters)
    else:
        from minbar.analysis import article_vectors as av

        pending = av.count_pending(store)
        if pending:
            err.print(f"note: {pending} articles have no vector yet; `minbar enrich` adds them")
        search_fn = av.search_semantic if mode == "semantic" else av.search_hybrid
        hits = search_fn(store, query, filters)
    if as_json:
        _emit([h.to_dict() for h in hits])
        return
    table = Table("id", "lang", "source", "published", "title", "score")
    for h in hits:
        table.add_row(
            str(h.id),
            h.lang or "",
            h.source or "",
            h.published.strftime("%Y-%m-%d %H:%M") if h.published else "",
            h.title,
            f"{h.score:.2f}",
        )
    out.print(table)


@app.command()
def article(ctx: typer.Context, article_id: int, as_json: JsonOpt = False) -> None:
    """Show one stored article and its copies."""
    store = _store(ctx)
    art = store.article(article_id)
    if art is None:
        raise UsageError(f"no article with id {article_id}")
    data = art.to_dict() | {"copies": store.copies_of(article_id)}
    if as_json:
        _emit(data)
        return
    out.print(f"[bold]{art.title}[/]\n{art.source} · {art.lang} · {art.published} · {art.url}\n")
    out.print(art.text, markup=False, highlight=False)
    if art.duplicate_of:
        out.print(
            f"\n{art.dup_kind} copy of #{art.duplicate_of} (similarity {art.dup_similarity:.2f})"
        )
    if data["copies"]:
        out.print(f"\ncopies: {data['copies']}")


@app.command("log")
def ingest_log(
    ctx: typer.Context,
    errors: bool = False,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The ingest log: every input, its outcome and error."""
    rows = _store(ctx).recent_log(limit, errors_only=errors)
    if as_json:
        _emit(rows)
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


@app.command()
def reindex(ctx: typer.Context) -> None:
    """Rebuild the derived indexes: full text of articles and fact-checks, and any missing
    vectors (fact-check claims; articles are embedded by `minbar enrich`)."""
    from minbar.matching.factchecks import embed_missing

    store = _store(ctx)
    n = store.rebuild_index()
    vectors = embed_missing(store)
    out.print(f"reindexed {n} articles; embedded {vectors} fact-checks that had no vector")


@sources_app.command("add")
def sources_add(
    ctx: typer.Context,
    url: str,
    name: Annotated[str | None, typer.Option(help="Display name (default: the URL).")] = None,
    every: Annotated[str, typer.Option(help="Polling interval: 15m, 1h, 1d…")] = "15m",
    as_json: JsonOpt = False,
) -> None:
    """Register a feed (or page) to poll with ``minbar run``."""
    from minbar.ingest.errors import IngestError
    from minbar.ingest.safety import FetchPolicy, check_url
    from minbar.store.sources import add_source, parse_every

    try:
        seconds = parse_every(every)
    except ValueError as exc:
        raise UsageError(f"--every: {exc}") from None
    settings = _settings(ctx)
    try:
        check_url(url, FetchPolicy(allow_hosts=settings.allow_hosts))
    except IngestError as exc:
        raise UsageError(f"cannot add {exc}") from None
    try:
        src = add_source(
            _store(ctx).engine, url, name=name, every_seconds=seconds, now=datetime.now(UTC)
        )
    except ValueError as exc:
        raise UsageError(f"--name: {exc}") from None
    if as_json:
        _emit(src.to_dict())
    else:
        out.print(f"source #{src.id} {src.name}: every {seconds // 60} min")


@sources_app.command("list")
def sources_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Registered sources with their last poll."""
    from minbar.store.sources import list_sources

    rows = list_sources(_store(ctx).engine, polled_only=True)
    if as_json:
        _emit([s.to_dict() for s in rows])
        return
    table = Table("id", "name", "url", "every", "last polled", "status", "next due")
    for s in rows:
        table.add_row(
            str(s.id),
            s.name,
            s.url or "",
            f"{(s.every_seconds or 0) // 60}m",
            s.last_polled_at.isoformat()[:19] if s.last_polled_at else "-",
            s.last_status or "-",
            s.next_due_at.isoformat()[:19] if s.next_due_at else "-",
        )
    out.print(table)


@app.command()
def run(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Poll what is due now, then exit.")] = False,
    workers: Annotated[int, typer.Option(min=1)] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Poll due sources on their schedule (Huey periodic task) until stopped."""
    settings = _settings(ctx)
    if once:
        from minbar.ingest.poll import poll_due

        report = poll_due(_store(ctx), settings)
        if as_json:
            _emit(report.to_dict())
        else:
            out.print(
                f"ingested {report.ingested}, duplicates {report.duplicates}, "
                f"errors {len(report.errors)}"
            )
        raise typer.Exit(1 if report.errors else 0)
    from minbar.tasks import run_consumer

    _store(ctx).close()  # migrate before the consumer starts
    err.print("minbar: polling sources every minute; Ctrl-C stops")
    run_consumer(settings, workers=workers)


@app.command()
def demo(
    ctx: typer.Context,
    as_json: JsonOpt = False,
) -> None:
    """Load the bundled sample corpus into a fresh data dir and show what was found."""
    from minbar import demo as demo_corpus
    from minbar.store.repository import Store

    base = _settings(ctx)
    explicit = ctx.parent is not None and ctx.parent.params.get("data_dir") is not None
    target = base.data_dir if explicit else base.data_dir / "demo"
    marker = target / ".minbar-demo"
    if target.exists() and any(target.iterdir()):
        if not marker.exists():
            raise UsageError(
                f"{target} is not empty and holds no earlier demo; "
                "give the demo an empty --data-dir"
            )
        shutil.rmtree(target)
    settings = Settings(data_dir=target, allow_hosts=base.allow_hosts)
    target.mkdir(parents=True, exist_ok=True)
    marker.write_text("created by `minbar demo`; the demo wipes this directory when re-run\n")
    store = Store.open(settings)
    result = demo_corpus.run_demo(
        store, settings, progress=lambda label: _progress(label, not as_json)
    )
    if as_json:
        _emit(result)
        return
    report = result["ingest"]
    out.print(f"[bold]minbar demo[/] loaded into {settings.data_dir}")
    out.print(
        f"articles: {result['articles']}  (ingested {report['ingested']}, exact copies "
        f"{report['duplicates']}, near-duplicates {report['near_duplicates']}, "
        f"errors {len(report['errors'])})"
    )
    out.print("by language: " + ", ".join(f"{k} {v}" for k, v in result["languages"].items()))
    table = Table("source", "articles")
    for name, n in result["sources"].items():
        table.add_row(name, str(n))
    out.print(table)
    out.print(
        f"copy groups: {result['copy_groups']} originals with "
        f"{result['exact_copies'] + result['near_copies']} copies"
    )
    out.print(
        f"fact-checks imported: {result['factchecks']['imported']}; claims in articles matched "
        f"to a fact-check: {result['matched_claims']} "
        f"({result['matched_across_languages']} across languages)"
    )
    for m in result["sample_matches"]:
        out.print(
            f"\n[bold]claim[/] #{m['article_id']} [{m['lang']}] {m['claim']}", highlight=False
        )
        for f in m["matches"][:2]:
            out.print(
                f"  → {f['rating']} ({f['verdict']}, {f['lang']}, score {f['score']:.2f}): "
                f"{f['claim']}",
                markup=False,
                highlight=False,
            )
    out.print(f"\n[bold]stories[/]: {result['stories']}; the largest:")
    for st in result["top_stories"]:
        out.print(
            f"  #{st['id']} {st['article_count']} articles in {', '.join(st['languages'])}: "
            f"{st['title']}",
            markup=False,
            highlight=False,
        )
    if result["top_entities"]:
        out.print(
            "\n[bold]most covered[/]: "
            + ", ".join(f"{e['canonical']} ({e['articles']})" for e in result["top_entities"]),
            highlight=False,
        )
    for q in result["sample_quotes"]:
        out.print(f"[bold]quote[/] [{q['lang']}] {q['speaker']}: “{q['quote']}”", highlight=False)
    for q, hits in result["sample_search"].items():
        out.print(f"\n[bold]search[/] {q!r}")
        for h in hits:
            out.print(f"  #{h['id']} [{h['lang']}] {h['source']}: {h['title']}", markup=False)
    out.print(
        f"\nTry: minbar --data-dir {settings.data_dir} search 'Türkiye'  |  "
        f"minbar --data-dir {settings.data_dir} match '5G masts spread the virus'  |  "
        f"minbar --data-dir {settings.data_dir} stories --sort velocity  |  "
        f"minbar --data-dir {settings.data_dir} quotes --speaker 'Karataş'"
    )


def main() -> None:
    from minbar.ingest.errors import IngestError

    try:
        app()  # standalone: click-level usage errors print themselves and exit 2
    except UsageError as exc:
        err.print(f"minbar: error: {exc}", highlight=False)
        sys.exit(2)
    except IngestError as exc:
        err.print(f"minbar: error: {exc}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("minbar: aborted")
        sys.exit(130)
    except Exception as exc:  # the user gets a sentence, not a traceback
        if os.environ.get("MINBAR_DEBUG"):
            raise
        err.print(
            f"minbar: unexpected error: {type(exc).__name__}: {exc} "
            "(set MINBAR_DEBUG=1 for a traceback)",
            highlight=False,
        )
        sys.exit(3)


# Verbs of later stages live in their own modules and register themselves on ``app``.
import minbar.cli_analysis  # noqa: E402, F401
import minbar.cli_matching  # noqa: E402, F401
import minbar.cli_stories  # noqa: E402, F401
