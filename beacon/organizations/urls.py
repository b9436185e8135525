from django.urls import path

from beacon.organizations import views

app_name = "organizations"
urlpatterns = [
    path("switch/", views.switch, name="switch"),
    path("settings/", views.organization_settings, name="settings"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/<uuid:membership_id>/", views.member_detail, name="member_detail"),
    path("members/<uuid:membership_id>/role/", views.member_role, name="member_role"),
    path(
        "members/<uuid:membership_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "members/<uuid:membership_id>/reactivate/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "members/<uuid:membership_id>/reset-mfa/", views.member_mfa_reset, name="member_mfa_reset"
    ),
    path(
        "invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("platform/", views.platform_organizations, name="platform"),
]
