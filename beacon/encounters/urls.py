from django.urls import path

from beacon.encounters import views

app_name = "encounters"
urlpatterns = [
    path("new/", views.encounter_new, name="new"),
    path("language-hints/", views.language_hints_partial, name="language_hints"),
    path("<uuid:encounter_id>/", views.encounter_detail, name="detail"),
    path("<uuid:encounter_id>/edit/", views.encounter_edit, name="edit"),
]
