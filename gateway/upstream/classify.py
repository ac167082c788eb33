"""What an upstream failure means: the provider's own classification first, then plugins', then the default table."""

from __future__ import annotations

from typing import Any

import pluggy

from gateway.provider import ErrorResolution, UpstreamError


class ErrorClassifier:
    """Asks, in order: ``Provider.classify_error``, plugins' ``classify_upstream_error``, Unigate's default plugins."""

    def __init__(self, plugins: pluggy.PluginManager, default_plugins: list[object]) -> None:
        self.specific = plugins.subset_hook_caller("classify_upstream_error", remove_plugins=default_plugins)
        self.everything = plugins.hook.classify_upstream_error

    def __call__(self, provider: Any, error: UpstreamError) -> tuple[ErrorResolution | None, bool]:
        """The resolution, and whether it is specific (the provider's or a plugin's) rather than Unigate's default."""
        resolution: ErrorResolution | None = provider.classify_error(error) if provider is not None else None
        if resolution is None:
            resolution = self.specific(provider=provider, error=error)
        if resolution is not None:
            return resolution, True
        default: ErrorResolution | None = self.everything(provider=provider, error=error)
        return default, False


def wants_refresh(status: int | None, resolution: ErrorResolution | None) -> bool:
    """A 401, or an answer the provider says means expired credentials (e.g. Linear's HTTP 400 errors)."""
    return status == 401 or (resolution is not None and resolution.action == "refresh_and_retry")
