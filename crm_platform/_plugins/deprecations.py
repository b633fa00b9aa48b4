"""Deprecated hooks, made visible: pluggy warns when a plugin implementing a hookspec marked
``warn_on_impl`` is registered, but Python hides a ``DeprecationWarning`` raised outside
``__main__``, so an administrator would never hear of it. Registration here also logs it."""

from __future__ import annotations

import logging
import warnings

import pluggy

log = logging.getLogger("crm.plugins")


def register_and_report(manager: pluggy.PluginManager, plugin: object, slug: str) -> list[str]:
    """Register ``plugin`` (a module) as ``slug``; log, and return, what it does that is deprecated."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DeprecationWarning)
        manager.register(plugin, name=slug)
    notes = []
    for warning in caught:
        if issubclass(warning.category, DeprecationWarning):
            notes.append(str(warning.message))
            log.warning("plugin %s uses a deprecated hook: %s", slug, warning.message)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return notes
