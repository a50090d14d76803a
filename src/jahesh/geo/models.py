"""Iran's administrative divisions, loaded from django-iranian-cities' data files.

Primary keys are the ids of those files, so a reload updates rows in place and
references from other tables stay valid. Every name has a normalised key
(``jahesh.core.text.normalize_key``) used for search and for matching names in
imports.
"""

from __future__ import annotations

from django.db import models


class Place(models.Model):
    id = models.IntegerField(primary_key=True)
    name = models.CharField("نام", max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    code = models.CharField("کد", max_length=20, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Province(Place):
    class Meta(Place.Meta):
        verbose_name = "استان"
        verbose_name_plural = "استان‌ها"


class County(Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="counties")

    class Meta(Place.Meta):
        verbose_name = "شهرستان"
        verbose_name_plural = "شهرستان‌ها"


class District(Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="districts")

    class Meta(Place.Meta):
        verbose_name = "بخش"
        verbose_name_plural = "بخش‌ها"


class DeprivationMixin(models.Model):
    is_deprived = models.BooleanField("محروم", default=False, db_index=True)
    deprivation_index = models.DecimalField(
        "شاخص محرومیت", max_digits=6, decimal_places=2, null=True, blank=True
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
        verbose_name = "شهر"
        verbose_name_plural = "شهرها"


class RuralDistrict(Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="rural_districts")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="rural_districts", null=True, blank=True
    )

    class Meta(Place.Meta):
        verbose_name = "دهستان"
        verbose_name_plural = "دهستان‌ها"


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
        verbose_name = "روستا"
        verbose_name_plural = "روستاها"
        indexes = [
            models.Index(fields=["code"], name="geo_village_code_idx"),
            # Serves every list of villages in name order (the admin's 98,000-row
            # changelist, the API): a page is read off the index, never a sort.
            models.Index(fields=["name", "id"], name="geo_village_name_id_idx"),
        ]
