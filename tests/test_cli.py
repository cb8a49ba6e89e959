"""The ``minbar`` command against its fixed contract (DESIGN.md): JSON on stdout only, exit codes,
global options and environment, on SQLite and (by URL) PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minbar.cli import app
from minbar.config import Settings
from minbar.store.repository import Store

REPORT_KEYS = {"ingested", "duplicates", "near_duplicates", "errors"}
HIT_KEYS = {"id", "url", "title", "lang", "source", "published", "score"}
MINBAR = Path(sys.executable).with_name("minbar")

RECORDS = [
    {
        "url": "https://kervan.example/2026/11/10/kar",
        "title": "İstanbul'da kar yağışı",
        "text": "İstanbul'da etkili olan kar yağışı nedeniyle okullar tatil edildi.",
        "published": "2026-11-10T09:00:00+03:00",
        "source": "Kervan Gazetesi",
    },
    {
        "url": "https://bogazici.example/2026/11/20/tatbikat",
        "title": "İstanbul'da deprem tatbikatı",
        "text": "İstanbul'da 39 ilçede eş zamanlı deprem tatbikatı yapıldı, binlerce kişi katıldı.",
        "published": "2026-11-20T10:00:00+03:00",
        "source": "Boğaziçi Haber",
    },
    {
        "url": "https://caspianwire.example/2026/11/19/istanbul-drill",
        "title": "Istanbul holds a city-wide earthquake drill",
        "text": "Istanbul held an earthquake drill in all 39 districts on Thursday, officials said.",
        "published": "2026-11-19T12:00:00+00:00",
        "source": "Caspian Wire",
    },
    {
        "url": "https://alrawi.example/2026/11/18/istanbul",
        "title": "مناورة زلزال في إسطنبول",
        "text": "أجرت السلطات في إسطنبول مناورة واسعة للاستعداد للزلازل شارك فيها الآلاف.",
        "published": "2026-11-18T08:00:00+03:00",
        "source": "Al-Rawi Daily",
    },
    {
        "url": "https://vostok.example/2026/11/18/stambul",
        "title": "В Стамбуле прошли учения",
        "text": "В Стамбуле прошли масштабные учения на случай землетрясения.",
        "published": "2026-11-18T11:00:00+03:00",
        "source": "Vostok Vestnik",
    },
]

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Xəzər Xəbər</title>
<item><title>Bakıda güclü külək</title><link>https://xezer.example/kulek</link>
<description>Bakıda güclü külək səbəbindən bəzi reyslər təxirə salınıb.</description>
<pubDate>Sat, 21 Nov 2026 10:00:00 +0400</pubDate></item></channel></rss>""".encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        status, body = (200, RSS) if self.path.startswith("/rss") else (404, b"not here")
        self.send_response(status)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


CLEAN_ENV: dict[str, str | None] = {
    "MINBAR_DATA_DIR": None,
    "MINBAR_DATABASE_URL": None,
    "MINBAR_REDIS_URL": None,
    "MINBAR_ALLOW_HOSTS": None,
    "MINBAR_DEBUG": None,
}


def cli(*args: str, env: dict[str, str | None] | None = None):
    result = CliRunner().invoke(app, list(args), env={**CLEAN_ENV, **(env or {})})
    assert "Traceback" not in result.output
    return result


def as_json(result):
    return json.loads(result.stdout)  # fails on anything besides one JSON document


@pytest.fixture
def records(tmp_path) -> Path:
    path = tmp_path / "in" / "news.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), "utf-8")
    (path.parent / "feed.xml").write_bytes(RSS)
    return path


@pytest.fixture
def loaded(tmp_path, records) -> str:
    data = str(tmp_path / "data")
    result = cli("--data-dir", data, "ingest", str(records.parent), "--json")
    assert result.exit_code == 0, result.output
    assert as_json(result)["ingested"] == 6
    return data


# ----------------------------------------------------------------------------- ingest


def test_ingest_json_is_one_document_and_exit_0(tmp_path, records) -> None:
    data = str(tmp_path / "data")
    result = cli("--data-dir", data, "ingest", str(records), "--json")
    assert result.exit_code == 0, result.output
    report = as_json(result)
    assert set(report) == REPORT_KEYS
    assert report == {"ingested": 5, "duplicates": 0, "near_duplicates": 0, "errors": []}
    again = cli("--data-dir", data, "ingest", str(records), "--json")
    assert again.exit_code == 0 and as_json(again)["duplicates"] == 5
    assert as_json(again)["ingested"] == 0


