from django.urls import path

from beacon.portal import views, views_consents, views_plan

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
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
]
