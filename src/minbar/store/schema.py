"""Relational schema (SQLAlchemy Core). Alembic migrations in ``migrations/`` create it.

The full-text index is not here: it differs per database (FTS5 virtual table on SQLite, a
tsvector table on PostgreSQL) and is owned by :mod:`minbar.store.search`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("url", Text, unique=True),
    Column("kind", String(20), nullable=False, default="outlet"),  # feed | page | outlet
    Column("lang", String(8)),
    Column("every_seconds", Integer),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_polled_at", DateTime(timezone=True)),
    Column("next_due_at", DateTime(timezone=True)),
    Column("last_status", String(40)),
    Column("last_error", Text),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False, default=""),
    Column("text", Text, nullable=False),
    # The search keys (minbar.text.normalize): FTS5 reads them as an external-content table.
    Column("text_norm", Text, nullable=False),
    Column("text_stem", Text, nullable=False),
    Column("lang", String(8)),
    Column("lang_source", String(10)),  # "input" (explicit) | "detected"
    Column("published", DateTime(timezone=True)),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id")),
    Column("content_hash", String(64), nullable=False),
    Column("duplicate_of", Integer, ForeignKey("articles.id")),
    Column("dup_kind", String(10)),  # "exact" | "near"
    Column("dup_similarity", Float),
    Column("minhash", LargeBinary),
    Column("word_count", Integer, nullable=False, default=0),
    Index("ix_articles_content_hash", "content_hash"),
    Index("ix_articles_published", "published"),
    Index("ix_articles_lang", "lang"),
    Index("ix_articles_source", "source_id"),
    Index("ix_articles_duplicate_of", "duplicate_of"),
)

#: MinHash LSH bands kept in the database so near-duplicate lookup is incremental and shared by
#: every worker: an article is a candidate when any band hash collides. The band number is hashed
#: into ``hash``, so one ``hash IN (…)`` lookup uses the primary-key index on every database.
article_bands = Table(
    "article_bands",
    metadata,
    Column("hash", BigInteger, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
)

ingest_log = Table(
    "ingest_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", String(36), nullable=False),
    Column("input", Text, nullable=False),
    Column("item", Text),
    Column("outcome", String(20), nullable=False),  # ok | error | not_modified
    Column("error", Text),
    Column("ingested", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("near_duplicates", Integer, nullable=False, default=0),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_ingest_log_run", "run_id"),
)

factchecks = Table(
    "factchecks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dedup_key", String(64), nullable=False, unique=True),  # sha256(canonical url + claim)
    Column("url", Text, nullable=False),
    Column("claim", Text, nullable=False),
    Column("claim_norm", Text, nullable=False),
    Column("claim_stem", Text, nullable=False),
    Column("lang", String(8)),
    Column("verdict", String(12), nullable=False),
    Column("rating_name", Text),
    Column("rating_value", Float),
    Column("best_rating", Float),
    Column("worst_rating", Float),
    Column("author_name", Text),
    Column("author_url", Text),
    Column("date_published", DateTime(timezone=True)),
    Column("claim_author", Text),
    Column("claim_date", DateTime(timezone=True)),
    Column("appearances", Text),  # JSON list of urls
    Column("first_appearance", Text),
    Column("raw", Text, nullable=False),  # the ClaimReview as imported (lossless export)
    Column("embedding", LargeBinary),  # e5 passage vector, float32 little-endian
    Column("sparse", LargeBinary),  # e5 sparse latent terms: int32 indices + float32 weights
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Index("ix_factchecks_lang", "lang"),
)

#: Sentences of monitored articles matched to fact-checks (auto-matching during enrichment).
claim_matches = Table(
    "claim_matches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False),
    Column("sentence", Text, nullable=False),
    Column("factcheck_id", Integer, ForeignKey("factchecks.id"), nullable=False),
    Column("score", Float, nullable=False),
    Column("matched_at", DateTime(timezone=True), nullable=False),
    Index("ix_claim_matches_article", "article_id"),
    Index("ix_claim_matches_factcheck", "factcheck_id"),
)

#: Which articles the matcher has already looked at (so ``minbar enrich`` is incremental).
article_stages = Table(
    "article_stages",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("stage", String(20), primary_key=True),
    Column("done_at", DateTime(timezone=True), nullable=False),
)

#: Article vectors (e5 passage embedding of title + lead). The vector index is derived from it.
article_vectors = Table(
    "article_vectors",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("vector", LargeBinary, nullable=False),
)

# --- analysis (migration 0004) -------------------------------------------------------------

#: Every sentence of an article with its check-worthiness score (``minbar.analysis.claims``).
article_sentences = Table(
    "article_sentences",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("claim_score", Float, nullable=False),
    Column("checkworthy", Boolean, nullable=False),
)

#: User-defined entities with aliases (``minbar entities import``); built-in gazetteers ship in
#: the package and are not copied here.
entity_defs = Table(
    "entity_defs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(250), nullable=False, unique=True),
    Column("canonical", Text, nullable=False),
    Column("type", String(8), nullable=False),
    Column("aliases", Text, nullable=False),  # JSON list
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: Entities found in an article, one row per canonical entity (``key`` = "TYPE:canonical").
article_entities = Table(
    "article_entities",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("canonical", Text, nullable=False),
    Column("type", String(8), nullable=False),
    Column("mention", Text, nullable=False),  # the first surface form in the article
    Column("count", Integer, nullable=False),
    Index("ix_article_entities_key", "key"),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False),
    Column("sentence_idx", Integer, nullable=False),
    Column("speaker", Text),
    Column("speaker_key", String(250)),  # entity key when the speaker resolved to an entity
    Column("quote", Text, nullable=False),
    Column("kind", String(10), nullable=False),  # direct | indirect
    Column("lang", String(8)),
    Index("ix_quotes_article", "article_id"),
    Index("ix_quotes_speaker_key", "speaker_key"),
)

# --- stories (migration 0004) --------------------------------------------------------------

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("titles", Text, nullable=False),  # JSON {lang: title}
    Column("languages", Text, nullable=False),  # JSON list
    Column("first_article_id", Integer, ForeignKey("articles.id")),
    Column("first_published", DateTime(timezone=True)),
    Column("last_published", DateTime(timezone=True)),
    Column("article_count", Integer, nullable=False),
    Column("centroid", LargeBinary),  # float32 SUM of member vectors (adding one is O(dim))
    Column("entities", Text),  # JSON {entity key or "NUM:6.1": count}
    Column("status", String(10), nullable=False),  # open | closed | merged
    Column("parent_id", Integer, ForeignKey("stories.id")),  # the earlier story it develops
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_stories_last_published", "last_published"),
    Index("ix_stories_status", "status"),
    Index("ix_stories_parent", "parent_id"),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("similarity", Float),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Index("ix_story_articles_story", "story_id"),
)

# --- accounts and audit (migration 0005) ---------------------------------------------------

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("country", String(2)),  # ISO 3166-1 alpha-2, upper case
    Column("created_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),  # lower-cased: unique ignoring case
    Column("name", Text),
    Column("org_id", Integer, ForeignKey("organisations.id"), nullable=False),
    Column("password_hash", Text),  # argon2id (PHC string); NULL = cannot sign in with a password
    Column("lang", String(8), nullable=False),  # UI language
    Column("active", Boolean, nullable=False),
    Column("is_admin", Boolean, nullable=False),
    Column("session_epoch", Integer, nullable=False),  # bumped: every session cookie is void
    Column("created_at", DateTime(timezone=True), nullable=False),
)

committees = Table(
    "committees",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),  # English (or the one given) name
    Column("names", Text, nullable=False),  # JSON {lang: name}
    Column("description", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("committee_id", Integer, ForeignKey("committees.id"), primary_key=True),
    Column("role", String(10), nullable=False),  # viewer | analyst | editor | lead
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_memberships_committee", "committee_id"),
)

#: API tokens: only the SHA-256 of the token is stored (the token is shown once, at creation).
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Index("ix_api_tokens_user", "user_id"),
)

#: Failed sign-ins, counted in the database so the limit holds across server processes.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False),  # lower-cased, known account or not
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failures_email_at", "email", "at"),
)

#: The audit trail. Append-only: triggers created by migration 0005 refuse UPDATE and DELETE.
#: Names are copied as text (user e-mail, org and committee slugs) so the trail reads on its own.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_id", Integer),
    Column("user", String(320), nullable=False),  # e-mail, or "system"
    Column("org", String(64)),
    Column("action", String(64), nullable=False),
    Column("object", Text),
    Column("committee_id", Integer),
    Column("committee", String(64)),
    Column("client", String(200)),
    Column("outcome", String(10), nullable=False),  # ok | denied | error
    Index("ix_audit_events_at", "at"),
    Index("ix_audit_events_user", "user_id"),
    Index("ix_audit_events_committee", "committee_id"),
    Index("ix_audit_events_action", "action"),
)

# --- watchlists, alerts, deliveries, campaigns, digests (migration 0007) -------------------

#: A committee's standing query. ``kind``: keyword | entity | semantic | claim | velocity |
#: silence. ``params`` (JSON) holds what the kind compiled at creation (entity keys, fact-check
#: ids, velocity N/K/T); ``vector`` the e5 query vector of semantic and claim watchlists.
watchlists = Table(
    "watchlists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", Integer, ForeignKey("committees.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("query", Text, nullable=False),
    Column("langs", Text),  # JSON list, NULL = every language
    Column("sources", Text),  # JSON list of source names, NULL = every source
    Column("params", Text, nullable=False),  # JSON object
    Column("threshold", Float),
    Column("vector", LargeBinary),
    Column("active", Boolean, nullable=False),
    Column("created_by", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_watchlists_committee", "committee_id"),
)

#: Where a watchlist's alerts go besides the in-app list: webhook (url, secret) or email (to).
watch_channels = Table(
    "watch_channels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("watchlist_id", Integer, ForeignKey("watchlists.id"), nullable=False),
    Column("type", String(10), nullable=False),  # webhook | email | inapp
    Column("url", Text),
    Column("secret", Text),
    Column("to", Text),  # comma-separated addresses
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_watch_channels_watchlist", "watchlist_id"),
)

#: One row per (watchlist, article), ever; story-velocity and source-silence alerts have no
#: article and are kept unique by ``key`` ("article:12", "story:7:n10", "source:3:2026-12-06").
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("watchlist_id", Integer, ForeignKey("watchlists.id"), nullable=False),
    Column("committee_id", Integer, ForeignKey("committees.id"), nullable=False),
    Column("key", String(120), nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id")),
    Column("story_id", Integer, ForeignKey("stories.id")),
    Column("source_id", Integer, ForeignKey("sources.id")),
    Column("reason", Text, nullable=False),
    Column("score", Float),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("read_at", DateTime(timezone=True)),
    UniqueConstraint("watchlist_id", "article_id", name="uq_alerts_watchlist_article"),
    UniqueConstraint("watchlist_id", "key", name="uq_alerts_watchlist_key"),
    Index("ix_alerts_committee_created", "committee_id", "created_at"),
    Index("ix_alerts_created", "created_at"),
)

#: One message to one channel carrying a batch of alerts; retried with back-off until sent.
#: ``idempotency_key`` is sent with every attempt so a receiver can drop a repeat.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel_id", Integer, ForeignKey("watch_channels.id"), nullable=False),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("status", String(10), nullable=False),  # pending | sent | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Index("ix_deliveries_status_next", "status", "next_attempt_at"),
)

#: Which alerts a delivery carries; the primary key makes "each alert once per channel" a fact.
delivery_alerts = Table(
    "delivery_alerts",
    metadata,
    Column("channel_id", Integer, ForeignKey("watch_channels.id"), primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), primary_key=True),
    Column("delivery_id", Integer, ForeignKey("deliveries.id"), nullable=False),
    Index("ix_delivery_alerts_delivery", "delivery_id"),
)

#: Key messages of a committee's joint campaign, and the articles that carried them.
campaign_messages = Table(
    "campaign_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", Integer, ForeignKey("committees.id"), nullable=False),
    Column("campaign", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("lang", String(8)),
    Column("vector", LargeBinary, nullable=False),  # e5 passage vector
    Column("shingles", Text, nullable=False),  # JSON list of word 3-gram hashes (verbatim test)
    Column("created_by", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_campaign_messages_committee", "committee_id"),
)

campaign_pickups = Table(
    "campaign_pickups",
    metadata,
    Column("message_id", Integer, ForeignKey("campaign_messages.id"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("sentence", Text),
    Column("similarity", Float, nullable=False),
    Column("overlap", Float, nullable=False),
    Column("band", String(12), nullable=False),  # verbatim | paraphrase | translation
    Column("found_at", DateTime(timezone=True), nullable=False),
)

#: Digests produced (daily / weekly per committee): when and what period, for the log.
digests = Table(
    "digests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", Integer, ForeignKey("committees.id"), nullable=False),
    Column("period", String(8), nullable=False),  # day | week
    Column("start", DateTime(timezone=True), nullable=False),
    Column("end", DateTime(timezone=True), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("alerts", Integer, nullable=False),
    Column("sent_to", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_digests_committee", "committee_id", "created_at"),
)

# --- fact-check cases (migration 0006) -----------------------------------------------------

#: A claim a committee checks: open -> in_progress -> in_review -> approved -> published, or
#: closed (``close_reason``: not-checkworthy | duplicate). ``embedding`` is the e5 passage vector
#: of the claim (duplicate suggestions and "seen again" linking).
cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", Integer, ForeignKey("committees.id"), nullable=False),
    Column("claim", Text, nullable=False),
    Column("lang", String(8)),
    Column("origin", String(10), nullable=False),  # article | quote | claim | url | tip | text
    Column("article_id", Integer, ForeignKey("articles.id")),
    Column("quote_id", Integer, ForeignKey("quotes.id")),
    Column("sentence", Text),  # the article sentence the claim came from
    Column("origin_url", Text),
    Column("tip_id", Integer),  # FK-free: tips are created after cases in the schema
    Column("status", String(12), nullable=False),
    Column("close_reason", String(20)),
    Column("duplicate_of", Integer, ForeignKey("cases.id")),
    Column("assignee_id", Integer, ForeignKey("users.id")),
    Column("priority", String(8), nullable=False),  # low | normal | high | urgent
    Column("due", DateTime(timezone=True)),
    Column("created_by", Integer, ForeignKey("users.id")),  # NULL = the system
    Column("embedding", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Index("ix_cases_committee_status", "committee_id", "status"),
    Index("ix_cases_assignee", "assignee_id"),
    Index("ix_cases_article", "article_id"),
)

#: Evidence: a URL (fetched in the background through the SSRF-safe fetcher, its text kept as a
#: snapshot) and/or a note. ``fetch_status``: none | pending | ok | error.
case_evidence = Table(
    "case_evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("url", Text),
    Column("note", Text, nullable=False),
    Column("snapshot", Text),
    Column("snapshot_title", Text),
    Column("fetch_status", String(10), nullable=False),
    Column("fetch_error", Text),
    Column("fetched_at", DateTime(timezone=True)),
    Column("added_by", Integer, ForeignKey("users.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_case_evidence_case", "case_id"),
)

case_comments = Table(
    "case_comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("author_id", Integer, ForeignKey("users.id")),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_case_comments_case", "case_id"),
)

#: Proposed verdicts; the newest one is the case's current verdict.
case_verdicts = Table(
    "case_verdicts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("rating", String(14), nullable=False),
    Column("summaries", Text, nullable=False),  # JSON {lang: text}
    Column("author_id", Integer, ForeignKey("users.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_case_verdicts_case", "case_id"),
)

case_reviews = Table(
    "case_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("verdict_id", Integer, ForeignKey("case_verdicts.id"), nullable=False),
    Column("reviewer_id", Integer, ForeignKey("users.id")),
    Column("approved", Boolean, nullable=False),
    Column("comment", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_case_reviews_case", "case_id"),
)

#: The timeline: one row per thing that happened to a case (``data``: JSON details).
case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("kind", String(20), nullable=False),
    Column("data", Text),
    Index("ix_case_events_case", "case_id"),
)

#: Articles where the case's claim was seen again, and cases linked as duplicates.
case_links = Table(
    "case_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # seen | duplicate
    Column("article_id", Integer, ForeignKey("articles.id")),
    Column("other_case_id", Integer, ForeignKey("cases.id")),
    Column("sentence", Text),
    Column("score", Float),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_case_links_case", "case_id"),
    Index("ux_case_links_article", "case_id", "article_id", unique=True),
)

#: Fact-check rows a published case became (one per summary language).
case_factchecks = Table(
    "case_factchecks",
    metadata,
    Column("factcheck_id", Integer, ForeignKey("factchecks.id"), primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("lang", String(8), nullable=False),
    Index("ix_case_factchecks_case", "case_id"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id")),
    Column("kind", String(20), nullable=False),  # assigned | review | approved | rejected | ...
    Column("read", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_notifications_user_read", "user_id", "read"),
)

#: Public tips. ``client_hash``: keyed hash of the sender's address (rate limit, no raw IP).
tips = Table(
    "tips",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("url", Text),
    Column("lang", String(8)),
    Column("client_hash", String(64), nullable=False),
    Column("committee_id", Integer, ForeignKey("committees.id")),
    Column("status", String(10), nullable=False),  # new | case | dismissed
    Column("case_id", Integer, ForeignKey("cases.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_tips_client_at", "client_hash", "created_at"),
    Index("ix_tips_committee_status", "committee_id", "status"),
)
