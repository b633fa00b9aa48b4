"""Email addresses and phone numbers in their normal form: an address lower-cased as
``email_validator`` normalises it, a phone number in E.164.

Both validators are pure Python and cost tens of microseconds a call, the dearest part of
validating a contact; an import validates one of each per row. An address of the everyday
shape (ASCII, a dot-atom before the ``@``, a host name after it) has only its domain
validated, once per domain (cached): the local part's rule is the library's own regular
expression. Anything else goes through the library whole, and so does any address the fast
path doubts, so every error message is the library's. Phone numbers repeat less often than
domains but often enough (a company's switchboard), so their results are cached too. The
caches are bounded: a few MB at most, whatever the size of the file.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import DOT_ATOM_TEXT, EMAIL_MAX_LENGTH, LOCAL_PART_MAX_LENGTH

__all__ = ["EmailNotValidError", "e164", "normal_email"]

# A domain of letters, digits, hyphens and dots only: its validation does not depend on the
# local part, so its verdict is shared by every address at it.
_HOST_NAME = re.compile(r"[A-Za-z0-9.-]+\Z")
CACHED_DOMAINS = 4_096
CACHED_PHONES = 16_384


@lru_cache(maxsize=CACHED_DOMAINS)
def _domain(domain: str) -> tuple[str, str] | None:
    """The normal and the ASCII form of ``domain``, or ``None`` if the library refuses it."""
    try:
        checked = validate_email(f"a@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return None
    return checked.domain, checked.ascii_domain


def _fast(address: str) -> str | None:
    local, at, domain = address.partition("@")
    if not at or not address.isascii() or len(local) > LOCAL_PART_MAX_LENGTH or not DOT_ATOM_TEXT.match(local):
        return None
    if not _HOST_NAME.match(domain) or (forms := _domain(domain)) is None:
        return None
    normal, ascii_domain = forms
    normalized = f"{local}@{normal}"
    # The library's length checks, of the address as given, normalised and in IDNA ASCII.
    longest = max(len(address), len(normalized.encode()), len(local) + 1 + len(ascii_domain))
    return normalized.lower() if longest <= EMAIL_MAX_LENGTH else None


def normal_email(address: str) -> str:
    """``address`` (stripped) as stored: validated and lower-cased; raises
    :class:`EmailNotValidError` saying what is wrong."""
    address = address.strip()
    return _fast(address) or validate_email(address, check_deliverability=False).normalized.lower()


@lru_cache(maxsize=CACHED_PHONES)
def _phone(number: str, region: str) -> tuple[str, str]:
    # (the E.164 form, "") or ("", why not): an error cached as a value, not re-raised from the cache.
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as exc:
        return "", f"{number!r} is not a phone number: {exc}"
    if not phonenumbers.is_valid_number(parsed):
        return "", (f"{number!r} is not a valid number for region {region}; "
                    "write it with its country code, e.g. +44 20 7946 0958")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), ""


def e164(number: str, region: str) -> str:
    """``number`` in E.164, read as a number of ``region`` unless it has its country code;
    raises :class:`ValueError` saying what is wrong."""
    formatted, problem = _phone(number, region)
    if problem:
        raise ValueError(problem)
    return formatted
