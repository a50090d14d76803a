from __future__ import annotations

app_name = "volunteers"

urlpatterns: list = []