def test_ingest_partial_failure_exit_1(tmp_path, records) -> None:
    missing = str(tmp_path / "nope.jsonl")
    result = cli("--data-dir", str(tmp_path / "d"), "ingest", missing, str(records), "--json")
    assert result.exit_code == 1
    report = as_json(result)
    assert set(report) == REPORT_KEYS and report["ingested"] == 5
    assert report["errors"] == [{"input": missing, "error": "no such file or directory"}]


def test_ingest_text_mode_messages(tmp_path, records) -> None:
    missing = str(tmp_path / "nope.jsonl")
    result = cli("--data-dir", str(tmp_path / "d"), "ingest", missing, str(records))
    assert result.exit_code == 1
    assert "ingested 5" in result.stdout
    assert missing in result.stderr and missing not in result.stdout


def test_ingest_url_needs_allow_hosts(tmp_path, base) -> None:
    url = f"{base}/rss"
    data = str(tmp_path / "d")
    refused = cli("--data-dir", data, "ingest", url, "--json")
    assert refused.exit_code == 1
    (err,) = as_json(refused)["errors"]
    assert err["input"] == url and "127.0.0.1" in err["error"]
    ok = cli("--data-dir", data, "ingest", url, "--json", env={"MINBAR_ALLOW_HOSTS": "127.0.0.1"})
    assert ok.exit_code == 0, ok.output
    assert as_json(ok)["ingested"] == 1
    gone = cli(
        "--data-dir",
        data,
        "ingest",
        f"{base}/gone",
        "--json",
        env={"MINBAR_ALLOW_HOSTS": "127.0.0.1"},
    )
    assert gone.exit_code == 1 and "404" in as_json(gone)["errors"][0]["error"]


# ----------------------------------------------------------------------------- search


def _search(data: str, *args: str) -> list[dict]:
    result = cli("--data-dir", data, "search", *args, "--json")
    assert result.exit_code == 0, result.output
    hits = as_json(result)
    assert isinstance(hits, list)
    for hit in hits:
        assert set(hit) == HIT_KEYS
    return hits


def test_search_json_and_filters(loaded) -> None:
    hits = _search(loaded, "istanbul")
    assert {h["lang"] for h in hits} == {"tr", "en"}
    assert len(hits) == 3 and all(isinstance(h["score"], float) for h in hits)
    assert [h["lang"] for h in _search(loaded, "istanbul", "--lang", "tr")] == ["tr", "tr"]
    assert _search(loaded, "istanbul", "--lang", "TR") == _search(
        loaded, "istanbul", "--lang", "tr"
    )
    (hit,) = _search(loaded, "istanbul", "--source", "Kervan Gazetesi")
    assert hit["url"] == RECORDS[0]["url"] and hit["published"] == "2026-11-10T06:00:00+00:00"
    since = _search(loaded, "istanbul", "--since", "2026-11-15")
    assert {h["url"] for h in since} == {RECORDS[1]["url"], RECORDS[2]["url"]}
    assert _search(loaded, "istanbul", "--since", "2026-11-20T08:00:00+00:00", "--lang", "en") == []
    assert [h["lang"] for h in _search(loaded, "إسطنبول")] == ["ar"]
    assert [h["lang"] for h in _search(loaded, "külək")] == ["az"]
    assert len(_search(loaded, "istanbul", "--limit", "1")) == 1
    assert _search(loaded, "nonexistentword") == []


