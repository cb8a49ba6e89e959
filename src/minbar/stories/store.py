"""TEMPORARY re-exports (helper A): the story stage is :mod:`minbar.stories.stage`, its SQL
:mod:`minbar.store.stories`. Removed once the facade and the work queue import the new home."""

from minbar.stories.stage import cluster_pending, consolidate, load_items, pending_ids

__all__ = ["cluster_pending", "consolidate", "load_items", "pending_ids"]
