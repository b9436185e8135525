from django.urls import path

from beacon.learn import views

app_name = "learn"
urlpatterns = [
    path("", views.index, name="index"),
    # The staff's pages first: "manage" is a reserved slug (models.RESERVED_SLUGS).
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.article_new, name="new"),
    path("manage/<uuid:article_id>/", views.detail, name="detail"),
    path("manage/<uuid:article_id>/edit/", views.article_edit, name="edit"),
    path("manage/<uuid:article_id>/publish/", views.publish, name="publish"),
    path("manage/<uuid:article_id>/unpublish/", views.unpublish, name="unpublish"),
    path("<slug:slug>/", views.article, name="article"),
    path("<slug:slug>/print/", views.article_print, name="print"),
]
