"""SSRF-safe HTTP fetching of untrusted URLs.

Why: minbar fetches URLs taken from feeds, pages and users. Fetched naively, an item pointing
at ``http://169.254.169.254/`` or a redirect to ``http://localhost:6379/`` turns the monitor
into a proxy into our own network (SSRF), and a small gzip body can expand into gigabytes.

Defences: :func:`check_url` validates scheme, host, port and credentials, resolves the host
and refuses if *any* address is non-public (loopback, private, link-local, CGNAT, multicast,
reserved, cloud metadata, or IPv6 forms embedding such an IPv4) unless allow-listed; metadata
addresses need an exact IP entry. :func:`fetch` follows redirects itself, checking every hop.
Against DNS rebinding, a client built by :func:`fetch` connects through a network backend that
only dials the addresses :func:`check_url` validated for that host, while SNI, certificate
checks and the Host header keep the original name. Bodies are streamed raw and decompressed
here with bounded output, so both the wire size and the decoded size are capped.

Known gaps: with a caller-supplied ``client`` connections are not pinned (each hop is still
checked, but a rebinding between check and connect is possible); pinning relies on httpcore's
private ``ConnectionPool._network_backend`` (if that ever disappears, a warning is logged and
fetches run unpinned); ``getaddrinfo`` has no timeout; only gzip/deflate codings are accepted
(``br``/``zstd`` raise DecodeError); environment proxies are ignored, as a proxy would resolve
names itself.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import os
import socket
import time
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import httpcore
import httpx

from minbar.ingest.errors import (
    DecodeError,
    FetchError,
    IngestError,
    TooLargeError,
    UnsafeURLError,
)

__all__ = ["FetchPolicy", "Fetched", "check_url", "fetch"]

_log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Explicit list on top of the ``ipaddress`` flags, whose definitions vary between Python
# patch releases (e.g. CGNAT is neither "private" nor "global" there).
_BLOCKED_NETS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7",
        "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # 64:ff9b:1::/48 is blocked outright
_METADATA_IPS = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
_METADATA_NAMES = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 502, 503, 504})
_ACCEPT = "application/rss+xml, application/atom+xml, text/xml, text/html;q=0.9, */*;q=0.8"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch. Frozen so a shared default cannot be mutated by accident."""

    allow_hosts: frozenset[str] = frozenset()
    max_bytes: int = 10 * 1024 * 1024
    max_raw_bytes: int = 10 * 1024 * 1024
    timeout: float = 20.0
    connect_timeout: float = 10.0
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 30.0
    user_agent: str = "minbar/0.1 (+https://github.com/minbar)"
    allowed_schemes: tuple[str, ...] = ("http", "https")

    def __post_init__(self) -> None:
        hosts: Iterable[str] = self.allow_hosts
        if isinstance(hosts, str):  # a bare string would otherwise become a set of characters
            hosts = hosts.split(",")
        norm = frozenset(h.strip().lower().rstrip(".") for h in hosts if h and h.strip())
        object.__setattr__(self, "allow_hosts", norm)
        object.__setattr__(self, "allowed_schemes", tuple(s.lower() for s in self.allowed_schemes))
        if self.max_bytes <= 0 or self.max_raw_bytes <= 0:
            raise ValueError("max_bytes and max_raw_bytes must be positive")
        if self.max_redirects < 0 or self.retries < 0:
            raise ValueError("max_redirects and retries must not be negative")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> FetchPolicy:
        """Build a policy whose allow-list comes from ``MINBAR_ALLOW_HOSTS`` (comma-separated)."""
        env = os.environ if environ is None else environ
        raw = env.get("MINBAR_ALLOW_HOSTS", "")
        return cls(allow_hosts=frozenset(raw.split(",")), **overrides)


