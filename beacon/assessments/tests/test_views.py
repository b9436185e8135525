"""Assessment pages: the chart and its table, the forms, questionnaires, and who may open them."""

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beacon.assessments.models import Assessment, Questionnaire
from beacon.assessments.tests.conftest import ITEMS, answers_totalling
from beacon.audit.models import AuditEvent
from beacon.organizations.models import Membership
from conftest import member_of, without_csrf

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def page_url(participant):
    return reverse("assessments:participant", args=[participant.pk])


def svgs(html: str) -> list[ET.Element]:
    # Beacon's own page, parsed to prove the SVG is well-formed XML.
    found = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    return [ET.fromstring(s) for s in found]  # noqa: S314


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def history(pat, jordan, barc10):
    """Jordan's BARC-10s: 31, 34, 38 months apart (a rise of 7 since the first)."""
    return [
        barc10(pat, jordan, 31, date(2025, 11, 3)),
        barc10(pat, jordan, 34, date(2026, 2, 2)),
        barc10(pat, jordan, 38, date(2026, 5, 4)),
    ]


# The chart and its table -----------------------------------------------------------------------


def test_chart_is_inline_svg_with_title_desc_and_no_style(client_for, pat, jordan, history):
    response = client_for(pat).get(page_url(jordan))
    assert response.status_code == 200
    html = response.content.decode()
    charts = svgs(html)
    assert len(charts) == 11  # the total, then each of the ten items
    main = charts[0]
    assert main.get("role") == "img"
    assert main.find(f"{SVG}title").text == "BARC-10 total over time"
    assert "3 BARC-10 assessments" in main.find(f"{SVG}desc").text
    assert all(c.get("role") == "img" and c.find(f"{SVG}title") is not None for c in charts)
    assert "style=" not in "".join(re.findall(r"<svg\b.*?</svg>", html, flags=re.S))
    assert "<script" not in html.split("<main", 1)[1]
    # Three points on the line, and the dashed reference line at 47.
    assert len(main.findall(f"{SVG}circle")) >= 3
    dashed = [line for line in main.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1


def test_47_is_context_never_a_judgement(client_for, pat, jordan, history):
    html = client_for(pat).get(page_url(jordan)).content.decode()
    assert "47: level linked with sustained remission in research" in html
    assert "Vilsaint et al., Drug Alcohol Depend 2017;177:71-76" in html
    words = visible_text(html).lower()
    for judgement in ("fail", "failed", "pass", "passed", "passing", "below target", "at risk"):
        assert not re.search(rf"\b{judgement}\b", words), judgement


def test_accessible_table_has_the_same_numbers(client_for, pat, jordan, history):
    html = client_for(pat).get(page_url(jordan)).content.decode()
    table = html[html.index('<table class="rc-table"') : html.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>")[1], flags=re.S)
    assert len(rows) == 3
    for row, assessment in zip(rows, history, strict=True):
        cells = [
            visible_text(c).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        ]
        assert cells[1] == str(assessment.total)
        assert cells[3:] == [str(assessment.answers[str(n)]) for n in range(1, 11)]
    # The chart's point labels carry the same totals.
    labels = [t.text for t in svgs(html)[0].iter(f"{SVG}text")]
    for assessment in history:
        assert str(assessment.total) in labels


def test_a_change_of_five_or_more_is_highlighted_in_words(client_for, pat, jordan, history):
    html = client_for(pat).get(page_url(jordan)).content.decode()
    assert "Up 7 points since the first BARC-10" in html
    assert 'class="rc-notable"' in html
    # In the table: the row with +7 says so in words, the +3 row does not.
    assert '+7 <span class="rc-flag">(5 or more points)</span>' in html
    assert "<td>+3</td>" in html
    # And in the chart: a ring around the latest point, not only a color.
    assert 'class="rc-notable-mark"' in html


def test_a_small_change_is_not_highlighted(client_for, pat, jordan, barc10):
    barc10(pat, jordan, 40, date(2026, 1, 5))
    barc10(pat, jordan, 44, date(2026, 4, 5))
    html = client_for(pat).get(page_url(jordan)).content.decode()
    assert "rc-notable" not in html and "rc-row-notable" not in html
    assert "Change since the first BARC-10: +4 points." in html


def test_a_dip_is_described_plainly(client_for, pat, jordan, barc10):
    barc10(pat, jordan, 45, date(2026, 1, 5))
    barc10(pat, jordan, 39, date(2026, 4, 5))
    html = client_for(pat).get(page_url(jordan)).content.decode()
    assert "Down 6 points since the first BARC-10" in html


def test_empty_page(client_for, pat, jordan):
    html = client_for(pat).get(page_url(jordan)).content.decode()
    assert "No BARC-10 recorded yet" in html
    assert "<svg" not in html.split("<main", 1)[1]


def test_reading_the_page_is_audited(client_for, pat, jordan, history):
    client_for(pat).get(page_url(jordan))
    event = AuditEvent.objects.filter(action="participant.viewed").latest("id")
    assert event.object_id == str(jordan.pk) and event.details["seen"] == "assessments"


def test_query_count_stays_flat_as_assessments_grow(client_for, pat, jordan, barc10, checkin):
    client = client_for(pat)
    barc10(pat, jordan, 30, date(2025, 1, 6))
    client.get(page_url(jordan))
    with CaptureQueriesContext(connection) as few:
        assert client.get(page_url(jordan)).status_code == 200
    for month in range(2, 12):
        barc10(pat, jordan, 30 + month, date(2025, month, 6))
    from beacon.assessments import services

    services.stage_of_change_record(member=member_of(pat), participant=jordan, stage="action")
    services.questionnaire_answers_record(
        member=member_of(pat),
        participant=jordan,
        version=checkin.versions.get(),
        answers={"sleep": 7, "mood": "Good"},
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(page_url(jordan)).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
def test_outsiders_get_404(client_for, request, who, jordan, history):
    client = client_for(request.getfixturevalue(who))
    assert client.get(page_url(jordan)).status_code == 404
    assert client.get(reverse("assessments:detail", args=[history[0].pk])).status_code == 404
    assert client.get(reverse("assessments:barc10_new", args=[jordan.pk])).status_code == 404
    assert client.post(reverse("assessments:stage_new", args=[jordan.pk]), {}).status_code == 404
    missing = client.get(reverse("assessments:participant", args=[uuid.uuid4()]))
    hidden = client.get(page_url(jordan))
    assert missing.status_code == 404
    assert without_csrf(missing.content) == without_csrf(hidden.content)


@pytest.mark.parametrize("who", ["pat", "sam", "ada"])
def test_staff_who_see_jordan_read_the_page(client_for, request, who, jordan, history):
    assert client_for(request.getfixturevalue(who)).get(page_url(jordan)).status_code == 200


def test_detail_page_shows_answers(client_for, pat, jordan, history):
    html = client_for(pat).get(reverse("assessments:detail", args=[history[0].pk])).content.decode()
    assert "I am proud of the community I live in and feel part of it." in html
    assert "31 of 60" in html


# The BARC-10 form -----------------------------------------------------------------------------


def barc10_data(**overrides):
    data = {f"item_{n}": v for n, v in answers_totalling(42).items()}
    data.update({"administered_on": "2026-02-10", "notes": ""})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_barc10_form_has_ten_radio_groups_with_labels(client_for, pat, jordan):
    html = client_for(pat).get(reverse("assessments:barc10_new", args=[jordan.pk])).content.decode()
    assert html.count("<fieldset") >= 10
    assert html.count('type="radio"') == 60
    assert "1 · Strongly disagree" in html and "6 · Strongly agree" in html
    assert "4. I am proud of the community I live in and feel part of it." in html


def test_barc10_form_records_and_computes_the_total(client_for, pat, jordan):
    response = client_for(pat).post(
        reverse("assessments:barc10_new", args=[jordan.pk]), barc10_data(total="60")
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.total == 42 and assessment.administered_on == date(2026, 2, 10)


def test_barc10_form_names_the_missing_item_and_keeps_the_answers(client_for, pat, jordan):
    response = client_for(pat).post(
        reverse("assessments:barc10_new", args=[jordan.pk]), barc10_data(item_4=None, item_9="7")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Item 4 (I am proud of the community I live in and feel part of it.) needs an answer "
        "from 1 to 6."
    ) in html
    assert "Item 9 (I am happy dealing with a range of professional people.)" in html
    assert 'href="#id_item_4_0"' in html
    # What was chosen is still chosen.
    assert re.search(r'name="item_1" value="6"[^>]*checked', html)
    assert not Assessment.objects.exists()


def test_barc10_bad_date_does_not_record(client_for, pat, jordan):
    response = client_for(pat).post(
        reverse("assessments:barc10_new", args=[jordan.pk]),
        barc10_data(administered_on="not a date", item_2=None),
    )
    assert response.status_code == 400
    assert "Item 2 (In general I am happy with my life.)" in response.content.decode()
    assert not Assessment.objects.exists()


# Stage of change ------------------------------------------------------------------------------


def test_stage_form_records_with_date_and_updates_jordan(client_for, pat, jordan):
    url = reverse("assessments:stage_new", args=[jordan.pk])
    html = client_for(pat).get(url).content.decode()
    assert "Preparation: Getting ready" in html
    response = client_for(pat).post(url, {"stage": "action", "administered_on": "2026-03-01"})
    assert response.status_code == 302
    jordan.refresh_from_db()
    assert jordan.stage_of_change == "action"
    summary = render_to_string(
        "assessments/partials/_participant_summary.html", {"participant": jordan}
    )
    assert "Action" in summary and "Not recorded yet" in summary  # no BARC-10 yet


def test_stage_form_requires_a_stage(client_for, pat, jordan):
    response = client_for(pat).post(
        reverse("assessments:stage_new", args=[jordan.pk]), {"administered_on": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "Choose one of the five stages of change." in response.content.decode()


def test_participant_summary_partial(pat, jordan, history):
    with CaptureQueriesContext(connection) as ctx:
        html = render_to_string(
            "assessments/partials/_participant_summary.html", {"participant": jordan}
        )
    assert len(ctx.captured_queries) <= 2
    assert "38 of 60" in html
    assert reverse("assessments:participant", args=[jordan.pk]) in html


# Questionnaires -------------------------------------------------------------------------------


def test_fill_in_a_questionnaire(client_for, pat, jordan, checkin):
    url = reverse("assessments:questionnaire_fill", args=[jordan.pk, checkin.pk])
    version = checkin.versions.get()
    html = client_for(pat).get(url).content.decode()
    assert "How many hours did you sleep last night?" in html
    response = client_for(pat).post(
        url,
        {
            "version": version.pk,
            "answer_sleep": "30",
            "answer_meeting": "yes",
            "administered_on": "2026-03-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "How is your mood? needs an answer." in html
    assert "needs a number from 0 to 24" in html
    response = client_for(pat).post(
        url,
        {
            "version": version.pk,
            "answer_sleep": "7",
            "answer_mood": "Good",
            "administered_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get().answers == {"sleep": 7, "mood": "Good"}


def test_admin_builds_reorders_and_publishes(client_for, ada, pat):
    client = client_for(ada)
    response = client.post(reverse("assessments:questionnaire_new"), {"name": "Monthly check-in"})
    questionnaire = Questionnaire.objects.get()
    edit = reverse("assessments:questionnaire_edit", args=[questionnaire.pk])
    assert response["Location"] == edit
    assert 'name="items-0-text"' in client.get(edit).content.decode()

    def rows(*items):
        data = {
            "name": "Monthly check-in",
            "description": "",
            "items-TOTAL_FORMS": str(len(items)),
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "60",
        }
        for i, item in enumerate(items):
            for k, v in item.items():
                data[f"items-{i}-{k}"] = v
        return data

    # Add a row without losing what was typed.
    adding = rows({"text": "First?", "kind": "yes_no", "ORDER": "1"})
    adding["action"] = "add_item"
    html = client.post(edit, adding).content.decode()
    assert 'name="items-1-text"' in html and 'value="First?"' in html

    data = rows(
        {"text": "Goes second", "kind": "text", "ORDER": "2"},
        {"text": "Goes first", "kind": "choice", "choices": "A\nB", "ORDER": "1", "required": "on"},
        {"text": "Removed", "kind": "text", "ORDER": "3", "DELETE": "on"},
        {"text": "", "kind": "text", "ORDER": "", "choices": "", "min": "", "max": ""},  # spare
    )
    data["action"] = "publish"
    response = client.post(edit, data)
    assert response.status_code == 302
    version = questionnaire.versions.get()
    assert [i["text"] for i in version.items] == ["Goes first", "Goes second"]
    assert version.is_published and version.items[0]["choices"] == ["A", "B"]

    # Editing the published questionnaire makes a new draft; the published one stays.
    data = rows(
        {
            "key": "goes_first",
            "text": "Goes first, reworded",
            "kind": "choice",
            "choices": "A\nB\nC",
            "ORDER": "1",
        }
    )
    data["action"] = "save"
    assert client.post(edit, data).status_code == 302
    assert questionnaire.versions.count() == 2
    assert questionnaire.versions.get(number=1).items[0]["text"] == "Goes first"
    detail = client.get(reverse("assessments:questionnaire_detail", args=[questionnaire.pk]))
    assert "Publish version 2" in detail.content.decode()
    client.post(reverse("assessments:questionnaire_publish", args=[questionnaire.pk]))
    assert questionnaire.versions.filter(published_at__isnull=False).count() == 2

    # Peers see it but cannot change it.
    peer = client_for(pat)
    assert (
        peer.get(reverse("assessments:questionnaire_detail", args=[questionnaire.pk])).status_code
        == 200
    )
    assert peer.get(edit).status_code == 403
    assert (
        peer.post(reverse("assessments:questionnaire_retire", args=[questionnaire.pk])).status_code
        == 403
    )


def test_builder_names_problems_on_their_row(client_for, ada, checkin):
    edit = reverse("assessments:questionnaire_edit", args=[checkin.pk])
    data = {
        "name": checkin.name,
        "description": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "60",
        "items-0-text": "Pick one",
        "items-0-kind": "choice",
        "items-0-choices": "Only",
        "items-0-ORDER": "1",
        "action": "publish",
    }
    response = client_for(ada).post(edit, data)
    assert response.status_code == 400
    assert "Question 1: give between 2 and 20 choices, one per line." in response.content.decode()
    assert checkin.versions.count() == 1


def test_retire(client_for, ada, checkin):
    client_for(ada).post(reverse("assessments:questionnaire_retire", args=[checkin.pk]))
    checkin.refresh_from_db()
    assert not checkin.is_active


@pytest.mark.parametrize("who", ["olive"])
def test_other_organizations_questionnaires_are_404(client_for, request, who, checkin, jordan):
    client = client_for(request.getfixturevalue(who))
    for name in ("questionnaire_detail", "questionnaire_edit"):
        assert client.get(reverse(f"assessments:{name}", args=[checkin.pk])).status_code == 404
    assert (
        client.post(reverse("assessments:questionnaire_retire", args=[checkin.pk])).status_code
        == 404
    )
    checkin.refresh_from_db()
    assert checkin.is_active


def test_questionnaire_pages_need_staff(client_for, riley, checkin):
    assert client_for(riley).get(reverse("assessments:questionnaire_list")).status_code == 403


def test_items_text_shown_with_the_old_version(client_for, ada, pat, jordan, checkin):
    from beacon.assessments import services

    old = services.questionnaire_answers_record(
        member=member_of(pat),
        participant=jordan,
        version=checkin.versions.get(),
        answers={"sleep": 6, "mood": "Low"},
    )
    services.questionnaire_version_publish(
        member=member_of(ada),
        questionnaire=checkin,
        items=[{"key": "mood", "text": "Mood today?", "kind": "text"}],
    )
    html = client_for(pat).get(reverse("assessments:detail", args=[old.pk])).content.decode()
    assert "How is your mood?" in html and "Mood today?" not in html
    assert "Version 1" in html
    assert ITEMS[0]["text"] in html


def form_fields(html: str) -> dict[str, str]:
    """What a browser would send for the page's form as it is (no JavaScript involved)."""
    from html.parser import HTMLParser

    data: dict[str, str] = {}

    class Parser(HTMLParser):
        textarea = None
        select = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "radio"):
                data[name] = a.get("value") or ""
            elif tag == "input" and name and "checked" in a:
                data[name] = a.get("value") or "on"
            elif tag == "textarea":
                self.textarea = name
                data[name] = ""
            elif tag == "select":
                self.select = name
            elif tag == "option" and self.select and ("selected" in a or self.select not in data):
                data[self.select] = a.get("value") or ""

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.textarea = None
            if tag == "select":
                self.select = None

        def handle_data(self, text):
            if self.textarea:
                data[self.textarea] += text.lstrip("\n")

    Parser().feed(html)
    return data


def test_publishing_the_builder_untouched_keeps_the_questions(client_for, ada, checkin):
    client = client_for(ada)
    edit = reverse("assessments:questionnaire_edit", args=[checkin.pk])
    data = form_fields(client.get(edit).content.decode())
    assert data["items-TOTAL_FORMS"] == "5" and data["items-INITIAL_FORMS"] == "4"
    # Move the last question to the top.
    data["items-3-ORDER"] = "0"
    data["action"] = "publish"
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()
    v1, v2 = checkin.versions.order_by("number")
    assert [i["key"] for i in v2.items] == ["note", "sleep", "mood", "meeting"]
    assert sorted(v2.items, key=lambda i: i["key"]) == sorted(v1.items, key=lambda i: i["key"])


def test_without_an_active_membership_every_assessment_page_is_403_whatever_the_id(
    client_for, pat, jordan, history
):
    """Decided before any record is looked at, like every other organization page."""
    assessment = Assessment.objects.filter(participant=jordan).first()
    Membership.objects.filter(user=pat).update(is_active=False)
    client = client_for(pat)
    for url in (
        reverse("assessments:participant", args=[jordan.pk]),
        reverse("assessments:participant", args=[uuid.uuid4()]),
        reverse("assessments:barc10_new", args=[jordan.pk]),
        reverse("assessments:stage_new", args=[jordan.pk]),
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("assessments:detail", args=[uuid.uuid4()]),
    ):
        assert client.get(url).status_code == 403, url
