from django.urls import path

from beacon.participants import views

app_name = "participants"
urlpatterns = [
    path("", views.participant_list, name="list"),
    path("new/", views.participant_new, name="new"),
    path("populations/", views.populations, name="populations"),
    path("<uuid:participant_id>/", views.participant_detail, name="detail"),
    path("<uuid:participant_id>/timeline/", views.participant_timeline, name="timeline"),
    path("<uuid:participant_id>/edit/", views.participant_edit, name="edit"),
    path("<uuid:participant_id>/discharge/", views.participant_discharge, name="discharge"),
    path("<uuid:participant_id>/caseload/", views.participant_caseload, name="caseload"),
    path(
        "<uuid:participant_id>/caseload/<uuid:assignment_id>/end/",
        views.participant_caseload_end,
        name="caseload_end",
    ),
    path("<uuid:participant_id>/merge/", views.participant_merge, name="merge"),
    path("<uuid:participant_id>/access/", views.participant_access_log, name="access_log"),
]
