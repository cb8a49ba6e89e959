"""Translations of what the watch area sends (e-mails, digests): the ``watch`` gettext domain,
read from the same ``.po`` files the web app merges (``web/locale/<lang>/LC_MESSAGES/watch.po``),
so a message is translated once for the page and the e-mail."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LANGUAGES = ("ar", "tr", "az", "en", "ru")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "web" / "locale"


@lru_cache(maxsize=8)
def catalog(lang: str) -> dict[str, str]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "watch.po"
    if lang == "en" or not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    return {m.id: m.string for m in cat if m.id and isinstance(m.id, str) and m.string}


def gettext(lang: str, message: str, **values) -> str:
    text = catalog(lang if lang in LANGUAGES else "en").get(message) or message
    return text % values if values else text


def direction(lang: str) -> str:
    return "rtl" if lang == "ar" else "ltr"
