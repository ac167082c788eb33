"""The hook marker plugins decorate their hook functions with (``@hookimpl``), and the project name it is bound to."""

from __future__ import annotations

import pluggy

PROJECT_NAME = "unigate"
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
