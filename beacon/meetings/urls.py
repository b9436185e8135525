"""The public search and meeting pages under /find-help/meetings/, the staff's and admins' pages
under /meetings/: one namespace, "meetings", included at the root (config/urls.py)."""

from django.urls import include, path

from beacon.meetings import views

app_name = "meetings"
public_patterns = [
    path("", views.search, name="search"),
    path("<uuid:meeting_id>/", views.detail, name="detail"),
    path("<uuid:meeting_id>/share/", views.share, name="share"),
]
staff_patterns = [
    path("", views.manage, name="manage"),
    path("new/", views.meeting_edit, name="new"),
    path("<uuid:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("<uuid:meeting_id>/remove/", views.meeting_remove, name="remove"),
    path("feeds/new/", views.feed_edit, name="feed_new"),
    path("feeds/<uuid:feed_id>/", views.feed_edit, name="feed_edit"),
    path("feeds/<uuid:feed_id>/fetch/", views.feed_fetch, name="feed_fetch"),
    path("participant/<uuid:participant_id>/", views.shared, name="shared"),
    path(
        "participant/<uuid:participant_id>/<uuid:shared_id>/remove/",
        views.unshare,
        name="unshare",
    ),
]
urlpatterns = [
    path("find-help/meetings/", include(public_patterns)),
    path("meetings/", include(staff_patterns)),
]
