"""IMAP mailboxes: the accounts the plugin reads, each its owner's (admins and managers see
all). The password is sealed with the instance key before it is stored and is never shown
again; a mailbox is checked whole and a wrong one is refused naming every field."""

from __future__ import annotations

import ssl
from typing import Any

from crm_hookspecs import Principal

from crm_conversations.sources.imap_read import LOCAL_HOSTS, SECURITIES
from crm_platform.toolkit import Conflict, Invalid, NotFound, encrypt_secret, execute, fetch

FIELDS = ("name", "host", "port", "security", "username", "password", "folders", "ca_certificate")
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "none": 143}
# Everything but the sealed password.
COLUMNS = "id, name, host, port, security, username, folders, ca_certificate, owner, sync_started, created_at"


def folder_list(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def check(values: dict[str, Any], existing: dict[str, Any] | None = None) -> dict[str, Any]:
    """The mailbox's columns from ``values`` (on an edit, merged over ``existing``), or
    :class:`Invalid` naming each field that is wrong."""
    unknown = sorted(set(values) - set(FIELDS))
    errors: dict[str, str] = {name: "is not a mailbox field" for name in unknown}
    merged = {**(existing or {}), **{key: value for key, value in values.items() if key in FIELDS}}
    name = str(merged.get("name") or "").strip()
    host = str(merged.get("host") or "").strip().lower()
    security = str(merged.get("security") or "tls").strip().lower()
    username = str(merged.get("username") or "").strip()
    folders = folder_list(str(merged.get("folders") or "INBOX"))
    if not name or len(name) > 100:
        errors["name"] = "is required, at most 100 characters"
    if not host or len(host) > 253 or any(char in host for char in " /\\@"):
        errors["host"] = "is required: a host name or address, like imap.example.com"
    if security not in SECURITIES:
        errors["security"] = f"is one of {', '.join(SECURITIES)}"
    elif security == "none" and host and host not in LOCAL_HOSTS:
        errors["security"] = "none (plain IMAP) is only for a server on this machine; use tls or starttls"
    port = merged.get("port")
    if port in (None, ""):
        port = DEFAULT_PORTS.get(security, 993)
    try:
        port = int(port)
        if not 0 < port < 65536:
            raise ValueError
    except (TypeError, ValueError):
        errors["port"] = "is a number from 1 to 65535"
    if not username or len(username) > 254:
        errors["username"] = "is required, at most 254 characters"
    if existing is None and not str(values.get("password") or ""):
        errors["password"] = "is required"
    if not folders or len(",".join(folders)) > 1000:
        errors["folders"] = "names at least one folder (comma separated), like INBOX, Sent"
    certificate = str(merged.get("ca_certificate") or "").strip()
    if certificate:
        try:
            ssl.create_default_context(cadata=certificate)
        except (ssl.SSLError, ValueError, TypeError):  # TypeError: not ASCII
            errors["ca_certificate"] = "is not a PEM certificate (-----BEGIN CERTIFICATE----- ...)"
    if errors:
        raise Invalid(errors)
    cleaned = {"name": name, "host": host, "port": port, "security": security, "username": username,
               "folders": ", ".join(folders), "ca_certificate": certificate}
    if str(values.get("password") or ""):
        cleaned["password"] = encrypt_secret(str(values["password"]))
    return cleaned


async def _check_name_free(name: str, except_id: int | None = None) -> None:
    rows = await fetch("SELECT id, name FROM conversations_mailbox WHERE lower(name) = {}", name.lower())
    for row in rows:
        if row["id"] != except_id:
            raise Conflict(f"a mailbox named {row['name']!r} exists; choose another name")


async def create(principal: Principal, values: dict[str, Any]) -> dict[str, Any]:
    cleaned = check(values)
    await _check_name_free(cleaned["name"])
    await execute(
        "INSERT INTO conversations_mailbox (name, host, port, security, username, password, folders, ca_certificate, "
        "owner, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, CURRENT_TIMESTAMP)",
        cleaned["name"], cleaned["host"], cleaned["port"], cleaned["security"], cleaned["username"],
        cleaned["password"], cleaned["folders"], cleaned["ca_certificate"], principal.id)
    rows = await fetch("SELECT id FROM conversations_mailbox WHERE name = {}", cleaned["name"])
    return await get(principal, rows[0]["id"])


async def update(principal: Principal, mailbox_id: int, values: dict[str, Any]) -> dict[str, Any]:
    existing = await get(principal, mailbox_id)
    cleaned = check(values, existing)
    await _check_name_free(cleaned["name"], mailbox_id)
    assignments = ", ".join(f"{column} = {{}}" for column in cleaned)
    await execute(f"UPDATE conversations_mailbox SET {assignments} WHERE id = {{}}", *cleaned.values(), mailbox_id)
    if (cleaned["host"], cleaned["username"]) != (existing["host"], existing["username"]):
        # Another account: the UIDs known of the old one say nothing about it.
        await execute("DELETE FROM conversations_mailbox_folder WHERE mailbox = {}", mailbox_id)
    return await get(principal, mailbox_id)


async def delete(principal: Principal, mailbox_id: int) -> None:
    """The mailbox and its sync records go; the messages imported from it stay."""
    await get(principal, mailbox_id)
    await execute("DELETE FROM conversations_mailbox_sync WHERE mailbox = {}", mailbox_id)
    await execute("DELETE FROM conversations_mailbox_folder WHERE mailbox = {}", mailbox_id)
    await execute("DELETE FROM conversations_mailbox WHERE id = {}", mailbox_id)


async def visible(principal: Principal) -> list[dict[str, Any]]:
    if principal.sees_everything:
        return await fetch(f"SELECT {COLUMNS} FROM conversations_mailbox ORDER BY name")
    return await fetch(f"SELECT {COLUMNS} FROM conversations_mailbox WHERE owner = {{}} ORDER BY name", principal.id)


async def get(principal: Principal, mailbox_id: int) -> dict[str, Any]:
    rows = await fetch(f"SELECT {COLUMNS} FROM conversations_mailbox WHERE id = {{}}", mailbox_id)
    if not rows or not (principal.sees_everything or rows[0]["owner"] == principal.id):
        raise NotFound("mailbox", mailbox_id)
    return rows[0]


async def by_name(principal: Principal, name: str) -> dict[str, Any]:
    for mailbox in await visible(principal):
        if mailbox["name"].lower() == name.strip().lower():
            return mailbox
    raise Invalid({"mailbox": f"no mailbox is named {name!r}"})
