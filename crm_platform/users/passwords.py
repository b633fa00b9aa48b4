"""The password policy, and Argon2 hashing and checking in threads away from the event loop.

The policy follows OWASP ASVS 6.2: at least 8 characters, at most 128 (refused when longer,
never cut short), not the user's email or its local part, and none of the 10,000 most common
passwords. ``common_passwords.txt.gz`` is the head of the frequency-ordered list Django ships
(``django/contrib/auth/common-passwords.txt.gz``, itself drawn from public breach corpora).
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from crm_platform.errors import Invalid

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt.gz")

# Argon2id with pwdlib's recommended costs (64 MiB, 3 passes): what every instance uses.
PRODUCTION_HASHER = PasswordHash.recommended()
_hasher = PRODUCTION_HASHER
# Argon2 costs tens of milliseconds of CPU and releases the GIL: a few threads keep the event
# loop (and /health) answering while many logins are checked, without letting a flood of
# failed logins take every core.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="crm-passwords")


@functools.cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n").lower() for line in lines if line.strip())


def problem_with(password: str, email: str = "") -> str | None:
    """What is wrong with ``password`` for the user with ``email``, or ``None`` when it may be used."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters (this one has {len(password)})"
    lowered = password.strip().lower()
    address = email.strip().lower()
    if address and lowered in (address, address.partition("@")[0]):
        return "must not be your email address or its part before the @"
    if lowered in common_passwords():
        return "is one of the 10,000 most common passwords; choose one that is harder to guess"
    return None


def check(password: str, email: str = "", field: str = "password") -> None:
    """Raise :class:`Invalid` naming ``field`` when ``password`` breaks the policy."""
    problem = problem_with(password, email)
    if problem:
        raise Invalid({field: problem})


def use_cheap_hashing_for_tests() -> None:
    """Hash with Argon2's smallest costs from now on, in this process only.

    A test suite signs in thousands of users; at production costs the hashing alone takes
    minutes. ``crm_platform.testing`` calls this when pytest starts; nothing else may.
    """
    global _hasher
    _hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))


def hash_now(password: str) -> str:
    """Hash in the calling thread: for the CLI and start-up, never from a request."""
    return _hasher.hash(password)


def _verify(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password, password_hash)
    except Exception:  # a malformed or empty stored hash (an invited user's) is a failed login, not a crash
        return False


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, _hasher.hash, password)


async def verify_password(password: str, password_hash: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False  # no stored password is this long; not worth an Argon2 run
    return await asyncio.get_running_loop().run_in_executor(_pool, _verify, password, password_hash)


@functools.cache
def _dummy_hash() -> str:
    return hash_now(secrets.token_hex(8))


async def spend_one_check(password: str) -> None:
    """Check ``password`` against a throwaway hash, so that an unknown or disabled account
    answers as slowly as a wrong password does."""
    if len(password) <= MAX_PASSWORD_LENGTH:  # as verify_password: no Argon2 run for what cannot match
        await asyncio.get_running_loop().run_in_executor(_pool, lambda: _verify(password, _dummy_hash()))


def random_password() -> str:
    """A password for a generated account (the demo's): 20 URL-safe characters."""
    return secrets.token_urlsafe(15)
