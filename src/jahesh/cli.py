"""The ``jahesh`` console script: Django's manage.py plus the project's commands."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jahesh.settings")
    # Django is imported once the settings module is named.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jahesh", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
