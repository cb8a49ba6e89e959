"""Full-text search over the normalised keys: SQLite FTS5 (bm25) or PostgreSQL tsvector.

Both databases receive text that :mod:`minbar.text.normalize` already folded and split, so they
only see space-separated tokens and return the same rows for the same query. A query token
matches either its exact normalised form or one of its stems (``text_stem``); all query tokens must
match (AND).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, DateTime, bindparam, text

from minbar.models import SearchHit
from minbar.text.dates import to_utc
from minbar.text.normalize import fold_token, light_tokens, query_stems

STEM_WEIGHT = 0.5
MAX_QUERY_TOKENS = 32
#: A query whose every word is in more documents than this returns its newest matches
#: (see search_text).
COMMON_DOCS = 20_000
#: Words a lexical any-word query (fact-check retrieval) keeps.
LEXICAL_TERMS = 16
#: With filters, this many times ``limit`` best-ranked matches are fetched before filtering.
OVERFETCH = 20


@dataclass
class Filters:
    lang: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 20


def query_terms(query: str, lang: str | None = None) -> list[tuple[str, list[str]]]:
    """(normalised token, stems) for each distinct query token, in order."""
    seen: dict[str, list[str]] = {}
    for raw in light_tokens(query)[:MAX_QUERY_TOKENS]:
        tok = fold_token(raw)
        if tok not in seen:
            seen[tok] = query_stems(raw, lang)
    return list(seen.items())


# --- indexing --------------------------------------------------------------------------------


def tsvector_literal(key: str, max_positions: int = 255) -> str:
    """A tsvector in its input syntax, built from our tokens so PostgreSQL's parser (which
    depends on the server locale) never re-tokenises Arabic or Turkish text."""
    positions: dict[str, list[int]] = defaultdict(list)
    for pos, tok in enumerate(key.split(), start=1):
        plist = positions[tok]
        if len(plist) < max_positions:
            plist.append(min(pos, 16383))
    return " ".join(f"'{tok}':{','.join(map(str, p))}" for tok, p in positions.items())


@dataclass(frozen=True)
class FtsTable:
    """Where one kind of document keeps its full-text index on each database."""

    content: str  # the table holding the keys
    fts: str  # SQLite FTS5 table (external content)
    pg: str  # PostgreSQL tsvector table
    pg_key: str  # its id column
    norm: str  # key column names in ``content``
    stem: str


ARTICLES = FtsTable(
    "articles", "articles_fts", "articles_search", "article_id", "text_norm", "text_stem"
)
FACTCHECKS = FtsTable(
    "factchecks", "factchecks_fts", "factchecks_search", "factcheck_id", "claim_norm", "claim_stem"
)


def index_rows(conn: Connection, table: FtsTable, rows: list[tuple[int, str, str]]) -> None:
    """Add (id, normalised key, stemmed key) rows to ``table``'s full-text index."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                f"INSERT INTO {table.fts}(rowid, {table.norm}, {table.stem}) VALUES (:id, :n, :s)"
            ),
            [{"id": i, "n": n, "s": s} for i, n, s in rows],
        )
    else:
        conn.execute(
            text(
                f"INSERT INTO {table.pg}({table.pg_key}, tsv_norm, tsv_stem) "
                "VALUES (:id, CAST(:n AS tsvector), CAST(:s AS tsvector))"
            ),
            [{"id": i, "n": tsvector_literal(n), "s": tsvector_literal(s)} for i, n, s in rows],
        )


def rebuild_index(conn: Connection, table: FtsTable = ARTICLES) -> int:
    """Recreate a full-text index from its content table (after a normaliser change)."""
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"INSERT INTO {table.fts}({table.fts}) VALUES ('rebuild')"))
        return conn.execute(text(f"SELECT count(*) FROM {table.content}")).scalar_one()
    conn.execute(text(f"DELETE FROM {table.pg}"))
    rows = conn.execute(text(f"SELECT id, {table.norm}, {table.stem} FROM {table.content}")).all()
    index_rows(conn, table, [tuple(r) for r in rows])
    return len(rows)


