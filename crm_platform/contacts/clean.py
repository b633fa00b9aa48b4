"""Clean contact data: emails validated and lower-cased, phones in E.164."""

from __future__ import annotations

from collections.abc import Mapping

import phonenumbers
from crm_hookspecs import FieldDefinition

from crm_platform.records.addresses import EmailNotValidError, e164, normal_email
from crm_platform.records.customfields import searchable_terms


def clean_emails(emails: list[dict[str, str]], errors: dict[str, str]) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    for index, email in enumerate(emails):
        try:
            address = normal_email(email["address"])
        except EmailNotValidError as exc:
            errors[f"emails[{index}].address"] = str(exc)
            continue
        if all(existing["address"] != address for existing in seen):
            seen.append({"address": address, "label": email.get("label", "work")})
    return seen


def clean_phones(phones: list[dict[str, str]], region: str, errors: dict[str, str]) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    for index, phone in enumerate(phones):
        try:
            number = e164(phone["number"], region)
        except ValueError as exc:
            errors[f"phones[{index}].number"] = str(exc)
            continue
        if all(existing["number"] != number for existing in seen):
            seen.append({"number": number, "label": phone.get("label", "work")})
    return seen


def search_terms(row: dict, definitions: Mapping[str, FieldDefinition] | None = None) -> list[str]:
    """What global search matches a contact by besides its display name (the entry's title):
    given and family name, every email, every phone, the values of searchable custom fields."""
    terms = [row["given_name"], row["family_name"]]
    terms += [email["address"] for email in row["emails"]]
    for phone in row["phones"]:
        # Match "+4420..." or "4420..." (one word to the index) and the national digits.
        number = phone["number"]
        terms += [number.lstrip("+"), national_digits(number)]
    terms += searchable_terms(definitions or {}, row.get("custom"))
    return [term for term in terms if term]


def national_digits(e164: str) -> str:
    """The national number of a stored E.164 number, as ``phonenumbers.parse`` gives it.

    Country calling codes are prefix-free, so the first 1-3 digits that are one are it; this
    is what parse does, at a fraction of its cost (it runs for every contact a bulk load writes).
    """
    digits = e164.removeprefix("+")
    if not digits.isdecimal():
        return ""
    for size in (1, 2, 3):
        if int(digits[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return digits[size:].lstrip("0")
    return ""
