"""The shared test base (STYLE.md): geography for two counties of Markazi and
one of another province, a user per role, and clients signed in as each of
them, by session or by API token. Every page and route is tested with an
in-scope user, an out-of-scope user and an anonymous client."""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings

from jahesh.accounts.models import User
from jahesh.accounts.roles import Role
from jahesh.accounts.scoping import forget_county_provinces
from jahesh.accounts.services import api_token_issue
from jahesh.core import sms
from jahesh.core.text import normalize_key
from jahesh.geo.models import City, County, Province, Village
from tests import xdist_order

T = TypeVar("T")

# Ids as in django-iranian-cities' data, so tests read like the real geography.
MARKAZI, TEHRAN = 28, 8
ARAK, SAVEH, TEHRAN_COUNTY = 19, 236, 90001

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop


# The run's JAHESH_VAR, shared by pytest-xdist's workers (browser screenshots).
RUN_VAR: Path = django_settings.VAR_DIR


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (``-n 2``) each worker gets a JAHESH_VAR of its own (a
    directory in the run's), for itself and the processes its tests start: the
    facts table's lock file, uploads, mail and text-message files are per
    process, as each worker's test database is (pytest-django suffixes its name)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        if getattr(config.option, "numprocesses", None):  # the controller
            _XDIST_DIR.append(Path(tempfile.mkdtemp(prefix="jahesh-xdist-")))
        return
    var = RUN_VAR / f"pytest-{worker}"
    var.mkdir(parents=True, exist_ok=True)
    django_settings.VAR_DIR = var
    django_settings.MEDIA_ROOT = var / "media"
    if getattr(django_settings, "EMAIL_FILE_PATH", None):
        django_settings.EMAIL_FILE_PATH = str(var / "mail")
    os.environ["JAHESH_VAR"] = str(var)


_XDIST_DIR: list[Path] = []  # the controller's: where workers write their transactional tests


def pytest_configure_node(node) -> None:
    xdist_order.node_configured(node, _XDIST_DIR[0])


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Under ``-n``: files to the workers, the transactional tests last on one
    (tests/xdist_order.py)."""
    if config.getoption("dist") != "loadfile" or not _XDIST_DIR:
        return None
    return xdist_order.TransactionalLast(config, log, _XDIST_DIR[0])


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    xdist_order.worker_writes(config, items)  # after pytest-django has sorted them


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """pytest-django's test database (made when a collected test asks for one); on
    SQLite a copy of it, taken before any test has written, is kept for
    :func:`migrated_sqlite`."""
    made = connection.settings_dict["NAME"] == connection.creation._get_test_db_name()
    if connection.vendor == "sqlite" and made:
        path = tmp_path_factory.mktemp("migrated") / "jahesh.sqlite3"
        with django_db_blocker.unblock():
            connection.ensure_connection()
            copy = sqlite3.connect(path)
            connection.connection.backup(copy)
            copy.close()
        _migrated_sqlite.append(path)
    yield


_migrated_sqlite: list[Path] = []


@pytest.fixture(scope="session")
def migrated_sqlite(django_db_setup) -> Path:
    """A file holding the test database as migrations made it (SQLite only): what
    ``jahesh migrate`` makes from nothing, without migrating a second time. The
    tests using it are marked ``django_db``, so that the test database is made."""
    assert _migrated_sqlite, "no SQLite test database: mark the test django_db"
    return _migrated_sqlite[0]


_FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2's deliberate slowness protects real passwords; tests only need a hash.
    settings.PASSWORD_HASHERS = _FAST_HASHERS


@pytest.fixture(autouse=True)
def _empty_cache():
    # Kept figures, fragments and pages carry a data version in their keys, and two
    # tests' databases can reach the same small version: each test starts empty.
    cache.clear()
    forget_county_provinces()  # and the counties' provinces a process remembers
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    # Text messages stay in memory (jahesh.core.sms.outbox), emptied for each test.
    settings.JAHESH_SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _place(model, **fields):
    fields.setdefault("name_key", normalize_key(fields["name"]))
    return model.objects.create(**fields)


@pytest.fixture
def geo(db):
    """Markazi (Arak, Saveh) and Tehran (one county), with a city and a village each."""
    return geo_make()


def geo_make() -> dict:
    """The ``geo`` fixture's places, for a fixture of wider scope (``shared_data``)."""
    markazi = _place(Province, id=MARKAZI, name="مرکزی", code="0")
    tehran = _place(Province, id=TEHRAN, name="تهران", code="23")
    arak = _place(County, id=ARAK, name="اراک", code="1", province=markazi)
    saveh = _place(County, id=SAVEH, name="ساوه", code="6", province=markazi)
    tehran_county = _place(County, id=TEHRAN_COUNTY, name="تهران", code="2301", province=tehran)
    for i, county in enumerate([arak, saveh, tehran_county], start=1):
        _place(City, id=i, name=f"شهر {county.name}", province=county.province, county=county)
        _place(
            Village,
            id=i,
            name=f"روستای {county.name}",
            province=county.province,
            county=county,
            is_deprived=(i == 1),
        )
    return {
        "markazi": markazi,
        "tehran": tehran,
        "arak": arak,
        "saveh": saveh,
        "tehran_county": tehran_county,
    }


def _user_make(username: str, role: str, **fields) -> User:
    user = User(username=username, role=role, **fields)
    user.set_password("pass-1234-word")
    user.save()
    return user


@pytest.fixture
def make_user(db):
    return _user_make


@pytest.fixture
def users(geo, make_user):
    """One user per role; ``*_other`` users are out of Markazi's / Arak's scope."""
    return users_make(geo, make_user)


def users_make(geo: dict, make_user=_user_make) -> dict[str, User]:
    """The ``users`` fixture's users, for a fixture of wider scope (``shared_data``)."""
    return {
        "admin": make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True),
        "hq": make_user("hq", Role.HQ_MANAGER, province=geo["markazi"]),
        "hq_other": make_user("hq_tehran", Role.HQ_MANAGER, province=geo["tehran"]),
        "arak": make_user("arak", Role.COUNTY_OFFICER, county=geo["arak"]),
        "saveh": make_user("saveh", Role.COUNTY_OFFICER, county=geo["saveh"]),
        "expert": make_user("expert", Role.CLINIC_EXPERT),
        "fund": make_user("fund", Role.FUND_MANAGER),
        "coordinator": make_user(
            "coordinator", Role.VOLUNTEER_COORDINATOR, province=geo["markazi"]
        ),
        "projects": make_user("projects", Role.PROJECT_MANAGER, province=geo["markazi"]),
        "viewer": make_user("viewer", Role.VIEWER, province=geo["markazi"]),
    }


def shared_data(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """For a module-scoped fixture whose records are costly to make (a demo part):
    ``build()`` runs once, inside a transaction rolled back after the module's last
    test, and each test runs in a savepoint of it (pytest-django's ``db``), so what
    one test writes never reaches the next. Use as
    ``yield from shared_data(django_db_blocker, build)``, from a fixture the tests
    reach through one that asks for ``db``. Passwords hash as in every test."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=_FAST_HASHERS):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            made = build()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def client_for():
    """A browser client signed in as ``user`` (or anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="jahesh.accounts.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def api_client_for():
    """An API client sending ``Authorization: Bearer`` for ``user`` (anonymous for None)."""

    def make(user: User | None) -> Client:
        if user is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})

    return make


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"
