from django.urls import path

from beacon.groups import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_new, name="new"),
    path("calendar/", views.calendar_feed, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_ics_view, name="calendar_ics"),
    path("sessions/<uuid:session_id>/", views.session_detail, name="session"),
    path(
        "sessions/<uuid:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path("sessions/<uuid:session_id>/tap/<str:key>/", views.session_toggle, name="session_toggle"),
    path("sessions/<uuid:session_id>/walk-in/", views.session_walk_in, name="session_walk_in"),
    path("sessions/<uuid:session_id>/move/", views.session_move, name="session_move"),
    path("sessions/<uuid:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("<uuid:group_id>/", views.group_detail, name="detail"),
    path("<uuid:group_id>/edit/", views.group_edit, name="edit"),
    path("<uuid:group_id>/enrol/", views.group_enroll, name="enroll"),
    path(
        "<uuid:group_id>/enrolment/<uuid:participant_id>/end/",
        views.group_enrollment_end,
        name="enrollment_end",
    ),
]
