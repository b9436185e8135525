"""Issue 15: a referral refused for want of a consent is kept; "record the consent now" opens
the consent with the recipient chosen from the directory, and comes back to the kept referral,
which then goes. And the service search tells same-named services apart."""

from django.urls import reverse
from django.utils import timezone

from beacon.consents.models import Consent
from beacon.directory.models import Address, DirectoryOrganization, Location, Phone, Service
from beacon.directory.models import ServiceAtLocation as SAL
from beacon.referrals.models import Referral
from beacon.referrals.tests.conftest import MERCY

REFERRAL = {
    "reason": "Wants to start buprenorphine this week.",
    "urgency": "soon",
    "shared_items": ["name_contact", "reason"],
    "shared_other": "Prefers mornings.",
}


def _consent_post(formset_row: dict, **fields):
    data = {
        "kind": "specific_recipient",
        "information_description": "Name, contact details and the reason for the referral.",
        "purpose": "To make and follow up a referral.",
        "expiry_kind": "date",
        "expires_on": "2099-01-01",
        "signed_name": "Jordan Rivers",
        "signed_on": str(timezone.localdate()),
        "signature_method": "in_person",
        "recipients-TOTAL_FORMS": "1",
        "recipients-INITIAL_FORMS": "1",
        **{f"recipients-0-{k}": v for k, v in formset_row.items()},
    }
    data.update(fields)
    return data


def test_refused_referral_is_kept_and_the_consent_comes_prefilled(
    client_for, pat, jordan, mercy_service
):
    client = client_for(pat)
    new = reverse("referrals:new", args=[jordan.pk])
    response = client.post(new, {**REFERRAL, "service": mercy_service.pk})
    assert response.status_code == 400
    html = response.content.decode()
    consent_url = reverse("referrals:consent", args=[jordan.pk])
    assert "Record the consent now" in html and consent_url in html

    page = client.get(consent_url)
    assert page.status_code == 200
    form = page.context["form"]
    row = page.context["formset"].forms[0]
    assert row["name"].value() == MERCY
    assert str(row["directory_organization"].value()) == str(mercy_service.organization.pk)
    assert form["kind"].value() == "specific_recipient"
    assert "Wants to start buprenorphine this week." in form["purpose"].value()
    assert "Name and contact details" in form["information_description"].value()
    assert "Prefers mornings." in form["information_description"].value()
    assert "readonly" in str(row["name"])

    done = client.post(
        consent_url,
        _consent_post(
            {"name": MERCY, "directory_organization": mercy_service.organization.pk},
            signed_on=str(timezone.localdate()),
        ),
    )
    assert done.status_code == 302 and done["Location"] == f"{new}?draft=1"
    consent = Consent.objects.get(participant=jordan)
    assert consent.recipients.get().directory_organization == mercy_service.organization

    back = client.get(done["Location"])
    kept = back.context["form"]
    assert kept["reason"].value() == REFERRAL["reason"]
    assert kept["shared_other"].value() == "Prefers mornings."
    assert list(kept["shared_items"].value()) == ["name_contact", "reason"]
    assert back.context["service"] == mercy_service
    assert "as you left it" in back.content.decode()

    sent = client.post(new, {**REFERRAL, "service": mercy_service.pk})
    assert sent.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent == consent
    # The draft is gone once sent.
    assert client.get(consent_url)["Location"] == new


def test_consent_page_without_a_kept_referral_goes_back_to_the_referral(client_for, pat, jordan):
    response = client_for(pat).get(reverse("referrals:consent", args=[jordan.pk]))
    assert response.status_code == 302


