"""Vendor the front-end packages into ``src/jahesh/static/vendor/``.

Run: ``uv run python scripts/vendor_static.py``

Each package is fetched with ``npm pack <name>@<version>`` (npm checks the
tarball against the registry's integrity hash), only the files the pages use
are copied, with the package's licence beside them, and
``static/vendor/VERSIONS.md`` records name, version, licence, integrity and
files. The pages load nothing from a CDN: officials often work on networks
where foreign CDNs are slow or blocked.

To upgrade a package, change its version below, run the script, look at the
pages (``uv run pytest -m browser`` takes screenshots) and commit the result.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "jahesh" / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    version: str
    licence: str
    # (path or glob inside the tarball, destination folder inside vendor/<name>/)
    files: tuple[tuple[str, str], ...]
    licence_files: tuple[str, ...] = ("LICENSE",)
    # The folder under vendor/ when the npm name is scoped ("@owner/name").
    folder: str = ""


# The one place versions are pinned.
PACKAGES: dict[str, Package] = {
    "bootstrap": Package(
        version="5.3.8",
        licence="MIT",
        files=(
            ("dist/css/bootstrap.rtl.min.css", "css"),  # Persian (RTL)
            ("dist/css/bootstrap.min.css", "css"),  # English (LTR)
            ("dist/js/bootstrap.bundle.min.js", "js"),  # includes Popper
        ),
    ),
    "bootstrap-icons": Package(
        version="1.13.1",
        licence="MIT",
        files=(
            ("font/bootstrap-icons.min.css", "font"),
            ("font/fonts/*.woff2", "font/fonts"),
            ("font/fonts/*.woff", "font/fonts"),
        ),
    ),
    "htmx.org": Package(
        version="2.0.8",
        licence="0BSD",
        files=(("dist/htmx.min.js", "dist"),),
    ),
    "echarts": Package(
        version="5.6.0",
        licence="Apache-2.0",
        files=(("dist/echarts.min.js", "dist"),),
        # Apache-2.0 asks that the NOTICE travels with the work.
        licence_files=("LICENSE", "NOTICE"),
    ),
    "vazirmatn": Package(
        version="33.0.3",
        licence="OFL-1.1",
        files=(
            # One variable woff2 serves every weight on the pages.
            ("Vazirmatn-Variable-font-face.css", ""),
            ("fonts/webfonts/Vazirmatn[wght].woff2", "fonts/webfonts"),
            # WeasyPrint (PDF exports) embeds static TTFs.
            ("fonts/ttf/Vazirmatn-Regular.ttf", "fonts/ttf"),
            ("fonts/ttf/Vazirmatn-Bold.ttf", "fonts/ttf"),
        ),
        licence_files=("OFL.txt",),
    ),
    # The API's documentation page (/api/v1/docs, api/templates/api/docs.html).
    "swagger-ui-dist": Package(
        version="5.35.0",
        licence="Apache-2.0",
        files=(
            ("swagger-ui-bundle.js", ""),
            ("swagger-ui.css", ""),
        ),
        # NOTICE for Apache-2.0; the bundle's third-party licences beside it.
        licence_files=("LICENSE", "NOTICE", "swagger-ui-bundle.js.LICENSE.txt"),
    ),
    # The Jalali calendar on every date field (core.forms.JalaliDateInput, wired in
    # js/jahesh.js). No framework, no jQuery; it styles through its CSS file and
    # element.style (allowed by the CSP), never a <style> tag. The minified build
    # only: the unminified one is a webpack dev build full of eval().
    "@majidh1/jalalidatepicker": Package(
        version="0.9.12",
        licence="MIT",
        files=(
            ("dist/jalalidatepicker.min.js", ""),
            ("dist/jalalidatepicker.min.css", ""),
        ),
        folder="jalalidatepicker",
    ),
    # The map of units (units/templates/units/map.html).
    "leaflet": Package(
        version="1.9.4",
        licence="BSD-2-Clause",
        files=(
            ("dist/leaflet.js", "dist"),
            ("dist/leaflet.css", "dist"),
            ("dist/images/*.png", "dist/images"),
        ),
    ),
    "leaflet.markercluster": Package(
        version="1.5.3",
        licence="MIT",
        files=(
            ("dist/leaflet.markercluster.js", "dist"),
            ("dist/MarkerCluster.css", "dist"),
            ("dist/MarkerCluster.Default.css", "dist"),
        ),
        licence_files=("MIT-LICENCE.txt",),
    ),
}

# Minified files (".min" in the name or not) name a source map that is not shipped; browsers (and a manifest
# static storage, if ever used) would ask for it, so the comment is dropped.
_SOURCE_MAP = re.compile(rb"\n?/[*/]# sourceMappingURL=[^\n]*?(\*/)?\s*$")


def npm_pack(name: str, version: str, into: Path) -> tuple[Path, str]:
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(out.stdout)[0]
    return into / info["filename"], info.get("integrity", "")


def _matches(member: str, pattern: str) -> bool:
    # Only "*" is a wildcard: Vazirmatn's file names contain literal brackets.
    if "*" not in pattern:
        return member == pattern
    head, tail = pattern.split("*", 1)
    rest = member[len(head) :] if member.startswith(head) else None
    return rest is not None and "/" not in rest and rest.endswith(tail)


def vendor(name: str, package: Package, work: Path) -> list[str]:
    tarball, integrity = npm_pack(name, package.version, work)
    target = VENDOR / (package.folder or name)
    if target.exists():
        shutil.rmtree(target)
    copied: list[str] = []
    with tarfile.open(tarball) as tar:
        members = {m.name.removeprefix("package/"): m for m in tar.getmembers() if m.isfile()}
        wanted = [(path, dest) for path, dest in package.files]
        wanted += [(path, "") for path in package.licence_files]
        for pattern, dest in wanted:
            hits = sorted(p for p in members if _matches(p, pattern))
            if not hits:
                sys.exit(f"{name}@{package.version}: no file matches {pattern!r}")
            for path in hits:
                data = tar.extractfile(members[path]).read()
                if path.endswith((".js", ".css")):
                    data = _SOURCE_MAP.sub(b"\n", data)
                out = target / dest / Path(path).name
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
                copied.append(str(out.relative_to(target)))
    print(f"{name}@{package.version}: {len(copied)} files")
    _manifest.append((name, package, integrity, copied))
    return copied


_manifest: list[tuple[str, Package, str, list[str]]] = []


def write_versions() -> None:
    lines = [
        "# Vendored front-end packages",
        "",
        "Written by `scripts/vendor_static.py`; do not edit by hand. Each file is",
        "copied unchanged from the npm tarball, except that the `sourceMappingURL`",
        "comment is removed from minified files (their source maps are not shipped).",
        "",
        "| package | version | licence | npm integrity |",
        "|---|---|---|---|",
    ]
    for name, package, integrity, _files in _manifest:
        lines.append(f"| {name} | {package.version} | {package.licence} | `{integrity}` |")
    for name, package, _integrity, files in _manifest:
        lines += ["", f"## {name} {package.version}", ""]
        for rel in sorted(files):
            folder = package.folder or name
            digest = hashlib.sha256((VENDOR / folder / rel).read_bytes()).hexdigest()[:16]
            lines.append(f"- `{folder}/{rel}` (sha256 {digest}…)")
    (VENDOR / "VERSIONS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    if shutil.which("npm") is None:
        sys.exit("npm is needed (apt-get install npm)")
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, package in PACKAGES.items():
            vendor(name, package, Path(tmp))
    write_versions()
    print(f"wrote {VENDOR / 'VERSIONS.md'}")


if __name__ == "__main__":
    main()
