"""Reads for the web dashboard and overview pages: volume series, source health, newest claims,
speakers, fact-check listing. Times are on the *stream clock* (the newest publication stored,
never later than the wall clock), like story velocity, so an imported archive reads as it did live.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, select

from minbar.store.schema import (
    article_sentences,
    articles,
    claim_matches,
    factchecks,
    ingest_log,
    quotes,
    sources,
)
from minbar.text.dates import to_utc


def stream_now(conn) -> datetime:
    newest = conn.execute(select(func.max(articles.c.published))).scalar()
    wall = datetime.now(UTC)
    return min(to_utc(newest), wall) if newest is not None else wall


def _bucket(conn, column, bucket: str):
    """A text day (``YYYY-MM-DD``) or hour (``YYYY-MM-DDTHH``) bucket of a UTC timestamp."""
    if conn.dialect.name == "postgresql":
        pattern = "YYYY-MM-DD" if bucket == "day" else 'YYYY-MM-DD"T"HH24'
        return func.to_char(func.timezone("UTC", column), pattern)
    pattern = "%Y-%m-%d" if bucket == "day" else "%Y-%m-%dT%H"
    return func.strftime(pattern, column)


def volume(engine, days: int = 30, bucket: str = "day") -> dict:
    """Articles per bucket, by language and by source, over the last ``days`` of stream time
    (one scan of the window): ``{"start","end","buckets":[…],"by_lang":{key:[count per
    bucket]},"by_source":{…}}``; beyond eight keys the smallest are summed under "…"."""
    with engine.connect() as conn:
        now = stream_now(conn)
        start = now - timedelta(days=days)
        b = _bucket(conn, articles.c.published, bucket).label("b")
        rows = conn.execute(
            select(b, articles.c.lang, articles.c.source_id, func.count().label("n"))
            .where(articles.c.published > start, articles.c.published <= now)
            .group_by(b, articles.c.lang, articles.c.source_id)
        ).all()
        names = dict(conn.execute(select(sources.c.id, sources.c.name)).all())
    step = timedelta(days=1) if bucket == "day" else timedelta(hours=1)
    fmt = "%Y-%m-%d" if bucket == "day" else "%Y-%m-%dT%H"
    labels = []
    t = start + step
    while t <= now and len(labels) < 2000:
        labels.append(t.strftime(fmt))
        t += step
    index = {lab: i for i, lab in enumerate(labels)}
    by_lang: dict[str, list[int]] = {}
    by_source: dict[str, list[int]] = {}
    for r in rows:
        if r.b not in index:
            continue
        by_lang.setdefault(r.lang or "und", [0] * len(labels))[index[r.b]] += r.n
        src = names.get(r.source_id, "?")
        by_source.setdefault(src, [0] * len(labels))[index[r.b]] += r.n
    return {
        "start": start.isoformat(),
        "end": now.isoformat(),
        "buckets": labels,
        "by_lang": _top(by_lang, len(labels)),
        "by_source": _top(by_source, len(labels)),
    }


def _top(series: dict[str, list[int]], width: int, keep: int = 8) -> dict[str, list[int]]:
    order = sorted(series, key=lambda k: (-sum(series[k]), k))
    out = {k: series[k] for k in order[:keep]}
    if len(order) > keep:  # the chart shows the biggest; the rest summed as "…"
        out["…"] = [sum(series[k][i] for k in order[keep:]) for i in range(width)]
    return out


def recent_claims(engine, limit: int = 10, matched: bool = False) -> list[dict]:
    """Newest check-worthy sentences (``matched``: only those matched to a fact-check), each with
    its article and its fact-check matches."""
    with engine.connect() as conn:
        if matched:
            stmt = (
                select(
                    claim_matches.c.article_id,
                    claim_matches.c.sentence.label("text"),
                    func.max(claim_matches.c.score).label("score"),
                )
                .join(articles, articles.c.id == claim_matches.c.article_id)
                .group_by(
                    claim_matches.c.article_id, claim_matches.c.sentence, articles.c.published
                )
                .order_by(articles.c.published.desc(), claim_matches.c.article_id.desc())
                .limit(limit)
            )
        else:
            stmt = (
                select(
                    article_sentences.c.article_id,
                    article_sentences.c.text,
                    article_sentences.c.claim_score.label("score"),
                )
                .join(articles, articles.c.id == article_sentences.c.article_id)
                .where(article_sentences.c.checkworthy.is_(True), articles.c.duplicate_of.is_(None))
                .order_by(articles.c.published.desc(), article_sentences.c.article_id.desc())
                .limit(limit)
            )
        rows = conn.execute(stmt).all()
        ids = sorted({r.article_id for r in rows})
        arts = {
            r.id: r
            for r in conn.execute(
                select(
                    articles.c.id, articles.c.title, articles.c.lang, articles.c.published
                ).where(articles.c.id.in_(ids))
            ).all()
        }
        found: dict[tuple[int, str], list[dict]] = defaultdict(list)
        if ids:
            for m in conn.execute(
                select(
                    claim_matches.c.article_id,
                    claim_matches.c.sentence,
                    claim_matches.c.score,
                    factchecks.c.id,
                    factchecks.c.claim,
                    factchecks.c.rating_name,
                    factchecks.c.verdict,
                    factchecks.c.lang,
                    factchecks.c.url,
                )
                .join(factchecks, factchecks.c.id == claim_matches.c.factcheck_id)
                .where(claim_matches.c.article_id.in_(ids))
                .order_by(claim_matches.c.score.desc())
            ).all():
                found[(m.article_id, m.sentence)].append(
                    {
                        "factcheck_id": m.id,
                        "claim": m.claim,
                        "rating": m.rating_name or m.verdict,
                        "verdict": m.verdict,
                        "lang": m.lang,
                        "url": m.url,
                        "score": round(m.score, 4),
                    }
                )
    out = []
    for r in rows:
        a = arts.get(r.article_id)
        out.append(
            {
                "article_id": r.article_id,
                "title": a.title if a else "",
                "lang": a.lang if a else None,
                "published": to_utc(a.published).isoformat() if a and a.published else None,
                "text": r.text,
                "score": round(float(r.score or 0), 4),
                "matches": found.get((r.article_id, r.text), [])[:3],
            }
        )
    return out


def source_health(engine, days: int = 14) -> list[dict]:
    """Each source: last poll and status, its articles in the window (per day, total, newest),
    the days without articles between its first and last active day (gaps), and recent fetch
    errors. Only the window's rows are read (the published-date index)."""
    with engine.connect() as conn:
        now = stream_now(conn)
        wall = datetime.now(UTC)
        start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
        b = _bucket(conn, articles.c.published, "day").label("b")
        daily = conn.execute(
            select(
                articles.c.source_id,
                b,
                func.count().label("n"),
                func.max(articles.c.published).label("last"),
            )
            .where(articles.c.published >= start, articles.c.published <= now)
            .group_by(articles.c.source_id, b)
        ).all()
        srcs = conn.execute(select(sources).order_by(sources.c.name)).all()
        urls = [s.url for s in srcs if s.url]
        errors: dict[str, list[dict]] = defaultdict(list)
        if urls:
            for e in conn.execute(
                select(ingest_log.c.input, ingest_log.c.error, ingest_log.c.at)
                .where(
                    ingest_log.c.outcome == "error",
                    ingest_log.c.input.in_(urls),
                    ingest_log.c.at >= wall - timedelta(days=days),
                )
                .order_by(ingest_log.c.id.desc())
                .limit(500)
            ).all():
                errors[e.input].append({"error": e.error, "at": to_utc(e.at).isoformat()})
    days_list = [(start + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(days + 1)]
    per: dict[int, dict[str, int]] = defaultdict(dict)
    last: dict[int, datetime] = {}
    for r in daily:
        per[r.source_id][r.b] = r.n
        if r.last is not None:
            t = to_utc(r.last)
            last[r.source_id] = max(last.get(r.source_id, t), t)
    out = []
    for s in srcs:
        counts = [per[s.id].get(d, 0) for d in days_list]
        active_days = [i for i, n in enumerate(counts) if n]
        gaps = []
        if active_days:
            gaps = [
                days_list[i] for i in range(active_days[0], active_days[-1] + 1) if counts[i] == 0
            ]
        errs = errors.get(s.url or "", [])
        overdue = bool(
            s.every_seconds
            and s.active
            and s.last_polled_at is not None
            and wall - to_utc(s.last_polled_at) > timedelta(seconds=3 * s.every_seconds + 300)
        )
        warning = None
        if s.last_status == "error" or errs:
            warning = "error"
        elif overdue:
            warning = "overdue"
        elif gaps:
            warning = "gaps"
        out.append(
            {
                "id": s.id,
                "name": s.name,
                "url": s.url,
                "kind": s.kind,
                "active": bool(s.active),
                "every": s.every_seconds,
                "last_polled_at": to_utc(s.last_polled_at).isoformat()
                if s.last_polled_at
                else None,
                "last_status": s.last_status,
                "last_error": s.last_error,
                "articles": sum(counts),
                "last_article": last[s.id].isoformat() if s.id in last else None,
                "per_day": round(sum(counts[-7:]) / 7.0, 2),
                "daily": dict(zip(days_list, counts, strict=True)),
                "gaps": gaps,
                "errors": errs[:5],
                "error_count": len(errs),
                "warning": warning,
            }
        )
    return out


def top_speakers(engine, limit: int = 40) -> list[dict]:
    """Speakers by number of quotes; a resolved entity groups its spellings across scripts."""
    key = func.coalesce(quotes.c.speaker_key, quotes.c.speaker)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                key.label("k"),
                func.min(quotes.c.speaker).label("speaker"),
                func.count().label("n"),
                func.count(func.distinct(quotes.c.lang)).label("langs"),
            )
            .where(quotes.c.speaker.is_not(None))
            .group_by(key)
            .order_by(func.count().desc(), key)
            .limit(limit)
        ).all()
    return [{"key": r.k, "speaker": r.speaker, "quotes": r.n, "languages": r.langs} for r in rows]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


