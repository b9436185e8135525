from django.urls import path

from beacon.peerrequests import views

app_name = "peerrequests"
urlpatterns = [
    path("<uuid:peer_request_id>/", views.detail, name="detail"),
    path("<uuid:peer_request_id>/contacted/", views.contacted, name="contacted"),
    path("<uuid:peer_request_id>/close/", views.close, name="close"),
    path("<uuid:peer_request_id>/intake/", views.intake, name="intake"),
]
