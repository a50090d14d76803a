"""The form renderer (``FORM_RENDERER``): Django's, with ``<select>`` built in Python
and number boxes that take Persian digits on Persian pages.

Django renders a select's every option through two template includes (the
option, then its attributes), so a filter bar of eight selects was half the
template nodes of the units list, and a county picker of 448 counties costs
nearly a thousand. This renderer builds the same HTML, byte for byte, in Python
for selects whose templates are Django's own; any other template (and a widget
that names its own) goes through Django's templates as before.
``tests/core/test_form_renderer.py`` compares the two on every kind of select.

A browser's ``<input type="number">`` shows Latin digits and refuses the ones a
Persian keyboard types, so on a Persian page a number box is a text box with a
numeric keypad (``inputmode``), its value in Persian digits; Django's integer
and decimal fields parse Persian and Arabic digits as they are (``int`` and
``Decimal`` read any Unicode digit), and ``static/js/jahesh.js`` keeps typed
digits Persian and turns the Persian decimal separator «٫» into ".".
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jahesh.core.digits import to_persian_digits

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
NUMBER = "django/forms/widgets/number.html"
INPUT = "django/forms/widgets/input.html"


class Renderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if template_name == SELECT and widget is not None:
            _dash_to_em_dash(widget)
        if template_name == SELECT and widget is not None and _plain(widget):
            return select_html(widget)
        if template_name == NUMBER and widget is not None and _persian_page():
            return super().render(INPUT, {**context, "widget": persian_number(widget)}, request)
        return super().render(template_name, context, request)


def _persian_page() -> bool:
    return (get_language() or "").startswith("fa")


# The browser checks nothing on a text box, and every form is novalidate: the
# field's own validation speaks (in the page's language) on the server.
_NUMBER_ONLY = ("min", "max", "step")


def persian_number(widget: dict[str, Any]) -> dict[str, Any]:
    """A number widget's context as a text box for Persian digits: the numeric
    keypad (the decimal one where the field takes fractions), left to right,
    ``data-jh-number`` for the script, the value in Persian digits."""
    attrs = {k: v for k, v in widget["attrs"].items() if k not in _NUMBER_ONLY}
    whole = widget["attrs"].get("step") in (None, 1, "1")
    attrs.update({"inputmode": "numeric" if whole else "decimal", "dir": "ltr"})
    attrs["data-jh-number"] = True
    value = widget["value"]
    return {
        **widget,
        "type": "text",
        "attrs": attrs,
        "value": to_persian_digits(value) if value is not None else None,
    }


# Django's empty choice of a select is «---------»; the pages write an empty
# value as «—» (one style of empty everywhere).
DJANGO_BLANK = "---------"
EMPTY_LABEL = "—"


def _dash_to_em_dash(widget: dict[str, Any]) -> None:
    for _group, options, _index in widget["optgroups"]:
        for option in options:
            if option["label"] == DJANGO_BLANK:
                option["label"] = EMPTY_LABEL


def _plain(widget: dict[str, Any]) -> bool:
    return all(
        option["template_name"] == OPTION
        for _group, options, _index in widget["optgroups"]
        for option in options
    )


def attrs_html(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: `` name="value"`` per attribute, `` name`` for
    True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict[str, Any]) -> SafeString:
    """Django's ``select.html`` with ``select_option.html`` for each option
    (whose file ends in a newline), stripped as the renderer strips it."""
    parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], mark_safe(attrs_html(widget["attrs"])))]  # fmt: skip
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(format_html('\n  <optgroup label="{}">', localize(group)))
        for option in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    mark_safe(attrs_html(option["attrs"])),
                    localize(option["label"]),  # as a template shows a number
                )
            )
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts).strip())
