from __future__ import annotations

from django.urls import path

from jahesh.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
]
