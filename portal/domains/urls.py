from __future__ import annotations

from django.urls import path

from portal.domains import views

app_name = "domains"

urlpatterns = [
    path("", views.domain_list, name="list"),
    path("add/", views.domain_add, name="add"),
    path("<str:domain>/primary/", views.domain_primary, name="primary"),
    path("<str:domain>/remove/", views.domain_remove, name="remove"),
]
