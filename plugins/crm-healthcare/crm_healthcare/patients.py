"""Patient fields on contacts (typed custom fields: the core puts them in forms, list columns,
filters, import mapping and export), and minimum-necessary display: the member id is masked
wherever a contact is shown, unless a user who may see it asks, and that request is audited."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import FieldDefinition, Permission, Principal
from crm_platform.toolkit import has_permission

from crm_healthcare import audit

SLUG = "healthcare"
CHANNELS = ("email", "phone", "sms", "post")
CONSENT = ("given", "refused", "withdrawn")
MEMBER_ID = "healthcare_member_id"
# Asking for the member id in clear: ``?reveal=healthcare_member_id`` on the contact page or API.
REVEAL_PARAMETER = "reveal"
REVEAL = Permission(f"{SLUG}.reveal", "See a patient's member id in clear, when asked", roles=("admin", "manager"))


def _consent_fields() -> list[FieldDefinition]:
    fields = []
    for channel in CHANNELS:
        key = f"healthcare_consent_{channel}"
        fields += [
            FieldDefinition("contact", key, f"Consent: {channel}", kind="choice", choices=CONSENT),
            FieldDefinition("contact", f"{key}_date", f"Consent: {channel}, date", kind="date"),
            FieldDefinition("contact", f"{key}_source", f"Consent: {channel}, source",
                            help="Where the consent was given: a signed form, a call, the portal"),
        ]
    return fields


FIELDS = [
    FieldDefinition("contact", "healthcare_date_of_birth", "Date of birth", kind="date"),
    FieldDefinition("contact", "healthcare_insurer", "Insurer", searchable=True),
    # Not filterable: a list filter would tell whoever tries a guessed member id who holds it.
    FieldDefinition("contact", MEMBER_ID, "Member id", help="Shown masked; ask to reveal it", filterable=False),
    FieldDefinition("contact", "healthcare_primary_physician", "Primary physician", searchable=True),
    FieldDefinition("contact", "healthcare_preferred_channel", "Preferred channel", kind="choice", choices=CHANNELS),
    *_consent_fields(),
]
FIELD_KEYS = frozenset(field.key for field in FIELDS)


def is_patient(record: dict[str, Any]) -> bool:
    """Whether a contact carries any patient field (the others are not the plugin's business)."""
    custom = record.get("custom") or {}
    return any(custom.get(key) not in (None, "", []) for key in FIELD_KEYS)


def masked(value: str) -> str:
    """The last two characters of a member id, the rest hidden."""
    return "•" * max(len(value) - 2, 4) + value[-2:]


def _client(request: Any) -> str:
    client = getattr(request, "client", None)
    return getattr(client, "host", "") or ""


def _asked_to_reveal(request: Any) -> bool:
    if request is None:
        return False
    return MEMBER_ID in request.query_params.getall(REVEAL_PARAMETER, [])


async def records_read(principal: Principal, records: list[dict[str, Any]], surface: str, request: Any) -> None:
    """Mask member ids and log what was read of patients. A list and the history (past versions,
    of a record whose page or API read is logged) mask without logging; a page, an API read, a
    form and an export log one entry per patient, in one statement; a reveal logs its own."""
    patients = [record for record in records if is_patient(record)]
    if not patients:
        return
    reveal = surface == "form" or (_asked_to_reveal(request) and await has_permission(principal, REVEAL.key))
    entries: list[tuple[int, str]] = []
    quiet = surface in ("list", "history")
    for record in patients:
        if not quiet:
            entries.append((record["id"], "patient record"))
        member_id = (record.get("custom") or {}).get(MEMBER_ID)
        if not member_id:
            continue
        if not reveal:
            record["custom"][MEMBER_ID] = masked(str(member_id))
        elif surface != "list" and (record["id"], "member id") not in entries:
            entries.append((record["id"], "member id"))  # once per patient, in the history too
    await audit.log_reads(principal, entries, surface, _client(request))
