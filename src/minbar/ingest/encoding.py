"""Turn fetched bytes into text for ar/tr/az/en/ru sources.

Why this is more than ``bytes.decode``: our sources mislabel their encodings all the time
(Arabic pages served as ISO-8859-1, Turkish feeds declaring latin-1, UTF-8 declared as
us-ascii, UTF-16 XML without a BOM), and generic detectors confuse windows-1251 with KOI8-R,
or windows-1256 with Cyrillic, on short texts. Mojibake silently poisons language detection,
deduplication and search, so decoding must be right, not merely error-free.

Order of evidence (strongest first): BOM, a UTF-16/32 byte pattern, the declared (HTTP)
charset, the XML declaration, an HTML ``<meta>`` charset in the first 4 KB, strict UTF-8,
then detection. A declaration is skipped when its codec is unknown, unsafe (UTF-7 and other
codecs that can smuggle markup), or fails to decode; a legacy declaration on bytes that are
valid non-ASCII UTF-8 yields UTF-8 (valid multi-byte UTF-8 practically never happens by
accident in legacy text). A latin-1/ASCII declaration is read as windows-1252 (as browsers
do), unless detection finds another script much more plausible (Arabic or Turkish text
labelled latin-1 is a classic).

Detection scores each candidate from :data:`CANDIDATES` by what the decoded text looks like:
letters of the expected scripts (frequent Arabic and Russian letters, Turkish/Azerbaijani
letters) score, mojibake (C1 controls, stray symbols, mixed-script words, an uppercase
letter right after a lowercase one, which is what KOI8-R read as windows-1251 looks like)
costs. Only when no candidate looks like real text do we ask charset-normalizer, unrestricted,
for other languages' encodings. Returned encoding names are Python's canonical codec names.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

from minbar.ingest.errors import DecodeError

__all__ = ["CANDIDATES", "decode_bytes"]

#: Legacy encodings detection chooses among, in tie-break order.
CANDIDATES: tuple[str, ...] = (
    "cp1252",
    "cp1254",
    "iso8859-9",
    "cp1256",
    "iso8859-6",
    "cp1251",
    "koi8-r",
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UNSAFE = frozenset(
    {"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"}
)
_ALIASES = {
    "utf16le": "utf-16-le",
    "utf16be": "utf-16-be",
    "utf32le": "utf-32-le",
    "utf32be": "utf-32-be",
    "koi8r": "koi8-r",
    "koi8u": "koi8-u",
    "maccyrillic": "mac-cyrillic",
}
_LATIN1_LABELS = frozenset({"iso8859-1", "ascii", "cp1252"})
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_META = re.compile(rb"<meta[^>]{0,500}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.I)
_CONTROL = frozenset(chr(c) for c in [*range(0, 9), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_CONTROL |= frozenset(chr(c) for c in range(0x7F, 0xA0))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SAMPLE_CHARS = 20000

# Letters that make up most of running text: the top ~17 in Arabic and Russian.
_AR_TOP = frozenset("اليمونهرتبةعدفكسقأ")
_CY_TOP = frozenset("оеаинтсрвлкмдпуяы")
_CY_RU = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
_LATIN_EXPECTED = frozenset("çğıöşüÇĞİÖŞÜəƏ")
_LATIN_OK = frozenset("àáâãäåæèéêëìíîïñòóôõøùúûÿßœÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÑÒÓÔÕØÙÚÛŒ")
_PUNCT_OK = frozenset("\u00a0«»“”„‘’‚–—…•€№،؛؟٪\u200c\u200d\u200e\u200f")


def _script(ch: str) -> str:
    """'a'rabic, 'c'yrillic, 'l'atin, 'o'ther letter, or '' for a non-letter."""
    if not ch.isalpha():
        return ""
    cp = ord(ch)
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
        return "a"
    if 0x0400 <= cp <= 0x052F:
        return "c"
    if cp < 0x02B0 or 0x1E00 <= cp <= 0x1EFF:  # incl. Azerbaijani ə (U+0259)
        return "l"
    return "o"


def _char_score(text: str, i: int) -> float:
    ch = text[i]
    prev = text[i - 1] if i else " "
    script = _script(ch)
    if script:
        after_lower = prev.islower() and ch.isupper()
        mixed = _script(prev) not in ("", script) or (
            i + 1 < len(text) and _script(text[i + 1]) not in ("", script)
        )
        if script == "a":
            base = 1.0 if ch in _AR_TOP else 0.4
        elif script == "c":
            if ch not in _CY_RU:
                base = 0.0
            elif ch.isupper():
                base = 0.6 if not prev.isalpha() else 0.2
            else:
                base = 1.0 if ch in _CY_TOP else 0.4
        elif script == "l":
            base = 1.0 if ch in _LATIN_EXPECTED else 0.6 if ch in _LATIN_OK else -0.5
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if not prev.isascii() and prev.isalpha() and not nxt.isascii() and nxt.isalpha():
                base -= 0.8  # runs of accented letters: legacy Cyrillic/Arabic read as Latin
        else:
            base = 0.3
        return base - (1.0 if after_lower else 0.0) - (1.5 if mixed else 0.0)
    if ch in _PUNCT_OK:
        return 0.3
    category = unicodedata.category(ch)
    if category == "Mn":  # combining marks (Arabic harakat) only make sense on a letter
        return 0.3 if prev.isalpha() and _script(prev) == "a" else -1.0
    if category in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd":
        return -3.0
    if category == "Nd":
        return 0.3
    return -1.0  # symbols and odd punctuation: the usual ingredients of mojibake


def _plausibility(text: str) -> float:
    """Average per-character plausibility of the non-ASCII part of ``text`` (about -3..1)."""
    total = 0.0
    count = 0
    for match in _NON_ASCII.finditer(text):
        total += _char_score(text, match.start())
        count += 1
        if count >= _SAMPLE_CHARS:
            break
    return total / count if count else 1.0


def _detect(data: bytes) -> tuple[str, str, float] | None:
    """Best (text, encoding, score) among :data:`CANDIDATES`, or None if none decodes."""
    best: tuple[str, str, float] | None = None
    for enc in CANDIDATES:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if best is None or score > best[2] + 1e-9:
            best = (text, enc, score)
    return best


def _normalise(label: str | None) -> str | None:
    """Canonical codec name for a charset label, or None if unknown or unsafe."""
    if not label:
        return None
    name = label.strip().strip("\"'").strip().lower()
    tries = [name, _ALIASES.get(re.sub(r"[^a-z0-9]", "", name), "")]
    if name.startswith("x-"):
        tries.append(name[2:])
    for attempt in tries:
        if not attempt:
            continue
        try:
            info = codecs.lookup(attempt)
        except (LookupError, ValueError):
            continue
        if getattr(info, "_is_text_encoding", True) and info.name not in _UNSAFE:
            return info.name
        return None
    return None


def _is_utf8_nonascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few broken bytes (a stray legacy byte, a cut-off sequence).

    Legacy single-byte text almost never forms valid multi-byte sequences, so plenty of
    valid ones and few invalid ones mean UTF-8; replacing the few beats mojibake everywhere.
    """
    head = data[:65536]
    sample = head.decode("utf-8", errors="replace")
    bad = sample.count("\ufffd") - head.count(b"\xef\xbf\xbd")
    good = len(_NON_ASCII.findall(sample)) - sample.count("\ufffd")
    if bad > 0 and good >= 3 and good >= 4 * bad:
        return data.decode("utf-8", errors="replace")
    return None


