"""One document of everything held about a contact: the core's rows and, through their
``crm_personal_data`` declarations, every installed plugin's (disabled ones too: their data
stays while they are off)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.audit import service as audit
from crm_platform.db.raw import decode_json_columns, fetch, placeholders
from crm_platform.records import pipeline
from crm_platform.users.accounts import require_admin

FORMAT = "crm-personal-data/1"
# Above this an export is handed over as a zip archive rather than as plain JSON.
ZIP_ABOVE_BYTES = 5 * 1024 * 1024


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, default=_plain, ensure_ascii=False, indent=2).encode()


def as_zip(document: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"contact-{document['contact']['id']}.json", dumps(document))
    return buffer.getvalue()


async def _activities(contact_id: int) -> list[dict[str, Any]]:
    rows = await fetch(
        "SELECT a.id, a.type, a.subject, a.body, a.occurred_at, a.ends_at, a.direction, a.channel, a.due_at, a.done, "
        "a.source FROM crm_activity a WHERE a.id IN (SELECT activity FROM crm_activity_link "
        "WHERE record_type = 'contact' AND record_id = {}) ORDER BY a.occurred_at, a.id", contact_id,
    )
    if rows:
        ids = [row["id"] for row in rows]
        links = await fetch(f"SELECT activity, record_type, record_id, role FROM crm_activity_link "
                            f"WHERE activity IN ({placeholders(ids)}) ORDER BY id", *ids)
        for row in rows:
            row["links"] = [{k: v for k, v in link.items() if k != "activity"}
                            for link in links if link["activity"] == row["id"]]
    return rows


async def core_sections(contact_id: int) -> dict[str, Any]:
    return {
        "identities": await fetch("SELECT kind, network, value, created_at FROM crm_contact_identity "
                                  "WHERE contact = {} ORDER BY id", contact_id),
        "lifecycle": await fetch("SELECT stage_from, stage_to, changed_at FROM crm_lifecycle_change "
                                 "WHERE contact = {} ORDER BY id", contact_id),
        "relationships": await fetch(
            "SELECT type, source_type, source_id, target_type, target_id, role, since, until FROM crm_relationship "
            "WHERE (source_type = 'contact' AND source_id = {}) OR (target_type = 'contact' AND target_id = {}) "
            "ORDER BY id", contact_id, contact_id),
        "activities": await _activities(contact_id),
        "consents": await fetch("SELECT purpose, channel, granted, source, text_version, at FROM crm_consent "
                                "WHERE contact = {} ORDER BY at, id", contact_id),
        "history": [decode_json_columns(row, ("changes",)) for row in await fetch(
            "SELECT at, actor_id, action, changes FROM crm_audit_entry WHERE record_type = 'contact' "
            "AND record_id = {} ORDER BY id", contact_id)],
    }


async def plugin_sections(contact_id: int) -> dict[str, Any]:
    host = runtime.current().host
    sections: dict[str, Any] = {}
    for item in host.items("crm_personal_data", include_disabled=True):
        sections[item.key] = {"plugin": host.owner("crm_personal_data", item), "label": item.label,
                              "fields": list(item.fields), "rows": list(await item.export(contact_id) or [])}
    return sections


async def export_contact(principal: Principal, contact_id: int) -> dict[str, Any]:
    """Everything about the contact, for an admin; the export itself is audited."""
    require_admin(principal, "export a person's data")
    contact = await pipeline.read_one(principal, "contact", contact_id)
    document = {
        "format": FORMAT,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "contact": contact,
        **await core_sections(contact_id),
        "plugins": await plugin_sections(contact_id),
    }
    await audit.record(principal.id, "contact", contact_id, "export", {})
    return document
