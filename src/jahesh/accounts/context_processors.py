from __future__ import annotations

from django.http import HttpRequest

from jahesh.accounts import twofactor
from jahesh.accounts.navigation import menu_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    return {"menu": menu_for(user, request.path), "two_factor_allowed": twofactor.may_use(user)}
