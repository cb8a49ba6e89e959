"""Plain text out of HTML fragments (feed summaries, titles).

Everything minbar stores is plain text, so markup (and any script in a hostile title) never
reaches the store; the web layer escapes on output as a second line of defence.
"""

from __future__ import annotations

import html
import re

from lxml import html as lxml_html
from lxml.etree import ParserError

_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_DROP = ("script", "style", "noscript", "iframe", "object", "embed", "template")
_BLOCK = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


def clean_whitespace(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment; paragraphs become blank-line separated."""
    if not fragment:
        return ""
    if "<" not in fragment:
        return clean_whitespace(html.unescape(fragment))
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return clean_whitespace(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for bad in root.iter(*_DROP):
        bad.drop_tree()
    for el in root.iter(*_BLOCK):
        el.tail = "\n\n" + (el.tail or "")
    return clean_whitespace(root.text_content())


def title_text(title: str) -> str:
    """A one-line title with markup removed."""
    return " ".join(html_to_text(title).split())
