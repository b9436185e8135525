from django.urls import path

from beacon.portal import views, views_messages

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("messages/", views_messages.messages, name="messages"),
    path("details/", views_messages.details, name="details"),
]
