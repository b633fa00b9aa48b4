"""Mappings for the contact exports of other CRMs (HubSpot, Salesforce, Pipedrive, Zoho),
recognised from their header rows.

A recognised file starts with the preset's mapping and the preset's key as its source, so
external ids of one system stay apart from another's; the person can still change the
mapping, and the next file with the same columns reuses what they chose (a saved mapping
wins over the preset). Columns a preset does not know are suggested as for any file.

Owner columns are left out: these systems export an owner's name or their own user id,
not the email a user signs in with. So are lifecycle stages, whose words differ from ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crm_platform.imports import mapping as suggestions
from crm_platform.imports.fields import ImportField


@dataclass(frozen=True)
class Preset:
    """A system's export: ``columns`` maps its header names (exact spelling) to our fields,
    ``ignored`` are columns left out on purpose (owners, stages); a header is this export
    when it has every column of ``required`` and at least one of ``any_of`` (for one of the
    ``signatures``)."""

    key: str
    label: str
    columns: Mapping[str, str]
    signatures: tuple[tuple[frozenset[str], frozenset[str]], ...]
    ignored: frozenset[str] = frozenset()
    kinds: tuple[str, ...] = ("contact",)


def _signature(required: set[str], any_of: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(required), frozenset(any_of)


HUBSPOT = Preset(
    "hubspot", "HubSpot",
    {
        "Record ID": "external_id", "First Name": "given_name", "Last Name": "family_name", "Email": "email",
        "Phone Number": "phone", "Mobile Phone Number": "mobile", "Job Title": "job_title",
        "Company Name": "company",
    },
    (_signature({"Record ID", "First Name", "Last Name"},
                {"Lifecycle Stage", "Contact owner", "Phone Number", "Lead Status", "Company Name"}),),
    frozenset({"Lifecycle Stage", "Contact owner", "Lead Status"}),
)
SALESFORCE = Preset(
    "salesforce", "Salesforce",
    {
        # A report of contacts ...
        "Contact ID": "external_id", "First Name": "given_name", "Last Name": "family_name", "Title": "job_title",
        "Account Name": "company", "Email": "email", "Phone": "phone", "Mobile": "mobile", "Lead Source": "source",
        # ... and the Data Loader's export, by API names.
        "Id": "external_id", "FirstName": "given_name", "LastName": "family_name", "MobilePhone": "mobile",
        "LeadSource": "source",
    },
    (
        _signature({"Contact ID", "First Name", "Last Name"}, {"Account Name", "Contact Owner", "Mailing City"}),
        _signature({"Id", "FirstName", "LastName"}, {"AccountId", "MobilePhone", "OwnerId", "MailingCity"}),
    ),
    frozenset({"Contact Owner", "OwnerId", "AccountId", "Name"}),
)
PIPEDRIVE = Preset(
    "pipedrive", "Pipedrive",
    {
        "Person - ID": "external_id", "Person - Name": "display_name", "Person - First name": "given_name",
        "Person - Last name": "family_name", "Person - Email - Work": "email", "Person - Email - Home": "email_2",
        "Person - Email - Other": "email_3", "Person - Phone - Work": "phone", "Person - Phone - Home": "phone_2",
        "Person - Phone - Mobile": "mobile", "Person - Organization": "company", "Person - Job title": "job_title",
        "Person - Labels": "tags", "Person - Label": "tags",
    },
    (_signature({"Person - Name"}, {"Person - ID", "Person - Email - Work", "Person - Organization",
                                    "Person - Phone - Work"}),),
    frozenset({"Person - Owner"}),
)
ZOHO = Preset(
    "zoho", "Zoho CRM",
    {
        "Record Id": "external_id", "First Name": "given_name", "Last Name": "family_name", "Email": "email",
        "Secondary Email": "email_2", "Phone": "phone", "Home Phone": "phone_2", "Mobile": "mobile",
        "Title": "job_title", "Account Name": "company", "Lead Source": "source", "Tag": "tags",
    },
    (_signature({"Record Id", "First Name", "Last Name"}, {"Contact Owner", "Account Name", "Secondary Email"}),),
    frozenset({"Contact Owner"}),
)
PRESETS = (HUBSPOT, SALESFORCE, PIPEDRIVE, ZOHO)


def detect(columns: list[str]) -> Preset | None:
    """The preset whose signature the header has, if one does."""
    header = {column.strip() for column in columns}
    for preset in PRESETS:
        for required, any_of in preset.signatures:
            if required <= header and header & any_of:
                return preset
    return None


def by_key(key: str) -> Preset | None:
    return next((preset for preset in PRESETS if preset.key == key), None)


def mapping_for(preset: Preset, columns: list[str], fields: Mapping[str, ImportField]) -> dict[str, str]:
    """``{column: field}`` for the file: the preset's own columns, then what the header's
    other names suggest; each field filled once, the preset's first."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        field = preset.columns.get(column.strip())
        if field is not None and field in fields and field not in taken:
            chosen[column] = field
            taken.add(field)
    others = [column for column in columns
              if column.strip() not in preset.columns and column.strip() not in preset.ignored]
    for column, field in suggestions.suggest(others, fields).items():
        if field not in taken:
            chosen[column] = field
            taken.add(field)
    return {column: chosen[column] for column in columns if column in chosen}
