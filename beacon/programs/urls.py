"""Funder programs under /reports/programs/ (mounted by config/urls.py; docs/reports.md)."""

from django.urls import path

from beacon.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("<uuid:program_id>/", views.program_detail, name="detail"),
    path("<uuid:program_id>/edit/", views.program_edit, name="edit"),
    path("<uuid:program_id>/enroll/", views.program_enroll, name="enroll"),
    path("<uuid:program_id>/spars/", views.program_spars, name="spars"),
    path("episodes/<uuid:episode_id>/", views.episode_detail, name="episode"),
    path("episodes/<uuid:episode_id>/end/", views.episode_end, name="episode_end"),
    path("assessments/<uuid:program_assessment_id>/", views.assessment_detail, name="assessment"),
    path(
        "assessments/<uuid:program_assessment_id>/attempts/",
        views.assessment_attempt,
        name="attempt",
    ),
    path(
        "assessments/<uuid:program_assessment_id>/administrative/",
        views.assessment_administrative,
        name="administrative",
    ),
]
