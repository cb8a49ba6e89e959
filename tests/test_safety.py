"""Tests for SSRF-safe fetching against a real local HTTP server (no mocks, no internet)."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import httpx
import pytest

from minbar.ingest.errors import (
    DecodeError,
    FetchError,
    IngestError,
    TooLargeError,
    UnsafeURLError,
)
from minbar.ingest.safety import (
    Fetched,
    FetchPolicy,
    _build_client,
    _PinnedBackend,
    _retry_delay,
    check_url,
    fetch,
)

PAGE = "<html><body>Xəbərlər — новости — haberler — أخبار</body></html>".encode()
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"


def _gzip(data: bytes) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    return comp.compress(data) + comp.flush()


def _gzip_bomb(size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1024 * 1024)
    parts = [comp.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + comp.flush()


BOMB = _gzip_bomb(50 * 1024 * 1024)


class _Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # keep pytest output clean

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        hdrs = {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(body))}
        hdrs.update(headers or {})
        for key, value in hdrs.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _count(self) -> int:
        with self.lock:
            self.hits[self.path] = self.hits.get(self.path, 0) + 1
            return self.hits[self.path]

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        path = self.path
        count = self._count()
        if path == "/page":
            if (
                self.headers.get("If-None-Match") == ETAG
                or self.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                self._send(304, headers={"ETag": ETAG, "Content-Length": "0"})
                return
            self._send(200, PAGE, {"ETag": ETAG, "Last-Modified": LAST_MODIFIED})
        elif path == "/ua":
            self._send(200, self.headers.get("User-Agent", "").encode())
        elif path == "/gzip":
            self._send(200, _gzip(PAGE), {"Content-Encoding": "gzip"})
        elif path == "/deflate":
            self._send(200, zlib.compress(PAGE), {"Content-Encoding": "deflate"})
        elif path == "/rawdeflate":
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            self._send(200, comp.compress(PAGE) + comp.flush(), {"Content-Encoding": "deflate"})
        elif path == "/bomb":
            self._send(200, BOMB, {"Content-Encoding": "gzip"})
        elif path == "/br":
            self._send(200, b"\x0b\x02\x80hello\x03", {"Content-Encoding": "br"})
        elif path == "/huge-length":
            self.send_response(200)
            self.send_header("Content-Length", str(10**12))
            self.end_headers()
            self.wfile.write(b"x" * 100)
        elif path == "/big-unannounced":
            self.send_response(200)  # HTTP/1.0, no Content-Length: body ends at close
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"y" * 32768)
        elif path == "/to-metadata":
            self._send(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        elif path == "/to-relative":
            self._send(301, headers={"Location": "/page"})
        elif path == "/no-location":
            self._send(302)
        elif path.startswith("/loop/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(302, headers={"Location": f"/loop/{n + 1}"})
        elif path.startswith("/flaky/"):
            if count == 1:
                self._send(503, b"busy", {"Retry-After": "0"})
            else:
                self._send(200, b"ok after retry")
        elif path.startswith("/always503/"):
            self._send(503, b"busy")
        elif path.startswith("/slow"):
            time.sleep(2)
            self._send(200, b"too late")
        elif path == "/trickle":
            self.send_response(200)
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"z")
                self.wfile.flush()
                time.sleep(0.05)
        else:
            self._send(404, b"not here")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hang up on purpose (timeouts, caps): broken pipes are expected


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


LOCAL = FetchPolicy(
    allow_hosts=frozenset({"127.0.0.1"}), timeout=1.0, connect_timeout=1.0, retries=0
)


# ----------------------------------------------------------------------------- check_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.1.1/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://0x7f.1/",
        "http://017700000001/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "ftp://example.com/",
        "file:///etc/passwd",
        "http://user:pass@example.com/",
        "http://[fe80::1]/",
        "http://[fc00::5]/",
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/",
        "http://224.0.0.1/",
        "http://[2002:c0a8:1::]/",  # 6to4 embedding 192.168.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 embedding 10.0.0.1
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://8.8.8.8:0/",
        "http://[fe80::1%25eth0]/",
        "not a url at all",
    ],
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(UnsafeURLError) as info:
        check_url(url, FetchPolicy())
    assert info.value.input == url
    assert url in str(info.value)


def test_refusal_names_the_address() -> None:
    with pytest.raises(UnsafeURLError, match=r"127\.0\.0\.1"):
        check_url("http://2130706433/", FetchPolicy())


def test_check_url_accepts_public_literals() -> None:
    # Literal IPs only: check_url resolves but never connects, and needs no DNS for these.
    assert check_url("http://93.184.216.34/x", FetchPolicy()) == ["93.184.216.34"]
    assert check_url("https://[2001:4860:4860::8888]:8443/", FetchPolicy()) == [
        "2001:4860:4860::8888"
    ]
    assert check_url("http://[64:ff9b::808:808]/", FetchPolicy()) == ["64:ff9b::808:808"]


def test_allow_hosts() -> None:
    assert check_url("http://127.0.0.1:8080/", LOCAL) == ["127.0.0.1"]
    cidr = FetchPolicy(allow_hosts=frozenset({"10.0.0.0/8"}))
    assert check_url("http://10.1.2.3/", cidr) == ["10.1.2.3"]
    with pytest.raises(UnsafeURLError):
        check_url("http://192.168.0.1/", cidr)
    assert check_url("http://localhost/", FetchPolicy(allow_hosts=frozenset({"LOCALHOST"})))
    # metadata addresses need an exact IP entry, a covering CIDR is not enough
    with pytest.raises(UnsafeURLError, match="metadata"):
        check_url("http://169.254.169.254/", FetchPolicy(allow_hosts=frozenset({"169.254.0.0/16"})))


def test_policy_from_env() -> None:
    policy = FetchPolicy.from_env({"MINBAR_ALLOW_HOSTS": " Intranet.Local., 10.0.0.0/8,,"})
    assert policy.allow_hosts == frozenset({"intranet.local", "10.0.0.0/8"})
    assert FetchPolicy.from_env({}).allow_hosts == frozenset()
    assert FetchPolicy(allow_hosts="127.0.0.1,::1").allow_hosts == {"127.0.0.1", "::1"}  # type: ignore[arg-type]


def test_pinned_backend_connects_only_to_validated_ips(base: str) -> None:
    port = int(base.rsplit(":", 1)[1])
    backend = _PinnedBackend()
    with pytest.raises(httpcore.ConnectError, match="unvalidated"):
        backend.connect_tcp("localhost", port, timeout=1)
    # a name that does not exist in DNS still connects: the pinned IP is used, not a lookup
    backend.pin("feeds.example.invalid", ["127.0.0.1"])
    backend.connect_tcp("feeds.example.invalid", port, timeout=1).close()


def test_fetch_client_uses_pinned_backend() -> None:
    # Guards the one private hook we rely on: if httpcore renames it, this fails loudly.
    backend = _PinnedBackend()
    with _build_client(backend) as client:
        assert client._transport._pool._network_backend is backend  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- fetch


def test_fetch_page(base: str) -> None:
    got = fetch(f"{base}/page", LOCAL)
    assert isinstance(got, Fetched)
    assert got.status == 200 and got.content == PAGE and not got.not_modified
    assert got.content_type == "text/html" and got.charset == "utf-8"
    assert got.etag == ETAG and got.last_modified == LAST_MODIFIED
    assert got.headers["etag"] == ETAG
    assert got.final_url == got.url == f"{base}/page"
    assert fetch(f"{base}/ua", LOCAL).content.decode() == LOCAL.user_agent


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/rawdeflate"])
def test_fetch_decompresses(base: str, path: str) -> None:
    assert fetch(base + path, LOCAL).content == PAGE


def test_conditional_get(base: str) -> None:
    got = fetch(f"{base}/page", LOCAL, etag=ETAG)
    assert got.not_modified and got.status == 304 and got.content == b""
    assert got.etag == ETAG
    got = fetch(f"{base}/page", LOCAL, last_modified=LAST_MODIFIED)
    assert got.not_modified and got.last_modified == LAST_MODIFIED
    assert not fetch(f"{base}/page", LOCAL, etag='"stale"').not_modified


def test_gzip_bomb_is_stopped(base: str) -> None:
    assert len(BOMB) < 200_000
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), max_bytes=1024 * 1024, retries=0)
    with pytest.raises(TooLargeError, match="decoded"):
        fetch(f"{base}/bomb", policy)


def test_huge_content_length(base: str) -> None:
    with pytest.raises(TooLargeError, match="Content-Length"):
        fetch(f"{base}/huge-length", LOCAL)


def test_raw_cap_without_content_length(base: str) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), max_raw_bytes=100_000, retries=0)
    with pytest.raises(TooLargeError, match="raw"):
        fetch(f"{base}/big-unannounced", policy)
    assert len(fetch(f"{base}/big-unannounced", LOCAL).content) == 64 * 32768


def test_unsupported_content_encoding(base: str) -> None:
    with pytest.raises(DecodeError, match="br"):
        fetch(f"{base}/br", LOCAL)


def test_redirect_to_metadata_is_refused(base: str) -> None:
    with pytest.raises(UnsafeURLError, match="169.254.169.254"):
        fetch(f"{base}/to-metadata", LOCAL)


def test_redirect_with_caller_client_is_still_checked(base: str) -> None:
    with httpx.Client(follow_redirects=True) as client:
        assert fetch(f"{base}/page", LOCAL, client=client).content == PAGE
        with pytest.raises(UnsafeURLError):
            fetch(f"{base}/to-metadata", LOCAL, client=client)


def test_relative_redirect(base: str) -> None:
    got = fetch(f"{base}/to-relative", LOCAL)
    assert got.final_url == f"{base}/page" and got.url == f"{base}/to-relative"
    assert got.content == PAGE


def test_too_many_redirects(base: str) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), max_redirects=3, retries=0)
    with pytest.raises(FetchError, match="redirects"):
        fetch(f"{base}/loop/0", policy)
    assert _Handler.hits.get("/loop/3") == 1 and "/loop/4" not in _Handler.hits
    with pytest.raises(FetchError, match="Location"):
        fetch(f"{base}/no-location", LOCAL)


def test_http_error_status(base: str) -> None:
    with pytest.raises(FetchError, match="404") as info:
        fetch(f"{base}/missing", LOCAL)
    assert not isinstance(info.value, UnsafeURLError)


def test_retry_on_503(base: str) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), retries=2, backoff=0.01)
    got = fetch(f"{base}/flaky/a", policy)
    assert got.content == b"ok after retry" and _Handler.hits["/flaky/a"] == 2
    with pytest.raises(FetchError, match="503"):
        fetch(f"{base}/always503/b", policy)
    assert _Handler.hits["/always503/b"] == 3
    with pytest.raises(FetchError, match="503"):  # retries=0: no second attempt
        fetch(f"{base}/flaky/c", LOCAL)


def test_retry_after_is_capped() -> None:
    policy = FetchPolicy(backoff=0.5, max_retry_after=5.0)
    assert _retry_delay(None, 0, policy) == 0.5
    assert _retry_delay(None, 2, policy) == 2.0
    assert _retry_delay("3", 0, policy) == 3.0
    assert _retry_delay("86400", 0, policy) == 5.0
    assert _retry_delay("Wed, 21 Oct 2015 07:28:00 GMT", 0, policy) == 0.0  # in the past
    assert _retry_delay("garbage", 1, policy) == 1.0


def test_timeout(base: str) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), timeout=0.3, retries=0)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{base}/slow", policy)
    assert time.monotonic() - started < 1.5


def test_trickling_body_hits_total_deadline(base: str) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), timeout=0.4, retries=0)
    with pytest.raises(FetchError, match="within"):
        fetch(f"{base}/trickle", policy)


def test_connection_refused_is_fetch_error() -> None:
    with pytest.raises(FetchError, match="connection failed"):
        fetch("http://127.0.0.1:1/", LOCAL)


def test_all_failures_are_ingest_errors(base: str) -> None:
    for url in [f"{base}/missing", "http://10.0.0.1/", "gopher://x/", f"{base}/bomb"]:
        with pytest.raises(IngestError):
            fetch(url, FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), max_bytes=1000))
