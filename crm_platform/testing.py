"""A pytest plugin for testing the platform and plugins against a real, migrated database.

Installed with ``crm-platform[test]`` and loaded automatically. A plugin's test needs little
more than naming its plugins::

    import pytest

    @pytest.fixture
    def crm_plugins():
        return ["sales"]

    async def test_lists_pipelines(crm_client):
        response = await crm_client.get("/api/v1/sales/pipelines")
        assert response.status_code == 200

Every test using these fixtures runs on SQLite and again on PostgreSQL, which is skipped
with the reason when ``CRM_TEST_POSTGRES_URL`` (default: the local server) is unreachable;
with ``CRM_REQUIRE_POSTGRES=1`` (as in CI) such a test fails instead. ``crm_redis`` does the
same for Redis (``CRM_TEST_REDIS_URL``, ``CRM_REQUIRE_REDIS=1``).

The kit is safe under pytest-xdist: each worker has its own PostgreSQL database, SQLite
template, temporary folders and Redis database, and ports are asked of the system. Passwords
are hashed with Argon2's cheapest costs while the kit is loaded (never in production).
Async tests need pytest-asyncio in auto mode (``asyncio_mode = "auto"``). Every file the
fixtures make lies in pytest's temporary folders, never in the working folder.

Fixtures:

- ``crm_plugins``: the plugins of the app under test (slugs, or ``(slug, module)`` pairs); override it.
- ``crm_database_url``: the test's database, a fresh SQLite file or the emptied PostgreSQL one.
- ``crm_engine``: an engine on that database, migrated for the core and ``crm_plugins``.
- ``crm_settings``: the instance's settings (the test database, a jobs queue in ``tmp_path``).
- ``crm_app``: the Litestar app built with exactly ``crm_plugins``, all enabled.
- ``crm_running_app``: ``crm_app`` with its start-up hooks run.
- ``crm_make_user``: ``await crm_make_user(email, role="member", team=None)`` -> ``(principal, token)``.
- ``crm_admin``: an admin, as ``(principal, token)``.
- ``crm_manager``: a manager in the team ``TEST_TEAM``, as ``(principal, token)``.
- ``crm_member``: a member of the team ``TEST_TEAM``, as ``(principal, token)``.
- ``crm_client``: an httpx API client signed in as ``crm_admin``.
- ``crm_manager_client``: an API client signed in as ``crm_manager``.
- ``crm_member_client``: an API client signed in as ``crm_member``.
- ``crm_anonymous_client``: an API client that is not signed in.
- ``crm_cli``: ``crm_cli("plugins", "list")`` runs ``crm`` in-process on the test database -> click's ``Result``.
- ``crm_enable_plugin``: ``await crm_enable_plugin(slug)`` switches a plugin on and rereads the host's state.
- ``crm_disable_plugin``: ``await crm_disable_plugin(slug)`` switches a plugin off and rereads the host's state.
- ``crm_postgres`` (session): this session's own PostgreSQL database, or why there is none.
- ``crm_sqlite_template`` (session): a migrated SQLite file that each test copies.
- ``crm_redis`` (session): this worker's own Redis database (``.url``), or why there is none;
  ``crm_redis.require()`` skips (fails under ``CRM_REQUIRE_REDIS=1``) without one.
- ``crm_smtp``: a real SMTP server on 127.0.0.1 the instance sends email through (email is off without it).
- ``crm_imap``: a real IMAP server (Dovecot) on 127.0.0.1 with one mailbox, from ``crm_platform.testing_imap``.

Helpers: ``client_for(app, token)`` (a client signed in with a token), ``signed_in(app, email)``
(a browser-like client signed in through the login form, with ``client.csrf(html)``), ``smtp_server(folder,
security=..., username=..., password=...)`` (an SMTP server with STARTTLS or TLS and a login), ``assert_hidden_from(client,
url, *secrets)`` and ``assert_names_hidden(client, url, *names)`` (cross-team access checks, below),
``serve(script, folder)``
(an app in its own process, for browser tests) and ``chromium()`` (Debian's Chromium under Playwright).
- ``crm_clock``: the platform's clock standing still for the test (below).
- ``crm_run_jobs``: ``await crm_run_jobs()`` runs the jobs due now and waiting (below).

Jobs and time, without a worker process:

- ``crm_clock`` stands the platform's clock (``toolkit.now()``, which the jobs, the task
  reminders and the due dates read) still for the test: ``crm_clock.set(moment)``,
  ``crm_clock.advance(hours=2)`` (any ``timedelta`` arguments), ``crm_clock.now()``. It
  starts at the real time and runs freely again after the test.
- ``crm_run_jobs`` is ``await crm_run_jobs()``: it runs now, in the test's process and
  database, each scheduled job whose schedule matches the clock's current minute (once per
  minute, as the worker does) and every run waiting in the ledger (enqueued with
  ``toolkit.enqueue``, or failed with attempts left), including what those runs enqueue.
  It returns what ran, in order, as ``JobOutcome`` values (``job_name``, ``ids``, ``key``,
  ``state`` of ``"done"`` or ``"failed"``, ``error``, ``ok``)::

      async def test_reminds_tomorrow(crm_client, crm_clock, crm_run_jobs):
          crm_clock.set(dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC))
          await toolkit.enqueue("callnotes.remind", note_id=1)
          [outcome] = await crm_run_jobs()
          assert outcome.ok, outcome.error
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import pytest_asyncio
from click.testing import CliRunner, Result
from crm_hookspecs import Principal
from litestar import Litestar

from crm_platform import clock, runtime
from crm_platform.config import Settings
from crm_platform.db.engine import Engine, PostgresEngine, SQLiteEngine, make_engine
from crm_platform.testing_net import free_port as _free_port
from crm_platform.testing_net import self_signed as _self_signed

if TYPE_CHECKING:
    from crm_platform.jobs.due import JobOutcome

POSTGRES_URL = os.environ.get("CRM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CRM_TEST_REDIS_URL", "redis://127.0.0.1:6379")
DEFAULT_PASSWORD = "correct horse battery"
TEST_TEAM = "Field team"


def pytest_configure(config: pytest.Config) -> None:
    from crm_platform.users import passwords

    passwords.use_cheap_hashing_for_tests()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A browser test module shares one served app among its tests, which follow one
    another's steps, so under pytest-xdist (``--dist loadgroup``) each such module runs whole
    on one worker."""
    for item in items:
        uses_browser = item.get_closest_marker("browser") or {"page", "chromium"} & set(getattr(item, "fixturenames", ()))
        if uses_browser and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


