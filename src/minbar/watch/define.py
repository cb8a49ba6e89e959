"""Validating and compiling a watchlist at creation: what each kind needs is worked out once.

* keyword: the query must contain at least one word;
* entity: each alternative ("Ilham Aliyev, Гянджа") is resolved to its canonical key by the
  entity recogniser, so a Latin query follows Cyrillic and Arabic coverage; ``PER:…`` keys are
  taken as given;
* semantic: the e5 query vector; the threshold defaults to the calibrated one;
* claim: the e5 query vector of the claim, and the fact-checks it matches (``factcheck:ID`` or
  the matching engine's confident matches), so the auto-matcher's links fire it too;
* velocity: ``params`` ``{"articles": N, "languages": K, "hours": T}``;
* silence: ``params`` ``{"factor": F, "min_hours": H}``.

Channels: webhook URLs pass the SSRF guard (:func:`minbar.ingest.safety.check_url`) here and
again at every send; e-mail addresses must look like addresses.
"""

from __future__ import annotations

import re

from minbar.errors import InvalidInput
from minbar.store import watchlists as wstore

KINDS = ("keyword", "entity", "semantic", "claim", "velocity", "silence")
LANGS = ("ar", "tr", "az", "en", "ru")
CHANNELS = ("webhook", "email", "inapp")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_SPLIT = re.compile(r"\s+OR\s+|\s*\|\s*|\s*,\s*")
_FACTCHECK = re.compile(r"^factcheck:(\d+)$")

VELOCITY_DEFAULTS = {"articles": 10, "languages": 3, "hours": 6}
SILENCE_DEFAULTS = {"factor": 4.0, "min_hours": 6.0}


def check_webhook_url(url: str, allow_hosts) -> None:
    from minbar.ingest.errors import IngestError
    from minbar.ingest.safety import FetchPolicy, check_url

    try:
        check_url(url, FetchPolicy(allow_hosts=frozenset(allow_hosts or ())))
    except IngestError as exc:
        raise InvalidInput(f"webhook url refused: {exc}") from None


def channels(raw, allow_hosts) -> list[dict]:
    out = []
    for ch in raw or []:
        if not isinstance(ch, dict) or ch.get("type") not in CHANNELS:
            raise InvalidInput(f"channel type must be one of {', '.join(CHANNELS)}")
        if ch["type"] == "webhook":
            url, secret = ch.get("url"), ch.get("secret")
            if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
                raise InvalidInput("a webhook channel needs an http(s) url")
            if not isinstance(secret, str) or len(secret) < 8:
                raise InvalidInput("a webhook channel needs a secret of at least 8 characters")
            check_webhook_url(url, allow_hosts)
            out.append({"type": "webhook", "url": url, "secret": secret})
        elif ch["type"] == "email":
            to = ch.get("to")
            addrs = to if isinstance(to, list) else str(to or "").split(",")
            addrs = [a.strip() for a in addrs if a and a.strip()]
            if not addrs or not all(_EMAIL.match(a) for a in addrs):
                raise InvalidInput("an email channel needs 'to' addresses")
            out.append({"type": "email", "to": ",".join(addrs)})
        else:
            out.append({"type": "inapp"})
    return out


def _list(value, name: str, allowed=None) -> list[str] | None:
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{name} must be a list of strings")
    if allowed and any(v not in allowed for v in value):
        raise InvalidInput(f"{name}: each one of {', '.join(allowed)}")
    return value


def compile_watchlist(
    store, kind: str, query: str, langs=None, sources=None, params=None, threshold=None
) -> dict:
    """The row to store for a new watchlist (without committee, name and creator)."""
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}")
    query = (query or "").strip()
    params = dict(params or {})
    if not isinstance(params, dict):
        raise InvalidInput("params must be an object")
    if kind in ("keyword", "entity", "semantic", "claim") and not query:
        raise InvalidInput("query must not be empty")
    if len(query) > 2000:
        raise InvalidInput("query is too long (2,000 characters at most)")
    if threshold is not None:
        try:
            threshold = float(threshold)
        except (TypeError, ValueError):
            raise InvalidInput("threshold must be a number") from None
        if not 0.0 < threshold < 1.0:
            raise InvalidInput("threshold must be between 0 and 1")
    row = {
        "kind": kind,
        "query": query,
        "langs": _list(langs, "langs", LANGS),
        "sources": _list(sources, "sources"),
        "threshold": threshold,
        "vector": None,
    }
    if kind == "keyword":
        from minbar.watch.keywords import parse_query

        if not parse_query(query):
            raise InvalidInput("the keyword query has no word")
    elif kind == "entity":
        params["keys"] = entity_keys(store, query)
    elif kind in ("semantic", "claim"):
        from minbar.analysis.embeddings import get_embedder, to_bytes

        m = _FACTCHECK.match(query)
        if kind == "claim":
            params["factcheck_ids"] = [int(m.group(1))] if m else _matching_factchecks(store, query)
        if not m:
            row["vector"] = to_bytes(get_embedder().queries([query])[0])
    elif kind == "velocity":
        params = _numbers(params, VELOCITY_DEFAULTS)
    elif kind == "silence":
        params = _numbers(params, SILENCE_DEFAULTS)
    row["params"] = params
    return row


def _numbers(params: dict, defaults: dict) -> dict:
    out = {}
    for k, default in defaults.items():
        v = params.get(k, default)
        try:
            out[k] = type(default)(v)
        except (TypeError, ValueError):
            raise InvalidInput(f"params.{k} must be a number") from None
        if out[k] <= 0:
            raise InvalidInput(f"params.{k} must be positive")
    return out


def entity_keys(store, query: str) -> list[str]:
    """Canonical keys of the entities named in ``query`` (alternatives split by commas / OR)."""
    from minbar.analysis.enrich import load_entity_defs
    from minbar.analysis.entities import get_recognizer

    rec = get_recognizer(tuple(load_entity_defs(store)))
    keys: list[str] = []
    for part in _SPLIT.split(query):
        part = part.strip()
        if not part:
            continue
        if re.match(r"^(PER|ORG|LOC):\S+$", part):
            keys.append(part)
            continue
        hit = rec.resolve(part, None)
        if hit is None:
            found = rec.extract(part, None)
            hit = found[0] if found else None
        if hit is None:
            raise InvalidInput(f"no known entity in {part!r}")
        keys.append(hit.key)
    if not keys:
        raise InvalidInput("query names no entity")
    return list(dict.fromkeys(keys))


def _matching_factchecks(store, claim: str) -> list[int]:
    """Fact-checks the matching engine confidently matches to ``claim`` (none when the base is
    empty)."""
    if not wstore.has_factchecks(store):
        return []
    from minbar.matching.match import Matcher

    return [m.factcheck_id for m in Matcher(store.engine).match(claim, limit=3)]
