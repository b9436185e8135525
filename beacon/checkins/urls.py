from django.urls import path

from beacon.checkins import views

app_name = "checkins"
urlpatterns = [
    path("participant/<uuid:participant_id>/", views.participant_check_ins, name="participant"),
    path("outreach/<uuid:request_id>/answer/", views.outreach_answer, name="outreach_answer"),
]
