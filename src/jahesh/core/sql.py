"""A model's table named in a raw statement: the one way it is quoted."""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model


def quote_table(model: type[Model], connection: BaseDatabaseWrapper | None = None) -> str:
    """``model``'s table quoted for a raw statement on ``connection`` (the default
    database's unless given): the backend's ``quote_name``, as the ORM writes it."""
    on: Any = connection or default_connection
    return str(on.ops.quote_name(model._meta.db_table))
