"""Fact-check cases: the workflow from a claim to a published, matchable ClaimReview.

* :mod:`workflow` — statuses, the allowed transitions, ratings and their names in five languages;
* :mod:`claimreview` — the schema.org ClaimReview of a published verdict, one per summary language;
* :mod:`similar` — duplicate suggestions (open cases of a committee with the same claim);
* :mod:`evidence` — fetching an evidence URL through the SSRF-safe fetcher into a text snapshot;
* :mod:`seen_again` — the enrichment hook linking new articles to open and published cases.

SQL is in :mod:`minbar.store.cases`; permissions, audit and orchestration in
:mod:`minbar.facade.cases`.
"""