def worker_name() -> str:
    """This pytest-xdist worker's name (``gw0``, ``gw1`` ...), or ``main`` without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _required(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class _Server:
    url: str | None
    reason: str
    # The variable that turns a missing server from a skip into a failure.
    required_by: str = ""

    def require(self) -> str:
        """The server's URL; without one, skip the test saying why (fail it when required)."""
        if self.url is None:
            if self.required_by and _required(self.required_by):
                pytest.fail(f"{self.reason} ({self.required_by}=1 requires it)")
            pytest.skip(self.reason)
        return self.url


_Postgres = _Server


async def _create_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
        # A throwaway database: commits need not wait for the disk.
        await connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        await connection.close()


async def _drop_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def crm_postgres() -> Iterator[_Postgres]:
    """A database of this test session's own on the PostgreSQL server, if one is reachable."""
    name = f"crm_test_{worker_name()}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        asyncio.run(_create_database(POSTGRES_URL, name))
    except Exception as exc:
        reason = f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}: {exc}"
        yield _Server(None, reason, "CRM_REQUIRE_POSTGRES")
        return
    yield _Server(POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}", "", "CRM_REQUIRE_POSTGRES")
    asyncio.run(_drop_database(POSTGRES_URL, name))


def _redis_database() -> int:
    """Database 1 for a run without xdist, 2 for gw0, 3 for gw1 ... (Redis has 16; 0 is left alone)."""
    name = worker_name()
    index = int(name[2:]) + 1 if name.startswith("gw") and name[2:].isdecimal() else 0
    return 1 + index % 15


