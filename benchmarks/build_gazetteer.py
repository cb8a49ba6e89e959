"""Build ``src/minbar/analysis/data/countries.json`` from CLDR (via Babel) at build time.

Why a generated file rather than Babel at run time: the shipped names then do not change with
the installed Babel version (entity keys must stay stable across installs), loading one small
JSON is cheaper than five CLDR locales, and Babel stays a build-time tool only.
Country and continent names in ar, tr, az, en, ru; the English name is the canonical one.

    .venv/bin/python benchmarks/build_gazetteer.py
"""

from __future__ import annotations

import json
from pathlib import Path

from babel import Locale

LANGS = ("en", "ar", "tr", "az", "ru")
OUT = Path(__file__).resolve().parents[1] / "src/minbar/analysis/data/countries.json"
#: CLDR codes that are not places (or are organisations: EU, UN) or too vague to tag.
SKIP = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK"}
#: Country names that are also frequent words in one of our languages: مالي (Mali) is
#: "financial" in Arabic, Того (Togo) is "of that" in Russian.
AMBIGUOUS = {"مالي", "Того"}
#: Continents and large regions worth tagging as places (UN M49 codes).
REGIONS = {"002", "019", "142", "150", "145", "143", "021", "005", "015", "151", "155", "039"}


def main() -> None:
    locales = {lang: Locale.parse(lang) for lang in LANGS}
    codes = sorted(
        c
        for c in locales["en"].territories
        if (c.isalpha() and len(c) == 2 and c not in SKIP) or c in REGIONS
    )
    out = []
    for code in codes:
        names = {lang: locales[lang].territories.get(code) for lang in LANGS}
        found = {n for n in names.values() if n}
        aliases = sorted((found | {n.replace("ё", "е") for n in found}) - AMBIGUOUS)
        out.append({"code": code, "canonical": names["en"], "aliases": aliases})
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    print(f"{len(out)} territories → {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
