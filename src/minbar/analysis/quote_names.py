"""Speaker phrases → speakers, for :mod:`minbar.analysis.quotes`.

A speaker phrase is the text the attribution rules cut out ("Interior Minister Oğuz Karataş",
"he", "وزير الداخلية التركي أوغوز قره طاش في مؤتمر صحفي", "Vali"). :class:`Speakers` turns it
into the person's full name when it holds one (the last capitalised run that is not a title or
part of an organisation's name; in Arabic, the run of name words after the titles), resolves
pronouns, surnames and bare titles against what the article said before, and otherwise keeps the
cleaned phrase (an organisation, a group, a title without a name).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from minbar.analysis import quote_cues as C

#: Stands for a direct quotation inside a sentence while the indirect rules run.
MASK = "\ue000"

_TOKEN = re.compile(r"[^\s,;:()«»“”\"„\ue000]+|[,;:()\ue000]")
_APOS = re.compile(r"['’](?:[a-zçğıöşüə]{1,6})$", re.IGNORECASE)
_NAME_PARTICLE = re.compile(
    r"^(?:al|el|es|as|ad|ash|ar|at|az|an|ad|ас|аль|ад|эль|əs|əl|ət|ən)-\w", re.IGNORECASE
)
_AR_PREFIXES = ("ال", "وال", "بال", "لل", "فال", "كال")
_AR_STOP = {
    "في",
    "خلال",
    "أمام",
    "عبر",
    "على",
    "من",
    "عن",
    "إلى",
    "مع",
    "بعد",
    "قبل",
    "حول",
    "لدى",
    "عند",
    "أثناء",
    "قد",
    "الذي",
    "التي",
    "يوم",
    "اليوم",
    "أمس",
    "مساء",
    "صباح",
    "إن",
    "أن",
    "قوله",
    "قولها",
    "لوكالة",
    "لصحيفة",
    "لقناة",
    "كان",
    "كانت",
    "وكان",
    "وكانت",
    "بدوره",
    "بدورها",
    "من جهته",
    "جهته",
    "جانبه",
    "ذلك",
    "هذا",
    "هذه",
    "و",
}
_AR_TRIM = re.compile(
    r"\s+(?:خلال|أمام|قد|يوم|اليوم|أمس|لل\S+|لوكالة\s.*|لصحيفة\s.*|في\s+(?:بيان|مؤتمر|تصريح|"
    r"تصريحات|حديث|مقابلة|كلمة|تغريدة|منشور|لقاء)\b).*$"
)
_LEAD = re.compile(
    r"^(?:and|but|also|а|и|но|же|ve|və|amma|ancak|من جهته|من جانبه|بدوره|بدورها|"
    r"في المقابل|و)\s*[,،]?\s+",
    re.IGNORECASE,
)
_TRAIL = re.compile(r"\s+(?:ise|isə|da|də|de|həmçinin|ayrıca|also|же|также|yine)$", re.IGNORECASE)
#: English sentence subject: the words before the first past-tense or auxiliary verb.
_EN_SUBJECT = re.compile(
    r"^((?:[A-Z][^\s]*)(?:\s+(?!on\s+\w+day\b)[^\s,]+){0,8}?)(?:\s+on\s+\w+day)?\s+"
    r"(?:\w+ed|has|have|had|was|were|is|are|left|made|gave|took|kept|sent|held|met|put|set|"
    r"said|told)\b"
)
_CONJ = {"and", "və", "ve", "и"}
_RU_GEN = re.compile(r"(?:ии|ы|а|и|ого|ой|я)$")


def strip_suffix(token: str) -> str:
    """Drop a Turkish/Azerbaijani case suffix after an apostrophe and a possessive 's."""
    token = token.strip(".,;:!?")
    if token.endswith(("'s", "’s")):
        return token[:-2]
    return _APOS.sub("", token)


