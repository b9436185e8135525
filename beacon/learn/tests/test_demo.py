"""The demo's articles and glossary: there, readable, in person-first words."""

import re

import pytest

from beacon.learn.demo import demo_articles, demo_learn_create, demo_terms
from beacon.learn.language import language_hints
from beacon.learn.models import Article, ArticleStatus, GlossaryTerm
from beacon.learn.rendering import render_markdown, word_count
from conftest import member_of


def test_ten_to_twelve_articles_each_on_a_topic_the_issue_names():
    articles = demo_articles()
    assert 10 <= len(articles) <= 12
    text = " ".join(a["body"].lower() for a in articles)
    for topic in ("peer", "addiction", "mutual", "medication", "faith", "harm reduction",
                  "natural recovery", "naloxone", "coping", "return to use", "family",
                  "support network"):  # fmt: skip
        assert topic in text, topic


def test_articles_are_plain_words_at_about_a_sixth_grade_level():
    """Flesch-Kincaid grade of each article's words (a rough syllable count): at most 8, and
    about 6 on average."""

    def syllables(word: str) -> int:
        groups = re.findall(r"[aeiouy]+", word.lower())
        return max(1, len(groups) - (word.lower().endswith("e") and len(groups) > 1))

    grades = []
    for article in demo_articles():
        body = re.sub(r"[#*\[\]()`|>-]", " ", re.sub(r"\(/[^)]*\)", "", article["body"]))
        sentences = max(1, len(re.findall(r"[.!?:](\s|$)", body)) + body.count("\n\n"))
        words = re.findall(r"[A-Za-z']+", body)
        grade = (
            0.39 * len(words) / sentences
            + 11.8 * sum(syllables(w) for w in words) / len(words)
            - 15.59
        )
        grades.append(grade)
        assert grade <= 8.5, (article["slug"], grade)
    assert sum(grades) / len(grades) <= 7


def test_the_demo_words_are_person_first():
    """No demo article or term uses a word the hints point out, except in quotes, where it
    explains that word (labels like "addict"; some people say "relapse")."""

    def unquoted(text: str) -> str:
        return re.sub(r'"[^"]*"|“[^”]*”', "", text)

    for article in demo_articles():
        text = unquoted(article["title"] + " " + article["summary"] + " " + article["body"])
        assert language_hints(text) == [], article["slug"]
    for term in demo_terms():
        assert language_hints(unquoted(term["term"] + " " + term["definition"])) == [], term


def test_every_internal_link_in_the_demo_points_at_a_demo_page():
    slugs = {a["slug"] for a in demo_articles()}
    terms = {t["slug"] for t in demo_terms()}
    for text in [a["body"] for a in demo_articles()] + [t["definition"] for t in demo_terms()]:
        for path in re.findall(r"\]\((/[^)]*)\)", text):
            if path.startswith("/learn/"):
                assert path.split("/")[2] in slugs, path
            elif path.startswith("/glossary/#"):
                assert path == "/glossary/#language-guide", path
            elif path.startswith("/glossary/"):
                assert path.split("/")[2] in terms, path
            else:
                assert path == "/find-help/", path


@pytest.mark.django_db
def test_the_demo_publishes_the_articles_and_the_glossary(ada, pat):
    demo_learn_create(admin=member_of(ada), peer=member_of(pat))
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    assert published.count() == len(demo_articles())
    assert Article.objects.filter(status=ArticleStatus.DRAFT, written_by=pat).count() == 1
    assert 25 <= GlossaryTerm.objects.count() <= 40
    for article in published:
        assert 150 <= word_count(article.body) <= 700, article.slug
        assert str(render_markdown(article.body)).startswith("<h2>")


def test_a_fellowships_name_is_not_pointed_out_but_the_label_still_is():
    assert language_hints("She went to Alcoholics Anonymous on Tuesday.") == []
    assert [h.term for h in language_hints("He is an alcoholic.")] == ["alcoholic"]


def test_the_whole_demo_has_harbors_articles_and_glossary(demo):
    # The demo built once per test process (root conftest.py, issue 16): it only reads it.
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    assert {a.organization.name for a in published} == {"Harbor Recovery Community"}
    assert published.count() == len(demo_articles())
    assert GlossaryTerm.objects.count() == len(demo_terms())