def _wide_pattern(data: bytes) -> str | None:
    """UTF-16/32 without BOM, recognised by where the zero bytes fall (ASCII, spaces)."""
    sample = data[:4096]
    quads = len(sample) // 4
    if quads and len(data) % 4 == 0:
        zeros = [sample[k : quads * 4 : 4].count(0) for k in range(4)]
        if zeros[3] == quads and zeros[2] >= 0.9 * quads and zeros[0] < quads:
            return "utf-32-le"
        if zeros[0] == quads and zeros[1] >= 0.9 * quads and zeros[3] < quads:
            return "utf-32-be"
    pairs = len(sample) // 2
    if pairs == 0 or len(data) % 2:
        return None
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    if odd >= max(1, 0.02 * pairs) and even <= 0.1 * odd:
        return "utf-16-le"
    if even >= max(1, 0.02 * pairs) and odd <= 0.1 * even:
        return "utf-16-be"
    return None


def _from_label(data: bytes, enc: str | None, in_document: bool) -> tuple[str, str] | None:
    """Decode as a declared encoding, correcting the common misdeclarations.

    A UTF-16/32 label found *inside* the document is ignored: had the document really been
    UTF-16 we would have seen a BOM or the zero-byte pattern before reading the label.
    """
    if enc is None:
        return None
    if enc.startswith(("utf-16", "utf-32")):
        if in_document or _is_utf8_nonascii(data) or data.isascii():
            return None
        enc = {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(enc, enc)
    elif enc != "utf-8" and _is_utf8_nonascii(data):
        return data.decode("utf-8"), "utf-8"
    elif enc != "utf-8" and (text := _mostly_utf8(data)) is not None:
        return text, "utf-8"
    elif enc in _LATIN1_LABELS and not data.isascii():
        western = data.decode("cp1252") if _decodes(data, "cp1252") else data.decode("latin-1")
        found = _detect(data)
        if found and found[1] != "cp1252" and found[2] - _plausibility(western) > 0.5:
            return found[0], found[1]
        return western, "cp1252" if _decodes(data, "cp1252") else "iso8859-1"
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError):
        return None


