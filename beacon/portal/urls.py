from django.urls import include, path

from beacon.portal import (
    views,
    views_access,
    views_checkins,
    views_consents,
    views_messages,
    views_plan,
    views_programs,
)
from beacon.portal.invite_urls import join_patterns

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    # Getting in (public): the code, the email link, the password (invite_views.py).
    path("join/", include(join_patterns)),
    # Check-ins, the recovery date, help now and the participant's BARC-10 (docs/portal.md).
    path("check-ins/", views_checkins.check_ins, name="check_ins"),
    path("check-ins/choices/", views_checkins.check_in_settings, name="check_in_settings"),
    path("reach-out/", views_checkins.reach_out, name="reach_out"),
    path("recovery-capital/", views_checkins.recovery_capital, name="recovery_capital"),
    path("recovery-capital/new/", views_checkins.recovery_capital_new, name="recovery_capital_new"),
    path("messages/", views_messages.messages, name="messages"),
    path("details/", views_messages.details, name="details"),
    # My plan and my consents (docs/portal.md).
    path("plan/", views_plan.plan, name="plan"),
    path("plan/steps/<uuid:step_id>/done/", views_plan.step_done, name="plan_step_done"),
    path("plan/goals/<uuid:goal_id>/progress/", views_plan.progress_note, name="plan_progress"),
    path("plan/suggest/", views_plan.suggest, name="plan_suggest"),
    path("plan/wellness/", views_plan.wellness, name="plan_wellness"),
    path("consents/", views_consents.consents, name="consents"),
    path("consents/<uuid:consent_id>/print/", views_consents.consent_print, name="consent_print"),
    path(
        "consents/<uuid:consent_id>/revoke/", views_consents.consent_revoke, name="consent_revoke"
    ),
    # access: who saw my record, resources, times together
    path("record-access/", views_access.record_access, name="record_access"),
    path("resources/", views_access.resources, name="resources"),
    path("visits/", views_access.visits, name="visits"),
    # The participant's own part of a funder assessment (issue 20, docs/reports.md).
    path("questions/", views_programs.questions, name="program_questions"),
    path(
        "questions/<uuid:program_assessment_id>/",
        views_programs.question,
        name="program_question",
    ),
]
