"""Transliteration between Arabic, Latin and Cyrillic script, and a loose phonetic name key.

Why: the same person is written "Ali Öztürk", "Али Озтюрк" and "علي أوزتورك" in our five
languages, and only a few hundred people are in the shipped list. For everyone else the entity
key is a *consonant skeleton*: each script is mapped to ten consonant classes, vowels and
semivowels are dropped (Arabic does not write short vowels, so only consonants are comparable),
and repeated classes collapse. The classes merge what the scripts confuse when borrowing names:
p/b (Arabic has no p), v/f, d/t (Turkish final devoicing, "ettin" for "al-Din"), s/z/sh, k/g/q
and ğ/غ, c/ç/j/ج/ч/ж. H-like sounds (h, kh, ح, خ, ه, х) are dropped: they are written
inconsistently (final ه, "Ahmet" vs "Akhmed"). The Arabic article inside a compound name
("فخر الدين" → "Fahrettin") is dropped as well.

The key is deliberately lossy: it groups spellings of one name, and the benchmark measures how
often different names collide (``benchmarks/entities.py``, cross-script linking).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from minbar.text.normalize import fold, fold_token, light

# --- consonant classes -------------------------------------------------------------------------

#: Latin letter → class letter ("" = dropped). Applied to folded (ASCII-ish) lowercase text.
_LATIN_CLASS = {
    "b": "b", "p": "b", "f": "f", "v": "f", "w": "",
    "t": "t", "d": "t", "k": "k", "g": "k", "q": "k",
    "s": "s", "z": "s", "x": "h", "j": "j", "c": "j",
    "l": "l", "r": "r", "m": "m", "n": "n", "h": "h",
}  # fmt: skip
#: Digraphs read before single letters (English/Russian-style romanisation).
_LATIN_DIGRAPHS = (
    ("sch", "s"), ("kh", "h"), ("gh", "k"), ("sh", "s"), ("ch", "j"), ("zh", "j"), ("dh", "t"),
    ("th", "t"), ("ts", "s"), ("tch", "j"), ("dj", "j"), ("dzh", "j"), ("ph", "f"),
)  # fmt: skip
#: English "chr" is /kr/ (Christopher = Xristofor = Христофор = كريستوفر).
_EN_DIGRAPHS = (("chr", "kr"), *_LATIN_DIGRAPHS)
#: Latin languages where ``c`` is /dʒ/ and ``x`` is /x/ (tr, az) versus English ``c`` = k/s.
_C_AS_K = {"en"}

_CYRILLIC_CLASS = {
    "б": "b", "п": "b", "в": "f", "ф": "f", "т": "t", "д": "t", "к": "k", "г": "k",
    "с": "s", "з": "s", "ш": "s", "щ": "s", "ц": "s", "ж": "j", "ч": "j", "х": "h",
    "л": "l", "р": "r", "м": "m", "н": "n",
}  # fmt: skip
#: тс like Latin ts and ц (Уотсон Watson); Arabic تس likewise (يلتسين Yeltsin, شولتس Scholz).
_CYRILLIC_DIGRAPHS = (("дж", "j"), ("кс", "ks"), ("тс", "s"))

_ARABIC_CLASS = {
    "ب": "b", "پ": "b", "ف": "f", "ڤ": "f", "ت": "t", "ط": "t", "د": "t", "ض": "s",
    "ذ": "t", "ث": "t", "ك": "k", "ق": "k", "غ": "k", "گ": "k", "س": "s", "ص": "s",
    "ز": "s", "ش": "s", "ظ": "s", "ج": "j", "چ": "j", "خ": "h", "ح": "h", "ه": "h",
    "ل": "l", "ر": "r", "م": "m", "ن": "n",
}  # fmt: skip

#: Arabic spellings of ç/ch in foreign names (تشاووش Çavuş, كوتشاريان Kocharyan) and of v
#: (وورغون Vurğun).
_ARABIC_DIGRAPHS = (("تش", "j"), ("وو", "f"), ("تس", "s"))
#: A feminine surname: Əliyeva, Алиева, Məmmədova, Мамедова, علييفا, Karimova, Putina.
_FEMININE = re.compile(r"(?:ov|ev|yev|in|ski|sk)a$|(?:ов|ев|ёв|ин|ск)(?:а|ая)$|(?:وف|يف|ين)ا$")
FEMININE_MARK = "@"

#: Arabic "sun" letters assimilate the article's l (الدين ad-din); "moon" letters keep it.
_SUN_LETTERS = frozenset("تثدذرزسشصضطظلن")
#: First elements of compound Arabic given names (folded), after which the article is kept.
_COMPOUND_FIRST = frozenset(
    fold_token(w)
    for w in "عبد ابو أبو زين نور شمس سيف صلاح جمال كمال بدر علاء عز فخر تاج".split()  # noqa: SIM905
)
#: Letters of an H-like sound (Latin, Cyrillic, Arabic).
_H_INITIAL = frozenset("hхحهخ")
#: A word that starts with a vowel, after folding: Latin vowels, Cyrillic vowels other than the
#: iotated е/ё/ю/я (Елена = Yelena), Arabic alef and ʿayn (علييف Əliyev, أحمد Əhməd). Every
#: script writes a name's first vowel, so it is part of the key: Əhmədov ≠ Məmmədov.
_VOWEL_INITIAL = frozenset("aeiouyаоуыиэاع") - {"y"}
VOWEL_MARK = "V"

_LETTERS = re.compile(r"[^\W\d_]+")
#: The Arabic article written in Latin or Cyrillic before a hyphen (al-, el-, əl-, es-, ad-,
#: аль-, ас-): Arabic script drops it (see above), so the other scripts do too.
_ARTICLE = re.compile(
    r"(?<![^\W\d_])(?:[aeəu][lsdrntzş]|[аэу](?:ль|[лсдрнтзш]))[-‐]", re.IGNORECASE
)


#: "Abdel Nasser", "Abdul Rahman", "Абдель Рахман": the article of عبد ال… written with its l
#: before a sun letter, where Arabic drops it (عبد الناصر, عبد الرحمن; see _SUN_LETTERS) and
#: glued spellings assimilate it (Abdurrahman, Əbdürrəhman): the l is dropped here too.
_ABD_SUN = re.compile(
    r"(?<![^\W\d_])(?:(abd[uüeəi])l[-\s]?(?=[tdszrnlşţ])|(абд[уеюэ])ль?[-\s]?(?=[тдсзрнлшц]))",
    re.IGNORECASE,
)


def _abd(m: re.Match) -> str:
    return m.group(1) or m.group(2)


def script_of(text: str) -> str:
    """``arabic``, ``cyrillic`` or ``latin``: the script of the first letter in ``text``."""
    for ch in text:
        if ch.isalpha():
            if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
                return "arabic"
            if "\u0400" <= ch <= "\u04ff":
                return "cyrillic"
            return "latin"
    return "latin"


def _classes(
    word: str, table: dict[str, str], digraphs, glides: tuple[str, int] | None = None
) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(word):
        for dg, cls in digraphs:
            if word.startswith(dg, i):
                out.append(cls)
                i += len(dg)
                break
        else:
            cls = table.get(word[i], "")
            if glides and 0 < i < glides[1] and _is_glide(word, i, glides[0]):
                cls = GLIDE
            out.append(cls)
            i += 1
    return out


def _word_skeleton(
    word: str, lang: str | None, compound: bool = False, feminine_ok: bool = True
) -> str:
    """Class string of one lightly normalised word; ``h`` is removed after digraphs were read.

    A woman's surname (Əliyeva, علييفا) gets a mark, so it never shares a key with the man's.
    The Arabic article is recognised before alef folding, so "ألتون" (Altun) keeps its l. It is
    dropped, except inside a compound given name (``compound``: after عبد, أبو, زين …) before a
    "moon" letter, where it is pronounced and written in Latin and Cyrillic too (زين العابدين
    Zeynalabdin, أبو الفضل Əbülfəz, عبد العزيز Abdulaziz; but نور الدين Nurəddin)."""
    script = script_of(word)
    article = script == "arabic" and len(word) > 3 and word.startswith("ال")
    if article:
        keep_l = compound and word[2] not in _SUN_LETTERS
        word = ("ل" if keep_l else "") + word[2:]
    word = _respell(fold_token(word), script)
    feminine = feminine_ok and bool(_FEMININE.search(word))
    # An initial H-like sound is kept as a velar: Russian writes a foreign h as г (Гейдар,
    # Гасанов, Гитлер), so h ~ г ~ ح ~ х there. Inside a word h stays dropped (Məhəmməd /
    # Мамед, Behbudov / Бейбутов, John / Джон); measured both ways on names_xscript.json dev.
    latin_x = script == "latin" and lang not in _C_AS_K and word[:1] == "x"  # Xalid, Xədicə
    initial_h = word[:1] in _H_INITIAL or word.startswith("kh") or latin_x
    initial_v = word[:1] in _VOWEL_INITIAL and word not in _OGLU
    # glides up to the -ov/-ev itself, not in a case ending after it (Əliyevi, Алиеву)
    glides = (script, _OV_END.search(word).end()) if _OV_SURNAME.search(word) else None
    if script == "arabic":
        if article and word.endswith("وي"):  # nisba -vi: الكنجوي Gəncəvi, Ganjavi
            word = word[:-2] + "ڤي"
        classes = _classes(word, _ARABIC_CLASS, _ARABIC_DIGRAPHS, glides)
    elif script == "cyrillic":
        classes = _classes(word, _CYRILLIC_CLASS, _CYRILLIC_DIGRAPHS, glides)
    else:
        table = _LATIN_CLASS
        if lang in _C_AS_K:
            table = {**_LATIN_CLASS, "c": "k", "x": "ks", "j": "j"}
        if len(word) > 3 and word.endswith("wi"):  # nisba -wi: Tahtawi = Tahtavi
            word = word[:-2] + "vi"
        digraphs = _EN_DIGRAPHS if lang in _C_AS_K else _LATIN_DIGRAPHS
        classes = _classes(word, table, digraphs, glides)
    out = "".join(c for c in classes if c and c != "h")
    if initial_h:
        out = "k" + out
    elif initial_v:
        out = VOWEL_MARK + out
    return out + FEMININE_MARK if feminine else out


#: A surname of the -ov/-ev type (Hüseynov, Гусейнов, حسينوف; feminine forms too).
_OV_SURNAME = re.compile(
    r"..(?:ov|ev)(?:a|e|u|[iu]n|n[iu]n|[dt][ae]n?|l[ae]r?|y[ae])?$|..(?:ov|yev)i$"
    r"|..(?:ов|ев|ёв)(?:а|у|ым|ой|ом|е|ы|ых|ым|ою)?$|..(?:وف|يف)ا?$"
)
_OV_END = re.compile(r"(?:ov|ev|ов|ев|ёв|وف|يف)(?!.*(?:ov|ev|ов|ев|ёв|وف|يف))")
_CYR_VOWELS = "аеёиоуыэюяь"
GLIDE = "y"


def _is_glide(word: str, i: int, script: str) -> bool:
    """Inside an -ov/-ev surname, i/y are a class of their own: Arabic writes them (ي in
    حسينوف Hüseynov, علييف Əliyev, كريموف Kərimov) and leaves ə/a/e out (حسنوف Həsənov), so
    Hüseynov and Həsənov, same consonants, stay apart. Cost: Arabic also writes a Russian e as
    ي (بيسكوف Peskov), and Russian may render an Azerbaijani h as й (Бейбутов Behbudov)."""
    ch = word[i]
    if script == "latin":
        return ch in "iy"
    if script == "arabic":
        return ch == "ي"
    return ch in "ийы" or (ch in "еёюя" and word[i - 1] in _CYR_VOWELS)


#: "son of" written as a word of its own (Arabic داود أوغلو, a patronymic "Heydər oğlu") or as a
#: surname's ending (Davutoğlu): no vowel-initial mark, so both spellings meet.
_OGLU = frozenset(("oglu", "ogly", "оглу", "оглы", "اوغلو"))
#: Spellings of one sound that differ by script, rewritten before the classes are read:
#: * W before a vowel is a consonant (Edward = Эдвард = إدوارد), like v; so is a word-initial U
#:   before a vowel in Latin and Cyrillic (Uilyam, Уильям = William) and a word-initial و or و
#:   before alef in Arabic (وهاب Vahab, واقف Vaqif, ناتوان Natəvan), which is otherwise a vowel;
#: * the title bəy/bek before -ov (Əzizbəyov = Азизбеков = عزيزبيوف): one spelling.
_RESPELL = {
    "latin": (
        (re.compile(r"^u(?=[aeiouy])"), "v"),
        (re.compile(r"w(?=[aeiouy])"), "v"),
        (re.compile(r"(?<=be)k(?=[oe]v)"), "y"),
    ),
    "cyrillic": (
        (re.compile(r"^у(?=[аеёиоуэюя])"), "в"),
        (re.compile(r"(?<=бе)к(?=ов)"), "й"),
    ),
    "arabic": (
        (re.compile(r"^و(?!و)"), "ڤ"),
        (re.compile(r"(?<!^)(?<!و)و(?=ا)"), "ڤ"),
        (re.compile(r"(?<=ب)ك(?=وف)"), "ي"),
    ),
}


def _respell(word: str, script: str) -> str:
    for pat, repl in _RESPELL[script]:
        word = pat.sub(repl, word)
    return word


def collapse(s: str) -> str:
    out = []
    for ch in s:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def skeleton(name: str, lang: str | None = None) -> str:
    """Loose phonetic key of a name in any of the three scripts ("Ali Öztürk" → "VlVstrk";
    ``V`` marks a word that starts with a vowel).

    Words are concatenated before repeated classes collapse, so "Abdullah" and "عبد الله"
    agree; the Arabic article is dropped (فخر الدين → Fahrettin). ``lang`` only matters for
    Latin ``c``/``x`` (English versus Turkish/Azerbaijani)."""
    words = _LETTERS.findall(_ABD_SUN.sub(_abd, _ARTICLE.sub("", light(name))))
    fem_ok = _cyrillic_feminine_ok(words) if script_of(name) == "cyrillic" else True
    parts = [
        _word_skeleton(w, lang, i > 0 and fold_token(words[i - 1]) in _COMPOUND_FIRST, fem_ok)
        for i, w in enumerate(words)
    ]
    return collapse("".join(parts))


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Folded common given names in all scripts (a cue for unknown persons)."""
    text = resources.files("minbar.analysis.data").joinpath("given_names.txt").read_text("utf-8")
    return frozenset(
        fold(w) for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


#: A lone Russian surname in -ова/-ева (dev-measured choice, docs/round2/engine-quality.md).
BARE_CYRILLIC_FEMININE = True


def _cyrillic_feminine_ok(words: list[str]) -> bool:
    """Russian -ова/-ева is a woman's surname *or* a man's in the genitive (по словам Алиева).
    Read it as masculine after a given name in the genitive (Ильхама Алиева, Юрия Ушакова),
    as feminine otherwise (Мария Захарова, a lone Захарова; both choices measured on the dev
    half of the entity gold)."""
    if len(words) < 2:
        return BARE_CYRILLIC_FEMININE
    first = fold_token(words[0])
    names = given_names()
    if first in names:
        return True
    for end, nom in (("а", ""), ("я", "й"), ("я", "ь")):
        if first.endswith(end) and first[: -len(end)] + nom in names:
            return False
    return True


@lru_cache(maxsize=200_000)
def token_skeleton(word: str, lang: str | None = None) -> str:
    """Skeleton of one word (for per-token matching of user entities)."""
    return collapse(_word_skeleton(light(word), lang))


# --- script conversion (display forms and generated aliases) --------------------------------

_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ә": "a", "ө": "o", "ү": "u", "ң": "ng", "ғ": "gh", "қ": "q", "һ": "h",
}  # fmt: skip

