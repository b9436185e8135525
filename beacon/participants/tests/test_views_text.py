"""Text a page stores goes through a form, so it is checked as any text is: a NUL (which
PostgreSQL refuses) is a message, not a 500, and nothing changes (issue 14, finding 6)."""

from django.urls import reverse

from beacon.participants.models import CaseloadAssignment


def test_a_nul_in_the_note_that_ends_a_caseload_changes_nothing(client_for, sam, jordan):
    assignment = CaseloadAssignment.objects.get(participant=jordan, ended_at__isnull=True)
    url = reverse("participants:caseload_end", args=[jordan.pk, assignment.pk])
    response = client_for(sam).post(url, {"note": "Moved\x00away"}, follow=True)
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.ended_at is None and assignment.note == ""


def test_a_note_that_ends_a_caseload_is_kept(client_for, sam, jordan):
    assignment = CaseloadAssignment.objects.get(participant=jordan, ended_at__isnull=True)
    url = reverse("participants:caseload_end", args=[jordan.pk, assignment.pk])
    client_for(sam).post(url, {"note": "Moved away"})
    assignment.refresh_from_db()
    assert assignment.ended_at is not None and assignment.note == "Moved away"
