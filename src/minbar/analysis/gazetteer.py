"""Entity lists (shipped and user-defined) and the alias index the recogniser walks.

Why a token trie over normalised forms and not a regex or Aho-Corasick over characters: the
five languages inflect names differently, and each needs its own "same word" test —

* Turkish/Azerbaijani add case suffixes (``Azərbaycanın``, ``Bakıda``, ``Ankara'da``): a text
  token also matches an alias token it *starts with* when the rest is a known case suffix;
* Russian changes the ending (``Россия`` → ``России``, ``Путин`` → ``Путина``): both sides are
  reduced to a stem by stripping one declension ending;
* Arabic glues clitics in front (``بالرياض``, ``وأذربيجان``, ``للأمم``): the text token also
  matches without them.

Every token gets a small set of such forms (cached), and the trie is walked over those sets, so
one dictionary lookup per token and form finds every alias: about 1-2 ms for a 3,000-character
article in pure Python, with no native dependency.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from minbar.analysis.transliterate import (
    given_names,  # noqa: F401 (re-exported: the entity recogniser imports it from here)
    latin_to_cyrillic,
    script_of,
    skeleton,
)
from minbar.text.normalize import fold, light, tokens

TYPES = ("PER", "ORG", "LOC")
_DATA = "minbar.analysis.data"

# --- user/shipped entity definitions -----------------------------------------------------------


@dataclass
class EntityDef:
    """One entity as a user (or our shipped list) defines it."""

    canonical: str
    type: str
    aliases: list[str] = field(default_factory=list)


def entity_key(type_: str, canonical: str) -> str:
    """Stable id ``TYPE:normalised-canonical`` ("PER:fahrettin-altun")."""
    return f"{type_}:{'-'.join(tokens(canonical))}"


def _check(defn: EntityDef, where: str) -> EntityDef:
    if not defn.canonical.strip():
        raise ValueError(f"{where}: empty canonical name")
    if defn.type not in TYPES:
        raise ValueError(f"{where}: type {defn.type!r} is not one of {', '.join(TYPES)}")
    return defn


def _parse_csv(text: str, name: str) -> list[EntityDef]:
    out: list[EntityDef] = []
    for lineno, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if lineno == 1 and [c.strip().lower() for c in row[:2]] == ["canonical", "type"]:
            continue
        where = f"{name}:{lineno}"
        if len(row) not in (2, 3):
            raise ValueError(f"{where}: expected canonical,type,aliases — got {len(row)} columns")
        aliases = [a.strip() for a in row[2].split("|") if a.strip()] if len(row) == 3 else []
        out.append(_check(EntityDef(row[0].strip(), row[1].strip().upper(), aliases), where))
    return out


def _parse_yaml(text: str, name: str) -> list[EntityDef]:
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - pyyaml is a declared dependency
        raise ValueError(f"{name}: reading YAML needs the 'pyyaml' package") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ValueError(f"{name}: invalid YAML: {exc}") from exc
    if root is None:
        return []
    if isinstance(root, yaml.MappingNode):  # {entities: [...]}
        root = next((v for k, v in root.value if k.value == "entities"), None)
    if not isinstance(root, yaml.SequenceNode):
        raise ValueError(f"{name}:1: expected a list of entities (or a mapping 'entities:')")
    out: list[EntityDef] = []
    for node in root.value:
        where = f"{name}:{node.start_mark.line + 1}"
        item = yaml.safe_load(yaml.serialize(node))
        if not isinstance(item, dict) or "canonical" not in item or "type" not in item:
            raise ValueError(f"{where}: each entity needs 'canonical' and 'type'")
        aliases = item.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [a.strip() for a in aliases.split("|")]
        if not isinstance(aliases, list):
            raise ValueError(f"{where}: 'aliases' must be a list or a |-separated string")
        defn = EntityDef(
            str(item["canonical"]).strip(),
            str(item["type"]).strip().upper(),
            [str(a).strip() for a in aliases if str(a).strip()],
        )
        out.append(_check(defn, where))
    return out


def parse_entity_file(path: str | Path) -> list[EntityDef]:
    """Entities from a CSV (``canonical,type,aliases`` with aliases separated by ``|``) or a
    YAML file (a list of ``{canonical, type, aliases}``); ValueError names file and line."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        return _parse_yaml(text, path.name)
    return _parse_csv(text, path.name)


# --- token forms -------------------------------------------------------------------------------

