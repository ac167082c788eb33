"""Every hook is documented in docs/plugins.md with its exact signature, and exercised by a test of its own."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from gateway import hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "plugins.md").read_text()
HOOK_TESTS = (Path(__file__).with_name("test_hooks.py")).read_text()
HOOKS = sorted(
    name
    for name, value in vars(hookspecs).items()
    if inspect.isfunction(value) and hasattr(value, f"{hookspecs.PROJECT_NAME}_spec")
)


def test_hooks_are_found() -> None:
    assert len(HOOKS) >= 7


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_signature(hook: str) -> None:
    arguments = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    heading = f"### `{hook}({arguments})`"
    assert heading in DOCS, f"docs/plugins.md needs a section headed {heading}"
    section = DOCS.split(heading, 1)[1].split("\n### ", 1)[0]
    assert "```python" in section and "@hookimpl" in section, f"{hook}: the section needs a minimal example"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook: str) -> None:
    assert re.search(rf"def test_hook_\w*{hook}", HOOK_TESTS), f"tests/plugins/test_hooks.py needs test_hook_{hook}"
