"""Files URLs. ``files/<path>`` is the path itself (a folder ends in ``/``); the actions live
under ``file/<action>/<path>`` so that no file name can ever collide with an action's name."""

from __future__ import annotations

from django.urls import path, re_path

from portal.files import actions, views

app_name = "files"

urlpatterns = [
    path("files/", views.browse, name="browse"),
    path("files/<path:path>", views.browse, name="path"),
    path("file/download/<path:path>", views.download, name="download"),
    path("file/raw/<path:path>", views.raw, name="raw"),
    # Folder-scoped actions: the path may be empty (the top folder).
    re_path(r"^file/upload/(?P<path>.*)$", actions.upload, name="upload"),
    re_path(r"^file/new-folder/(?P<path>.*)$", actions.new_folder, name="new_folder"),
    re_path(r"^file/folders/(?P<path>.*)$", actions.folders, name="folders"),
    path("file/move/<path:path>", actions.move, name="move"),
    path("file/copy/<path:path>", actions.copy, name="copy"),
    path("file/delete/<path:path>", actions.delete, name="delete"),
]
