"""The frozen values that registration hooks return and runtime hooks receive.

Every type here is part of the public contract: fields are only ever added, with defaults,
within a major version of ``crm-hookspecs``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Role = Literal["admin", "manager", "member"]
# The record kinds a relationship joins. Other hooks take any record kind as a plain string:
# "contact", "company", "activity" or a plugin's, like "sales.deal".
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


@dataclass(frozen=True)
class Panel:
    """A block of HTML shown on a record page. ``html`` must already be escaped."""

    key: str
    title: str
    html: str
    order: int = 100


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
    """A block of HTML on the home page. ``html`` must already be escaped."""

    key: str
    title: str
    html: str
    order: int = 100


FieldKind = Literal[
    "text", "long_text", "number", "money", "date", "datetime", "boolean", "choice", "multi_choice",
    "email", "phone", "url", "record",
]
#: Every kind a custom field may have (added in 1.1: long_text, money, datetime, multi_choice,
#: phone, record).
FIELD_KINDS: tuple[str, ...] = get_args(FieldKind)
#: The one shape of a custom field key, for plugins' fields and admins' alike. Keys name a JSON
#: member and are written into SQL paths, so nothing else (no dots, quotes or capitals) is let in.
FIELD_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"
_FIELD_KEY = re.compile(FIELD_KEY_PATTERN)
_CHOICE_KINDS = ("choice", "multi_choice")


@dataclass(frozen=True)
class FieldDefinition:
    """A custom field on a record, stored in the record's ``custom`` JSON column.

    ``record_type`` names any record kind: ``"contact"``, ``"company"``, ``"activity"`` or a
    plugin's (``"sales.deal"``). ``reference`` names the record kind a ``record`` field points
    to. A definition checks itself when made: a bad key, an unknown kind, a choice field
    without choices or a record field without a reference raises :class:`ValueError`, which
    fails the plugin that returned it.
    """

    record_type: str
    key: str
    label: str
    kind: FieldKind = "text"
    choices: tuple[str, ...] = ()
    required: bool = False
    searchable: bool = False
    help: str = ""
    reference: str = ""

    def __post_init__(self) -> None:
        where = f"custom field {self.key!r} of {self.record_type!r}"
        if not isinstance(self.record_type, str) or not self.record_type:
            raise ValueError(f"{where}: record_type must name a record kind, like 'contact'")
        if not isinstance(self.key, str) or not _FIELD_KEY.match(self.key):
            suggestion = re.sub(r"[^a-z0-9_]", "_", str(self.key).lower())
            raise ValueError(
                f"{where}: the key must match {FIELD_KEY_PATTERN} (lower-case letters, digits and _, "
                f"starting with a letter, at most 60 characters), like {suggestion!r}"
            )
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"{where}: kind {self.kind!r} is not one of {', '.join(FIELD_KINDS)}")
        # A list is as good as a tuple to the author; keep the frozen value hashable.
        object.__setattr__(self, "choices", tuple(str(choice) for choice in self.choices))
        if self.kind in _CHOICE_KINDS and not self.choices:
            raise ValueError(f"{where}: a {self.kind} field needs choices")
        if self.kind == "record" and not self.reference:
            raise ValueError(f"{where}: a record field needs reference, the record kind it points to")
        if self.reference and self.kind != "record":
            raise ValueError(f"{where}: reference is only for record fields, not {self.kind}")


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