def bm25_any(
    conn: Connection, table: FtsTable, query: str, limit: int = 50, lang: str | None = None
) -> list[tuple[int, float]]:
    """(id, score) of documents matching ANY query token, best first: the lexical half of
    hybrid retrieval, where a paraphrase shares some words but rarely all."""
    # Long words carry the claim; short ones ("the", "في", "ve") match half the collection and
    # cost the most: keep the LEXICAL_TERMS longest words of three or more letters.
    terms = sorted((t for t in query_terms(query) if len(t[0]) >= 3), key=lambda t: -len(t[0]))
    terms = terms[:LEXICAL_TERMS]
    if not terms:
        return []
    params: dict = {"limit": limit}
    if conn.dialect.name == "sqlite":
        alts = []
        for tok, stems in terms:
            alts.append(f"{table.norm} : {_fts5_quote(tok)}")
            alts += [f"{table.stem} : {_fts5_quote(s)}" for s in stems]
        params["q"] = " OR ".join(alts)
        sql = (
            f"SELECT rowid AS id, -bm25({table.fts}, 1.0, {STEM_WEIGHT}) AS score "
            f"FROM {table.fts} WHERE {table.fts} MATCH :q ORDER BY score DESC LIMIT :limit"
        )
    else:
        params["qn"] = _tsq([t for t, _ in terms], "|")
        params["qs"] = _tsq(sorted({s for _, ss in terms for s in ss}), "|")
        sql = (
            f"SELECT {table.pg_key} AS id, ts_rank(tsv_norm, CAST(:qn AS tsquery)) + "
            f"{STEM_WEIGHT} * ts_rank(tsv_stem, CAST(:qs AS tsquery)) AS score "
            f"FROM {table.pg} WHERE tsv_norm @@ CAST(:qn AS tsquery) "
            "OR tsv_stem @@ CAST(:qs AS tsquery) ORDER BY score DESC LIMIT :limit"
        )
    if lang:
        sql = (
            f"SELECT m.id, m.score FROM ({sql}) m JOIN {table.content} c ON c.id = m.id "
            "WHERE c.lang = :lang"
        )
        params["lang"] = lang
    return [(int(r.id), float(r.score)) for r in conn.execute(text(sql), params).all()]


# --- querying --------------------------------------------------------------------------------


def _fts5_quote(tok: str) -> str:
    return '"' + tok.replace('"', '""') + '"'


def fts5_expression(terms: list[tuple[str, list[str]]]) -> str:
    parts = []
    for tok, stems in terms:
        alts = [f"text_norm : {_fts5_quote(tok)}"]
        alts += [f"text_stem : {_fts5_quote(s)}" for s in stems]
        parts.append("(" + " OR ".join(alts) + ")")
    return " AND ".join(parts)


def _tsq(lexemes: list[str], op: str) -> str:
    return f" {op} ".join("'" + lx.replace("'", "''").replace("\\", "\\\\") + "'" for lx in lexemes)


def filter_sql(filters: Filters, params: dict) -> str:
    sql = ""
    if filters.lang:
        sql += " AND a.lang = :lang"
        params["lang"] = filters.lang
    if filters.source:
        sql += " AND lower(s.name) = lower(:source)"
        params["source"] = filters.source
    if filters.since:
        sql += " AND a.published >= :since"
        params["since"] = filters.since
    if filters.until:
        sql += " AND a.published < :until"
        params["until"] = filters.until
    return sql


_COLUMNS = "a.id, a.url, a.title, a.lang, s.name AS source, a.published"


def _all_common(conn: Connection, terms: list[tuple[str, list[str]]]) -> bool:
    """True when every query word (with its stems) matches over COMMON_DOCS documents. Probed
    by skipping COMMON_DOCS rowids in the word's doclist (~1 ms), not by counting it: FTS5's
    vocabulary table and bm25's IDF both walk the whole doclist (~35 ms for a 500k-doc word)."""
    for tok, stems in terms:
        expr = fts5_expression([(tok, stems)])
        found = conn.execute(
            text(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q "
                "ORDER BY rowid DESC LIMIT 1 OFFSET :n"
            ),
            {"q": expr, "n": COMMON_DOCS},
        ).first()
        if found is None:
            return False
    return True


