"""Compile the gettext catalogs (.po → .mo) whenever the package is built.

Runs for wheels and for the editable install that ``uv run`` makes, so nobody
compiles translations by hand and no .mo file is committed.
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root) / "src" / "jahesh"
        for po in root.glob("**/locale/*/LC_MESSAGES/*.po"):
            mo = po.with_suffix(".mo")
            with po.open("rb") as src:
                catalog = read_po(src)
            with mo.open("wb") as dst:
                write_mo(dst, catalog, use_fuzzy=False)
            build_data.setdefault("artifacts", []).append(str(mo.relative_to(self.root)))