def _decodes(data: bytes, enc: str) -> bool:
    try:
        data.decode(enc)
    except UnicodeDecodeError:
        return False
    return True


def _ascii_compatible(enc: str) -> bool:
    probe = "<?xml html a-z 0-9>"
    try:
        return probe.encode(enc) == probe.encode("ascii")
    except (UnicodeError, LookupError):
        return False


def _check_text(text: str, source: str) -> None:
    sample = text[:8192]
    bad = sum(1 for ch in sample if ch in _CONTROL)
    if "\x00" in sample or (bad and bad > 0.1 * len(sample)):
        raise DecodeError(source, "looks like binary data (control characters)")


def decode_bytes(
    data: bytes,
    *,
    declared: str | None = None,
    kind: str = "html",
    source: str | None = None,
) -> tuple[str, str]:
    """Decode ``data`` to ``(text, encoding_used)``; raise DecodeError for empty or binary.

    ``declared`` is the HTTP charset; ``kind`` is "html" (XML declaration and ``<meta>``
    are consulted), "xml" (XML declaration only) or "text" (neither). ``source`` only
    names the input in error messages.
    """
    if kind not in ("html", "xml", "text"):
        raise ValueError(f"unknown kind {kind!r}")
    where = source or f"<{len(data)} bytes>"
    if not data:
        raise DecodeError(where, "empty body")
    result = _decode(data, declared, kind, where)
    _check_text(result[0], where)
    return result


def _decode(data: bytes, declared: str | None, kind: str, where: str) -> tuple[str, str]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace"), enc
    wide = _wide_pattern(data)
    if wide is not None:
        try:
            return data.decode(wide), wide
        except UnicodeDecodeError:
            raise DecodeError(where, "looks like binary data (NUL bytes)") from None
    if b"\x00" in data:
        raise DecodeError(where, "looks like binary data (NUL bytes)")
    labels: list[tuple[str | None, bool]] = [(declared, False)]
    if kind in ("html", "xml"):
        match = _XML_DECL.match(data[:1024])
        labels.append((match.group(1).decode("ascii") if match else None, True))
    if kind == "html":
        match = _META.search(data[:4096])
        labels.append((match.group(1).decode("ascii") if match else None, True))
    for label, in_document in labels:
        found = _from_label(data, _normalise(label), in_document)
        if found is not None:
            return found
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = _mostly_utf8(data)
    if text is not None:
        return text, "utf-8"
    best = _detect(data)
    if best is not None and best[2] >= 0.25:
        return best[0], best[1]
    guess = charset_normalizer.from_bytes(data).best()
    if guess is not None and guess.encoding:
        enc = _normalise(guess.encoding)
        if enc and _decodes(data, enc) and _ascii_compatible(enc):
            return data.decode(enc), enc
    if best is not None:
        return best[0], best[1]
    return data.decode("latin-1"), "iso8859-1"
