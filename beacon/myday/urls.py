from django.urls import path

from beacon.myday import views

app_name = "myday"
urlpatterns = [
    path("", views.my_day_page, name="my_day"),
    path("<slug:slug>/", views.my_day_list_page, name="list"),
]
