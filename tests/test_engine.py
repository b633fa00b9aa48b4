"""The SQLite engine reuses its connections, keeps one writer, and rolls back cleanly."""

from __future__ import annotations

import asyncio

import pytest

from crm_platform.contacts.tables import Contact
from crm_platform.db.engine import SQLiteEngine, make_engine
from crm_platform.db.setup import configure, migrate


@pytest.fixture
async def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    configure(engine)
    await migrate()
    yield engine
    engine.close()


async def test_queries_reuse_the_same_two_connections(engine: SQLiteEngine):
    await Contact.insert(Contact(display_name="Ada"))
    reader, writer = engine.reader(), engine._writer_connection()
    for _ in range(20):
        await Contact.select().where(Contact.display_name == "Ada").first()
        await Contact.update({Contact.job_title: "CTO"}).where(Contact.display_name == "Ada")
    assert engine.reader() is reader
    assert engine._writer_connection() is writer


async def test_sqlite_runs_in_wal_mode(engine: SQLiteEngine):
    assert engine.read("PRAGMA journal_mode")[0]["journal_mode"] == "wal"


async def test_commits_reach_the_database_file_without_waiting_for_the_log_to_fill(engine: SQLiteEngine, tmp_path):
    database = tmp_path / "crm.sqlite3"
    engine.close()  # the last connection to close checkpoints: everything so far is in the file
    size = database.stat().st_size
    async with engine.transaction():
        await Contact.insert(*[Contact(display_name=f"Contact {number}", job_title="x" * 200) for number in range(300)])
    # A commit of a few dozen pages: SQLite alone would leave them in the log up to 1,000 pages.
    for _ in range(200):
        if database.stat().st_size > size:
            break
        await asyncio.sleep(0.05)
    assert database.stat().st_size > size
    assert await Contact.count() == 300


async def test_a_failed_transaction_leaves_nothing_behind(engine: SQLiteEngine):
    with pytest.raises(RuntimeError):
        async with engine.transaction():
            await Contact.insert(Contact(display_name="Half-written"))
            raise RuntimeError("boom")
    assert await Contact.count() == 0
    async with engine.transaction():
        await Contact.insert(Contact(display_name="Whole"))
    assert await Contact.count() == 1


async def test_concurrent_transactions_take_turns_instead_of_failing(engine: SQLiteEngine):
    async def write(index: int) -> None:
        async with engine.transaction():
            count = await Contact.count()
            await asyncio.sleep(0)  # give the others a chance to interleave
            await Contact.insert(Contact(display_name=f"Contact {count}"))

    await asyncio.gather(*(write(index) for index in range(20)))
    names = {row["display_name"] for row in await Contact.select(Contact.display_name)}
    assert names == {f"Contact {index}" for index in range(20)}


def test_an_unsupported_database_url_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="unsupported scheme 'mysql'"):
        make_engine("mysql://localhost/crm")

