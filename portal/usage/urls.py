from __future__ import annotations

from django.urls import path

from portal.usage import views

app_name = "usage"

urlpatterns = [
    path("", views.usage_page, name="project"),
    path("export.csv", views.usage_export, name="export"),
]
