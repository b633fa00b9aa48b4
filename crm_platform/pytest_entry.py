"""The ``pytest11`` entry point of crm-platform.

Installing crm-platform makes pytest load this module in every run on that Python, the
project's or not. The test kit (``crm_platform.testing``) needs the ``test`` extra, so it is
loaded only where that extra is installed; elsewhere this module adds nothing to the run.
"""

from __future__ import annotations

import importlib.util

import pytest

# What ``crm-platform[test]`` brings that the kit imports.
TEST_EXTRA_MODULES = ("pytest_asyncio", "httpx", "aiosmtpd")


def extras_installed() -> bool:
    try:
        return all(importlib.util.find_spec(name) is not None for name in TEST_EXTRA_MODULES)
    except ImportError:
        return False


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if not extras_installed() or config.pluginmanager.has_plugin("crm_platform.testing"):
        return
    from crm_platform import testing

    config.pluginmanager.register(testing, "crm_platform.testing")
