"""A small reader of gettext .po files: enough to tell which msgids lack a
translation (no dependency for it: the format is a few lines of grammar)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Entry:
    msgid: str
    msgstr: str
    fuzzy: bool
    where: str


def _unquote(line: str) -> str:
    return ast.literal_eval(line)  # a .po string is a C string, as Python reads it


def read_po(path: Path) -> list[Entry]:
    """The live entries of ``path`` (obsolete ``#~`` ones left out); a plural
    entry's msgstr is its forms joined by NUL, empty when any form is."""
    entries: list[Entry] = []
    fields: dict[str, list[str]] = {}
    flags, where, current = "", "", None

    def flush() -> None:
        nonlocal fields, flags, where, current
        if "msgid" in fields:
            forms = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            msgstr = (
                "" if any(not "".join(f) for f in forms) else "\0".join("".join(f) for f in forms)
            )
            entries.append(Entry("".join(fields["msgid"]), msgstr, "fuzzy" in flags, where))
        fields, flags, where, current = {}, "", "", None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            flags += line
        elif line.startswith("#:"):
            where = where or line[2:].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if current is not None:
                fields[current].append(_unquote(line))
        else:
            key, _, rest = line.partition(" ")
            if key == "msgid" and "msgid" in fields:
                flush()
            current = key
            fields[key] = [_unquote(rest)]
    flush()
    return [e for e in entries if e.msgid]  # the header has an empty msgid


def untranslated(path: Path) -> list[Entry]:
    return [e for e in read_po(path) if not e.msgstr or e.fuzzy]
