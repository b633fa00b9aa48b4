"""The frozen values that registration hooks return and runtime hooks receive.

Every type here is part of the public contract: fields are only ever added, with defaults,
within a major version of ``crm-hookspecs``.

The registration types check themselves when built (``__post_init__``): a key that breaks
its pattern raises ``ValueError`` naming the type, the field, the value and the pattern, so
the plugin that built it fails to load with that reason instead of breaking a page later.
(Checked since crm-hookspecs 1.1; the patterns are ``KEY_PATTERN`` and
``QUALIFIED_NAME_PATTERN``.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Role = Literal["admin", "manager", "member"]
# The record kinds a relationship joins. Other hooks take any record kind as a plain string:
# "contact", "company", "activity" or a plugin's, like "sales.deal".
CoreKind = Literal["contact", "company"]
ALL_ROLES: tuple[Role, ...] = ("admin", "manager", "member")
_KIND_KEY = re.compile(r"^(contact|company|activity|[a-z][a-z0-9_]{1,39}\.[a-z][a-z0-9_]{0,59})$")

# The keys of nav items, activity types, relationship types and settings: lower-case
# letters, digits and _, starting with a letter, at most 60 characters.
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,59}")
# Permission keys and job names: ``<slug>.<name>``, the registering plugin's slug, a dot and
# a key as above.
QUALIFIED_NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}\.[a-z][a-z0-9_]{0,59}")
CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")


def _check_pattern(item: object, field_name: str, pattern: re.Pattern[str], example: str) -> None:
    value = getattr(item, field_name)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(
            f"{type(item).__name__}.{field_name} {value!r} does not match {pattern.pattern} "
            f"(lower-case letters, digits and _, like {example!r})"
        )


def _check_href(item: object, field_name: str) -> None:
    value = getattr(item, field_name)
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//") or "\\" in value:
        raise ValueError(
            f"{type(item).__name__}.{field_name} {value!r} must be a path inside the app: "
            "starting with '/', not '//', without a scheme or host, like '/sales/'"
        )


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
    """A link in the main navigation. ``key`` matches ``KEY_PATTERN``; ``href`` is a path
    inside the app (``/sales/``), never another site's address."""

    key: str
    label: str
    href: str
    order: int = 100
    icon: str = ""
    roles: tuple[Role, ...] = ALL_ROLES

    def __post_init__(self) -> None:
        _check_pattern(self, "key", KEY_PATTERN, "sales")
        _check_href(self, "href")


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

    ``filterable=False`` (1.3) keeps a field out of list filters and segments: for a value that
    must not be found out by trying guesses (a member id). A filter on it is a 422 naming the
    field, and list filter forms do not offer it.
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
    filterable: bool = True

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
    """A kind of activity on the shared timeline. Tasks have a due date and an assignee.
    ``key`` matches ``KEY_PATTERN``."""

    key: str
    label: str
    icon: str = ""
    is_task: bool = False

    def __post_init__(self) -> None:
        _check_pattern(self, "key", KEY_PATTERN, "site_visit")


@dataclass(frozen=True)
class RelationshipType:
    """A directional link type, read ``source <label> target`` and ``target <inverse_label> source``.
    ``key`` matches ``KEY_PATTERN``."""

    key: str
    label: str
    inverse_label: str
    source_kinds: tuple[CoreKind, ...] = ("contact", "company")
    target_kinds: tuple[CoreKind, ...] = ("contact", "company")

    def __post_init__(self) -> None:
        _check_pattern(self, "key", KEY_PATTERN, "mentor_of")


@dataclass(frozen=True)
class CliCommand:
    """A click command (or group) added to ``crm`` under its name; name a group after the slug."""

    command: Any


