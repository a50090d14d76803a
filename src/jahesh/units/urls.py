from __future__ import annotations

app_name = "units"

urlpatterns: list = []
