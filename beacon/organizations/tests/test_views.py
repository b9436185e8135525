import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from beacon.accounts.models import User
from beacon.api.services import token_create
from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker
from beacon.organizations.models import Invitation, Role
from beacon.organizations.services import invitation_send
from beacon.organizations.tests.factories import MembershipFactory
from conftest import PASSWORD, member_of, without_csrf


def _invite(org, actor, email="new.peer@example.test", role=Role.PEER):
    tokens = []
    invitation = invitation_send(
        organization=org,
        email=email,
        role=role,
        actor=actor,
        accept_url=lambda t: tokens.append(t) or f"http://testserver/organization/join/{t}/",
    )
    return invitation, tokens[0]


# --- Tenancy: another organization's records answer 404, exactly like missing ones -------------


def test_olive_gets_404_for_every_harbor_member_page(client_for, olive, pat, harbor):
    client = client_for(olive)
    pk = member_of(pat, harbor).pk
    missing = uuid.uuid4()
    for name in ("member_detail",):
        assert client.get(reverse(f"organizations:{name}", args=[pk])).status_code == 404
        assert client.get(reverse(f"organizations:{name}", args=[missing])).status_code == 404
    for name in ("member_role", "member_deactivate", "member_reactivate", "member_mfa_reset"):
        hidden = client.post(reverse(f"organizations:{name}", args=[pk]), {"role": "org_admin"})
        absent = client.post(
            reverse(f"organizations:{name}", args=[missing]), {"role": "org_admin"}
        )
        assert hidden.status_code == absent.status_code == 404, name
        assert without_csrf(hidden.content) == without_csrf(absent.content)
    assert member_of(pat, harbor).role == Role.PEER and member_of(pat, harbor).is_active
    refused = AuditEvent.objects.filter(action="access.refused", actor=olive, object_id=str(pk))
    assert refused.count() == 5


def test_olive_cannot_withdraw_harbor_invitations(client_for, olive, ada, harbor):
    invitation, _token = _invite(harbor, ada)
    response = client_for(olive).post(
        reverse("organizations:invitation_revoke", args=[invitation.pk])
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_olive_sees_only_her_own_organization(client_for, olive, pat, ada):
    html = client_for(olive).get(reverse("organizations:members")).content.decode()
    assert "Olive Outsider" in html
    assert "pat@harbor.test" not in html and "ada@harbor.test" not in html


# --- Roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sam", "pat", "riley"])
@pytest.mark.parametrize(
    "name",
    ["organizations:members", "organizations:settings", "organizations:invite", "audit:list"],
)
def test_only_organization_admins_manage_the_organization(client_for, request, who, name):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse(name)).status_code == 403


def test_peer_cannot_open_a_colleague_page_by_id(client_for, pat, sam, harbor):
    response = client_for(pat).get(
        reverse("organizations:member_detail", args=[member_of(sam, harbor).pk])
    )
    assert response.status_code == 403  # role check first: peers have no member pages at all


def test_admin_cannot_demote_or_deactivate_themselves(client_for, ada, harbor):
    pk = member_of(ada, harbor).pk
    client = client_for(ada)
    assert client.get(reverse("organizations:member_detail", args=[pk])).status_code == 200
    response = client.post(reverse("organizations:member_role", args=[pk]), {"role": "peer"})
    assert response.status_code == 403
    assert client.post(reverse("organizations:member_deactivate", args=[pk])).status_code == 403
    assert member_of(ada, harbor).role == Role.ORG_ADMIN


def test_platform_page_is_for_platform_admins(client_for, ada):
    assert client_for(ada).get(reverse("organizations:platform")).status_code == 403


# --- Organization admin work ----------------------------------------------------------------


def test_admin_changes_a_role_and_it_is_audited(client_for, ada, pat, harbor):
    pk = member_of(pat, harbor).pk
    response = client_for(ada).post(
        reverse("organizations:member_role", args=[pk]), {"role": "supervisor"}
    )
    assert response.status_code == 302
    assert member_of(pat, harbor).role == Role.SUPERVISOR
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.actor == ada and event.organization == harbor
    assert event.details["role"] == {"old": "peer", "new": "supervisor"}


