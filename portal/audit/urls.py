from __future__ import annotations

from django.urls import path

from portal.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("events/<int:event_id>/", views.event_detail, name="detail"),
    path("export.<str:fmt>", views.export, name="export"),
]
