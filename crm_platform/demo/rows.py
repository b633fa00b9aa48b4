"""Turn demo plans into table rows, with ids reserved up front and no per-row queries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from crm_platform.audit import service as audit
from crm_platform.db.bulk import insert_rows, reserve_ids
from crm_platform.demo.generate import CompanyPlan, ContactPlan
from crm_platform.search import index as search_index

COMPANY_COLUMNS = (
    "id", "name", "domains", "industry", "size", "parent", "owner", "tags", "custom", "created_at", "updated_at",
)
RELATIONSHIP_COLUMNS = (
    "type", "source_type", "source_id", "target_type", "target_id", "role", "since", "until", "created_at",
    "created_by",
)
ACTIVITY_COLUMNS = (
    "id", "type", "subject", "body", "occurred_at", "direction", "channel", "owner", "due_at", "assignee",
    "done", "done_at", "reminded_at", "source", "external_id", "created_at", "updated_at",
)
LINK_COLUMNS = ("activity", "record_type", "record_id", "role", "occurred_at")
AUDIT_COLUMNS = ("at", "actor_id", "record_type", "record_id", "action", "changes")


async def write_companies(
    actor_id: int, plans: list[CompanyPlan], earlier_ids: list[int], now: dt.datetime
) -> list[int]:
    """Insert companies with tags, audit and search entries. A parent comes before its
    subsidiaries: ``parent_index`` points into ``earlier_ids`` followed by these companies."""
    ids = await reserve_ids("crm_company", len(plans))
    known = [*earlier_ids, *ids]
    rows, tag_rows, audit_rows, entries = [], [], [], []
    for company_id, plan in zip(ids, plans, strict=True):
        parent = known[plan.parent_index] if plan.parent_index is not None else None
        rows.append([
            company_id, plan.name, json.dumps([plan.domain]), plan.industry, plan.size, parent, plan.owner,
            json.dumps(plan.tags), "{}", now, now,
        ])
        tag_rows += [["company", company_id, tag] for tag in plan.tags]
        created = {"name": {"from": None, "to": plan.name}, "domains": {"from": None, "to": [plan.domain]}}
        audit_rows.append([now, actor_id, "company", company_id, "create", json.dumps(created)])
        entries.append(
            search_index.Entry("company", company_id, plan.name, plan.domain, (plan.name, plan.domain), plan.owner)
        )
    await insert_rows("crm_company", COMPANY_COLUMNS, rows)
    await insert_rows("crm_tagging", ("record_type", "record_id", "tag"), tag_rows)
    await audit.add_many(AUDIT_COLUMNS, audit_rows, {})
    await search_index.upsert(entries)
    return ids


def partner_rows(actor_id: int, company_ids: list[int], pairs: list[tuple[int, int]], now: dt.datetime) -> list[list]:
    return [
        ["partner_of", "company", company_ids[a], "company", company_ids[b], "", None, None, now, actor_id]
        for a, b in pairs
    ]


async def write_links(
    actor_id: int,
    plans: list[ContactPlan],
    contact_ids: list[int],
    company_ids: list[int],
    now: dt.datetime,
) -> tuple[int, int]:
    """Relationships and activities of one chunk of contacts; returns how many of each."""
    relationships: list[list[Any]] = []
    activities: list[tuple[int, ContactPlan, Any]] = []
    for position, (contact_id, plan) in enumerate(zip(contact_ids, plans, strict=True)):
        company_id = company_ids[plan.company_index] if plan.company_index is not None else None
        if company_id is not None:
            relationships.append([
                "works_at", "contact", contact_id, "company", company_id, plan.values["job_title"], plan.since,
                None, now, actor_id,
            ])
        if plan.manager is not None:
            relationships.append(
                ["reports_to", "contact", contact_id, "contact", contact_ids[plan.manager], "", None, None, now, actor_id]
            )
        if plan.referrer is not None:
            relationships.append([
                "referred_by", "contact", contact_id, "contact", contact_ids[plan.referrer], "", None, None, now,
                actor_id,
            ])
        activities += [(position, plan, activity) for activity in plan.activities]
    await insert_rows("crm_relationship", RELATIONSHIP_COLUMNS, relationships)

    activity_ids = await reserve_ids("crm_activity", len(activities))
    activity_rows, link_rows = [], []
    for activity_id, (position, plan, activity) in zip(activity_ids, activities, strict=True):
        owner = plan.values["owner"]
        done_at = (activity.due_at or activity.occurred_at) if activity.done else None
        activity_rows.append([
            activity_id, activity.type, activity.subject, "", activity.occurred_at, activity.direction,
            activity.channel, owner, activity.due_at, owner if activity.due_at else None, activity.done, done_at,
            activity.reminded_at, "demo", None, now, now,
        ])
        link_rows.append([activity_id, "contact", contact_ids[position], "participant", activity.occurred_at])
        if activity.colleague is not None:
            link_rows.append(
                [activity_id, "contact", contact_ids[activity.colleague], "participant", activity.occurred_at]
            )
        if plan.company_index is not None:
            link_rows.append([activity_id, "company", company_ids[plan.company_index], "about", activity.occurred_at])
    await insert_rows("crm_activity", ACTIVITY_COLUMNS, activity_rows)
    await insert_rows("crm_activity_link", LINK_COLUMNS, link_rows)
    return len(relationships), len(activity_rows)
