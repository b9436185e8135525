from django.urls import path

from beacon.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.runs, name="runs"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run"),
    path("runs/<uuid:run_id>/claims.837", views.run_claims, name="run_claims"),
    path("runs/<uuid:run_id>/claims.csv", views.run_csv, name="run_csv"),
    path("rules/", views.rulesets, name="rulesets"),
    path("rules/new/", views.ruleset_new, name="ruleset_new"),
    path("rules/<uuid:ruleset_id>/edit/", views.ruleset_edit, name="ruleset_edit"),
    path("settings/", views.billing_settings, name="settings"),
    path("participants/<uuid:participant_id>/", views.participant, name="participant"),
]