def clean_phrase(phrase: str, lang: str) -> str:
    phrase = re.sub(r"\s+", " ", phrase.replace(MASK, " ")).strip(' ,.;:!?،—–-"«»“”')
    for _ in range(2):
        phrase = _LEAD.sub("", phrase)
        phrase = _TRAIL.sub("", phrase)
    if lang == "ar":
        phrase = _AR_TRIM.sub("", " " + phrase).strip()
    return phrase.strip(" ,.;:،")


def _same_surname(mention: str, known: str) -> bool:
    a, b = mention.casefold(), known.casefold()
    if a == b:
        return True
    if len(b) >= 4 and a.startswith(b) and len(a) - len(b) <= 3:
        return True
    return len(a) >= 5 and b.startswith(a) and len(b) - len(a) <= 2


@functools.cache
def _stems(lang: str, kind: str) -> re.Pattern:
    """One regex per word list: words of ≤ 3 letters (and all Arabic ones) match whole,
    longer ones as prefixes ("minist" → minister, ministry)."""
    table = C.PERSON_TITLES if kind == "titles" else C.ORG_WORDS
    words = table.get(lang, table["en"])
    exact = sorted({re.escape(w) for w in words if lang == "ar" or len(w) <= 3})
    prefix = sorted({re.escape(w) for w in words if lang != "ar" and len(w) > 3})
    alts = [f"(?:{'|'.join(exact)})$"] if exact else []
    if prefix:
        alts.append(f"(?:{'|'.join(prefix)})")
    return re.compile("|".join(alts))


