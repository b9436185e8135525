"""Addresses of getting in (docs/portal.md). The peer's pages hang off the participant's
(/participants/<id>/portal/, namespace portal_peer, mounted in config/urls.py); the
participant's join pages are under /my/join/ (portal/urls.py includes `join_patterns`)."""

from django.urls import path

from beacon.portal import invite_views as views

app_name = "portal_peer"

urlpatterns = [
    path("", views.invitations, name="invitations"),
    path("email/", views.invite_email, name="invite_email"),
    path("code/", views.invite_code, name="invite_code"),
    path("resend/", views.resend, name="resend"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("off/", views.turn_off, name="turn_off"),
    path("on/", views.turn_on, name="turn_on"),
]

# In the portal namespace, under /my/join/.
join_patterns = [
    path("", views.join, name="join"),
    path("account/", views.join_account, name="join_account"),
    path("<str:token>/", views.join_link, name="join_link"),
]
