"""What every command shares: the runtime of this invocation, async calls whose errors
become one-line messages instead of tracebacks, and the user a command acts as."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.db.engine import PostgresEngine, SQLiteEngine
from crm_platform.errors import CrmError, Invalid
from crm_platform.instance import plugins as plugin_state

T = TypeVar("T")


def get_runtime() -> runtime.Runtime:
    """Settings, engine and plugins of this invocation, built once per command line."""
    context = click.get_current_context()
    root = context.find_root()
    root.ensure_object(dict)
    if "runtime" not in root.obj:
        from crm_platform.composition import setup_runtime

        try:
            root.obj["runtime"] = setup_runtime()
        except ValueError as exc:  # bad crm.toml, CRM_* value or database URL
            raise click.ClickException(str(exc)) from None
        root.call_on_close(lambda: _close(root.obj["runtime"]))
    return runtime.install(root.obj["runtime"])


def _close(rt: runtime.Runtime) -> None:
    if isinstance(rt.engine, SQLiteEngine):
        rt.engine.close()


def message_for(exc: CrmError) -> str:
    if isinstance(exc, Invalid):
        return "; ".join(f"{field}: {problem}" for field, problem in sorted(exc.errors.items()))
    return exc.message


def _not_migrated(exc: Exception) -> bool:
    text = str(exc)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def run(work: Callable[[], Awaitable[T]], *, load_plugins: bool = True) -> T:
    """Run ``work()`` with the database open and the stored plugin choices loaded."""
    rt = get_runtime()

    async def main() -> T:
        if isinstance(rt.engine, PostgresEngine):
            await rt.engine.start()
        try:
            if load_plugins:
                await plugin_state.load(rt.host, rt.settings.plugins_to_enable)
            return await work()
        finally:
            if isinstance(rt.engine, PostgresEngine):
                await rt.engine.stop()

    try:
        return asyncio.run(main())
    except CrmError as exc:
        raise click.ClickException(message_for(exc)) from None
    except (sqlite3.Error, OSError) as exc:
        raise click.ClickException(_database_problem(rt, exc)) from None
    except Exception as exc:
        if _not_migrated(exc) or type(exc).__module__.startswith("asyncpg"):
            raise click.ClickException(_database_problem(rt, exc)) from None
        raise


def _database_problem(rt: runtime.Runtime, exc: Exception) -> str:
    url = rt.settings.database_url
    if _not_migrated(exc):
        return f"the database {url} is not set up ({exc}); run `crm migrate` first"
    return f"the database {url} cannot be used: {type(exc).__name__}: {exc}"


async def acting_user(email: str | None) -> Principal | None:
    """The user a command acts as: the one with ``email`` (``--user``), else the first admin."""
    from crm_platform.db.raw import fetch
    from crm_platform.users.service import principal_for_user_id

    if email:
        rows = await fetch("SELECT id FROM crm_user WHERE lower(email) = {}", email.lower())
        if not rows:
            raise click.ClickException(f"no user has the email {email}")
    else:
        rows = await fetch("SELECT id FROM crm_user WHERE role = 'admin' ORDER BY id LIMIT 1")
        if not rows:
            raise click.ClickException("there is no admin yet; create one, or name a user with --user")
    return await principal_for_user_id(rows[0]["id"])