@pytest.fixture(scope="session")
def crm_redis() -> _Server:
    """This worker's own database on the Redis server, if one is reachable."""
    import redis

    url = f"{REDIS_URL.rstrip('/')}/{_redis_database()}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except (OSError, redis.RedisError) as exc:
        return _Server(None, f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}: {exc}", "CRM_REQUIRE_REDIS")
    finally:
        client.close()
    return _Server(url, "", "CRM_REQUIRE_REDIS")


def _settings_in(folder: Path, database_url: str, **values: Any) -> Settings:
    """Settings whose every file (the jobs queue's too) lies in ``folder``, never the working folder."""
    values.setdefault("imports_dir", str(folder / "imports"))
    return Settings(database_url=database_url, jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}", **values)


async def _migrate_into(engine: Engine, plugins: list[Any], settings: Settings) -> None:
    from crm_platform.composition import setup_runtime
    from crm_platform.db.setup import migrate

    setup_runtime(settings, plugins=plugins, engine=engine)
    if isinstance(engine, PostgresEngine):
        await engine.start()
    try:
        await migrate()
    finally:
        if isinstance(engine, PostgresEngine):
            await engine.stop()


@pytest.fixture(scope="session")
def crm_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with the core migrated, copied for each test (faster than migrating)."""
    folder = tmp_path_factory.mktemp("crm-template")
    path = folder / "template.sqlite3"
    engine = SQLiteEngine(path=str(path))
    asyncio.run(_migrate_into(engine, [], _settings_in(folder, f"sqlite:///{path}")))
    engine.close()
    return path


async def _empty_postgres(engine: PostgresEngine) -> None:
    """Empty every table and restart every sequence, as ``TRUNCATE ... RESTART IDENTITY``
    would. DELETE with foreign-key triggers off (``session_replication_role``) is used
    instead: TRUNCATE makes new files for each of the hundred tables, about a second and a
    half per test on a busy disk, where deleting a test's few rows takes milliseconds."""
    rows = await engine._run_in_new_connection(
        "SELECT format('%I', tablename) AS name FROM pg_tables "
        "WHERE schemaname = 'public' AND tablename <> 'migration'"
    )
    if not rows:
        return
    sequences = await engine._run_in_new_connection(
        # The sequences of those tables only: the migration table's must go on counting.
        "SELECT format('%I', s.relname) AS name FROM pg_class s "
        "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') JOIN pg_class t ON t.oid = d.refobjid "
        "WHERE s.relkind = 'S' AND t.relnamespace = 'public'::regnamespace AND t.relname <> 'migration'"
    )
    body = "".join(f"DELETE FROM {row['name']}; " for row in rows) + "".join(
        f"ALTER SEQUENCE {row['name']} RESTART; " for row in sequences)
    await engine._run_in_new_connection(
        "DO $$ BEGIN PERFORM set_config('session_replication_role', 'replica', true); " + body + "END $$"
    )


@pytest.fixture
def crm_plugins() -> list[Any]:
    """The plugins of the app under test; override it in your conftest or test module."""
    return []


