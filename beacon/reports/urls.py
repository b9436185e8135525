from django.urls import path

from beacon.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("outcomes/<slug:table>.xlsx", views.outcomes_xlsx, name="outcomes_xlsx"),
    path("community/", views.community, name="community"),
    path(
        "community/<uuid:activity_id>/remove/",
        views.community_remove,
        name="community_remove",
    ),
    path("networks/", views.networks, name="networks"),
    path("networks/<uuid:network_id>/", views.network, name="network"),
    path("networks/<uuid:network_id>/figures.xlsx", views.network_xlsx, name="network_xlsx"),
]
