"""Which column fills which field: suggested from the header's names, written by hand as
``column=field,...`` on the command line, checked before a dry run."""

from __future__ import annotations

import re
from collections.abc import Mapping

from crm_platform.errors import Invalid
from crm_platform.imports.fields import COMPANY, EXTERNAL_ID, ImportField

# What other systems call our fields, squeezed (lower case, letters and digits only).
_SYNONYMS = {
    "given_name": ("firstname", "givenname", "first", "vorname", "prenom"),
    "family_name": ("lastname", "familyname", "surname", "last", "nachname", "nom"),
    "display_name": ("name", "fullname", "displayname", "contactname"),
    "email": ("email", "emailaddress", "mail", "email1", "primaryemail", "emailaddress1", "e-mail", "workemail"),
    "email_2": ("email2", "secondaryemail", "emailaddress2", "otheremail"),
    "email_3": ("email3", "emailaddress3"),
    "phone": ("phone", "telephone", "tel", "phonenumber", "workphone", "businessphone", "telefon", "phone1"),
    "phone_2": ("phone2", "homephone", "otherphone"),
    "mobile": ("mobile", "mobilephone", "cell", "cellphone", "handy"),
    "job_title": ("jobtitle", "title", "position", "role"),
    "lifecycle_stage": ("lifecyclestage", "stage", "status"),
    "tags": ("tags", "labels", "categories", "groups"),
    "source": ("source", "leadsource"),
    EXTERNAL_ID: ("id", "externalid", "recordid", "contactid", "uid", "uuid"),
    "owner": ("owner", "owneremail", "assignedto", "contactowner"),
    "domain": ("domain", "website", "web", "url", "companydomain"),
    "name": ("name", "companyname", "company", "accountname", "organisation", "organization"),
    "industry": ("industry", "sector"),
    COMPANY: ("company", "companyname", "organisation", "organization", "org", "accountname", "employer"),
    "size": ("size", "employees", "companysize"),
}


def _squeeze(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def suggest(columns: list[str], fields: Mapping[str, ImportField]) -> dict[str, str]:
    """``{column: field}`` for the columns whose names say which field they are: the field's
    own name or label, or a name other systems use for it. Each field is suggested once."""
    by_name: dict[str, str] = {}
    for name, field in fields.items():
        for spelling in (name, field.label, name.removeprefix("custom."), *_SYNONYMS.get(name, ())):
            by_name.setdefault(_squeeze(spelling), name)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        name = by_name.get(_squeeze(column))
        if name is not None and name not in taken:
            mapping[column] = name
            taken.add(name)
    return mapping


def parse(text: str) -> dict[str, str]:
    """``"First name=given_name,E-mail=email"`` as a mapping; raises :class:`Invalid`."""
    mapping: dict[str, str] = {}
    for pair in (part for part in text.split(",") if part.strip()):
        column, sep, field = pair.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            raise Invalid({"mapping": f"{pair.strip()!r} must be written column=field"})
        mapping[column.strip()] = field.strip()
    return mapping


def check(mapping: Mapping[str, str], columns: list[str], fields: Mapping[str, ImportField], match_key: str) -> dict[str, str]:
    """The mapping without columns mapped to nothing; :class:`Invalid` naming each column not
    in the file, each field unknown or given twice, and a match key no column fills."""
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    seen: dict[str, str] = {}
    for column, field in mapping.items():
        if not field:
            continue
        if column not in columns:
            errors[f"mapping.{column}"] = f"the file has no column {column!r}; its columns are {', '.join(columns)}"
        elif field not in fields:
            errors[f"mapping.{column}"] = f"unknown field {field!r}; known: {', '.join(fields)}"
        elif field in seen:
            errors[f"mapping.{column}"] = f"{field} is already filled by the column {seen[field]!r}"
        else:
            seen[field] = column
            cleaned[column] = field
    if not cleaned and not errors:
        errors["mapping"] = "map at least one column to a field"
    if match_key and match_key not in seen and not errors:
        errors["match"] = f"no column is mapped to {match_key!r}, the field rows are matched by"
    if errors:
        raise Invalid(errors)
    return cleaned
