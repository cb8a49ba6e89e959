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
from minbar.text.names import dictionary_form, turkish_head_form
from minbar.text.ru_case import nominative

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
    "عقب",
    "إثر",
    "السبت",
    "الأحد",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
}
_AR_TRIM = re.compile(
    r"\s+(?:خلال|أمام|قد|يوم|اليوم|أمس|عقب|إثر|بعد|لل\S+|لـ\S*|لوكالة\s.*|لصحيفة\s.*|"
    r"في\s+(?:بيان|مؤتمر|تصريح|تصريحات|حديث|مقابلة|كلمة|تغريدة|منشور|لقاء)\b).*$"
)
_LEAD = re.compile(
    r"^(?:and|but|also|а|и|но|же|ve|və|amma|ancak|من جهته|من جانبه|بدوره|بدورها|"
    r"في المقابل|و)\s*[,،]?\s+",
    re.IGNORECASE,
)
_TRAIL = re.compile(
    r"\s+(?:ise|isə|da|də|de|həmçinin|ayrıca|also|же|также|yine|ранее|earlier|önce|əvvəl|has|have"
    r"|had|was|were|is|are|would|will|has also|had also)$",
    re.IGNORECASE,
)
_AR_TAIL = re.compile(r"\s+(?:و?(?:نف|رفض|رد|أكد|قال|أعلن|ذكر|أوضح)\S*)(?:\s.*)?$")
#: Words a speaker phrase may continue with after the name (ru "— сказал X журналистам").
_AFTER_NAME = re.compile(r"^(?:\w+(?:ам|ям)|после|на|в|во|по|при)$")
#: English sentence subject: the words before the first past-tense or auxiliary verb.
_EN_SUBJECT = re.compile(
    r"^((?:[A-Z][^\s]*)(?:\s+(?!on\s+\w+day\b)[^\s,]+){0,8}?)(?:\s+on\s+\w+day)?\s+"
    r"(?:\w+ed|has|have|had|was|were|is|are|left|made|gave|took|kept|sent|held|met|put|set|"
    r"said|told)\b"
)
_CONJ = {"and", "və", "ve", "и"}
_RU_GEN = re.compile(r"(?:ии|ы|а|и|ого|ой|я)$")


@functools.lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    from minbar.analysis.gazetteer import given_names

    return given_names()


def fold(text: str) -> str:
    """Case-fold that keeps Turkish/Azerbaijani "İ" a plain "i" (str.casefold adds a dot)."""
    return text.replace("İ", "i").casefold()


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
    return phrase.strip(" ,.;:،")


def trim_title_phrase(phrase: str, lang: str) -> str:
    """A speaker phrase without a name, shortened to the speaker (Arabic: drop "في بيان"…)."""
    if lang == "ar":
        phrase = _AR_TAIL.sub("", _AR_TRIM.sub("", " " + phrase)).strip()
    return phrase.strip(" ,.;:،")


def _same_surname(mention: str, known: str) -> bool:
    a, b = fold(mention), fold(known)
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


def _has(lang: str, stems: re.Pattern, low: str) -> bool:
    if lang == "ar":
        if low.startswith("ال"):
            low = low[2:]
        elif low[:1] in "لبوف" and len(low) > 3 and stems.match(low[1:]):
            return True  # proclitic: "لجامعة"
        return bool(stems.match(low) or stems.match("ال" + low))
    return bool(stems.match(low))


def _acronym(token: str) -> bool:
    base = re.split(r"['’-]", token)[0]
    return len(base) > 1 and base.isupper() and base.isalpha()


@functools.lru_cache(maxsize=65536)
def _word_class(lang: str, token: str) -> tuple[bool, bool, bool]:
    """(is a person title, is an organisation word, may be part of a person's name) — cached,
    since every sentence asks about the same few thousand words."""
    low = fold(token).strip(".")
    title = _has(lang, _stems(lang, "titles"), low)
    org = _has(lang, _stems(lang, "orgs"), low) or _acronym(token)
    if _NAME_PARTICLE.match(token):
        return title, org, True
    if not token[:1].isupper() or token.endswith(("'s", "’s")):
        return title, org, False
    stop = C.STOPWORDS.get(lang, set())
    pronouns = C.PRONOUNS.get(lang, set())
    return title, org, not (low in stop or low in pronouns or title or org)


