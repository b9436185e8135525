"""Consent pages: recording, reading, printing and revoking, and who may open them."""

import re
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.consents import selectors
from beacon.consents.models import Consent, ConsentStatus
from beacon.consents.tests.factories import ConsentFactory
from beacon.organizations.models import Membership
from conftest import member_of, without_csrf

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    today = timezone.localdate()
    data = {
        "kind": "specific_recipient",
        "recipients-TOTAL_FORMS": "3",
        "recipients-INITIAL_FORMS": "0",
        "recipients-MIN_NUM_FORMS": "0",
        "recipients-MAX_NUM_FORMS": "30",
        "recipients-0-name": "Dr. Lee",
        "recipients-0-description": "Harbor primary care clinic",
        "recipients-1-name": "",
        "recipients-1-description": "",
        "recipients-2-name": "Officer Diaz",
        "recipients-2-description": "Probation",
        "information_description": "Dates I attended peer support.",
        "purpose": "To coordinate care.",
        "discloser": "",
        "expiry_kind": "date",
        "expires_on": (today.replace(day=1) + timezone.timedelta(days=400)).isoformat(),
        "expiry_event": "",
        "revocation_instructions": "",
        "signed_name": "Jordan Rivers",
        "signed_on": today.isoformat(),
        "signer_relationship": "",
        "signature_method": "own_device",
    }
    data.update(overrides)
    return data


def new_url(participant):
    return reverse("consents:new", args=[participant.pk])


# --- Recording -------------------------------------------------------------------------------


def test_pat_records_a_consent_for_jordan(client_for, pat, jordan):
    client = client_for(pat)
    page = client.get(new_url(jordan))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Record a consent for Jordan Rivers" in html
    assert html.count('name="recipients-') >= 6  # three name + role rows
    assert 'type="date"' in html

    response = client.post(new_url(jordan), form_data())
    consent = Consent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consents:detail", args=[consent.pk])
    assert [r.name for r in consent.recipients.all()] == ["Dr. Lee", "Officer Diaz"]
    assert consent.signature_method == "own_device"
    assert consent.participant == jordan and consent.recorded_by == pat


