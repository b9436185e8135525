from django.urls import path

from beacon.public import views

# The home page for the public is served at / by beacon.myday.views.home (core:home).
app_name = "public"
urlpatterns = [
    path("self-check/", views.self_check, name="self_check"),
    path("o/<slug:slug>/", views.organization, name="organization"),
]
