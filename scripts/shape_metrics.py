"""The shape figures of issue 13, measured the same way before and after.

    uv run python scripts/shape_metrics.py [--duplicates] [--mypy]

Counts imports written inside function bodies (with the ones that carry a
reason comment on the same or previous line), the largest modules, the state
machines (transition tables, and how many run through core.workflow), and the
test-to-source line ratio; with --duplicates, the pairs the `duplicates`
command reports over src/ without migrations; with --mypy, mypy's error count.
Migrations are left out everywhere.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "jahesh"
TESTS = ROOT / "tests"


def python_files(base: Path) -> list[Path]:
    return sorted(p for p in base.rglob("*.py") if "migrations" not in p.parts)


def code_lines(path: Path) -> int:
    """Physical lines, as `wc -l` counts them."""
    return len(path.read_text(encoding="utf-8").splitlines())


def _has_reason(lines: list[str], lineno: int) -> bool:
    """A comment on the import's line, or just above the block of imports it is in."""
    if "#" in lines[lineno - 1]:
        return True
    i = lineno - 2
    while i >= 0:
        above = lines[i].strip()
        if "#" in above:
            return True
        if above and not (above.startswith(("from ", "import ", ")")) or above.endswith(",")):
            return False
        i -= 1
    return False


def inner_imports(path: Path) -> list[tuple[int, bool]]:
    """(line, has a reason comment) of every import inside a function body."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found: list[tuple[int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child.lineno, _has_reason(lines, child.lineno)))
            visit(child, inside)

    visit(ast.parse(text), False)
    return found


def state_machines(paths: list[Path]) -> tuple[int, int]:
    """Transition tables (a module-level name ending in TRANSITIONS) and the
    machines declared as a ``core.workflow.Workflow`` that run them."""
    tables = engines = 0
    for path in paths:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            for target in targets:
                if isinstance(target, ast.Name) and target.id.endswith("TRANSITIONS"):
                    tables += 1
            value = getattr(node, "value", None)
            if (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id == "Workflow"
            ):
                engines += 1
    return tables, engines


def duplicate_pairs() -> str:
    """Run `duplicates` on a copy of src/ without migrations (it reads a folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(SRC, Path(tmp) / "jahesh", ignore=shutil.ignore_patterns("migrations"))
        out = subprocess.run(
            ["duplicates", "--seconds", "300", "--most", "1"],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    return out.splitlines()[0] if out else "duplicates: no output"


def mypy_errors() -> str:
    out = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    last = out.strip().splitlines()[-1] if out.strip() else ""
    m = re.search(r"Found (\d+) errors?", last)
    return m.group(1) if m else ("0" if "Success" in last else last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duplicates", action="store_true")
    parser.add_argument("--mypy", action="store_true")
    parser.add_argument("--list", action="store_true", help="list every import inside a function")
    args = parser.parse_args()

    src = python_files(SRC)
    tests = python_files(TESTS)
    src_lines = {p: code_lines(p) for p in src}
    test_lines = sum(code_lines(p) for p in tests)

    total = reasoned = 0
    files = 0
    for p in src:
        found = inner_imports(p)
        if found:
            files += 1
        total += len(found)
        reasoned += sum(1 for _, r in found if r)
        if args.list:
            for line, r in found:
                print(f"  {p.relative_to(ROOT)}:{line}{'' if r else '  (no reason)'}")
    print(f"imports inside functions: {total} in {files} files ({reasoned} with a reason comment)")
    print("largest modules (lines):")
    for p, n in sorted(src_lines.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {n:5d}  {p.relative_to(ROOT)}")
    tables, engines = state_machines(src)
    print(f"state machines: {tables} transition tables, {engines} run by core.workflow")
    src_total = sum(src_lines.values())
    print(
        f"source {src_total} lines, tests {test_lines} lines, ratio {test_lines / src_total:.2f}x"
    )
    if args.duplicates:
        print(f"duplicates (src without migrations): {duplicate_pairs()}")
    if args.mypy:
        print(f"mypy errors: {mypy_errors()}")


if __name__ == "__main__":
    main()
