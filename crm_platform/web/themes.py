"""Themes: folders of templates and static files, each naming the theme it extends."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_THEME = "default"


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    description: str
    parent: str | None
    path: Path

    @property
    def templates(self) -> Path:
        return self.path / "templates"

    @property
    def static(self) -> Path:
        return self.path / "static"


def _themes_root() -> Path:
    import crm_platform_themes

    return Path(crm_platform_themes.__file__).parent


@lru_cache(maxsize=1)
def available() -> dict[str, Theme]:
    """Every installed theme by name."""
    found: dict[str, Theme] = {}
    for folder in sorted(_themes_root().iterdir()):
        manifest = folder / "theme.toml"
        if not manifest.is_file():
            continue
        data = tomllib.loads(manifest.read_text())
        found[folder.name] = Theme(
            name=folder.name,
            label=str(data.get("label", folder.name)),
            description=str(data.get("description", "")),
            parent=data.get("parent"),
            path=folder,
        )
    return found


def resolve(name: str | None, fallback: str = DEFAULT_THEME) -> str:
    """``name`` if it is installed, else the fallback (an old preference must not break pages)."""
    themes = available()
    if name and name in themes:
        return name
    return fallback if fallback in themes else DEFAULT_THEME


def chain(name: str) -> list[Theme]:
    """The theme, then its parent, and so on; a cycle or a missing parent ends the chain."""
    themes = available()
    found: list[Theme] = []
    current: str | None = resolve(name)
    while current and current in themes and all(theme.name != current for theme in found):
        found.append(themes[current])
        current = themes[current].parent
    return found
