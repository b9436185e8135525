"""The note review queue: derived from the organization's settings, emptied by co-signs."""

import pytest
from django.core.exceptions import PermissionDenied

from beacon.core.concurrency import StaleVersion
from beacon.encounters.services import encounter_correct
from beacon.encounters.tests.factories import log
from beacon.organizations.models import Role
from beacon.organizations.tests.factories import MembershipFactory
from beacon.supervision import selectors, services
from beacon.supervision.models import NoteCosign
from conftest import member_of

pytestmark = pytest.mark.django_db


def queue_ids(user):
    return [row.encounter.pk for row in selectors.review_queue(member=member_of(user)).rows]


def settings_(org, **values):
    for name, value in values.items():
        setattr(org, name, value)
    org.save()


def test_nothing_is_reviewed_unless_the_organization_asks(harbor, sam, pat, jordan):
    log(pat, jordan, crisis_flag=True)
    assert queue_ids(sam) == []


def test_first_notes_of_each_peer_need_review(harbor, sam, pat, quinn, jordan, casey):
    settings_(harbor, note_review_first_count=2)
    pat_notes = [log(pat, jordan, note=f"Pat {i}") for i in range(3)]
    quinn_notes = [log(quinn, casey, note=f"Quinn {i}") for i in range(3)]
    queued = set(queue_ids(sam))
    assert queued == {n.pk for n in pat_notes[:2] + quinn_notes[:2]}
    row = selectors.review_queue(member=member_of(sam)).rows[0]
    assert row.reasons == ["One of the peer's first notes"]


def test_a_supervisors_own_notes_are_not_first_notes(harbor, sam, ada, jordan):
    settings_(harbor, note_review_first_count=5)
    log(sam, jordan)
    assert queue_ids(ada) == []


def test_every_crisis_note_needs_review(harbor, sam, pat, jordan):
    settings_(harbor, note_review_crisis=True)
    calm = log(pat, jordan)
    crisis = log(pat, jordan, crisis_flag=True)
    assert queue_ids(sam) == [crisis.pk]
    assert calm.pk not in queue_ids(sam)
    # A correction that flags a crisis later sends the note to review too.
    encounter_correct(member=member_of(pat), encounter=calm, expected_version=1, crisis_flag=True)
    assert set(queue_ids(sam)) == {crisis.pk, calm.pk}


def test_both_rules_name_both_reasons(harbor, sam, pat, jordan):
    settings_(harbor, note_review_crisis=True, note_review_first_count=1)
    log(pat, jordan, crisis_flag=True)
    (row,) = selectors.review_queue(member=member_of(sam)).rows
    assert row.reasons == ["One of the peer's first notes", "Crisis or safety concern"]


def test_cosign_takes_a_note_out_of_the_queue(harbor, sam, ada, pat, jordan):
    settings_(harbor, note_review_crisis=True)
    note = log(pat, jordan, crisis_flag=True)
    cosign = services.note_cosign(member=member_of(sam), encounter=note, expected_version=1)
    assert (cosign.signed_by, cosign.encounter_version) == (sam, 1)
    assert queue_ids(sam) == [] and queue_ids(ada) == []
    status = selectors.review_status(encounter=note)
    assert status.needs_review and status.cosigned and not status.pending


def test_a_correction_after_cosign_sends_it_back_marked(harbor, sam, pat, jordan):
    settings_(harbor, note_review_crisis=True)
    note = log(pat, jordan, crisis_flag=True, note="First words.")
    services.note_cosign(member=member_of(sam), encounter=note, expected_version=1)
    encounter_correct(
        member=member_of(pat), encounter=note, expected_version=1, note="Better words."
    )
    (row,) = selectors.review_queue(member=member_of(sam)).rows
    assert row.encounter.pk == note.pk and row.corrected_since_cosign
    note.refresh_from_db()
    status = selectors.review_status(encounter=note)
    assert status.corrected_since_cosign and status.pending
    services.note_cosign(member=member_of(sam), encounter=note, expected_version=2)
    assert queue_ids(sam) == []
    assert NoteCosign.objects.filter(encounter=note).count() == 2


