"""CLI verbs of the fact-check base and matching: ``factchecks import|export``, ``match``,
``matches``."""

from __future__ import annotations

import json
import sys
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
    err,
    mb,
    out,
    sub_app,
)
from minbar.facade.engine import batches

factchecks_app = sub_app("The fact-check knowledge base.")


@factchecks_app.command("import")
def factchecks_import(
    ctx: typer.Context,
    inputs: Annotated[
        list[str], typer.Argument(help="ClaimReview JSON-LD/JSONL/CSV/HTML, directories or URLs.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Import ClaimReview fact-checks; duplicates (url + claim) are skipped."""
    d = mb(ctx).factchecks_import(inputs)
    if as_json:
        emit(d)
    else:
        out.print(
            f"imported {d['imported']}, duplicates {d['duplicates']}, errors {len(d['errors'])}"
        )
        for e in d["errors"][:50]:
            err.print(f"error {e['input']}: {e['error']}", markup=False, highlight=False)
    raise typer.Exit(1 if d["errors"] else 0)


@factchecks_app.command("export")
def factchecks_export(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export every fact-check as a schema.org DataFeed of ClaimReview objects (JSON always:
    ``--json`` is accepted like on every listing verb)."""
    feed = mb(ctx).factchecks_export()
    text = json.dumps(feed, ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {len(feed['dataFeedElement'])} ClaimReviews to {output}")
    else:
        sys.stdout.write(text)


def match(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="The claim, sentence or article.")] = None,
    lang: Annotated[str | None, typer.Option(help="Language of the text (else detected).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=50)] = 5,
    batch: Annotated[Path | None, typer.Option(help="JSONL lines {id, text[, lang]}.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fact-checks that check the same claim, in any of ar/tr/az/en/ru; [] when none is
    confidently the same."""
    if (text is None) == (batch is None):
        raise UsageError("give either TEXT or --batch FILE")
    facade = mb(ctx)
    if batch is not None:
        for chunk in batches(batch_lines(batch), 64):
            found = facade.match_many(
                [i["text"] for i in chunk], [i.get("lang") for i in chunk], limit
            )
            for item, ms in zip(chunk, found, strict=True):
                emit_line({"id": item.get("id"), "matches": ms})
        return
    found = facade.match(text, lang, limit)
    if as_json:
        emit(found)
        return
    if not found:
        out.print("no fact-check confidently matches this claim")
        return
    table = Table("score", "rating", "lang", "claim", "url")
    for m in found:
        table.add_row(f"{m['score']:.2f}", m["rating"], m["lang"] or "", m["claim"], m["url"])
    out.print(table)


def matches(
    ctx: typer.Context,
    article: Annotated[int | None, typer.Option(help="Only this article id.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Claims found in monitored articles with the fact-checks they match."""
    rows = mb(ctx).matches(article)
    if as_json:
        emit(rows)
        return
    for r in rows:
        out.print(f"[bold]#{r['article_id']}[/] [{r['lang']}] {r['claim']}", highlight=False)
        for m in r["matches"]:
            out.print(
                f"    {m['score']:.2f} {m['rating']} [{m['lang']}] {m['claim']}",
                markup=False,
                highlight=False,
            )
