"""The portal's URLconf: one include per area."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("portal.core.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("audit/", include("portal.audit.urls")),
    path("workspaces/", include("portal.workspaces.urls")),
    path("projects/", include("portal.projects.urls")),
    path("billing/", include("portal.billing.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("projects/<str:project>/backups/", include("portal.backups.urls")),
    path("projects/<str:project>/rules/", include("portal.rules.urls")),
    path("projects/<str:project>/domains/", include("portal.domains.urls")),
    path("projects/<str:project>/variables/", include("portal.variables.urls")),
]

handler403 = "portal.core.views.permission_denied"
handler404 = "portal.core.views.page_not_found"
handler500 = "portal.core.views.server_error"
handler400 = "portal.core.views.bad_request"