class Speakers:
    """Speakers of one article, in reading order (resolution state across its sentences)."""

    def __init__(self, lang: str, people: Sequence[str] = ()) -> None:
        self.lang = lang
        self.titles = _stems(lang, "titles")
        self.orgs = _stems(lang, "orgs")
        self.stop = C.STOPWORDS.get(lang, set())
        self.pronouns = C.PRONOUNS.get(lang, set())
        self.known: list[str] = [p for p in people if len(p.split()) >= 2]
        self.history: list[tuple[str, str, bool]] = []  # (speaker, raw phrase, is a person)

    # --- word classes ----------------------------------------------------------------------

    def _has(self, stems: re.Pattern, token: str) -> bool:
        low = token.casefold().strip(".")
        if self.lang == "ar":
            return bool(stems.match(low) or (low.startswith("ال") and stems.match(low[2:])))
        return bool(stems.match(low))

    def is_title(self, token: str) -> bool:
        return self._has(self.titles, token)

    def is_org(self, token: str) -> bool:
        return self._has(self.orgs, token) or self._acronym(token)

    @staticmethod
    def _acronym(token: str) -> bool:
        base = re.split(r"['’-]", token)[0]
        return len(base) > 1 and base.isupper() and base.isalpha()

    def _namelike(self, token: str) -> bool:
        if _NAME_PARTICLE.match(token):
            return True
        if not token[:1].isupper() or token.endswith(("'s", "’s")):
            return False
        low = token.casefold()
        return not (
            low in self.stop or low in self.pronouns or self.is_title(token) or self.is_org(token)
        )

    # --- person names in a phrase ----------------------------------------------------------

    def _runs(self, tokens: list[str]) -> list[tuple[int, int]]:
        runs, i = [], 0
        while i < len(tokens):
            if (
                self._namelike(tokens[i])
                and not _NAME_PARTICLE.match(tokens[i])
                or (_NAME_PARTICLE.match(tokens[i]) and tokens[i][:1].isupper())
            ):
                j = i + 1
                while j < len(tokens) and self._namelike(tokens[j]):
                    j += 1
                runs.append((i, j))
                i = j
            else:
                i += 1
        return runs

    def _person_latin(self, tokens: list[str], harvest: bool = False) -> list[list[str]]:
        """Acceptable person-name runs in ``tokens`` (all of them when harvesting)."""
        out = []
        sov = self.lang in ("tr", "az")
        for i, j in self._runs(tokens):
            prev = tokens[i - 1] if i > 0 else ""
            nxt = tokens[j] if j < len(tokens) else ""
            if (
                prev.casefold() in C.PLACE_PREPOSITIONS
                or prev.casefold() in _CONJ
                or (prev and self.is_org(prev))
            ):
                if j - i < 3:  # "Ministry of Emergency Situations"; but "Minister of
                    continue  # Digital Development and Transport Kamran Novruzov" → last two
                i = j - 2
            if nxt and nxt not in ",(" and (self.is_org(nxt) or self.is_title(nxt)):
                continue
            if nxt.casefold() in _CONJ and j + 1 < len(tokens) and tokens[j + 1][:1].isupper():
                continue  # "Ekologiya və Təbii Sərvətlər Nazirliyi": one institution's name
            if (
                nxt
                and nxt not in ",("
                and nxt[:1].islower()
                and nxt.casefold() not in (C.SPEAKER_PARTICLES)
                and (not sov or re.search(r"(?:ları|ləri|leri|lari|sı|si|su|sü)$", nxt))
            ):
                continue
            run = [strip_suffix(t) for t in tokens[i:j]]
            if self.lang == "ru" and len(run) >= 3 and _RU_GEN.search(run[0]):
                run = run[1:]
            if (
                len(run) == 1
                and not harvest
                and not (i == 0 or self.is_title(prev) or self.lookup(run[0]))
            ):
                continue
            if harvest and len(run) < 2:
                continue
            out.append(run)
        return out

    def _person_ar(self, tokens: list[str]) -> list[str]:
        name: list[str] = []
        prev = ""  # a name starts the phrase or follows a title or an "al-" word, never a
        for tok in tokens:  # bare construct noun ("هيئة إدارة" is an organisation)
            t = tok.strip("،,.:()")
            if not t:
                continue
            if not name:
                ok_prev = not prev or prev.startswith(_AR_PREFIXES) or self.is_title(prev)
                prev = t
                if (
                    not ok_prev
                    or t.startswith(_AR_PREFIXES)
                    or t in _AR_STOP
                    or self.is_title(t)
                    or self.is_org(t)
                    or t[0].isdigit()
                    or t.endswith(("ية", "ون", "ين"))
                    or len(t) < 2
                ):
                    continue
                name.append(t)
                continue
            if t in _AR_STOP or self.is_title(t) or self.is_org(t) or t[0].isdigit():
                break
            if t.startswith(("لل", "بال", "وال", "فال")):
                break
            name.append(t)
            if t.startswith("ال") or len(name) >= 4:
                break
        return name

    def person(self, phrase: str) -> str | None:
        tokens = _TOKEN.findall(phrase)
        if self.lang == "ar":
            name = self._person_ar(tokens)
            if not name:
                return None
            if len(name) == 1:
                return self.lookup(name[0]) or name[0]
            return " ".join(name)
        if self.lang == "en" and "," in tokens:  # "X, an analyst at Y Capital, told …"
            head = self._person_latin(tokens[: tokens.index(",")])
            if head and len(head[-1]) >= 2:
                return " ".join(head[-1])
        runs = self._person_latin(tokens)
        if not runs:
            return None
        run = runs[-1]
        if len(run) == 1:
            return self.lookup(run[0]) or run[0]
        return " ".join(run)

    # --- resolution ------------------------------------------------------------------------

    def lookup(self, surname: str) -> str | None:
        """The most recent known full name whose last word is ``surname`` (inflected forms too)."""
        s = strip_suffix(surname)
        candidates = (s, s[1:]) if self.lang == "ar" and s.startswith("و") and len(s) > 3 else (s,)
        for name in reversed(self.known):
            last = name.split()[-1]
            if any(_same_surname(c, last) for c in candidates):
                return name
        return None

    def _remember(self, speaker: str, raw: str, person: bool) -> None:
        self.history.append((speaker, raw, person))
        if person and len(speaker.split()) >= 2:
            if speaker in self.known:
                self.known.remove(speaker)
            self.known.append(speaker)

    def _last(self) -> str | None:
        """Most recent person speaker; else the most recent speaker; else the last full name
        mentioned (a pronoun in the article's first quote refers to someone named before)."""
        for speaker, _raw, person in reversed(self.history):
            if person:
                return speaker
        if self.history:
            return self.history[-1][0]
        return self.known[-1] if self.known else None

    def _by_title(self, title: str) -> str | None:
        low = title.casefold()
        if self.lang == "ar" and low.startswith("ال"):
            low = low[2:]
        elif self.lang == "en":
            low = re.sub(r"^the\s+", "", low)
        if " " in low or not self.is_title(low if self.lang != "ar" else title):
            return None
        stem = low[: max(4, len(low) - 2)] if self.lang != "ar" else low
        for speaker, raw, person in reversed(self.history):
            if person and any(w.startswith(stem) for w in raw.casefold().split()):
                return speaker
        return None

    def resolve(self, phrase: str | None) -> str | None:
        """Speaker for ``phrase`` ("" or a pronoun = the most recent person speaker)."""
        if phrase is None:
            return None
        raw = clean_phrase(phrase, self.lang)
        if not raw or raw.casefold() in self.pronouns:
            return self._last()
        name = self.person(raw)
        if name:
            self._remember(name, raw, True)
            return name
        for tok in reversed(_TOKEN.findall(raw)):
            known = self.lookup(tok) if tok[:1].isupper() or self.lang == "ar" else None
            if known:
                self._remember(known, raw, True)
                return known
        by_title = self._by_title(raw)
        if by_title:
            return by_title
        self._remember(raw, raw, False)
        return raw

    def subject_of(self, text: str) -> str | None:
        """Speaker of a participle clause with no earlier quote in its sentence: the subject
        right after an Arabic sentence-initial verb, else the most recent speaker."""
        if self.lang == "ar":
            words = text.split()
            if len(words) > 2 and words[0].startswith("و"):
                first = words[1].strip("،,")
                if self.is_title(first):
                    return self._by_title(first) or self.resolve(first)
                name = self._person_ar(_TOKEN.findall(" ".join(words[1:7])))
                if name:
                    return self.resolve(" ".join(name))
        elif self.lang == "en":
            m = _EN_SUBJECT.match(text)
            if m:
                return self.resolve(m.group(1))
        return self._last()

    def sov_subject_end(self, span: str) -> int:
        """Number of leading words of a tr/az span that form the subject when no comma does."""
        words = span.split()
        end = 0
        while end < len(words) and (
            words[end][:1].isupper()
            or words[end].casefold() in {"ve", "və"}
            or self.is_title(words[end])
        ):
            end += 1
        for i, w in enumerate(words[:10]):
            if self.is_title(w) and i >= end:
                j = i + 1
                while j < len(words) and words[j][:1].isupper():
                    j += 1
                end = j
        while end < len(words) and words[end].casefold() in C.SPEAKER_PARTICLES:
            end += 1
        return end

    def according_source(self, src: str) -> str | None:
        """The source in "according to X" forms, or None when it names no one ("ilkin məlumata")."""
        words = [w for w in src.split() if w.casefold() not in C.TR_ACCORDING_WORDS]
        words = [w for w in words if w.casefold() not in {"yapılan", "açıklamaya", "edilen"}]
        if not words or any(w.casefold().strip("،,") in C.NON_SPEAKER_SOURCES for w in words):
            return None
        return " ".join(words)

    def harvest(self, text: str) -> None:
        """Remember full names written in ``text`` so that a later surname resolves to them."""
        if self.lang == "ar":
            return
        for run in self._person_latin(_TOKEN.findall(text), harvest=True):
            name = " ".join(run)
            if name not in self.known:
                self.known.append(name)
