"""The ``unigate`` command line."""

from __future__ import annotations

from gateway.cli.main import app, main

__all__ = ["app", "main"]
