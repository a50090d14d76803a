"""A page of a module the role may not use answers 403 saying why; a record out of
the reader's scope still answers 404 (it must not leak that it exists)."""

from __future__ import annotations

import pytest

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import ModuleDenied


@pytest.mark.parametrize(
    ("who", "url", "module"),
    [
        ("viewer", "/units/", "واحدهای تولیدی"),
        ("viewer", "/clinic/", "کلینیک صنعت"),
        ("fund", "/clinic/board/", "کلینیک صنعت"),
        ("viewer", "/funds/", "صندوق‌های قرض‌الحسنه"),
        ("expert", "/volunteers/", "نیروهای جهادی"),
        ("viewer", "/projects/", "پروژه‌ها و خدمات مستقیم"),
        ("fund", "/reports/", "داشبورد و گزارش‌ها"),
    ],
)
def test_it_answers_403_naming_the_module_and_who_may(users, client_for, who, url, module):
    response = client_for(users[who]).get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert "دسترسی ندارید" in html
    assert f"از بخش «{module}» استفاده نمی‌کند" in html
    assert "صفحه پیدا نشد" not in html


def test_it_lists_the_roles_that_may_use_the_module(users, client_for):
    html = client_for(users["viewer"]).get("/clinic/").content.decode()
    # admin, hq manager, county officer and clinic expert have the clinic; a viewer does not
    roles_line = html.split("نقش‌هایی که این بخش را دارند:")[1].split("</p>")[0]
    assert [r.strip() for r in roles_line.split("، ")] == [
        "مدیر سامانه",
        "مدیر قرارگاه",
        "کارشناس شهرستان",
        "کارشناس کلینیک صنعت",
    ]


def test_it_says_the_same_for_a_record_page_whether_or_not_the_record_exists(users, client_for):
    # A module-wide 403 comes before any lookup, so it tells nothing about the record.
    client = client_for(users["viewer"])
    assert client.get("/units/1/").status_code == 403
    assert client.get("/units/999999/").status_code == 403


def test_it_still_answers_404_for_a_record_out_of_scope(users, client_for):
    # A county officer may use the units module, but not a unit that does not exist
    # or lies outside the county: 404 with the not-found page.
    response = client_for(users["arak"]).get("/units/999999/")
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in response.content.decode()


def test_it_names_the_roles_in_the_exception():
    denied = ModuleDenied(Module.FUNDS)
    assert denied.module_label == "صندوق‌های قرض‌الحسنه"
    assert denied.role_labels == [
        "مدیر سامانه",
        "مدیر قرارگاه",
        "کارشناس شهرستان",
        "مدیر صندوق قرض‌الحسنه",
    ]
