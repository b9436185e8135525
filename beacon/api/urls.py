"""The /api/v1/ router: one NinjaAPI, each app's api.py adds its router here."""

from ninja import NinjaAPI

from beacon.api import errors
from beacon.api.auth import bearer_token, session_cookie

api = NinjaAPI(
    title="Beacon API",
    version="1",
    description=(
        "Beacon's JSON API. Authenticate with `Authorization: Bearer <token>` "
        "(POST /api/v1/auth/token) or, from the browser, the signed-in session. "
        'Errors always have the shape {"error": {"code", "message", "details"}}, with at most '
        '20 details and, beyond them, "more": how many there were.'
    ),
    auth=[bearer_token, session_cookie],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)


def _register_routers() -> None:
    from beacon.accounts.api import router as accounts_router
    from beacon.assessments.api import questionnaires_router
    from beacon.assessments.api import router as assessments_router
    from beacon.audit.api import router as audit_router
    from beacon.billing.api import router as billing_router
    from beacon.consents.api import router as consents_router
    from beacon.consents.list_api import router as consent_list_router
    from beacon.crisis.api import router as crisis_router
    from beacon.directory.api import attach_to_public_router
    from beacon.directory.api import router as curation_router
    from beacon.directory.imports.api import router as directory_imports_router
    from beacon.encounters.api import router as encounters_router
    from beacon.findhelp.api import router as directory_router
    from beacon.groups.api import groups_router, sessions_router
    from beacon.learn.api import articles_router, glossary_router
    from beacon.matching.api import participants_router as preferences_router
    from beacon.matching.api import peers_router as peer_profiles_router
    from beacon.matching.api import router as matching_router
    from beacon.meetings.api import router as meetings_router
    from beacon.messaging.api import router as messaging_router
    from beacon.notifications.api import router as notifications_router
    from beacon.participants.api import router as participants_router
    from beacon.peerrequests.api import router as peer_requests_router
    from beacon.plans.api import router as plans_router
    from beacon.portal.api import router as portal_router
    from beacon.programs.api import router as programs_router
    from beacon.referrals.api import disclosures_router, referrals_router
    from beacon.reports.api import router as reports_router
    from beacon.supervision.api import reviews_router
    from beacon.supervision.api import sessions_router as supervision_sessions_router
    from beacon.workforce.api import progress_router, trainings_router

    api.add_router("", accounts_router)
    api.add_router("/audit-events", audit_router)
    api.add_router("/participants", participants_router)
    # Consents live under a participant: /participants/{id}/consents.
    api.add_router("/participants", consents_router)
    api.add_router("/consents", consent_list_router)
    api.add_router("/encounters", encounters_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/crisis-flags", crisis_router)
    api.add_router("/plans", plans_router)
    api.add_router("/assessments", assessments_router)
    api.add_router("/questionnaires", questionnaires_router)
    api.add_router("/referrals", referrals_router)
    api.add_router("/participants", disclosures_router)  # /participants/{id}/disclosures
    api.add_router("/directory", directory_router)
    api.add_router("/directory/imports", directory_imports_router)
    api.add_router("/meetings", meetings_router)  # public: the meeting search
    # Curators' operations; PATCH /directory/services/{id} joins the public router's path.
    attach_to_public_router(directory_router)
    api.add_router("/directory", curation_router)
    api.add_router("/workforce/trainings", trainings_router)
    api.add_router("/workforce/credential-progress", progress_router)
    api.add_router("/supervision-sessions", supervision_sessions_router)
    api.add_router("/reviews", reviews_router)
    api.add_router("/groups", groups_router)
    api.add_router("/sessions", sessions_router)  # /sessions/{id}/attendance
    api.add_router("/participants", messaging_router)  # /participants/{id}/messages
    api.add_router("/peer-requests", peer_requests_router)  # Talk to a peer (staff)
    api.add_router("/billing", billing_router)  # Medicaid claims (issue 20, docs/reports.md)
    api.add_router("/me", portal_router)  # the participant's own Beacon (docs/portal.md)
    # Matching peers and participants (docs/matching.md).
    api.add_router("/matching", matching_router)
    api.add_router("/peers", peer_profiles_router)  # /peers/{id}/profile
    api.add_router("/participants", preferences_router)  # /participants/{id}/preferences
    api.add_router("/programs", programs_router)  # funder programs (issue 20)
    api.add_router("/reports", reports_router)  # outcomes (issue 20, docs/reports.md)
    # Learn and the glossary (issue 18, docs/public-site.md): public reads.
    api.add_router("/learn", articles_router)
    api.add_router("/glossary", glossary_router)


_register_routers()
