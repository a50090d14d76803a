"""The base of the project's management commands: their texts in the operator's
language.

A command run from the command line speaks Persian, the product's first
language, or the language ``JAHESH_LANGUAGE`` names (``JAHESH_LANGUAGE=en
jahesh backup``). A command's ``help`` is a class attribute, read at import, so
it is a Persian msgid marked with ``gettext_noop`` and translated when the
parser is built; the arguments' help and the output use ``gettext`` where they
are written."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext


class TranslatedCommand(BaseCommand):
    """A command whose texts, its ``help`` too, are in the operator's language."""

    def run_from_argv(self, argv: list[str]) -> None:
        language = os.environ.get("JAHESH_LANGUAGE", "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            super().run_from_argv(argv)

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if self.help:
            parser.description = gettext(self.help)
        return parser
