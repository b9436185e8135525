"""Markdown to safe HTML, and reading time (docs/public-site.md, "How an article is made safe").

Two layers, so that nothing a writer types can run a script or make a reader's browser fetch
anything from elsewhere:

1. markdown-it-py (CommonMark) with raw HTML turned off: `<script>` typed in an article is
   shown as text, and its link check already refuses `javascript:`, `vbscript:` and `data:`
   addresses.
2. nh3 (the Rust sanitizer ammonia) cleans what the Markdown library made against a short list
   of tags and attributes: no images, frames, styles or event handlers, links only to http,
   https, mailto and tel (or to Beacon's own pages), each with rel="noopener noreferrer
   nofollow". Images are left out on purpose: a picture from another site is a request to it,
   which the public pages promise never to make.

Headings start at level 2 (a `#` heading becomes `<h2>`): the page's one `<h1>` is the title.
"""

from __future__ import annotations

import math
import re

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# Adults reading plain text read about 200-250 words a minute; 200 leaves room for readers who
# take their time, and for the pauses a hard subject asks for.
WORDS_PER_MINUTE = 200

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


def render_markdown(text: str) -> SafeString:
    """The HTML of `text` (Markdown), safe to put in a page as it is."""
    tokens = _md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        for child in token.children or ():
            if child.type == "image":  # its words stay, the picture does not come
                child.type, child.tag, child.children = "text", "", None
    html = _md.renderer.render(tokens, _md.options, {})
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        # Table alignment arrives as a style attribute: dropped, the CSP refuses inline styles.
        attributes={"a": {"href", "title"}, "ol": {"start"}},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above


def plain_text(text: str) -> str:
    """The words of `text` (Markdown) without its markup, for a list's short excerpt."""
    return " ".join(strip_tags(render_markdown(text)).split())


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


def reading_minutes(words: int) -> int:
    """Minutes to read `words` words, at least 1."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
