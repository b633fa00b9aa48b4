"""Emails and phones normalised with a fast path and caches give what the validators give."""

from __future__ import annotations

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email

from crm_platform.records.addresses import e164, normal_email

ADDRESSES = [
    "ada@example.com", "Ada.Lovelace@Example.COM", "  ada@example.com ", "a.b-c+tag@sub.example.co.uk",
    "postmaster@example.com", "o'neil@example.org", "x@example", "a@localhost", "a@test", "a@invalid",
    "a@onion", "a..b@example.com", ".a@example.com", "a.@example.com", "a@example..com", "a@-example.com",
    "a@example-.com", "a@example.com.", "a@123.com", "a@1.2.3.4", "a@[1.2.3.4]", "a b@example.com",
    '"a b"@example.com', '"ab"@example.com', "a@exa_mple.com", "a@xn--bcher-kva.example", "a@bücher.example",
    "müller@example.com", "a@", "@example.com", "a@b@example.com", "Ada <ada@example.com>", "a@example.c",
    "a@e.com", "a@" + "x" * 64 + ".com", "x" * 64 + "@example.com", "x" * 65 + "@example.com",
    "a@" + ".".join(["abcdefghij"] * 23) + ".com", "x" * 60 + "@" + ".".join(["abcdefghi"] * 19) + ".com",
    "a@EXAMPLE.com", "a@example.com\x00", "a\t@example.com", "=cmd@example.com", "a@ex*ample.com",
]


def _library(address: str) -> str:
    return validate_email(address.strip(), check_deliverability=False).normalized.lower()


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_is_normalised_or_refused_as_the_validator_does(address: str) -> None:
    try:
        expected = _library(address)
    except EmailNotValidError as exc:
        with pytest.raises(EmailNotValidError) as raised:
            normal_email(address)
        assert str(raised.value) == str(exc)
    else:
        assert normal_email(address) == expected
        assert normal_email(address) == expected  # again, with its domain's verdict cached


@pytest.mark.parametrize("number", ["+44 20 7946 0958", "020 7946 0958", "+1 650 253 0000", "12", "+44 20",
                                    "not a phone", "+999 1234", "0049 30 123456"])
def test_a_phone_is_formatted_or_refused_as_phonenumbers_does(number: str) -> None:
    for _ in range(2):  # the second answer comes from the cache
        try:
            parsed = phonenumbers.parse(number, "GB")
        except phonenumbers.NumberParseException as exc:
            with pytest.raises(ValueError, match="is not a phone number") as raised:
                e164(number, "GB")
            assert str(exc) in str(raised.value)
            continue
        if not phonenumbers.is_valid_number(parsed):
            with pytest.raises(ValueError, match="is not a valid number for region GB"):
                e164(number, "GB")
            continue
        assert e164(number, "GB") == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
