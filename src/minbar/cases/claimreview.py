"""The schema.org ``ClaimReview`` of a published verdict, one per summary language.

Each object is complete on its own (Google's fact-check markup fields): ``claimReviewed`` is the
case's claim, ``reviewRating.alternateName`` is the rating's name in the object's language,
``reviewBody`` the summary in that language, ``author`` the committee (its name in that language
when it has one) on behalf of the organisation, and ``itemReviewed`` the claim with where it
appeared and its ``firstAppearance`` (the first article of the linked article's story).
"""

from __future__ import annotations

from datetime import datetime

from minbar.cases.workflow import BEST_RATING, RATING_VALUE, WORST_RATING, rating_name


def build_claimreview(
    *,
    url: str,
    claim: str,
    claim_lang: str | None,
    lang: str,
    rating: str,
    summary: str,
    author: str,
    org: str | None,
    published: datetime,
    appearances: list[str],
    first_appearance: tuple[str, datetime | None] | None,
) -> dict:
    review_rating: dict = {"@type": "Rating", "alternateName": rating_name(rating, lang)}
    if rating in RATING_VALUE:
        review_rating.update(
            ratingValue=RATING_VALUE[rating], bestRating=BEST_RATING, worstRating=WORST_RATING
        )
    item: dict = {"@type": "Claim"}
    if claim_lang:
        item["inLanguage"] = claim_lang
    if appearances:
        item["appearance"] = [{"@type": "CreativeWork", "url": u} for u in appearances]
    if first_appearance:
        first = {"@type": "CreativeWork", "url": first_appearance[0]}
        if first_appearance[1]:
            first["datePublished"] = first_appearance[1].isoformat()
        item["firstAppearance"] = first
    author_obj: dict = {"@type": "Organization", "name": author}
    if org:
        author_obj["parentOrganization"] = {"@type": "Organization", "name": org}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "inLanguage": lang,
        "claimReviewed": claim,
        "reviewRating": review_rating,
        "reviewBody": summary,
        "author": author_obj,
        "datePublished": published.date().isoformat(),
        "itemReviewed": item,
    }


def localized(names: dict[str, str] | None, lang: str, default: str) -> str:
    """A committee's name in ``lang`` when it has one."""
    return (names or {}).get(lang) or default
