"""Reports users build: on any record kind (the core's and the plugins'), grouped by a column,
a custom field, the owner or the month a record was created, measured by a count or by the
sum, average, median or 90th percentile of a number; saved, and shared with the team or everyone.

A saved report runs as the report ``saved.<id>`` everywhere a report runs: its page, the
API and CSV, the command line, dashboards and scheduled emails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm_hookspecs import (
    FieldDefinition,
    Principal,
    RecordKind,
    ReportColumn,
    ReportDefinition,
    ReportQuery,
    ReportResult,
)
from piccolo.columns import JSON, JSONB, Boolean, Date, Integer, Numeric, Real, Serial, Timestamptz, Varchar

from crm_platform import clock
from crm_platform.db.raw import execute, fetch
from crm_platform.errors import Forbidden, Invalid, NotFound
from crm_platform.records import customfields, kinds
from crm_platform.reports.measures import measure as apply_measure
from crm_platform.reports.periods import month_sql, on_postgres
from crm_platform.reports.scope import report_scope
from crm_platform.reports.tables import SHARING
from crm_platform.users.reads import get_users

PREFIX = "saved."
MEASURES = ("count", "sum", "avg", "median", "p90")
CHARTS = ("bar", "line", "table", "number")
TOP = 50
# Median and p90 read the values themselves; past this many the report says it stopped.
MAX_VALUES = 200_000
_COLUMNS = "s.id, s.owner, s.title, s.kind, s.group_by, s.measure, s.value, s.chart, s.shared"
_NUMBER_KINDS = ("number", "money")


def _column_choices(kind: RecordKind) -> tuple[dict[str, str], dict[str, str]]:
    """What a kind's records can be grouped by and measured on, from its own columns."""
    groups: dict[str, str] = {"owner": "Owner"} if kind.owner_column else {}
    values: dict[str, str] = {}
    for column in kind.table._meta.columns:
        name = column._meta.name
        if isinstance(column, (JSON, JSONB, Serial)) or name in ("id", kind.owner_column):
            continue
        label = name.replace("_", " ").capitalize()
        if isinstance(column, Timestamptz) and name == "created_at":
            groups["created_month"] = "Month created"
        elif isinstance(column, (Varchar, Boolean, Date)):
            groups[name] = label
        if isinstance(column, (Integer, Numeric, Real)) and not column._meta.params.get("references"):
            values[name] = label
    return groups, values


async def choices(kind_key: str) -> dict[str, Any]:
    """The groupings and the measurable values of ``kind_key``, custom fields included."""
    kind = kinds.get(kind_key, "kind")
    groups, values = _column_choices(kind)
    fields: Mapping[str, FieldDefinition] = await customfields.definitions(kind.key) if kind.custom_fields else {}
    for key, definition in fields.items():
        if definition.kind in _NUMBER_KINDS:
            values[f"custom.{key}"] = definition.label
        elif definition.kind in ("text", "choice", "boolean", "date", "email", "url", "phone"):
            groups[f"custom.{key}"] = definition.label
    return {"groups": groups, "values": values}


def _sql_of(name: str) -> str:
    """The SQL of a column or custom field already checked against the kind's choices."""
    if name.startswith("custom."):
        key = name.removeprefix("custom.")
        return f"(custom::jsonb ->> '{key}')" if on_postgres() else f"json_extract(custom, '$.{key}')"
    if name == "created_month":
        return month_sql("created_at")
    return name


async def clean(values: Mapping[str, Any]) -> dict[str, str]:
    """A saved report's fields, or :class:`Invalid` naming each wrong one."""
    errors: dict[str, str] = {}
    spec = {key: str(values.get(key) or "").strip() for key in ("title", "kind", "group_by", "measure", "value",
                                                                 "chart", "shared")}
    spec["measure"] = spec["measure"] or "count"
    spec["chart"] = spec["chart"] or "bar"
    spec["shared"] = spec["shared"] or "private"
    if not spec["title"] or len(spec["title"]) > 200:
        errors["title"] = "give the report a title of at most 200 characters"
    try:
        found = await choices(spec["kind"])
    except Invalid as exc:
        raise Invalid({**errors, **exc.errors}) from None
    if spec["group_by"] not in found["groups"]:
        errors["group_by"] = f"{spec['group_by']!r} is not one of {', '.join(found['groups'])}"
    if spec["measure"] not in MEASURES:
        errors["measure"] = f"{spec['measure']!r} is not one of {', '.join(MEASURES)}"
    elif spec["measure"] != "count" and spec["value"] not in found["values"]:
        errors["value"] = f"measure {spec['measure']} needs a number to measure: one of {', '.join(found['values'])}" \
            if found["values"] else f"{spec['kind']} records have no number to measure; count them instead"
    if spec["measure"] == "count":
        spec["value"] = ""
    if spec["chart"] not in CHARTS:
        errors["chart"] = f"{spec['chart']!r} is not one of {', '.join(CHARTS)}"
    if spec["shared"] not in SHARING:
        errors["shared"] = f"{spec['shared']!r} is not one of {', '.join(SHARING)}"
    if errors:
        raise Invalid(errors)
    return spec


