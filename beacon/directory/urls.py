from django.urls import path

from beacon.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("reverify/", views.queue, name="queue"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("services/<uuid:service_id>/", views.edit, name="edit"),
    path("services/<uuid:service_id>/verify/", views.verify, name="verify"),
    path("services/<uuid:service_id>/merge/", views.merge, name="merge"),
    path(
        "services/<uuid:service_id>/reports/<uuid:report_id>/resolve/",
        views.report_resolve,
        name="report_resolve",
    ),
]
