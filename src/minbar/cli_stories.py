"""CLI verbs of the stories stage (registered on ``minbar.cli.app``): ``stories`` and ``story``.

Listing never clusters: ``minbar enrich`` (and the scheduler) assign new articles to stories.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from minbar.cli import JsonOpt, UsageError, _date, _emit, _store, app, err, out

SORTS = ("recent", "velocity", "size")


def _pending_note(store) -> None:
    from minbar.stories.store import pending_ids

    pending = len(pending_ids(store))
    if pending:
        err.print(f"note: {pending} articles are not in a story yet; `minbar enrich` adds them")


@app.command("stories")
def stories_cmd(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Only stories with articles on or after (ISO date).")
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            help="recent (newest activity first), velocity (growing fastest now: articles per "
            "hour in the last 6 h of stream time) or size."
        ),
    ] = "recent",
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    min_articles: Annotated[
        int, typer.Option("--min-articles", min=1, help="Hide stories smaller than this.")
    ] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Stories: the same event across outlets and languages, with its first article."""
    from minbar.stories.provenance import list_stories

    if sort not in SORTS:
        raise UsageError(f"--sort {sort}: choose recent, velocity or size")
    store = _store(ctx)
    rows = list_stories(store, _date(since, "--since"), sort, limit, min_articles)
    if not as_json:
        _pending_note(store)
    if as_json:
        _emit(rows)
        return
    if not rows:
        out.print("no stories yet (run `minbar enrich` after ingesting)")
        return
    table = Table("id", "n", "langs", "per h", "last", "title")
    for s in rows:
        table.add_row(
            str(s["id"]),
            str(s["article_count"]),
            ",".join(s["languages"]),
            f"{s['velocity']:.2f}",
            (s["last_published"] or "")[:16],
            s["title"],
        )
    out.print(table)


@app.command("story")
def story_cmd(
    ctx: typer.Context,
    story_id: Annotated[int, typer.Argument(metavar="ID", help="Story id (see `minbar stories`).")],
    as_json: JsonOpt = False,
) -> None:
    """One story in full: titles per language, articles, first article, copy chains, timeline,
    velocity, top entities and quotes."""
    from minbar.stories.provenance import get_story

    record = get_story(_store(ctx), story_id)
    if record is None:
        raise UsageError(f"no story {story_id}")
    if as_json:
        _emit(record)
        return
    out.print(f"[bold]{record['title']}[/]", highlight=False)
    out.print(
        f"story {record['id']} · {record['article_count']} articles · "
        f"{', '.join(record['languages'])} · {record['status']} · "
        f"{record['velocity']:.2f}/h now",
        highlight=False,
    )
    if record["developing_from"]:
        out.print(f"develops story {record['developing_from']}")
    out.print(f"first: {record['first_url']}", markup=False, highlight=False)
    for lang, title in record["titles"].items():
        out.print(f"  [{lang}] {title}", markup=False, highlight=False)
    for a in record["articles"]:
        copy = f" (copy of #{a['duplicate_of']})" if a["duplicate_of"] else ""
        out.print(
            f"  #{a['id']} {a['published'][:16]} [{a['lang']}] {a['source'] or ''}: "
            f"{a['title']}{copy}",
            markup=False,
            highlight=False,
        )
    for chain in record["copy_chains"]:
        out.print(f"copies of #{chain['original_id']}:", highlight=False)
        for c in chain["copies"]:
            out.print(
                f"  #{c['article_id']} {c['source'] or ''} changed {c['changed']:.0%}",
                markup=False,
                highlight=False,
            )
    if record["top_entities"]:
        out.print(
            "entities: " + ", ".join(e["canonical"] for e in record["top_entities"]),
            markup=False,
            highlight=False,
        )
