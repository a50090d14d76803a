from __future__ import annotations

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "jahesh.projects"
    label = "projects"
    verbose_name = "پروژه‌ها و خدمات"
