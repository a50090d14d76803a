from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.scoping import scoped
from jahesh.funds.models import Fund
from jahesh.notifications.bulk import MAX_TEXT, sender_kinds
from jahesh.notifications.models import BulkMessage, Channel, Kind
from jahesh.notifications.services import KINDS_FOR_PREFERENCES, channel_on
from jahesh.volunteers.models import Camp

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PreferencesForm(forms.Form):
    """A checkbox per kind and channel (a global row, kind "", is honoured by
    ``channel_on`` but not offered here: it would hide the rows below it)."""

    def __init__(self, *args: Any, prefs: dict[tuple[str, str], bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[StrOrPromise, list[BoundField]]] = []
        for kind in KINDS_FOR_PREFERENCES:
            label = Kind(kind).label
            cells = []
            for channel in Channel:
                name = f"{kind}__{channel}"
                self.fields[name] = forms.BooleanField(
                    label=f"{label} — {channel.label}",
                    required=False,
                    initial=channel_on(prefs, kind, channel),
                )
                cells.append(name)
            self.rows.append((label, [self[n] for n in cells]))

    def choices(self) -> dict[tuple[str, str], bool]:
        out: dict[tuple[str, str], bool] = {}
        for name, value in self.cleaned_data.items():
            kind, _sep, channel = name.partition("__")
            out[(kind, channel)] = bool(value)
        return out


class BulkForm(forms.Form):
    target = forms.ChoiceField(label=_("مخاطبان"))
    text = forms.CharField(
        label=_("متن پیامک"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("هر پیامک فارسی ۷۰ نویسه است؛ متن بلندتر در چند بخش ۶۷ نویسه‌ای فرستاده می‌شود."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[StrOrPromise, list[tuple[str, str]]]] = []
        kinds = sender_kinds(user)
        if BulkMessage.Audience.FUND in kinds:
            funds = scoped(user, Fund).filter(closed_on__isnull=True).order_by("name")[:500]
            choices.append((_("اعضای صندوق"), [(f"fund:{f.pk}", f.name) for f in funds]))
        if BulkMessage.Audience.CAMP in kinds:
            camps = scoped(user, Camp).order_by("-start_date", "-id")[:500]
            choices.append((_("نیروهای اردو"), [(f"camp:{c.pk}", c.title) for c in camps]))
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [("", "—"), *choices]

    def target_parts(self) -> tuple[str, int]:
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        return kind, int(pk)
