from django.urls import path

from beacon.workforce import views

app_name = "workforce"
urlpatterns = [
    path("progress/", views.progress, name="progress"),
    path("people/", views.team, name="team"),
    path("people/<uuid:user_id>/progress/", views.progress_for, name="progress_for"),
    path("people/<uuid:user_id>/credentials/new/", views.credential_new, name="credential_new"),
    path("people/<uuid:user_id>/hours/", views.hours_log_for, name="hours_log_for"),
    path("people/<uuid:user_id>/hours.csv", views.hours_csv_for, name="hours_csv_for"),
    path("credentials/<uuid:credential_id>/edit/", views.credential_edit, name="credential_edit"),
    path("definitions/", views.definitions, name="definitions"),
    path("definitions/new/", views.definition_new, name="definition_new"),
    path("definitions/<uuid:definition_id>/edit/", views.definition_edit, name="definition_edit"),
    path("trainings/", views.trainings, name="trainings"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/<uuid:training_id>/", views.training_edit, name="training_edit"),
    path("trainings/<uuid:training_id>/delete/", views.training_delete, name="training_delete"),
    path("trainings/<uuid:training_id>/certificate/", views.certificate, name="certificate"),
    path("hours/", views.hours_log, name="hours_log"),
    path("hours.csv", views.hours_csv, name="hours_csv"),
    path("wellbeing/", views.wellbeing, name="wellbeing"),
    path("wellbeing/shared/", views.shared_checkins, name="shared_checkins"),
    path("wellbeing/<uuid:checkin_id>/", views.checkin_detail, name="checkin_detail"),
    path("wellbeing/<uuid:checkin_id>/share/", views.checkin_share, name="checkin_share"),
    path("wellbeing/<uuid:checkin_id>/delete/", views.checkin_delete, name="checkin_delete"),
]
