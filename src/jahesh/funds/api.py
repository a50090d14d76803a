from __future__ import annotations

from ninja import Router

router = Router(tags=["funds"])

loans_router = Router(tags=["loans"])