def test_cosign_refuses_a_version_the_reviewer_did_not_read(harbor, sam, pat, jordan):
    note = log(pat, jordan, note="First words.")
    encounter_correct(member=member_of(pat), encounter=note, expected_version=1, note="Changed.")
    with pytest.raises(StaleVersion):
        services.note_cosign(member=member_of(sam), encounter=note, expected_version=1)
    assert not NoteCosign.objects.exists()


def test_cosign_twice_is_refused(harbor, sam, ada, pat, jordan):
    note = log(pat, jordan)
    services.note_cosign(member=member_of(sam), encounter=note, expected_version=1)
    with pytest.raises(services.AlreadyCosigned):
        services.note_cosign(member=member_of(ada), encounter=note, expected_version=1)


def test_peers_cannot_cosign_and_nobody_cosigns_their_own(harbor, sam, pat, quinn, jordan):
    settings_(harbor, note_review_crisis=True)
    note = log(pat, jordan, crisis_flag=True)
    for user in (pat, quinn):
        with pytest.raises(PermissionDenied):
            services.note_cosign(member=member_of(user), encounter=note, expected_version=1)
    own = log(sam, jordan, crisis_flag=True)
    with pytest.raises(PermissionDenied):
        services.note_cosign(member=member_of(sam), encounter=own, expected_version=1)
    assert own.pk not in queue_ids(sam)


def test_peers_see_no_queue(harbor, pat, jordan):
    settings_(harbor, note_review_crisis=True)
    log(pat, jordan, crisis_flag=True)
    assert selectors.review_queue(member=member_of(pat)).rows == []
    assert selectors.review_count(member=member_of(pat)) == 0


def test_other_organizations_notes_never_appear(harbor, lakeside, olive, sam, pat, jordan, morgan):
    settings_(harbor, note_review_crisis=True)
    settings_(lakeside, note_review_crisis=True)
    log(pat, jordan, crisis_flag=True)
    lee = MembershipFactory(organization=lakeside, role=Role.SUPERVISOR).user
    log(olive, morgan, crisis_flag=True)
    assert len(queue_ids(sam)) == 1 and len(queue_ids(lee)) == 1
    assert set(queue_ids(sam)).isdisjoint(queue_ids(lee))
    assert queue_ids(olive) == []  # her own note: someone else co-signs it


def test_comments_reach_the_peer_once(harbor, sam, pat, jordan):
    note = log(pat, jordan)
    services.review_comment_add(member=member_of(sam), encounter=note, body="Lovely detail.")
    rows, total = selectors.comments_unseen(member=member_of(pat))
    assert total == 1 and rows[0].body == "Lovely detail."
    # The peer's reply is not news to them; opening the note marks the rest seen.
    services.review_comment_add(member=member_of(pat), encounter=note, body="Thank you!")
    assert selectors.comments_unseen(member=member_of(pat))[1] == 1
    services.review_comments_mark_seen(member=member_of(pat), encounter=note)
    assert selectors.comments_unseen(member=member_of(pat)) == ([], 0)


def test_only_supervisors_and_the_notes_peer_comment(harbor, sam, pat, quinn, jordan):
    note = log(pat, jordan)
    with pytest.raises(PermissionDenied):
        services.review_comment_add(member=member_of(quinn), encounter=note, body="Hm.")
    with pytest.raises(Exception) as exc:
        services.review_comment_add(member=member_of(sam), encounter=note, body="   ")
    assert "Write a comment first." in str(exc.value)


def test_one_notes_status_agrees_with_the_queue(harbor, sam, pat, quinn, jordan, casey):
    settings_(harbor, note_review_first_count=2, note_review_crisis=True)
    notes = [log(pat, jordan) for _ in range(3)] + [log(quinn, casey, crisis_flag=True)]
    notes.append(log(sam, jordan))  # a supervisor's own: never a "first note"
    queued = set(queue_ids(ada_like(harbor)))
    for note in notes:
        status = selectors.review_status(encounter=note)
        assert status.pending == (note.pk in queued), note.note
    assert [selectors.review_status(encounter=n).reasons for n in notes[2:4]] == [
        [],
        ["One of the peer's first notes", "Crisis or safety concern"],
    ]


def ada_like(org):
    return MembershipFactory(organization=org, role=Role.ORG_ADMIN).user
