"""The participant's own page about their peer, in their Beacon at /my/peer/ (docs/portal.md)."""

from django.urls import path

from beacon.matching import views

app_name = "matching_my"
urlpatterns = [
    path("", views.my_peer, name="peer"),
    path("different/", views.my_different_peer, name="different"),
]
