from __future__ import annotations

from django.urls import path

from portal.workspaces import views

app_name = "workspaces"

urlpatterns = [
    path("", views.workspace_list, name="list"),
    path("new/", views.workspace_create, name="create"),
    path("<str:workspace>/", views.workspace_detail, name="detail"),
    path("<str:workspace>/members.csv", views.members_export, name="members_export"),
]
