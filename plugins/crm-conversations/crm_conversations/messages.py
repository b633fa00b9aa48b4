"""The message record kind: how an imported message is checked, matched and linked.

``clean`` decides (it runs in the dry run too, so it writes nothing): a message the reader
could not read fails with the reason, list mail and auto-replies are skipped with theirs, a
message already imported is skipped, and the others are matched to contacts. ``after_write``
then threads the message, puts it on the timeline of its contacts and their companies, and
creates a contact for an unknown sender or queues the sender for review.
"""

from __future__ import annotations

import html
import json
from typing import Any

import nh3
from crm_hookspecs import Principal, RecordKind, RecordWrite

from crm_conversations import threading, unknown
from crm_conversations.matching import creating_channels, identity_of, own_identities
from crm_conversations.tables import Message, Thread
from crm_platform.toolkit import (
    ActivityIn,
    Identity,
    Invalid,
    Skip,
    contacts_by_identity,
    execute,
    fetch,
    get_records,
    get_relationships_of,
    log_activities,
    placeholders,
)

KIND_KEY = "conversations.message"
SOCIAL_CHANNELS = ("whatsapp", "messenger", "instagram", "x", "linkedin", "slack", "telegram")
# Tags and attributes a message may keep: no script, style, form, base, meta, iframe, hx-*.
_ALLOWED_SCHEMES = {"http", "https", "mailto", "cid"}


def sanitise_html(html: str) -> str:
    return nh3.clean(html, url_schemes=_ALLOWED_SCHEMES, link_rel="noopener noreferrer nofollow") if html else ""


def _attachments(text: str) -> str:
    if not text:
        return ""
    try:
        items = json.loads(text)
    except ValueError:
        raise Invalid({"attachments": "is not a JSON list of {name, type, size, sha256}"}) from None
    if not isinstance(items, list):
        raise Invalid({"attachments": "is not a JSON list of {name, type, size, sha256}"})
    kept = [{"name": str(item.get("name", ""))[:255], "type": str(item.get("type", ""))[:100],
             "size": int(item.get("size") or 0), "sha256": str(item.get("sha256", ""))[:64]}
            for item in items[:200] if isinstance(item, dict)]
    return json.dumps(kept)


def _about(values: dict[str, Any]) -> str:
    """How the ledger names a message it did not keep: who sent it and its subject."""
    subject = (values.get("subject") or "")[:80]
    return f"from {values.get('sender') or values.get('sender_name') or 'unknown sender'}, subject {subject!r}"


async def prepare_many(principal: Principal, items: list[dict[str, Any]]) -> None:
    """Look up for a whole import batch what :func:`clean` needs: which messages are already
    imported, the business's own addresses, the channels that create contacts, and the
    contacts the participants are; left in each item under ``_found``."""
    keyed = [item for item in items if (item.get("message_id") or "").strip()]
    if not keyed:
        return
    own, creating = await own_identities(), await creating_channels()
    keys = sorted({_key_of(item) for item in keyed})
    imported = {row["key"] for row in await fetch(
        f"SELECT key FROM conversations_message WHERE key IN ({placeholders(keys)})", *keys)}
    identities = {identity for item in keyed for identity in _participants(item)[1] if identity not in own}
    found = await contacts_by_identity(sorted(identities, key=lambda identity: identity.key))
    writable = set(await get_records(principal, "contact", sorted(set(found.values())), "write"))
    for item in keyed:
        item["_found"] = {"imported": _key_of(item) in imported, "own": own, "creating": creating,
                          "contacts": found, "writable": writable}


def _key_of(values: dict[str, Any]) -> str:
    channel = (values.get("channel") or "email").strip().lower()
    return f"{channel}:{(values.get('message_id') or '').strip()}"[:330]


def _participants(values: dict[str, Any]) -> tuple[Identity | None, list[Identity]]:
    channel = (values.get("channel") or "email").strip().lower()
    sender = identity_of(channel, values.get("sender") or "")
    others = [identity_of(channel, text.strip()) for text in (values.get("recipients") or "").split(",")]
    return sender, [identity for identity in [sender, *others] if identity is not None]


