from django.urls import path

from beacon.directory.imports import views as views

app_name = "directory_imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_new, name="new"),
    path("<uuid:import_id>/", views.import_detail, name="detail"),
    path("<uuid:import_id>/progress/", views.import_progress, name="progress"),
    path("<uuid:import_id>/retry/", views.import_retry, name="retry"),
]
