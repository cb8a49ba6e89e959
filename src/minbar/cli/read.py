"""CLI verbs that read the monitored media: ``search``, ``article``, ``stories``, ``story``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from minbar.cli.common import JsonOpt, emit, err, mb, out
from minbar.facade.engine import parse_date


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
    facade = mb(ctx)
    hits = facade.search(
        query,
        lang=lang,
        source=source,
        since=parse_date(since, "--since"),
        until=parse_date(until, "--until"),
        mode=mode,
        limit=limit,
    )
    if mode != "text":
        pending = facade.pending_vectors()
        if pending:
            err.print(f"note: {pending} articles have no vector yet; `minbar enrich` adds them")
    if as_json:
        emit(hits)
        return
    table = Table("id", "lang", "source", "published", "title", "score")
    for h in hits:
        table.add_row(
            str(h["id"]),
            h["lang"] or "",
            h["source"] or "",
            (h["published"] or "")[:16].replace("T", " "),
            h["title"],
            f"{h['score']:.2f}",
        )
    out.print(table)


def article(ctx: typer.Context, article_id: int, as_json: JsonOpt = False) -> None:
    """Show one stored article: text, copies, entities, quotes, claims, matches, story."""
    data = mb(ctx).article(article_id)
    if as_json:
        emit(data)
        return
    out.print(
        f"[bold]{data['title']}[/]\n{data['source']} · {data['lang']} · {data['published']} · "
        f"{data['url']}\n",
        highlight=False,
    )
    out.print(data["text"], markup=False, highlight=False)
    if data["duplicate_of"]:
        out.print(
            f"\n{data['dup_kind']} copy of #{data['duplicate_of']} "
            f"(similarity {data['dup_similarity']:.2f})"
        )
    if data["copies"]:
        out.print(f"\ncopies: {data['copies']}")
    if data["story_id"]:
        out.print(f"story: #{data['story_id']}")


SORT_HELP = (
    "recent (newest activity first), velocity (growing fastest now: articles per hour in the "
    "last 6 h of stream time) or size."
)


def stories(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Only stories with articles on or after (ISO date).")
    ] = None,
    sort: Annotated[str, typer.Option(help=SORT_HELP)] = "recent",
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    min_articles: Annotated[
        int, typer.Option("--min-articles", min=1, help="Hide stories smaller than this.")
    ] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Stories: the same event across outlets and languages, with its first article."""
    facade = mb(ctx)
    rows = facade.stories(parse_date(since, "--since"), sort, limit, min_articles)
    if as_json:
        emit(rows)
        return
    pending = facade.pending_stories()
    if pending:
        err.print(f"note: {pending} articles are not in a story yet; `minbar enrich` adds them")
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


def story(
    ctx: typer.Context,
    story_id: Annotated[int, typer.Argument(metavar="ID", help="Story id (see `minbar stories`).")],
    as_json: JsonOpt = False,
) -> None:
    """One story in full: titles per language, articles, first article, copy chains, timeline,
    velocity, top entities and quotes."""
    record = mb(ctx).story(story_id)
    if as_json:
        emit(record)
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
