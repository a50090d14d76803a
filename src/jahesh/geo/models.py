"""Iran's administrative divisions, loaded from django-iranian-cities' data files.

Primary keys are the ids of those files, so a reload updates rows in place and
references from other tables stay valid. Every name has a normalised key
(``jahesh.core.text.normalize_key``) used for search and for matching names in
imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jahesh.core.models import optional_link


class Place(models.Model):
    id = models.IntegerField(primary_key=True)
    name = models.CharField(_("نام"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    code = models.CharField(_("کد"), max_length=20, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Province(Place):
    class Meta(Place.Meta):
        verbose_name = _("استان")
        verbose_name_plural = _("استان‌ها")


class County(Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="counties")

    class Meta(Place.Meta):
        verbose_name = _("شهرستان")
        verbose_name_plural = _("شهرستان‌ها")


class District(Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="districts")

    class Meta(Place.Meta):
        verbose_name = _("بخش")
        verbose_name_plural = _("بخش‌ها")


class DeprivationMixin(models.Model):
    is_deprived = models.BooleanField(_("محروم"), default=False, db_index=True)
    deprivation_index = models.DecimalField(
        _("شاخص محرومیت"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        abstract = True


class City(DeprivationMixin, Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="cities")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="cities", null=True, blank=True
    )

    class Meta(Place.Meta):
        verbose_name = _("شهر")
        verbose_name_plural = _("شهرها")


class RuralDistrict(Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="rural_districts")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="rural_districts", null=True, blank=True
    )

    class Meta(Place.Meta):
        verbose_name = _("دهستان")
        verbose_name_plural = _("دهستان‌ها")


class Village(DeprivationMixin, Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="villages")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    rural_district = models.ForeignKey(
        RuralDistrict, on_delete=models.PROTECT, related_name="villages", null=True, blank=True
    )

    class Meta(Place.Meta):
        verbose_name = _("روستا")
        verbose_name_plural = _("روستاها")
        indexes = [
            models.Index(fields=["code"], name="geo_village_code_idx"),
            # Serves every list of villages in name order (the admin's 98,000-row
            # changelist, the API): a page is read off the index, never a sort.
            models.Index(fields=["name", "id"], name="geo_village_name_id_idx"),
        ]


class Closure(models.Model):
    """A day offices are closed beyond the official calendar (air pollution,
    energy shortage, mourning), for the whole country (``province`` empty) or
    for one province and so its counties. Read by :mod:`jahesh.geo.workdays`;
    written only through ``geo.services.closure_add`` / ``closure_remove``,
    which keep the audit trail."""

    on = models.DateField(_("روز تعطیل"))
    province = models.ForeignKey(
        Province,
        verbose_name=_("استان"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        help_text=_("خالی برای سراسر کشور"),
    )
    reason = models.CharField(_("علت"), max_length=200)
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True)
    history = HistoricalRecords()  # who added or removed a closure, and when

    class Meta:
        verbose_name = _("تعطیلی")
        verbose_name_plural = _("تعطیلی‌ها")
        ordering = ["on", "province_id"]
        constraints = [
            models.UniqueConstraint(fields=["on", "province"], name="geo_closure_on_province_uniq"),
            models.UniqueConstraint(
                fields=["on"],
                condition=models.Q(province__isnull=True),
                name="geo_closure_on_country_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.province or _('سراسر کشور')}"


# --- Where a record is: the one shape every app's records use --------------


class InCounty(models.Model):
    """A record of one county (a volunteer, a group, a fund): what every scope
    policy filters on (``ScopePolicy(county="county")``). ``clean()`` checks
    that the record's city or village (:class:`Settled`), if any, lies in it."""

    county = models.ForeignKey(
        County, verbose_name=_("شهرستان"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        errors = {
            name: _("این مکان در شهرستان انتخاب‌شده نیست.")
            for name in ("city", "village")
            if self.county_id is not None
            and getattr(self, f"{name}_id", None) is not None
            and getattr(self, name).county_id != self.county_id
        }
        if errors:
            raise ValidationError(errors)


class Settled(models.Model):
    """The optional city or village of a county's record (a unit, a camp, a
    project). Used beside :class:`InCounty` or :class:`Placed`."""

    city = optional_link(City, _("شهر"))
    village = optional_link(Village, _("روستا"))

    class Meta:
        abstract = True

    @property
    def place(self) -> Village | City | None:
        """The village or the city, whichever is set (at most one is)."""
        return self.village or self.city


class Placed(InCounty):
    """A county's record that also keeps the county's province on its row, so a
    provincial user's lists filter and page on an index of the record's own
    table instead of joining ``geo_county``.

    The province is never chosen: it is the county's. ``save()`` derives it
    (and adds it to ``update_fields`` when the county is saved); writers that
    skip ``save()`` (``bulk_create``) call :meth:`place_all` first.
    """

    province = models.ForeignKey(
        Province,
        verbose_name=_("استان"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.county_id is not None:
            type(self).place_all([self])
            fields = kwargs.get("update_fields")
            if fields is not None and "county" in fields:
                kwargs["update_fields"] = {*fields, "province"}
        super().save(*args, **kwargs)

    @classmethod
    def place_all(cls, records: Iterable[Placed]) -> None:
        """Set each record's province from its county: from the county object
        when it is loaded, else from one query for all the others."""
        field = cls._meta.get_field("county")
        assert isinstance(field, models.ForeignKey)  # InCounty.county
        unknown: list[Placed] = []
        for record in records:
            if record.county_id is None:
                continue
            if field.is_cached(record):
                record.province_id = record.county.province_id
            else:
                unknown.append(record)
        if unknown:
            province_of = dict(
                County.objects.filter(pk__in={r.county_id for r in unknown}).values_list(
                    "pk", "province_id"
                )
            )
            for record in unknown:
                record.province_id = province_of[record.county_id]


class InProvince(models.Model):
    """A record of one province (an expert, a working group, a release of
    figures): what its scope policy filters on (``ScopePolicy(province=
    "province")``). A county's record keeps its province through :class:`Placed`."""

    province = models.ForeignKey(
        Province, verbose_name=_("استان"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
