"""Rules that find people, organisations and places that no list knows.

Latin and Cyrillic text: runs of capitalised words, typed by cues — an organisation head word in
the run ("... Üniversitesi", "... Ministry", "... агентство"), a place head word after it
("Muradiye ilçesi", "Qaradağ rayonu", "Кировский район"), or a person cue: a title before it
("Bakan X", "президент X"), an attribution verb after it ("X said", "X bildirib"), a common
given name first, or a surname ending (-oğlu, -ov, -yeva, -zadə, -ский …).

Arabic has no capitals, so a person is a name *after* a title/role (skipping the affiliation:
"وزير الخارجية الأردني أيمن الصفدي"), after a given name (محمد، أحمد …, with بن/أبو/عبد
connectors), or between a reporting verb and إن/أن ("قال أوزتورك إن"); an organisation is an
organisation noun followed by definite words ("وزارة الصحة التركية"); a place follows a place
noun ("ولاية وان").

Each rule works on token indices; the recogniser turns the spans into mentions.
"""

from __future__ import annotations

from dataclasses import dataclass

from minbar.analysis import entity_lexicon as lex
from minbar.analysis.gazetteer import ru_stem

_PER_SUFFIXES = (
    "oglu", "ogullari", "ov", "ova", "ev", "eva", "yev", "yeva", "zade", "zada", "yan",
    "shvili", "svili", "dze", "ski", "sky", "ский", "ская", "ов", "ова", "ев", "ева", "ёв",
    "заде", "ян", "швили", "дзе", "ович", "евич", "овна", "евна",
)  # fmt: skip
_SENTENCE_END = set('.!?\n:;"«»“”()[]')


@dataclass(slots=True)
class Tok:
    start: int
    end: int
    word: str
    fold: str
    script: str
    cap: bool  # first letter upper-case (Latin/Cyrillic)
    sent_start: bool
    gap: str  # text between the previous token and this one


def _heads(words: frozenset[str]) -> frozenset[str]:
    return frozenset(words | {ru_stem(w) for w in words})


_ORG_HEADS = _heads(lex.ORG_HEADS)
_LOC_HEADS = _heads(lex.LOC_HEADS)
_TITLES = _heads(lex.TITLES)
_SAY = _heads(lex.SAY_AFTER)


def _in(tok: Tok, table: frozenset[str], forms: tuple[str, ...]) -> bool:
    return tok.fold in table or any(f in table for f in forms)


def adjacent(tok: Tok) -> bool:
    """No punctuation between this token and the previous one (spaces or a hyphen only)."""
    return tok.gap.strip() in ("", "-")


def _ar_preposed(tok: Tok) -> bool:
    """ "بالرياض", "لأنقرة": a place after a preposition ends the title's affiliation (the
    next word is not the holder's name: "الوزير بالرياض قادما")."""
    return tok.fold[:1] in ("ب", "ل", "ك") and not tok.fold.startswith("ال")


