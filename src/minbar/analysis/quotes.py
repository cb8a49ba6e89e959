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

Word lists per language are in :mod:`~minbar.analysis.quote_cues`, the regexes built from them in
:mod:`~minbar.analysis.quote_patterns`, speaker resolution in :mod:`~minbar.analysis.quote_names`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from minbar.analysis import quote_cues as C
from minbar.analysis import quote_patterns as P
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
# Clause and speaker helpers.


def _clause(text: str, lang: str) -> str:
    """The reported clause starting ``text``: up to a participle, a contrast or the end."""
    stop = P.CLAUSE_STOP[lang].search(text)
    if stop:
        text = text[: stop.start()]
    text = P.DATELINE.sub("", text.lstrip())
    if lang in ("tr", "az"):  # "… uyararak Erciş'te çadır kurulduğunu": the clause after
        text = P.SOV_CLAUSE_START.sub("", text)
    return _clean_quote(text).rstrip(".!?؟").strip()


def _pre_phrase(text: str, lang: str) -> str:
    """Subject before a reporting verb: from the last clause boundary to the verb."""
    if lang == "ar":
        cut = [m.end() for m in re.finditer(r"،|غير أن|لكن|بينما|في حين|" + MASK, text)]
    elif lang == "en":
        cut = [m.end() for m in P.EN_PRE_BOUNDARY.finditer(text)]
    else:
        cut = [m.end() for m in re.finditer(r";|,\s+(?:а|но|однако)\s|" + MASK, text)]
    phrase = text[cut[-1] :] if cut else text
    return P.PHRASE_TAIL.sub("", phrase.strip(_END_PUNCT + "—–- "))


def _after_participle(text: str, lang: str) -> list[tuple[int, str]]:
    """(position, clause) for each participle that adds a clause for the same speaker."""
    pat = {"en": P.EN_PART, "ru": P.RU_PART, "ar": P.AR_PART}.get(lang)
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
    m = P.EN_ACC_START.match(s)
    if m:
        out.append(_Cand(m.start("q"), m.group("spk"), _clause(m.group("q"), "en"), "indirect"))
        return out
    m = P.EN_ACC_END.match(s)
    if m and _ntok(m.group("q")) >= 3:
        out.append(_Cand(0, m.group("spk"), _clause(m.group("q"), "en"), "indirect"))
        return out
    for v in P.VERB["en"].finditer(s):
        post = s[v.end() :]
        that = P.EN_THAT.match(post)
        if that:
            start = v.end() + that.end()
        elif P.EN_SAY.match(v.group(0)) and not P.EN_NO_CLAUSE.match(post) and _ntok(post) >= 3:
            start = v.end()
        else:
            continue
        phrase = _pre_phrase(s[: v.start()], "en")
        if not phrase or _ntok(phrase) > 14:
            continue
        out.append(_Cand(start, phrase, _clause(s[start:], "en"), "indirect"))
    if not out:
        m = P.EN_INVERTED.match(s)
        if (
            m
            and not P.EN_RELATIVE.match(m.group("spk"))
            and (P.EN_NO_CLAUSE.match(m.group("rest")) or m.group("v").lower() == "told")
            and not re.search(r"\bthat\b", m.group("rest"))
            and _ntok(m.group("rest")) <= 8
            and MASK not in m.group("rest")
            and ":" not in m.group("rest")
        ):
            out.append(_Cand(0, m.group("spk"), _clause(m.group("q"), "en"), "indirect"))
        else:
            m = P.EN_INVERTED_VS.match(s)
            if m and _ntok(m.group("q")) >= 3:
                out.append(_Cand(0, m.group("spk"), _clause(m.group("q"), "en"), "indirect"))
    return out


def _indirect_ru(s: str) -> list[_Cand]:
    out: list[_Cand] = []
    for pat in (P.RU_AS, P.RU_ACC):
        m = pat.match(s)
        if m:
            spk = m.groupdict().get("spk") or ""  # "по его словам": the last speaker
            out.append(_Cand(m.start("q"), spk, _clause(m.group("q"), "ru"), "indirect"))
            return out
    for v in P.VERB["ru"].finditer(s):
        that = P.RU_THAT.match(s[v.end() :])
        if not that:
            continue
        start = v.end() + that.end()
        phrase = _pre_phrase(s[: v.start()], "ru")
        out.append(_Cand(start, phrase, _clause(s[start:], "ru"), "indirect"))
    if not out:
        m = P.RU_INVERTED.match(s)
        if m and _ntok(m.group("q")) >= 3:
            spk = re.sub(r"^(?:в|во)\s+", "", m.group("spk").strip(), flags=P.CI)
            out.append(_Cand(0, spk, _clause(m.group("q"), "ru"), "indirect"))
    return out


def _split_sov(span: str, lang: str, speakers: Speakers) -> tuple[str, str]:
    """Split "Speaker, clause" / "Speaker ise clause" (tr/az: the verb ends the sentence)."""
    if ", " in span:
        head, rest = span.split(", ", 1)
        if not P.TR_CLAUSE_END.search(head.split()[-1] if head.split() else ""):
            return head, rest
    end = speakers.sov_subject_end(span)
    words = span.split()
    return " ".join(words[:end]), " ".join(words[end:])


