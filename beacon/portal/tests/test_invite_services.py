"""Getting in (issue 17): invitations by email link and by in-person code, accepting one, turning
a participant's own Beacon off and on, and discharge: read-only with a notice, then closed."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.accounts.models import User
from beacon.audit.describe import describe_events
from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker
from beacon.ops.cli import main
from beacon.organizations.models import Membership
from beacon.participants.permissions import own_records
from beacon.participants.services import participant_discharge
from beacon.portal import invite_services as services
from beacon.portal.commands import run_close
from beacon.portal.invite_selectors import INVITED, JOINED, NOT_INVITED, OFF, portal_status
from beacon.portal.models import PortalInvitation
from conftest import member_of

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a long walk by the river"


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def _email_invite(pat, participant, email="jordan@example.test", sent=None):
    tokens = []

    def join_url(token):
        tokens.append(token)
        return f"https://beacon.test/my/join/{token}/"

    invitation = services.invitation_email_send(
        member=member_of(pat), participant=participant, email=email, join_url=join_url
    )
    return invitation, tokens[0]


def _sent(capture) -> list:
    with capture(execute=True):
        pass
    run_worker()
    return mail.outbox


def test_an_email_invitation_is_plain_and_names_the_organization_only_when_allowed(
    pat, jordan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = _email_invite(pat, jordan)
    run_worker()
    [message] = mail.outbox
    assert message.to == ["jordan@example.test"]
    assert message.subject == "Your own Beacon"
    assert "Your peer invited you to your own Beacon." in message.body
    assert "Harbor" not in message.body  # may_use_org_name is off
    assert _links(message.body) == [f"https://beacon.test/my/join/{token}/"]
    # Only a keyed hash of the link's token is kept.
    assert token not in invitation.secret_hash
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=6)

    jordan.may_use_org_name = True
    jordan.save(update_fields=["may_use_org_name"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _email_invite(pat, jordan)
    run_worker()
    assert "Your peer at Harbor Recovery Community invited you to your own Beacon." in (
        mail.outbox[0].body
    )
    # The new invitation replaced the first: its link does nothing now.
    with pytest.raises(services.JoinProblem) as problem:
        services.invitation_for_link(token)
    assert problem.value.reason == "withdrawn"


def test_an_email_needs_an_address(pat, jordan):
    with pytest.raises(ValidationError) as error:
        _email_invite(pat, jordan, email="")
    assert "Type their email address" in str(error.value)
    assert not PortalInvitation.objects.exists()


def test_only_staff_who_may_change_the_record_invite(quinn, riley, sam, jordan):
    for outsider in (quinn, riley):
        with pytest.raises(PermissionDenied):
            services.invitation_code_create(member=member_of(outsider), participant=jordan)
    assert not PortalInvitation.objects.exists()
    # A supervisor may (they may change every record of the organization).
    services.invitation_code_create(member=member_of(sam), participant=jordan)


def test_a_code_is_eight_unambiguous_characters_and_works_once(pat, jordan):
    invitation, code = services.invitation_code_create(member=member_of(pat), participant=jordan)
    assert len(code) == 8 and set(code) <= set(services.CODE_ALPHABET)
    assert not set(code) & set("0O1IL5S2Z8B")
    assert code not in invitation.secret_hash
    assert invitation.expires_at <= timezone.now() + datetime.timedelta(minutes=15)
    # Typed in small letters with a dash and spaces: the same code.
    typed = f" {code[:4].lower()}-{code[4:]} "
    assert services.invitation_for_code(typed) == invitation
    assert portal_status(participant=jordan).state == INVITED

    user = services.invitation_accept(
        invitation=invitation, email="Jordan@Example.test", password=GOOD_PASSWORD
    )
    jordan.refresh_from_db()
    assert jordan.account == user and user.email == "jordan@example.test"
    assert user.check_password(GOOD_PASSWORD)
    assert user.name == "Jordan Rivers"
    assert list(own_records(member_of(user))) == [jordan]
    with pytest.raises(services.JoinProblem) as problem:
        services.invitation_for_code(code)
    assert problem.value.reason == "used"
    with pytest.raises(ValidationError, match="used already"):
        services.invitation_accept(invitation=invitation, email="x@example.test", password="x")
    status = portal_status(participant=jordan)
    assert status.state == JOINED and status.account_email == "jordan@example.test"


def test_a_code_runs_out_after_15_minutes_and_a_wrong_one_says_so(pat, jordan):
    with pytest.raises(services.JoinProblem) as problem:
        services.invitation_for_code("ACDEFGHJ")
    assert problem.value.reason == "wrong"
    _, code = services.invitation_code_create(member=member_of(pat), participant=jordan)
    later = timezone.now() + datetime.timedelta(minutes=15, seconds=1)
    with time_machine.travel(later), pytest.raises(services.JoinProblem) as problem:
        services.invitation_for_code(code)
    assert problem.value.reason == "expired"


def test_withdrawn_codes_do_nothing(pat, jordan):
    _, code = services.invitation_code_create(member=member_of(pat), participant=jordan)
    assert services.invitation_withdraw(member=member_of(pat), participant=jordan) == 1
    with pytest.raises(services.JoinProblem) as problem:
        services.invitation_for_code(code)
    assert problem.value.reason == "withdrawn"
    assert portal_status(participant=jordan).state == NOT_INVITED


def test_the_password_must_pass_djangos_validators_and_nothing_is_written(pat, jordan):
    invitation, _ = services.invitation_code_create(member=member_of(pat), participant=jordan)
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(
            invitation=invitation, email="jordan@example.test", password="password"
        )
    assert "password1" in error.value.error_dict
    assert not User.objects.filter(email="jordan@example.test").exists()
    jordan.refresh_from_db()
    assert jordan.account is None
    invitation.refresh_from_db()
    assert invitation.is_open


def test_an_address_with_a_sign_in_already_must_sign_in_first(pat, quinn, jordan):
    invitation, _ = services.invitation_code_create(member=member_of(pat), participant=jordan)
    with pytest.raises(ValidationError, match="Sign in with it first"):
        services.invitation_accept(invitation=invitation, email=quinn.email, password=GOOD_PASSWORD)
    # Quinn, signed in, is staff at Harbor: never a participant there too.
    with pytest.raises(ValidationError, match="member of staff"):
        services.invitation_accept(invitation=invitation, user=quinn)


def test_the_email_invitations_address_is_the_sign_in(pat, jordan):
    invitation, _ = _email_invite(pat, jordan)
    user = services.invitation_accept(
        invitation=invitation, email="someone-else@example.test", password=GOOD_PASSWORD
    )
    assert user.email == "jordan@example.test"


def test_resend_sends_a_new_link_to_the_same_address(
    pat, jordan, django_capture_on_commit_callbacks
):
    first, old_token = _email_invite(pat, jordan)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.invitation_resend(
            member=member_of(pat), participant=jordan, join_url=lambda t: f"https://b.test/{t}/"
        )
    run_worker()
    assert again.email == "jordan@example.test" and again != first
    assert mail.outbox[-1].to == ["jordan@example.test"]
    with pytest.raises(services.JoinProblem):
        services.invitation_for_link(old_token)
    assert AuditEvent.objects.filter(action="portal.invitation_resent").count() == 1


def test_turning_it_off_and_on(pat, jordan):
    invitation, _ = services.invitation_code_create(member=member_of(pat), participant=jordan)
    user = services.invitation_accept(
        invitation=invitation, email="jordan@example.test", password=GOOD_PASSWORD
    )
    jordan.refresh_from_db()
    services.portal_turn_off(member=member_of(pat), participant=jordan)
    membership = Membership.objects.get(user=user)
    assert not membership.is_active
    assert not own_records(membership).exists()
    assert portal_status(participant=jordan).state == OFF
    services.portal_turn_on(member=member_of(pat), participant=jordan)
    membership.refresh_from_db()
    assert membership.is_active
    assert portal_status(participant=jordan).state == JOINED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"portal.invited", "portal.joined", "portal.turned_off", "portal.turned_on"} <= actions


def test_audit_sentences_name_the_participant(pat, ada, jordan):
    services.invitation_code_create(member=member_of(pat), participant=jordan)
    event = AuditEvent.objects.select_related("actor").get(action="portal.invited")
    [(_, said)] = describe_events(member=member_of(ada), events=[event])
    assert said.text == "Pat Peer invited Jordan Rivers to their own Beacon."


def _discharge(pat, record, on):
    record.enrolled_on = on - datetime.timedelta(days=30)
    record.save(update_fields=["enrolled_on"])
    return participant_discharge(
        member=member_of(pat), participant=record, discharged_on=on, reason="goals_met"
    )


def test_discharge_makes_it_read_only_with_a_notice_then_closed_after_90_days(
    pat, riley, riley_record, django_capture_on_commit_callbacks
):
    riley_record.may_use_org_name = True
    riley_record.save(update_fields=["may_use_org_name"])
    discharged_on = timezone.localdate() - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        _discharge(pat, riley_record, discharged_on)
    run_worker()
    [notice] = mail.outbox
    assert notice.to == [riley.email]
    assert notice.subject == "Your Beacon is now read-only"
    until = discharged_on + datetime.timedelta(days=90)
    assert "Your Beacon at Harbor Recovery Community is read-only until" in notice.body
    assert until.strftime("%Y") in notice.body
    assert "discharg" not in notice.body.lower()
    assert portal_status(participant=riley_record).read_only_until == until

    mail.outbox.clear()
    day_89 = (discharged_on + datetime.timedelta(days=89)).isoformat()
    day_90 = (discharged_on + datetime.timedelta(days=90)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_close(today=day_89) == 0
    assert Membership.objects.get(user=riley).is_active
    with django_capture_on_commit_callbacks(execute=True):
        assert services.portals_close(today=datetime.date.fromisoformat(day_90)) == 1
        # Once: the account is off now, and is not found again.
        assert services.portals_close(today=datetime.date.fromisoformat(day_90)) == 0
    run_worker()
    [closed] = mail.outbox
    assert closed.subject == "Your Beacon is now closed"
    assert "Your Beacon at Harbor Recovery Community is now closed." in closed.body
    assert not Membership.objects.get(user=riley).is_active
    assert AuditEvent.objects.filter(action="portal.closed").count() == 1


def test_a_discharged_participant_without_their_own_beacon_gets_no_notice(
    pat, jordan, django_capture_on_commit_callbacks
):
    _, code = services.invitation_code_create(member=member_of(pat), participant=jordan)
    with django_capture_on_commit_callbacks(execute=True):
        _discharge(pat, jordan, timezone.localdate())
    run_worker()
    assert mail.outbox == []
    # Their open code stopped with the discharge.
    with pytest.raises(services.JoinProblem) as problem:
        services.invitation_for_code(code)
    assert problem.value.reason == "withdrawn"
    with pytest.raises(ValidationError, match="Services have ended"):
        services.invitation_code_create(member=member_of(pat), participant=jordan)


def test_the_beacon_command_closes_them(pat, riley, riley_record, capsys):
    _discharge(pat, riley_record, timezone.localdate() - datetime.timedelta(days=100))
    today = timezone.localdate().isoformat()
    assert main(["portal", "close", "--date", today]) == 0
    assert "closed 90 days after discharge: 1." in capsys.readouterr().out
    assert main(["portal", "close", "--date", today]) == 0
    assert "closed 90 days after discharge: 0." in capsys.readouterr().out
    assert not Membership.objects.get(user=riley).is_active
    assert main(["portal", "close", "--date", "tomorrow"]) == 2
    assert "not a date" in capsys.readouterr().out
