"""Make the GitHub fakes and the unigate-github-extras example importable (they are not installed packages)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "unigate-github-extras"
EXTRA_PATHS = [str(EXAMPLE), str(EXAMPLE / "tests"), str(ROOT / "plugins" / "github" / "tests")]
sys.path[:0] = [p for p in EXTRA_PATHS if p not in sys.path]