def test_consent_errors_are_shown_at_once_and_the_draft_stays(
    client_for, pat, jordan, mercy_service
):
    client = client_for(pat)
    client.post(
        reverse("referrals:new", args=[jordan.pk]), {**REFERRAL, "service": mercy_service.pk}
    )
    url = reverse("referrals:consent", args=[jordan.pk])
    response = client.post(
        url,
        _consent_post(
            {"name": MERCY, "directory_organization": mercy_service.organization.pk},
            signed_name="",
            purpose="",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Type the name of the person signing." in html
    assert "Say why the information may be shared" in html
    assert not Consent.objects.exists()
    assert client.get(url).status_code == 200


def test_olive_cannot_reach_the_consent_page(client_for, olive, jordan):
    assert client_for(olive).get(reverse("referrals:consent", args=[jordan.pk])).status_code == 404


def test_search_results_tell_same_named_services_apart(client_for, pat, jordan):
    for n, (town, zip_code, lat, lon) in enumerate(
        [("Worcester", "01608", 42.262, -71.802), ("Springfield", "01103", 42.101, -72.590)]
    ):
        org = DirectoryOrganization.objects.create(hsds_id=f"o{n}", name=f"Agency {town}")
        service = Service.objects.create(
            hsds_id=f"s{n}", organization=org, name="Veterans Housing Program"
        )
        location = Location.objects.create(
            hsds_id=f"l{n}", organization=org, latitude=lat, longitude=lon
        )
        Address.objects.create(
            hsds_id=f"a{n}",
            location=location,
            address_1="1 Main St",
            city=town,
            state_province="MA",
            postal_code=zip_code,
        )
        SAL.objects.create(hsds_id=f"sal{n}", service=service, location=location)
        Phone.objects.create(hsds_id=f"p{n}", organization=org, number=f"508-555-010{n}")
    html = (
        client_for(pat)
        .get(reverse("referrals:new", args=[jordan.pk]), {"q": "veterans", "zip": "01608"})
        .content.decode()
    )
    assert "Veterans Housing Program · Veterans Housing Program" not in html
    for text in (
        "Agency Worcester",
        "Worcester, MA",
        "508-555-0100",
        "Agency Springfield",
        "Springfield, MA",
        "508-555-0101",
        "miles away",
    ):
        assert text in html


def test_an_unknown_zip_code_is_said_and_the_search_still_answers(
    client_for, pat, jordan, mercy_service
):
    html = (
        client_for(pat)
        .get(reverse("referrals:new", args=[jordan.pk]), {"q": "mercy", "zip": "00000"})
        .content.decode()
    )
    assert (
        "We don&#x27;t know the ZIP code 00000" in html
        or "We don't know the ZIP code 00000" in html
    )
    assert "Mercy MOUD clinic" in html


def test_record_the_consent_now_shares_the_directory_picker(client_for, pat, jordan, mercy_service):
    """The prefilled recipient can be changed on the referral's consent page as on consents'
    own: type a name instead, or find another entry and choose it; the kept referral stays."""
    client = client_for(pat)
    client.post(
        reverse("referrals:new", args=[jordan.pk]), {**REFERRAL, "service": mercy_service.pk}
    )
    consent_url = reverse("referrals:consent", args=[jordan.pk])
    org = mercy_service.organization
    typed = client.post(
        consent_url,
        _consent_post({"name": MERCY, "directory_organization": org.pk}, unchoose_recipient="0"),
    )
    assert typed.status_code == 200
    row = typed.context["formset"].forms[0]
    assert not row.from_directory and "readonly" not in str(row["name"])
    assert typed.context["form"]["purpose"].value() == "To make and follow up a referral."

    found = client.post(
        consent_url,
        _consent_post({"name": MERCY, "find": mercy_service.name}, find_recipient="0"),
    )
    assert f'value="service:{mercy_service.pk}"' in found.content.decode()
    chosen = client.post(
        consent_url,
        _consent_post({"name": MERCY, "pick": f"service:{mercy_service.pk}"}, choose_recipient="0"),
    )
    row = chosen.context["formset"].forms[0]
    assert str(row["directory_service"].value()) == str(mercy_service.pk)
    assert row["name"].value() == mercy_service.name
    assert not Consent.objects.filter(participant=jordan).exists()
