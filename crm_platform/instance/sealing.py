"""Secrets a plugin must keep (webhook signing secrets, tokens of other services) are stored
encrypted with a key derived from the instance's secret key, never in clear: a copy of the
database alone does not give them away."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crm_platform import runtime
from crm_platform.web.security import secret_key

# Sealed values start with this, so a value written before sealing existed is told apart.
PREFIX = "sealed:v1:"
_INFO = b"crm-platform sealed secrets"


class UnreadableSecret(ValueError):
    """The value was not sealed with this instance's key (or was altered)."""


def _fernet() -> Fernet:
    # A key of its own, derived from the instance key, so sessions and CSRF never share it.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key(runtime.current().settings).encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt_secret(plain: str) -> str:
    """``plain`` encrypted and authenticated with the instance's key, as text to store."""
    return PREFIX + _fernet().encrypt(plain.encode()).decode()


def decrypt_secret(sealed: str) -> str:
    """The clear text of a value :func:`encrypt_secret` made; :class:`UnreadableSecret` if it
    was made with another key or changed since."""
    if not is_sealed(sealed):
        raise UnreadableSecret("the value is not a sealed secret")
    try:
        return _fernet().decrypt(sealed.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise UnreadableSecret("the secret was sealed with another key or altered") from None
