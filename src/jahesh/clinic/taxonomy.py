"""The obstacle taxonomy and the agencies of reference/obstacles.md, as the data
loaded into the editable ``ObstacleCategory`` and ``Agency`` tables.

``TAXONOMY_VERSION`` names this edition; ``taxonomy_load`` stores it in
``ClinicSettings`` and every new case records the version it was filed under.
Admins may edit the tables afterwards (and set a new version).
"""

from __future__ import annotations

from django.apps import apps

TAXONOMY_VERSION = "wbes-m1a-1403"

# (code, WBES M1A parent, Persian name)
CATEGORIES: list[tuple[str, str, str]] = [
    ("finance", "Access to finance", "دسترسی به منابع مالی"),
    ("finance.working_capital", "Access to finance", "نقدینگی و سرمایه در گردش"),
    ("finance.bank_facilities", "Access to finance", "تسهیلات و وثایق بانکی"),
    ("finance.bank_arrears", "Access to finance", "معوقات و جرائم بانکی"),
    ("land", "Access to land", "زمین و محل استقرار"),
    ("permits", "Business licensing and permits", "مجوزها و پروانه‌ها"),
    ("permits.environment", "Business licensing and permits", "مجوزهای محیط زیستی"),
    ("permits.standards", "Business licensing and permits", "استاندارد"),
    ("corruption", "Corruption", "فساد اداری"),
    ("courts", "Courts", "دعاوی حقوقی و قضایی"),
    ("courts.owner_disputes", "Courts", "اختلاف شرکا و مالکان"),
    ("crime", "Crime, theft and disorder", "سرقت و ناامنی"),
    ("customs", "Customs and trade regulations", "گمرک و مقررات تجارت"),
    ("customs.fx_allocation", "Customs and trade regulations", "تخصیص و تعهد ارزی"),
    ("electricity", "Electricity", "برق"),
    ("workforce", "Inadequately educated workforce", "نیروی کار ماهر"),
    ("labour_rules", "Labor regulations", "قوانین و روابط کار"),
    ("instability", "Political instability", "بی‌ثباتی سیاسی"),
    ("informal", "Practices of competitors in the informal sector", "رقابت غیررسمی و قاچاق"),
    ("tax_admin", "Tax administration", "امور مالیاتی"),
    ("tax_rates", "Tax rates", "نرخ مالیات"),
    ("transport", "Transport", "حمل و نقل"),
    ("raw_materials", "", "تأمین مواد اولیه"),
    ("social_insurance", "", "بیمه تأمین اجتماعی"),
    ("gas_water", "", "گاز و آب"),
    ("market", "", "بازار و فروش"),
    ("sanctions", "", "تحریم"),
    ("machinery", "", "ماشین‌آلات و فناوری"),
    ("management", "", "مدیریت و مالکیت"),
]

# (code, Persian name)
AGENCIES: list[tuple[str, str]] = [
    ("banks", "بانک‌ها"),
    ("tax", "سازمان امور مالیاتی"),
    ("social_security", "سازمان تأمین اجتماعی"),
    ("power", "شرکت توزیع برق"),
    ("gas", "شرکت گاز"),
    ("water", "آبفا"),
    ("customs", "گمرک"),
    ("environment", "حفاظت محیط زیست"),
    ("standards", "استاندارد"),
    ("smt", "صمت"),
    ("agriculture", "جهاد کشاورزی"),
    ("estates", "شرکت شهرک‌های صنعتی"),
    ("municipality", "شهرداری"),
    ("judiciary", "دادگستری"),
    ("governorate", "استانداری / فرمانداری"),
]


def taxonomy_load(apps=None) -> None:
    """Insert the categories and agencies that are missing (edits are kept) and
    record the version. Works with the live models or a migration's ``apps``."""
    get = apps.get_model if apps is not None else _live_model
    category, agency, settings = (
        get("clinic", "ObstacleCategory"),
        get("clinic", "Agency"),
        get("clinic", "ClinicSettings"),
    )
    have = set(category.objects.values_list("code", flat=True))
    category.objects.bulk_create(
        category(code=code, wbes_parent=parent, name=name, position=i)
        for i, (code, parent, name) in enumerate(CATEGORIES)
        if code not in have
    )
    have = set(agency.objects.values_list("code", flat=True))
    agency.objects.bulk_create(
        agency(code=code, name=name, position=i)
        for i, (code, name) in enumerate(AGENCIES)
        if code not in have
    )
    row = settings.objects.first() or settings()
    row.taxonomy_version = TAXONOMY_VERSION
    row.save()


def _live_model(app_label: str, name: str):

    return apps.get_model(app_label, name)