def test_bad_input_keeps_everything_typed_and_names_each_problem(client_for, pat, jordan):
    response = client_for(pat).post(
        new_url(jordan),
        form_data(
            purpose="",
            expiry_kind="none",
            **{"recipients-2-name": "", "recipients-2-description": "Probation office"},
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert not Consent.objects.exists()
    assert "Say why the information may be shared" in html
    assert 'value="Dr. Lee"' in html and 'value="Probation office"' in html
    assert "Dates I attended peer support." in html
    assert 'value="Jordan Rivers"' in html


def test_kind_rules_show_beside_their_fields(client_for, pat, jordan):
    response = client_for(pat).post(
        new_url(jordan),
        form_data(
            expiry_kind="none",
            **{"recipients-2-name": "", "recipients-2-description": "Probation office"},
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Only a treatment, payment and health care operations consent" in html
    assert "Recipient 3: Give the name of the person or organization." in html
    assert 'href="#id_recipients-2-name"' in html  # the summary links to the row


def test_no_recipient_for_a_specific_consent(client_for, pat, jordan):
    data = form_data()
    for key in ("recipients-0-name", "recipients-0-description", "recipients-2-name"):
        data[key] = ""
    data["recipients-2-description"] = ""
    response = client_for(pat).post(new_url(jordan), data)
    assert response.status_code == 400
    assert "Name at least one person or organization" in response.content.decode()


def test_add_another_recipient_keeps_what_was_typed_without_errors(client_for, pat, jordan):
    data = form_data(purpose="")
    data["add_recipient"] = "1"
    response = client_for(pat).post(new_url(jordan), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="recipients-3-name"' in html
    assert 'value="Dr. Lee"' in html and 'value="Officer Diaz"' in html
    assert "error-summary" not in html
    assert not Consent.objects.exists()


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
def test_outsiders_cannot_open_the_form(client_for, request, who, jordan):
    client = client_for(request.getfixturevalue(who))
    assert client.get(new_url(jordan)).status_code == 404
    assert client.post(new_url(jordan), form_data()).status_code == 404
    assert client.get(reverse("consents:new", args=[uuid.uuid4()])).status_code == 404
    assert not Consent.objects.exists()


# --- Reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pat", "sam", "ada"])
def test_staff_who_see_jordan_read_his_consent_and_it_is_audited(client_for, request, who, jordan):
    user = request.getfixturevalue(who)
    consent = ConsentFactory(participant=jordan, recipients=["Dr. Lee"])
    response = client_for(user).get(reverse("consents:detail", args=[consent.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dr. Lee" in html and "Active" in html
    assert "Revoke for Dr. Lee" in html
    event = AuditEvent.objects.get(action="participant.viewed", actor_id=user.pk)
    assert event.object_id == str(jordan.pk)
    assert event.details == {"seen": "consent", "id": str(consent.pk)}


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
@pytest.mark.parametrize("name", ["detail", "print", "revoke"])
def test_outsiders_get_404_exactly_as_for_a_missing_consent(client_for, request, who, name, jordan):
    consent = ConsentFactory(participant=jordan)
    client = client_for(request.getfixturevalue(who))
    method = client.post if name == "revoke" else client.get
    hidden = method(reverse(f"consents:{name}", args=[consent.pk]))
    absent = method(reverse(f"consents:{name}", args=[uuid.uuid4()]))
    assert hidden.status_code == absent.status_code == 404
    assert without_csrf(hidden.content) == without_csrf(absent.content)
    recipient = consent.recipients.get()
    hidden = client.post(reverse("consents:recipient_revoke", args=[consent.pk, recipient.pk]))
    assert hidden.status_code == 404
    consent.refresh_from_db()
    recipient.refresh_from_db()
    assert consent.revoked_at is None and recipient.revoked_at is None
    assert not AuditEvent.objects.filter(action="participant.viewed").exists()


def test_printable_form_holds_every_element_and_the_crisis_line(client_for, pat, jordan):
    consent = ConsentFactory(
        participant=jordan,
        recipients=["Dr. Lee"],
        signer_relationship="Legal guardian",
        signed_name="Alex Rivers",
    )
    response = client_for(pat).get(reverse("consents:print", args=[consent.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Jordan Rivers",  # the participant
        consent.discloser,  # who may disclose
        consent.information_description,  # what
        "Dr. Lee",  # to whom
        consent.purpose,  # why
        "is the last day it is valid",  # expiry
        "right to revoke",
        consent.revocation_instructions,
        "does not undo sharing that already happened",
        "Alex Rivers",  # signature
        "Legal guardian",
        "988",  # the crisis line
    ):
        assert text in html, text
    assert "consents/print.css" in html
    event = AuditEvent.objects.get(action="participant.viewed")
    assert event.details == {"seen": "consent_form", "id": str(consent.pk)}


def test_print_stylesheet_prints_no_navigation_but_keeps_the_crisis_line():
    css = Path(finders.find("consents/print.css")).read_text()
    print_rules = css[css.index("@media print") :]
    hidden = print_rules[: print_rules.index("display: none")]
    for selector in (".site-header", ".nav", ".site-footer", ".screen-only"):
        assert selector in hidden
    assert ".crisis-line {" in print_rules and "display: none" not in re.search(
        r"\.crisis-line \{[^}]*\}", print_rules
    ).group(0)


# --- Revoking --------------------------------------------------------------------------------


def test_revoke_one_recipient_then_the_rest(client_for, pat, jordan):
    consent = ConsentFactory(participant=jordan, recipients=["Dr. Lee", "Officer Diaz"])
    lee = consent.recipients.get(name="Dr. Lee")
    client = client_for(pat)
    response = client.post(
        reverse("consents:recipient_revoke", args=[consent.pk, lee.pk]),
        {"note": "Signed note"},
        follow=True,
    )
    html = response.content.decode()
    assert "Consent revoked for Dr. Lee." in html
    assert "Revoke for Dr. Lee" not in html and "Revoke for Officer Diaz" in html
    lee.refresh_from_db()
    assert lee.revocation_note == "Signed note"

    response = client.post(reverse("consents:revoke", args=[consent.pk]), follow=True)
    assert "Consent revoked for every recipient." in response.content.decode()
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.REVOKED
    assert (
        "Revoke the whole consent"
        not in client.get(reverse("consents:detail", args=[consent.pk])).content.decode()
    )


def test_revoke_needs_post(client_for, pat, jordan):
    consent = ConsentFactory(participant=jordan)
    assert client_for(pat).get(reverse("consents:revoke", args=[consent.pk])).status_code == 405


# --- The participant page's summary ----------------------------------------------------------


def test_summary_shows_each_status_with_flat_queries(pat, jordan):
    today = timezone.localdate()
    ConsentFactory(participant=jordan, recipients=["Dr. Lee"])
    ConsentFactory(
        participant=jordan,
        recipients=["Old clinic"],
        signed_on=today - timezone.timedelta(days=400),
        expires_on=today - timezone.timedelta(days=30),
    )
    revoked = ConsentFactory(participant=jordan, recipients=["Officer Diaz"])
    revoked.revoked_at = timezone.now()
    revoked.save()

    def render():
        with CaptureQueriesContext(connection) as ctx:
            consents = selectors.consent_list_for_participant(
                member=member_of(pat), participant=jordan
            )
            html = render_to_string(
                "consents/partials/_summary.html", {"consents": consents, "participant": jordan}
            )
        return html, len(ctx.captured_queries)

    html, few = render()
    assert "Active" in html and "Expired (last valid day" in html and "Revoked on" in html
    assert "Dr. Lee" in html and reverse("consents:print", args=[revoked.pk]) in html
    for _ in range(6):
        ConsentFactory(participant=jordan, recipients=["A", "B"])
    _html, many = render()
    assert few == many


def test_summary_without_consents_says_so(jordan):
    html = render_to_string(
        "consents/partials/_summary.html", {"consents": [], "participant": jordan}
    )
    assert "No consent recorded yet." in html


def test_without_an_active_membership_every_consent_page_is_403_whatever_the_id(
    client_for, pat, jordan
):
    """Decided before any record is looked at, like every other organization page."""
    consent = ConsentFactory(participant=jordan)
    Membership.objects.filter(user=pat).update(is_active=False)
    client = client_for(pat)
    for url in (
        reverse("consents:new", args=[jordan.pk]),
        reverse("consents:new", args=[uuid.uuid4()]),
        reverse("consents:detail", args=[consent.pk]),
        reverse("consents:print", args=[consent.pk]),
        reverse("consents:detail", args=[uuid.uuid4()]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("consents:revoke", args=[consent.pk])).status_code == 403
