from django.urls import path

from beacon.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("participants/<uuid:participant_id>/", views.participant, name="participant"),
    path("participants/<uuid:participant_id>/assign/", views.assign, name="assign"),
    path("participants/<uuid:participant_id>/preferences/", views.preferences, name="preferences"),
    path(
        "participants/<uuid:participant_id>/different-peer/",
        views.different_peer,
        name="different_peer",
    ),
    path("proposals/", views.proposal_new, name="proposal_new"),
    path("proposals/<uuid:proposal_id>/", views.proposal, name="proposal"),
    path("profile/", views.my_profile, name="my_profile"),
    path("peers/", views.team, name="team"),
    path("peers/<uuid:peer_id>/", views.peer_profile, name="peer_profile"),
    path("weights/", views.weights, name="weights"),
    path("what-matters/", views.learning, name="learning"),
]
