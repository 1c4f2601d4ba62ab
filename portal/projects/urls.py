from __future__ import annotations

from django.urls import path

from portal.projects import manage, views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", manage.project_create, name="create"),
    path("<str:project>/", views.project_detail, name="detail"),
    path("<str:project>/settings/", manage.project_settings, name="settings"),
    path("<str:project>/active/", manage.project_active, name="active"),
    path("<str:project>/delete/", manage.project_delete, name="delete"),
]
