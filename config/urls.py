from django.urls import include, path

from beacon.api.urls import api
from beacon.core import views as core_views
from beacon.myday import views as myday_views
from beacon.peerrequests import views as peerrequests_views

urlpatterns = [
    # The start page (My day for staff) keeps the name core:home that every page links to.
    path("", include(([path("", myday_views.home, name="home")], "core"))),
    path("healthz", core_views.healthz, name="healthz"),
    # The public pages: /self-check/ and an organization's page at /o/<slug>/ (issue 18).
    path("", include("beacon.public.urls")),
    path("accounts/", include("beacon.accounts.urls")),
    path("organization/", include("beacon.organizations.urls")),
    path("audit/", include("beacon.audit.urls")),
    path("my-day/", include("beacon.myday.urls")),
    path("my/peer/", include("beacon.matching.my_urls")),
    path("my/", include("beacon.portal.urls")),
    path("participants/", include("beacon.participants.urls")),
    # The peer's side of the participant's own Beacon (issue 17): invitations, on and off.
    path("participants/<uuid:participant_id>/portal/", include("beacon.portal.invite_urls")),
    path("participants/", include("beacon.messaging.urls")),  # /participants/<id>/messages/
    path("consents/", include("beacon.consents.urls")),
    path("encounters/", include("beacon.encounters.urls")),
    path("notifications/", include("beacon.notifications.urls")),
    path("crisis/", include("beacon.crisis.urls")),
    path("plans/", include("beacon.plans.urls")),
    path("assessments/", include("beacon.assessments.urls")),
    path("check-ins/", include("beacon.checkins.urls")),
    path("referrals/", include("beacon.referrals.urls")),
    # Mutual-aid meetings: public search under Find Help, the admins' pages under /meetings/.
    path("", include("beacon.meetings.urls")),
    path("find-help/", include("beacon.findhelp.urls")),
    path("learn/", include("beacon.learn.urls")),
    path("glossary/", include("beacon.learn.glossary_urls")),
    # Talk to a peer: the public form, and the supervisors' side of its requests.
    path(
        "talk-to-a-peer/",
        include(([path("", peerrequests_views.talk, name="form")], "talk")),
    ),
    path("peer-requests/", include("beacon.peerrequests.urls")),
    path("directory/imports/", include("beacon.directory.imports.urls")),
    path("directory/", include("beacon.directory.urls")),
    path("workforce/", include("beacon.workforce.urls")),
    path("supervision/", include("beacon.supervision.urls")),
    path("groups/", include("beacon.groups.urls")),
    path("matching/", include("beacon.matching.urls")),
    # Funder programs and federal reporting (issue 20, docs/reports.md).
    path("reports/programs/", include("beacon.programs.urls")),
    # Medicaid claims (issue 20, docs/reports.md): billing runs under the reports.
    path("reports/billing/", include("beacon.billing.urls")),
    # Outcomes, community work and the statewide view (issue 20, docs/reports.md).
    path("reports/", include("beacon.reports.urls")),
    path("api/v1/", api.urls),
]

handler400 = "beacon.core.errors.bad_request"
handler403 = "beacon.core.errors.permission_denied"
handler404 = "beacon.core.errors.page_not_found"
handler500 = "beacon.core.errors.server_error"
