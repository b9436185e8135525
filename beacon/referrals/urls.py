from django.urls import path

from beacon.referrals import views

app_name = "referrals"
urlpatterns = [
    path("inbox/", views.referral_inbox, name="inbox"),
    path("participant/<uuid:participant_id>/new/", views.referral_new, name="new"),
    path("participant/<uuid:participant_id>/consent/", views.referral_consent, name="consent"),
    path(
        "participant/<uuid:participant_id>/disclosures/",
        views.participant_disclosures,
        name="disclosures",
    ),
    # Directory services shared with the participant (their own Beacon's Resources).
    path(
        "participant/<uuid:participant_id>/resources/",
        views.participant_resources,
        name="resources",
    ),
    path(
        "participant/<uuid:participant_id>/resources/<uuid:shared_id>/remove/",
        views.participant_resource_remove,
        name="resource_remove",
    ),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/status/", views.referral_status, name="status"),
    path("<uuid:referral_id>/print/", views.referral_print, name="print"),
    path("<uuid:referral_id>/email/", views.referral_email, name="email"),
]
