from django.urls import path

from beacon.findhelp import views

app_name = "findhelp"
urlpatterns = [
    path("", views.search, name="search"),
    path("services/<uuid:service_id>/", views.service_page, name="service"),
    path("services/<uuid:service_id>/report/", views.report_problem, name="report"),
    path("submit/", views.submit_organization, name="submit"),
    path("moderation/", views.moderation, name="moderation"),
    path("words/", views.synonyms, name="synonyms"),
    path("words/<uuid:synonym_id>/", views.synonym_edit, name="synonym_edit"),
    path("words/<uuid:synonym_id>/remove/", views.synonym_remove, name="synonym_remove"),
    path(
        "moderation/reports/<uuid:report_id>/resolve/", views.report_resolve, name="report_resolve"
    ),
    path(
        "moderation/submissions/<uuid:submission_id>/accept/",
        views.submission_review,
        {"decision": "accept"},
        name="submission_accept",
    ),
    path(
        "moderation/submissions/<uuid:submission_id>/reject/",
        views.submission_review,
        {"decision": "reject"},
        name="submission_reject",
    ),
]
