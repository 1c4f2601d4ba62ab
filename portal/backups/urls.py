from __future__ import annotations

from django.urls import path

from portal.backups import actions, views

app_name = "backups"

urlpatterns = [
    path("", views.backup_list, name="list"),
    path("take/", views.backup_create, name="create"),
    path("policy/", views.policy_edit, name="policy"),
    path("restores/", views.restores, name="restores"),
    path("<str:backup>/", views.backup_detail, name="detail"),
    path("<str:backup>/database/", actions.download_database, name="download_database"),
    path("<str:backup>/storage/", actions.download_storage, name="download_storage"),
    path("<str:backup>/delete/", actions.backup_delete, name="delete"),
    path("<str:backup>/restore/", actions.backup_restore, name="restore"),
]
