from __future__ import annotations

from django.urls import path

from portal.sql import views

app_name = "sql"

urlpatterns = [
    path("", views.console, name="console"),
    path("run/", views.run, name="run"),
    path("history/", views.history, name="history"),
    path("<str:statement>/", views.result, name="result"),
    path("<str:statement>/cancel/", views.cancel, name="cancel"),
    path("<str:statement>/csv/", views.export, name="export"),
    path("<str:statement>/delete/", views.delete, name="delete"),
]