def test_an_unknown_role_is_refused_with_a_message(client_for, ada, pat, harbor):
    pk = member_of(pat, harbor).pk
    response = client_for(ada).post(
        reverse("organizations:member_role", args=[pk]), {"role": "boss"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_deactivation_stops_sessions_and_tokens_and_reactivation_restores(
    client_for, ada, pat, harbor
):
    pat_client = client_for(pat)
    _token, secret = token_create(user=pat, organization=harbor)
    pk = member_of(pat, harbor).pk
    admin = client_for(ada)
    assert admin.post(reverse("organizations:member_deactivate", args=[pk])).status_code == 302
    assert pat_client.get(reverse("accounts:security")).status_code == 302
    assert pat_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    pat.refresh_from_db()
    assert not pat.is_active  # no other membership: the account itself is off
    assert admin.post(reverse("organizations:member_reactivate", args=[pk])).status_code == 302
    pat.refresh_from_db()
    assert pat.is_active and member_of(pat, harbor).is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"membership.deactivated", "auth.token_revoked", "membership.reactivated"} <= actions


def test_deactivation_in_one_organization_keeps_the_other(client_for, ada, pat, harbor, lakeside):
    MembershipFactory(user=pat, organization=lakeside, role=Role.PEER)
    client_for(ada).post(
        reverse("organizations:member_deactivate", args=[member_of(pat, harbor).pk])
    )
    pat.refresh_from_db()
    assert pat.is_active
    response = client_for(pat).get(reverse("core:home"))
    assert "Lakeside Recovery Center" in response.content.decode()


def test_settings_are_saved_and_audited_with_old_and_new(client_for, ada, harbor):
    response = client_for(ada).post(
        reverse("organizations:settings"),
        {
            "name": "Harbor RCO",
            "slug": harbor.slug,
            "part2_applies": "",
            "mfa_required": "",
            "idle_timeout_minutes": "20",
            "overdue_after_days": "14",
            "billing_units_rule": "whole",
            "plan_review_interval_days": "60",
            "referral_follow_up_days": "7",
            "directory_verify_after_days": "90",
            "note_review_first_count": "5",
            "note_review_crisis": "on",
            "crisis_escalate_after_minutes": "10",
            "caseload_cap": "20",
            "workday_starts": "09:00",
            "workday_ends": "17:30",
            # Messages (issue 17): answers by the peers only, office hours in their words.
            "messages_enabled": "on",
            "messages_office_hours": "We answer on weekdays. Anytime: 988.",
            "messages_team_answers": "",
            # Talk to a peer (issue 18): requests taken, for the ZIP codes served.
            "peer_requests_open": "on",
            "peer_requests_respond_within": "within two business days",
            "peer_requests_zip_codes": "01602 016",
        },
    )
    assert response.status_code == 302
    harbor.refresh_from_db()
    assert harbor.messages_enabled and not harbor.messages_team_answers
    assert harbor.messages_office_hours == "We answer on weekdays. Anytime: 988."
    assert harbor.peer_requests_open and harbor.peer_requests_zip_codes == "01602 016"
    assert (
        harbor.name,
        harbor.part2_applies,
        harbor.idle_timeout_minutes,
        harbor.overdue_after_days,
    ) == (
        "Harbor RCO",
        False,
        20,
        14,
    )
    event = AuditEvent.objects.get(action="organization.settings_changed")
    assert event.details["idle_timeout_minutes"] == {"old": 30, "new": 20}
    assert event.details["name"] == {"old": "Harbor Recovery Community", "new": "Harbor RCO"}
    assert (harbor.note_review_first_count, harbor.note_review_crisis, harbor.caseload_cap) == (
        5,
        True,
        20,
    )
    assert harbor.crisis_escalate_after_minutes == 10
    assert event.details["crisis_escalate_after_minutes"] == {"old": 15, "new": 10}
    assert str(harbor.workday_ends) == "17:30:00"
    assert event.details["workday_ends"] == {"old": "18:00:00", "new": "17:30:00"}


def test_working_hours_must_end_after_they_start(client_for, ada, harbor):
    response = client_for(ada).post(
        reverse("organizations:settings"),
        {
            "name": "Harbor typed",
            "idle_timeout_minutes": "30",
            "overdue_after_days": "30",
            "billing_units_rule": "midpoint",
            "plan_review_interval_days": "90",
            "referral_follow_up_days": "7",
            "directory_verify_after_days": "180",
            "note_review_first_count": "0",
            "caseload_cap": "25",
            "workday_starts": "18:00",
            "workday_ends": "08:00",
        },
    )
    assert response.status_code == 200
    assert "Working hours must end after they start." in response.content.decode()
    assert 'value="Harbor typed"' in response.content.decode()
    harbor.refresh_from_db()
    assert harbor.name == "Harbor Recovery Community"


def test_bad_settings_are_refused_and_what_was_typed_is_kept(client_for, ada, harbor):
    response = client_for(ada).post(
        reverse("organizations:settings"),
        {"name": "Harbor typed", "idle_timeout_minutes": "1", "overdue_after_days": "abc"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "greater than or equal to 5" in html
    assert "Enter a whole number." in html
    assert 'value="Harbor typed"' in html
    harbor.refresh_from_db()
    assert harbor.name == "Harbor Recovery Community"


# --- Invitations ------------------------------------------------------------------------------


def test_invitation_by_email_creates_the_account_and_membership(
    client_for, client, ada, harbor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ada).post(
            reverse("organizations:invite"), {"email": "New.Peer@Example.test", "role": "peer"}
        )
    assert response.status_code == 302
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.peer@example.test"]
    link = re.search(r"http://testserver(/organization/join/\S+/)", message.body).group(1)
    assert "Harbor Recovery Community" in client.get(link).content.decode()
    response = client.post(
        link,
        {
            "name": "Nia Newpeer",
            "password1": "a long passphrase 9",
            "password2": "a long passphrase 9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.peer@example.test")
    assert member_of(user, harbor).role == Role.PEER
    # The link works once.
    assert client.get(link).status_code == 404
    assert (
        client.post(
            "/accounts/login/",
            {"email": "new.peer@example.test", "password": "a long passphrase 9"},
        ).status_code
        == 302
    )
    assert {"invitation.sent", "invitation.accepted", "user.created", "membership.created"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_weak_password_on_acceptance_keeps_the_name(client, ada, harbor):
    _invitation, token = _invite(harbor, ada)
    response = client.post(
        reverse("organizations:invitation_accept", args=[token]),
        {"name": "Nia Newpeer", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "too common" in html
    assert 'value="Nia Newpeer"' in html


def test_existing_people_accept_by_signing_in(client_for, client, ada, olive, harbor):
    _invitation, token = _invite(harbor, ada, email="olive@lakeside.test", role=Role.SUPERVISOR)
    url = reverse("organizations:invitation_accept", args=[token])
    assert "Sign in with it" in client.get(url).content.decode()
    olive_client = client_for(olive)
    response = olive_client.post(url)
    assert response.status_code == 302
    assert member_of(olive, harbor).role == Role.SUPERVISOR
    # She now switches between both organizations.
    html = olive_client.get(reverse("core:home")).content.decode()
    assert "Harbor Recovery Community" in html and "Lakeside Recovery Center" in html


def test_invitation_for_someone_else_is_refused(client_for, ada, pat, harbor):
    _invitation, token = _invite(harbor, ada, email="someone@else.test")
    response = client_for(pat).post(reverse("organizations:invitation_accept", args=[token]))
    assert response.status_code == 200
    assert "This invitation was sent to someone@else.test" in response.content.decode()


def test_inviting_a_current_member_says_so(client_for, ada, pat):
    response = client_for(ada).post(
        reverse("organizations:invite"), {"email": "pat@harbor.test", "role": "peer"}
    )
    assert response.status_code == 200
    assert "pat@harbor.test is already a member." in response.content.decode()
    assert len(mail.outbox) == 0


def test_withdrawn_invitation_no_longer_works(client_for, client, ada, harbor):
    invitation, token = _invite(harbor, ada)
    client_for(ada).post(reverse("organizations:invitation_revoke", args=[invitation.pk]))
    assert client.get(reverse("organizations:invitation_accept", args=[token])).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None


# --- Several organizations ----------------------------------------------------------------------


def test_switching_organization_changes_role_and_is_audited(client_for, olive, harbor, lakeside):
    MembershipFactory(user=olive, organization=harbor, role=Role.PEER)
    client = client_for(olive)
    assert client.get(reverse("audit:list")).status_code == 200  # admin at Lakeside
    response = client.post(reverse("organizations:switch"), {"organization": str(harbor.pk)})
    assert response.status_code == 302
    assert client.get(reverse("audit:list")).status_code == 403  # a peer at Harbor
    assert AuditEvent.objects.filter(action="organization.switched", organization=harbor).exists()


def test_switching_to_a_foreign_organization_is_refused(client_for, pat, lakeside):
    client = client_for(pat)
    client.post(reverse("organizations:switch"), {"organization": str(lakeside.pk)})
    pat.refresh_from_db()
    assert pat.last_organization_id != lakeside.pk


def test_platform_admin_creates_an_organization_with_an_invited_admin(client_for, db):
    from beacon.accounts.tests.factories import UserFactory

    root = UserFactory(is_platform_admin=True, password=PASSWORD)
    response = client_for(root).post(
        reverse("organizations:platform"),
        {"name": "Riverside RCO", "admin_email": "lead@riverside.test"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="lead@riverside.test")
    assert invitation.role == Role.ORG_ADMIN and invitation.organization.name == "Riverside RCO"
    assert invitation.organization.mfa_required  # real organizations require MFA by default
