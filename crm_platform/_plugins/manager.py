"""The plugin host: validates, orders and registers plugins, collects what they register, and
calls runtime hooks on the enabled ones.

One broken plugin never stops the app: a plugin that fails to import, names a hook that does
not exist, depends on a missing plugin, raises in a registration hook or claims a key another
plugin already holds is recorded as failed, with the reason, and left out.
"""

from __future__ import annotations

import heapq
import inspect
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import crm_hookspecs
import pluggy
from crm_hookspecs import types as t

from crm_platform._plugins.deprecations import register_and_report
from crm_platform._plugins.discovery import Candidate
from crm_platform._plugins.registration import (
    REGISTRATION_HOOKS,
    PluginConflictError,
    RegistrationError,
    misspelled_hooks,
    registered_items,
)

log = logging.getLogger("crm.plugins")

CORE = "core"


@dataclass
class PluginRecord:
    """What ``crm plugins list`` and ``GET /api/v1/plugins`` show about one plugin."""

    slug: str
    distribution: str | None = None
    version: str | None = None
    label: str = ""
    description: str = ""
    depends_on: tuple[str, ...] = ()
    priority: int = 100
    error: str | None = None
    module: ModuleType | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass(frozen=True)
class Owned:
    """A registered item and the plugin that registered it."""

    slug: str
    item: Any


def _plugin_info(module: ModuleType, slug: str) -> t.PluginInfo:
    function = getattr(module, "crm_plugin_info", None)
    info = function() if function else None
    if info is None:
        return t.PluginInfo(label=slug)
    if not isinstance(info, t.PluginInfo):
        raise TypeError(f"crm_plugin_info returned {type(info).__name__}, expected PluginInfo")
    return info


def _ordered(records: dict[str, PluginRecord]) -> list[str]:
    """Dependencies first, then lower priority, then slug; fails plugins whose dependencies
    are missing, failed or circular."""
    changed = True
    while changed:
        changed = False
        for record in records.values():
            if record.failed:
                continue
            for dependency in record.depends_on:
                other = records.get(dependency)
                if other is None or other.failed:
                    why = "is not installed" if other is None else "failed to load"
                    record.error = f"depends on plugin {dependency!r}, which {why}"
                    changed = True
                    break
    usable = {slug: record for slug, record in records.items() if not record.failed}
    waiting = {slug: set(record.depends_on) for slug, record in usable.items()}
    ready = [(record.priority, slug) for slug, record in usable.items() if not waiting[slug]]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, slug = heapq.heappop(ready)
        order.append(slug)
        for other, needs in waiting.items():
            if slug in needs:
                needs.discard(slug)
                if not needs:
                    heapq.heappush(ready, (usable[other].priority, other))
    for slug in usable.keys() - set(order):
        records[slug].error = f"circular dependency among {', '.join(sorted(usable.keys() - set(order)))}"
    return order


