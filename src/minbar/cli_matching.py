"""CLI verbs of the fact-check knowledge base and enrichment (registered on ``minbar.cli.app``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from minbar.cli import JsonOpt, UsageError, _emit, _settings, _store, app, err, out

factchecks_app = typer.Typer(no_args_is_help=True, help="The fact-check knowledge base.")
app.add_typer(factchecks_app, name="factchecks")


@factchecks_app.command("import")
def factchecks_import(
    ctx: typer.Context,
    inputs: Annotated[
        list[str], typer.Argument(help="ClaimReview JSON-LD/JSONL/CSV/HTML, directories or URLs.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Import ClaimReview fact-checks; duplicates (url + claim) are skipped."""
    from minbar.matching.auto import reopen_all
    from minbar.matching.factchecks import import_factchecks

    store = _store(ctx)
    report = import_factchecks(store, inputs, _settings(ctx))
    if report.imported:
        reopen_all(store)  # old coverage must be matched against the new checks
    if as_json:
        _emit(report.to_dict())
    else:
        out.print(
            f"imported {report.imported}, duplicates {report.duplicates}, "
            f"errors {len(report.errors)}"
        )
        for e in report.errors[:50]:
            err.print(f"error {e.input}: {e.error}", markup=False, highlight=False)
    raise typer.Exit(1 if report.errors else 0)


@factchecks_app.command("export")
def factchecks_export(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Export every fact-check as a schema.org DataFeed of ClaimReview objects."""
    from minbar.matching.factchecks import export_feed

    feed = export_feed(_store(ctx))
    text = json.dumps(feed, ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {len(feed['dataFeedElement'])} ClaimReviews to {output}")
    else:
        sys.stdout.write(text)


def _batch_lines(path: Path):
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


@app.command()
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
    from minbar.matching.match import Matcher

    if (text is None) == (batch is None):
        raise UsageError("give either TEXT or --batch FILE")
    matcher = Matcher(_store(ctx).engine)
    if batch is not None:
        items = list(_batch_lines(batch))
        for start in range(0, len(items), 64):
            chunk = items[start : start + 64]
            results = matcher.match_many(
                [i["text"] for i in chunk], [i.get("lang") for i in chunk], limit
            )
            for item, found in zip(chunk, results, strict=True):
                sys.stdout.write(
                    json.dumps(
                        {"id": item.get("id"), "matches": [m.to_dict() for m in found]},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        return
    found = matcher.match(text, lang, limit)
    if as_json:
        _emit([m.to_dict() for m in found])
        return
    if not found:
        out.print("no fact-check confidently matches this claim")
        return
    table = Table("score", "rating", "lang", "claim", "url")
    for m in found:
        table.add_row(f"{m.score:.2f}", m.rating, m.lang or "", m.claim, m.url)
    out.print(table)


@app.command()
def matches(
    ctx: typer.Context,
    article: Annotated[int | None, typer.Option(help="Only this article id.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Claims found in monitored articles with the fact-checks they match."""
    from minbar.matching.auto import list_matches

    rows = list_matches(_store(ctx), article)
    if as_json:
        _emit(rows)
        return
    for r in rows:
        out.print(f"[bold]#{r['article_id']}[/] [{r['lang']}] {r['claim']}", highlight=False)
        for m in r["matches"]:
            out.print(
                f"    {m['score']:.2f} {m['rating']} [{m['lang']}] {m['claim']}",
                markup=False,
                highlight=False,
            )
