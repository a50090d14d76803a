"""Form fields every app uses for a place: a county limited to where the user
works, and a village or city of that county whose options arrive by HTMX when
the county changes.

    class VisitForm(forms.Form):
        def __init__(self, *args, user, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["county"] = CountyChoiceField(user=user)
            self.fields["village"] = VillageChoiceField()   # follows "county"
            bind_places(self)          # limit village/city to the bound county

A village or city of another county is then simply not a valid choice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.forms import BaseForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.places import counties_for_user
from jahesh.core.forms import JalaliDateField
from jahesh.geo.models import City, County, Province, Village


class CountyChoiceField(forms.ModelChoiceField):
    """A county among those the user may record things in (``counties_for_user``).

    Counties are labelled with their province when the choice spans provinces
    («تهران» is a county and a province).
    """

    def __init__(self, *, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("شهرستان"))
        kwargs.setdefault("empty_label", _("— شهرستان —"))
        super().__init__(queryset=counties_for_user(user), **kwargs)
        self._many_provinces = (
            user is not None
            and not getattr(user, "province_id", None)
            and not getattr(user, "county_id", None)
        )

    def label_from_instance(self, obj: County) -> str:
        if self._many_provinces:
            return f"{obj.name} ({obj.province.name})"
        return obj.name


class PlaceSelect(forms.Select):
    """A select that reloads its options from ``geo:place_options`` whenever the
    county select of the same form (and the same prefix) changes."""

    def __init__(self, *, kind: str, county_field: str = "county", attrs=None) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.county_field = county_field

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        prefix = name.rsplit("-", 1)[0] + "-" if "-" in name else ""
        county_name = prefix + self.county_field
        query = urlencode({"kind": self.kind, "field": county_name})
        widget_attrs = context["widget"]["attrs"]
        county_selector = f'[name="{county_name}"]'
        widget_attrs.update(
            {
                "hx-get": f"{reverse('geo:place_options')}?{query}",
                "hx-trigger": f"change from:{county_selector}",
                "hx-include": county_selector,
                "hx-swap": "innerHTML",
            }
        )
        return context


class _PlaceChoiceField(forms.ModelChoiceField):
    model: type
    kind: str
    default_label: Any  # lazy Persian: the label and the empty choice, unless given
    default_empty_label: Any

    def __init__(self, *, county_field: str = "county", **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", self.default_label)
        kwargs.setdefault("empty_label", self.default_empty_label)
        super().__init__(
            queryset=self.model.objects.none(),
            widget=PlaceSelect(kind=self.kind, county_field=county_field),
            **kwargs,
        )
        self.county_field = county_field

    def limit_to_county(self, county_id: int | None) -> None:
        """Offer (and accept) the places of ``county_id`` only; none without a county."""
        if county_id is None:
            self.queryset = self.model.objects.none()
        else:
            self.queryset = self.model.objects.filter(county_id=county_id).order_by("name")


class VillageChoiceField(_PlaceChoiceField):
    model = Village
    kind = "village"
    default_label = _("روستا")
    default_empty_label = _("— روستا —")


class CityChoiceField(_PlaceChoiceField):
    model = City
    kind = "city"
    default_label = _("شهر")
    default_empty_label = _("— شهر —")


def bind_places(form: BaseForm) -> None:
    """Limit every village/city field of ``form`` to the county the form holds
    (its submitted data, else its initial value or instance)."""
    for field in form.fields.values():
        if isinstance(field, _PlaceChoiceField):
            field.limit_to_county(_county_id(form, field.county_field))


def _county_id(form: BaseForm, county_field: str) -> int | None:
    if form.is_bound:
        value = form.data.get(form.add_prefix(county_field))
    else:
        value = form.initial.get(county_field)
        instance = getattr(form, "instance", None)
        if value is None and instance is not None:
            value = getattr(instance, f"{county_field}_id", None)
    if isinstance(value, County):
        return value.pk
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class ClosureForm(forms.Form):
    """A closure day for the country (no province) or one province (the admins' page)."""

    on = JalaliDateField(label=_("روز تعطیل"))
    province = forms.ModelChoiceField(
        label=_("استان"),
        required=False,
        queryset=Province.objects.order_by("name"),
        empty_label=_("سراسر کشور"),
    )
    reason = forms.CharField(label=_("علت"), max_length=200)
