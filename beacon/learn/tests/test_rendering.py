"""Markdown made safe: nothing a writer types can run a script or fetch from elsewhere."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from beacon.learn.rendering import ALLOWED_TAGS, reading_minutes, render_markdown, word_count

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[x](https://example.org "a" onmouseover="alert(1))',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"></svg>',
    "![tracker](https://evil.example/pixel.png)",
    '<div style="background:url(https://evil.example/x)">x</div>',
    "[a](&#106;avascript:alert(1))",
    "<<script>script>alert(1)<</script>/script>",
    "```\n</code><script>alert(1)</script>\n```",
]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _tags(html: str):
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_a_writer_types_can_run_a_script_or_fetch_anything(text):
    """Every tag in the output is one of the allowed few, with no attribute but a link's
    address (to a safe scheme or Beacon itself), its title and rel: no script, no handler, no
    style, nothing that loads from elsewhere."""
    for tag, attrs in _tags(str(render_markdown(text))):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in {"href", "title", "rel", "start"}, (tag, name)
            if name == "href":
                scheme = urlsplit(value or "").scheme.lower()
                assert scheme in {"", "http", "https", "mailto", "tel"}, value


def test_markdown_becomes_headings_lists_links_and_tables():
    html = str(
        render_markdown(
            "# Title\n\n## Part\n\n- one\n- two\n\n**bold** and *soft* and "
            "[Find Help](/find-help/) and [SAMHSA](https://www.samhsa.gov)\n\n"
            "| a | b |\n|:--|--:|\n| 1 | 2 |\n"
        )
    )
    assert "<h2>Title</h2>" in html  # the page's one <h1> is the title
    assert "<h2>Part</h2>" in html
    assert "<li>one</li>" in html
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert '<a href="/find-help/" rel="noopener noreferrer nofollow">Find Help</a>' in html
    assert 'href="https://www.samhsa.gov"' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "style" not in html  # alignment styles would be refused by the CSP


def test_a_picture_keeps_its_words_and_is_never_fetched():
    html = str(render_markdown("See ![a map of the center](https://evil.example/map.png)."))
    assert html == "<p>See a map of the center.</p>\n"


def test_typed_html_is_shown_as_text():
    html = str(render_markdown('Say <b>hi</b> & <a href="https://x.example">x</a>'))
    assert "&lt;b&gt;hi&lt;/b&gt;" in html
    assert "<a " not in html


def test_reading_time_is_whole_minutes_at_200_words_a_minute_and_at_least_one():
    assert word_count("It's a well-known fact: recovery happens.") == 6
    assert reading_minutes(0) == 1
    assert reading_minutes(200) == 1
    assert reading_minutes(201) == 2
    assert reading_minutes(1000) == 5