#: Turkish/Azerbaijani/English Latin → Russian Cyrillic, the way Russian media spell Turkic names.
_LAT_TO_CYR_DIGRAPHS = (
    ("sh", "ш"), ("ch", "ч"), ("kh", "х"), ("zh", "ж"), ("yu", "ю"), ("ya", "я"),
    ("yo", "йо"), ("ts", "ц"),
)  # fmt: skip
_LAT_TO_CYR = {
    "a": "а", "b": "б", "c": "дж", "ç": "ч", "d": "д", "e": "е", "ə": "э", "f": "ф",
    "g": "г", "ğ": "г", "h": "х", "x": "х", "ı": "ы", "i": "и", "j": "ж", "k": "к",
    "q": "г", "l": "л", "m": "м", "n": "н", "o": "о", "ö": "ё", "p": "п", "r": "р",
    "s": "с", "ş": "ш", "t": "т", "u": "у", "ü": "ю", "v": "в", "w": "в", "y": "й",
    "z": "з",
}  # fmt: skip

_AR_TO_LAT = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j",
    "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh",
    "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "u", "ي": "i",
    "ى": "a", "ء": "", "ؤ": "u", "ئ": "i", "پ": "p", "چ": "ch", "گ": "g", "ڤ": "v",
}  # fmt: skip


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def cyrillic_to_latin(text: str) -> str:
    """Simple romanisation of Russian (BGN-like, without diacritics)."""
    out = []
    for word in text.split():
        lat = "".join(_CYR_TO_LAT.get(ch, ch) for ch in word.lower())
        out.append(_cap(lat))
    return " ".join(out)


