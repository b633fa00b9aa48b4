"""Clean company data: domains as lower-case host names."""

from __future__ import annotations

import re

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOP_LEVEL = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
SIZES = ("", "1-10", "11-50", "51-200", "201-1000", "1000+")


def clean_domain(raw: str) -> str:
    """``raw`` as a lower-case ASCII host name; raise ValueError saying what is wrong."""
    domain = raw.strip().lower().rstrip(".")
    # People paste addresses; what they mean is the host.
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", domain).split("/", 1)[0]
    domain = domain.removeprefix("www.")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{raw!r} is not a host name") from None
    labels = domain.split(".")
    if (
        len(domain) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not _TOP_LEVEL.match(labels[-1])
    ):
        raise ValueError(f"{raw!r} is not a host name such as example.com")
    return domain


def clean_domains(domains: list[str], errors: dict[str, str]) -> list[str]:
    seen: list[str] = []
    for index, raw in enumerate(domains):
        try:
            domain = clean_domain(raw)
        except ValueError as exc:
            errors[f"domains[{index}]"] = str(exc)
            continue
        if domain not in seen:
            seen.append(domain)
    return seen
