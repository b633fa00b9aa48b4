"""Server time of the tasks page, the tasks API and the calendar at scale (issue goal: p95 <=
30 ms with 5,000,000 activities on SQLite).

``CRM_BENCH_ACTIVITIES`` sets the number of activities (default 5,000,000; ``--quick``
50,000). They are written straight into the database in batches, not through the API: the
point is reading at scale, and the write path has its own benchmark. One user per 10,000
activities, in teams of six, share them (about 100 a week each, half of them on the calendar);
a fifth are tasks or follow-ups (a tenth of those open), the rest meetings,
calls, emails and notes, spread over two years around now. Pages are requested as a member
(their own tasks, their week), a manager (their team's) and an admin (everyone's).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

import httpx

from bench import _database, _http

Row = tuple[str, float, str]
ACTIVITIES, QUICK_ACTIVITIES = 5_000_000, 50_000
PER_TEAM = 6
# About as busy as a sales team member: 10,000 activities each over the two years.
ACTIVITIES_PER_USER = 10_000
SAMPLES = 200
BATCH = 50_000
EVENT_TYPES = ("meeting", "call", "email", "note")
COLUMNS = ("type", "subject", "body", "occurred_at", "direction", "channel", "owner", "due_at", "assignee", "done",
           "done_at", "reminded_at", "source", "external_id", "created_at", "updated_at")


async def _users(url: str, folder: Path, count: int) -> dict[str, object]:
    """``count`` users in teams of ``PER_TEAM`` (the first of each a manager); API tokens for
    the first member and the first manager, and the member's feed token."""
    from crm_platform.activities import feed
    from crm_platform.app import setup_runtime
    from crm_platform.config import Settings
    from crm_platform.db.raw import execute
    from crm_platform.users import service

    rt = setup_runtime(Settings(database_url=url, jobs_url=f"sqlite:///{folder / 'bench-jobs.sqlite3'}"), plugins=[])
    ids: list[int] = []
    tokens: dict[str, str] = {}
    try:
        first = await service.create_user("manager0.0@example.com", "correct horse battery", role="manager",
                                          team="team 0")
        password_hash = (await service.user_by_email(first.email))["password_hash"]
        ids.append(first.id)
        # The rest share the first one's password hash: Argon2 per user would cost minutes.
        for number in range(1, count):
            team, seat = divmod(number, PER_TEAM)
            role = "manager" if seat == 0 else "member"
            team_id = await service.team_id_for(f"team {team}")
            rows = await execute(
                "INSERT INTO crm_user (email, display_name, password_hash, role, team, is_active, theme, created_at) "
                "VALUES ({}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
                f"{role}{team}.{seat}@example.com", f"User {number}", password_hash, role, team_id, True, "",
                dt.datetime.now(dt.UTC),
            )
            ids.append(rows[0]["id"])
        tokens["manager"] = await service.create_token("manager0.0@example.com")
        tokens["member"] = await service.create_token("member0.1@example.com")
        tokens["feed"] = await feed.create(ids[1])
    finally:
        rt.engine.close()
    return {"ids": ids, "tokens": tokens, "member_id": ids[1]}


def _rows(start: int, count: int, user_ids: list[int], now: dt.datetime):
    pick = random.Random(start)
    adapt = sqlite3.adapt
    for number in range(start, start + count):
        user = pick.choice(user_ids)
        at = now + dt.timedelta(minutes=pick.randint(-365 * 24 * 60, 365 * 24 * 60))
        stamp = adapt(at)
        if number % 5 == 0:
            kind = "task" if number % 2 else "follow_up"
            done = at < now and pick.random() < 0.9 or at >= now and pick.random() < 0.5
            yield (kind, f"Task {number}", "", stamp, "", "", user, stamp, user, done,
                   stamp if done else None, None, "bench", None, stamp, stamp)
        else:
            kind = EVENT_TYPES[number % 4]
            yield (kind, f"{kind.capitalize()} {number}", "", stamp, "", "", user, None, None, False,
                   None, None, "bench", None, stamp, stamp)


def _load(path: Path, total: int, user_ids: list[int], contacts: int) -> float:
    """``total`` activities, tasks linked to a contact each; returns the seconds spent."""
    import crm_platform.db.engine  # noqa: F401 - registers the datetime adapters the app stores with

    now = dt.datetime.now(dt.UTC)
    begun = time.perf_counter()
    connection = sqlite3.connect(path)
    try:
        insert = f"INSERT INTO crm_activity ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
        for start in range(0, total, BATCH):
            with connection:
                connection.executemany(insert, _rows(start, min(BATCH, total - start), user_ids, now))
        with connection:
            connection.execute(
                "INSERT INTO crm_activity_link (activity, record_type, record_id, role, occurred_at) "
                f"SELECT id, 'contact', 1 + id % {contacts}, 'about', occurred_at FROM crm_activity "
                "WHERE type IN ('task', 'follow_up')"
            )
        connection.execute("ANALYZE")
    finally:
        connection.close()
    return time.perf_counter() - begun


def run(quick: bool) -> list[Row]:
    total = QUICK_ACTIVITIES if quick else int(os.environ.get("CRM_BENCH_ACTIVITIES", ACTIVITIES))
    with tempfile.TemporaryDirectory(prefix="crm-bench-calendar-") as folder:
        db = _database.build("sqlite", 1_000, Path(folder))
        people = asyncio.run(_users(db.url, Path(folder), max(PER_TEAM * 2, total // ACTIVITIES_PER_USER)))
        seconds = _load(Path(db.url.removeprefix("sqlite:///")), total, people["ids"], db.contacts)
        rows: list[Row] = [(f"calendar sqlite {total:,}: loading the activities", seconds, "s")]
        today = dt.date.today()
        pages = {
            "member": {
                "tasks page": "/tasks",
                "tasks page, this week": "/tasks?due=week",
                "tasks page, overdue": "/tasks?due=overdue",
                "tasks API, upcoming": "/api/v1/tasks?due=upcoming",
                "calendar week": f"/calendar?view=week&date={today}",
                "calendar month": f"/calendar?view=month&date={today}",
                "calendar feed (a year ahead, 60 days back)": f"/calendar/feed/{people['tokens']['feed']}.ics",
            },
            "manager": {
                "tasks page, team": "/tasks",
                "calendar week, a teammate's": f"/calendar?view=week&date={today}&user={people['member_id']}",
            },
            "admin": {"tasks page, everyone": "/tasks"},
        }
        tokens = {**people["tokens"], "admin": db.token}
        with _http.served("crm_platform.app:create_app", db.environment) as url:
            for who, paths in pages.items():
                with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens[who]}"}, timeout=60) as client:
                    for name, path in paths.items():
                        response = client.get(path)
                        if response.status_code != 200:
                            raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")
                        p95 = _http.p95_ms(client, [path] * SAMPLES)
                        rows.append((f"calendar sqlite {total:,}: {who}, {name} p95", p95, "ms"))
    return rows
