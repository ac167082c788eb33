"""Make the example importable without installing it, and reuse unigate-github's GitHub fake."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parents[2] / "plugins" / "github" / "tests")]
