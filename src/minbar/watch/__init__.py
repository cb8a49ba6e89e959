"""Watchlists and alerts: evaluation during enrichment (:mod:`.evaluate`), periodic rules
(:mod:`.periodic`), delivery (:mod:`.deliver`), digests (:mod:`.digest`) and campaign pickup
(:mod:`.campaigns`). All SQL is in :mod:`minbar.store.watchlists`."""