def latin_to_cyrillic(text: str) -> str:
    """Turkic/English Latin → Russian Cyrillic, used to generate aliases of user entities."""
    out = []
    for word in text.split():
        w = word.replace("İ", "i").replace("I", "ı").lower()
        res = []
        i = 0
        while i < len(w):
            for dg, cyr in _LAT_TO_CYR_DIGRAPHS:
                if w.startswith(dg, i):
                    res.append(cyr)
                    i += len(dg)
                    break
            else:
                ch = w[i]
                # ö/ü after a consonant soften it: Öztürk → Озтюрк; word-initially Ö → О.
                if ch in "öü" and (i == 0 or w[i - 1] in "aeıioöuüə"):
                    res.append("о" if ch == "ö" else "у")
                else:
                    res.append(_LAT_TO_CYR.get(ch, ch))
                i += 1
        out.append(_cap("".join(res)))
    return " ".join(out)


def arabic_to_latin(text: str) -> str:
    """Loose romanisation of an Arabic name for display (no short vowels are written)."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for word in text.split():
        prefix = ""
        if word.startswith("ال") and len(word) > 3:
            prefix, word = "al-", word[2:]
        lat = ("a" if word[:1] == "ع" else "") + "".join(_AR_TO_LAT.get(ch, "") for ch in word)
        out.append(prefix + _cap(lat) if not prefix else prefix + lat.capitalize())
    return " ".join(w for w in out if w)


def to_latin(text: str) -> str:
    """Display form of ``text`` in Latin script (unchanged when already Latin)."""
    script = script_of(text)
    if script == "cyrillic":
        return cyrillic_to_latin(text)
    if script == "arabic":
        return arabic_to_latin(text)
    return text
