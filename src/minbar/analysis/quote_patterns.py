"""Compiled regular expressions for :mod:`minbar.analysis.quotes`, per language.

Built once at import from the word lists in :mod:`minbar.analysis.quote_cues`; kept apart from
the extraction logic so that module stays readable.
"""

from __future__ import annotations

import re

from minbar.analysis import quote_cues as C
from minbar.analysis.quote_names import MASK

CI = re.IGNORECASE  # every Latin/Cyrillic pattern is case-insensitive
VERB = {
    "en": re.compile(rf"\b(?:{C.EN_VERBS})\b", CI),
    "ru": re.compile(rf"(?<!\w)(?:{C.RU_VERBS})(?!\w)", CI),
    "tr": re.compile(rf"(?<!\w)(?:{C.TR_VERBS}|belirterek|ifade ederek|vurgulayarak)(?!\w)", CI),
    "az": re.compile(rf"(?<!\w)(?:{C.AZ_VERBS})(?!\w)", CI),
    "ar": re.compile(rf"(?<![\w\u064b-\u0652])[وف]?(?:{C.AR_VERBS})(?:ت|وا)?(?![\w\u064b-\u0652])"),
}
EN_SAY = re.compile(rf"^(?:{C.EN_SAY})$", CI)
EN_THAT = re.compile(r"^((?:\s+[^\s,.;:]+){0,7}?),?\s+that\s+", CI)
EN_NO_CLAUSE = re.compile(
    r"^\s*(?:on|in|at|to|during|after|before|last|yesterday|today|earlier|later|this|late|"
    r"from|while|when|via|through|by|as|of|[,.;:!?]|$)",
    CI,
)
EN_INVERTED = re.compile(
    rf"^(?P<q>.+?),\s+(?P<spk>[^,]{{1,90}}?)\s+(?P<v>{C.EN_VERBS})\b"
    r"(?P<rest>[^,;]*)$",
    CI,
)
EN_INVERTED_VS = re.compile(rf"^(?P<q>.+?),\s+(?:{C.EN_SAY}|told|added)\s+(?P<spk>[^,]+)", CI)
EN_RELATIVE = re.compile(r"^\s*(?:which|who|that|where|when|whose)\b", CI)
EN_ACC_END = re.compile(r"^(?P<q>.+?),\s+according to\s+(?P<spk>.+?)[.]?$", CI)
EN_ACC_START = re.compile(r"^\s*according to\s+(?P<spk>[^,]{2,100}),\s+(?P<q>.+)$", CI)
EN_PART = re.compile(rf",\s+(?:{C.EN_PARTICIPLES})\s+(?:that\s+)?", CI)

RU_THAT = re.compile(r"^([^,.;:«»]{0,60}?),\s+что\s+", CI)
RU_AS = re.compile(rf"^\s*как\s+(?:{C.RU_VERBS})\s+(?P<spk>[^,]+(?:\([^)]*\))?),\s+(?P<q>.+)$", CI)
RU_ACC = re.compile(
    rf"^\s*(?:{C.RU_ACCORDING}\s+(?P<spk>[^,]{{2,100}})|по\s+(?P<pron>его|её|ее|их)\s+"
    r"(?:словам|мнению|данным)),\s+(?P<q>.+)$",
    CI,
)
RU_INVERTED = re.compile(rf"^(?P<q>.+?),\s+(?:{C.RU_INVERTED})\s+(?P<spk>[^,]+?)[.]?$", CI)
RU_PART = re.compile(rf",\s+(?:{C.RU_PARTICIPLES}),\s+что\s+", CI)

TR_CLAUSE_END = re.compile(rf"(?:{C.TR_CLAUSE_END})$", CI)
TR_PART = re.compile(rf"(?<!\w)(?:{C.TR_PARTICIPLES})\s+(?P<spk>[^,]{{2,80}}),\s+", CI)
TR_AFTER_DIRECT = re.compile(rf"{MASK}[^,]*?\b(?:dedi|konuştu|kullandı|ekledi)\s+ve\s+", CI)
TR_SAYING = re.compile(MASK + r"\s*(?:diyen|diyən)\s+(?P<spk>[^,]{2,80}),\s*", CI)
TR_ACC = re.compile(
    r"^\s*(?P<src>[^,]{2,90}?)\s+(?:göre|görə|fikrincə|fikrine göre),?\s+(?P<q>.+)$", CI
)
AZ_KI = re.compile(r"^\s*ki,?\s+", CI)
AZ_PASSIVE = re.compile(
    r"(?P<spk>(?:\S+\s+){0,3}\S+(?:dan|dən))\s+bildirilib\s+ki,?\s+(?P<q>.+)$", CI
)
AZ_CLAUSE_VERB = re.compile(rf"^(?:{C.AZ_CLAUSE_VERBS})$", CI)

