"""Find installed plugins and load them, recording why one could not be loaded."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from types import ModuleType

import crm_hookspecs
import importlib_metadata
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

import crm_platform

log = logging.getLogger("crm.plugins")

SLUG = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
RESERVED_SLUGS = frozenset({
    "core", "api", "static", "schema", "health", "login", "logout", "settings", "permissions",
    # The reports pages, and the keys of the reports users build (saved.r12).
    "reports", "dashboards", "saved",
})


@dataclass(frozen=True)
class Candidate:
    """An installed plugin: its module, or the reason it cannot be used."""

    slug: str
    distribution: str | None
    version: str | None
    module: ModuleType | None
    error: str | None = None


def running_versions() -> dict[str, Version]:
    """What a plugin may bound in its requirements: the hook contract, and the platform
    whose version is the toolkit's."""
    return {"crm-hookspecs": Version(crm_hookspecs.__version__), "crm-platform": Version(crm_platform.__version__)}


_WHAT = {"crm-hookspecs": "the hook contract", "crm-platform": "the toolkit"}


def _readable(specifier: SpecifierSet) -> str:
    """``>=0.1,<0.2`` rather than the sorted ``<0.2,>=0.1``: lower bounds first."""
    return ",".join(sorted((str(item) for item in specifier), key=lambda item: not item.startswith(">")))


def contract_error(distribution: importlib_metadata.Distribution | None) -> str | None:
    """Why the distribution's ``crm-hookspecs`` or ``crm-platform`` range excludes the running
    contract or toolkit, if it does."""
    if distribution is None:
        return None
    running = running_versions()
    for line in distribution.requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        name = canonicalize_name(requirement.name)
        # A requirement with a marker (an extra such as ``crm-platform[test]``) is optional.
        if name not in running or requirement.marker:
            continue
        if requirement.specifier and not requirement.specifier.contains(running[name], prereleases=True):
            return (
                f"needs {name}{_readable(requirement.specifier)} ({_WHAT[name]}), but {running[name]} is installed; "
                f"install a release of the plugin made for {name} {running[name]}, or a {name} it supports"
            )
    return None


def discover(group: str = crm_hookspecs.ENTRY_POINT_GROUP) -> list[Candidate]:
    """Every entry point in ``group``, loaded, sorted by slug."""
    candidates = []
    for entry_point in importlib_metadata.entry_points(group=group):
        distribution = entry_point.dist
        dist_name = distribution.metadata["Name"] if distribution else None
        version = distribution.version if distribution else None
        slug = entry_point.name
        error: str | None = None
        module = None
        if not SLUG.match(slug) or slug in RESERVED_SLUGS:
            error = (
                f"invalid plugin name {slug!r}: use 2-40 lowercase letters, digits or _, not a reserved word"
            )
        else:
            error = contract_error(distribution)
        if error is None:
            try:
                module = entry_point.load()
            except Exception as exc:  # any import-time failure is the plugin's, not ours
                error = f"failed to import {entry_point.value}: {type(exc).__name__}: {exc}"
        if error:
            log.error("plugin %s skipped: %s", slug, error)
        candidates.append(Candidate(slug, dist_name, version, module, error))
    return sorted(candidates, key=lambda candidate: candidate.slug)
