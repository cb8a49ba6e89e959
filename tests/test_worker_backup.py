"""``minbar backup`` / ``minbar restore`` of the embedded database (SQLite online backup)."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from minbar.config import Settings
from minbar.errors import Conflict, InvalidInput, NotFound
from minbar.ingest.pipeline import ingest
from minbar.store.backup import backup, restore
from minbar.store.repository import Store
from minbar.store.search import Filters
from tests.conftest import write_jsonl


def _records(start: int, n: int) -> list[dict]:
    return [
        {
            "url": f"https://haber.example/{i}",
            "title": f"Haber {i}",
            "text": f"Ankara'da toplantı {i}: bakanlar deprem bölgesi için yeni bütçe açıkladı.",
            "lang": "tr",
        }
        for i in range(start, start + n)
    ]


def _ingest(settings: Settings, tmp_path, start: int, n: int) -> None:
    path = write_jsonl(tmp_path / f"in_{start}.jsonl", _records(start, n))
    store = Store.open(settings)
    try:
        ingest(store, [str(path)], settings)
    finally:
        store.close()


def _count(settings: Settings) -> int:
    store = Store.open(settings)
    try:
        return store.summary()["articles"]
    finally:
        store.close()


def test_backup_while_writing_then_restore_elsewhere(tmp_path) -> None:
    live = Settings(data_dir=tmp_path / "live")
    _ingest(live, tmp_path, 0, 20)
    writer = threading.Thread(target=_ingest, args=(live, tmp_path, 100, 40))
    writer.start()  # the backup runs while another connection writes
    out = backup(live, tmp_path / "minbar-backup.db")
    writer.join()
    assert 20 <= out["articles"] <= 60 and out["bytes"] > 0
    assert not (tmp_path / "minbar-backup.db.partial").exists()
    conn = sqlite3.connect(tmp_path / "minbar-backup.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    fresh = Settings(data_dir=tmp_path / "elsewhere")
    done = restore(fresh, tmp_path / "minbar-backup.db")
    assert done["articles"] == out["articles"] == _count(fresh)
    store = Store.open(fresh)
    try:  # the full-text index came along
        assert store.search("bütçe", Filters(limit=100))
    finally:
        store.close()


def test_restore_replaces_the_current_database(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    _ingest(settings, tmp_path, 0, 3)
    backup(settings, tmp_path / "three.db")
    _ingest(settings, tmp_path, 10, 5)
    assert _count(settings) == 8
    assert restore(settings, tmp_path / "three.db")["articles"] == 3
    assert _count(settings) == 3


def test_refusals(tmp_path, pg_url) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with pytest.raises(NotFound):
        backup(settings, tmp_path / "b.db")  # nothing to back up yet
    _ingest(settings, tmp_path, 0, 1)
    (tmp_path / "taken.db").write_bytes(b"x")
    with pytest.raises(Conflict):
        backup(settings, tmp_path / "taken.db")
    with pytest.raises(InvalidInput):
        restore(settings, tmp_path / "taken.db")  # not a database
    with pytest.raises(NotFound):
        restore(settings, tmp_path / "missing.db")
    with pytest.raises(InvalidInput, match="pg_dump"):
        backup(Settings(data_dir=tmp_path / "pg", database_url=pg_url), tmp_path / "pg.db")
    assert _count(settings) == 1  # refused restores left the database alone
