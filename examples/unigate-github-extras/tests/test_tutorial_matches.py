"""docs/tutorial-extend-github.md shows this example's files: each ``<!-- file: PATH -->`` block equals the file,
and every module of the package is shown."""

from __future__ import annotations

import re
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1]
TUTORIAL = EXAMPLE.parents[1] / "docs" / "tutorial-extend-github.md"
BLOCK = re.compile(r"<!-- file: (?P<path>\S+) -->\n```[a-z]*\n(?P<code>.*?)```\n", re.DOTALL)


def test_each_code_block_is_the_examples_file() -> None:
    blocks = {m["path"]: m["code"] for m in BLOCK.finditer(TUTORIAL.read_text())}
    assert len(blocks) >= 8, sorted(blocks)
    for path, code in blocks.items():
        assert code == (EXAMPLE / path).read_text(), f"{path} differs from the tutorial's block; copy one to the other"
    modules = {str(p.relative_to(EXAMPLE)) for p in (EXAMPLE / "unigate_github_extras").glob("*.py")}
    assert modules <= set(blocks), f"modules the tutorial does not show: {sorted(modules - set(blocks))}"


def test_the_plugin_imports_nothing_from_gateway_but_the_public_module() -> None:
    for path in (EXAMPLE / "unigate_github_extras").glob("*.py"):
        imports = re.findall(r"^(?:from|import) (gateway\S*)", path.read_text(), re.MULTILINE)
        assert set(imports) <= {"gateway.provider"}, f"{path.name} imports {imports}"
