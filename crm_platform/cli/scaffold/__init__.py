"""``crm plugins new NAME``: write a plugin that installs, migrates and passes its own tests.

The files are ``string.Template`` texts in ``plugin/`` (shipped as package data); a path
segment ``__package__`` or ``__slug__`` is replaced by the plugin's package or slug. The
generated code imports nothing from the platform but ``crm_hookspecs`` and
``crm_platform.toolkit``, so it keeps working as the core changes inside.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

import crm_hookspecs
import importlib_metadata
import piccolo
from packaging.version import Version

import crm_platform
from crm_platform._plugins.discovery import RESERVED_SLUGS, SLUG

TEMPLATE_SUFFIX = ".tmpl"


class ScaffoldError(ValueError):
    """The plugin cannot be written; the message says why and what to do."""


@dataclass(frozen=True)
class Names:
    """Everything a plugin is named after its slug."""

    slug: str

    def __post_init__(self) -> None:
        if not SLUG.match(self.slug):
            raise ScaffoldError(
                f"{self.slug!r} is not a plugin name: use 2 to 40 lower-case letters, digits or _, "
                "starting with a letter (for example call_notes)"
            )
        if self.slug in RESERVED_SLUGS:
            raise ScaffoldError(
                f"{self.slug!r} is reserved ({', '.join(sorted(RESERVED_SLUGS))} are); choose another name"
            )

    @property
    def package(self) -> str:
        return f"crm_{self.slug}"

    @property
    def distribution(self) -> str:
        return f"crm-{self.slug.replace('_', '-')}"

    @property
    def label(self) -> str:
        return self.slug.replace("_", " ").capitalize()


def version_ranges() -> tuple[str, str]:
    """The ranges a new plugin declares: this hook contract's major version, this toolkit's
    minor version, each from the running release on."""
    contract, platform = Version(crm_hookspecs.__version__), Version(crm_platform.__version__)
    return (
        f">={contract.major}.{contract.minor},<{contract.major + 1}",
        f">={platform.major}.{platform.minor},<{platform.major}.{platform.minor + 1}",
    )


def substitutions(names: Names, now: dt.datetime) -> dict[str, str]:
    hookspecs_range, platform_range = version_ranges()
    return {
        "slug": names.slug,
        "package": names.package,
        "distribution": names.distribution,
        "label": names.label,
        "table": f"{names.slug}_item",
        "record_kind": f"{names.slug}.item",
        "hookspecs_range": hookspecs_range,
        "platform_range": platform_range,
        # Piccolo's migration id format, which orders an app's migrations.
        "migration_id": now.strftime("%Y-%m-%dT%H:%M:%S:%f"),
        "piccolo_version": piccolo.__VERSION__,
    }


def _templates(folder: Traversable, relative: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Traversable]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if entry.is_dir():
            if entry.name != "__pycache__":
                found += _templates(entry, (*relative, entry.name))
        elif entry.name.endswith(TEMPLATE_SUFFIX):
            found.append(((*relative, entry.name.removesuffix(TEMPLATE_SUFFIX)), entry))
    return found


def installed_slugs() -> dict[str, str]:
    """Installed plugins' slugs and distributions, read without importing the plugins."""
    return {
        entry_point.name: entry_point.dist.metadata["Name"] if entry_point.dist else "unknown distribution"
        for entry_point in importlib_metadata.entry_points(group=crm_hookspecs.ENTRY_POINT_GROUP)
    }


def create(slug: str, parent: Path, *, now: dt.datetime | None = None) -> Path:
    """Write the plugin ``slug`` into ``parent/crm-<slug>`` and return that folder."""
    names = Names(slug)
    taken = installed_slugs()
    if names.slug in taken:
        raise ScaffoldError(
            f"a plugin named {names.slug!r} is installed already ({taken[names.slug]}); "
            "choose another name"
        )
    target = parent / names.distribution
    if target.exists():
        raise ScaffoldError(f"{target} exists already; choose another --path or remove it first")
    values = substitutions(names, now or dt.datetime.now(dt.UTC))
    rendered = []
    for relative, template in _templates(resources.files(__package__) / "plugin"):
        parts = [part.replace("__package__", names.package).replace("__slug__", names.slug) for part in relative]
        try:
            text = Template(template.read_text(encoding="utf-8")).substitute(values)
        except (KeyError, ValueError) as exc:  # a broken template is our bug, named precisely
            raise RuntimeError(f"scaffold template {'/'.join(relative)} is broken: {exc}") from exc
        rendered.append((target.joinpath(*parts), text))
    for path, text in rendered:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target
