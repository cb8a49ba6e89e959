"""Rules checked on a clock rather than per article: story velocity and source silence.

* **velocity**: a story that gained at least ``articles`` articles, or articles in at least
  ``languages`` languages, within the last ``hours`` hours raises one alert (key ``story:ID``:
  once per story and watchlist, ever).
* **silence**: a source whose last article is older than ``factor`` times its usual interval
  (the median gap between its recent articles, or its poll interval if longer), and at least
  ``min_hours``, raises one alert per silent spell (key ``source:ID:<last article time>``).

:func:`evaluate_periodic` is called by :func:`minbar.watch.deliver.deliver_due`, so the same
periodic job that delivers alerts also finds these.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median

from minbar.store import watchlists as wstore
from minbar.store.repository import Store


def evaluate_periodic(store: Store, now: datetime | None = None) -> int:
    now = now or wstore.utcnow()
    wls = wstore.list_watchlists(store, active_only=True, kinds=("velocity", "silence", "claim"))
    if not wls:
        return 0
    rows = claim_match_alerts(store, [w for w in wls if w["kind"] == "claim"], now)
    velocity = [w for w in wls if w["kind"] == "velocity"]
    if velocity:
        rows += velocity_alerts(store, velocity, now)
    silence = [w for w in wls if w["kind"] == "silence"]
    if silence:
        rows += silence_alerts(store, silence, now)
    return wstore.insert_alerts(store, rows) if rows else 0


#: How far back the periodic pass looks for new auto-matcher links (it runs every few seconds).
CLAIM_LOOKBACK = timedelta(days=2)


def claim_match_alerts(store: Store, wls: list[dict], now: datetime) -> list[dict]:
    """Claim watchlists bound to fact-checks: articles the auto-matcher linked to them lately.
    Evaluation sees the links made before an article's watch stage; this pass also catches the
    ones made when new fact-checks re-opened matching for older articles."""
    bound = [w for w in wls if w["params"].get("factcheck_ids")]
    if not bound:
        return []
    fids = {f for w in bound for f in w["params"]["factcheck_ids"]}
    links = wstore.claim_matches_since(store, fids, now - CLAIM_LOOKBACK)
    out = []
    for w in bound:
        mine = set(w["params"]["factcheck_ids"])
        for r in links:
            if r.factcheck_id not in mine:
                continue
            if (w["langs"] and r.lang not in w["langs"]) or (
                w["sources"] and r.source not in w["sources"]
            ):
                continue
            out.append(
                {
                    "watchlist_id": w["id"],
                    "committee_id": w["committee_id"],
                    "key": f"article:{r.article_id}",
                    "article_id": r.article_id,
                    "story_id": r.story_id,
                    "source_id": r.source_id,
                    "reason": f"claim: {r.sentence[:200]}",
                }
            )
    return out


def velocity_alerts(store: Store, wls: list[dict], now: datetime) -> list[dict]:
    out = []
    by_hours: dict[float, list] = {}
    for w in wls:
        hours = float(w["params"].get("hours", 6))
        if hours not in by_hours:
            by_hours[hours] = wstore.story_growth(store, now - timedelta(hours=hours))
        for s in by_hours[hours]:
            n_min = w["params"].get("articles", 10)
            k_min = w["params"].get("languages", 3)
            if s.n >= n_min or s.langs >= k_min:
                out.append(
                    {
                        "watchlist_id": w["id"],
                        "committee_id": w["committee_id"],
                        "key": f"story:{s.story_id}",
                        "story_id": s.story_id,
                        "reason": (
                            f"velocity: {s.n} articles in {s.langs} languages within {hours:g} h"
                        ),
                        "score": float(s.n),
                    }
                )
    return out


def usual_interval(times: list[datetime], every_seconds: int | None) -> timedelta | None:
    """Median gap between consecutive articles (newest first), at least the poll interval."""
    if len(times) < 3:
        return None
    gaps = [(a - b).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    gaps = [g for g in gaps if g > 0] or [0.0]
    return timedelta(seconds=max(median(gaps), float(every_seconds or 0)))


def silence_alerts(store: Store, wls: list[dict], now: datetime) -> list[dict]:
    activity = wstore.source_activity(store)
    out = []
    for w in wls:
        factor = float(w["params"].get("factor", 4.0))
        floor = timedelta(hours=float(w["params"].get("min_hours", 6.0)))
        for src in activity:
            if w["sources"] and src["name"] not in w["sources"]:
                continue
            usual = usual_interval(src["times"], src["every"])
            if usual is None:
                continue
            quiet = now - src["times"][0]
            if quiet >= max(usual * factor, floor):
                hours = quiet.total_seconds() / 3600
                out.append(
                    {
                        "watchlist_id": w["id"],
                        "committee_id": w["committee_id"],
                        "key": f"source:{src['id']}:{src['times'][0].isoformat()}"[:120],
                        "source_id": src["id"],
                        "reason": (
                            f"silence: {src['name']} quiet for {hours:.1f} h "
                            f"(usual interval {usual.total_seconds() / 3600:.1f} h)"
                        ),
                        "score": hours,
                    }
                )
    return out
