"""mypy with a ratchet: no file may have more errors than the baseline allows.

    uv run python scripts/mypy_ratchet.py            # CI: fail on a new error
    uv run python scripts/mypy_ratchet.py --update   # after fixing some: lower the baseline

The configuration (pyproject.toml, [tool.mypy]) asks every function to be
annotated and checks jahesh.core and jahesh.accounts strictly; the errors of
the code written before are counted per file in mypy-baseline.json. A file's
count may only go down: new code is typed and type-correct, and the old
errors are fixed file by file (--update writes the lower counts).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.json"
ERROR = re.compile(r"^(?P<file>[^:]+):\d+: error:")


def run_mypy() -> tuple[Counter[str], str]:
    out = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    counts: Counter[str] = Counter()
    for line in out.splitlines():
        m = ERROR.match(line)
        if m:
            counts[m["file"]] += 1
    return counts, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the current counts")
    args = parser.parse_args()
    counts, out = run_mypy()
    if "error:" not in out and "Success" not in out:
        print(out)
        return 2
    allowed: dict[str, int] = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    if args.update:
        BASELINE.write_text(json.dumps(dict(sorted(counts.items())), indent=1) + "\n")
        print(f"mypy-baseline.json: {sum(counts.values())} errors in {len(counts)} files")
        return 0
    worse = {f: n for f, n in counts.items() if n > allowed.get(f, 0)}
    for f, n in sorted(worse.items()):
        print(f"{f}: {n} mypy errors, the baseline allows {allowed.get(f, 0)}")
        for line in out.splitlines():
            if line.startswith(f + ":"):
                print("  " + line)
    better = sum(max(0, n - counts.get(f, 0)) for f, n in allowed.items())
    print(
        f"mypy: {sum(counts.values())} errors (baseline {sum(allowed.values())}); "
        f"{better} fixed since the baseline" + ("; run with --update to lower it" if better else "")
    )
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
