"""Failed logins counted per key over a window: in memory for one process, Redis for many.

Only failures count, so people who type their password right are never slowed down; once a
key has failed ``limit`` times within the window, every attempt is refused, even with the
right password, until the window has passed. The login form keeps three such counts: per
client address and email, per client address (whatever the emails: spraying), and per
account (from any address, over a longer window: a temporary lock).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Protocol

WINDOW_SECONDS = 60


class AttemptLimiter(Protocol):
    limit: int
    window_seconds: int

    async def blocked(self, key: str) -> bool:
        """Whether ``key`` has failed ``limit`` times within the window."""

    async def failed(self, key: str) -> None:
        """Count a failed attempt."""


class MemoryLimiter:
    def __init__(self, limit: int, window_seconds: int = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = time.monotonic()
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        return failures

    async def blocked(self, key: str) -> bool:
        blocked = len(self._recent(key)) >= self.limit
        if not self._failures[key]:
            del self._failures[key]  # keep memory bounded by recent failures only
        return blocked

    async def failed(self, key: str) -> None:
        self._recent(key).append(time.monotonic())


class RedisLimiter:
    """A fixed window per key, shared by every web process."""

    def __init__(self, url: str, limit: int, window_seconds: int = WINDOW_SECONDS, name: str = "login-failures") -> None:
        from redis.asyncio import Redis

        self.client = Redis.from_url(url)
        self.limit = limit
        self.window_seconds = window_seconds
        self.name = name

    def _name(self, key: str) -> str:
        return f"crm:{self.name}:{key}:{int(time.time() // self.window_seconds)}"

    async def blocked(self, key: str) -> bool:
        count = await self.client.get(self._name(key))
        return int(count or 0) >= self.limit

    async def failed(self, key: str) -> None:
        name = self._name(key)
        if await self.client.incr(name) == 1:
            await self.client.expire(name, self.window_seconds * 2)


def make_limiter(redis_url: str, limit: int, window_seconds: int = WINDOW_SECONDS,
                 name: str = "login-failures") -> AttemptLimiter:
    if redis_url:
        return RedisLimiter(redis_url, limit, window_seconds, name)
    return MemoryLimiter(limit, window_seconds)


_SHARED: dict[tuple[int, str, int, int], AttemptLimiter] = {}


def attempt_limiter(name: str, limit: int, window_seconds: int = WINDOW_SECONDS) -> AttemptLimiter:
    """The instance's limiter called ``name``: shared by every web process through Redis when
    ``CRM_REDIS_URL`` is set, else kept in this process. The same arguments give the same
    limiter, so a handler may ask for it on every request."""
    from crm_platform import runtime

    rt = runtime.current()
    key = (id(rt), name, limit, window_seconds)
    if key not in _SHARED:
        _SHARED[key] = make_limiter(rt.settings.redis_url, limit, window_seconds, name=name)
    return _SHARED[key]