@dataclass(frozen=True)
class Permission:
    """A named permission and the roles that hold it by default. ``key`` is
    ``<slug>.<what>`` (``QUALIFIED_NAME_PATTERN``), with the registering plugin's slug. Admins of
    an instance grant or revoke it per role on the settings page; admins hold every permission
    unless revoked."""

    key: str
    label: str
    roles: tuple[Role, ...] = ("admin",)

    def __post_init__(self) -> None:
        _check_pattern(self, "key", QUALIFIED_NAME_PATTERN, "sales.export")
        unknown = [role for role in self.roles if role not in ALL_ROLES]
        if unknown:
            raise ValueError(
                f"permission {self.key!r} names unknown role {unknown[0]!r}; roles are {', '.join(ALL_ROLES)}"
            )


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification a plugin sends (``toolkit.notify(..., kind=key)``). Each user
    chooses per kind whether it reaches them in the app, by email, both or neither. ``key`` is
    ``<slug>.<what>`` (``QUALIFIED_NAME_PATTERN``); the core's own kinds (``task_due``,
    ``mentioned`` ...) have no slug. Added in crm-hookspecs 1.2."""

    key: str
    label: str
    help: str = ""

    def __post_init__(self) -> None:
        if not (isinstance(self.key, str) and KEY_PATTERN.fullmatch(self.key)):
            _check_pattern(self, "key", QUALIFIED_NAME_PATTERN, "sales.deal_moved")
        if not isinstance(self.label, str) or not self.label.strip():
            raise ValueError(f"notification kind {self.key!r} needs a label, like 'Deal moved'")


@dataclass(frozen=True)
class Setting:
    """An instance setting in the plugin's namespace, stored by the core. ``key`` matches
    ``KEY_PATTERN``. A value an admin sets is checked against ``kind`` (and ``choices`` for a
    ``"choice"``; added in 1.1)."""

    key: str
    label: str
    default: Any = None
    kind: FieldKind = "text"
    help: str = ""
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_pattern(self, "key", KEY_PATTERN, "stale_after_days")
        # A mistake here fails the plugin at load time, naming the setting, not a later save.
        if self.kind not in get_args(FieldKind):
            raise ValueError(
                f"setting {self.key!r} has unknown kind {self.kind!r}; kinds are {', '.join(get_args(FieldKind))}"
            )
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"setting {self.key!r} is a choice: list its choices")


@dataclass(frozen=True)
class Job:
    """A background job.

    ``name`` is ``<slug>.<name>`` (``QUALIFIED_NAME_PATTERN``), with the registering plugin's
    slug. ``func`` takes keyword arguments of plain ids (int, str or ``None``) and nothing
    else; it may be a coroutine function (``async def``, awaited on the worker's event loop,
    where the toolkit's database functions work) or a plain function (run in a thread, so a
    slow one does not hold up the others). ``schedule`` is a five-field cron expression
    (``minute hour day month day_of_week``, in UTC) for periodic jobs, or ``None`` for jobs
    enqueued on demand with ``toolkit.enqueue``. The platform reads the schedule when the
    plugin loads: one it cannot read fails the plugin.
    """

    name: str
    func: Callable[..., Any]
    schedule: str | None = None

    def __post_init__(self) -> None:
        _check_pattern(self, "name", QUALIFIED_NAME_PATTERN, "sales.recalc")
        if not callable(self.func):
            raise ValueError(f"Job {self.name!r}: func {self.func!r} is not callable; pass the function itself")
        if self.schedule is not None and (
            not isinstance(self.schedule, str) or len(self.schedule.split()) != len(CRON_FIELDS)
        ):
            raise ValueError(
                f"Job {self.name!r}: schedule {self.schedule!r} is not a five-field cron expression "
                f"({' '.join(CRON_FIELDS)}, like '30 2 * * *'), nor None for a job run on demand"
            )


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


@dataclass(frozen=True)
class SearchText:
    """What global search knows of one record: its title, a subtitle, and more words to match."""

    title: str
    subtitle: str = ""
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordWrite:
    """One write of a record, as a kind's ``after_write`` receives it, inside the transaction.

    ``action`` is ``create``, ``update``, ``delete`` or (for ``after_restore``, 1.2)
    ``restore``; ``values`` are the record's fields after the write (``None`` on delete) and
    ``existing`` before it (``None`` on create and restore);
    ``changes`` is ``{field: {"from": old, "to": new}}`` over the kind's audited fields.
    Added in crm-hookspecs 1.1.
    """

    principal: Principal
    kind: str
    record_id: int
    action: Literal["create", "update", "delete", "restore"]
    values: dict[str, Any] | None
    existing: dict[str, Any] | None
    changes: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class RecordMerge:
    """Two records of one kind being merged (or a merge being undone), inside its transaction.

    ``merged_id`` is the record that goes away into ``survivor_id``. ``undo`` is ``None`` while
    merging; when the merge is undone it holds what this plugin returned at merge time, so it
    can put its rows back. Added in crm-hookspecs 1.2.
    """

    principal: Principal
    kind: str
    survivor_id: int
    merged_id: int
    undo: dict[str, Any] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class RecordKind:
    """A kind of record the core writes, checks, audits, indexes and links generically.

    ``key`` is ``contact``, ``company``, ``activity`` or ``<slug>.<name>`` for a plugin's
    kind. ``table`` is the Piccolo ``Table`` class holding the records (with an ``id`` and
    the ``owner_column``). ``title_column`` names a record wherever it is shown; ``url`` is
    its page, with ``{id}`` for the record's id. ``audited`` are the fields compared for the
    audit log and for ``RecordUpdated.changes``.

    ``clean(principal, values, existing)`` validates and normalises a full set of fields
    before anything is written (raise ``toolkit.Invalid`` naming every wrong field) and
    returns the values to store; ``existing`` is ``None`` on create. Values whose names are
    columns of ``table`` are stored; the others reach ``after_write`` only.
    ``after_write(write)`` receives a :class:`RecordWrite` inside the transaction, writes
    related rows, and may return events to deliver after the commit. Both may be coroutines.
    ``after_write_many(writes)`` (added in 1.3), when set, takes ``after_write``'s place for a
    bulk create (``create_records``, an import batch): it receives the batch's list of
    :class:`RecordWrite` at once, so it can write the related rows of all of them in a few
    statements, and may return events. ``prepare_many(principal, items)`` (added in 1.3) runs
    once before an import batch's new records are cleaned, with their values: it may look up
    at once what ``clean`` would look up for each record, and leave the answers in each
    item's values under a name that is no column (``_found``) for ``clean`` to use.

    ``search`` builds the record's entry in global search from its stored row; by default the
    entry holds ``title_column``, ``subtitle_column`` and ``search_columns``. A kind with
    ``searched=False`` is not in global search at all.
    ``custom_fields`` lets admins and plugins define custom fields on the kind; ``tags``
    keeps a ``tags`` list column in the tag index.

    A deleted record goes to the trash with the rows that point at it (found through the
    foreign keys of every installed table), and a restore writes them all back.
    ``after_restore(write)`` (added in 1.2) rebuilds what the kind derives from its records
    and is no row pointing at one (a total, a counter): it receives a :class:`RecordWrite`
    with ``action="restore"`` and the restored row as ``values``, inside the restoring
    transaction, and may return events.

    When someone leaves, an admin hands over their records: those whose ``owner_column`` or
    one of the ``handover_columns`` (other columns naming a user, such as a task's assignee)
    holds them, and which meet ``open_condition``, an SQL condition over the kind's table
    with bare column names and no placeholders (``"status = 'open'"``); when it is empty,
    every record is handed over.

    ``team_column`` (added in 1.3) names a column holding a team's id for records that belong
    to a team rather than only to their owner (a ticket in a team's queue, assigned to nobody
    yet): a member then sees the records of their own and their team's owners, and those whose
    ``team_column`` is their team.

    Added in crm-hookspecs 1.1; ``open_condition`` and ``handover_columns`` in 1.2.
    """

    key: str
    label: str
    table: Any
    title_column: str
    url: str = ""
    owner_column: str = "owner"
    audited: tuple[str, ...] = ()
    subtitle_column: str = ""
    search_columns: tuple[str, ...] = ()
    search: Callable[[dict[str, Any]], SearchText | None] | None = None
    clean: Callable[..., Any] | None = None
    after_write: Callable[..., Any] | None = None
    custom_fields: bool = False
    tags: bool = False
    personal_data: tuple[str, ...] = ()
    plural: str = ""
    searched: bool = True
    after_restore: Callable[..., Any] | None = None
    open_condition: str = ""
    handover_columns: tuple[str, ...] = ()
    team_column: str = ""
    after_write_many: Callable[..., Any] | None = None
    prepare_many: Callable[..., Any] | None = None

    def __post_init__(self) -> None:
        if not _KIND_KEY.match(self.key):
            raise ValueError(
                f"record kind {self.key!r}: a key is 'contact', 'company', 'activity' or '<slug>.<name>', "
                "lower-case letters, digits and _"
            )
        if self.url and not (self.url.startswith("/") and not self.url.startswith("//")):
            raise ValueError(f"record kind {self.key!r}: url {self.url!r} must be a path starting with /")


_IMPORTER_KEY = re.compile(r"^([a-z][a-z0-9_]{0,59}|[a-z][a-z0-9_]{1,39}\.[a-z][a-z0-9_]{0,59})$")


@dataclass(frozen=True)
class Importer:
    """A file format that import runs read rows from, for any record kind.

    ``key`` names the format: the core's is ``csv``; a plugin's is ``<slug>.<name>``.
    ``detect(head, filename)`` says whether a file is in this format from its first 64 KiB
    and its name. ``columns(path)`` returns the file's column names (a CSV file's header);
    ``rows(path)`` yields each row as a mapping of column name to text, one at a time (never
    the whole file), in file order. Both raise ``ValueError`` with a message a user can act
    on when the file cannot be read. ``kinds`` lists the record kinds the format fits
    (empty: any); ``extensions`` the file name endings it reads (``.vcf``).

    Whatever the format, a run maps columns to the kind's fields, shows a dry run, commits
    as a job with progress, keeps a ledger per row, resumes after a crash and can be rolled
    back. Added in crm-hookspecs 1.2.
    """

    key: str
    label: str
    detect: Callable[[bytes, str], bool]
    columns: Callable[[str], Any]
    rows: Callable[[str], Any]
    kinds: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _IMPORTER_KEY.match(self.key):
            raise ValueError(f"Importer {self.key!r}: a key is 'csv' or '<slug>.<name>', lower-case letters, digits and _")
        for name in ("detect", "columns", "rows"):
            if not callable(getattr(self, name)):
                raise ValueError(f"Importer {self.key!r}: {name} must be a function")
        object.__setattr__(self, "kinds", tuple(self.kinds))
        object.__setattr__(self, "extensions", tuple(ext.lower() for ext in self.extensions))


@dataclass(frozen=True)
class AccessFilter:
    """A SQL condition a record must meet to be seen, over the kind's table, with ``{}``
    placeholders for ``args``: ``AccessFilter("NOT vet_sensitive")``. Column names are bare;
    the core qualifies the condition where it joins other tables. Added in crm-hookspecs 1.1."""

    sql: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class DemoContact:
    """A contact ``crm demo`` loaded: its id, its owner and the company it works at."""

    contact_id: int
    owner_id: int | None
    company_id: int | None = None


@dataclass(frozen=True)
class DemoData:
    """What ``crm demo`` loaded, for a plugin to add its own demo records to: the seed (the
    same seed gives the same data), the moment the demo is relative to, the demo users (the
    admin first), every company and a sample of the contacts. Added in crm-hookspecs 1.2."""

    seed: int
    now: dt.datetime
    user_ids: tuple[int, ...]
    company_ids: tuple[int, ...]
    contacts: tuple[DemoContact, ...]


ReportMeasure = Literal["count", "sum", "avg", "median", "p90", "rate"]
ReportChart = Literal["bar", "line", "stacked", "funnel", "number", "table"]
ReportValueKind = Literal["text", "number", "percent", "money", "days"]
REPORT_MEASURES: tuple[str, ...] = get_args(ReportMeasure)
REPORT_CHARTS: tuple[str, ...] = get_args(ReportChart)
REPORT_VALUE_KINDS: tuple[str, ...] = get_args(ReportValueKind)


@dataclass(frozen=True)
class ReportParameter:
    """A filter a report takes beside the date range and team every report has: read from
    the query string (``?stage=customer``) and handed to ``run`` in ``ReportQuery.params``.
    ``kind`` is ``"text"``, ``"number"`` or ``"choice"`` (one of ``choices``). Added in
    crm-hookspecs 1.3."""

    key: str
    label: str
    kind: Literal["text", "number", "choice"] = "text"
    default: str = ""
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_pattern(self, "key", KEY_PATTERN, "stale_days")
        object.__setattr__(self, "choices", tuple(str(choice) for choice in self.choices))
        if self.kind not in ("text", "number", "choice"):
            raise ValueError(f"report parameter {self.key!r}: kind {self.kind!r} is not text, number or choice")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"report parameter {self.key!r} is a choice: list its choices")


@dataclass(frozen=True)
class ReportQuery:
    """What a report is asked: by whom, over which dates and people, with which parameters.

    ``date_from`` and ``date_to`` bound the period (both included, UTC dates); ``owner_ids``
    is the people the viewer chose (a team, or themselves), ``None`` for everyone they may
    see; ``params`` holds the report's own parameters, checked against its definition (a
    number is a number, a choice one of its choices). Count only what ``principal`` may see:
    ``await toolkit.report_scope(query, record_type, table)`` gives the SQL conditions for
    it. Added in crm-hookspecs 1.3."""

    principal: Principal
    date_from: dt.date
    date_to: dt.date
    owner_ids: tuple[int, ...] | None = None
    params: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def starts(self) -> dt.datetime:
        """The first moment of the period, in UTC."""
        return dt.datetime.combine(self.date_from, dt.time(), tzinfo=dt.UTC)

    @property
    def ends(self) -> dt.datetime:
        """The first moment after the period, in UTC."""
        return dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


@dataclass(frozen=True)
class ReportColumn:
    """A column of a report's result: ``key`` in each row, a ``label`` for people, and the
    ``kind`` of its values (``text``, ``number``, ``percent`` as a 0-1 share, ``money``,
    ``days``), which says how the page and the CSV write them. Added in crm-hookspecs 1.3."""

    key: str
    label: str
    kind: ReportValueKind = "number"

    def __post_init__(self) -> None:
        if self.kind not in REPORT_VALUE_KINDS:
            raise ValueError(f"report column {self.key!r}: kind {self.kind!r} is not one of "
                             f"{', '.join(REPORT_VALUE_KINDS)}")


@dataclass(frozen=True)
class ReportResult:
    """What a report's ``run`` returns: its ``columns`` and ``rows`` (dicts by column key),
    in the order to show. The chart draws the first column as its labels and the ``series``
    columns (every number column when empty) as its values; ``summary`` holds headline
    figures (``{"win_rate": 0.42}``) and ``note`` a sentence on how to read it. Added in
    crm-hookspecs 1.3."""

    columns: tuple[ReportColumn, ...]
    rows: tuple[Mapping[str, Any], ...] = ()
    series: tuple[str, ...] = ()
    summary: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "series", tuple(self.series))
        keys = {column.key for column in self.columns}
        unknown = [key for key in self.series if key not in keys]
        if unknown:
            raise ValueError(f"report result: series {unknown[0]!r} is not one of its columns")


@dataclass(frozen=True)
class ReportDefinition:
    """A report: a question over records with filters, a grouping and a measure, drawn as a
    chart. ``key`` is ``<slug>.<name>`` for a plugin's (the core's have no slug);
    ``run`` is an ``async`` function taking a :class:`ReportQuery` and returning a
    :class:`ReportResult`; ``group_by`` names what the rows are grouped by (``"owner"``,
    ``"week"``, ``"stage"`` ...), ``measure`` what is counted (``count``, ``sum``, ``avg``,
    ``median``, ``p90``, ``rate``) and ``chart`` how it is drawn (``bar``, ``line``,
    ``stacked``, ``funnel``, ``number``, ``table``); ``record_kind`` is the kind of record
    it counts. Added in crm-hookspecs 1.3."""

    key: str
    title: str
    run: Callable[[ReportQuery], Any]
    description: str = ""
    parameters: tuple[ReportParameter, ...] = ()
    group_by: tuple[str, ...] = ()
    measure: ReportMeasure = "count"
    chart: ReportChart = "bar"
    record_kind: str = ""
    order: int = 100

    def __post_init__(self) -> None:
        if not (isinstance(self.key, str) and KEY_PATTERN.fullmatch(self.key)):
            _check_pattern(self, "key", QUALIFIED_NAME_PATTERN, "sales.win_rate")
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError(f"report {self.key!r} needs a title, like 'Win rate'")
        if not callable(self.run):
            raise ValueError(f"report {self.key!r}: run {self.run!r} is not callable; pass the async function")
        if self.measure not in REPORT_MEASURES:
            raise ValueError(f"report {self.key!r}: measure {self.measure!r} is not one of {', '.join(REPORT_MEASURES)}")
        if self.chart not in REPORT_CHARTS:
            raise ValueError(f"report {self.key!r}: chart {self.chart!r} is not one of {', '.join(REPORT_CHARTS)}")
        object.__setattr__(self, "parameters", tuple(self.parameters))
        object.__setattr__(self, "group_by", tuple(self.group_by))
        reserved = {"from", "to", "team"} & {parameter.key for parameter in self.parameters}
        if reserved:
            raise ValueError(f"report {self.key!r}: parameter {sorted(reserved)[0]!r} is every report's own; "
                             "name yours otherwise")
_ACTION_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}\.[a-z][a-z0-9_]{0,59}$")


@dataclass(frozen=True)
class ActionCall:
    """One step of a workflow run, as a :class:`WorkflowAction`'s ``run`` receives it.

    ``principal`` is the user the workflow acts for; ``kind`` and ``record_id`` name the record
    the run is about (``record`` holds its stored fields, or ``{}`` when it is gone);
    ``params`` are the step's settings as its author gave them; ``run_id`` and ``position``
    name the step in the run's ledger. With ``dry_run`` the action must change nothing and
    return what it would do. Added in crm-hookspecs 1.3.
    """

    principal: Principal
    kind: str
    record_id: int | None
    record: Mapping[str, Any]
    params: Mapping[str, Any]
    run_id: int = 0
    position: int = 0
    dry_run: bool = False


@dataclass(frozen=True)
class WorkflowAction:
    """A step that workflows can take, beside the automation plugin's own.

    ``key`` is ``<slug>.<what>``. ``run(call)`` is a coroutine function taking an
    :class:`ActionCall` and returning a JSON-serialisable dict that the run's record shows as
    the step's outcome; it raises ``ValueError`` with a message for a step that cannot be
    done. It runs inside the transaction that marks the step done, so writes through the
    toolkit (records, tasks, notifications, email) happen exactly once. ``params`` names the
    settings a step of this action takes (shown as text inputs in the builder); ``check(params)``
    returns ``{param: message}`` for wrong settings, or ``{}``. Added in crm-hookspecs 1.3.
    """

    key: str
    label: str
    run: Callable[[ActionCall], Any]
    params: tuple[str, ...] = ()
    check: Callable[[Mapping[str, Any]], Mapping[str, str]] | None = None
    help: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _ACTION_KEY.match(self.key):
            raise ValueError(f"WorkflowAction {self.key!r}: a key is '<slug>.<name>', lower-case letters, digits and _")
        if not callable(self.run):
            raise ValueError(f"WorkflowAction {self.key!r}: run must be a function")
        object.__setattr__(self, "params", tuple(self.params))


@dataclass(frozen=True)
class PersonalData:
    """Personal data a plugin keeps about a contact, and how to hand it over or erase it.

    ``key`` is ``<slug>.<name>`` and names the section of a subject access export.
    ``table`` is the plugin's table holding the rows, ``contact_column`` its column naming
    the contact (or holding a JSON list of contact ids), ``fields`` the columns that hold
    personal data. The core never reads the table itself: ``export(contact_id)`` is an
    ``async`` function returning the contact's rows as JSON-serialisable dicts, and
    ``erase(contact_id)`` an ``async`` function that deletes or anonymises them, run inside
    the erasure's transaction before the contact is deleted, returning how many rows it
    touched. When the rows are records of a kind (``record_kind``, such as ``desk.ticket``),
    ``export`` includes each row's ``id`` and the core also erases those records' audit
    history and trash entries, which keep their past values. Added in crm-hookspecs 1.3.
    """

    key: str
    table: str
    contact_column: str
    fields: tuple[str, ...]
    export: Callable[[int], Any]
    erase: Callable[[int], Any]
    label: str = ""
    record_kind: str = ""

    def __post_init__(self) -> None:
        _check_pattern(self, "key", QUALIFIED_NAME_PATTERN, "sales.deal_contacts")
        if not isinstance(self.table, str) or not self.table:
            raise ValueError(f"PersonalData {self.key!r}: name the table that holds the rows")
        if not isinstance(self.contact_column, str) or not self.contact_column:
            raise ValueError(f"PersonalData {self.key!r}: name the column that links a row to its contact")
        object.__setattr__(self, "fields", tuple(self.fields))
        if not self.fields:
            raise ValueError(f"PersonalData {self.key!r}: list the fields that hold personal data")
        if not (callable(self.export) and callable(self.erase)):
            raise ValueError(f"PersonalData {self.key!r}: export and erase must be functions")


@dataclass(frozen=True)
class ContactRevenue:
    """What one contact brought in, in one currency: the sum of the plugin's won deals,
    orders or invoices linked to it that the viewer may see (``amount`` in that currency's
    units, not cents), for the core's referrals report. Added in crm-hookspecs 1.3."""

    contact_id: int
    currency: str
    amount: float