async def _run(spec: dict[str, Any], query: ReportQuery) -> ReportResult:
    kind = kinds.get(spec["kind"], "kind")
    found = await choices(kind.key)
    if spec["group_by"] not in found["groups"] or (spec["value"] and spec["value"] not in found["values"]):
        raise Invalid({"group_by": "the field this report groups or measures by is gone; edit the report"})
    table = kinds.table_name(kind)
    where, args = await report_scope(query, kind.key, table, owner_column=kind.owner_column or "owner")
    if "created_at" in kinds.columns(kind):
        where += ["created_at >= {}", "created_at < {}"]
        args += [query.starts, query.ends]
    group = _sql_of(kind.owner_column if spec["group_by"] == "owner" else spec["group_by"])
    condition = " AND ".join(where) or "1 = 1"
    measure = spec["measure"]
    if measure in ("count", "sum", "avg"):
        number = "double precision" if on_postgres() else "REAL"
        aggregate = "count(*)" if measure == "count" else f"{measure}(CAST({_sql_of(spec['value'])} AS {number}))"
        rows = await fetch(f"SELECT {group} AS label, {aggregate} AS value FROM {table} WHERE {condition} "
                           f"GROUP BY {group} ORDER BY {aggregate} DESC LIMIT {TOP}", *args)
        grouped = [(row["label"], row["value"]) for row in rows]
    else:
        value = _sql_of(spec["value"])
        rows = await fetch(f"SELECT {group} AS label, {value} AS value FROM {table} "
                           f"WHERE {condition} AND {value} IS NOT NULL LIMIT {MAX_VALUES}", *args)
        by_label: dict[Any, list[float]] = {}
        for row in rows:
            by_label.setdefault(row["label"], []).append(float(row["value"]))
        grouped = sorted(((label, apply_measure(values, measure)) for label, values in by_label.items()),
                         key=lambda item: -(item[1] or 0))[:TOP]
    if spec["group_by"] == "owner":
        names = {user_id: user["display_name"] for user_id, user in (await get_users(
            [label for label, _ in grouped if isinstance(label, int)])).items()}
        grouped = [(names.get(label, "Nobody"), value) for label, value in grouped]
    if spec["chart"] == "line":
        grouped.sort(key=lambda item: str(item[0]))
    value_label = found["values"].get(spec["value"], "")
    measure_label = "Records" if measure == "count" else f"{measure.capitalize()} of {value_label}"
    result_rows = [{"group": "(none)" if label in (None, "") else str(label),
                    "value": round(float(value), 2) if value is not None else None} for label, value in grouped]
    return ReportResult(
        (ReportColumn("group", found["groups"][spec["group_by"]], "text"), ReportColumn("value", measure_label)),
        result_rows, series=("value",),
        summary={"records": sum(r["value"] or 0 for r in result_rows)} if measure == "count" else {},
        note=f"{kind.plural or kind.label} created in the period" if "created_at" in kinds.columns(kind) else "",
    )


def definition(spec: dict[str, Any]) -> ReportDefinition:
    """The saved report as a report like any other."""
    async def run(query: ReportQuery) -> ReportResult:
        return await _run(spec, query)

    return ReportDefinition(
        f"{PREFIX}r{spec['id']}", spec["title"], run, description="A report built by a user.",
        group_by=(spec["group_by"],), measure=spec["measure"] if spec["measure"] != "count" else "count",
        chart=spec["chart"], record_kind=spec["kind"], order=1000,
    )


def id_of(key: str) -> int | None:
    rest = key.removeprefix(PREFIX + "r") if key.startswith(PREFIX + "r") else ""
    return int(rest) if rest.isdecimal() and len(rest) <= 9 else None


async def visible(principal: Principal) -> list[dict[str, Any]]:
    rows = await fetch(
        f"SELECT {_COLUMNS} FROM crm_saved_report s JOIN crm_user u ON u.id = s.owner "
        "WHERE s.owner = {} OR s.shared = 'everyone' OR (s.shared = 'team' AND u.team = {}) ORDER BY s.title, s.id",
        principal.id, principal.team_id if principal.team_id is not None else -1,
    )
    return [row | {"key": f"{PREFIX}r{row['id']}", "editable": row["owner"] == principal.id or principal.role == "admin"}
            for row in rows]


async def get(principal: Principal, report_id: int) -> dict[str, Any]:
    found = next((row for row in await visible(principal) if row["id"] == report_id), None)
    if found is None:
        raise NotFound("report", f"{PREFIX}r{report_id}")
    return found


async def create(principal: Principal, values: Mapping[str, Any]) -> dict[str, Any]:
    spec = await clean(values)
    rows = await execute(
        "INSERT INTO crm_saved_report (owner, title, kind, group_by, measure, value, chart, shared, created_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
        principal.id, spec["title"], spec["kind"], spec["group_by"], spec["measure"], spec["value"], spec["chart"],
        spec["shared"], clock.now(),
    )
    return await get(principal, rows[0]["id"])


async def update(principal: Principal, report_id: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """Change a saved report of yours (an admin may change anyone's): every field checked as
    when it was made; its key stays, so dashboards and schedules showing it follow."""
    saved = await get(principal, report_id)
    if not saved["editable"]:
        raise Forbidden(f"report {saved['key']} is another user's: only they change it")
    spec = await clean(values)
    await execute(
        "UPDATE crm_saved_report SET title = {}, kind = {}, group_by = {}, measure = {}, value = {}, chart = {}, "
        "shared = {} WHERE id = {}",
        spec["title"], spec["kind"], spec["group_by"], spec["measure"], spec["value"], spec["chart"], spec["shared"],
        report_id,
    )
    return await get(principal, report_id)


async def delete(principal: Principal, report_id: int) -> None:
    saved = await get(principal, report_id)
    if not saved["editable"]:
        raise Forbidden(f"report {saved['key']} is another user's: only they delete it")
    await execute("DELETE FROM crm_saved_report WHERE id = {}", report_id)
