from __future__ import annotations

from django.urls import path

from portal.rules import builder, views

app_name = "rules"

urlpatterns = [
    path("", views.rule_list, name="list"),
    path("new/", builder.rule_new, name="new"),
    path("reorder/", views.rule_reorder, name="reorder"),
    path("builder/row/", builder.builder_row, name="row"),
    path("builder/preview/", builder.builder_preview, name="preview"),
    path("builder/try/", builder.builder_try, name="try"),
    path("<str:rule>/edit/", builder.rule_edit, name="edit"),
    path("<str:rule>/save/", builder.rule_save, name="save"),
    path("<str:rule>/active/", views.rule_active, name="active"),
    path("<str:rule>/delete/", views.rule_delete, name="delete"),
]