@dataclass
class Fetched:
    """Result of :func:`fetch`; ``headers`` has lowercase keys, ``content`` is decompressed."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


# --------------------------------------------------------------------------- URL checks


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """IPv4 address carried inside an IPv6 one (mapped, 6to4, NAT64), which is where it goes."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _blocked_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be contacted, or None if it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        v4 = _embedded_v4(ip)
        if v4 is not None:
            inner = _blocked_reason(v4)
            return f"embeds {v4}, {inner}" if inner else None
    if ip in _METADATA_IPS:
        return "cloud metadata address"
    for net in _BLOCKED_NETS:
        if ip.version == net.version and ip in net:
            return f"non-public address (in {net})"
    if ip.is_multicast or ip.is_reserved or ip.is_private or not ip.is_global:
        return "non-public address"
    return None


@lru_cache(maxsize=64)
def _parse_allow(allow: frozenset[str]) -> tuple[frozenset[str], tuple[IPNetwork, ...]]:
    names: set[str] = set()
    nets: list[IPNetwork] = []
    for entry in allow:
        try:
            nets.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(entry)
    return frozenset(names), tuple(nets)


def _is_allowed(ip: IPAddress, name_allowed: bool, nets: tuple[IPNetwork, ...]) -> bool:
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        candidates.append(ip.ipv4_mapped)
    if any(c in _METADATA_IPS for c in candidates):  # exact IP entry required
        return any(n.num_addresses == 1 and n.network_address in candidates for n in nets)
    if name_allowed:
        return True
    return any(c.version == n.version and c in n for c in candidates for n in nets)