def _reason(exc: Exception) -> str:
    # Our own errors already say what is wrong; anything else is named by its type.
    if isinstance(exc, (PluginConflictError, RegistrationError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


_SERIALS = itertools.count(1)


class PluginHost:
    """Plugins, validated and ordered, with what they registered."""

    def __init__(self, candidates: Iterable[Candidate], core: ModuleType) -> None:
        self.records: dict[str, PluginRecord] = {CORE: PluginRecord(CORE, label="Core", priority=0)}
        self.enabled: set[str] = set()
        # When ``enabled`` was last read from the database (time.monotonic()).
        self.enabled_read_at = 0.0
        # Unique in the process, for caches keyed by host: an id() is reused once a host is gone.
        self.serial = next(_SERIALS)
        for candidate in candidates:
            self.records[candidate.slug] = self._validate(candidate)
        self.order = [CORE, *(slug for slug in _ordered(self._plugins()) if slug != CORE)]
        self.records[CORE].module = core
        self.pm = pluggy.PluginManager(crm_hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(crm_hookspecs.hookspecs)
        # pluggy calls the last registered first: register in reverse so ``order`` is call order.
        for slug in reversed(self.order):
            self.pm.register(self.records[slug].module, name=slug)
        self.contributions: dict[str, list[Owned]] = {hook: [] for hook in REGISTRATION_HOOKS}
        for slug in list(self.order):
            self._collect(slug)

    def _plugins(self) -> dict[str, PluginRecord]:
        return {slug: record for slug, record in self.records.items() if slug != CORE}

    @staticmethod
    def _validate(candidate: Candidate) -> PluginRecord:
        record = PluginRecord(
            candidate.slug, candidate.distribution, candidate.version, error=candidate.error
        )
        if record.failed or candidate.module is None:
            return record
        record.module = candidate.module
        try:
            unknown = misspelled_hooks(candidate.module)
            if unknown:
                raise RegistrationError(
                    f"unknown hook {unknown[0]!r}; the hooks are listed in docs/plugins.md"
                )
            trial = pluggy.PluginManager(crm_hookspecs.PROJECT_NAME)
            trial.add_hookspecs(crm_hookspecs.hookspecs)
            register_and_report(trial, candidate.module, candidate.slug)
            trial.check_pending()
            info = _plugin_info(candidate.module, candidate.slug)
        except Exception as exc:
            record.error = _reason(exc)
            log.error("plugin %s skipped: %s", candidate.slug, record.error)
            return record
        record.label, record.description = info.label, info.description
        record.depends_on, record.priority = tuple(info.depends_on), info.priority
        return record

    def _collect(self, slug: str) -> None:
        """Take everything ``slug`` registers, or nothing if any of it is wrong."""
        module = self.records[slug].module
        # Dependencies are collected first, so one that failed here is known by now.
        broken = [
            dependency for dependency in self.records[slug].depends_on if self.records[dependency].failed
        ]
        if broken:
            self._fail(slug, f"depends on plugin {broken[0]!r}, which failed to load")
            return
        staged: dict[str, list[Any]] = {}
        try:
            for hook in REGISTRATION_HOOKS:
                if (
                    getattr(module, hook, None) is not None
                    and self.pm.parse_hookimpl_opts(module, hook) is not None
                ):
                    staged[hook] = registered_items(hook, getattr(module, hook), slug)
            self._check_conflicts(slug, staged)
        except Exception as exc:
            if slug == CORE:
                raise
            self._fail(slug, _reason(exc))
            return
        for hook, items in staged.items():
            self.contributions[hook].extend(Owned(slug, item) for item in items)

    def _check_conflicts(self, slug: str, staged: dict[str, list[Any]]) -> None:
        for hook, items in staged.items():
            key_of = REGISTRATION_HOOKS[hook].key
            if key_of is None:
                continue
            held = {key_of(owned.item): owned.slug for owned in self.contributions[hook]}
            for item in items:
                key = key_of(item)
                if key in held:
                    what = hook.removeprefix("crm_").rstrip("s").replace("_", " ")
                    raise PluginConflictError(what, key, held[key], slug)
                held[key] = slug

    def _fail(self, slug: str, reason: str) -> None:
        log.error("plugin %s skipped: %s", slug, reason)
        self.records[slug].error = reason
        self.order.remove(slug)
        self.pm.unregister(name=slug)

    # --- what is on ------------------------------------------------------------------------

    def is_active(self, slug: str) -> bool:
        """Loaded, enabled, and with every dependency active."""
        if slug == CORE:
            return True
        record = self.records.get(slug)
        if record is None or record.failed or slug not in self.enabled:
            return False
        return all(self.is_active(dependency) for dependency in record.depends_on)

    @property
    def loaded(self) -> list[str]:
        """Plugins that loaded (enabled or not), in order, without the core."""
        return [slug for slug in self.order if slug != CORE]

    def items(self, hook: str, *, include_disabled: bool = False) -> list[Any]:
        return [owned.item for owned in self.owned(hook, include_disabled=include_disabled)]

    def owned(self, hook: str, *, include_disabled: bool = False) -> list[Owned]:
        return [owned for owned in self.contributions[hook] if include_disabled or self.is_active(owned.slug)]

    def owner(self, hook: str, item: Any) -> str | None:
        return next((owned.slug for owned in self.contributions[hook] if owned.item is item), None)

    # --- runtime hooks -----------------------------------------------------------------------

    async def call(
        self, hook: str, *, expect: type | None = None, fail_closed: bool = False, **kwargs: Any
    ) -> list[Any]:
        """Call ``hook`` on every active plugin in order, awaiting async implementations.

        Returns the results flattened, without ``None``. A plugin that raises is logged and
        skipped; with ``fail_closed`` its failure becomes a ``False`` result instead. With
        ``expect``, a result of another type is logged, naming the plugin, and left out.
        """
        found = await self.call_owned(hook, expect=expect, fail_closed=fail_closed, **kwargs)
        return [owned.item for owned in found]

    async def call_owned(
        self, hook: str, *, expect: type | None = None, fail_closed: bool = False, only: str | None = None,
        **kwargs: Any,
    ) -> list[Owned]:
        """Like :meth:`call`, each result with the plugin that returned it. With ``expect``, a
        result of another type is logged, naming the plugin, and left out. With ``only``, just
        that plugin's implementation is called."""
        results: list[Owned] = []
        caller = getattr(self.pm.hook, hook)
        for impl in reversed(caller.get_hookimpls()):
            if not self.is_active(impl.plugin_name) or (only is not None and impl.plugin_name != only):
                continue
            try:
                result = impl.function(**{name: kwargs[name] for name in impl.argnames})
                if inspect.isawaitable(result):
                    result = await result
            except Exception:
                log.exception("plugin %s failed in %s", impl.plugin_name, hook)
                if fail_closed:
                    results.append(Owned(impl.plugin_name, False))
                continue
            if result is None:
                continue
            if isinstance(result, (list, tuple, set)) or inspect.isgenerator(result):
                items = [item for item in result if item is not None]
            else:
                items = [result]
            for item in items:
                if expect is not None and not isinstance(item, expect):
                    log.error(
                        "plugin %s returned %s from %s, expected %s; it is left out",
                        impl.plugin_name, type(item).__name__, hook, expect.__name__,
                    )
                    continue
                results.append(Owned(impl.plugin_name, item))
        return results
