from __future__ import annotations

from django.urls import URLPattern, path

from portal.billing import views

app_name = "billing"

urlpatterns: list[URLPattern] = [
    path("", views.overview, name="overview"),
    path("transactions/", views.transactions, name="transactions"),
    path("transactions/export.csv", views.transactions_export, name="transactions_export"),
    path("statements/", views.statements, name="statements"),
    path("statements/<str:period>.pdf", views.statement_download, name="statement_download"),
    path("budget/", views.budget_edit, name="budget"),
    path("payment-methods/", views.payment_methods, name="payment_methods"),
]
