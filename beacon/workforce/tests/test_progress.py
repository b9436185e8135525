"""Credential rules as data and the progress computed from them."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.encounters.tests.factories import log
from beacon.workforce import selectors, services
from beacon.workforce.models import CredentialDefinition
from beacon.workforce.tests.factories import credential, standard, training

pytestmark = pytest.mark.django_db


def _by_key(progress):
    return {r.key: r for r in progress.requirements}


def test_the_four_standard_definitions_hold_domains_figures(db):
    icrc = standard()
    assert (icrc.education_hours, icrc.experience_hours, icrc.supervision_hours) == (46, 500, 25)
    assert icrc.education_by_domain == {
        "advocacy": 10,
        "mentoring": 10,
        "recovery_wellness": 10,
        "ethics": 16,
    }
    assert (icrc.renewal_months, icrc.ce_hours, icrc.ce_by_domain) == (24, 20, {"ethics": 6})
    assert icrc.exam_required
    pa = standard("Pennsylvania Certified Recovery Specialist (CRS)")
    assert (pa.education_hours, pa.ce_hours, pa.ce_by_domain) == (
        78,
        30,
        {"ethics": 6, "confidentiality": 3},
    )
    tx = standard("Texas Recovery Support Peer Specialist (RSPS)")
    assert (tx.experience_hours, tx.experience_window_months, tx.renewal_months) == (250, 6, 24)
    de = standard("Delaware Certified Peer Recovery Specialist (CPRS)")
    assert de.education_by_domain["harm_reduction"] == 10
    assert de.education_hours == 56 == sum(de.education_by_domain.values())
    assert CredentialDefinition.objects.filter(organization=None).count() == 4


def test_progress_counts_hours_against_each_requirement(pat_member, pat, jordan):
    credential(pat_member)
    training(pat_member, on=date.today() - timedelta(days=10), hours={"ethics": 16, "advocacy": 4})
    log(pat, jordan, duration_minutes=90)
    [progress] = selectors.progress_for(member=pat_member, person=pat_member).credentials
    req = _by_key(progress)
    assert (req["education"].done_minutes, req["education"].required_minutes) == (1200, 46 * 60)
    assert req["education:ethics"].met
    assert not req["education:advocacy"].met
    assert req["education:advocacy"].remaining_minutes == 6 * 60
    assert req["experience"].done_minutes == 90
    assert req["supervision"].done_minutes == 0
    assert not progress.requirements_met
    assert "6 more hours: Advocacy." in progress.missing
    assert "498.5 more hours: Experience." in progress.missing
    assert "Pass the exam." in progress.missing


def test_an_edited_requirement_changes_progress(ada_member, pat_member, pat, jordan):
    """Rules are data: an organization's copy with other figures gives other progress."""
    ours = services.definition_create(
        member=ada_member, values={"name": "Our peer credential"}, based_on=standard()
    )
    credential(pat_member, definition=ours)
    log(pat, jordan, duration_minutes=120)

    def experience():
        [p] = selectors.progress_for(member=pat_member, person=pat_member).credentials
        return _by_key(p)["experience"]

    assert not experience().met and experience().required_minutes == 500 * 60
    services.definition_update(
        member=ada_member, definition=ours, expected_version=1, values={"experience_hours": 2}
    )
    assert experience().met and experience().required_minutes == 120


def test_domain_hours_may_not_add_up_to_more_than_the_total(ada_member):
    with pytest.raises(ValidationError) as exc:
        services.definition_create(
            member=ada_member,
            values={
                "name": "Too many",
                "education_hours": 10,
                "education_by_domain": {"ethics": 12},
            },
        )
    assert "add up to 12, more than the 10 education hours" in str(exc.value.message_dict)
    # Less than the total is fine: the rest may be in any domain.
    services.definition_create(
        member=ada_member,
        values={"name": "Fine", "education_hours": 20, "education_by_domain": {"ethics": 6}},
    )


def test_standard_definitions_are_read_only_and_only_admins_define(ada_member, sam_member):
    with pytest.raises(PermissionDenied):
        services.definition_update(
            member=ada_member, definition=standard(), expected_version=1, values={"ce_hours": 1}
        )
    with pytest.raises(PermissionDenied):
        services.definition_create(member=sam_member, values={"name": "Mine"})


def test_hours_count_from_the_start_date_and_within_the_window(pat_member, pat, jordan):
    texas = standard("Texas Recovery Support Peer Specialist (RSPS)")
    start = timezone.localdate() - timedelta(days=300)
    credential(pat_member, definition=texas, started_on=start)
    now = timezone.now()
    log(pat, jordan, duration_minutes=60, occurred_at=now - timedelta(days=310))  # before
    log(pat, jordan, duration_minutes=45, occurred_at=now - timedelta(days=250))  # inside
    log(pat, jordan, duration_minutes=30, occurred_at=now - timedelta(days=20))  # after 6 months
    [p] = selectors.progress_for(member=pat_member, person=pat_member).credentials
    assert _by_key(p)["experience"].done_minutes == 45
    assert p.experience_until == services.add_months(start, 6)


def test_certified_renewal_counts_continuing_education_since_certification(pat_member):
    today = timezone.localdate()
    certified_on = today - timedelta(days=400)
    cred = credential(pat_member, status="certified", certified_on=certified_on)
    assert cred.expires_on == services.add_months(certified_on, 24)
    training(pat_member, on=certified_on - timedelta(days=5), hours={"ethics": 10})  # before
    training(pat_member, on=today - timedelta(days=30), hours={"ethics": 4, "advocacy": 10})
    [p] = selectors.progress_for(member=pat_member, person=pat_member).credentials
    renewal = {r.key: r for r in p.renewal}
    assert renewal["ce"].done_minutes == 14 * 60 and not renewal["ce"].met
    assert renewal["ce:ethics"].remaining_minutes == 2 * 60
    assert p.days_left == (cred.expires_on - today).days
    assert p.missing == [
        "6 more hours of continuing education, all domains before renewal.",
        "2 more hours of ethical responsibility before renewal.",
    ]


def test_a_certified_credential_needs_its_date_and_a_later_expiry(pat_member):
    with pytest.raises(ValidationError) as exc:
        credential(pat_member, status="certified")
    assert "certified_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        credential(
            pat_member,
            status="certified",
            certified_on=date(2025, 5, 1),
            expires_on=date(2025, 4, 1),
        )
    assert "expires_on" in exc.value.message_dict


def test_a_peer_cannot_add_a_credential_for_another_peer(pat_member, quinn_member, sam_member):
    with pytest.raises(PermissionDenied):
        credential(pat_member, person=quinn_member)
    assert credential(sam_member, person=quinn_member).user_id == quinn_member.user_id


def test_add_months_keeps_the_day_or_the_months_last():
    assert services.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert services.add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)
    assert services.add_months(date(2025, 11, 15), -24) == date(2023, 11, 15)
