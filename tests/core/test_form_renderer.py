"""The form renderer builds ``<select>`` in Python: the same HTML, byte for byte,
as Django's templates, for every kind of select the pages use."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import override

from jahesh.core.form_renderer import Renderer, select_html
from jahesh.geo.models import County


class Every(forms.Form):
    plain = forms.ChoiceField(choices=[("", "همه"), ("a", "الف"), ("b", "ب <&> \"'")])
    numbers = forms.TypedChoiceField(choices=[(1, 1), (2, 2), (1500, 1500)], coerce=int)
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("صنعت", [("x", "ایکس"), ("y", "ایگرگ")]), ("z", "زد")]
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    yes_no = forms.NullBooleanField()
    county = forms.ModelChoiceField(queryset=County.objects.order_by("pk"), empty_label="همه")
    empty = forms.ChoiceField(choices=[])
    disabled = forms.ChoiceField(choices=[("a", "A")], disabled=True, required=False)


DATA = {"plain": "b", "numbers": "1500", "grouped": "y", "many": ["a", "c"], "yes_no": "true"}


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound"])
@pytest.mark.parametrize("language", ["fa", "en"])
def test_it_renders_every_select_as_djangos_templates_do(db, geo, bound, language):
    form = Every(DATA | {"county": str(geo["saveh"].pk)} if bound else None)
    with override(language):
        for name in form.fields:
            field = form[name]
            attrs = {"class": "form-select", "aria-describedby": f"id_{name}_help"}
            ours = field.field.widget.render(
                field.html_name, field.value(), attrs=attrs, renderer=Renderer()
            )
            django = field.field.widget.render(
                field.html_name, field.value(), attrs=attrs, renderer=DjangoTemplates()
            )
            assert ours == django, name


def test_it_marks_the_chosen_option_and_escapes_labels():
    html = select_html(
        {
            "name": "q",
            "attrs": {"required": True, "disabled": False, "id": "id_q"},
            "optgroups": [
                (None, [{"value": "a", "label": "<b>", "attrs": {"selected": True},
                         "template_name": "django/forms/widgets/select_option.html"}], 0),
            ],
        }
    )  # fmt: skip
    assert html == (
        '<select name="q" required id="id_q">\n'
        '  <option value="a" selected>&lt;b&gt;</option>\n\n</select>'
    )


def test_it_is_the_projects_form_renderer(settings):
    assert settings.FORM_RENDERER == "jahesh.core.form_renderer.Renderer"
