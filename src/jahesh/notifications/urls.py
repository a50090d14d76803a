from __future__ import annotations

from django.urls import path

from jahesh.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notifications_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("bulk/", views.bulk_page, name="bulk"),
    path("bulk/<int:pk>/", views.bulk_detail, name="bulk_detail"),
]
