"""``{% board_cards col %}``: a board column's cards as one string.

A card rendered by the template engine was a dozen nodes (about 0.3 ms a card on
the demo machine, 108 cards a board: most of the page, bench/clinic_board.py);
here a column is one node and each card one ``format_html``, the same HTML.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext

from jahesh.clinic.selectors import BoardCard
from jahesh.core.digits import to_persian_digits
from jahesh.core.templatetags.jahesh import jdate, pk_url

register = template.Library()

CARD = (
    '\n      <li class="list-group-item{}">\n'
    '        <a href="{}" class="fw-semibold">#{} {}</a>\n'
    "        <div>{} · {} {}</div>\n"
    '        <div class="text-secondary">{}{}</div>\n'
    "      </li>"
)


@register.simple_tag
def board_cards(cards: list[BoardCard]) -> SafeString:
    if not cards:
        return format_html(
            '\n      <li class="list-group-item text-secondary">{}</li>', gettext("خالی")
        )
    severity, no_expert, due = gettext("شدت"), gettext("بدون کارشناس"), gettext("مهلت")
    return format_html_join(
        "",
        CARD,
        (
            (
                " list-group-item-danger" if card.late else "",
                pk_url("clinic:case_detail", card.pk),
                to_persian_digits(card.pk),
                Truncator(card.unit).chars(28),
                card.category,
                severity,
                to_persian_digits(card.severity),
                card.expert or no_expert,
                f" · {due} {jdate(card.due_at)}" if card.due_at else "",
            )
            for card in cards
        ),
    )
