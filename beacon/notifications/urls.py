from django.urls import path

from beacon.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge/", views.notification_badge, name="badge"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<uuid:notification_id>/read/", views.notification_read, name="read"),
]