#: Turkish/Azerbaijani case endings (folded: ı→i, ə→e …), longest first.
TR_SUFFIXES = tuple(
    sorted(
        {
            "nin", "nun", "in", "un", "ya", "ye", "na", "ne", "a", "e", "yi", "yu", "ni", "nu",
            "i", "u", "da", "de", "ta", "te", "nda", "nde", "dan", "den", "tan", "ten", "ndan",
            "nden", "daki", "deki", "ndaki", "ndeki", "taki", "teki", "la", "le", "yla", "yle",
            "dir", "dur", "nan", "nen",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
#: Russian declension endings, longest first (one is stripped from alias and text alike).
#: Not -ов/-ев: they end surnames (Алиев would become Али).
RU_ENDINGS = tuple(
    sorted(
        "ами ями ого его ому ему ыми ими ой ей ий ый ая яя ое ее ую юю ом ем ах ях ам ям ию ия"  # noqa: SIM905
        " ии ие ье ья а я у ю е ы и о ь й".split(),
        key=len,
        reverse=True,
    )
)
_SURNAME_ENDS = ("ov", "ev", "in")
AR_PREFIXES = ("و", "ف")
AR_PREPS = ("ب", "ل", "ك")
_WORD = re.compile(r"[^\W_]+")


def _strip_ending(word: str) -> str:
    for end in RU_ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


def ru_stem(word: str) -> str:
    """Strip declension endings to a fixed point, so that alias and text agree even when the
    nominative itself ends like a case form (Ильхам → ильх, Ильхама → ильхам → ильх)."""
    for _ in range(3):
        stem = _strip_ending(word)
        if stem == word:
            break
        word = stem
    return word


def alias_form(word: str) -> str:
    """How an alias word is stored in the trie (folded; Russian stemmed)."""
    f = fold(word)
    return ru_stem(f) if script_of(f) == "cyrillic" else f


@lru_cache(maxsize=200_000)
def text_forms(word: str, agglutinative: bool) -> tuple[str, ...]:
    """Every trie form a text word may stand for (see the module docstring)."""
    f = fold(word)
    script = script_of(f)
    if script == "cyrillic":
        return (ru_stem(f),)
    if script == "arabic":
        forms = {f}
        base = f
        if base[:1] in AR_PREFIXES and len(base) > 3:
            base = base[1:]
            forms.add(base)
        if base[:1] in AR_PREPS and len(base) > 3:
            rest = base[1:]
            forms.add(rest)
            if base.startswith("لل"):
                forms.add("ا" + rest)  # للأمم → الأمم
        return tuple(forms)
    if not agglutinative:
        return (f,)
    forms = [f]
    for suf in TR_SUFFIXES:
        if f.endswith(suf) and len(f) - len(suf) >= 3:
            if suf == "a" and f[:-1].endswith(_SURNAME_ENDS):
                continue  # Əliyeva, Məmmədova: a woman's surname, not a dative
            forms.append(f[: -len(suf)])
    return tuple(forms)


# --- the index ---------------------------------------------------------------------------------


@dataclass
class Entity:
    canonical: str
    type: str
    key: str
    aliases: list[str]
    user: bool = False


#: Case rule stored with an alias: ``upper`` (acronym: text must be all capitals), ``cap``
#: (first letter must be a capital in Latin/Cyrillic text) or ``any`` (alias written lower-case).
def _case_rule(alias: str) -> str:
    letters = [c for c in alias if c.isalpha()]
    if not letters or script_of(alias) == "arabic":
        return "any"
    if len(letters) <= 6 and all(c.isupper() for c in letters):
        return "upper"
    return "cap" if letters[0].isupper() else "any"


def _short_arabic(alias: str) -> str | None:
    """A short one-word Arabic alias must match before hamza folding: "وان" (Van) is also
    "وأن" (and that) once أ is folded to ا."""
    if script_of(alias) != "arabic" or " " in alias.strip():
        return None
    form = light(alias)
    return form if len(form) <= 4 else None


class Gazetteer:
    """Alias trie plus the skeleton index used to link unknown spellings of listed people."""

    END = ""  # trie key holding (entity index, case rule) at the end of an alias

    def __init__(self, defs: Iterable[tuple[EntityDef, bool]]):
        self.entities: list[Entity] = []
        self.by_key: dict[str, int] = {}
        self.trie: dict = {}
        self.max_len = 1
        self.skeletons: dict[str, int] = {}
        #: user entities by the skeleton of each alias: matched over word windows in any
        #: script, so "Selim Karaca" is found as "سليم قره جه" with no Arabic alias given
        self.user_skeletons: dict[str, int] = {}
        self.user_max_words = 0
        for defn, user in defs:
            self.add(defn, user)

    def add(self, defn: EntityDef, user: bool = False) -> int:
        key = entity_key(defn.type, defn.canonical)
        idx = self.by_key.get(key)
        if idx is None:
            idx = len(self.entities)
            self.entities.append(Entity(defn.canonical, defn.type, key, [], user))
            self.by_key[key] = idx
        ent = self.entities[idx]
        names = [defn.canonical, *defn.aliases]
        if user:  # user entities also match in Cyrillic, transliterated from their Latin names
            names += [latin_to_cyrillic(n) for n in names if script_of(n) == "latin"]
        for alias in names:
            if alias in ent.aliases:
                continue
            ent.aliases.append(alias)
            self._insert(alias, idx, user)
            sk = skeleton(alias)
            n_words = len(_WORD.findall(alias))
            if ent.type == "PER" and len(sk) >= 5 and n_words >= 2:
                self.skeletons.setdefault(sk, idx)
            if user:  # Latin c/x read the Turkic and the English way
                for variant in {sk, skeleton(alias, "en")}:
                    if len(variant) >= 5:
                        self.user_skeletons.setdefault(variant, idx)
                        self.user_max_words = max(self.user_max_words, n_words + 1)
        return idx

    def _insert(self, alias: str, idx: int, user: bool) -> None:
        words = [alias_form(w) for w in _WORD.findall(alias)]
        if not words:
            return
        node = self.trie
        for w in words:
            node = node.setdefault(w, {})
        # user entities win over shipped ones; otherwise the first list to claim an alias does
        if self.END not in node or user:
            node[self.END] = (idx, _case_rule(alias), _short_arabic(alias))
        self.max_len = max(self.max_len, len(words))


def _shipped_defs() -> list[EntityDef]:
    root = resources.files(_DATA)
    defs: list[EntityDef] = []
    for name in ("people.csv", "orgs.csv", "places.csv"):
        defs.extend(_parse_csv(root.joinpath(name).read_text("utf-8"), name))
    for row in json.loads(root.joinpath("countries.json").read_text("utf-8")):
        defs.append(EntityDef(row["canonical"], "LOC", row["aliases"]))
    return defs


@lru_cache(maxsize=1)
def shipped_defs() -> tuple[EntityDef, ...]:
    """The lists shipped in ``minbar/analysis/data`` (people, organisations, places, CLDR)."""
    return tuple(_shipped_defs())
