from __future__ import annotations

from django.urls import path

from portal.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("<str:project>/", views.project_detail, name="detail"),
]
