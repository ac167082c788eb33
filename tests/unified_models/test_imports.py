"""``unified_models`` depends on pydantic and the standard library only: never on ``gateway``."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import unified_models

PACKAGE = Path(unified_models.__file__).parent
ALLOWED = {"pydantic", "unified_models"} | set(sys.stdlib_module_names)


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_modules_are_found() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    assert {"common.py", "users.py", "schemas.py", "ticketing/ticket.py"} <= names


def test_no_module_imports_gateway() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        roots = imported_roots(path)
        assert "gateway" not in roots, f"{path} imports gateway"
        assert roots <= ALLOWED, f"{path} imports {sorted(roots - ALLOWED)}"
