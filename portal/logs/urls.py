from __future__ import annotations

from django.urls import path

from portal.logs import views

app_name = "logs"

urlpatterns = [
    path("", views.log_list, name="list"),
    path("tail/", views.log_tail, name="tail"),
    path("export.<str:fmt>", views.log_export, name="export"),
]