class Speakers:
    """Speakers of one article, in reading order (resolution state across its sentences)."""

    def __init__(self, lang: str, people: Sequence[str] = ()) -> None:
        self.lang = lang
        self.pronouns = C.PRONOUNS.get(lang, set())
        self.known: list[str] = [p for p in people if len(p.split()) >= 2]
        self.history: list[tuple[str, str, bool]] = []  # (speaker, raw phrase, is a person)
        self.titles_of: dict[str, set[str]] = {}  # full name → title words seen before it
        self.unit = 0  # index of the sentence group being read
        self.last_quote_unit = -1  # last group that had a quote
        self.subject: tuple[str, int] | None = None  # person named at a group's start

    # --- word classes ----------------------------------------------------------------------

    def is_title(self, token: str) -> bool:
        return _word_class(self.lang, token)[0]

    def is_org(self, token: str) -> bool:
        return _word_class(self.lang, token)[1]

    def _namelike(self, token: str) -> bool:
        return _word_class(self.lang, token)[2]

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
            titled = any(self.is_title(t) for t in tokens[max(0, i - 6) : i])
            if (
                fold(prev) in C.PLACE_PREPOSITIONS
                or fold(prev) in _CONJ
                or (prev and self.is_org(prev) and not titled)
            ):
                if j - i < 3:  # "Ministry of Emergency Situations"; but "Minister of
                    continue  # Digital Development and Transport Kamran Novruzov" → last two
                i = j - 2
            if nxt and nxt not in ",(" and (self.is_org(nxt) or self.is_title(nxt)):
                continue
            if fold(nxt) in _CONJ and j + 1 < len(tokens) and tokens[j + 1][:1].isupper():
                continue  # "Ekologiya və Təbii Sərvətlər Nazirliyi": one institution's name
            lower_next = (
                nxt
                and nxt not in ",("
                and nxt[:1].islower()
                and fold(nxt) not in C.SPEAKER_PARTICLES
                and not _AFTER_NAME.match(fold(nxt))
            )
            if (
                lower_next
                and not (harvest and j - i >= 2)
                and (
                    j - i == 1 or not sov or re.search(r"(?:ları|ləri|leri|lari|sı|si|su|sü)$", nxt)
                )
            ):
                continue  # "Turkish officials", "Depremin ardından …": not a name
            run = [strip_suffix(t) for t in tokens[i:j]]
            while self.lang == "ru" and len(run) >= 3 and _RU_GEN.search(run[0]):
                run = run[1:]  # "Саудовской Аравии Фейсал аль-Харби"
            if sov and len(run) >= 3 and re.search(r"[-'’][a-zəöüçşğı]{1,3}$", tokens[j - 1]):
                run = run[:2]  # "Elçin Qasımov Xəzər Xəbər-ə": the name, then the outlet
            elif sov and len(run) >= 3 and re.search(r"(?:da|də|dan|dən)$", run[-1]):
                run = run[:-1]  # "Səlim Qaraağac Ankarada"
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
        prev = prev2 = ""  # a name starts the phrase or follows a title or an "al-" word, not a
        for tok in tokens:  # bare construct noun ("هيئة إدارة" is an organisation)
            t = tok.strip("،,.:()")
            if not t:
                continue
            if not name:
                ok_prev = (
                    not prev
                    or prev.startswith(_AR_PREFIXES)
                    or self.is_title(prev)
                    or (  # a place after a preposition: "طبيبة الأطفال في دبي ريم الخطيب"
                        prev2 in _AR_STOP
                        and prev not in _AR_STOP
                        and not self.is_org(prev)
                        and not self.is_title(prev)
                    )
                )
                prev2, prev = prev, t
                if (
                    not ok_prev
                    or t.startswith(_AR_PREFIXES)
                    or t in _AR_STOP
                    or self.is_title(t)
                    or self.is_org(t)
                    or t[0].isdigit()
                    or t.endswith("ية")
                    or (t.startswith("م") and t.endswith(("ون", "ين")))  # مراقبون، مسؤولين
                    or len(t) < 2
                ):
                    continue
                name.append(t)
                continue
            if t in _AR_STOP or self.is_title(t) or self.is_org(t) or t[0].isdigit():
                if len(name) == 1 and (self.is_title(t) or self.is_org(t)):
                    name = []  # "في إسطنبول الدكتورة عائشة": the place was not the name
                    prev2, prev = prev, t
                    continue
                break
            if t.startswith(("لل", "بال", "وال", "فال", "لـ")):
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
        comma = tokens.index(",") if "," in tokens else -1
        if self.lang == "en" and 0 < comma < len(tokens) - 1 and tokens[comma + 1][:1].islower():
            head = self._person_latin(tokens[:comma])  # "X, an analyst at Y Capital, told …"
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
            self.titles_of.setdefault(speaker, set()).update(fold(raw).split())

    def _last(self) -> str | None:
        last = self._last_raw()
        return self._dictionary_form(last) if last else last

    def _last_raw(self) -> str | None:
        """Most recent person speaker, unless a sentence after that speaker's quote had another
        named person as its subject ("Opposition leader X called the bill … . He said …");
        else the most recent speaker; else the last full name mentioned."""
        if self.subject and self.subject[1] > self.last_quote_unit:
            return self.subject[0]
        for speaker, _raw, person in reversed(self.history):
            if person:
                return speaker
        if self.history:
            return self.history[-1][0]
        return self.known[-1] if self.known else None

    def _by_title(self, phrase: str) -> str | None:
        """A bare title ("the minister", "Vali", "الوزير", "türkiyəli nazir") → the most recent
        person introduced with that title (as a speaker or anywhere in the text)."""
        words = fold(phrase).split()
        if self.lang == "en" and words[:1] == ["the"]:
            words = words[1:]
        if not words or len(words) > 2 or not self.is_title(words[-1]):
            return None
        low = words[-1]
        if self.lang == "ar":
            stem = low[2:] if low.startswith("ال") else low
        else:
            stem = low[: max(4, len(low) - 2)]
        for name in self._recent_people():
            if any(w.startswith(stem) or w.endswith(stem) for w in self.titles_of.get(name, ())):
                return name
        return None

    def _recent_people(self) -> list[str]:
        order = [sp for sp, _raw, person in reversed(self.history) if person]
        return order + [n for n in reversed(self.known) if n not in order]

    def resolve(self, phrase: str | None) -> str | None:
        """Speaker for ``phrase`` ("" or a pronoun = the most recent person speaker)."""
        if phrase is None:
            return None
        raw = clean_phrase(phrase, self.lang)
        words = fold(raw).split()
        if not words or words[0] in self.pronouns or words[-1] in self.pronouns:
            return self._last()
        name = self.person(raw)
        if name:
            name = self._dictionary_form(name)
            self._remember(name, raw, True)
            return name
        for tok in reversed(_TOKEN.findall(raw)):
            known = self.lookup(tok) if tok[:1].isupper() or self.lang == "ar" else None
            if known:
                known = self._dictionary_form(known)
                self._remember(known, raw, True)
                return known
        by_title = self._by_title(raw)
        if by_title:
            return self._dictionary_form(by_title)
        title = trim_title_phrase(raw, self.lang)
        if not title:  # "وقالت عقب السباق": only circumstances, no subject
            return self._last()
        title = self._dictionary_form(title)
        self._remember(title, raw, False)
        return title

    def _dictionary_form(self, name: str) -> str:
        """Speakers in dictionary form. Azerbaijani: no case ending (Xidmətinin → Xidməti); Russian:
        the head back in the nominative (:mod:`minbar.text.ru_case`). Turkish writes
        the ending of a name after an apostrophe (removed by ``strip_suffix``), and its bare
        names often end like one (Tekin, Sarıkaya), so only a hyphenated ending and a compound
        head's n + case (Bakanlığının) are cut there."""
        if self.lang == "az":
            return dictionary_form(name)
        if self.lang == "tr":  # and a compound head without its apostrophe (Bakanlığının)
            return turkish_head_form(dictionary_form(name, hyphen_only=True))
        if self.lang == "ru":  # по словам Сергея Лаптева → Сергей Лаптев
            return nominative(name, _given_names())
        return name

    def subject_of(self, text: str) -> str | None:
        """Speaker of a participle clause with no earlier quote in its sentence: the subject of
        the sentence (Arabic: after the initial verb; English: before the first verb), else the
        most recent speaker."""
        if self.lang == "ar":
            words = [w.strip("،,") for w in text.split()[1:9]]
            if words and (self.is_title(words[0]) or self.is_org(words[0])):
                if self.is_org(words[0]):  # construct chain: "وزارة الموارد المائية العراقية"
                    chain = [words[0]]
                    for w in words[1:]:
                        if not w.startswith("ال") or w in _AR_STOP:
                            break
                        chain.append(w)
                    return self.resolve(" ".join(chain))
                return self._by_title(words[0]) or self.resolve(" ".join(words))
            name = self._person_ar(_TOKEN.findall(" ".join(words[:6])))
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
            or fold(words[end]) in {"ve", "və"}
            or self.is_title(words[end])
        ):
            end += 1
        for i, w in enumerate(words[:10]):
            if self.is_title(w) and i >= end:
                j = i + 1
                while j < len(words) and words[j][:1].isupper():
                    j += 1
                end = j
        while end < len(words) and fold(words[end]) in C.SPEAKER_PARTICLES:
            end += 1
        for i, w in enumerate(words[:6]):  # "Basra'da yaşayan vatandaşlar ise …"
            if fold(w) in {"ise", "isə"} and i + 1 > end:
                end = i + 1
        return end

    def according_source(self, src: str) -> str | None:
        """The source in "according to X" forms, or None when it names no one ("ilkin məlumata")."""
        words = [strip_suffix(w) if "'" in w or "’" in w else w for w in src.split()]
        words = [w for w in words if fold(w) not in C.TR_ACCORDING_WORDS]
        if not words or any(fold(w).strip("،,") in C.NON_SPEAKER_SOURCES for w in words):
            return None
        return self._dictionary_form(" ".join(words))

    def harvest(self, text: str, had_quote: bool) -> None:
        """Remember full names written in ``text`` (with the titles before them) so that a later
        surname or bare title resolves to them; then move on to the next sentence group."""
        if had_quote:
            self.last_quote_unit = self.unit
        self._harvest(text)
        self.unit += 1

    def _harvest(self, text: str) -> None:
        tokens = _TOKEN.findall(text)
        if self.lang == "ar":
            for i, tok in enumerate(tokens):
                if self.is_title(tok):
                    name = self._person_ar(tokens[i : i + 9])
                    if len(name) >= 2:
                        self._add_known(" ".join(name), tokens[i : i + 9])
            return
        runs = self._person_latin(tokens, harvest=True)
        for n, run in enumerate(runs):
            name = " ".join(run)
            pos = next((k for k in range(len(tokens)) if tokens[k : k + 1] == run[:1]), 0)
            self._add_known(name, tokens[max(0, pos - 5) : pos])
            if n == 0 and pos <= 4 and self.unit > self.last_quote_unit:
                self.subject = (name, self.unit)

    def _add_known(self, name: str, context: list[str]) -> None:
        if name not in self.known:
            self.known.append(name)
        self.titles_of.setdefault(name, set()).update(fold(t) for t in context if self.is_title(t))
