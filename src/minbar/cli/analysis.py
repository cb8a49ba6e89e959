"""CLI verbs of the analysis stage: ``analyze``, ``quotes`` and ``entities import|list``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from minbar.cli.common import (
    JsonOpt,
    UsageError,
    batch_lines,
    emit,
    emit_line,
    mb,
    out,
    read_text,
    sub_app,
)
from minbar.facade.engine import batches

entities_app = sub_app("Named entities: user lists and counts.")


def analyze(
    ctx: typer.Context,
    source: Annotated[Path | None, typer.Argument(help="A text file, or - / stdin.")] = None,
    lang: Annotated[str | None, typer.Option(help="Language of the text (else detected).")] = None,
    batch: Annotated[Path | None, typer.Option(help="JSONL lines {id, text[, lang]}.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Analyse text that is not in the store: sentences, entities, quotes and a check-worthiness
    score for every sentence. Stateless: nothing is written."""
    if batch is not None and source is not None:
        raise UsageError("give either FILE or --batch FILE.jsonl, not both")
    facade = mb(ctx)
    if batch is not None:
        for chunk in batches(batch_lines(batch), 32):
            found = facade.analyze_many(
                [i["text"] for i in chunk], [i.get("lang") or lang for i in chunk]
            )
            for item, a in zip(chunk, found, strict=True):
                emit_line({"id": item.get("id"), **a})
        return
    text = read_text(source)
    if not text.strip():
        raise UsageError(f"{source or 'stdin'}: the text is empty")
    result = facade.analyze(text, lang)
    if as_json:
        emit(result)
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
    rows = mb(ctx).quotes(article, speaker, limit)
    if as_json:
        emit(rows)
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
    result = mb(ctx).import_entities(path)
    if as_json:
        emit(result)
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
    rows = mb(ctx).entities(article, limit)
    if as_json:
        emit(rows)
        return
    table = Table("articles", "type", "entity")
    for r in rows:
        table.add_row(str(r["articles"]), r["type"], r["canonical"])
    out.print(table)
