"""The frozen values that registration hooks return and runtime hooks receive.

Every type here is part of the public contract: fields are only ever added, with defaults,
within a major version of ``crm-hookspecs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["admin", "manager", "member"]
RecordKind = Literal["contact", "company"]
ALL_ROLES: tuple[Role, ...] = ("admin", "manager", "member")


@dataclass(frozen=True)
class Principal:
    """The signed-in user, as plugins see them."""

    id: int
    email: str
    display_name: str
    role: Role
    team_id: int | None = None

    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "manager")


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin says about itself. ``depends_on`` names other plugin slugs."""

    label: str
    description: str = ""
    depends_on: tuple[str, ...] = ()
    priority: int = 100


@dataclass(frozen=True)
class DatabaseApp:
    """A Piccolo app: ``module`` is the dotted path of a module defining ``APP_CONFIG``."""

    module: str


@dataclass(frozen=True)
class Routes:
    """Litestar route handlers, controllers or routers, mounted under the plugin's prefix."""

    handlers: tuple[Any, ...]


@dataclass(frozen=True)
class TemplateDir:
    """A folder of Jinja2 templates; keep them under ``<slug>/`` inside it."""

    path: str


@dataclass(frozen=True)
class StaticDir:
    """A folder of static files, served under ``/static/<slug>/``."""

    path: str


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation."""

    key: str
    label: str
    href: str
    order: int = 100
    icon: str = ""
    roles: tuple[Role, ...] = ALL_ROLES


def _one_body(kind: str, key: str, html: str, template: str) -> None:
    if html and template:
        raise ValueError(f"{kind} {key!r}: give html or template, not both")


@dataclass(frozen=True)
class Panel:
    """A block shown on a record page: ``html`` that is already escaped, or a ``template`` of
    the plugin's, which the core renders with ``context`` in the instance's theme (escaping
    what it prints; ``principal``, ``request`` and ``csrf_input()`` are there too).

    ``template`` and ``context`` were added in 1.1, and ``html`` may be left out since then.
    """

    key: str
    title: str
    html: str = ""
    order: int = 100
    template: str = ""
    context: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        _one_body("Panel", self.key, self.html, self.template)


@dataclass(frozen=True)
class RecordTab:
    """A tab on a record page whose content is loaded from ``href``."""

    key: str
    title: str
    href: str
    order: int = 100


@dataclass(frozen=True)
class RecordAction:
    """A button on a record page that follows ``href``."""

    key: str
    label: str
    href: str
    order: int = 100


@dataclass(frozen=True)
class DashboardWidget:
    """A block on the home page: ``html`` that is already escaped, or a ``template`` rendered
    with ``context``, as for :class:`Panel`.

    ``template`` and ``context`` were added in 1.1, and ``html`` may be left out since then.
    """

    key: str
    title: str
    html: str = ""
    order: int = 100
    template: str = ""
    context: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        _one_body("DashboardWidget", self.key, self.html, self.template)


FieldKind = Literal["text", "number", "date", "boolean", "choice", "url", "email"]


@dataclass(frozen=True)
class FieldDefinition:
    """A custom field on a core record, stored in the record's ``custom`` JSON column."""

    record_type: RecordKind
    key: str
    label: str
    kind: FieldKind = "text"
    choices: tuple[str, ...] = ()
    required: bool = False
    searchable: bool = False
    help: str = ""


@dataclass(frozen=True)
class ActivityType:
    """A kind of activity on the shared timeline. Tasks have a due date and an assignee."""

    key: str
    label: str
    icon: str = ""
    is_task: bool = False


@dataclass(frozen=True)
class RelationshipType:
    """A directional link type, read ``source <label> target`` and ``target <inverse_label> source``."""

    key: str
    label: str
    inverse_label: str
    source_kinds: tuple[RecordKind, ...] = ("contact", "company")
    target_kinds: tuple[RecordKind, ...] = ("contact", "company")


@dataclass(frozen=True)
class CliCommand:
    """A click command (or group) added to ``crm`` under its name; name a group after the slug."""

    command: Any


@dataclass(frozen=True)
class Permission:
    """A named permission and the roles that hold it by default."""

    key: str
    label: str
    roles: tuple[Role, ...] = ("admin",)


@dataclass(frozen=True)
class Setting:
    """An instance setting in the plugin's namespace, stored by the core."""

    key: str
    label: str
    default: Any = None
    kind: FieldKind = "text"
    help: str = ""


@dataclass(frozen=True)
class Job:
    """A background job. ``func`` takes keyword arguments of plain ids; ``schedule`` is a
    five-field cron expression for periodic jobs, or ``None`` for jobs enqueued on demand."""

    name: str
    func: Callable[..., Any]
    schedule: str | None = None


@dataclass(frozen=True)
class TimelineItem:
    """An entry a plugin adds to a record's timeline. ``key`` is unique per plugin."""

    key: str
    occurred_at: dt.datetime
    kind: str
    title: str
    body_html: str = ""
    href: str = ""


@dataclass(frozen=True)
class SearchResult:
    """One hit of global search."""

    kind: str
    id: int | str
    title: str
    subtitle: str = ""
    href: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
