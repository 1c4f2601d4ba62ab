from __future__ import annotations

from django.urls import path

from portal.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("indicator/", views.indicator, name="indicator"),
    path("<str:notification>/dismiss/", views.dismiss, name="dismiss"),
]
