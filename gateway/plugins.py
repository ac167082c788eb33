"""The plugin manager: built-in plugins first, then the ``unigate`` entry points, then plugins given by the caller.

``create_plugin_manager`` returns a new manager each time (no global), so tests build isolated ones.
``UNIGATE_LOAD_PLUGINS=a,b`` loads only those entry points, ``UNIGATE_DISABLE_PLUGINS=a,b`` blocks them, and
``UNIGATE_TRACE_PLUGINS=1`` logs every hook call. A hook implementation without a specification (a typo) fails.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

import pluggy

from gateway import hookspecs
from gateway.provider import hookimpl as hookimpl  # re-exported: plugins may import it from here

ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME
DEFAULT_PLUGINS = ("gateway.default_plugins.error_classifier", "gateway.default_plugins.idle_refresh")

logger = logging.getLogger("unigate.plugins")


class PluginError(Exception):
    """Plugins cannot be loaded as configured; the message names the plugin and the fix."""


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def create_plugin_manager(
    *,
    load_entrypoints: bool = True,
    only: str | None = None,
    disabled: str | None = None,
    extra: Sequence[object] = (),
    trace: bool = False,
) -> pluggy.PluginManager:
    """A new plugin manager; ``only``/``disabled`` are comma-separated entry-point names."""
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    for name in _split(disabled):
        pm.set_blocked(name)
    if load_entrypoints:
        wanted = _split(only)
        if wanted:
            available = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
            for name in wanted:
                if name not in available:
                    raise PluginError(
                        f"UNIGATE_LOAD_PLUGINS names {name!r}, which is not installed; installed: "
                        f"{', '.join(sorted(available)) or 'none'}"
                    )
                pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
        else:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra:
        pm.register(plugin)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"{exc}; check the hook's name against docs/plugins.md") from None
    if trace:
        pm.trace.root.setwriter(lambda message: logger.info("%s", message.rstrip()))
        pm.enable_tracing()
    return pm


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str
    version: str | None
    hooks: tuple[str, ...]
    entry_point: str | None = None  # ``name = module`` in the ``unigate`` group; None for built-ins and extras


def distribution_of(pm: pluggy.PluginManager, plugin: object) -> tuple[str, str | None]:
    """The distribution (and version) a plugin came from: its entry point's, or Unigate's for built-ins."""
    for registered, dist in pm.list_plugin_distinfo():
        if registered is plugin:
            return dist.project_name, dist.version
    module = plugin if isinstance(plugin, ModuleType) else type(plugin)
    top = getattr(module, "__name__", "") if isinstance(module, ModuleType) else module.__module__
    if top.split(".")[0] == "gateway":
        return "unigate", importlib.metadata.version("unigate")
    return pm.get_name(plugin) or repr(plugin), None


def _entry_point(pm: pluggy.PluginManager, plugin: object, name: str) -> str | None:
    for registered, dist in pm.list_plugin_distinfo():
        if registered is plugin:
            for entry in dist.entry_points:
                if entry.group == ENTRY_POINT_GROUP and entry.name == name:
                    return f"{entry.name} = {entry.value}"
    return None


def plugin_infos(pm: pluggy.PluginManager) -> list[PluginInfo]:
    infos = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        dist, version = distribution_of(pm, plugin)
        hooks = tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or []))
        infos.append(PluginInfo(name, dist, version, hooks, _entry_point(pm, plugin, name)))
    return infos
