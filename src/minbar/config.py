"""Settings in one place: data dir, database URL, fetch limits.

Everything is read from the environment (``MINBAR_*``) or passed explicitly; nothing is global
state, so the CLI, tests and workers can each build their own :class:`Settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir


def _env_list(name: str) -> frozenset[str]:
    raw = os.environ.get(name, "")
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Runtime settings.

    ``database_url`` wins over ``data_dir``: when it is unset the embedded SQLite file
    ``<data_dir>/minbar.db`` is used.
    """

    data_dir: Path = field(default_factory=lambda: Path(user_data_dir("minbar", appauthor=False)))
    database_url: str | None = None
    redis_url: str | None = None
    allow_hosts: frozenset[str] = frozenset()
    max_text_chars: int = 200_000
    max_download_bytes: int = 10 * 1024 * 1024
    politeness_delay: float = 2.0
    #: Base URL of the public pages (published ClaimReviews link to ``/factchecks/{id}`` there).
    public_url: str = "http://localhost:8000"
    #: Send session cookies with ``Secure`` (set when minbar is served over https).
    secure_cookies: bool = False
    smtp_url: str | None = None
    mail_from: str = "minbar@localhost"

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> Settings:
        base = data_dir or os.environ.get("MINBAR_DATA_DIR")
        kwargs: dict = {}
        if base:
            kwargs["data_dir"] = Path(base).expanduser()
        if os.environ.get("MINBAR_MAX_TEXT_CHARS"):
            kwargs["max_text_chars"] = int(os.environ["MINBAR_MAX_TEXT_CHARS"])
        if os.environ.get("MINBAR_POLITENESS_DELAY"):
            kwargs["politeness_delay"] = float(os.environ["MINBAR_POLITENESS_DELAY"])
        if os.environ.get("MINBAR_PUBLIC_URL"):
            kwargs["public_url"] = os.environ["MINBAR_PUBLIC_URL"].rstrip("/")
        if os.environ.get("MINBAR_SMTP_URL"):
            kwargs["smtp_url"] = os.environ["MINBAR_SMTP_URL"]
        if os.environ.get("MINBAR_MAIL_FROM"):
            kwargs["mail_from"] = os.environ["MINBAR_MAIL_FROM"]
        kwargs["secure_cookies"] = os.environ.get("MINBAR_SECURE_COOKIES", "") in ("1", "true")
        return cls(
            database_url=os.environ.get("MINBAR_DATABASE_URL") or None,
            redis_url=os.environ.get("MINBAR_REDIS_URL") or None,
            allow_hosts=_env_list("MINBAR_ALLOW_HOSTS"),
            **kwargs,
        )

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'minbar.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    def store_exists(self) -> bool:
        """Whether a store is there to read (a server database always is; the embedded one
        once its file exists). Stateless verbs use it so they never create a store."""
        return not self.is_sqlite or (self.data_dir / "minbar.db").exists()
