from django.urls import path

from beacon.consents import list_views, views

app_name = "consents"
urlpatterns = [
    path("", list_views.consent_list, name="list"),
    path("participant/<uuid:participant_id>/new/", views.consent_new, name="new"),
    path("<uuid:consent_id>/", views.consent_detail, name="detail"),
    path("<uuid:consent_id>/print/", views.consent_print, name="print"),
    path("<uuid:consent_id>/revoke/", views.consent_revoke, name="revoke"),
    path(
        "<uuid:consent_id>/recipients/<uuid:recipient_id>/revoke/",
        views.consent_recipient_revoke,
        name="recipient_revoke",
    ),
]
