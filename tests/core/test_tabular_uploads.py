"""The upload kept between the web preview and the confirmation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from jahesh.core.errors import InvalidInput
from jahesh.core.tabular import stashed_upload, upload_check, upload_path, upload_stash


class Someone:
    def __init__(self, pk: int) -> None:
        self.pk = pk


def request_for(user, session=None):
    request = RequestFactory().post("/import")
    request.user = user
    request.session = session if session is not None else SessionStore()
    return request


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_it_keeps_the_upload_until_it_is_confirmed_once(var_dir):
    request = request_for(Someone(7))
    token = upload_stash(
        request=request, upload=SimpleUploadedFile("اعضا.xlsx", b"PK data"), kind="members"
    )

    preview = upload_path(request=request, token=token, kind="members")
    assert preview.filename == "اعضا.xlsx"
    assert preview.path == var_dir / "imports" / f"{token}.xlsx"
    assert preview.path.read_bytes() == b"PK data"

    with stashed_upload(request=request, token=token, kind="members") as stashed:
        assert stashed.path.read_bytes() == b"PK data"
    assert not stashed.path.exists()
    with pytest.raises(InvalidInput) as caught:
        upload_path(request=request, token=token, kind="members")
    assert str(caught.value) == "این بارگذاری منقضی شده است؛ پرونده را دوباره بفرستید."


@pytest.mark.parametrize(
    ("token", "kind", "user"),
    [("../../etc/passwd", "members", 7), (None, "loans", 7), (None, "members", 8)],
)
def test_it_refuses_another_kind_another_user_or_a_forged_token(token, kind, user):
    owner = request_for(Someone(7))
    real = upload_stash(request=owner, upload=SimpleUploadedFile("a.csv", b"x"), kind="members")
    other = request_for(Someone(user), session=owner.session)

    with pytest.raises(InvalidInput):
        upload_path(request=other, token=token or real, kind=kind)


def test_it_refuses_a_file_larger_than_the_limit(settings):
    settings.JAHESH_IMPORT_MAX_BYTES = 3 * 1024 * 1024

    with pytest.raises(InvalidInput) as caught:
        upload_check(upload=SimpleUploadedFile("big.xlsx", b"0" * (3 * 1024 * 1024 + 1)))

    assert (
        str(caught.value) == "پرونده بزرگ‌تر از ۳ مگابایت است؛ آن را به چند پرونده کوچک‌تر بخش کنید."
    )
    assert caught.value.errors[0]["field"] == "file"


def test_it_keeps_no_extension_it_does_not_know_and_works_for_anonymous(var_dir):
    request = request_for(AnonymousUser())
    token = upload_stash(request=request, upload=SimpleUploadedFile("x.x/../y", b"1"), kind="k")

    assert upload_path(request=request, token=token, kind="k").path.name == token
