"""WSGI entry point for gunicorn: ``gunicorn jahesh.wsgi``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jahesh.settings")

application = get_wsgi_application()
