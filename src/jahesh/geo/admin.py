"""Geography in the admin, in Persian: search by the normalised name key (or an
exact code), filters by province and county, deprivation flags edited in the
list or in bulk, and an upload page for a file of deprived places.

Villages are ~98,000 rows: the changelist never counts the whole table
(``show_full_result_count``), joins its foreign keys in the one query
(``list_select_related``), and filters only on indexed columns (the foreign
keys and ``is_deprived``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jahesh.core.errors import ApplicationError
from jahesh.core.text import normalize_key
from jahesh.geo.models import City, County, District, Province, RuralDistrict, Village
from jahesh.geo.services import geo_import_deprived, place_save, place_set_deprived


class PlaceAdmin(admin.ModelAdmin):
    search_fields = ["name_key", "=code"]
    list_display = ["name", "code"]
    list_per_page = 50
    show_full_result_count = False
    # Total order (name, then id) so the changelist adds no "-pk" and reads its
    # page off the (name, id) index.
    ordering = ["name", "id"]

    def get_search_results(self, request, queryset, search_term):
        # «كرمانشاه» finds «کرمانشاه»: the term is normalised like the stored key.
        return super().get_search_results(request, queryset, normalize_key(search_term))

    def save_model(self, request, obj, form, change):
        place_save(place=obj)


class CountyFilter(admin.SimpleListFilter):
    """Counties of the province chosen in the province filter (448 in all would
    make an unusable list)."""

    title = gettext_lazy("شهرستان")
    parameter_name = "county__id__exact"

    def lookups(self, request, model_admin):
        province = request.GET.get("province__id__exact")
        if not province or not province.isdigit():
            return []
        return list(County.objects.filter(province_id=province).values_list("id", "name"))

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(county_id=value) if value and value.isdigit() else queryset


@admin.register(Province)
class ProvinceAdmin(PlaceAdmin):
    pass


@admin.register(County)
class CountyAdmin(PlaceAdmin):
    list_display = ["name", "province", "code"]
    list_filter = ["province"]
    list_select_related = ["province"]
    autocomplete_fields = ["province"]


@admin.register(District)
class DistrictAdmin(PlaceAdmin):
    list_display = ["name", "county", "province", "code"]
    list_filter = ["province", CountyFilter]
    list_select_related = ["province", "county"]
    autocomplete_fields = ["province", "county"]


@admin.register(RuralDistrict)
class RuralDistrictAdmin(PlaceAdmin):
    list_display = ["name", "district", "county", "province", "code"]
    list_filter = ["province", CountyFilter]
    list_select_related = ["province", "county", "district"]
    autocomplete_fields = ["province", "county", "district"]


@admin.action(description=gettext_lazy("علامت‌گذاری به‌عنوان محروم"))
def mark_deprived(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = place_set_deprived(queryset=queryset, deprived=True)
    modeladmin.message_user(request, _("{n} مورد محروم علامت خورد.").format(n=changed))


@admin.action(description=gettext_lazy("برداشتن علامت محرومیت"))
def unmark_deprived(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = place_set_deprived(queryset=queryset, deprived=False)
    modeladmin.message_user(request, _("علامت محرومیت {n} مورد برداشته شد.").format(n=changed))


class DeprivedPlaceAdmin(PlaceAdmin):
    list_editable = ["is_deprived"]
    actions = [mark_deprived, unmark_deprived]


@admin.register(City)
class CityAdmin(DeprivedPlaceAdmin):
    list_display = ["name", "county", "province", "code", "is_deprived", "deprivation_index"]
    list_filter = ["is_deprived", "province", CountyFilter]
    list_select_related = ["province", "county"]
    autocomplete_fields = ["province", "county", "district"]


class DeprivedImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("پرونده"),
        help_text=gettext_lazy(
            "CSV یا XLSX با ستون «کد» (کد روستا یا شهر) و در صورت نیاز «شاخص محرومیت»."
        ),
    )
    mark = forms.TypedChoiceField(
        label=gettext_lazy("کار"),
        choices=[
            ("1", gettext_lazy("علامت‌گذاری به‌عنوان محروم")),
            ("0", gettext_lazy("برداشتن علامت محرومیت")),
        ],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("فقط بررسی (چیزی ذخیره نشود)"), required=False, initial=True
    )


@admin.register(Village)
class VillageAdmin(DeprivedPlaceAdmin):
    list_display = [
        "name",
        "rural_district",
        "county",
        "province",
        "code",
        "is_deprived",
        "deprivation_index",
    ]
    list_filter = ["is_deprived", "province", CountyFilter]
    list_select_related = ["province", "county", "rural_district"]
    autocomplete_fields = ["province", "county", "district", "rural_district"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_deprived_view)
        return [
            path("import-deprived/", view, name="geo_village_import_deprived"),
            *super().get_urls(),
        ]

    def import_deprived_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file of deprived village/city codes; show the report."""
        if not (
            self.has_change_permission(request)
            and self.admin_site.get_model_admin(City).has_change_permission(request)
        ):
            raise PermissionDenied
        report = None
        form = DeprivedImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = geo_import_deprived(
                    file=upload,
                    filename=upload.name,
                    mark=form.cleaned_data["mark"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ApplicationError as exc:
                form.add_error("file", str(exc.message))
            else:
                level = messages.SUCCESS if report.ok else messages.WARNING
                self.message_user(request, report.summary(), level)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("بارگذاری فهرست روستاها و شهرهای محروم"),
            "form": form,
            "report": report,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/geo/import_deprived.html", context)