async def clean(principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    if existing is not None:
        return values  # a message is not edited; re-importing it changes nothing
    if failure := (values.get("failure") or "").strip():
        raise Invalid({"message": failure})
    flags = (values.get("flags") or "").split()
    if any(flag.startswith("skip:") for flag in flags):
        reason = (values.get("flags") or "").partition("skip:")[2]
        raise Skip(f"{reason} ({_about(values)})")
    channel = (values.get("channel") or "email").strip().lower()
    message_id = (values.get("message_id") or "").strip()
    if not message_id:
        raise Invalid({"message_id": "is empty; every message needs its id (or the stable id the reader makes)"})
    values["channel"], values["key"] = channel, _key_of(values)
    ahead = values.pop("_found", None)  # what prepare_many looked up for the import's batch
    imported = ahead["imported"] if ahead else bool(await fetch(
        "SELECT id FROM conversations_message WHERE key = {}", values["key"]))
    if imported:
        raise Skip(f"already imported ({_about(values)})")
    own = ahead["own"] if ahead else await own_identities()
    sender, participants = _participants(values)
    outsiders = [identity for identity in participants if identity not in own]
    values["direction"] = "outbound" if sender is not None and sender in own else "inbound"
    if ahead:
        found = {identity: ahead["contacts"][identity] for identity in outsiders if identity in ahead["contacts"]}
        writable = ahead["writable"]
    else:
        found = await contacts_by_identity(outsiders)
        writable = set(await get_records(principal, "contact", sorted(set(found.values())), "write"))
    values["contact_ids"] = sorted({contact_id for contact_id in found.values() if contact_id in writable})
    values["body_html"] = sanitise_html(values.get("body_html") or "")
    values["attachments"] = _attachments(values.get("attachments") or "")
    if sender is not None and sender not in own and sender not in found and "malformed-from" not in flags:
        creating = ahead["creating"] if ahead else await creating_channels()
        values["_unknown_sender"] = {"identity": sender, "name": values.get("sender_name") or "",
                                     "create": channel in creating}
    return values


async def after_write(write: RecordWrite) -> None:
    await after_write_many([write])


async def after_write_many(writes: list[RecordWrite]) -> None:
    """Thread each new message, handle its unknown sender, then put every message of the
    batch on its contacts' timelines in one bulk write."""
    placed: list[tuple[int, dict[str, Any], list[int]]] = []
    created = [write for write in writes if write.action == "create" and write.values is not None]
    queued: list[tuple[int, dict[str, Any]]] = []
    for write in created:
        assert write.values is not None
        contact_ids = list(write.values.get("contact_ids") or [])
        if (pending := write.values.get("_unknown_sender")) and not pending.get("create"):
            queued.append((write.record_id, pending))
        elif pending:
            made = await unknown.create_contact(write.principal, pending["identity"], pending.get("name") or "")
            contact_ids.append(made)
            await execute("UPDATE conversations_message SET contact_ids = {} WHERE id = {}",
                          json.dumps(sorted(contact_ids)), write.record_id)
        if contact_ids:
            placed.append((write.record_id, write.values, contact_ids))
    if queued:
        await unknown.queue_many(writes[0].principal, queued)
    await threading.assign_many([(write.record_id, write.values or {}, write.principal.id) for write in created])
    if placed:
        activity_ids = await log_on_timelines(writes[0].principal, placed)
        pairs = list(zip((message_id for message_id, _, _ in placed), activity_ids, strict=True))
        cases = " ".join("WHEN {} THEN CAST({} AS INTEGER)" for _ in pairs)
        await execute(f"UPDATE conversations_message SET activity = CASE id {cases} END "
                      f"WHERE id IN ({placeholders(pairs)})",
                      *(value for pair in pairs for value in pair), *(message_id for message_id, _ in pairs))


async def log_on_timelines(principal: Principal, placed: list[tuple[int, dict[str, Any], list[int]]]) -> list[int]:
    """One activity for each ``(message_id, values, contact_ids)``, with every matched contact as a participant and their
    companies linked, so it is on each of their timelines; all in a constant number of
    statements. Returns the activities' ids in the order of ``placed``."""
    contacts = sorted({contact_id for *_, contact_ids in placed for contact_id in contact_ids})
    relationships = await get_relationships_of(principal, "contact", contacts, "works_at")
    employers = {contact_id: {item["target_id"] for item in items if item["target_type"] == "company"}
                 for contact_id, items in relationships.items()}
    companies = sorted({company for found in employers.values() for company in found})
    writable = await get_records(principal, "company", companies, "write") if companies else {}
    items = []
    for message_id, values, contact_ids in placed:
        linked = sorted({company for contact_id in contact_ids for company in employers.get(contact_id, ())
                         if company in writable})
        channel = values.get("channel") or "email"
        items.append(ActivityIn(
            type="email" if channel == "email" else "social_message",
            subject=(values.get("subject") or "(no subject)")[:300],
            body=_timeline_body(message_id, values),
            occurred_at=values.get("sent_at"),
            direction=values.get("direction") or "",
            channel=channel,
            participant_ids=sorted(contact_ids)[:100],
            links=[{"record_type": KIND_KEY, "record_id": message_id},  # type: ignore[list-item]
                   *({"record_type": "company", "record_id": company} for company in linked)],
            source="conversations",
            external_id=(values.get("key") or "")[:255],
        ))
    return [activity["id"] for activity, _ in await log_activities(principal, items)]


def _timeline_body(message_id: int, values: dict[str, Any]) -> str:
    """The start of the message, escaped, and a link to the whole of it (the activity's body
    is HTML, sanitised again by the core)."""
    excerpt = html.escape((values.get("body_text") or "").strip()[:600])
    return (f"<p>{excerpt}</p>" if excerpt else "") + (
        f'<p><a href="/conversations/messages/{int(message_id)}">Open the message</a></p>')


KIND = RecordKind(
    KIND_KEY, "Message", table=Message, title_column="subject", url="/conversations/messages/{id}",
    audited=("subject", "sender", "direction", "thread"), subtitle_column="sender",
    search_columns=("subject", "sender", "sender_name", "body_text"),
    clean=clean, prepare_many=prepare_many, after_write=after_write, after_write_many=after_write_many, plural="messages",
    personal_data=("sender", "sender_name", "recipients", "subject", "body_text", "body_html"),
)
THREAD_KIND = RecordKind(
    "conversations.thread", "Conversation", table=Thread, title_column="subject",
    url="/conversations/threads/{id}", audited=("subject",), plural="conversations", searched=False,
)
