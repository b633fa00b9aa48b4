"""Failed logins per client address and email: in memory for one process, Redis for many.

Only failures count, so people who type their password right are never slowed down; once a
key has failed ``per_minute`` times in the last minute every attempt is refused, even with
the right password, until the minute has passed.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Protocol

WINDOW_SECONDS = 60


class AttemptLimiter(Protocol):
    async def blocked(self, key: str) -> bool:
        """Whether ``key`` has failed too often in the last minute."""

    async def failed(self, key: str) -> None:
        """Count a failed attempt."""


class MemoryLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = time.monotonic()
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - WINDOW_SECONDS:
            failures.popleft()
        return failures

    async def blocked(self, key: str) -> bool:
        blocked = len(self._recent(key)) >= self.per_minute
        if not self._failures[key]:
            del self._failures[key]  # keep memory bounded by recent failures only
        return blocked

    async def failed(self, key: str) -> None:
        self._recent(key).append(time.monotonic())


class RedisLimiter:
    """A fixed one-minute window per key, shared by every web process."""

    def __init__(self, url: str, per_minute: int) -> None:
        from redis.asyncio import Redis

        self.client = Redis.from_url(url)
        self.per_minute = per_minute

    def _name(self, key: str) -> str:
        return f"crm:login-failures:{key}:{int(time.time() // WINDOW_SECONDS)}"

    async def blocked(self, key: str) -> bool:
        count = await self.client.get(self._name(key))
        return int(count or 0) >= self.per_minute

    async def failed(self, key: str) -> None:
        name = self._name(key)
        if await self.client.incr(name) == 1:
            await self.client.expire(name, WINDOW_SECONDS * 2)


def make_limiter(redis_url: str, per_minute: int) -> AttemptLimiter:
    return RedisLimiter(redis_url, per_minute) if redis_url else MemoryLimiter(per_minute)
