"""With ``CRM_REDIS_URL`` set, sessions and the login limit live in Redis, shared by every
web process."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from crm_platform.config import Settings
from crm_platform.testing import client_for
from crm_platform.web.ratelimit import RedisLimiter
from tests.web.helpers import sign_in


@pytest.fixture
def crm_settings(crm_database_url: str, tmp_path: Path, crm_redis) -> Settings:
    return Settings(database_url=crm_database_url, jobs_url=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
                    redis_url=crm_redis.require(), login_attempts_per_minute=3)


async def test_two_limiters_on_one_redis_share_the_count(crm_redis) -> None:
    url = crm_redis.require()
    key = f"test-{uuid.uuid4().hex}"
    first, second = RedisLimiter(url, 2), RedisLimiter(url, 2)
    await first.failed(key)
    assert not await second.blocked(key)
    await second.failed(key)
    assert await first.blocked(key)


async def test_a_session_kept_in_redis_signs_the_user_in(crm_running_app, crm_make_user) -> None:
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"  # the limit in Redis outlives this test
    await crm_make_user(email)
    async with client_for(crm_running_app) as client:
        assert (await sign_in(client, email)).status_code == 303
        assert (await client.get("/")).status_code == 200