FACTCHECK_COLUMNS = (
    factchecks.c.id,
    factchecks.c.url,
    factchecks.c.claim,
    factchecks.c.lang,
    factchecks.c.verdict,
    factchecks.c.rating_name,
    factchecks.c.author_name,
    factchecks.c.date_published,
    factchecks.c.claim_author,
)


def _fc_dict(r) -> dict:
    return {
        "id": r.id,
        "url": r.url,
        "claim": r.claim,
        "lang": r.lang,
        "verdict": r.verdict,
        "rating": r.rating_name or r.verdict,
        "author": r.author_name,
        "published": to_utc(r.date_published).isoformat() if r.date_published else None,
        "claim_author": r.claim_author,
    }


def list_factchecks(
    engine, query: str | None = None, lang: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """Fact-checks, newest first, optionally filtered by words of the claim and its language;
    (page, total)."""
    cond = []
    if query:
        from minbar.text.normalize import search_key

        words = [w for w in search_key(query).split() if w][:10]
        cond += [factchecks.c.claim_norm.like(_like(w), escape="\\") for w in words]
        if not words:
            cond.append(factchecks.c.claim.like(_like(query), escape="\\"))
    if lang:
        cond.append(factchecks.c.lang == lang)
    where = and_(*cond) if cond else None
    stmt = select(*FACTCHECK_COLUMNS)
    count = select(func.count()).select_from(factchecks)
    if where is not None:
        stmt, count = stmt.where(where), count.where(where)
    stmt = (
        stmt.order_by(factchecks.c.date_published.desc().nulls_last(), factchecks.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    with engine.connect() as conn:
        return [_fc_dict(r) for r in conn.execute(stmt).all()], conn.execute(count).scalar_one()


def get_factcheck(engine, factcheck_id: int) -> dict | None:
    """One fact-check with its ClaimReview (appearances filled from provenance) and the
    monitored articles matched to it."""
    from minbar.store.factchecks import claimreview_object

    with engine.connect() as conn:
        row = conn.execute(select(factchecks).where(factchecks.c.id == factcheck_id)).first()
        if row is None:
            return None
        seen = conn.execute(
            select(
                articles.c.id,
                articles.c.url,
                articles.c.title,
                articles.c.lang,
                articles.c.published,
                claim_matches.c.sentence,
                claim_matches.c.score,
            )
            .join(articles, articles.c.id == claim_matches.c.article_id)
            .where(claim_matches.c.factcheck_id == factcheck_id)
            .order_by(articles.c.published, articles.c.id)
            .limit(200)
        ).all()
    far = datetime.max.replace(tzinfo=UTC)
    monitored = sorted(
        {(r.url, to_utc(r.published) if r.published else None) for r in seen},
        key=lambda it: (it[1] or far, it[0]),
    )
    data = _fc_dict(row)
    data["claimreview"] = claimreview_object(row, monitored)
    data["appearances"] = json.loads(row.appearances or "[]")
    data["articles"] = [
        {
            "id": r.id,
            "url": r.url,
            "title": r.title,
            "lang": r.lang,
            "published": to_utc(r.published).isoformat() if r.published else None,
            "sentence": r.sentence,
            "score": round(r.score, 4),
        }
        for r in seen
    ]
    return data


__all__ = [
    "get_factcheck",
    "list_factchecks",
    "recent_claims",
    "source_health",
    "top_speakers",
    "volume",
]


def article_mentions(engine, article_id: int) -> list[dict]:
    """The entities of one article with the surface form found in its text."""
    from minbar.store.schema import article_entities as ae

    with engine.connect() as conn:
        rows = conn.execute(
            select(ae.c.key, ae.c.canonical, ae.c.type, ae.c.mention, ae.c.count)
            .where(ae.c.article_id == article_id)
            .order_by(ae.c.count.desc(), ae.c.key)
        ).all()
    return [dict(r._mapping) for r in rows]


def article_texts(engine, ids: list[int]) -> dict[int, str]:
    """id → text (search snippets)."""
    if not ids:
        return {}
    with engine.connect() as conn:
        return dict(
            conn.execute(select(articles.c.id, articles.c.text).where(articles.c.id.in_(ids))).all()
        )


def source_names(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(sources.c.name).order_by(sources.c.name)).scalars())
