"""Quotes: who said what, in direct and indirect speech, for ar, tr, az, en and ru.

Regex rules over the sentences of one article (no model: the enrichment stage must stay at
~1–2 ms per article). Two passes per sentence group:

* **direct** — text inside quote marks (« », “ ”, „ “, " ") counts only with a speech cue next to
  it (``"…," he said``, ``«…», — сказал X``, ``"…" dedi``, ``"…", – deyə X qeyd edib``,
  ``X said: "…"``, ``وأضاف: «…»``), inside a reported clause (``said the tremor was "…"``), or
  when it stands alone as a sentence of at least four words (the continuation of a speaker's
  quote). Short quoted names (``the so-called "peace plan"``, ``«Аэро Каспий»``) are not speech.
* **indirect** — a reporting verb plus its clause (``X said (that) …``, ``X заявил, что …``,
  ``X … olduğunu söyledi``, ``X bildirib ki, …``, ``وقال X إن …``), the inverted forms
  (``…, X said``, ``…, сообщили в …``), "according to" (``по словам X``, ``X'e göre``,
  ``بحسب X``) and participles that add a clause for the same speaker (``adding that``,
  ``مضيفاً أن``, ``…-DIğInI belirten X,``).

Speakers are resolved in text order (:class:`_Speakers`): a pronoun or an empty subject
(``وأضاف``, ``"…" diye ekledi``) is the most recent person speaker; a surname is the full name
mentioned earlier (``people`` from the entity stage first, then names seen in the text); a bare
title (``the minister``, ``Vali``, ``الوزير``) is the most recent speaker introduced with that
title; anything else keeps its phrase (``the ministry spokesperson``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from minbar.analysis import quote_cues as C
from minbar.analysis.quote_names import MASK, Speakers


@dataclass
class Quote:
    speaker: str | None  # resolved full name, or the title phrase; None if unknown
    quote: str  # direct: inside the marks; indirect: the reported clause
    kind: str  # "direct" | "indirect"
    sentence_index: int  # first sentence of the quote in the sentences list

    def to_dict(self) -> dict:
        return {"speaker": self.speaker, "quote": self.quote, "kind": self.kind}


@dataclass
class _Cand:
    pos: int
    speaker: str | None  # phrase; "" = same speaker as before; None = unknown
    quote: str
    kind: str
    same: bool = False  # participle: same speaker as the previous quote in this sentence


_SPAN = re.compile(r"«[^«»]{1,3000}»|“[^“”]{1,3000}”|„[^„“”]{1,3000}[“”]|\"[^\"]{1,3000}\"")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_END_PUNCT = " \t,.;:!?،؛…"


_QUOTE_CHARS = re.compile(r"[«»„“”\"]")


def _open_quote(text: str) -> bool:
    """True when ``text`` ends inside a quotation (a quote that continues in the next sentence)."""
    guil = curly = 0
    low_open = False
    straight = False
    for ch in _QUOTE_CHARS.findall(text):
        if ch == "«":
            guil += 1
        elif ch == "»":
            guil = max(0, guil - 1)
        elif ch == "„":
            low_open = True
        elif ch == "“":
            if low_open:
                low_open = False
            else:
                curly += 1
        elif ch == "”":
            if low_open:
                low_open = False
            else:
                curly = max(0, curly - 1)
        elif ch == '"':
            straight = not straight
    return bool(guil or curly or low_open or straight)


def _units(sentences: list[str]) -> list[tuple[int, str]]:
    """Group sentences so that a quote opened in one and closed in a later one is one unit."""
    out: list[tuple[int, str]] = []
    i, n = 0, len(sentences)
    while i < n:
        text, j = sentences[i], i
        while j + 1 < n and j - i < 5 and _open_quote(text):
            j += 1
            text = text + " " + sentences[j]
        out.append((i, text))
        i = j + 1
    return out


def _ntok(text: str) -> int:
    return len(_WORD.findall(text))


def _clean_quote(text: str) -> str:
    return text.strip().strip(" ,;:–—-").strip()


# ---------------------------------------------------------------------------------------------
# Compiled patterns per language.

_I = re.IGNORECASE
_VERB = {
    "en": re.compile(rf"\b(?:{C.EN_VERBS})\b", _I),
    "ru": re.compile(rf"(?<!\w)(?:{C.RU_VERBS})(?!\w)", _I),
    "tr": re.compile(rf"(?<!\w)(?:{C.TR_VERBS}|belirterek|ifade ederek|vurgulayarak)(?!\w)", _I),
    "az": re.compile(rf"(?<!\w)(?:{C.AZ_VERBS})(?!\w)", _I),
    "ar": re.compile(rf"(?<![\w\u064b-\u0652])[وف]?(?:{C.AR_VERBS})(?:ت|وا)?(?![\w\u064b-\u0652])"),
}
_EN_SAY = re.compile(rf"^(?:{C.EN_SAY})$", _I)
_EN_THAT = re.compile(r"^((?:\s+[^\s,.;:]+){0,7}?),?\s+that\s+", _I)
_EN_NO_CLAUSE = re.compile(
    r"^\s*(?:on|in|at|to|during|after|before|last|yesterday|today|earlier|later|this|late|"
    r"from|while|when|via|through|by|as|of|[,.;:!?]|$)",
    _I,
)
_EN_INVERTED = re.compile(
    rf"^(?P<q>.+?),\s+(?P<spk>[^,]{{1,90}}?)\s+(?P<v>{C.EN_VERBS})\b"
    r"(?P<rest>[^,;]*)$",
    _I,
)
_EN_INVERTED_VS = re.compile(rf"^(?P<q>.+?),\s+(?:{C.EN_SAY}|told|added)\s+(?P<spk>[^,]+)", _I)
_EN_RELATIVE = re.compile(r"^\s*(?:which|who|that|where|when|whose)\b", _I)
_EN_ACC_END = re.compile(r"^(?P<q>.+?),\s+according to\s+(?P<spk>.+?)[.]?$", _I)
_EN_ACC_START = re.compile(r"^\s*according to\s+(?P<spk>[^,]{2,100}),\s+(?P<q>.+)$", _I)
_EN_PART = re.compile(rf",\s+(?:{C.EN_PARTICIPLES})\s+(?:that\s+)?", _I)

_RU_THAT = re.compile(r"^([^,.;:«»]{0,60}?),\s+что\s+", _I)
_RU_AS = re.compile(rf"^\s*как\s+(?:{C.RU_VERBS})\s+(?P<spk>[^,]+(?:\([^)]*\))?),\s+(?P<q>.+)$", _I)
_RU_ACC = re.compile(
    rf"^\s*(?:{C.RU_ACCORDING}\s+(?P<spk>[^,]{{2,100}})|по\s+(?P<pron>его|её|ее|их)\s+"
    r"(?:словам|мнению|данным)),\s+(?P<q>.+)$",
    _I,
)
_RU_INVERTED = re.compile(rf"^(?P<q>.+?),\s+(?:{C.RU_INVERTED})\s+(?P<spk>[^,]+?)[.]?$", _I)
_RU_PART = re.compile(rf",\s+(?:{C.RU_PARTICIPLES}),\s+что\s+", _I)

_TR_CLAUSE_END = re.compile(rf"(?:{C.TR_CLAUSE_END})$", _I)
_TR_PART = re.compile(rf"(?<!\w)(?:{C.TR_PARTICIPLES})\s+(?P<spk>[^,]{{2,80}}),\s+", _I)
_TR_AFTER_DIRECT = re.compile(rf"{MASK}[^,]*?\b(?:dedi|konuştu|kullandı|ekledi)\s+ve\s+", _I)
_TR_SAYING = re.compile(MASK + r"\s*(?:diyen|diyən)\s+(?P<spk>[^,]{2,80}),\s*", _I)
_TR_ACC = re.compile(
    r"^\s*(?P<src>[^,]{2,90}?)\s+(?:göre|görə|fikrincə|fikrine göre),?\s+(?P<q>.+)$", _I
)
_AZ_KI = re.compile(r"^\s*ki,?\s+", _I)
_AZ_PASSIVE = re.compile(
    r"(?P<spk>(?:\S+\s+){0,3}\S+(?:dan|dən))\s+bildirilib\s+ki,?\s+(?P<q>.+)$", _I
)
_AZ_CLAUSE_VERB = re.compile(rf"^(?:{C.AZ_CLAUSE_VERBS})$", _I)

_AR_COMP = re.compile(rf"^\s*(?P<spk>(?:[^\s،:«»,]+\s+){{0,14}}?){C.AR_COMPLEMENTISER}\s+")
_AR_ACC = re.compile(
    r"(?:^|،\s*|\s)و?(?:بحسب|حسب|وفقاً|وفقا|وفق|طبقاً|طبقا)\s+(?P<spk>[^،]{2,80})،\s*(?:فإن\s+)?"
    r"(?P<q>.+)$"
)
_AR_QAWL = re.compile(r"عن\s+(?P<spk>(?:[^\s،]+\s+){1,12}?)قول(?:ه|ها|هم)\s+(?:إن|أن)\s+(?P<q>.+)$")
_AR_PART = re.compile(
    rf"[،,]\s*(?:{C.AR_PARTICIPLES})\s+(?:\S+\s+)?(?:إلى\s+)?(?:أن|أنه|أنها|بأن|بأنه|بأنها)\s+"
)
_AR_PRE_BOUNDARY = re.compile(r"(?:،|غير أن|لكن|بينما|في حين|^)")

#: Where a reported clause stops: a participle adding another clause, a contrast, a semicolon.
_CLAUSE_STOP = {
    "en": re.compile(rf",\s+(?:but|while|whereas)\s|;|,\s+(?:{C.EN_PARTICIPLES})(?=[\s:])", _I),
    "ru": re.compile(rf",\s+(?:но|однако|а также)\s|;|,\s+(?:{C.RU_PARTICIPLES}),", _I),
    "tr": re.compile(r";", _I),
    "az": re.compile(r";", _I),
    "ar": re.compile(rf"[،,]\s*(?:غير أن|لكن|بينما|في حين|{C.AR_PARTICIPLES})(?=[\s:])|؛"),
}
_EN_PRE_BOUNDARY = re.compile(r",\s+(?:but|and|while|whereas)\s|;|" + MASK, _I)

#: Direct quote followed by its attribution.
_AFTER = {
    "en": re.compile(
        rf"^[\s,.!?]*(?:[—–-]\s*)?(?:(?P<pre>[^\"“”«»;:!?]{{1,160}}?)\s+)?(?P<v>{C.EN_VERBS}|asked)"
        r"\b(?P<post>[^\"“”«»;]*)",
        _I,
    ),
    "ru": re.compile(rf"^[\s,.!?]*[—–-]\s*(?:{C.RU_VERBS})(?!\w)\s*(?P<post>[^«»]*)", _I),
    "tr": re.compile(
        r"^[\s,.!?]*(?:(?P<before>dedi|diye\s+\w+|şeklinde\s+\w+|ifadelerini\s+kullan\w*"
        r"|sözlerini\s+\w+|diyerek|açıklamasında\s+bulundu|(?:sözlerine|ifadelerine)\s+yer\s+ver\w*)"
        r"|diyen\s+(?P<post>[^,]{2,90}),)",
        _I,
    ),
    "az": re.compile(
        rf"^[\s,.!?]*[—–-]?\s*deyə\s+(?P<pre>.*?)\s*(?:{C.AZ_VERBS}|deyib|bildirib)(?!\w)", _I
    ),
    "ar": re.compile(rf"^[\s،,.]*[وف]?(?:{C.AR_VERBS})(?:ت|وا)?\s+(?P<post>[^.«»:\"]*)"),
}
_RU_SPLIT = re.compile(rf",\s*[—–]\s*(?:{C.RU_VERBS})\s+(?P<spk>[^.—–]+?)[.,]\s*[—–]\s*", _I)
_COLON_VERB = {lang: _VERB[lang] for lang in _VERB}
_TITLE_WORD = {
    lang: re.compile("|".join(re.escape(w) for w in C.PERSON_TITLES[lang]), _I)
    for lang in ("tr", "az")
}
_PHRASE_TAIL = re.compile(r"\s+(?:şunları|şöyle|belə|bunları|bunu|şu sözlerle)$", _I)


# ---------------------------------------------------------------------------------------------
# Clause and speaker helpers.


_SOV_CLAUSE_START = re.compile(
    r"^(?:(?:ise|isə|da|də|de|ayrıca|həmçinin)\s+)?(?:.*\s\w+(?:arak|erek|yaraq|yərək)\s+)?", _I
)
_DATELINE = re.compile(r"^[A-ZА-ЯÇŞİÖÜƏĞ]{2,}[^—–]{0,60}?\s[—–]\s+")


def _clause(text: str, lang: str) -> str:
    """The reported clause starting ``text``: up to a participle, a contrast or the end."""
    stop = _CLAUSE_STOP[lang].search(text)
    if stop:
        text = text[: stop.start()]
    text = _DATELINE.sub("", text.lstrip())
    if lang in ("tr", "az"):  # "… uyararak Erciş'te çadır kurulduğunu": the clause after
        text = _SOV_CLAUSE_START.sub("", text)
    return _clean_quote(text).rstrip(".!?؟").strip()


def _pre_phrase(text: str, lang: str) -> str:
    """Subject before a reporting verb: from the last clause boundary to the verb."""
    if lang == "ar":
        cut = [m.end() for m in re.finditer(r"،|غير أن|لكن|بينما|في حين|" + MASK, text)]
    elif lang == "en":
        cut = [m.end() for m in _EN_PRE_BOUNDARY.finditer(text)]
    else:
        cut = [m.end() for m in re.finditer(r";|,\s+(?:а|но|однако)\s|" + MASK, text)]
    phrase = text[cut[-1] :] if cut else text
    return _PHRASE_TAIL.sub("", phrase.strip(_END_PUNCT + "—–- "))


def _after_participle(text: str, lang: str) -> list[tuple[int, str]]:
    """(position, clause) for each participle that adds a clause for the same speaker."""
    pat = {"en": _EN_PART, "ru": _RU_PART, "ar": _AR_PART}.get(lang)
    if pat is None:
        return []
    out = []
    for m in pat.finditer(text):
        clause = _clause(text[m.end() :], lang)
        if _ntok(clause) >= 2:
            out.append((m.end(), clause))
    return out


# ---------------------------------------------------------------------------------------------
# Indirect speech per language (on the unit text with direct quotes masked).


def _indirect_en(s: str) -> list[_Cand]:
    out: list[_Cand] = []
    m = _EN_ACC_START.match(s)
    if m:
        out.append(_Cand(m.start("q"), m.group("spk"), _clause(m.group("q"), "en"), "indirect"))
        return out
    m = _EN_ACC_END.match(s)
    if m and _ntok(m.group("q")) >= 3:
        out.append(_Cand(0, m.group("spk"), _clause(m.group("q"), "en"), "indirect"))
        return out
    for v in _VERB["en"].finditer(s):
        post = s[v.end() :]
        that = _EN_THAT.match(post)
        if that:
            start = v.end() + that.end()
        elif _EN_SAY.match(v.group(0)) and not _EN_NO_CLAUSE.match(post) and _ntok(post) >= 3:
            start = v.end()
        else:
            continue
        phrase = _pre_phrase(s[: v.start()], "en")
        if not phrase or _ntok(phrase) > 14:
            continue
        out.append(_Cand(start, phrase, _clause(s[start:], "en"), "indirect"))
    if not out:
        m = _EN_INVERTED.match(s)
        if (
            m
            and not _EN_RELATIVE.match(m.group("spk"))
            and (_EN_NO_CLAUSE.match(m.group("rest")) or m.group("v").lower() == "told")
            and not re.search(r"\bthat\b", m.group("rest"))
            and _ntok(m.group("rest")) <= 8
            and MASK not in m.group("rest")
            and ":" not in m.group("rest")
        ):
            out.append(_Cand(0, m.group("spk"), _clause(m.group("q"), "en"), "indirect"))
        else:
            m = _EN_INVERTED_VS.match(s)
            if m and _ntok(m.group("q")) >= 3:
                out.append(_Cand(0, m.group("spk"), _clause(m.group("q"), "en"), "indirect"))
    return out


def _indirect_ru(s: str) -> list[_Cand]:
    out: list[_Cand] = []
    for pat in (_RU_AS, _RU_ACC):
        m = pat.match(s)
        if m:
            spk = m.groupdict().get("spk") or ""  # "по его словам": the last speaker
            out.append(_Cand(m.start("q"), spk, _clause(m.group("q"), "ru"), "indirect"))
            return out
    for v in _VERB["ru"].finditer(s):
        that = _RU_THAT.match(s[v.end() :])
        if not that:
            continue
        start = v.end() + that.end()
        phrase = _pre_phrase(s[: v.start()], "ru")
        out.append(_Cand(start, phrase, _clause(s[start:], "ru"), "indirect"))
    if not out:
        m = _RU_INVERTED.match(s)
        if m and _ntok(m.group("q")) >= 3:
            spk = re.sub(r"^(?:в|во)\s+", "", m.group("spk").strip(), flags=_I)
            out.append(_Cand(0, spk, _clause(m.group("q"), "ru"), "indirect"))
    return out


def _split_sov(span: str, lang: str, speakers: Speakers) -> tuple[str, str]:
    """Split "Speaker, clause" / "Speaker ise clause" (tr/az: the verb ends the sentence)."""
    if ", " in span:
        head, rest = span.split(", ", 1)
        if not _TR_CLAUSE_END.search(head.split()[-1] if head.split() else ""):
            return head, rest
    end = speakers.sov_subject_end(span)
    words = span.split()
    return " ".join(words[:end]), " ".join(words[end:])


def _indirect_sov(s: str, lang: str, speakers: Speakers) -> list[_Cand]:
    out: list[_Cand] = []
    start_at = 0
    for m in _TR_PART.finditer(s):  # "… -DIğInI belirten X, …": a clause, then X's main one
        head = s[start_at : m.start()].rstrip()
        head = head[head.rfind(", ") + 1 :] if ", " in head else head
        words = head.split()
        if words and _TR_CLAUSE_END.search(words[-1]) and MASK not in head:
            out.append(_Cand(start_at + 1, m.group("spk"), _clean_quote(head), "indirect"))
            start_at = m.end()
    m = _TR_ACC.match(s)
    if m:
        src = speakers.according_source(m.group("src"))
        if src is not None:
            out.append(_Cand(m.start("q"), src, _clause(m.group("q"), lang), "indirect"))
            return out
    if lang == "az" and "bildirilib" in s:
        m = _AZ_PASSIVE.search(s)
        if m:
            out.append(_Cand(m.start("q"), m.group("spk"), _clause(m.group("q"), lang), "indirect"))
            return out
    for v in _VERB[lang].finditer(s):
        after = s[v.end() :]
        ki = _AZ_KI.match(after) if lang == "az" else None
        if ki:  # az "X bildirib ki, …"
            start = v.end() + ki.end()
            phrase = _pre_phrase(s[start_at : v.start()], lang)
            out.append(_Cand(start, phrase, _clause(s[start:], lang), "indirect"))
            continue
        if lang == "az" and not _AZ_CLAUSE_VERB.match(v.group(0)):
            continue
        span = s[start_at : v.start()].strip()
        words = span.split()
        if not words or not _TR_CLAUSE_END.search(words[-1].strip(_END_PUNCT)):
            continue
        same = False
        after_direct = list(_TR_AFTER_DIRECT.finditer(span))
        if after_direct:  # "…" dedi ve <clause> ekledi: same speaker, clause after the "ve"
            after_direct = after_direct[-1]
            head, clause, same = "", span[after_direct.end() :], True
        elif _TR_SAYING.search(span):  # "…" diyen X, <clause> açıkladı
            m = _TR_SAYING.search(span)
            head, clause = m.group("spk"), span[m.end() :]
        elif MASK in span:
            continue
        else:
            head, clause = _split_sov(span, lang, speakers)
        if _ntok(clause) >= 2:
            out.append(_Cand(start_at + 1, head, _clean_quote(clause), "indirect", same=same))
        start_at = v.end()
    return out


def _indirect_ar(s: str, speakers: Speakers) -> list[_Cand]:
    out: list[_Cand] = []
    m = _AR_ACC.search(s)
    if m and speakers.according_source(m.group("spk")) is not None:
        spk = re.sub(r"^ل(?=ل)", "ا", m.group("spk").strip())
        spk = re.sub(r"^ل(?!ل)", "", spk) if not spk.startswith("ال") else spk
        out.append(_Cand(m.start("q"), spk, _clause(m.group("q"), "ar"), "indirect"))
    m = _AR_QAWL.search(s) if "قول" in s else None
    if m:
        out.append(_Cand(m.start("q"), m.group("spk"), _clause(m.group("q"), "ar"), "indirect"))
        return out
    for v in _VERB["ar"].finditer(s):
        comp = _AR_COMP.match(s[v.end() :])
        if not comp:
            continue
        start = v.end() + comp.end()
        phrase = comp.group("spk").strip()
        if not phrase:
            pre = _pre_phrase(s[: v.start()], "ar")
            pre = re.sub(r"^(?:و?كانت?|و)\s*|\s*قد$", "", pre).strip()
            phrase = pre if 0 < _ntok(pre) <= 10 else ""
        out.append(_Cand(start, phrase, _clause(s[start:], "ar"), "indirect"))
    return out


# ---------------------------------------------------------------------------------------------
# Direct quotes.


def _scare(before: str, after: str) -> bool:
    words = before.split()
    prev = words[-1].lower().strip(_END_PUNCT) if words else ""
    prev2 = words[-2].lower() if len(words) > 1 else ""
    return (
        prev in C.SCARE_PREFIX or prev2 in {"so-called", "так"} or bool(C.SCARE_SUFFIX.match(after))
    )


def _direct_speaker(before: str, after: str, lang: str) -> str | None:
    """Speaker phrase of a direct quote from its attribution ("" = previous speaker), or None."""
    m = _AFTER[lang].match(after)
    if m:
        if lang == "en":
            pre = (m.group("pre") or "").strip()
            if pre and _ntok(pre) <= 20 and not re.search(r"[.!?]\s+[\"“«]", pre):
                return pre
            if not pre:
                return re.split(r",|\.|\s+(?:at|in|on|to|during)\s", m.group("post"))[0]
        elif lang == "tr":
            if m.group("post"):
                return m.group("post")
            return _pre_phrase(before, lang).rstrip(",")
        elif lang == "az":
            return m.group("pre")
        else:
            return re.split(r"[,.]", m.group("post"))[0]
    if before.rstrip().endswith(":"):
        phrase = _pre_phrase(before.rstrip()[:-1], lang)
        if lang == "ar":
            v = _VERB["ar"].search(phrase)
            if v:
                return phrase[v.end() :]
            if re.search(rf"(?:{C.AR_PARTICIPLES})$", phrase):
                return ""
            if re.match(r"(?:مع|في|على|من|عن|ب|إلى)\s", phrase):
                return None  # "… مع تعليق: «…»": a caption, not an attribution
            return phrase if _ntok(phrase) <= 6 else None
        verbs = list(_COLON_VERB[lang].finditer(phrase))
        if verbs:
            head = phrase[: verbs[-1].start()]
            if lang in ("tr", "az") and ", " in head:
                head = head.split(", ")[0]
            elif lang in ("tr", "az"):  # "… suala nazir belə cavab verib:" → "nazir"
                words = _PHRASE_TAIL.sub("", head.strip()).split()
                k = len(words)
                while k > 0 and (
                    words[k - 1][:1].isupper() or _TITLE_WORD[lang].match(words[k - 1])
                ):
                    k -= 1
                if 0 < k < len(words):
                    head = " ".join(words[k:])
            elif ", " in head:
                head = head.rsplit(", ", 1)[1]
            return _PHRASE_TAIL.sub("", head.strip())
        return phrase if _ntok(phrase) <= 10 else None
    return None


#: "… said, “" — a quotation resumed after its attribution.
_CONTINUED = re.compile(rf"(?:{C.EN_VERBS}|dedi|сказал\w*|заявил\w*)\s*,\s*$", _I)
#: Words naming what was said: “described the decision as "…"”, "«…» назвал", "X "…" adlandırıb".
_NAMING_BEFORE = {
    "en": re.compile(
        r"(?P<pre>.*?)\b(?:described|termed|labell?ed)\b(?:\s+\S+){0,4}?\s+as\s*$"
        r"|(?P<pre2>.*?)\bcalled\b(?:\s+\S+){1,4}\s*$",
        _I,
    ),
    "ru": re.compile(r"(?P<pre>.*?)(?:назвал[аио]?|охарактеризовал[аио]?)(?:\s+\S+){0,4}\s*$", _I),
    "ar": re.compile(
        r"(?P<pre>.*?)(?:واصف\S*|ووصف\S*|وصف\S*)(?:\s+\S+){0,3}\s+(?:بأنه|بأنها|ب)\s*$"
    ),
}
_NAMING_AFTER = {
    "tr": re.compile(r"^\s*(?:olarak\s+)?(?:nitelendir|adlandır|değerlendir|tanımla)\w*", _I),
    "az": re.compile(r"^\s*(?:kimi\s+)?(?:adlandır|qiymətləndir|dəyərləndir|səciyyələndir)\w*", _I),
}


def _naming_speaker(before: str, after: str, lang: str) -> str | None:
    """Speaker phrase when the quotation is what someone called something, else None."""
    if lang in _NAMING_AFTER:
        if not _NAMING_AFTER[lang].match(after):
            return None
        head = _pre_phrase(before, lang)
        return head.split(", ")[0] if ", " in head else " ".join(head.split()[:1])
    pat = _NAMING_BEFORE.get(lang)
    m = pat.match(before) if pat else None
    if not m:
        return None
    if lang == "ar":
        return ""
    return _pre_phrase(m.group("pre") or m.group("pre2") or "", lang)


def _direct(text: str, lang: str) -> tuple[list[_Cand], list[tuple[int, int, str]]]:
    """Direct-quote candidates with a speech cue, and the unattributed spans (start, end, quote)
    that may still be quotes (inside a reported clause, or standing alone)."""
    found: list[_Cand] = []
    loose: list[tuple[int, int, str]] = []
    for m in _SPAN.finditer(text):
        inner = _clean_quote(m.group(0)[1:-1])
        before, after = text[: m.start()], text[m.end() :]
        if not inner or (_scare(before, after) and _naming_speaker(before, after, lang) is None):
            continue
        pieces = [(m.start(), inner, None)]
        if lang == "ru":
            split = _RU_SPLIT.search(inner)
            if split:
                pieces = [
                    (m.start(), _clean_quote(inner[: split.start()]), split.group("spk")),
                    (
                        m.start() + split.end(),
                        _clean_quote(inner[split.end() :]),
                        split.group("spk"),
                    ),
                ]
        spk = _direct_speaker(before, after, lang)
        if spk is None and found and _CONTINUED.search(before):
            spk = ""  # “A,” Abashidze said, “B.”: the second half is the same speaker's
        if spk is None and _ntok(inner) >= 3:
            spk = _naming_speaker(before, after, lang)
        for pos, quote, inner_spk in pieces:
            if inner_spk is not None:
                found.append(_Cand(pos, inner_spk, quote, "direct"))
            elif spk is not None and _ntok(quote) >= 2:
                found.append(_Cand(pos, spk, quote, "direct"))
            elif _ntok(quote) >= 4:
                loose.append((m.start(), m.end(), quote))
    return found, loose


# ---------------------------------------------------------------------------------------------


def _indirect(masked: str, lang: str, speakers: Speakers) -> list[_Cand]:
    if lang == "en":
        cands = _indirect_en(masked)
    elif lang == "ru":
        cands = _indirect_ru(masked)
    elif lang in ("tr", "az"):
        cands = _indirect_sov(masked, lang, speakers)
    else:
        cands = _indirect_ar(masked, speakers)
    for pos, clause in _after_participle(masked, lang):
        cands.append(_Cand(pos, "", clause, "indirect", same=True))
    return cands


def extract_quotes(
    sentences: list[str], lang: str | None, people: Sequence[str] = ()
) -> list[Quote]:
    """Quotes in an article's sentences (from :func:`minbar.text.sentences.split_sentences`).

    ``people``: full names of persons found in the article by the entity stage; they let a
    surname ("Öztürk") resolve to the full name even when the full name was never a speaker.
    Unsupported languages fall back to the English rules.
    """
    code = lang if lang in _VERB else "en"
    speakers = Speakers(code, people)
    out: list[Quote] = []
    seen: set[str] = set()
    for index, text in _units(sentences):
        direct, loose = _direct(text, code)
        masked = _mask(text)
        indirect = _indirect(masked, code, speakers)
        kept: list[_Cand] = []
        for cand in indirect:
            if MASK in cand.quote:
                # A reported clause holding a quotation: the quotation is the quote.
                for start, _end, quote in loose:
                    direct.append(_Cand(start, cand.speaker, quote, "direct", cand.same))
                loose = []
                continue
            if _ntok(cand.quote) >= 2:
                kept.append(cand)
        if loose and not text[: loose[0][0]].strip():
            start, _end, quote = loose[0]
            direct.append(_Cand(start, "", quote, "direct"))
        last_in_unit: str | None = None
        for cand in sorted(direct + kept, key=lambda c: c.pos):
            if cand.same and last_in_unit is not None:
                speaker = last_in_unit
            elif cand.same:
                speaker = speakers.subject_of(text)
            else:
                speaker = speakers.resolve(cand.speaker)
            last_in_unit = speaker
            quote = _clean_quote(cand.quote)
            key = quote.casefold()
            if not quote or key in seen:
                continue
            seen.add(key)
            out.append(Quote(speaker, quote, cand.kind, index))
        speakers.harvest(masked, had_quote=bool(direct or kept))
    return out


def _mask(text: str) -> str:
    """``text`` with each quotation (not the quoted names) replaced by :data:`MASK`."""
    return _SPAN.sub(
        lambda m: m.group(0) if _scare(text[: m.start()], text[m.end() :]) else MASK, text
    )


__all__ = ["Quote", "extract_quotes"]
