"""The outcomes page, its XLSX downloads, the API, and community work from a phone."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from beacon.audit.models import AuditEvent
from beacon.reports.models import CommunityActivity

from .conftest import PERIOD

Q = {"start": "2026-01-01", "end": "2026-06-30"}


def test_a_supervisor_sees_the_outcomes_with_charts_and_tables(client_for, sam, crafted):
    response = client_for(sam).get("/reports/outcomes/", Q)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert '<title id="chart-encounters_by_kind-title">' in html
    assert "One-on-one support: 2" in html  # the chart's description carries the numbers
    assert 'id="table-encounters_by_kind"' in html
    assert "/reports/outcomes/referrals.xlsx?" in html
    assert "Avery" not in html  # aggregates only


def test_the_filters_reach_the_figures(client_for, sam, pat, crafted):
    response = client_for(sam).get("/reports/outcomes/", {**Q, "peer": str(pat.pk)})
    assert response.status_code == 200
    assert response.context["report"].served == 3
    assert "peer: Pat Peer" in response.content.decode()


def test_a_month_replaces_the_dates(client_for, sam, crafted):
    response = client_for(sam).get("/reports/outcomes/", {"month": "2026-02"})
    assert response.context["report"].filters.period.start.isoformat() == "2026-02-01"
    assert response.context["report"].filters.period.end.isoformat() == "2026-02-28"
    assert response.context["report"].served == 2


def test_wrong_filters_are_named_and_kept(client_for, sam, crafted):
    response = client_for(sam).get(
        "/reports/outcomes/", {"start": "2026-06-30", "end": "2026-01-01", "month": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“To” is before “From”" in html
    assert 'value="2026-06-30"' in html
    response = client_for(sam).get("/reports/outcomes/", {"month": "May"})
    assert "like 2026-05" in response.content.decode()


def test_each_table_downloads_as_xlsx(client_for, sam, crafted):
    response = client_for(sam).get("/reports/outcomes/referrals.xlsx", Q)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[4] == ["Referrals", "Number", "Share of those made"]
    assert values[5] == ["Made", 3, "100%"]
    assert values[8] == ["Connected", 1, "33%"]
    event = AuditEvent.objects.get(action="report.exported")
    assert event.object_id == "outcomes:referrals"
    assert client_for(sam).get("/reports/outcomes/nothing.xlsx", Q).status_code == 404


def test_peers_and_participants_do_not_see_the_outcomes(client_for, pat, riley, olive, crafted):
    assert client_for(pat).get("/reports/outcomes/").status_code == 403
    assert client_for(pat).get("/reports/outcomes/summary.xlsx").status_code == 403
    assert client_for(riley).get("/reports/").status_code == 403
    # Another organization's admin sees their own organization's figures only.
    response = client_for(olive).get("/reports/outcomes/", Q)
    assert response.context["report"].served == 0


def test_the_api_answers_the_same_figures(api, sam, pat, crafted):
    response = api(sam).get("/api/v1/reports/outcomes", Q)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["people_served"], body["new_participants"], body["active_participants"]) == (
        4,
        2,
        3,
    )
    tables = {t["key"]: t for t in body["tables"]}
    assert tables["referrals"]["rows"][3] == ["Connected", 1, "33%"]
    assert tables["barc10"]["rows"][0][1] == 2
    response = api(sam).get("/api/v1/reports/outcomes", {**Q, "peer": str(pat.pk)})
    assert response.json()["people_served"] == 3
    assert api(pat).get("/api/v1/reports/outcomes").status_code == 403


def test_the_api_refuses_a_bad_period_with_its_reason(api, sam):
    response = api(sam).get(
        "/api/v1/reports/outcomes", {"start": "2026-06-30", "end": "2026-01-01"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "end"
    response = api(sam).get("/api/v1/reports/outcomes", {"month": "2026-13"})
    assert response.status_code == 422


def test_a_peer_logs_community_work_in_a_few_taps(client_for, pat, harbor):
    client = client_for(pat)
    page = client.get("/reports/community/")
    assert page.status_code == 200
    response = client.post(
        "/reports/community/", {"kind": "outreach_event", "minutes": "60", "on": "2026-03-01"}
    )
    assert response.status_code == 302
    activity = CommunityActivity.objects.get()
    assert (activity.peer, activity.organization, activity.minutes) == (pat, harbor, 60)
    assert AuditEvent.objects.filter(action="community_work.logged").count() == 1
    assert "Outreach event" in client.get("/reports/community/").content.decode()


def test_bad_community_work_is_refused_keeping_what_was_typed(client_for, pat):
    response = client_for(pat).post(
        "/reports/community/",
        {"kind": "naloxone", "minutes": "30", "on": "2026-03-01", "where": "Main St"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "how many naloxone kits" in html
    assert 'value="Main St"' in html
    assert not CommunityActivity.objects.exists()


def test_a_peer_sees_and_removes_only_their_own(client_for, pat, quinn, sam, harbor):
    from beacon.reports.services import community_activity_log
    from conftest import member_of

    mine = community_activity_log(
        member=member_of(pat), values={"kind": "advocacy", "minutes": 30, "on": PERIOD.start}
    )
    theirs = community_activity_log(
        member=member_of(quinn), values={"kind": "presentation", "minutes": 45, "on": PERIOD.start}
    )
    client = client_for(pat)
    assert client.post(f"/reports/community/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/reports/community/{mine.pk}/remove/").status_code == 302
    assert list(CommunityActivity.objects.all()) == [theirs]
    # A supervisor removes an entry of their team.
    assert client_for(sam).post(f"/reports/community/{theirs.pk}/remove/").status_code == 302
    assert not CommunityActivity.objects.exists()