class UnknownFinder:
    """Applies the rules to one tokenised text; ``covered[i]`` is the gazetteer mention (its
    type) already on token ``i``, or None."""

    def __init__(
        self,
        toks: list[Tok],
        forms: list[tuple[str, ...]],
        covered: list[str | None],
        given: frozenset[str],
    ):
        self.toks, self.forms, self.covered, self.given = toks, forms, covered, given
        self.n = len(toks)

    # -- shared ---------------------------------------------------------------------------------

    def _given(self, i: int) -> bool:
        return _in(self.toks[i], self.given, self.forms[i])

    def _title_before(self, i: int) -> bool:
        """A title ends right before token ``i``, possibly across a listed ORG/LOC
        ("Türkiye Dışişleri Bakanı X", "министр иностранных дел России X")."""
        k = i - 1
        steps = 0
        while k >= 0 and steps < 4 and adjacent(self.toks[k + 1]):
            tok = self.toks[k]
            if _in(tok, _TITLES, self.forms[k]):
                return True
            if self.covered[k] in ("ORG", "LOC") or not tok.cap or tok.fold in lex.NOT_NAMES:
                k -= 1
                steps += 1
                continue
            return False
        return False

    # -- Latin and Cyrillic ---------------------------------------------------------------------

    def _name_word(self, i: int) -> bool:
        t = self.toks[i]
        return (
            t.cap
            and t.script != "arabic"
            and self.covered[i] is None
            and t.fold not in lex.NOT_NAMES
            and not _in(t, _TITLES, self.forms[i])
        )

    def capitalised_runs(self) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < self.n:
            if not self._name_word(i):
                i += 1
                continue
            j = i + 1
            while j < self.n and adjacent(self.toks[j]):
                if self._name_word(j):
                    j += 1
                elif (
                    (
                        self.toks[j].fold in lex.NAME_CONNECTORS
                        or (self.toks[j].fold in lex.ORG_LINKS and self._has_org_head(i, j))
                    )
                    and j + 1 < self.n
                    and self._name_word(j + 1)
                    and adjacent(self.toks[j + 1])
                ):
                    j += 2
                else:
                    break
            if self.toks[i].sent_start:  # "Geologist Ali Öztürk": start at the given name
                i = next((k for k in range(i, j) if self._given(k)), i)
            kind = self._type_run(i, j)
            if kind:
                start = i
                if kind == "ORG":  # "Ankara Üniversitesi", "Saudi Red Crescent Authority"
                    while (
                        start > 0
                        and adjacent(self.toks[start])
                        and self.toks[start - 1].cap
                        and (
                            self.covered[start - 1]
                            or self.toks[start - 1].fold in lex.NATIONALITIES
                        )
                    ):
                        start -= 1
                out.append((start, j, kind))
            i = j
        return out

    def russian_orgs(self) -> list[tuple[int, int, str]]:
        """ "Стамбульского технического университета": a capitalised adjective, lower-case
        words, then an organisation head."""
        out = []
        for i, t in enumerate(self.toks):
            if t.script != "cyrillic" or not t.cap or self.covered[i] is not None:
                continue
            for k in range(i + 1, min(i + 5, self.n)):
                tk = self.toks[k]
                if not adjacent(tk) or tk.cap or tk.script != "cyrillic":
                    break
                if _in(tk, _ORG_HEADS, self.forms[k]):
                    out.append((i, k + 1, "ORG"))
                    break
        return out

    def _has_org_head(self, i: int, j: int) -> bool:
        return any(_in(self.toks[k], _ORG_HEADS, self.forms[k]) for k in range(i, j))

    def _type_run(self, i: int, j: int) -> str | None:
        toks, forms = self.toks, self.forms
        if any(_in(toks[k], _ORG_HEADS, forms[k]) for k in range(i, j)):
            return "ORG"
        if j < self.n and adjacent(toks[j]) and _in(toks[j], _LOC_HEADS, forms[j]):
            return "LOC"
        last = toks[j - 1].fold
        if (
            self._given(i)
            or self._title_before(i)
            or (j < self.n and _in(toks[j], _SAY, forms[j]))
            or (len(last) > 4 and last.endswith(_PER_SUFFIXES))
        ):
            return "PER"
        # no cue: not typed (a default of PER lowered F1 on az_ner train, where uncued
        # capitalised runs are mostly organisations)
        return None

    # -- Arabic ---------------------------------------------------------------------------------

    def _ar_ok(self, i: int) -> bool:
        t = self.toks[i]
        return (
            t.script == "arabic"
            and self.covered[i] is None
            and t.word not in lex.AR_RAW_STOP
            and not _in(t, lex.AR_STOP, self.forms[i])
            and not _in(t, lex.AR_TITLES, self.forms[i])
            and not _in(t, lex.AR_SAY_BEFORE, ())
        )

    def _ar_name(self, k: int) -> int:
        """End (exclusive) of an Arabic name starting at token ``k``."""
        j = k + 1
        while j < self.n and j - k < 4 and adjacent(self.toks[j]):
            t = self.toks[j]
            if t.fold in lex.AR_NAME_CONNECTORS and j + 1 < self.n and self._ar_ok(j + 1):
                j += 2
                continue
            if not self._ar_ok(j) or j - k >= 2 and not t.fold.startswith("ال"):
                break
            j += 1
        return j

    def arabic(self) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        toks, forms = self.toks, self.forms
        used = [False] * self.n
        for i, tok in enumerate(toks):
            if tok.script != "arabic" or used[i]:
                continue
            span = None
            if _in(tok, lex.AR_TITLES, forms[i]):
                k = i + 1
                while (
                    k < self.n
                    and k - i <= 5
                    and adjacent(toks[k])
                    and (
                        _in(toks[k], lex.AR_TITLES | lex.AR_AFFILIATION, forms[k])
                        or (self.covered[k] in ("ORG", "LOC") and not _ar_preposed(toks[k]))
                        or (toks[k].fold.startswith("ال") and not self._given(k))
                    )
                ):
                    k += 1
                if k < self.n and adjacent(toks[k]) and self._ar_ok(k):
                    span = (k, self._ar_name(k), "PER")
            elif self.covered[i] is None and self._given(i) and self._ar_ok(i):
                span = (i, self._ar_name(i), "PER")
            elif (
                tok.fold in lex.AR_SAY_BEFORE
                and i + 1 < self.n
                and self._ar_ok(i + 1)
                and not toks[i + 1].fold.startswith("ال")
            ):
                end = self._ar_name(i + 1)
                nxt = toks[end] if end < self.n else None
                if nxt is None or nxt.fold in ("ان", "إن", "أن") or "،" in nxt.gap:
                    span = (i + 1, end, "PER")
            elif _in(tok, lex.AR_ORG_HEADS, forms[i]) and self.covered[i] is None:
                # "وزارة الصحة التركية", "جامعة إسطنبول التقنية": definite words or a listed
                # place after the organisation noun
                j = i + 1
                while (
                    j < self.n
                    and j - i <= 3
                    and adjacent(toks[j])
                    and toks[j].fold not in lex.AR_STOP
                    and (
                        (toks[j].fold.startswith("ال") and self.covered[j] is None)
                        or self.covered[j] == "LOC"
                    )
                ):
                    j += 1
                if j > i + 1:
                    span = (i, j, "ORG")
            elif (
                _in(tok, lex.AR_LOC_HEADS, forms[i])
                and i + 1 < self.n
                and adjacent(toks[i + 1])
                and self._ar_ok(i + 1)
                and not toks[i + 1].fold.startswith("ال")
            ):
                span = (i + 1, i + 2, "LOC")
            if span:
                out.append(span)
                for k in range(span[0], span[1]):
                    used[k] = True
        return out

    def find(self) -> list[tuple[int, int, str]]:
        ru = self.russian_orgs()
        for s, e, _ in ru:
            for k in range(s, e):
                self.covered[k] = "ORG"
        return ru + self.capitalised_runs() + self.arabic()