def test_search_text_output(loaded) -> None:
    result = cli("--data-dir", loaded, "search", "istanbul", "--lang", "en")
    assert result.exit_code == 0 and "Caspian Wire" in result.stdout


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_bad_date_is_a_usage_error(loaded, option: str) -> None:
    result = cli("--data-dir", loaded, "search", "istanbul", option, "last tuesday", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{option}: not a date: 'last tuesday'" in result.stderr


def test_unknown_search_mode_is_a_clear_usage_error(loaded) -> None:
    result = cli("--data-dir", loaded, "search", "istanbul", "--mode", "fuzzy", "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "fuzzy" in result.stderr and "semantic" in result.stderr


# ----------------------------------------------------------------------------- other verbs


def test_article_json(loaded) -> None:
    (hit,) = _search(loaded, "istanbul", "--source", "Caspian Wire")
    result = cli("--data-dir", loaded, "article", str(hit["id"]), "--json")
    assert result.exit_code == 0
    art = as_json(result)
    assert art["id"] == hit["id"] and art["url"] == hit["url"] and art["lang"] == "en"
    assert art["text"].startswith("Istanbul held") and art["copies"] == []
    assert art["source"] == "Caspian Wire" and art["duplicate_of"] is None
    text = cli("--data-dir", loaded, "article", str(hit["id"]))
    assert text.exit_code == 0 and "Istanbul held" in text.stdout
    missing = cli("--data-dir", loaded, "article", "999999", "--json")
    assert missing.exit_code == 2 and "999999" in missing.stderr and missing.stdout == ""


def test_log_json(loaded, tmp_path) -> None:
    cli("--data-dir", loaded, "ingest", str(tmp_path / "nope.jsonl"), "--json")
    result = cli("--data-dir", loaded, "log", "--json")
    assert result.exit_code == 0
    rows = as_json(result)
    assert [r["outcome"] for r in rows] == ["error", "ok", "ok"]  # newest first
    assert {"input", "outcome", "error", "ingested", "duplicates", "at"} <= set(rows[0])
    assert rows[0]["input"].endswith("nope.jsonl") and "no such file" in rows[0]["error"]
    assert sum(r["ingested"] for r in rows) == 6
    errors = as_json(cli("--data-dir", loaded, "log", "--errors", "--json"))
    assert [r["outcome"] for r in errors] == ["error"]
    assert len(as_json(cli("--data-dir", loaded, "log", "--limit", "1", "--json"))) == 1


def test_sources_add_and_list(tmp_path) -> None:
    data = str(tmp_path / "d")
    result = cli(
        "--data-dir", data, "sources", "add", "https://93.184.216.34/rss.xml",
        "--name", "Example", "--every", "1h30m", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    src = as_json(result)
    assert src["name"] == "Example" and src["every"] == 5400
    assert src["url"] == "https://93.184.216.34/rss.xml" and src["last_polled_at"] is None
    listed = as_json(cli("--data-dir", data, "sources", "list", "--json"))
    assert [s["id"] for s in listed] == [src["id"]]
    assert cli("--data-dir", data, "sources", "list").exit_code == 0
    bad = cli("--data-dir", data, "sources", "add", "https://93.184.216.34/x", "--every", "10s")
    assert bad.exit_code == 2 and "every" in bad.stderr
    taken = cli(
        "--data-dir", data, "sources", "add", "https://93.184.216.34/other", "--name", "Example"
    )
    assert taken.exit_code == 2 and "Example" in taken.stderr
    private = cli("--data-dir", data, "sources", "add", "http://10.1.2.3/rss")
    assert private.exit_code == 2 and "10.1.2.3" in private.stderr
    assert len(as_json(cli("--data-dir", data, "sources", "list", "--json"))) == 1


def test_run_once_polls_due_sources(tmp_path, base) -> None:
    env = {"MINBAR_ALLOW_HOSTS": "127.0.0.1", "MINBAR_DATA_DIR": str(tmp_path / "d")}
    assert cli("sources", "add", f"{base}/rss", "--json", env=env).exit_code == 0
    result = cli("run", "--once", "--json", env=env)
    assert result.exit_code == 0, result.output
    assert as_json(result) == {"ingested": 1, "duplicates": 0, "near_duplicates": 0, "errors": []}
    (src,) = as_json(cli("sources", "list", "--json", env=env))
    assert src["last_status"] == "ok" and src["url"] == f"{base}/rss"


# ----------------------------------------------------------------------------- data dir / DB


def test_data_dir_option_and_env_are_the_same_store(tmp_path, records) -> None:
    data = tmp_path / "by-env"
    result = cli("ingest", str(records), "--json", env={"MINBAR_DATA_DIR": str(data)})
    assert result.exit_code == 0 and as_json(result)["ingested"] == 5
    assert (data / "minbar.db").is_file()
    assert len(_search(str(data), "istanbul")) == 3
    # the option wins over the environment
    other = cli(
        "--data-dir", str(tmp_path / "other"), "search", "istanbul", "--json",
        env={"MINBAR_DATA_DIR": str(data)},
    )  # fmt: skip
    assert other.exit_code == 0 and as_json(other) == []


def test_database_url_switches_to_postgresql(tmp_path, records, pg_url) -> None:
    data = tmp_path / "d"
    env = {"MINBAR_DATABASE_URL": pg_url, "MINBAR_DATA_DIR": str(data)}
    result = cli("ingest", str(records), "--json", env=env)
    assert result.exit_code == 0, result.output
    assert as_json(result)["ingested"] == 5
    assert not (data / "minbar.db").exists()
    store = Store.open(Settings(data_dir=data, database_url=pg_url))
    try:
        assert store.dialect == "postgresql" and store.summary()["articles"] == 5
    finally:
        store.close()
    hits = as_json(cli("search", "istanbul", "--lang", "tr", "--json", env=env))
    assert len(hits) == 2


# ----------------------------------------------------------------------------- demo


def test_demo(tmp_path) -> None:
    target = tmp_path / "demo"
    result = cli("--data-dir", str(target), "demo", "--json")
    assert result.exit_code == 0, result.output
    out = as_json(result)
    assert out["articles"] >= 150 and out["ingest"]["errors"] == []
    assert set(out["languages"]) == {"ar", "tr", "az", "en", "ru"}
    assert len(out["sources"]) >= 10
    assert out["copy_groups"] > 0 and out["near_copies"] + out["exact_copies"] > 0
    assert out["factchecks"]["imported"] >= 30 and not out["factchecks"]["errors"]
    assert out["matched_claims"] > 0 and out["matched_across_languages"] > 0
    assert all(m["matches"] for m in out["sample_matches"])
    assert all(out["sample_search"].values())  # every sample query finds something
    assert Path(out["data_dir"]) == target and (target / "minbar.db").is_file()
    # enrichment ran: stories across languages, quotes, entities, check-worthy sentences
    assert out["enrich"]["stages"]["analysis"] == out["articles"] and not out["enrich"]["errors"]
    assert 16 <= out["stories"] < out["articles"]
    assert len(out["top_stories"][0]["languages"]) >= 3
    assert len({q["lang"] for q in out["sample_quotes"]}) == 5
    assert out["top_entities"] and out["enrich"]["checkworthy_sentences"] > 0
    stories = as_json(cli("--data-dir", str(target), "stories", "--json"))
    assert len(stories) == out["stories"]
    assert set(stories[0]) >= {
        "id",
        "title",
        "languages",
        "article_ids",
        "urls",
        "first_article_id",
        "first_url",
    }

    # Its own dir is wiped and rebuilt (the one more full run this suite pays for).
    text = cli("--data-dir", str(target), "demo", "--no-serve")
    assert text.exit_code == 0 and "minbar demo" in text.stdout
    assert "fact-checks imported" in text.stdout
    store = Store.open(Settings(data_dir=target))
    try:
        assert store.summary()["articles"] == out["articles"]
    finally:
        store.close()

    # wire copies are linked: `article` of an original lists them
    store = Store.open(Settings(data_dir=target))
    try:
        root = next(
            h["id"]
            for q in out["sample_search"]
            for h in out["sample_search"][q]
            if store.copies_of(h["id"])
        )
        copies = store.copies_of(root)
    finally:
        store.close()
    art = as_json(cli("--data-dir", str(target), "article", str(root), "--json"))
    assert art["copies"] == copies and art["duplicate_of"] is None
    copy = as_json(cli("--data-dir", str(target), "article", str(copies[0]), "--json"))
    assert copy["duplicate_of"] == root and copy["dup_kind"] in ("exact", "near")

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    refused = cli("--data-dir", str(foreign), "demo", "--json")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "not empty" in refused.stderr
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


# ----------------------------------------------------------------------------- console script


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV} | env
    return subprocess.run(
        [str(MINBAR), *args], capture_output=True, text=True, env=full, timeout=120
    )


def test_console_script(tmp_path, records) -> None:
    assert MINBAR.exists()
    env = {"MINBAR_DATA_DIR": str(tmp_path / "d")}
    missing = str(tmp_path / "nope.jsonl")
    proc = _run("ingest", str(records), missing, "--json", env=env)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert set(report) == REPORT_KEYS and report["ingested"] == 5
    assert report["errors"][0]["input"] == missing
    assert "Traceback" not in proc.stderr

    proc = _run("search", "istanbul", "--since", "2026-13-45", "--json", env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "not a date" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_DATA_HOME is Linux's")
def test_demo_without_data_dir_uses_a_demo_subdir_of_the_user_data_dir(tmp_path) -> None:
    # Checked through the refusal, so the suite does not pay for a third full demo run.
    target = tmp_path / "xdg" / "minbar" / "demo"
    target.mkdir(parents=True)
    (target / "notes.txt").write_text("keep me")
    result = cli("demo", "--json", env={"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert result.exit_code == 2 and str(target) in result.stderr
