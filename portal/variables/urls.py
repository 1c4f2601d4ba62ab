from __future__ import annotations

from django.urls import path

from portal.variables import views

app_name = "variables"

urlpatterns = [
    path("", views.variable_list, name="list"),
    path("add/", views.variable_add, name="add"),
    path("paste/", views.variable_paste, name="paste"),
    path("<str:variable>/edit/", views.variable_edit, name="edit"),
    path("<str:variable>/remove/", views.variable_remove, name="remove"),
]
