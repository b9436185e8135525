from django.urls import path

from beacon.plans import views

app_name = "plans"
urlpatterns = [
    path("participant/<uuid:participant_id>/new/", views.plan_new, name="new"),
    path(
        "participant/<uuid:participant_id>/wellness/", views.wellness_print, name="wellness_print"
    ),
    path(
        "participant/<uuid:participant_id>/wellness/edit/",
        views.wellness_edit,
        name="wellness_edit",
    ),
    path("<uuid:plan_id>/", views.plan_detail, name="detail"),
    path("<uuid:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<uuid:plan_id>/goals/new/", views.goal_new, name="goal_new"),
    path("<uuid:plan_id>/goals/<uuid:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("<uuid:plan_id>/goals/<uuid:goal_id>/steps/new/", views.step_new, name="step_new"),
    path("<uuid:plan_id>/goals/<uuid:goal_id>/progress/new/", views.note_new, name="note_new"),
    path("<uuid:plan_id>/steps/<uuid:step_id>/done/", views.step_done, name="step_done"),
    path("<uuid:plan_id>/history/", views.plan_history, name="history"),
    path("<uuid:plan_id>/versions/<int:number>/", views.plan_version, name="version"),
    path("<uuid:plan_id>/review/", views.plan_review_new, name="review"),
    # What a participant did to their own plan (/my/plan/), marked seen from My day.
    path("updates/<uuid:update_id>/handle/", views.update_handle, name="update_handle"),
]
