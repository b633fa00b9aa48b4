"""Versions of the contract and the toolkit, and how a name is retired: it warns for one minor
version, naming its replacement, before it is removed."""

from __future__ import annotations

import inspect
import logging
import tomllib
import warnings
from pathlib import Path

import crm_hookspecs
import pluggy
import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.version import Version

import crm_platform
from crm_platform._plugins.deprecations import register_and_report
from crm_platform._plugins.discovery import discover
from crm_platform.cli import cli
from crm_platform.deprecation import deprecated

ROOT = Path(__file__).parent.parent


def test_crm_version_names_the_platform_release():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output.strip() == f"crm, version {crm_platform.__version__}"
    assert Version(crm_platform.__version__) >= Version("0.2")


def test_hook_contract_is_release_1_1():
    assert Version(crm_hookspecs.__version__) >= Version("1.1")


def test_plugin_whose_toolkit_range_fits_is_loaded():
    sales = next(candidate for candidate in discover() if candidate.slug == "sales")
    assert sales.error is None
    assert sales.module is not None


@pytest.mark.parametrize("pyproject", sorted(ROOT.glob("plugins/*/pyproject.toml")), ids=lambda path: path.parent.name)
def test_first_party_plugins_bound_both_the_contract_and_the_toolkit(pyproject: Path):
    requirements = [Requirement(line) for line in tomllib.loads(pyproject.read_text())["project"]["dependencies"]]
    ranges = {requirement.name: requirement.specifier for requirement in requirements}
    for name, running in (("crm-hookspecs", crm_hookspecs.__version__), ("crm-platform", crm_platform.__version__)):
        assert any(item.operator == "<" for item in ranges[name]), f"{name} needs an upper bound"
        assert running in ranges[name]


# --- deprecation ----------------------------------------------------------------------------


def test_deprecated_toolkit_function_warns_naming_its_replacement_and_still_works():
    @deprecated(since="0.2", removed_in="0.3", instead="toolkit.new_total")
    def old_total(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    with pytest.warns(DeprecationWarning) as caught:
        assert old_total(2, 3) == 5
    [warning] = caught
    message = str(warning.message)
    assert "old_total is deprecated since crm-platform 0.2 and will be removed in 0.3" in message
    assert "use toolkit.new_total instead" in message
    # The warning points at the caller's line, not at the decorator.
    assert warning.filename == __file__
    assert old_total.__name__ == "old_total"
    assert "Deprecated since 0.2" in old_total.__doc__


async def test_deprecated_coroutine_stays_a_coroutine_function_and_warns_when_called():
    @deprecated(since="0.2", removed_in="0.3", instead="toolkit.fresh_lookup")
    async def stale_lookup(record_id: int) -> dict[str, int]:
        return {"id": record_id}

    assert inspect.iscoroutinefunction(stale_lookup)
    with pytest.warns(DeprecationWarning, match="use toolkit.fresh_lookup instead"):
        assert await stale_lookup(7) == {"id": 7}


# A contract of the tests' own, so the real one keeps no deprecated hook.
_hookspec = pluggy.HookspecMarker(crm_hookspecs.PROJECT_NAME)
RETIRING = (
    "crm_old_panels is deprecated since crm-hookspecs 1.1 and removed in 1.2; implement crm_new_panels instead"
)


class _Specs:
    @_hookspec(warn_on_impl=DeprecationWarning(RETIRING))
    def crm_old_panels(self, record_id: int) -> list:
        """A hook on its way out."""

    @_hookspec
    def crm_new_panels(self, record_id: int) -> list:
        """Its replacement."""


class _OldPlugin:
    @crm_hookspecs.hookimpl
    def crm_old_panels(self, record_id: int) -> list:
        return ["old"]


class _NewPlugin:
    @crm_hookspecs.hookimpl
    def crm_new_panels(self, record_id: int) -> list:
        return ["new"]


def _manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(crm_hookspecs.PROJECT_NAME)
    manager.add_hookspecs(_Specs)
    return manager


def test_plugin_implementing_a_deprecated_hook_is_warned_at_registration():
    manager = _manager()
    with pytest.warns(DeprecationWarning, match="implement crm_new_panels instead"):
        manager.register(_OldPlugin(), name="old")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        manager.register(_NewPlugin(), name="new")
    # Deprecated is not removed: the old hook is still called.
    assert manager.hook.crm_old_panels(record_id=1) == [["old"]]


def test_the_host_logs_a_deprecated_hook_which_python_would_hide(caplog: pytest.LogCaptureFixture):
    manager = _manager()
    with caplog.at_level(logging.WARNING, logger="crm.plugins"):
        assert register_and_report(manager, _OldPlugin(), "old") == [RETIRING]
        assert register_and_report(manager, _NewPlugin(), "new") == []
    assert [record.getMessage() for record in caplog.records] == [
        f"plugin old uses a deprecated hook: {RETIRING}"
    ]


def test_the_real_contract_keeps_no_deprecated_hook_unannounced():
    manager = pluggy.PluginManager(crm_hookspecs.PROJECT_NAME)
    manager.add_hookspecs(crm_hookspecs.hookspecs)
    deprecated_hooks = [name for name, caller in vars(manager.hook).items() if caller.spec and caller.spec.warn_on_impl]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    # A hook may be deprecated only if the changelog says so (and when it goes).
    assert all(f"`{name}`" in changelog for name in deprecated_hooks)
