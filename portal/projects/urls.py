from __future__ import annotations

from django.urls import path

from portal.projects import views, writes

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", writes.project_create, name="create"),
    path("<str:project>/", views.project_detail, name="detail"),
    path("<str:project>/settings/", writes.project_settings, name="settings"),
    path("<str:project>/active/", writes.project_active, name="active"),
    path("<str:project>/delete/", writes.project_delete, name="delete"),
]
