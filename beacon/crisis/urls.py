from django.urls import path

from beacon.crisis import views

app_name = "crisis"
urlpatterns = [
    path("<uuid:flag_id>/", views.crisis_flag_detail, name="detail"),
    path("<uuid:flag_id>/acknowledge/", views.crisis_flag_acknowledge, name="acknowledge"),
    path("<uuid:flag_id>/actions/", views.crisis_action_add, name="action_add"),
    path("<uuid:flag_id>/resolve/", views.crisis_flag_resolve, name="resolve"),
]
