from __future__ import annotations

from django.urls import path

from jahesh.portal import triage_views as views

app_name = "intake"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:action>/", views.decide, name="decide"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
