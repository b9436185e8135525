from django.urls import path

from beacon.learn import views

app_name = "glossary"
urlpatterns = [
    path("", views.glossary, name="index"),
    path("manage/", views.terms_manage, name="manage"),
    path("manage/new/", views.term_new, name="new"),
    path("manage/<uuid:term_id>/", views.term_edit, name="edit"),
    path("<slug:slug>/", views.term, name="term"),
]