AR_COMP = re.compile(rf"^\s*(?P<spk>(?:[^\s،:«»,]+\s+){{0,14}}?){C.AR_COMPLEMENTISER}\s+")
AR_ACC = re.compile(
    r"(?:^|،\s*|\s)و?(?:بحسب|حسب|وفقاً|وفقا|وفق|طبقاً|طبقا)\s+(?P<spk>[^،]{2,80})،\s*(?:فإن\s+)?"
    r"(?P<q>.+)$"
)
AR_QAWL = re.compile(r"عن\s+(?P<spk>(?:[^\s،]+\s+){1,12}?)قول(?:ه|ها|هم)\s+(?:إن|أن)\s+(?P<q>.+)$")
AR_PART = re.compile(
    rf"[،,]\s*(?:{C.AR_PARTICIPLES})\s+(?:\S+\s+)?(?:إلى\s+)?(?:أن|أنه|أنها|بأن|بأنه|بأنها)\s+"
)

#: Where a reported clause stops: a participle adding another clause, a contrast, a semicolon.
CLAUSE_STOP = {
    "en": re.compile(rf",\s+(?:but|while|whereas)\s|;|,\s+(?:{C.EN_PARTICIPLES})(?=[\s:])", CI),
    "ru": re.compile(rf",\s+(?:но|однако|а также)\s|;|,\s+(?:{C.RU_PARTICIPLES}),", CI),
    "tr": re.compile(r";", CI),
    "az": re.compile(r";", CI),
    "ar": re.compile(rf"[،,]\s*(?:غير أن|لكن|بينما|في حين|{C.AR_PARTICIPLES})(?=[\s:])|؛"),
}
EN_PRE_BOUNDARY = re.compile(r",\s+(?:but|and|while|whereas)\s|;|" + MASK, CI)

#: Direct quote followed by its attribution.
AFTER = {
    "en": re.compile(
        rf"^[\s,.!?]*(?:[—–-]\s*)?(?:(?P<pre>[^\"“”«»;:!?]{{1,160}}?)\s+)?(?P<v>{C.EN_VERBS}|asked)"
        r"\b(?P<post>[^\"“”«»;]*)",
        CI,
    ),
    "ru": re.compile(rf"^[\s,.!?]*[—–-]\s*(?:{C.RU_VERBS})(?!\w)\s*(?P<post>[^«»]*)", CI),
    "tr": re.compile(
        r"^[\s,.!?]*(?:(?P<before>dedi|diye\s+\w+|şeklinde\s+\w+|ifadelerini\s+kullan\w*"
        r"|sözlerini\s+\w+|diyerek|açıklamasında\s+bulundu|(?:sözlerine|ifadelerine)\s+yer\s+ver\w*)"
        r"|diyen\s+(?P<post>[^,]{2,90}),)",
        CI,
    ),
    "az": re.compile(
        rf"^[\s,.!?]*[—–-]?\s*deyə\s+(?P<pre>.*?)\s*(?:{C.AZ_VERBS}|deyib|bildirib)(?!\w)", CI
    ),
    "ar": re.compile(rf"^[\s،,.]*[وف]?(?:{C.AR_VERBS})(?:ت|وا)?\s+(?P<post>[^.«»:\"]*)"),
}
RU_SPLIT = re.compile(rf",\s*[—–]\s*(?:{C.RU_VERBS})\s+(?P<spk>[^.—–]+?)[.,]\s*[—–]\s*", CI)
COLON_VERB = {lang: VERB[lang] for lang in VERB}
TITLE_WORD = {
    lang: re.compile("|".join(re.escape(w) for w in C.PERSON_TITLES[lang]), CI)
    for lang in ("tr", "az")
}
PHRASE_TAIL = re.compile(r"\s+(?:şunları|şöyle|belə|bunları|bunu|şu sözlerle)$", CI)


SOV_CLAUSE_START = re.compile(
    r"^(?:(?:ise|isə|da|də|de|ayrıca|həmçinin)\s+)?(?:.*\s\w+(?:arak|erek|yaraq|yərək)\s+)?", CI
)
DATELINE = re.compile(r"^[A-ZА-ЯÇŞİÖÜƏĞ]{2,}[^—–]{0,60}?\s[—–]\s+")


#: "… said, “" — a quotation resumed after its attribution.
CONTINUED = re.compile(rf"(?:{C.EN_VERBS}|dedi|сказал\w*|заявил\w*)\s*,\s*$", CI)
#: Words naming what was said: “described the decision as "…"”, "«…» назвал", "X "…" adlandırıb".
NAMING_BEFORE = {
    "en": re.compile(
        r"(?P<pre>.*?)\b(?:described|termed|labell?ed)\b(?:\s+\S+){0,4}?\s+as\s*$"
        r"|(?P<pre2>.*?)\bcalled\b(?:\s+\S+){1,4}\s*$",
        CI,
    ),
    "ru": re.compile(r"(?P<pre>.*?)(?:назвал[аио]?|охарактеризовал[аио]?)(?:\s+\S+){0,4}\s*$", CI),
    "ar": re.compile(
        r"(?P<pre>.*?)(?:واصف\S*|ووصف\S*|وصف\S*)(?:\s+\S+){0,3}\s+(?:بأنه|بأنها|ب)\s*$"
    ),
}
NAMING_AFTER = {
    "tr": re.compile(r"^\s*(?:olarak\s+)?(?:nitelendir|adlandır|değerlendir|tanımla)\w*", CI),
    "az": re.compile(r"^\s*(?:kimi\s+)?(?:adlandır|qiymətləndir|dəyərləndir|səciyyələndir)\w*", CI),
}
