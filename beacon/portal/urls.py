from django.urls import path

from beacon.portal import views, views_access

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    # access: who saw my record, resources, times together
    path("record-access/", views_access.record_access, name="record_access"),
    path("resources/", views_access.resources, name="resources"),
    path("visits/", views_access.visits, name="visits"),
]
