"""Migration 0009: tr/az rows stored with the old prefix stems are re-stemmed, so a base-form
query finds their inflected forms (on SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from minbar.store.db import MIGRATIONS, migrate
from minbar.store.search import ARTICLES, Filters, rebuild_index
from tests.conftest import write_jsonl


def _alembic(engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def test_restem_brings_old_rows_to_the_new_stemmer(store, settings, tmp_path) -> None:
    from minbar.ingest.pipeline import ingest

    path = write_jsonl(
        tmp_path / "az.jsonl",
        [
            {
                "url": "https://example.az/1",
                "title": "Gəncədə yeni park açıldı",
                "text": "Gəncənin mərkəzində yeni park açılıb, sakinlər parkı bəyəniblər.",
                "lang": "az",
                "source": "Xəbər",
            },
            {
                "url": "https://example.com/1",
                "title": "A new park opens",
                "text": "Residents of the city welcomed the new park in the centre.",
                "lang": "en",
                "source": "Wire",
            },
        ],
    )
    ingest(store, [str(path)], settings)
    assert [h.title for h in store.search("Gəncə", Filters(lang="az"))] == [
        "Gəncədə yeni park açıldı"
    ]
    english_before = store.search("park", Filters(lang="en"))
    # Rows as a round-1 store left them: stems the new query analysis cannot find.
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE articles SET text_stem = 'qqq' WHERE lang = 'az'"))
        rebuild_index(conn, ARTICLES)
    assert store.search("Gəncə", Filters(lang="az")) == []  # what users of such a store saw
    cfg = _alembic(store.engine)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    migrate(store.engine)
    hits = store.search("Gəncə", Filters(lang="az"))
    assert [h.title for h in hits] == ["Gəncədə yeni park açıldı"]
    assert [h.id for h in store.search("park", Filters(lang="en"))] == [
        h.id for h in english_before
    ]
