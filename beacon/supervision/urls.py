from django.urls import path

from beacon.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<uuid:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:session_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<uuid:session_id>/remove/", views.session_remove, name="session_remove"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/<uuid:encounter_id>/", views.review_detail, name="review_detail"),
    path("reviews/<uuid:encounter_id>/comment/", views.review_comment, name="review_comment"),
    path("reviews/<uuid:encounter_id>/cosign/", views.review_cosign, name="review_cosign"),
    path("workload/", views.workload_page, name="workload"),
]
