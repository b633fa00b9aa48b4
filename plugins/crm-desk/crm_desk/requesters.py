"""Who raised a ticket: a known contact, or one made from an email address nobody knew yet,
tagged so that someone can check it later."""

from __future__ import annotations

from crm_hookspecs import Principal
from crm_platform.toolkit import Identity, Invalid, contacts_by_identity, create_record
from email_validator import EmailNotValidError, validate_email

AUTO_CREATED_TAG = "auto-created"
SOURCE = "desk"


def normalised_email(address: str, field: str = "requester_email") -> str:
    try:
        return validate_email(str(address).strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid({field: f"must be an email address: {exc}"}) from None


async def contact_for_email(principal: Principal, address: str, name: str = "", field: str = "requester_email") -> int:
    """The contact known by ``address`` (whoever may see it: mail must find its sender), or a
    new one tagged ``auto-created``.
    Call it inside the ticket's unit of work, so a refused ticket leaves no contact behind."""
    email = normalised_email(address, field)
    found = await contacts_by_identity([Identity("email", email)])
    if found:
        return next(iter(found.values()))
    given, _, family = " ".join(str(name or "").split()).partition(" ")
    if not given:
        given = email.split("@", 1)[0][:100]
    return await create_record(principal, "contact", {
        "given_name": given[:100], "family_name": family[:100], "display_name": "", "job_title": "",
        "emails": [{"address": email, "label": "work"}], "phones": [], "lifecycle_stage": "lead",
        "tags": [AUTO_CREATED_TAG], "source": SOURCE, "custom": {},
    })
