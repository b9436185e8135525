from django.urls import path

from beacon.messaging import views

app_name = "messaging"
# Mounted under /participants/ (config/urls.py): the conversation is on the participant's page.
urlpatterns = [
    path("<uuid:participant_id>/messages/", views.participant_messages, name="thread"),
]
