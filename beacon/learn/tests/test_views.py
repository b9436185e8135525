"""Learn's and the glossary's pages: public reading, drafts hidden, the staff's writing and
publishing, and the other organization kept out."""

import pytest
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.learn.models import Article, ArticleStatus, GlossaryTerm
from beacon.learn.tests import factories
from conftest import member_of

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Coping with cravings",
    "slug": "coping-with-cravings",
    "category": "coping",
    "summary": "Cravings pass.",
    "body": "## Breathe\n\nIn for four, out for four.",
}


@pytest.fixture
def published(sam):
    return factories.article(member_of(sam), publish=True)


@pytest.fixture
def draft(pat):
    return factories.article(member_of(pat), slug="a-draft", title="A draft in progress")


# The public pages -------------------------------------------------------------------------------


def test_the_public_reads_published_articles_by_category_without_signing_in(client, published):
    page = client.get("/learn/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Peer recovery support" in html  # the category heading
    assert 'href="/learn/what-is-peer-support/"' in html
    assert "1 minute read" in html
    assert "Harbor Recovery Community" in html


def test_an_article_shows_its_words_reading_time_and_print_link(client, published):
    page = client.get("/learn/what-is-peer-support/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 id="article-title">What is peer support?</h1>' in html
    assert "<h2>Why it matters</h2>" in html
    assert "1 minute read" in html
    assert 'href="/learn/what-is-peer-support/print/"' in html
    assert 'value="http://testserver/learn/what-is-peer-support/"' in html  # the link to share
    assert "988" in html


def test_the_printable_view_has_the_article_and_its_print_stylesheet(client, published):
    page = client.get("/learn/what-is-peer-support/print/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/learn/print.css" in html
    assert "<h2>Why it matters</h2>" in html
    assert "Read it online: http://testserver/learn/what-is-peer-support/" in html
    assert "style=" not in html and "<style" not in html  # the CSP refuses inline styles


@pytest.mark.parametrize(
    "path", ["/learn/", "/learn/what-is-peer-support/", "/learn/what-is-peer-support/print/",
             "/glossary/", "/glossary/?q=narcan", "/glossary/naloxone/"]
)  # fmt: skip
def test_public_pages_set_no_cookie_and_load_nothing_from_elsewhere(client, published, ada, path):
    factories.term(member_of(ada))
    page = client.get(path)
    assert page.status_code == 200
    assert not page.cookies, page.cookies
    assert "Set-Cookie" not in page.headers
    html = page.content.decode()
    assert "csrfmiddlewaretoken" not in html
    for attribute in ('src="http', "src='http", 'href="//', 'src="//'):
        assert attribute not in html
    assert "<link" not in html.replace('<link rel="stylesheet" href="/static/', "").replace(
        '<link rel="icon" href="/static/', ""
    )


def test_drafts_are_not_found_by_the_public_nor_listed(client, draft):
    assert client.get("/learn/a-draft/").status_code == 404
    assert client.get("/learn/a-draft/print/").status_code == 404
    assert "A draft in progress" not in client.get("/learn/").content.decode()


def test_publish_then_unpublish(client, client_for, sam, draft):
    staff = client_for(sam)
    response = staff.post(reverse("learn:publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.PUBLISHED and draft.published_at is not None
    assert client.get("/learn/a-draft/").status_code == 200
    assert AuditEvent.objects.filter(action="article.published", object_id=str(draft.pk)).exists()

    staff.post(reverse("learn:unpublish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.DRAFT
    assert client.get("/learn/a-draft/").status_code == 404
    assert AuditEvent.objects.filter(action="article.unpublished").exists()


def test_a_peer_writes_a_draft_but_does_not_publish(client_for, pat):
    peer = client_for(pat)
    response = peer.post(reverse("learn:new"), FORM)
    article = Article.objects.get(slug="coping-with-cravings")
    assert response.status_code == 302
    assert response["Location"] == reverse("learn:detail", args=[article.pk])
    assert article.status == ArticleStatus.DRAFT and article.written_by == pat
    assert article.word_count == 7
    assert AuditEvent.objects.filter(action="article.created", actor=pat).exists()
    detail = peer.get(reverse("learn:detail", args=[article.pk])).content.decode()
    assert "A supervisor or organization admin publishes it" in detail
    assert peer.post(reverse("learn:publish", args=[article.pk])).status_code == 403
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_a_peer_may_change_a_draft_but_not_a_published_article(client_for, pat, draft, published):
    peer = client_for(pat)
    changed = {**FORM, "slug": "a-draft", "version": draft.version}
    assert peer.post(reverse("learn:edit", args=[draft.pk]), changed).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Coping with cravings" and draft.version == 2
    assert peer.get(reverse("learn:edit", args=[published.pk])).status_code == 403
    assert (
        "Change the article"
        not in peer.get(reverse("learn:detail", args=[published.pk])).content.decode()
    )


def test_bad_input_names_each_field_and_keeps_what_was_typed(client_for, sam, published):
    page = client_for(sam).post(
        reverse("learn:new"),
        {**FORM, "slug": "what-is-peer-support", "title": "", "body": "Kept words"},
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "This field is required." in html
    assert "Kept words" in html
    assert not Article.objects.filter(body="Kept words").exists()
    taken = client_for(sam).post(reverse("learn:new"), {**FORM, "slug": "what-is-peer-support"})
    assert "“What is peer support?” already has this address" in taken.content.decode()
    reserved = client_for(sam).post(reverse("learn:new"), {**FORM, "slug": "manage"})
    assert "is the address of another page" in reserved.content.decode()


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client_for, sam, published):
    staff = client_for(sam)
    old = {**FORM, "slug": published.slug, "version": published.version}
    staff.post(reverse("learn:edit", args=[published.pk]), {**old, "title": "First save"})
    again = staff.post(reverse("learn:edit", args=[published.pk]), {**old, "title": "Second"})
    assert again.status_code == 409
    assert "Someone else saved this article" in again.content.decode()
    assert 'value="Second"' in again.content.decode()
    published.refresh_from_db()
    assert published.title == "First save"


def test_another_organizations_drafts_and_articles_are_not_found(
    client_for, olive, draft, published
):
    outsider = client_for(olive)
    for article in (draft, published):
        for name in ("detail", "edit"):
            assert outsider.get(reverse(f"learn:{name}", args=[article.pk])).status_code == 404
        assert outsider.post(reverse("learn:publish", args=[article.pk])).status_code == 404
    assert "A draft in progress" not in outsider.get(reverse("learn:manage")).content.decode()


def test_participants_do_not_reach_the_staff_pages(client_for, riley, draft):
    participant = client_for(riley)
    assert participant.get(reverse("learn:manage")).status_code == 403
    assert participant.get(reverse("learn:detail", args=[draft.pk])).status_code == 403


def test_the_staff_list_shows_the_organizations_drafts_and_published_articles(
    client_for, pat, draft, published
):
    html = client_for(pat).get(reverse("learn:manage")).content.decode()
    assert "A draft in progress" in html and "What is peer support?" in html
    assert "Draft" in html and "Published" in html


def test_the_navigation_leads_staff_to_learn_and_admins_to_the_glossary(client_for, pat, ada):
    assert 'href="/learn/manage/"' in client_for(pat).get("/my-day/").content.decode()
    admin_nav = client_for(ada).get("/my-day/").content.decode()
    assert 'href="/glossary/manage/"' in admin_nav


# The glossary ------------------------------------------------------------------------------------


@pytest.fixture
def glossary(ada):
    admin = member_of(ada)
    factories.term(admin)
    factories.term(
        admin,
        slug="warm-handoff",
        term="Warm handoff",
        also_known_as="",
        definition="A helper walks a person to the next helper, instead of handing over a number.",
    )
    factories.term(
        admin,
        slug="harm-reduction",
        term="Harm reduction",
        also_known_as="",
        definition="Staying alive and well, for example with naloxone.",
    )


def test_the_glossary_lists_every_term_and_the_person_first_language_guide(client, glossary):
    html = client.get("/glossary/").content.decode()
    assert 'href="/glossary/naloxone/"' in html and 'href="/glossary/warm-handoff/"' in html
    assert 'id="language-guide"' in html
    assert "“return to use”" in html and "“relapse”" in html  # from the hints' own list


def test_the_glossary_is_searched_by_a_plain_form_by_name_other_name_and_meaning(client, glossary):
    narcan = client.get("/glossary/", {"q": "narcan"}).content.decode()
    assert "1 term found for “narcan”" in narcan
    assert 'href="/glossary/naloxone/"' in narcan
    assert 'href="/glossary/warm-handoff/"' not in narcan
    # A term named by the words comes before one that only mentions them.
    naloxone = client.get("/glossary/", {"q": "NALOXONE"}).content.decode()
    assert naloxone.index("/glossary/naloxone/") < naloxone.index("/glossary/harm-reduction/")
    nothing = client.get("/glossary/", {"q": "zzzz"}).content.decode()
    assert "No term holds those words" in nothing
    # The guide is searched too: "clean" finds its line.
    clean = client.get("/glossary/", {"q": "clean"}).content.decode()
    assert 'id="say-clean"' in clean and 'id="say-relapse"' not in clean


def test_a_too_long_search_says_so_beside_the_box(client, glossary):
    page = client.get("/glossary/", {"q": " ".join(["word"] * 20)})
    assert page.status_code == 200
    assert "Search with 12 words or fewer (this has 20)." in page.content.decode()


def test_the_list_shows_a_terms_words_without_its_markup(client, ada):
    factories.term(member_of(ada), definition="Medicine for [opioid use](/glossary/oud/) **now**.")
    html = client.get("/glossary/").content.decode()
    assert "Medicine for opioid use now." in html
    assert "](/glossary/oud/)" not in html and "**" not in html


def test_each_term_has_its_own_address(client, glossary):
    page = client.get("/glossary/naloxone/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 id="term-title">Naloxone</h1>' in html and "Narcan" in html
    assert client.get("/glossary/no-such-term/").status_code == 404


def test_admins_add_and_change_their_terms_others_do_not(client_for, ada, sam, olive, glossary):
    admin = client_for(ada)
    new = {"term": "Craving", "slug": "craving", "also_known_as": "urge",
           "definition": "A strong urge to use."}  # fmt: skip
    assert admin.post(reverse("glossary:new"), new).status_code == 302
    craving = GlossaryTerm.objects.get(slug="craving")
    assert AuditEvent.objects.filter(action="glossary_term.created").exists()
    changed = {**new, "definition": "A strong wish to use. It passes.", "version": 1}
    assert admin.post(reverse("glossary:edit", args=[craving.pk]), changed).status_code == 302
    craving.refresh_from_db()
    assert craving.definition == "A strong wish to use. It passes."
    assert client_for(sam).get(reverse("glossary:manage")).status_code == 403
    assert client_for(olive).get(reverse("glossary:edit", args=[craving.pk])).status_code == 404
    taken = admin.post(reverse("glossary:new"), {**new, "term": "Urge"})
    assert "“Craving” already has this address" in taken.content.decode()


def test_a_slug_written_around_the_form_still_lists_and_answers_404(client, client_for, sam):
    odd = factories.article(member_of(sam), publish=True)
    Article.objects.filter(pk=odd.pk).update(slug="odd slug/\"'><b>")
    for page in (client.get("/learn/"), client_for(sam).get(reverse("learn:manage"))):
        assert page.status_code == 200
        assert 'href="/learn/odd%20slug%2F%22%27%3E%3Cb%3E/"' in page.content.decode()
    assert client.get("/learn/odd%20slug%2F%22%27%3E%3Cb%3E/").status_code == 404
