"""Errors that services raise and the API turns into responses, each naming what was wrong."""

from __future__ import annotations

from typing import Any


class CrmError(Exception):
    status_code = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class Invalid(CrmError):
    """Some fields are wrong; ``errors`` maps each field path to what is wrong with it."""

    status_code = 422

    def __init__(self, errors: dict[str, str]) -> None:
        fields = ", ".join(sorted(errors))
        super().__init__(f"invalid fields: {fields}", errors=errors)
        self.errors = errors


class Skip(Invalid):
    """A record kind's ``clean`` declines a record that is not wrong but is not to be kept (a
    mailing-list message, an auto-reply): an import skips its row with ``reason``; any other
    write answers 422 with the reason under ``record``."""

    def __init__(self, reason: str) -> None:
        super().__init__({"record": reason})
        self.reason = reason


class NotFound(CrmError):
    status_code = 404

    def __init__(self, record_type: str, record_id: object) -> None:
        super().__init__(f"{record_type} {record_id} does not exist")


class Forbidden(CrmError):
    status_code = 403


class Conflict(CrmError):
    status_code = 409


def invalid(field: str, message: str) -> Invalid:
    return Invalid({field: message})
