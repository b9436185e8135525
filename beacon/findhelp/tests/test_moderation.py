import pytest
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.directory.models import Service
from beacon.findhelp import services
from beacon.findhelp.models import OrganizationSubmission, ReportStatus, SubmissionStatus
from beacon.findhelp.tests.factories import service

MODERATION = "/find-help/moderation/"


@pytest.fixture
def harbor_report(harbor):
    svc = service("Harbor drop-in", curator=harbor)
    return services.problem_report_create(service=svc, kind="closed", note="Sign says closed")


@pytest.fixture
def submission(db):
    return services.submission_create(
        name="Hope Street Recovery",
        services_description="Peer coaching",
        postal_code="01602",
        phone="508-555-0199",
        contact_email="hello@hopestreet.example",
    )


def test_admin_sees_open_reports_and_pending_submissions(
    client_for, ada, harbor_report, submission
):
    html = client_for(ada).get(MODERATION).content.decode()
    assert "Harbor drop-in" in html and "Sign says closed" in html
    assert "Hope Street Recovery" in html


@pytest.mark.parametrize("who", ["pat", "sam", "riley"])
def test_only_organization_admins_moderate(client_for, request, who, harbor_report, submission):
    client = client_for(request.getfixturevalue(who))
    assert client.get(MODERATION).status_code == 403
    assert (
        client.post(reverse("findhelp:report_resolve", args=[harbor_report.pk])).status_code == 403
    )
    assert (
        client.post(reverse("findhelp:submission_accept", args=[submission.pk])).status_code == 403
    )
    harbor_report.refresh_from_db()
    assert harbor_report.status == ReportStatus.OPEN


def test_anonymous_visitors_are_sent_to_sign_in(client, harbor_report):
    response = client.get(MODERATION)
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_other_organizations_admin_cannot_see_or_resolve_our_reports(
    client_for, olive, harbor_report
):
    client = client_for(olive)
    assert "Harbor drop-in" not in client.get(MODERATION).content.decode()
    response = client.post(reverse("findhelp:report_resolve", args=[harbor_report.pk]))
    assert response.status_code == 404
    harbor_report.refresh_from_db()
    assert harbor_report.status == ReportStatus.OPEN


def test_resolve_is_audited(client_for, ada, harbor_report):
    response = client_for(ada).post(reverse("findhelp:report_resolve", args=[harbor_report.pk]))
    assert response.status_code == 302
    harbor_report.refresh_from_db()
    assert harbor_report.status == ReportStatus.RESOLVED and harbor_report.resolved_by == ada
    event = AuditEvent.objects.get(action="findhelp.problem_resolved")
    assert event.actor_id == ada.pk


def test_accept_adds_an_unverified_entry_curated_by_the_admins_organization(
    client_for, ada, harbor, submission
):
    response = client_for(ada).post(reverse("findhelp:submission_accept", args=[submission.pk]))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED and submission.reviewed_by == ada
    entry = Service.objects.get(pk=submission.directory_service_id)
    assert entry.curator == harbor and entry.last_verified_on is None
    assert entry.organization.name == "Hope Street Recovery"
    location = entry.service_at_locations.get().location
    assert round(location.latitude, 2) == 42.27
    assert AuditEvent.objects.filter(
        action="findhelp.submission_accepted", actor_id=ada.pk
    ).exists()
    # Reviewed once only.
    again = client_for(ada).post(reverse("findhelp:submission_reject", args=[submission.pk]))
    assert again.status_code == 403


def test_reject_keeps_it_out_of_the_directory(client_for, ada, submission):
    before = Service.objects.count()
    client_for(ada).post(reverse("findhelp:submission_reject", args=[submission.pk]))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.REJECTED
    assert Service.objects.count() == before
    assert OrganizationSubmission.objects.filter(status=SubmissionStatus.PENDING).count() == 0
    assert AuditEvent.objects.filter(action="findhelp.submission_rejected").exists()
