"""The peer's page of a participant's own Beacon (/participants/<id>/portal/) and the public join
pages (/my/join/...): a code shown with its QR code, typed on the participant's phone, a
password set, and they land on /my/."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from beacon.organizations.models import Membership
from beacon.portal import invite_services as services
from beacon.portal.models import PortalInvitation
from conftest import member_of

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a long walk by the river"
JOIN = "/my/join/"
ACCOUNT = "/my/join/account/"


def page_url(participant, name="invitations"):
    return reverse(f"portal_peer:{name}", args=[participant.pk])


def _code_from(html: str) -> str:
    return re.search(r'<p class="join-code"[^>]*>([A-Z0-9-]{9})</p>', html).group(1)


def test_the_paths_are_the_issues():
    assert reverse("portal_peer:invitations", args=["0" * 8 + "-0000-4000-8000-" + "0" * 12]) == (
        "/participants/00000000-0000-4000-8000-000000000000/portal/"
    )
    assert reverse("portal:join") == JOIN


def test_the_participants_page_links_to_their_own_beacon(client_for, pat, jordan):
    html = client_for(pat).get(reverse("participants:detail", args=[jordan.pk])).content.decode()
    assert f'href="{page_url(jordan)}"' in html


def test_a_peer_shows_a_code_with_a_qr_code_and_when_it_runs_out(client_for, pat, jordan):
    client = client_for(pat)
    page = client.get(page_url(jordan))
    assert page.status_code == 200
    assert "Not invited yet" in page.content.decode()
    shown = client.post(page_url(jordan, "invite_code"))
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"] or "no-cache" in shown["Cache-Control"]
    html = shown.content.decode()
    code = _code_from(html)
    assert 'src="data:image/svg+xml' in html
    assert "Works once, until" in html and "(15 minutes from now)" in html
    assert "http://testserver/my/join/" in html
    invitation = PortalInvitation.objects.get()
    assert services.invitation_for_code(code) == invitation
    assert "A code is waiting to be typed" in client.get(page_url(jordan)).content.decode()


def test_the_participant_types_the_code_sets_a_password_and_lands_on_their_own_home(
    client, client_for, pat, jordan
):
    html = client_for(pat).post(page_url(jordan, "invite_code")).content.decode()
    code = _code_from(html)
    # The QR code opens the page with the code filled in.
    filled = client.get(JOIN, {"code": code})
    assert f'value="{code}"' in filled.content.decode()
    assert "Jordan" not in filled.content.decode()
    answer = client.post(JOIN, {"code": code.lower()})
    assert answer.status_code == 302 and answer.url == ACCOUNT
    form = client.get(ACCOUNT)
    assert "Set up your sign-in" in form.content.decode()
    # A password Django's validators refuse: said clearly, the email kept.
    weak = client.post(
        ACCOUNT, {"email": "jordan@example.test", "password1": "abc", "password2": "abc"}
    )
    assert weak.status_code == 200
    assert "too short" in weak.content.decode()
    assert 'value="jordan@example.test"' in weak.content.decode()
    done = client.post(
        ACCOUNT,
        {"email": "jordan@example.test", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert done.status_code == 302 and done.url == reverse("portal:home")
    home = client.get("/my/")
    assert home.status_code == 200
    html = home.content.decode()
    assert "Welcome to your own Beacon." in html
    # An authenticator is offered, not required.
    assert reverse("accounts:mfa_setup") in html
    jordan.refresh_from_db()
    assert jordan.account.email == "jordan@example.test"
    peer_page = client_for(pat).get(page_url(jordan)).content.decode()
    assert "Signed up" in peer_page and "Last signed in" in peer_page
    # Used: the same code says so, without saying whose it was.
    again = client.post(JOIN, {"code": code})
    assert "was used already" in again.content.decode()
    assert "Jordan" not in again.content.decode()


def test_wrong_and_expired_codes_say_so(client, pat, jordan):
    wrong = client.post(JOIN, {"code": "ACDE-FGHJ"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert 'value="ACDE-FGHJ"' in wrong.content.decode()  # what they typed stays
    _, code = services.invitation_code_create(member=member_of(pat), participant=jordan)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        expired = client.post(JOIN, {"code": code})
    assert "run out of time" in expired.content.decode()
    assert "Jordan" not in expired.content.decode()
    empty = client.post(JOIN, {"code": ""})
    assert "Type the code from your peer" in empty.content.decode()


def test_codes_tried_are_limited_per_address_and_per_code(client, settings, pat, jordan):
    settings.BEACON_RATE_LIMIT_JOIN_CODES = 2
    settings.BEACON_RATE_LIMIT_JOIN_SAME_CODE = 3
    me, other, third = "203.0.113.5", "198.51.100.7", "192.0.2.9"
    for guess in ("ACDEFGHA", "ACDEFGHC"):
        assert client.post(JOIN, {"code": guess}, REMOTE_ADDR=me).status_code == 200
    _, code = services.invitation_code_create(member=member_of(pat), participant=jordan)
    limited = client.post(JOIN, {"code": code}, REMOTE_ADDR=me)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "Too many codes were tried from here" in limited.content.decode()
    assert f'value="{code}"' in limited.content.decode()
    # One code typed from many addresses: limited too.
    for address in (other, third):
        assert client.post(JOIN, {"code": "ACDEFGHA"}, REMOTE_ADDR=address).status_code == 200
    assert client.post(JOIN, {"code": "ACDEFGHA"}, REMOTE_ADDR="192.0.2.10").status_code == 429
    # Another address with the real code still gets in.
    assert client.post(JOIN, {"code": code}, REMOTE_ADDR=other).status_code == 302


def test_the_email_link_leads_to_setting_a_password_for_its_address(
    client, pat, jordan, django_capture_on_commit_callbacks
):
    tokens = []
    services.invitation_email_send(
        member=member_of(pat),
        participant=jordan,
        email="jordan@example.test",
        join_url=lambda t: tokens.append(t) or t,
    )
    landing = client.get(reverse("portal:join_link", args=[tokens[0]]))
    assert landing.status_code == 302 and landing.url == ACCOUNT
    form = client.get(ACCOUNT).content.decode()
    assert "jordan@example.test" in form
    done = client.post(ACCOUNT, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert done.url == reverse("portal:home")
    assert client.get("/my/").status_code == 200
    # The link works once.
    client.logout()
    used = client.get(reverse("portal:join_link", args=[tokens[0]]))
    assert used.status_code == 410
    assert "was used already" in used.content.decode()
    assert client.get(reverse("portal:join_link", args=["nothing-like-it"])).status_code == 404


def test_the_account_page_without_a_code_sends_to_the_code_page(client):
    assert client.get(ACCOUNT).url == JOIN


def test_someone_signed_in_opens_it_with_their_own_sign_in(client_for, pat, jordan, lakeside):
    from conftest import _member

    person = _member(lakeside, "participant", "lee@example.test", "Lee Elsewhere").user
    _, code = services.invitation_code_create(member=member_of(pat), participant=jordan)
    client = client_for(person)
    assert client.post(JOIN, {"code": code}).url == ACCOUNT
    assert "You are signed in as lee@example.test" in client.get(ACCOUNT).content.decode()
    assert client.post(ACCOUNT).url == reverse("portal:home")
    jordan.refresh_from_db()
    assert jordan.account == person
    assert client.get("/my/").status_code == 200  # working in Harbor now, as Jordan's record


def test_staff_of_the_organization_cannot_become_a_participant_there(
    client_for, pat, quinn, jordan
):
    _, code = services.invitation_code_create(member=member_of(pat), participant=jordan)
    client = client_for(quinn)
    client.post(JOIN, {"code": code})
    refused = client.post(ACCOUNT)
    assert refused.status_code == 200
    assert "member of staff here" in refused.content.decode()


def test_the_peer_turns_it_off_and_the_participant_is_out(client_for, pat, riley, riley_record):
    participant_client = client_for(riley)
    assert participant_client.get("/my/").status_code == 200
    peer = client_for(pat)
    assert "Turn off their Beacon" in peer.get(page_url(riley_record)).content.decode()
    assert peer.post(page_url(riley_record, "turn_off")).status_code == 302
    assert not Membership.objects.get(user=riley).is_active
    assert participant_client.get("/my/").status_code == 302  # signed out: sessions ended
    assert "Turn their Beacon on" in peer.get(page_url(riley_record)).content.decode()
    peer.post(page_url(riley_record, "turn_on"))
    assert Membership.objects.get(user=riley).is_active


def test_withdraw_and_resend_from_the_page(client_for, pat, jordan):
    peer = client_for(pat)
    sent = peer.post(page_url(jordan, "invite_email"), {"email": "jordan@example.test"})
    assert sent.status_code == 302
    assert "Invited by email (jordan@example.test)" in peer.get(page_url(jordan)).content.decode()
    peer.post(page_url(jordan, "resend"))
    assert PortalInvitation.objects.count() == 2
    peer.post(page_url(jordan, "withdraw"))
    assert not any(i.is_open for i in PortalInvitation.objects.all())
    no_address = peer.post(page_url(jordan, "invite_email"), {"email": ""})
    assert no_address.status_code == 400
    assert "Type their email address" in no_address.content.decode()


def test_who_may_see_and_who_may_change(client_for, quinn, riley, olive, harbor, jordan):
    # Quinn does not see Jordan (another caseload), nor Olive (another organization): 404.
    assert client_for(quinn).get(page_url(jordan)).status_code == 404
    assert client_for(olive).get(page_url(jordan)).status_code == 404
    assert client_for(riley).get(page_url(jordan)).status_code == 404
    # With the organization's participants open to the team, Quinn sees it and changes nothing.
    harbor.participants_open_to_team = True
    harbor.save(update_fields=["participants_open_to_team"])
    quinn_client = client_for(quinn)
    page = quinn_client.get(page_url(jordan))
    assert page.status_code == 200
    assert "Show a code" not in page.content.decode()
    assert quinn_client.post(page_url(jordan, "invite_code")).status_code == 403
    assert not PortalInvitation.objects.exists()


def test_staff_mfa_rules_do_not_apply_to_participants(client_for, harbor, pat, riley, riley_record):
    harbor.mfa_required = True
    harbor.save(update_fields=["mfa_required"])
    assert member_of(riley).mfa_required is False
    assert client_for(riley).get("/my/").status_code == 200
    # Staff of the same organization must enrol first.
    assert client_for(pat).get("/my-day/").url == reverse("accounts:mfa_setup")
