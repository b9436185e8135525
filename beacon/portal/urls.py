from django.urls import include, path

from beacon.portal import views
from beacon.portal.invite_urls import join_patterns

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    # Getting in (public): the code, the email link, the password (invite_views.py).
    path("join/", include(join_patterns)),
]
