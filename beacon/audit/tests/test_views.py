"""The audit trail page: organization admins browse and filter their own organization's trail."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.audit.services import record_event

URL = reverse("audit:list")


def shown_ids(response):
    return [e.id for e in response.context["page"].events]


def signed_in(client_for, user):
    """A client for `user`, and the id of the sign-in it recorded (force_login is a real
    sign-in, so it is in the trail too)."""
    client = client_for(user)
    return client, AuditEvent.objects.get(action="auth.login", actor=user).id


def record(org, actor, action="user.profile_changed", **kwargs):
    return record_event(action=action, actor=actor, organization=org, **kwargs)


def test_admin_sees_her_organizations_trail(client_for, harbor, ada, sam, pat):
    client, login_id = signed_in(client_for, ada)
    mine = [
        record(harbor, sam, "auth.login", ip_address="192.0.2.10"),
        record(harbor, pat, "membership.role_changed", details={"role": {"old": "a", "new": "b"}}),
    ]
    response = client.get(URL)

    assert response.status_code == 200
    assert shown_ids(response) == [mine[1].id, mine[0].id, login_id]
    html = response.content.decode()
    assert "sam@harbor.test" in html
    assert "pat@harbor.test" in html
    assert "Signed in" in html
    assert "Role changed" in html
    assert "192.0.2.10" in html
    assert "no-store" in response["Cache-Control"]


def test_filter_by_actor_email(client_for, harbor, ada, sam, pat):
    sams = [record(harbor, sam), record(harbor, sam, "auth.logout")]
    record(harbor, pat)
    client = client_for(ada)

    response = client.get(URL, {"actor": "sam@harbor.test"})
    assert shown_ids(response) == [sams[1].id, sams[0].id]

    # Part of an email is enough, whatever its case.
    response = client.get(URL, {"actor": "  SAM@"})
    assert shown_ids(response) == [sams[1].id, sams[0].id]


def test_filter_by_action(client_for, harbor, ada, sam, pat):
    failed = record(harbor, pat, "auth.login_failed")
    record(harbor, pat, "auth.login")
    record(harbor, sam, "auth.logout")
    response = client_for(ada).get(URL, {"action": "auth.login_failed"})
    assert shown_ids(response) == [failed.id]


def test_unknown_action_filter_is_an_error(client_for, harbor, ada, pat):
    record(harbor, pat, "auth.login")
    response = client_for(ada).get(URL, {"action": "auth.nope"})
    assert response.status_code == 200
    assert response.context["form"].errors["action"]


def _on(day, action, org, actor):
    with time_machine.travel(datetime(2026, 3, day, 12, 0, tzinfo=UTC), tick=False):
        return record(org, actor, action)


def test_filter_by_date_range(client_for, harbor, ada, pat):
    first = _on(1, "auth.login", harbor, pat)
    second = _on(2, "auth.logout", harbor, pat)
    third = _on(3, "auth.login", harbor, pat)
    fourth = _on(4, "auth.logout", harbor, pat)
    client = client_for(ada)

    # `until` is inclusive: the whole of that day counts.
    response = client.get(URL, {"since": "2026-03-02", "until": "2026-03-03"})
    assert shown_ids(response) == [third.id, second.id]

    response = client.get(URL, {"since": "2026-03-03"})
    assert fourth.id in shown_ids(response)
    assert third.id in shown_ids(response)
    assert second.id not in shown_ids(response)

    response = client.get(URL, {"until": "2026-03-01"})
    assert shown_ids(response) == [first.id]

    response = client.get(
        URL, {"since": "2026-03-02", "until": "2026-03-03", "action": "auth.login"}
    )
    assert shown_ids(response) == [third.id]


def test_until_before_since_is_explained(client_for, harbor, ada, pat):
    record(harbor, pat)
    response = client_for(ada).get(URL, {"since": "2026-03-05", "until": "2026-03-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert response.context["form"].errors["until"]


def test_older_entries_page_by_position(client_for, harbor, ada, pat):
    client, login_id = signed_in(client_for, ada)
    events = [record(harbor, pat, details={"n": n}) for n in range(55)]

    response = client.get(URL)
    newest_first = [e.id for e in reversed(events)]
    assert shown_ids(response) == newest_first[:50]
    page = response.context["page"]
    assert page.next_before == newest_first[49]
    html = response.content.decode()
    assert f"before={page.next_before}" in html
    assert "Older entries" in html

    response = client.get(URL, {"before": page.next_before})
    assert shown_ids(response) == [*newest_first[50:], login_id]
    assert response.context["page"].next_before is None
    assert "Older entries" not in response.content.decode()


def test_paging_keeps_the_filters(client_for, harbor, ada, sam, pat):
    sams = [record(harbor, sam, "auth.login") for _ in range(52)]
    for _ in range(5):
        record(harbor, pat, "auth.login")
    client = client_for(ada)

    response = client.get(URL, {"actor": "sam@harbor.test"})
    html = response.content.decode()
    before = response.context["page"].next_before
    assert "actor=sam%40harbor.test&amp;before=" in html

    response = client.get(URL, {"actor": "sam@harbor.test", "before": before})
    assert shown_ids(response) == [sams[1].id, sams[0].id]


def test_bad_before_is_ignored(client_for, harbor, ada, pat):
    client, login_id = signed_in(client_for, ada)
    event = record(harbor, pat)
    response = client.get(URL, {"before": "not-a-number"})
    assert response.status_code == 200
    assert shown_ids(response) == [event.id, login_id]


@pytest.mark.parametrize("person", ["pat", "sam", "riley"])
def test_other_roles_are_refused_and_the_refusal_recorded(request, client_for, harbor, person):
    user = request.getfixturevalue(person)
    record(harbor, user, "auth.login")
    response = client_for(user).get(URL)

    assert response.status_code == 403
    refusal = AuditEvent.objects.order_by("-id").first()
    assert refusal.action == "access.refused"
    assert refusal.actor_id == user.pk
    assert refusal.organization_id == harbor.pk
    assert refusal.details["answered"] == 403
    assert refusal.details["path"] == URL
    assert "page" not in (response.context or {})


def test_signed_out_visitor_is_sent_to_sign_in(client, harbor, pat):
    record(harbor, pat)
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_other_organizations_admin_sees_none_of_harbors_trail(
    client_for, harbor, lakeside, ada, pat, olive
):
    client, login_id = signed_in(client_for, olive)
    harbor_events = [record(harbor, pat, "auth.login"), record(harbor, ada, "auth.logout")]
    lakeside_event = record(lakeside, olive, "organization.settings_changed")

    response = client.get(URL)
    assert response.status_code == 200
    assert shown_ids(response) == [lakeside_event.id, login_id]
    html = response.content.decode()
    assert "pat@harbor.test" not in html
    assert "ada@harbor.test" not in html

    # Not even by naming Harbor's people, or by paging past her own entries.
    response = client.get(URL, {"actor": "harbor"})
    assert shown_ids(response) == []
    response = client.get(URL, {"before": harbor_events[-1].id + 10})
    assert shown_ids(response) == [lakeside_event.id, login_id]


def test_events_without_organization_are_not_shown(client_for, harbor, ada):
    # e.g. a failed sign-in for an unknown email
    client, login_id = signed_in(client_for, ada)
    record_event(action="auth.login_failed", details={"email": "nobody@example.test"})
    response = client.get(URL)
    assert shown_ids(response) == [login_id]
    assert "nobody@example.test" not in response.content.decode()


def test_query_count_does_not_grow_with_the_trail(client_for, harbor, ada, sam, pat):
    client = client_for(ada)
    client.get(URL)  # the first request of a session records when it started

    def count_for(total):
        while AuditEvent.objects.filter(organization=harbor).count() < total:
            n = AuditEvent.objects.count()
            record(harbor, (sam, pat)[n % 2], "auth.login", target=harbor, details={"n": n})
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(shown_ids(response))

    few_queries, few_rows = count_for(10)
    many_queries, many_rows = count_for(60)
    assert (few_rows, many_rows) == (10, 50)
    assert many_queries == few_queries
    assert many_queries <= 12


def test_details_read_as_old_and_new_values(client_for, harbor, ada, pat):
    client, _login_id = signed_in(client_for, ada)
    record(
        harbor,
        ada,
        "membership.role_changed",
        details={"user": "pat@harbor.test", "role": {"old": "peer", "new": "supervisor"}},
    )
    html = client.get(URL).content.decode()
    assert "role: peer → supervisor" in html
    assert "user: pat@harbor.test" in html


def test_htmx_filtering_returns_only_the_entries(client_for, harbor, ada, sam):
    client, _login_id = signed_in(client_for, ada)
    record(harbor, sam, "auth.login_failed")
    response = client.get(URL, {"action": "auth.login_failed"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="audit-events">')
    assert "<html" not in html
    assert "Failed sign-in" in html
    assert "1 entry shown." in html
