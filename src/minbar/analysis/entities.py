"""Named entities (people, organisations, places) linked to one canonical entity across scripts.

Why no model: no offline multilingual NER model ships on PyPI, and the people and places our
users follow are few and known. So extraction combines

1. an alias index over shipped lists (heads of state and ministers, organisations, media,
   companies, CLDR country names, the region's cities and provinces) and user-defined entities,
   matched with per-language inflection rules (:mod:`minbar.analysis.gazetteer`);
2. rules for everything else (:mod:`minbar.analysis.entity_rules`): titles, attribution verbs,
   capitalisation, Arabic name patterns;
3. linking: a listed entity has key ``TYPE:normalised-canonical``; an unknown person gets
   ``PER:~<consonant skeleton>`` (:func:`minbar.analysis.transliterate.skeleton`), which is the
   same for "Ali Öztürk", "Али Озтюрк" and "علي أوزتورك"; a surname alone later in the text
   takes the key of the full name mentioned before it.

Pure Python, ~1-3 ms per 3,000-character article (``benchmarks/entities.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from minbar.analysis import entity_lexicon as lex
from minbar.analysis.entity_rules import Tok, UnknownFinder, adjacent
from minbar.analysis.gazetteer import (
    EntityDef,
    Gazetteer,
    entity_key,
    given_names,
    parse_entity_file,
    shipped_defs,
    text_forms,
)
from minbar.analysis.transliterate import collapse, script_of, skeleton, to_latin, token_skeleton
from minbar.text.normalize import fold, light

__all__ = [
    "EntityDef",
    "EntityMention",
    "EntityRecognizer",
    "get_recognizer",
    "parse_entity_file",
]


@dataclass(frozen=True)
class EntityMention:
    text: str
    type: str  # "PER" | "ORG" | "LOC"
    canonical: str  # display name, Latin/English form where known
    key: str  # "TYPE:normalised-canonical"; "PER:~skeleton" for people in no list
    start: int
    end: int


_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = "'’‘ʼ"
_SENT_BREAK = set('.!?\n:;"«»“”()[]')
#: Gap characters an alias may span ("U.S.", "Rostov-on-Don", "Al Thani").
_ALIAS_GAP = set(" \t-.'’")
AGGLUTINATIVE = {"tr", "az"}
_RU_FEM = ("ова", "ева", "ёва", "ина", "ына")
#: A woman's surname in a Latin canonical name (Mehriban Aliyeva, Maria Zakharova).
_FEM_LATIN = re.compile(r"(?:ov|ev|in|sk)a(?:ya)?$")


@lru_cache(maxsize=200_000)
def _word_info(word: str) -> tuple[str, str]:
    return fold(word), script_of(word)


def tokenize(text: str) -> list[Tok]:
    """Word tokens with offsets; a Latin suffix after an apostrophe (``Türkiye'nin``,
    ``Russia's``) is dropped so the name ends before it."""
    toks: list[Tok] = []
    prev_end = 0
    for m in _WORD.finditer(text):
        s, e = m.start(), m.end()
        if (
            toks
            and s - prev_end == 1
            and text[prev_end] in _APOSTROPHES
            and toks[-1].end == prev_end
            and toks[-1].script == "latin"
        ):
            prev_end = e
            continue  # suffix: part of the previous word
        word = m.group()
        gap = text[prev_end:s]
        sent_start = not toks or not _SENT_BREAK.isdisjoint(gap)
        folded, script = _word_info(word)
        toks.append(
            Tok(
                s,
                e,
                word,
                folded,
                script,
                script != "arabic" and word[0].isupper(),
                sent_start,
                gap,
            )
        )
        prev_end = e
    return toks


def _initials(toks: list[Tok], i: int) -> int:
    """Start of a person's name including initials before it ("A. B. Hüseynov")."""
    while (
        i > 0
        and len(toks[i - 1].word) == 1
        and toks[i - 1].cap
        and toks[i].gap.strip() == "."
        and not toks[i - 1].sent_start
    ):
        i -= 1
    return i


class EntityRecognizer:
    """Finds entity mentions in text and resolves bare names; build once (see
    :func:`get_recognizer`), the alias index takes ~0.3 s."""

    def __init__(self, user_entities: Iterable[EntityDef] = ()):
        defs = [(d, True) for d in user_entities] + [(d, False) for d in shipped_defs()]
        self.gaz = Gazetteer(defs)
        self.given = given_names()
        self._tha_as_s()

    def _tha_as_s(self) -> None:
        """Arabic ث is read as t in the skeleton (th in English, Luther = لوثر = Лютер), but
        Turkish and Azerbaijani write it s in Arab names (آل ثاني Al Sani, عثمان Osman): a
        listed person's Arabic alias with ث also answers to its s reading."""
        for idx, ent in enumerate(self.gaz.entities):
            if ent.type != "PER" or ent.user:
                continue
            for alias in ent.aliases:
                if "ث" in alias and len(alias.split()) >= 2:
                    sk = skeleton(alias.replace("ث", "س"))
                    if len(sk) >= 5:
                        self.gaz.skeletons.setdefault(sk, idx)

    # -- gazetteer ------------------------------------------------------------------------------

    def _match(self, toks: list[Tok], forms: list[tuple[str, ...]], i: int):
        """Longest alias starting at token ``i``: (end token, entity index) or None."""
        best = None
        frontier = [self.gaz.trie]
        j = i
        while frontier and j < len(toks) and j - i < self.gaz.max_len:
            if j > i and not set(toks[j].gap) <= _ALIAS_GAP:
                break
            nxt = []
            for node in frontier:
                for f in forms[j]:
                    if not f:  # "" is the trie's end marker, never a word
                        continue
                    child = node.get(f)
                    if child is not None:
                        nxt.append(child)
            frontier = nxt
            j += 1
            for node in frontier:
                hit = node.get(Gazetteer.END)
                if (
                    hit
                    and self._case_ok(toks, i, j, hit[1])
                    and (hit[2] is None or light(toks[i].word).endswith(hit[2]))
                ):
                    best = (j, hit[0])
                    break
        return best

    @staticmethod
    def _case_ok(toks: list[Tok], i: int, j: int, rule: str) -> bool:
        first = toks[i]
        if rule == "any" or first.script == "arabic":
            return True
        if rule == "upper":
            return all(c.isupper() for t in toks[i:j] for c in t.word if c.isalpha())
        return first.word[0].isupper()

    def _arabic_adjective(self, toks: list[Tok], i: int, j: int) -> bool:
        """ "الحكومة السعودية": a feminine nisba after a definite noun is an adjective, not the
        country."""
        if j != i + 1 or i == 0 or toks[i].script != "arabic":
            return False
        prev, word = toks[i - 1].fold, toks[i].fold
        return (
            word.startswith("ال")
            and word.endswith(("يه", "ي"))
            and prev.startswith("ال")
            and prev not in lex.AR_STOP
        )

    @staticmethod
    def _extend_name(toks: list[Tok], covered: list[str | None], j: int) -> int:
        end = j
        while (
            end < len(toks)
            and end - j < 2
            and covered[end] is None
            and toks[end].cap
            and toks[end].script != "arabic"
            and toks[end].gap.strip() in ("", "-")
            and toks[end].fold not in lex.NOT_NAMES
            and toks[end].fold not in lex.TITLES
            and not toks[end].sent_start
        ):
            end += 1
        return end

    def _user_windows(self, toks: list[Tok], covered: list[str | None], lang):
        """User entities written in a script their aliases do not use: word windows whose
        consonant skeleton equals an alias's (longest window first)."""
        found = []
        i = 0
        while i < len(toks):
            hit = None
            first = toks[i]
            if (
                covered[i] is None
                and (first.script == "arabic" or first.cap)
                and first.fold not in lex.AR_STOP
                and first.fold not in lex.NOT_NAMES
            ):
                for j in range(min(len(toks), i + self.gaz.user_max_words), i, -1):
                    if any(covered[k] for k in range(i, j)) or not all(
                        adjacent(toks[k]) for k in range(i + 1, j)
                    ):
                        continue
                    sk = collapse("".join(token_skeleton(t.word, lang) for t in toks[i:j]))
                    idx = self.gaz.user_skeletons.get(sk)
                    if idx is not None:
                        hit = (i, j, idx, self.gaz.entities[idx].type)
                        break
            if hit:
                found.append(hit)
                covered[hit[0] : hit[1]] = [hit[3]] * (hit[1] - hit[0])
                i = hit[1]
            else:
                i += 1
        return found

    @staticmethod
    def _extend_place(toks, forms, covered, i: int, j: int) -> tuple[int, int]:
        def ok(k: int) -> bool:
            return covered[k] is None and toks[k].cap and toks[k].script != "arabic"

        if i > 0 and ok(i - 1) and toks[i - 1].fold in lex.LOC_BEFORE and adjacent(toks[i]):
            i -= 1
        while (
            j < len(toks)
            and ok(j)
            and adjacent(toks[j])
            and (toks[j].fold in lex.LOC_AFTER or any(f in lex.LOC_AFTER for f in forms[j]))
        ):
            j += 1
        return i, j

    # -- extraction -----------------------------------------------------------------------------

    def extract(self, text: str, lang: str | None) -> list[EntityMention]:
        """Entity mentions in ``text``, ordered by offset (``lang`` selects inflection rules;
        None tries the Turkic suffix rules too)."""
        toks = tokenize(text)
        agg = lang in AGGLUTINATIVE or lang is None
        forms = [text_forms(t.word, agg) for t in toks]
        covered: list[str | None] = [None] * len(toks)
        spans: list[tuple[int, int, int | None, str]] = []  # (i, j, entity idx, type)
        i = 0
        while i < len(toks):
            hit = self._match(toks, forms, i)
            if hit and not self._arabic_adjective(toks, i, hit[0]):
                j, idx = hit
                ent = self.gaz.entities[idx]
                spans.append((i, j, idx, ent.type))
                for k in range(i, j):
                    covered[k] = ent.type
                i = j
            else:
                i += 1
        if self.gaz.user_skeletons:
            spans += self._user_windows(toks, covered, lang)
            spans.sort()
        for n, (i, j, idx, kind) in enumerate(spans):
            if kind == "PER":  # "Tamim bin Hamad" + "Al Thani"
                start, end = i, self._extend_name(toks, covered, j)
            elif kind == "LOC":  # "Şərqi" + "Almaniya", "Naxçıvan" + "Muxtar Respublikası"
                start, end = self._extend_place(toks, forms, covered, i, j)
            else:
                continue
            if (start, end) != (i, j):
                spans[n] = (start, end, idx, kind)
                covered[start:end] = [kind] * (end - start)
        finder = UnknownFinder(toks, forms, covered, self.given)
        for s, e, kind in finder.find():
            spans = [sp for sp in spans if sp[1] <= s or sp[0] >= e]  # an ORG run absorbs
            spans.append((s, e, None, kind))
        spans = [
            (_initials(toks, i), j, idx, kind) if kind == "PER" else (i, j, idx, kind)
            for i, j, idx, kind in spans
        ]
        spans.sort()
        return self._mentions(text, toks, forms, spans, lang)

    def _mentions(self, text, toks, forms, spans, lang) -> list[EntityMention]:
        out: list[EntityMention] = []
        surnames: dict[str, tuple[str, str]] = {}  # folded last word → (canonical, key)
        taken = set()
        # Full names first, wherever they are: a headline's "Başkanı Altun" precedes the body's
        # "Fahrettin Altun" and must get the same key.
        order = sorted(range(len(spans)), key=lambda n: (spans[n][1] - spans[n][0] < 2, n))
        resolved: dict[int, tuple[str, str]] = {}
        for n in order:
            i, j, idx, kind = spans[n]
            surface = text[toks[i].start : toks[j - 1].end]
            if idx is not None:
                ent = self.gaz.entities[idx]
                canonical, key = ent.canonical, ent.key
            elif kind == "PER":
                canonical, key = self._person(surface, lang, toks[j - 1], surnames)
            else:
                canonical = to_latin(surface)
                key = entity_key(kind, canonical)
            if kind == "PER" and j - i >= 2:
                for f in forms[j - 1]:
                    surnames.setdefault(f, (canonical, key))
            resolved[n] = (canonical, key)
        for n, (i, j, _idx, kind) in enumerate(spans):
            taken.update(range(i, j))
            surface = text[toks[i].start : toks[j - 1].end]
            canonical, key = resolved[n]
            out.append(EntityMention(surface, kind, canonical, key, toks[i].start, toks[j - 1].end))
        # a surname alone after its full name: "... Ali Öztürk ... Öztürk said"
        for k, tok in enumerate(toks):
            if k in taken or (tok.script != "arabic" and not tok.cap) or len(tok.fold) < 3:
                continue
            hit = next((surnames[f] for f in forms[k] if f in surnames), None)
            if hit and tok.fold not in lex.NOT_NAMES and tok.fold not in lex.AR_STOP:
                first = next((m for m in out if m.key == hit[1]), None)
                if first is not None and first.start < tok.start:
                    out.append(EntityMention(tok.word, "PER", hit[0], hit[1], tok.start, tok.end))
        out.sort(key=lambda m: m.start)
        return out

    def _person(self, surface: str, lang, last: Tok, surnames) -> tuple[str, str]:
        """Canonical and key of a person in no list: a listed person under another spelling
        (same skeleton), the full name this surname belongs to, or a new skeleton key."""
        sk = skeleton(surface, lang)
        idx = self.gaz.skeletons.get(sk)
        if idx is not None:
            ent = self.gaz.entities[idx]
            return ent.canonical, ent.key
        if " " not in surface.strip() and last.fold in surnames:
            return surnames[last.fold]
        return to_latin(surface), f"PER:~{sk or fold(surface)}"

    # -- resolution -----------------------------------------------------------------------------

    def resolve(self, name: str, lang: str | None) -> EntityMention | None:
        """A bare name or speaker string ("Dışişleri Bakanı Hakan Fidan", "Али Озтюрк") as
        one entity: the first person found in it, else the first organisation; a string that
        is only a name (1-4 words, no cue) is taken as a person."""
        name = name.strip()
        if not name:
            return None
        found = self.extract(name, lang)
        toks = tokenize(name)
        surface = name[toks[0].start : toks[-1].end] if toks else ""
        span = (toks[0].start, toks[-1].end) if toks else (0, 0)
        # A string that is only a name, of which extraction took a part ("Пан Ги Мун" → the
        # Panama of "Пан"; "Məhəmməd Əmin Rəsulzadə" → "Əmin Rəsulzadə"), is one person.
        whole = (
            self._only_name(toks)
            and not any(m.type == "ORG" for m in found)  # an organisation's name stays one
            and (
                not any((m.start, m.end) == span for m in found)
                or self._woman_or_genitive(toks, found)
            )
        )
        if not whole:
            for kind in ("PER", "ORG"):
                hit = next((m for m in found if m.type == kind), None)
                if hit:
                    return hit
            return found[0] if found else None
        canonical, key = self._person(surface, lang, toks[-1], {})
        return EntityMention(surface, "PER", canonical, key, toks[0].start, toks[-1].end)

    def _woman_or_genitive(self, toks: list[Tok], found: list[EntityMention]) -> bool:
        """A lone Russian surname in -ова/-ева/-ина is a woman's name or a man's genitive
        (Алиева). A name string (a speaker, a user's query) is in the nominative, so it is read
        as the woman's, not as a listed man's genitive; in running text the genitive reading
        stays (Встреча Путина и Эрдогана)."""
        if len(toks) != 1 or toks[0].script != "cyrillic" or not toks[0].fold.endswith(_RU_FEM):
            return False
        hit = next((m for m in found if m.type == "PER"), None)
        return (
            hit is not None
            and not hit.key.startswith("PER:~")
            and not _FEM_LATIN.search(fold(hit.canonical))
        )

    @staticmethod
    def _only_name(toks: list[Tok]) -> bool:
        """1-4 words that can only be a person's name: capitalised (a lower-case part after a
        hyphen, "Ban Ki-moon", or a connector such as "bin", "de" allowed), no title, no
        stop word. Connectors do not count towards the four ("Тамим бин Хамад Аль Тани")."""
        connectors = lex.AR_NAME_CONNECTORS | lex.NAME_CONNECTORS
        words = sum(t.fold not in connectors for t in toks)
        if not 1 <= words <= 4 or len(toks) > 6:
            return False
        if toks[0].script != "arabic" and not all(
            t.cap or t.fold in lex.NAME_CONNECTORS or (k and t.gap == "-")
            for k, t in enumerate(toks)
        ):
            return False
        return not any(
            t.fold in lex.NOT_NAMES
            or t.fold in lex.AR_STOP
            or t.fold in lex.TITLES
            or t.fold in lex.AR_TITLES
            for t in toks
        )


_CACHE: dict[tuple, EntityRecognizer] = {}


def get_recognizer(user_entities: tuple[EntityDef, ...] = ()) -> EntityRecognizer:
    """A recogniser for these user entities, built once per distinct set (EntityDef holds a
    list, so the cache key is its contents)."""
    key = tuple((d.canonical, d.type, tuple(d.aliases)) for d in user_entities)
    rec = _CACHE.get(key)
    if rec is None:
        if len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        rec = _CACHE[key] = EntityRecognizer(user_entities)
    return rec
