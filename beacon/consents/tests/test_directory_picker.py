"""Issue 15: a consent's recipient chosen from the resource directory on the consent form
("Find in the directory"), without scripts: each round comes back with everything typed, and a
chosen entry is named by its link, a typed name stays as typed."""

import pytest
from django.urls import reverse

from beacon.consents.models import Consent
from beacon.consents.selectors import directory_recipient_choices
from beacon.consents.tests.test_views import form_data, new_url
from beacon.directory.models import Address, DirectoryOrganization, Location, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(db):
    """Two "Veterans Housing Program" services of different organizations in different towns,
    and an organization found by its town only."""
    help_desk = DirectoryOrganization.objects.create(
        hsds_id="org-whhd", name="Worcester Housing Help Desk"
    )
    agency = DirectoryOrganization.objects.create(hsds_id="org-sha", name="Springfield Agency")
    ours = Service.objects.create(
        hsds_id="svc-whhd", organization=help_desk, name="Veterans Housing Program"
    )
    theirs = Service.objects.create(
        hsds_id="svc-sha", organization=agency, name="Veterans Housing Program"
    )
    for org, service, town in ((help_desk, ours, "Worcester"), (agency, theirs, "Springfield")):
        location = Location.objects.create(hsds_id=f"loc-{org.hsds_id}", organization=org)
        Address.objects.create(hsds_id=f"adr-{org.hsds_id}", location=location, city=town)
        service.service_at_locations.create(hsds_id=f"sal-{org.hsds_id}", location=location)
    return {"help_desk": help_desk, "agency": agency, "ours": ours, "theirs": theirs}


def find(**overrides):
    """The form as typed so far, with recipient 2 searched for."""
    return form_data(
        **{"recipients-1-find": "veterans housing", "find_recipient": "1", **overrides}
    )


def test_search_finds_by_name_organization_and_town(directory):
    by_name = directory_recipient_choices(query="veterans housing").choices
    assert [(c.kind, c.organization, c.town) for c in by_name] == [
        ("service", "Springfield Agency", "Springfield"),
        ("service", "Worcester Housing Help Desk", "Worcester"),
    ]
    by_town = directory_recipient_choices(query="housing worcester").choices
    assert {(c.kind, c.name) for c in by_town} == {
        ("organization", "Worcester Housing Help Desk"),
        ("service", "Veterans Housing Program"),
    }
    assert directory_recipient_choices(query="  ").choices == []


def test_finding_shows_the_entries_as_choices_and_keeps_everything_typed(
    client_for, pat, jordan, directory
):
    response = client_for(pat).post(new_url(jordan), find(purpose=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 entries found for “veterans housing”" in html
    assert f'value="service:{directory["ours"].pk}"' in html
    assert f'value="service:{directory["theirs"].pk}"' in html
    assert "Worcester Housing Help Desk · Worcester" in html  # told apart by organization, town
    # Nothing judged yet (the purpose is empty), nothing typed lost, nothing recorded.
    assert "error-summary" not in html
    assert 'value="Dr. Lee"' in html and 'value="Officer Diaz"' in html
    assert 'value="veterans housing"' in html and 'value="Jordan Rivers"' in html
    assert "Dates I attended peer support." in html
    assert not Consent.objects.exists()


def test_finding_nothing_says_so_and_offers_typing_the_name(client_for, pat, jordan, directory):
    response = client_for(pat).post(new_url(jordan), find(**{"recipients-1-find": "bakery"}))
    html = response.content.decode()
    assert "Nothing in the directory matches “bakery”" in html
    assert "type the recipient&#x27;s name below" in html


def test_choosing_links_the_row_and_recording_names_that_entry(client_for, pat, jordan, directory):
    client = client_for(pat)
    chosen = find(**{"recipients-1-pick": f"service:{directory['ours'].pk}"})
    del chosen["find_recipient"]
    chosen["choose_recipient"] = "1"
    response = client.post(new_url(jordan), chosen)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="recipients-1-directory_service" value="{directory["ours"].pk}"' in html
    assert 'value="Veterans Housing Program"' in html and "readonly" in html
    assert 'value="Worcester Housing Help Desk"' in html  # its organization as the role
    assert "Chosen from the resource directory." in html
    assert "error-summary" not in html and not Consent.objects.exists()
    # Recording it: the row as the page now holds it.
    data = form_data(
        **{
            "recipients-1-name": "Veterans Housing Program",
            "recipients-1-description": "Worcester Housing Help Desk",
            "recipients-1-directory_service": str(directory["ours"].pk),
        }
    )
    response = client.post(new_url(jordan), data)
    assert response.status_code == 302
    recipients = {r.name: r for r in Consent.objects.get().recipients.all()}
    assert recipients["Veterans Housing Program"].directory_service == directory["ours"]
    # Typed names stay typed: nobody in the directory is called that.
    assert recipients["Dr. Lee"].directory_service is None
    assert recipients["Dr. Lee"].directory_organization is None


def test_a_chosen_radio_counts_even_when_record_is_pressed_straight_away(
    client_for, pat, jordan, directory
):
    data = form_data(**{"recipients-1-pick": f"organization:{directory['agency'].pk}"})
    response = client_for(pat).post(new_url(jordan), data)
    assert response.status_code == 302
    recipient = Consent.objects.get().recipients.get(directory_organization=directory["agency"])
    assert recipient.name == "Springfield Agency"


def test_choose_without_a_choice_asks_for_one_and_shows_the_entries_again(
    client_for, pat, jordan, directory
):
    data = find()
    del data["find_recipient"]
    data["choose_recipient"] = "1"
    html = client_for(pat).post(new_url(jordan), data).content.decode()
    assert "Choose one of the entries found" in html
    assert f'value="service:{directory["ours"].pk}"' in html


def test_type_a_name_instead_unlinks_the_row_and_keeps_the_name(client_for, pat, jordan, directory):
    data = form_data(
        **{
            "recipients-1-name": "Veterans Housing Program",
            "recipients-1-directory_service": str(directory["ours"].pk),
            "unchoose_recipient": "1",
        }
    )
    response = client_for(pat).post(new_url(jordan), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="recipients-1-directory_service" id="id_recipients-1-directory_service"' in html
    assert f'value="{directory["ours"].pk}"' not in html
    assert 'value="Veterans Housing Program"' in html and "readonly" not in html


def test_a_chosen_entry_deleted_meanwhile_is_said_with_every_other_problem(
    client_for, pat, jordan, directory
):
    gone = directory["theirs"].pk
    directory["theirs"].delete()
    data = form_data(
        purpose="",
        **{
            "recipients-1-name": "Veterans Housing Program",
            "recipients-1-directory_service": str(gone),
        },
    )
    response = client_for(pat).post(new_url(jordan), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Recipient 2: this directory entry no longer exists" in html
    assert "Say why the information may be shared" in html  # all at once
    assert 'value="Dr. Lee"' in html and 'value="Jordan Rivers"' in html
    assert not Consent.objects.exists()


def test_the_referral_consent_page_shares_the_picker(client_for, pat, jordan, directory):
    # The partial is the same on "record the consent now": its row has the same Find box.
    html = client_for(pat).get(new_url(jordan)).content.decode()
    assert 'name="recipients-0-find"' in html and 'name="find_recipient"' in html
    assert "<script>" not in html.split("<main", 1)[-1]  # the strict CSP: no inline script
    assert reverse("consents:new", args=[jordan.pk]) in html  # htmx posts back to this page
