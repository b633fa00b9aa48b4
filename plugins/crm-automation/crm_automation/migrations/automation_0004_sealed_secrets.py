"""Webhook signing secrets written in clear before they were sealed are sealed with the
instance's key."""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.toolkit import encrypt_secret, execute, fetch

ID = "2026-12-01T16:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Seal the webhook signing secrets kept in clear"

SEALED = "sealed:"


async def seal_clear_secrets() -> None:
    for row in await fetch("SELECT id, secrets FROM automation_endpoint"):
        secrets = json.loads(row["secrets"]) if isinstance(row["secrets"], str) else row["secrets"]
        if any(not secret.startswith(SEALED) for secret in secrets):
            sealed = [secret if secret.startswith(SEALED) else encrypt_secret(secret) for secret in secrets]
            await execute("UPDATE automation_endpoint SET secrets = {} WHERE id = {}", json.dumps(sealed), row["id"])
    for row in await fetch("SELECT id, secret FROM automation_inbound"):
        if not row["secret"].startswith(SEALED):
            await execute("UPDATE automation_inbound SET secret = {} WHERE id = {}",
                          encrypt_secret(row["secret"]), row["id"])


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="automation", description=DESCRIPTION)
    manager.add_raw(seal_clear_secrets)
    return manager
