from __future__ import annotations

app_name = "clinic"

urlpatterns: list = []