def _resolve(url: str, host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve {host}: {exc}") from None
    ips: list[IPAddress] = []
    for info in infos:
        try:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        except ValueError:
            continue
        if ip not in ips:
            ips.append(ip)
    if not ips:
        raise FetchError(url, f"cannot resolve {host}: no usable address")
    return ips


def check_url(url: str, policy: FetchPolicy) -> list[str]:
    """Validate ``url`` for fetching and return the resolved, validated IP addresses.

    Raises :class:`UnsafeURLError` when the URL is malformed or would reach a non-public
    address, and :class:`FetchError` when the host cannot be resolved. Every address is
    checked, not just the first, because the connecting code may pick any of them.
    """
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii").lower()
        port = parsed.port
    except (httpx.InvalidURL, TypeError, ValueError, UnicodeError) as exc:
        raise UnsafeURLError(str(url), f"invalid URL: {exc}") from None
    scheme = parsed.scheme.lower()
    if scheme not in policy.allowed_schemes:
        raise UnsafeURLError(url, f"scheme {scheme or '(none)'!r} is not allowed")
    if not host:
        raise UnsafeURLError(url, "URL has no host")
    if parsed.userinfo:
        raise UnsafeURLError(url, "credentials in URLs are not allowed")
    if port is None:
        port = _DEFAULT_PORTS.get(scheme, 0)
    if not 1 <= port <= 65535:
        raise UnsafeURLError(url, f"port {port} is out of range")
    if "%" in host:
        raise UnsafeURLError(url, "IPv6 zone identifiers are not allowed")
    name = host.rstrip(".")
    names, nets = _parse_allow(policy.allow_hosts)
    name_allowed = name in names
    if name in _METADATA_NAMES and not name_allowed:
        raise UnsafeURLError(url, f"{name} is a cloud metadata endpoint")
    ips = _resolve(url, host, port)
    for ip in ips:
        reason = _blocked_reason(ip)
        if reason is not None and not _is_allowed(ip, name_allowed, nets):
            where = f"{host} resolves to {ip}" if host.strip("[]") != str(ip) else str(ip)
            raise UnsafeURLError(url, f"{where}: {reason}")
    return [str(ip) for ip in ips]


# --------------------------------------------------------------------------- transport


class _PinnedBackend(httpcore.SyncBackend):
    """Network backend that connects only to addresses validated by :func:`check_url`.

    httpcore still passes the original host name for SNI and certificate verification, so
    only the TCP destination is pinned. Unknown hosts are refused instead of resolved.
    """

    def __init__(self) -> None:
        self._pins: dict[str, tuple[str, ...]] = {}

    def pin(self, host: str, ips: Iterable[str]) -> None:
        self._pins[host.lower()] = tuple(ips)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        ips = self._pins.get(host.lower())
        if not ips:
            raise httpcore.ConnectError(f"refusing to connect to unvalidated host {host!r}")
        for ip in ips[:-1]:
            try:
                return super().connect_tcp(ip, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                continue
        return super().connect_tcp(ips[-1], port, timeout, local_address, socket_options)


def _build_client(backend: _PinnedBackend) -> httpx.Client:
    transport = httpx.HTTPTransport(retries=0)
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool) and hasattr(pool, "_network_backend"):
        pool._network_backend = backend
    else:  # pragma: no cover - only with an incompatible httpcore
        _log.warning("cannot pin connections to validated IPs; DNS rebinding not mitigated")
    # trust_env=False: no proxies from the environment and no .netrc credentials.
    return httpx.Client(transport=transport, trust_env=False, follow_redirects=False)


# --------------------------------------------------------------------------- body


class _ZlibDecoder:
    """gzip/deflate decoder that never emits more than the caller's limit per call."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._first = True
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, limit: int) -> bytes:
        out = b""
        while data and len(out) < limit:
            if self._obj.eof:
                if not (self._gzip and data.startswith(b"\x1f\x8b")):
                    return out  # trailing padding after the stream is ignored
                self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)  # next gzip member
            try:
                out += self._obj.decompress(data, limit - len(out))
            except zlib.error:
                if self._first and not self._gzip:  # "deflate" sent without zlib header
                    self._first = False
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._first = False
            data = self._obj.unconsumed_tail or (self._obj.unused_data if self._obj.eof else b"")
        return out


def _make_decoder(url: str, header: str) -> _ZlibDecoder | None:
    codings = [c.strip().lower() for c in header.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return _ZlibDecoder(gzip=codings[0] != "deflate")
    raise DecodeError(url, f"unsupported Content-Encoding {header!r}")


def _read_body(url: str, resp: httpx.Response, policy: FetchPolicy) -> bytes:
    decoder = _make_decoder(url, resp.headers.get("content-encoding", ""))
    length_header = resp.headers.get("content-length")
    if length_header:
        try:
            length = int(length_header.split(",")[0].strip())
        except ValueError:
            length = None
        if length is not None and length > policy.max_raw_bytes:
            raise TooLargeError(url, f"Content-Length {length} exceeds {policy.max_raw_bytes}")
        if length is not None and decoder is None and length > policy.max_bytes:
            raise TooLargeError(url, f"Content-Length {length} exceeds {policy.max_bytes}")
    deadline = time.monotonic() + policy.timeout
    raw_total = 0
    out = bytearray()
    try:
        for chunk in resp.iter_raw():
            raw_total += len(chunk)
            if raw_total > policy.max_raw_bytes:
                raise TooLargeError(url, f"body exceeds {policy.max_raw_bytes} raw bytes")
            if decoder is None:
                out += chunk
            else:
                out += decoder.feed(chunk, policy.max_bytes - len(out) + 1)
            if len(out) > policy.max_bytes:
                raise TooLargeError(url, f"decoded body exceeds {policy.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchError(url, f"body not received within {policy.timeout}s")
    except zlib.error as exc:
        raise DecodeError(url, f"corrupt compressed body: {exc}") from None
    return bytes(out)


def _parse_content_type(value: str | None) -> tuple[str, str | None]:
    if not value:
        return "", None
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, sep, val = param.partition("=")
        if sep and key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").strip().lower() or None
    return media.strip().lower(), charset


def _retry_delay(retry_after: str | None, attempt: int, policy: FetchPolicy) -> float:
    """Exponential backoff, or the server's Retry-After (seconds or HTTP date), capped."""
    delay = policy.backoff * (2**attempt)
    if retry_after:
        value = retry_after.strip()
        try:
            if value.isdigit():
                delay = float(value)
            else:
                when = email.utils.parsedate_to_datetime(value)
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                delay = (when - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return min(max(delay, 0.0), policy.max_retry_after)


# --------------------------------------------------------------------------- fetch


def _result(
    url: str, final: str, resp: httpx.Response, body: bytes, sent: dict[str, str]
) -> Fetched:
    """Build :class:`Fetched`; a 304 keeps the validators we sent unless new ones came."""
    hdrs = {k.lower(): v for k, v in resp.headers.items()}
    media, charset = _parse_content_type(hdrs.get("content-type"))
    old = sent if resp.status_code == 304 else {}
    return Fetched(
        url=url,
        final_url=final,
        status=resp.status_code,
        headers=hdrs,
        content=body,
        content_type=media,
        charset=charset,
        etag=hdrs.get("etag") or old.get("If-None-Match"),
        last_modified=hdrs.get("last-modified") or old.get("If-Modified-Since"),
        not_modified=resp.status_code == 304,
    )


def _get_once(
    http: httpx.Client, url: str, current: str, headers: dict[str, str], policy: FetchPolicy
) -> Fetched | str:
    """One hop with retries. Returns the result, or the absolute redirect target."""
    timeout = httpx.Timeout(policy.timeout, connect=policy.connect_timeout)
    where = "" if current == url else f" (at {current})"
    attempt = 0
    while True:
        retry_after: str | None = None
        try:
            with http.stream(
                "GET", current, headers=headers, timeout=timeout, follow_redirects=False
            ) as resp:
                status = resp.status_code
                if status in _RETRY_STATUSES and attempt < policy.retries:
                    retry_after = resp.headers.get("retry-after")
                elif status in _REDIRECT_STATUSES:
                    location = resp.headers.get("location", "").strip()
                    if not location:
                        raise FetchError(url, f"HTTP {status} redirect without Location{where}")
                    try:
                        return str(resp.url.join(location))
                    except (httpx.InvalidURL, ValueError) as exc:
                        msg = f"bad redirect target {location!r}: {exc}"
                        raise UnsafeURLError(url, msg) from None
                elif status >= 400:
                    raise FetchError(url, f"HTTP {status} {resp.reason_phrase}".rstrip() + where)
                elif status != 304 and not 200 <= status < 300:
                    raise FetchError(url, f"unexpected HTTP status {status}{where}")
                else:
                    content = b"" if status == 304 else _read_body(url, resp, policy)
                    return _result(url, current, resp, content, headers)
        except httpx.TimeoutException as exc:
            if attempt >= policy.retries:
                raise FetchError(url, f"timed out ({type(exc).__name__}){where}") from None
        except httpx.TransportError as exc:
            if attempt >= policy.retries:
                msg = str(exc) or type(exc).__name__
                raise FetchError(url, f"connection failed: {msg}{where}") from None
        time.sleep(_retry_delay(retry_after, attempt, policy))
        attempt += 1


def fetch(
    url: str,
    policy: FetchPolicy = FetchPolicy(),
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.Client | None = None,
) -> Fetched:
    """GET ``url`` under ``policy``; every failure is raised as an :class:`IngestError`.

    ``etag``/``last_modified`` make the request conditional; a 304 answer gives
    ``not_modified=True`` and empty content. With ``client`` given, its connection pool is
    reused but connections are not pinned to validated IPs (see module docstring); since
    redirects are followed here, such a client must not carry credentials or cookies.
    """
    backend = _PinnedBackend()
    own_client = client is None
    http = _build_client(backend) if client is None else client
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": _ACCEPT,
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        current = url
        for _hop in range(policy.max_redirects + 1):
            ips = check_url(current, policy)
            backend.pin(httpx.URL(current).raw_host.decode("ascii"), ips)
            result = _get_once(http, url, current, headers, policy)
            if isinstance(result, Fetched):
                return result
            current = result
        raise FetchError(url, f"too many redirects (more than {policy.max_redirects})")
    except IngestError:
        raise
    except Exception as exc:  # last resort: callers must only ever see IngestError
        raise FetchError(url, f"unexpected {type(exc).__name__}: {exc}") from exc
    finally:
        if own_client:
            http.close()
