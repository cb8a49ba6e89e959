"""The facade's core: settings, the store and the derived caches, opened lazily and shared.

One :class:`~minbar.facade.Minbar` per process (or per test) is the rule: it owns the database
engine and the caches, so the CLI, the web app and a worker each build one and call its methods.
"""

from __future__ import annotations

from pathlib import Path

from minbar.config import Settings


class MinbarBase:
    """Owns the settings, the store and the caches; the use-case mixins build on it."""

    def __init__(
        self,
        data_dir: str | Path | None = None,
        database_url: str | None = None,
        *,
        settings: Settings | None = None,
    ) -> None:
        if settings is None:
            settings = Settings.from_env(data_dir)
            if database_url:
                settings = _replace(settings, database_url=database_url)
        self.settings = settings
        self._store = None

    # --- resources ---------------------------------------------------------------------------

    @property
    def store(self):
        """The store (SQLite or PostgreSQL), migrated to the latest schema on first use."""
        if self._store is None:
            from minbar.store.repository import Store

            self._store = Store.open(self.settings)
        return self._store

    def store_exists(self) -> bool:
        """Whether a store is there to read, without creating one (stateless verbs use it)."""
        return self._store is not None or self.settings.store_exists()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _replace(settings: Settings, **changes) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)