def _indirect_sov(s: str, lang: str, speakers: Speakers) -> list[_Cand]:
    out: list[_Cand] = []
    start_at = 0
    for m in P.TR_PART.finditer(s):  # "… -DIğInI belirten X, …": a clause, then X's main one
        head = s[start_at : m.start()].rstrip()
        head = head[head.rfind(", ") + 1 :] if ", " in head else head
        words = head.split()
        if words and P.TR_CLAUSE_END.search(words[-1]) and MASK not in head:
            out.append(_Cand(start_at + 1, m.group("spk"), _clean_quote(head), "indirect"))
            start_at = m.end()
    m = P.TR_ACC.match(s)
    if m:
        src = speakers.according_source(m.group("src"))
        if src is not None:
            out.append(_Cand(m.start("q"), src, _clause(m.group("q"), lang), "indirect"))
            return out
    if lang == "az" and "bildirilib" in s:
        m = P.AZ_PASSIVE.search(s)
        if m:
            out.append(_Cand(m.start("q"), m.group("spk"), _clause(m.group("q"), lang), "indirect"))
            return out
    for v in P.VERB[lang].finditer(s):
        after = s[v.end() :]
        ki = P.AZ_KI.match(after) if lang == "az" else None
        if ki:  # az "X bildirib ki, …"
            start = v.end() + ki.end()
            phrase = _pre_phrase(s[start_at : v.start()], lang)
            out.append(_Cand(start, phrase, _clause(s[start:], lang), "indirect"))
            continue
        if lang == "az" and not P.AZ_CLAUSE_VERB.match(v.group(0)):
            continue
        span = s[start_at : v.start()].strip()
        words = span.split()
        if not words or not P.TR_CLAUSE_END.search(words[-1].strip(_END_PUNCT)):
            continue
        same = False
        after_direct = list(P.TR_AFTER_DIRECT.finditer(span))
        if after_direct:  # "…" dedi ve <clause> ekledi: same speaker, clause after the "ve"
            after_direct = after_direct[-1]
            head, clause, same = "", span[after_direct.end() :], True
        elif P.TR_SAYING.search(span):  # "…" diyen X, <clause> açıkladı
            m = P.TR_SAYING.search(span)
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
    m = P.AR_ACC.search(s)
    if m and speakers.according_source(m.group("spk")) is not None:
        spk = re.sub(r"^ل(?=ل)", "ا", m.group("spk").strip())
        spk = re.sub(r"^ل(?!ل)", "", spk) if not spk.startswith("ال") else spk
        out.append(_Cand(m.start("q"), spk, _clause(m.group("q"), "ar"), "indirect"))
    m = P.AR_QAWL.search(s) if "قول" in s else None
    if m:
        out.append(_Cand(m.start("q"), m.group("spk"), _clause(m.group("q"), "ar"), "indirect"))
        return out
    for v in P.VERB["ar"].finditer(s):
        comp = P.AR_COMP.match(s[v.end() :])
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
    m = P.AFTER[lang].match(after)
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
            v = P.VERB["ar"].search(phrase)
            if v:
                return phrase[v.end() :]
            if re.search(rf"(?:{C.AR_PARTICIPLES})$", phrase):
                return ""
            if re.match(r"(?:مع|في|على|من|عن|ب|إلى)\s", phrase):
                return None  # "… مع تعليق: «…»": a caption, not an attribution
            return phrase if _ntok(phrase) <= 6 else None
        verbs = list(P.COLON_VERB[lang].finditer(phrase))
        if verbs:
            head = phrase[: verbs[-1].start()]
            if lang in ("tr", "az") and ", " in head:
                head = head.split(", ")[0]
            elif lang in ("tr", "az"):  # "… suala nazir belə cavab verib:" → "nazir"
                words = P.PHRASE_TAIL.sub("", head.strip()).split()
                k = len(words)
                while k > 0 and (
                    words[k - 1][:1].isupper() or P.TITLE_WORD[lang].match(words[k - 1])
                ):
                    k -= 1
                if 0 < k < len(words):
                    head = " ".join(words[k:])
            elif ", " in head:
                head = head.rsplit(", ", 1)[1]
            return P.PHRASE_TAIL.sub("", head.strip())
        return phrase if _ntok(phrase) <= 10 else None
    return None


def _naming_speaker(before: str, after: str, lang: str) -> str | None:
    """Speaker phrase when the quotation is what someone called something, else None."""
    if lang in P.NAMING_AFTER:
        if not P.NAMING_AFTER[lang].match(after):
            return None
        head = _pre_phrase(before, lang)
        return head.split(", ")[0] if ", " in head else " ".join(head.split()[:1])
    pat = P.NAMING_BEFORE.get(lang)
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
            split = P.RU_SPLIT.search(inner)
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
        if spk is None and found and P.CONTINUED.search(before):
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
    code = lang if lang in P.VERB else "en"
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
