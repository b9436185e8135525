from django.urls import path

from beacon.assessments import views

app_name = "assessments"
urlpatterns = [
    path(
        "participant/<uuid:participant_id>/",
        views.participant_assessments,
        name="participant",
    ),
    path("participant/<uuid:participant_id>/barc10/", views.barc10_new, name="barc10_new"),
    path("participant/<uuid:participant_id>/stage/", views.stage_new, name="stage_new"),
    path(
        "participant/<uuid:participant_id>/questionnaire/<uuid:questionnaire_id>/",
        views.questionnaire_fill,
        name="questionnaire_fill",
    ),
    path("<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/new/", views.questionnaire_new, name="questionnaire_new"),
    path(
        "questionnaires/<uuid:questionnaire_id>/",
        views.questionnaire_detail,
        name="questionnaire_detail",
    ),
    path(
        "questionnaires/<uuid:questionnaire_id>/edit/",
        views.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path(
        "questionnaires/<uuid:questionnaire_id>/publish/",
        views.questionnaire_publish,
        name="questionnaire_publish",
    ),
    path(
        "questionnaires/<uuid:questionnaire_id>/retire/",
        views.questionnaire_retire,
        name="questionnaire_retire",
    ),
]
