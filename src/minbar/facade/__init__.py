"""``Minbar``: the one facade over the library.

Each area of use cases lives in its own mixin module (``engine``: ingest, enrichment, search,
stories, matching; ``accounts``; ``cases``; ``watchlists``; ``work``: queue and status) and
``Minbar`` is their union. Permissions are enforced here, in the methods, from the one table in
:mod:`minbar.auth.permissions`, so every front end gets the same answers.
"""

from __future__ import annotations

from minbar.facade.accounts import AccountsMixin
from minbar.facade.base import MinbarBase
from minbar.facade.cases import CasesMixin
from minbar.facade.demo import DemoMixin
from minbar.facade.engine import EngineMixin
from minbar.facade.watchlists import WatchlistsMixin
from minbar.facade.web import WebMixin
from minbar.facade.work import WorkMixin


class Minbar(
    AccountsMixin,
    CasesMixin,
    DemoMixin,
    EngineMixin,
    WatchlistsMixin,
    WorkMixin,
    WebMixin,
    MinbarBase,
):
    """The library facade: ``Minbar(data_dir=None, database_url=None)``."""


__all__ = ["Minbar"]
