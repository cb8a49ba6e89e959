"""UI languages: gettext catalogs read from ``.po`` files at start-up, and Babel formatting.

Every area of the web app keeps its own gettext domain (``web.po``, ``accounts.po``, ``cases.po``,
``watch.po`` …) under ``locale/<lang>/LC_MESSAGES/``; :func:`load_catalogs` reads all of them
with Babel's ``.po`` reader and merges them into one dictionary per language, so no compiled
``.mo`` file lives in git and a new area only drops its ``.po`` next to the others.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

log = logging.getLogger("minbar.web")

#: The UI languages, in the order the switcher shows them.
LANGUAGES: tuple[str, ...] = ("ar", "tr", "az", "en", "ru")
DEFAULT = "en"
RTL = frozenset({"ar"})
LOCALE_DIR = Path(__file__).parent / "locale"

#: The name of each language in itself (the switcher).
NATIVE_NAMES = {lang: Locale.parse(lang).display_name for lang in LANGUAGES}
NATIVE_NAMES["az"] = "Azərbaycanca"
NATIVE_NAMES["ru"] = "Русский"


class Translations:
    """One language's merged catalog: ``gettext``/``ngettext`` with ``%(name)s`` formatting."""

    def __init__(self, lang: str, messages: dict) -> None:
        self.lang = lang
        self.messages = messages  # msgid -> str, or (singular, plural) -> list[str]
        self.locale = Locale.parse(lang)

    def gettext(self, message: str, **values) -> str:
        text = self.messages.get(message) or message
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values) -> str:
        forms = self.messages.get((singular, plural))
        values.setdefault("num", n)
        if forms:
            idx = _plural_index(self.locale, n, len(forms))
            text = forms[idx] or (singular if n == 1 else plural)
        else:
            text = singular if n == 1 else plural
        return text % values

    # --- formatting ----------------------------------------------------------------------

    def number(self, value) -> str:
        if value is None:
            return ""
        return format_decimal(value, locale=self.locale)

    def datetime(self, value, fmt: str = "medium") -> str:
        value = _parsed(value)
        if isinstance(value, datetime):
            return format_datetime(value, fmt, locale=self.locale)
        if isinstance(value, date):
            return format_date(value, fmt, locale=self.locale)
        return "" if value is None else str(value)

    def date(self, value, fmt: str = "medium") -> str:
        value = _parsed(value)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return format_date(value, fmt, locale=self.locale)
        return "" if value is None else str(value)

    @property
    def dir(self) -> str:
        return "rtl" if self.lang in RTL else "ltr"


def _plural_index(locale: Locale, n: int, nforms: int) -> int:
    """The gettext plural index for CLDR categories, in the order the ``.po`` headers declare
    (zero one two few many other for Arabic; one few many for Russian; one other elsewhere)."""
    category = locale.plural_form(abs(n))
    orders = {
        "ar": ["zero", "one", "two", "few", "many", "other"],
        "ru": ["one", "few", "many", "other"],
    }
    order = orders.get(locale.language, ["one", "other"])
    idx = order.index(category) if category in order else len(order) - 1
    return min(idx, nforms - 1)


def read_catalog(path: Path) -> dict:
    with path.open("rb") as fh:
        catalog = read_po(fh)
    out: dict = {}
    for msg in catalog:
        if not msg.id or msg.fuzzy:
            continue
        if isinstance(msg.id, tuple | list):
            forms = list(msg.string) if isinstance(msg.string, tuple | list) else [msg.string]
            if any(forms):
                out[tuple(msg.id[:2])] = forms
        elif msg.string:
            out[msg.id] = msg.string
    return out


def load_catalogs(base: Path = LOCALE_DIR) -> dict[str, Translations]:
    """Every language's merged catalog (all ``*.po`` domains); English falls back to msgids."""
    result = {}
    for lang in LANGUAGES:
        merged: dict = {}
        folder = base / lang / "LC_MESSAGES"
        for po in sorted(folder.glob("*.po")) if folder.is_dir() else []:
            try:
                merged.update(read_catalog(po))
            except Exception:  # one broken domain must not take the whole UI down
                log.exception("cannot read catalog %s", po)
        result[lang] = Translations(lang, merged)
    return result


def negotiate(accept_language: str | None) -> str | None:
    """The best UI language in an ``Accept-Language`` header (q-values honoured), or None."""
    if not accept_language:
        return None
    ranked = []
    for i, part in enumerate(accept_language.split(",")[:20]):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip().lower()))
    for negq, _i, tag in sorted(ranked):
        if negq == 0:
            continue
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return None


def _parsed(value):
    """An ISO string as a datetime; ``None`` for empty; anything else (a bad string) as it is."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value