@pytest.fixture(params=["sqlite", "postgres"])
def crm_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, crm_sqlite_template: Path, crm_postgres: _Postgres
) -> str:
    """The database of one test: a fresh SQLite file, or the session's emptied PostgreSQL."""
    if request.param == "postgres":
        return crm_postgres.require()
    path = tmp_path / "crm.sqlite3"
    shutil.copy(crm_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest_asyncio.fixture
async def crm_engine(crm_database_url: str, crm_plugins: list[Any], tmp_path: Path) -> AsyncIterator[Engine]:
    """An engine on an empty database, migrated for the core and ``crm_plugins``."""
    engine = make_engine(crm_database_url)
    settings = _settings_in(tmp_path, crm_database_url)
    if isinstance(engine, PostgresEngine):
        await _migrate_into(engine, crm_plugins, settings)
        await engine.start()
        await _empty_postgres(engine)
    else:
        await _migrate_into(engine, crm_plugins, settings)
    yield engine
    if isinstance(engine, PostgresEngine):
        await engine.stop()
    else:
        engine.close()


@pytest.fixture
def crm_settings(crm_database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """The instance's settings: the test database, and a jobs queue in the test's own folder;
    email goes to ``crm_smtp`` when the test uses it, and is off otherwise."""
    if "crm_smtp" not in request.fixturenames:
        return _settings_in(tmp_path, crm_database_url)
    smtp: SmtpServer = request.getfixturevalue("crm_smtp")
    return _settings_in(tmp_path, crm_database_url, smtp_url=smtp.url, smtp_from=SMTP_SENDER, base_url=SMTP_BASE_URL)


@pytest_asyncio.fixture
async def crm_app(crm_settings: Settings, crm_plugins: list[Any], crm_engine: Engine) -> Litestar:
    """The app, built with exactly ``crm_plugins`` (all enabled), on the test database."""
    from crm_platform.app import create_app
    from crm_platform.instance import plugins as plugin_state

    app = create_app(crm_settings, plugins=crm_plugins, engine=crm_engine)
    slugs = {spec[0] if isinstance(spec, tuple) else spec for spec in crm_plugins}
    await plugin_state.load(runtime.current().host, slugs)
    return app


UserFactory = Callable[..., Awaitable[tuple[Principal, str]]]


@pytest_asyncio.fixture
async def crm_make_user(crm_app: Litestar) -> UserFactory:
    """``await crm_make_user(email, role="member", team=None)`` -> (principal, API token)."""
    from crm_platform.users import service

    async def make(email: str, role: str = "member", team: str | None = None) -> tuple[Principal, str]:
        principal = await service.create_user(email, DEFAULT_PASSWORD, role=role, team=team)
        return principal, await service.create_token(email)

    return make


@pytest_asyncio.fixture
async def crm_admin(crm_make_user: UserFactory) -> tuple[Principal, str]:
    return await crm_make_user("admin@example.com", role="admin")


@pytest_asyncio.fixture
async def crm_running_app(crm_app: Litestar) -> AsyncIterator[Litestar]:
    """The app with its start-up done, serving in the test's own event loop."""
    # Litestar's lifespan() holds an anyio task group, which cannot span a fixture's setup
    # and teardown; the hooks themselves are all that is needed.
    for hook in crm_app.on_startup:
        await hook()
    yield crm_app
    for hook in crm_app.on_shutdown:
        await hook()


def client_for(app: Litestar, token: str | None = None) -> httpx.AsyncClient:
    """An in-process client, signed in with ``token`` if given::

        async with client_for(crm_running_app, token) as client: ...
    """
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # httpx's ASGI transport runs the app in this event loop, like the database pool.
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


@contextlib.asynccontextmanager
async def signed_in(app: Litestar, email: str, password: str = DEFAULT_PASSWORD) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client of ``email``, signed in through the login form (so it carries the
    session cookie, as a browser does); ``client.csrf(html)`` reads a page's CSRF token::

        async with signed_in(crm_running_app, "ada@example.com") as client: ...
    """
    async with client_for(app) as client:
        form = await client.get("/login")
        await client.post(
            "/login", data={"email": email, "password": password, "_csrf_token": _csrf_in(form.text), "next": "/"}
        )
        client.csrf = _csrf_in  # type: ignore[attr-defined]
        yield client


def _csrf_in(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    if found is None:
        raise AssertionError("the page has no CSRF token")
    return found.group(1)


@pytest_asyncio.fixture
async def crm_client(crm_running_app: Litestar, crm_admin: tuple[Principal, str]) -> AsyncIterator[httpx.AsyncClient]:
    """An API client signed in as an admin."""
    async with client_for(crm_running_app, crm_admin[1]) as client:
        yield client


@pytest_asyncio.fixture
async def crm_anonymous_client(crm_running_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A client that is not signed in."""
    async with client_for(crm_running_app) as client:
        yield client


# --- cross-team access ------------------------------------------------------------------------


async def assert_hidden_from(client: httpx.AsyncClient, url: str, *secrets: str) -> httpx.Response:
    """Assert that ``client`` cannot read ``url`` (an API path or a page): the answer is a
    403 or a 404, and none of ``secrets`` (a name, an email ...) appears in it. Returns the
    response::

        await assert_hidden_from(member_client, f"/api/v1/sales/deals/{deal['id']}", "Big deal")
    """
    response = await client.get(url)
    assert response.status_code in (403, 404), f"{url} answered {response.status_code}, not 403 or 404"
    for secret in secrets:
        assert secret not in response.text, f"{url} refused, but its answer shows {secret!r}"
    return response


async def assert_names_hidden(client: httpx.AsyncClient, url: str, *names: str) -> httpx.Response:
    """Assert that ``client`` reads ``url`` (200) without seeing any of ``names``: the records
    it embeds (linked companies, contacts, a timeline's records) that are hidden from the
    client keep their names to themselves. Returns the response."""
    response = await client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}: {response.text[:300]}"
    for name in names:
        assert name not in response.text, f"{url} shows {name!r}, a record hidden from this client"
    return response


# --- jobs and the clock ------------------------------------------------------------------------


class ControlledClock:
    """The platform's clock, standing still for one test until it is set or advanced."""

    def now(self) -> dt.datetime:
        return clock.now()

    def set(self, moment: dt.datetime) -> dt.datetime:
        """Stand the clock at ``moment`` (a time without a zone is UTC); returns it in UTC."""
        clock.freeze(moment)
        return clock.now()

    def advance(self, **delta: float) -> dt.datetime:
        """Move the clock on by ``timedelta(**delta)``, e.g. ``advance(hours=2)``; returns the new time."""
        clock.freeze(clock.now() + dt.timedelta(**delta))
        return clock.now()


@pytest.fixture
def crm_clock() -> Iterator[ControlledClock]:
    """The clock stood still at the real time; ``set`` and ``advance`` move it."""
    clock.freeze(clock.now())
    try:
        yield ControlledClock()
    finally:
        clock.freeze(None)


JobsRunner = Callable[[], Awaitable[list["JobOutcome"]]]


@pytest_asyncio.fixture
async def crm_run_jobs(crm_app: Litestar) -> JobsRunner:
    """``await crm_run_jobs()``: run what is due at the clock's minute and what is waiting,
    in this process and database; returns a ``JobOutcome`` per run."""
    from crm_platform.jobs.due import run_due_jobs

    return run_due_jobs


@pytest_asyncio.fixture
async def crm_manager(crm_make_user: UserFactory) -> tuple[Principal, str]:
    """A manager in the team ``TEST_TEAM`` (managers see every record)."""
    return await crm_make_user("manager@example.com", role="manager", team=TEST_TEAM)


@pytest_asyncio.fixture
async def crm_member(crm_make_user: UserFactory) -> tuple[Principal, str]:
    """A member of the team ``TEST_TEAM``: sees what they or their team own."""
    return await crm_make_user("member@example.com", role="member", team=TEST_TEAM)


@pytest_asyncio.fixture
async def crm_manager_client(
    crm_running_app: Litestar, crm_manager: tuple[Principal, str]
) -> AsyncIterator[httpx.AsyncClient]:
    """An API client signed in as ``crm_manager``."""
    async with client_for(crm_running_app, crm_manager[1]) as client:
        yield client


@pytest_asyncio.fixture
async def crm_member_client(
    crm_running_app: Litestar, crm_member: tuple[Principal, str]
) -> AsyncIterator[httpx.AsyncClient]:
    """An API client signed in as ``crm_member``."""
    async with client_for(crm_running_app, crm_member[1]) as client:
        yield client


PluginSwitch = Callable[[str], Awaitable[None]]


async def _switch_plugin(slug: str, *, enabled: bool) -> None:
    from crm_platform.instance import plugins as plugin_state

    host = runtime.current().host
    await plugin_state.set_enabled(host, slug, enabled)
    # Reread the stored choices now, as every process does within a couple of seconds.
    host.enabled_read_at = 0.0
    await plugin_state.refresh(host)


@pytest_asyncio.fixture
async def crm_enable_plugin(crm_app: Litestar) -> PluginSwitch:
    """``await crm_enable_plugin(slug)``: switch a plugin on, as ``crm plugins enable`` does."""
    return functools.partial(_switch_plugin, enabled=True)


@pytest_asyncio.fixture
async def crm_disable_plugin(crm_app: Litestar) -> PluginSwitch:
    """``await crm_disable_plugin(slug)``: switch a plugin off; its pages and API answer 404."""
    return functools.partial(_switch_plugin, enabled=False)


CliInvoker = Callable[..., Result]


def _current_runtime() -> runtime.Runtime | None:
    try:
        return runtime.current()
    except RuntimeError:
        return None


def _reinstall(previous: runtime.Runtime) -> None:
    """Point the tables at the test's engine again (the command bound them to its own)."""
    from crm_platform._plugins.loading import database_app_modules
    from crm_platform.db.setup import configure

    configure(previous.engine, database_app_modules(previous.host))
    runtime.install(previous)
    previous.host.enabled_read_at = 0.0  # the command may have switched a plugin


@pytest.fixture
def crm_cli(crm_engine: Engine, crm_settings: Settings, crm_plugins: list[Any], tmp_path: Path) -> CliInvoker:
    """``crm_cli("plugins", "list", input=None, env=None)`` runs the ``crm`` command in-process
    on the test database with exactly ``crm_plugins``, and returns click's ``Result``.

    The command gets an engine of its own, as a separate process would, and the test's
    runtime is put back afterwards. From an async test it runs in a thread of its own
    (click's commands start their own event loop).
    """
    from crm_platform.cli import cli
    from crm_platform.composition import setup_runtime

    slugs = sorted({spec[0] if isinstance(spec, tuple) else spec for spec in crm_plugins})
    settings = dataclasses.replace(crm_settings, plugins=",".join(slugs))
    environment = {
        "CRM_DATABASE_URL": settings.database_url,
        "CRM_JOBS_URL": settings.jobs_url,
        "CRM_PLUGINS": settings.plugins,
        "CRM_CONFIG": str(tmp_path / "no-crm.toml"),
    }

    def call(args: list[str], input: str | None, env: dict[str, str | None], catch_exceptions: bool) -> Result:
        previous = _current_runtime()
        rt = setup_runtime(settings, plugins=crm_plugins)
        try:
            return CliRunner().invoke(
                cli, args, input=input, env={**environment, **env}, obj={"runtime": rt},
                catch_exceptions=catch_exceptions,
            )
        finally:
            if isinstance(rt.engine, SQLiteEngine):
                rt.engine.close()
            if previous is not None:
                _reinstall(previous)

    def invoke(
        *args: str, input: str | None = None, env: dict[str, str | None] | None = None,
        catch_exceptions: bool = False,
    ) -> Result:
        work = functools.partial(call, list(args), input, env or {}, catch_exceptions)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return work()
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            return thread.submit(work).result()

    return invoke


# --- email ------------------------------------------------------------------------------------

SMTP_SENDER = "CRM <crm@example.com>"
SMTP_BASE_URL = "http://crm.example.com"


@dataclass(frozen=True)
class ReceivedEmail:
    """One message the test's SMTP server accepted: the envelope, and the message parsed."""

    sender: str
    recipients: list[str]
    message: Any  # email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def body(self, subtype: str = "plain") -> str:
        """The ``text/plain`` (or ``"html"``) part's text."""
        part = self.message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""


@dataclass
class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 for one test. ``url`` is what
    ``CRM_SMTP_URL`` would be; ``messages`` fills as the relay accepts mail."""

    url: str
    port: int
    messages: list[ReceivedEmail] = dataclasses.field(default_factory=list)
    logins: list[str] = dataclasses.field(default_factory=list)
    make_controller: Callable[[], Any] | None = None
    controller: Any = None

    def stop(self) -> None:
        """Stop answering, as a relay that is down (``start()`` brings it back on the same port)."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def start(self) -> None:
        if self.controller is None and self.make_controller is not None:
            self.controller = self.make_controller()
            self.controller.start()

    def to(self, address: str) -> list[ReceivedEmail]:
        """The messages whose envelope names ``address``."""
        return [email for email in self.messages if address.lower() in (r.lower() for r in email.recipients)]


class _Inbox:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        from email import policy

        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.server.messages.append(ReceivedEmail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"


@contextlib.contextmanager
def smtp_server(
    folder: Path, *, security: str = "none", username: str = "", password: str = ""
) -> Iterator[SmtpServer]:
    """Serve SMTP on 127.0.0.1 while the block runs. ``security`` is ``"none"``,
    ``"starttls"`` (STARTTLS required) or ``"tls"`` (implicit), with a self-signed certificate
    written into ``folder`` and named in the URL's ``cafile``. With ``username`` and
    ``password`` the server accepts mail only after that login (set ``CRM_SMTP_PASSWORD``)."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    port = _free_port()
    query: list[str] = []
    options: dict[str, Any] = {}
    if security != "none":
        cert, key = _self_signed(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        query.append(f"cafile={cert}")
        if security == "starttls":
            options.update(tls_context=context, require_starttls=True)
            query.append("starttls=1")
        else:
            options.update(ssl_context=context)
    scheme = "smtps" if security == "tls" else "smtp"
    user = f"{urllib.parse.quote(username, safe='')}@" if username else ""
    server = SmtpServer(f"{scheme}://{user}127.0.0.1:{port}" + ("?" + "&".join(query) if query else ""), port)
    if username:
        def check(smtp: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            given = (data.login.decode(), data.password.decode())
            if given == (username, password):
                server.logins.append(given[0])
                return AuthResult(success=True)
            return AuthResult(success=False, handled=False)

        # aiosmtpd sees STARTTLS but not implicit TLS as TLS; the test server takes a login over
        # either, and over plain SMTP too (it warns): what is tested is that the client sends it.
        options.update(authenticator=check, auth_required=True, auth_require_tls=security == "starttls")
    server.make_controller = lambda: Controller(_Inbox(server), hostname="127.0.0.1", port=port, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def crm_smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that the test's instance sends through: with it,
    ``crm_settings`` sets ``smtp_url``, ``smtp_from`` (``SMTP_SENDER``) and ``base_url``
    (``SMTP_BASE_URL``), so email is on. ``crm_smtp.messages`` holds what it received."""
    with smtp_server(tmp_path) as server:
        yield server


# --- browser tests ----------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
# Headless Debian Chromium as root, with nothing reaching out to the network on its own.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


@contextlib.contextmanager
def serve(script: Path, folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Run ``python script DATABASE PORT FACTS`` in its own process, as in production, and yield
    its address and the facts (ids of what it seeded) it wrote as JSON once /health answers.

    The script migrates a fresh SQLite database in ``folder``, seeds it, writes the facts file
    and serves the app on the port.
    """
    port, facts = _free_port(), folder / "facts.json"
    log_path = folder / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(script), str(folder / "crm.sqlite3"), str(port), str(facts)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "CRM_CONFIG": str(folder / "none.toml")},
        )
        url = f"http://127.0.0.1:{port}"
        # Migrating and seeding takes 25 s on a machine at load 18; a shared CI machine can be slower.
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200 and facts.exists():
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"the app did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        try:
            yield url, json.loads(facts.read_text())
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (a downloaded browser does not work here); skips
    the test, saying why, when it is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


# The IMAP server lives beside the kit; importing its fixture here registers it with pytest.
from crm_platform.testing_imap import IMAP_PASSWORD, IMAP_USER, ImapServer, crm_imap, imap_server  # noqa: E402,F401
