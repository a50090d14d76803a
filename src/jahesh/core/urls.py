"""Pages of background imports: the progress fragment the import page polls and
the refused rows' workbook (``/imports/…``)."""

from __future__ import annotations

from django.urls import path

from jahesh.core import views

app_name = "core"

urlpatterns = [
    path("<int:job_id>/", views.import_job_progress, name="import_job"),
    path("<int:job_id>/errors.xlsx", views.import_job_errors, name="import_job_errors"),
]
