"""CLI verbs of the analysis stage: ``analyze``, ``enrich``, ``quotes`` and ``entities``
(registered on ``minbar.cli.app``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from minbar.cli import JsonOpt, UsageError, _emit, _progress, _store, app, err, out
from minbar.cli_matching import _batch_lines

entities_app = typer.Typer(no_args_is_help=True, help="Named entities: user lists and counts.")
app.add_typer(entities_app, name="entities")


def _read_text(source: Path | None) -> str:
    if source is None or str(source) == "-":
        if sys.stdin.isatty():
            raise UsageError("give a FILE, or pipe the text on stdin")
        return sys.stdin.read()
    try:
        return source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source}: cannot read as UTF-8 text: {exc}") from None


@app.command()
def analyze(
    ctx: typer.Context,
    source: Annotated[Path | None, typer.Argument(help="A text file, or - / stdin.")] = None,
    lang: Annotated[str | None, typer.Option(help="Language of the text (else detected).")] = None,
    batch: Annotated[Path | None, typer.Option(help="JSONL lines {id, text[, lang]}.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Analyse text that is not in the store: sentences, entities, quotes and a check-worthiness
    score for every sentence. Stateless: nothing is written."""
    from minbar.analysis.analyze import analyze_texts
    from minbar.analysis.entities import get_recognizer
    from minbar.store.analysis import load_entity_defs

    if batch is not None and source is not None:
        raise UsageError("give either FILE or --batch FILE.jsonl, not both")
    # User-defined entities are used when a store exists already; analyze never creates one.
    settings = ctx.obj["settings"]
    defs = load_entity_defs(_store(ctx)) if settings.store_exists() else []
    recognizer = get_recognizer(tuple(defs))
    if batch is not None:
        items = list(_batch_lines(batch))
        for start in range(0, len(items), 32):
            chunk = items[start : start + 32]
            found = analyze_texts(
                [i["text"] for i in chunk],
                [i.get("lang") or lang for i in chunk],
                recognizer=recognizer,
            )
            for item, a in zip(chunk, found, strict=True):
                line = {"id": item.get("id"), **a.to_dict()}
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        return
    text = _read_text(source)
    if not text.strip():
        raise UsageError(f"{source or 'stdin'}: the text is empty")
    result = analyze_texts([text], [lang], recognizer=recognizer)[0].to_dict()
    if as_json:
        _emit(result)
        return
    out.print(f"language: {result['lang']}; {len(result['sentences'])} sentences")
    if result["entities"]:
        out.print(
            "entities: "
            + ", ".join(f"{e['text']} ({e['type']}: {e['canonical']})" for e in result["entities"]),
            markup=False,
        )
    for q in result["quotes"]:
        out.print(f"{q['speaker'] or '?'} ({q['kind']}): {q['quote']}", markup=False)
    table = Table("score", "check", "sentence")
    for c in result["claims"]:
        table.add_row(f"{c['score']:.2f}", "✔" if c["checkworthy"] else "", c["text"])
    out.print(table)


@app.command()
def enrich(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Run whatever enrichment is pending for stored articles: article vectors, analysis
    (sentences, check-worthy claims, entities, quotes), stories and fact-check matching."""
    from minbar.enrichment import enrich as run_enrich

    result = run_enrich(_store(ctx), progress=lambda label: _progress(label, not as_json))
    if as_json:
        _emit(result.to_dict())
    else:
        d = result.to_dict()
        out.print(
            f"enriched {result.enriched} articles — stages: "
            + ", ".join(f"{k} {v}" for k, v in d["stages"].items())
            + f"; {result.quotes} quotes, {result.checkworthy} check-worthy sentences, "
            f"{result.matched_sentences} sentences matched fact-checks"
        )
        for e in result.errors[:50]:
            err.print(f"error {e.input}: {e.error}", markup=False, highlight=False)
    raise typer.Exit(1 if result.errors else 0)


@app.command()
def quotes(
    ctx: typer.Context,
    article: Annotated[int | None, typer.Option(help="Only this article id.")] = None,
    speaker: Annotated[
        str | None, typer.Option(help="Speaker name in any script, or part of it.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 1000,
    as_json: JsonOpt = False,
) -> None:
    """Who said what: stored quotes, newest articles first."""
    from minbar.store.analysis import list_quotes

    rows = list_quotes(_store(ctx), article, speaker, limit)
    if as_json:
        _emit(rows)
        return
    for r in rows:
        out.print(
            f"#{r['article_id']} [{r['lang']}] {r['speaker'] or '?'} ({r['kind']}): {r['quote']}",
            markup=False,
            highlight=False,
        )


@entities_app.command("import")
def entities_import(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="CSV (canonical,type,aliases) or YAML list.")],
    as_json: JsonOpt = False,
) -> None:
    """Add user-defined entities (people, organisations, places) with aliases in any script;
    every stored article is re-analysed on the next ``minbar enrich``."""
    from minbar.analysis.entities import parse_entity_file
    from minbar.store.analysis import save_entity_defs

    try:
        defs = parse_entity_file(path)
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    result = save_entity_defs(_store(ctx), defs)
    if as_json:
        _emit(result)
    else:
        out.print(f"entities added {result['added']}, updated {result['updated']}")


@entities_app.command("list")
def entities_list(
    ctx: typer.Context,
    article: Annotated[int | None, typer.Option(help="Only this article id.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The most mentioned entities (by number of articles), across languages and scripts."""
    from minbar.store.analysis import top_entities

    rows = top_entities(_store(ctx), [article] if article is not None else None, limit)
    if as_json:
        _emit(rows)
        return
    table = Table("articles", "type", "entity")
    for r in rows:
        table.add_row(str(r["articles"]), r["type"], r["canonical"])
    out.print(table)