def search_text(conn: Connection, query: str, filters: Filters | None = None) -> list[SearchHit]:
    """Ranked full-text hits for ``query``; an empty query returns nothing."""
    filters = filters or Filters()
    terms = query_terms(query, filters.lang)
    if not terms:
        return []
    params: dict = {"limit": max(1, filters.limit)}
    where = filter_sql(filters, params)
    if conn.dialect.name == "sqlite":
        params["q"] = fts5_expression(terms)
        inner = (
            f"SELECT {_COLUMNS}, -bm25(articles_fts, 1.0, {STEM_WEIGHT}) AS score "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            "LEFT JOIN sources s ON s.id = a.source_id "
            f"WHERE articles_fts MATCH :q{where}"
        )
        if not where and _all_common(conn, terms):
            # Every word is in a large share of the archive. bm25 would first walk each word's
            # whole doclist for its IDF (a second for a 500k-match word), so the newest
            # matches are returned instead - for news monitoring also what a reader wants
            # first - scored by how often the query words occur in them.
            sql = (
                f"SELECT {_COLUMNS}, a.text_norm AS body FROM articles_fts "
                "JOIN articles a ON a.id = articles_fts.rowid "
                "LEFT JOIN sources s ON s.id = a.source_id "
                "WHERE articles_fts MATCH :q ORDER BY articles_fts.rowid DESC LIMIT :limit"
            )
            rows = conn.execute(text(sql).columns(published=DateTime(timezone=True)), params).all()
            return [_hit(r, _tf_score(r.body, terms)) for r in rows]
        # Rank inside the FTS table and read article rows only for the best k: joining every
        # match first reads each row (its text columns included) before the cut. With filters
        # the best k are over-fetched; if too few survive the filters, rank them all.
        k = filters.limit if not where else filters.limit * OVERFETCH
        sql = (
            f"SELECT {_COLUMNS}, x.score FROM (SELECT rowid AS rid, "
            f"-bm25(articles_fts, 1.0, {STEM_WEIGHT}) AS score FROM articles_fts "
            "WHERE articles_fts MATCH :q ORDER BY score DESC LIMIT :k) x "
            "JOIN articles a ON a.id = x.rid LEFT JOIN sources s ON s.id = a.source_id "
            f"WHERE 1 = 1{where} ORDER BY x.score DESC, a.id LIMIT :limit"
        )
        rows = conn.execute(_statement(sql, params), {**params, "k": k}).all()
        if not where or len(rows) == filters.limit:
            return [_hit(r, float(r.score)) for r in rows]
        sql = f"{inner} ORDER BY score DESC, a.id LIMIT :limit"
    else:
        conds = []
        for n, (tok, stems) in enumerate(terms):
            params[f"t{n}"] = _tsq([tok], "|")
            params[f"s{n}"] = _tsq(stems, "|")
            conds.append(
                f"(x.tsv_norm @@ CAST(:t{n} AS tsquery) OR x.tsv_stem @@ CAST(:s{n} AS tsquery))"
            )
        params["qn"] = _tsq([t for t, _ in terms], "|")
        params["qs"] = _tsq(sorted({s for _, ss in terms for s in ss}), "|")
        sql = (
            f"SELECT {_COLUMNS}, ts_rank(x.tsv_norm, CAST(:qn AS tsquery)) + "
            f"{STEM_WEIGHT} * ts_rank(x.tsv_stem, CAST(:qs AS tsquery)) AS score "
            "FROM articles_search x JOIN articles a ON a.id = x.article_id "
            "LEFT JOIN sources s ON s.id = a.source_id "
            f"WHERE {' AND '.join(conds)}{where} ORDER BY score DESC, a.id LIMIT :limit"
        )
    stmt = _statement(sql, params)
    rows = conn.execute(stmt, params).all()
    return [_hit(r, float(r.score)) for r in rows]


def _statement(sql: str, params: dict):
    dates = [bindparam(k, type_=DateTime(timezone=True)) for k in ("since", "until") if k in params]
    return text(sql).bindparams(*dates).columns(published=DateTime(timezone=True))


def _hit(r, score: float) -> SearchHit:
    return SearchHit(
        id=r.id,
        url=r.url,
        title=r.title,
        lang=r.lang,
        source=r.source,
        published=_aware(r.published),
        score=score,
    )


def _tf_score(body: str, terms: list[tuple[str, list[str]]]) -> float:
    """Occurrences of the query words (or words starting with one of their stems) per 100
    words of the normalised article."""
    prefixes = tuple({t for t, _ in terms} | {s for _, ss in terms for s in ss})
    words = body.split()
    return 100.0 * sum(w.startswith(prefixes) for w in words) / max(1, len(words))


def _aware(value: datetime | None) -> datetime | None:
    return to_utc(value) if value else None


def hydrate_hits(
    conn: Connection, scored: list[tuple[int, float]], filters: Filters
) -> list[SearchHit]:
    """Articles of ranked ``(id, score)`` pairs as hits, the filters applied, order kept."""
    if not scored:
        return []
    params: dict = {f"i{n}": i for n, (i, _) in enumerate(scored)}
    marks = ", ".join(f":i{n}" for n in range(len(scored)))
    where = filter_sql(filters, params)
    stmt = (
        text(
            "SELECT a.id, a.url, a.title, a.lang, s.name AS source, a.published FROM articles a "
            f"LEFT JOIN sources s ON s.id = a.source_id WHERE a.id IN ({marks}){where}"
        )
        .bindparams(
            *[
                bindparam(k, type_=DateTime(timezone=True))
                for k in ("since", "until")
                if k in params
            ]
        )
        .columns(published=DateTime(timezone=True))
    )
    rows = {r.id: r for r in conn.execute(stmt, params).all()}
    out = []
    for i, score in scored:
        r = rows.get(i)
        if r is not None:
            out.append(
                SearchHit(
                    id=r.id,
                    url=r.url,
                    title=r.title,
                    lang=r.lang,
                    source=r.source,
                    published=to_utc(r.published) if r.published else None,
                    score=score,
                )
            )
    return out[: filters.limit]
