"""``minbar demo`` (the bundled corpus, enriched, then served with demo accounts) and
``minbar serve`` (the web UI and REST API)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from minbar.cli.common import JsonOpt, emit, err, mb, out, progress_factory, settings

HostOpt = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOpt = Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")]


def demo(
    ctx: typer.Context,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Open the web UI on the demo data afterwards (default; --json never serves).",
        ),
    ] = True,
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    as_json: JsonOpt = False,
) -> None:
    """Load the bundled sample corpus into a fresh data dir, show what was found, then serve it."""
    from dataclasses import replace

    from minbar import Minbar
    from minbar.facade.engine import prepare_demo_dir

    base = settings(ctx)
    explicit = ctx.find_root().params.get("data_dir") is not None
    target = base.data_dir if explicit else base.data_dir / "demo"
    prepare_demo_dir(target)
    demo_settings = replace(base, data_dir=target, database_url=None)
    facade = Minbar(settings=demo_settings)
    ctx.call_on_close(facade.close)
    result = facade.run_demo(progress=progress_factory(not as_json))
    accounts = facade.demo_accounts() if hasattr(facade, "demo_accounts") else []
    if accounts:
        result["accounts"] = accounts
    if as_json:
        emit(result)
        return
    print_report(result, str(target))
    if serve:
        _serve(facade, host, port, accounts)
    elif accounts:
        out.print(f"\n[bold]accounts[/] (for `minbar --data-dir {target} serve`):")
        _print_accounts(accounts)


def print_report(result: dict, where: str) -> None:
    report = result["ingest"]
    out.print(f"[bold]minbar demo[/] loaded into {where}")
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
        f"\nTry: minbar --data-dir {where} search 'Türkiye'  |  "
        f"minbar --data-dir {where} match '5G masts spread the virus'  |  "
        f"minbar --data-dir {where} stories --sort velocity  |  "
        f"minbar --data-dir {where} quotes --speaker 'Karataş'"
    )


def _serve(
    facade, host: str, port: int, accounts: list[dict], worker: bool = True, processes: int = 1
) -> None:
    from minbar.web.serve import serve

    out.print(f"\n[bold]web UI[/]: http://{host}:{port}/  (Ctrl-C stops)")
    _print_accounts(accounts)
    serve(facade, host=host, port=port, worker=worker, processes=processes)


def _print_accounts(accounts: list[dict]) -> None:
    for a in accounts:
        out.print(
            f"  {a['role']:<16} {a['email']:<26} password: {a['password']}",
            markup=False,
            highlight=False,
        )


def serve_cmd(
    ctx: typer.Context,
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    no_worker: Annotated[
        bool,
        typer.Option(
            "--no-worker", help="Do not run polling, enrichment and alert delivery in-process."
        ),
    ] = False,
    processes: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes (one Python process serves one request at a time; about one "
            "per core).",
        ),
    ] = 1,
) -> None:
    """Serve the web UI at / and the REST API at /api/v1/."""
    err.print(f"minbar: serving on http://{host}:{port}/ (Ctrl-C stops)")
    _serve(mb(ctx), host, port, [], worker=not no_worker, processes=processes)
