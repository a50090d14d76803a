"""People managed by the headquarters: a manager of people (an admin, or a
headquarters manager within their province) creates, edits, deactivates and
resets the users of their scope, giving roles up to their own; and anyone may
ask for a code to set a new password. Every change leaves a ``UserChange`` row.

Reads go through :func:`manageable` (the scoping mechanism plus the role
ceiling), so a user out of reach answers 404 like any record out of scope.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.models import PasswordResetCode, User, UserChange
from jahesh.accounts.roles import ROLE_SCOPE, Role, ScopeKind, assignable_roles
from jahesh.accounts.scoping import effective_role, scoped, sees_whole_country
from jahesh.core import ratelimit, sms
from jahesh.core.codes import code_spend
from jahesh.core.digits import to_ascii_digits
from jahesh.core.errors import ApplicationError, Forbidden, NotFound
from jahesh.core.identifiers import normalize_mobile
from jahesh.core.text import clean_text

RESET_CODE_MINUTES = 15
RESET_CODE_TRIES = 5
# Codes a person may be sent in an hour, and reset requests one address may make:
# enough for a typo, too few to flood someone's phone.
RESET_CODES_PER_HOUR = 3
RESET_REQUESTS_PER_IP_HOUR = 20
HOUR = 3600

_USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
# The fields a manager edits; their old and new values go into the audit row.
EDITED = ("username", "first_name", "last_name", "email", "mobile", "role", "province", "county")


def manageable(manager: Any) -> QuerySet[User]:
    """The users ``manager`` may see and change: those of their scope whose role
    is within the ones they may give (a headquarters manager never reaches an admin)."""
    roles = assignable_roles(effective_role(manager) or "")
    qs = scoped(manager, User).filter(role__in=roles)
    if (effective_role(manager) or "") != Role.ADMIN:
        qs = qs.filter(is_superuser=False)
    return qs.select_related("province", "county__province")


@dataclass
class PersonData:
    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    mobile: str = ""
    role: str = Role.VIEWER
    province: Any = None
    county: Any = None
    nationwide: bool = False


def _clean(manager: Any, data: PersonData, *, user: User | None) -> PersonData:
    """Check and normalise ``data`` for ``manager``: every problem at once, each
    on its field."""
    data = replace(data)  # the caller's copy stays as it was
    errors: list[dict[str, str]] = []

    def refuse(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    data.username = clean_text(data.username)
    if not _USERNAME.match(data.username):
        refuse("username", _("نام کاربری ۳ تا ۱۵۰ حرف لاتین، رقم یا . _ - @ + است."))
    else:
        taken = User.objects.filter(username__iexact=data.username)
        if user is not None:
            taken = taken.exclude(pk=user.pk)
        if taken.exists():
            refuse("username", _("این نام کاربری پیش‌تر گرفته شده است."))
    data.first_name, data.last_name = clean_text(data.first_name), clean_text(data.last_name)
    data.email = clean_text(data.email).lower()
    if data.mobile:
        try:
            data.mobile = normalize_mobile(data.mobile)
        except Exception as error:  # the identifier's own Persian message
            refuse("mobile", str(getattr(error, "message", error)))
    if user is None and not (data.mobile or data.email):
        refuse("mobile", _("شمارهٔ همراه یا رایانامه لازم است تا رمز ورود نخست فرستاده شود."))

    manager_role = effective_role(manager) or ""
    if data.role not in assignable_roles(manager_role):
        refuse("role", _("این نقش را نمی‌توانید بدهید؛ نقش‌ها تا نقش خودتان داده می‌شوند."))
    if data.nationwide and manager_role != Role.ADMIN:
        refuse("nationwide", _("دسترسی کل کشور را فقط مدیر سامانه می‌دهد."))

    own_province = None if sees_whole_country(manager) else manager.province
    kind = ROLE_SCOPE.get(data.role)
    if kind == ScopeKind.COUNTY:
        if data.county is None:
            refuse("county", _("برای کارشناس شهرستان، شهرستان را انتخاب کنید."))
        else:
            data.province = data.county.province
    else:
        data.county = None
    if kind == ScopeKind.COUNTRY:
        data.province, data.nationwide = None, False
    if own_province is not None:
        if data.province is not None and data.province.pk != own_province.pk:
            field = "county" if kind == ScopeKind.COUNTY else "province"
            refuse(field, _("فقط کاربران استان خودتان را می‌توانید ثبت کنید."))
        # Everyone a provincial manager registers belongs to their province, also
        # the roles scoped by assignment, so they stay within the manager's reach.
        data.province = own_province
    if kind == ScopeKind.PROVINCE and data.province is None and not data.nationwide:
        refuse("province", _("برای این نقش، استان را انتخاب کنید."))
    if errors:
        raise ApplicationError(errors[0]["message"], errors=errors)
    return data


def _values(user: User) -> dict[str, Any]:
    return {
        f: (getattr(user, f + "_id") if f in ("province", "county") else getattr(user, f))
        for f in EDITED
    }


@transaction.atomic
def person_create(*, manager: Any, data: PersonData) -> User:
    """A new user with no usable password; a code to set one is sent to their
    mobile and/or e-mail."""
    data = _clean(manager, data, user=None)
    user = User(
        username=data.username,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        mobile=data.mobile,
        role=data.role,
        province=data.province,
        county=data.county,
        nationwide=data.nationwide,
    )
    user.set_unusable_password()
    user.save()
    UserChange.objects.create(
        actor=manager, user=user, action=UserChange.Action.CREATE, changes=_values(user)
    )
    transaction.on_commit(lambda: _send_code(user, _new_code(user), welcome=True))
    return user


@transaction.atomic
def person_update(*, manager: Any, user: User, data: PersonData) -> User:
    user = _lock(manager, user)
    if user.pk == manager.pk and data.role != user.role:
        raise Forbidden(_("نقش خودتان را نمی‌توانید تغییر دهید."), field="role")
    data = _clean(manager, data, user=user)
    before = _values(user)
    for name in (*EDITED, "nationwide"):
        setattr(user, name, getattr(data, name))
    user.save()
    after = _values(user)
    changed = {k: [before[k], after[k]] for k in EDITED if before[k] != after[k]}
    if changed:
        UserChange.objects.create(
            actor=manager, user=user, action=UserChange.Action.UPDATE, changes=changed
        )
    return user


@transaction.atomic
def person_set_active(*, manager: Any, user: User, active: bool) -> User:
    """Deactivate (they can no longer sign in, their tokens stop working) or
    reactivate a user. Nobody deactivates themselves."""
    user = _lock(manager, user)
    if user.pk == manager.pk:
        raise Forbidden(_("حساب خودتان را نمی‌توانید غیرفعال کنید."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        action = UserChange.Action.ACTIVATE if active else UserChange.Action.DEACTIVATE
        UserChange.objects.create(actor=manager, user=user, action=action)
        if not active:
            from jahesh.accounts.services import api_token_revoke_all  # services imports us

            api_token_revoke_all(user=user, now=timezone.now())
    return user


def person_send_reset(*, manager: Any, user: User) -> list[str]:
    """Send ``user`` a code to set a new password (the manager never learns it);
    the channels it went by."""
    found = manageable(manager).filter(pk=user.pk).first()
    if found is None:
        raise NotFound(_("یافت نشد."))
    user = found
    if not user.is_active:
        raise Forbidden(_("این حساب غیرفعال است؛ نخست آن را فعال کنید."))
    if not (user.mobile or user.email):
        raise ApplicationError(
            _("این کاربر شمارهٔ همراه و رایانامه ندارد؛ نخست یکی را ثبت کنید."), field="mobile"
        )
    code = _new_code(user)
    UserChange.objects.create(actor=manager, user=user, action=UserChange.Action.RESET_SENT)
    return _send_code(user, code)


def _lock(manager: Any, user: User) -> User:
    locked = manageable(manager).select_for_update(of=("self",)).filter(pk=user.pk).first()
    if locked is None:
        raise NotFound(_("یافت نشد."))
    return locked


# --- Codes to set a new password ------------------------------------------------


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _new_code(user: User, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    # A new code replaces the ones before it.
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    PasswordResetCode.objects.create(
        user=user, code_hash=_hash(code), expires_at=now + timedelta(minutes=RESET_CODE_MINUTES)
    )
    return code


def _send_code(user: User, code: str, *, welcome: bool = False) -> list[str]:
    if welcome:
        text = _("جهش: حساب «%(username)s» ساخته شد. رمز یک‌بار مصرف تعیین گذرواژه: %(code)s") % {
            "username": user.username,
            "code": code,
        }
    else:
        text = _("جهش: رمز یک‌بار مصرف تعیین گذرواژهٔ تازه: %(code)s (%(minutes)s دقیقه)") % {
            "code": code,
            "minutes": RESET_CODE_MINUTES,
        }
    sent = []
    if user.mobile:
        try:
            sms.send_sms(user.mobile, text)
            sent.append("sms")
        except sms.SmsError:
            pass
    if user.email:
        send_mail(_("جهش: تعیین گذرواژه"), text, None, [user.email], fail_silently=True)
        sent.append("email")
    return sent


def _find(login: str) -> User | None:
    login = clean_text(login)
    where = Q(username__iexact=login)
    try:
        where |= Q(mobile=normalize_mobile(login))
    except Exception:  # not a mobile number: a username only
        pass
    found = list(User.objects.filter(where, is_active=True)[:2])
    return found[0] if len(found) == 1 else None


def password_reset_request(*, login: str, ip: str) -> None:
    """Send a code to the account ``login`` names (a username or a mobile), if
    there is one. Says nothing either way, so nobody learns who has an account."""
    if not ratelimit.hit("reset-ip", ip, limit=RESET_REQUESTS_PER_IP_HOUR, window=HOUR):
        raise ApplicationError(_("درخواست‌های این نشانی از حد گذشته است؛ یک ساعت دیگر بکوشید."))
    user = _find(login)
    if user is None or not (user.mobile or user.email):
        return
    if not ratelimit.hit("reset-user", str(user.pk), limit=RESET_CODES_PER_HOUR, window=HOUR):
        return
    _send_code(user, _new_code(user))


def password_reset_confirm(*, login: str, code: str, password: str) -> User:
    """Set ``password`` for the account ``login`` names if ``code`` is its live
    code. One message for every failure, so a guess learns nothing; a wrong
    code uses up one of its tries (committed although the request fails)."""
    wrong = ApplicationError(_("رمز یک‌بار مصرف نادرست یا منقضی است."), field="code")
    user = _find(login)
    if user is None:
        raise wrong
    with transaction.atomic():
        right = code_spend(
            PasswordResetCode.objects.filter(user=user),
            code_hash=_hash(to_ascii_digits(clean_text(code)).replace(" ", "")),
            now=timezone.now(),
            tries="tries",
            limit=RESET_CODE_TRIES,
        )
        if right:
            user.set_password(password)
            user.save(update_fields=["password"])
            UserChange.objects.create(actor=user, user=user, action=UserChange.Action.PASSWORD)
    if not right:
        raise wrong
    return user
