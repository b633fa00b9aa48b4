"""Database engines: Piccolo's, made to reuse connections.

Piccolo's stock SQLite engine opens a new connection for every query, which caps a one-row
endpoint at a few hundred requests a second. :class:`SQLiteEngine` keeps two connections
for the life of the process instead:

* a *reader* used directly on the event loop thread: a WAL read of cached pages takes
  microseconds, less than the cost of handing it to another thread;
* a *writer* owned by one thread, behind an asyncio lock, so this process is SQLite's single
  writer and a busy wait on another process (the worker) never blocks the event loop.

Every transaction is ``BEGIN IMMEDIATE``: with one writer there is nothing to gain from
deferring, and a deferred transaction that upgrades to a write can fail with "database is
locked" instead of waiting.

A third connection, on a thread of its own, checkpoints: it copies committed pages from the
write-ahead log into the database file, which SQLite would otherwise do inside the commit
that fills the log past 1,000 pages, making that commit (a request, or a batch of a bulk
load) wait for it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from piccolo.engine.postgres import PostgresEngine as _PiccoloPostgresEngine
from piccolo.engine.sqlite import SQLiteEngine as _PiccoloSQLiteEngine
from piccolo.engine.sqlite import SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

READ_QUERY_TYPES = frozenset({"select", "count", "exists", "objects", "table_exists"})
BUSY_TIMEOUT_SECONDS = 30.0
WRITER_SWITCH_INTERVAL_SECONDS = 0.0005
WRITER_CACHE_KIB = 256 * 1024  # a ceiling: SQLite allocates pages as it reads them
CHECKPOINT_INTERVAL_SECONDS = 0.5
# Should the checkpointer fall behind, the writer checkpoints in its commit again from this
# size of log on (64k pages of 4 KiB), as SQLite does from 1,000 pages by default.
WRITER_CHECKPOINT_BACKSTOP_PAGES = 65_536

log = logging.getLogger(__name__)


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_SECONDS,
        detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
        isolation_level=None,
        check_same_thread=False,
    )
    connection.row_factory = dict_factory
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA cache_size = -65536")  # 64 MiB of page cache per connection
    connection.execute("PRAGMA temp_store = MEMORY")
    return connection


def _run_each(connection: sqlite3.Connection, statements: list[tuple[str, list[Any]]]) -> None:
    for sql, args in statements:
        connection.execute(sql, args)


class _Checkpointer:
    """Checkpoints the database on its own thread and connection, at most once an interval,
    after the writer asks for it (a passive checkpoint never blocks the writer or readers)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpointer", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._wanted.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wanted.set()
        self._thread.join()

    def _run(self) -> None:
        connection = _connect(self._path)
        try:
            while not self._stopping.is_set():
                self._wanted.wait()
                self._wanted.clear()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # another process checkpointing, a full disk: try again later
                    log.warning("checkpoint of %s failed: %s", self._path, exc)
                self._stopping.wait(CHECKPOINT_INTERVAL_SECONDS)
        finally:
            connection.close()


class _WriterConnection:
    """The writer, seen from a transaction: Piccolo's savepoints call ``execute`` on it."""

    def __init__(self, engine: SQLiteEngine) -> None:
        self.engine = engine

    async def execute(self, sql: str, args: list[Any] | tuple[Any, ...] = ()) -> list[dict]:
        return await self.engine._write(sql, list(args))

    async def close(self) -> None:
        self.engine._release_writer()


class _ImmediateTransaction(SQLiteTransaction):
    async def get_connection(self) -> _WriterConnection:  # type: ignore[override]
        await self.engine._acquire_writer()
        return _WriterConnection(self.engine)

    async def begin(self) -> None:
        try:
            await self.connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            await self.connection.close()
            raise


class SQLiteEngine(_PiccoloSQLiteEngine):
    """Piccolo's SQLite engine with one reused reader and one reused writer connection."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(path=path, **kwargs)
        self.statements_run = 0
        self._reader: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None
        self._writer_thread: ThreadPoolExecutor | None = None
        self._checkpointer: _Checkpointer | None = None
        self._write_lock: asyncio.Lock | None = None
        self._write_lock_loop: asyncio.AbstractEventLoop | None = None

    # --- connections ---------------------------------------------------------------------

    def reader(self) -> sqlite3.Connection:
        if self._reader is None:
            self._reader = _connect(self.path)
        return self._reader

    def _writer_connection(self) -> sqlite3.Connection:
        if self._writer is None:
            self._writer = _connect(self.path)
            # A batch of a bulk load dirties pages all over the large indexes; pages that do not
            # fit are spilled to the WAL mid-transaction and written again at commit.
            self._writer.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            self._writer.execute(f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_BACKSTOP_PAGES}")
            self._checkpointer = _Checkpointer(self.path)
        return self._writer

    def _writer_executor(self) -> ThreadPoolExecutor:
        if self._writer_thread is None:
            # The writer runs each statement without the GIL and needs it back for a moment
            # after. While the event loop (or a bulk load building rows) holds the GIL, the
            # writer waits up to the switch interval for it: 5 ms by default, a few per batch.
            sys.setswitchinterval(min(sys.getswitchinterval(), WRITER_SWITCH_INTERVAL_SECONDS))
            self._writer_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        return self._writer_thread

    def _lock(self) -> asyncio.Lock:
        # asyncio.Lock binds to the loop that first waits on it; tests run several loops.
        loop = asyncio.get_running_loop()
        if self._write_lock is None or self._write_lock_loop is not loop:
            self._write_lock = asyncio.Lock()
            self._write_lock_loop = loop
        return self._write_lock

    async def _acquire_writer(self) -> None:
        await self._lock().acquire()

    def _release_writer(self) -> None:
        if self._write_lock is not None and self._write_lock.locked():
            self._write_lock.release()

    def close(self) -> None:
        """Close the connections and threads; the next query opens them again."""
        if self._writer_thread is not None:
            self._writer_thread.shutdown(wait=True)
            self._writer_thread = None
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        for connection in (self._reader, self._writer):
            if connection is not None:
                connection.close()
        self._reader = self._writer = None

    # --- running statements ----------------------------------------------------------------

    def _execute(self, connection: sqlite3.Connection, sql: str, args: list[Any]) -> list[dict]:
        self.statements_run += 1
        return connection.execute(sql, args).fetchall()

    def read(self, sql: str, args: list[Any] | tuple[Any, ...] = ()) -> list[dict]:
        """Run a read-only statement on the reader, outside any transaction."""
        _count_for_request()
        return self._execute(self.reader(), sql, list(args))

    async def _write(self, sql: str, args: list[Any]) -> list[dict]:
        _count_for_request()
        loop = asyncio.get_running_loop()
        rows = await loop.run_in_executor(self._writer_executor(), self._execute, self._writer_connection(), sql, args)
        if self._checkpointer is not None:
            self._checkpointer.request()
        return rows

    async def write(self, sql: str, args: list[Any] | tuple[Any, ...] = ()) -> list[dict]:
        """Run one statement on the writer: inside the current transaction, or on its own."""
        if self.current_transaction.get() is not None:
            return await self._write(sql, list(args))
        async with self._lock():
            return await self._write(sql, list(args))

    def start_writes(self, statements: list[tuple[str, list[Any]]]) -> asyncio.Future[None]:
        """Queue ``statements`` on the writer thread and return at once; the future ends when
        they have run. For bulk paths, inside a transaction: the writer runs its queue in order."""
        self.statements_run += len(statements)
        _count_for_request(len(statements))
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self._writer_executor(), _run_each, self._writer_connection(), statements)

    @property
    def max_variables(self) -> int:
        """How many ``?`` one statement may hold (32,766 in a stock SQLite since 3.32)."""
        return self._writer_connection().getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> list[dict]:
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=str(querystring))
        in_transaction = self.current_transaction.get() is not None
        if querystring.query_type in READ_QUERY_TYPES and not in_transaction:
            return self.read(query, args)
        return await self.write(query, args)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> list[dict]:
        return await self.write(ddl)

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return _ImmediateTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)


class PostgresEngine(_PiccoloPostgresEngine):
    """Piccolo's PostgreSQL engine with a statement counter, for query-count tests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements_run = 0

    async def start(self) -> None:
        if self.pool is None:
            await self.start_connection_pool()

    async def stop(self) -> None:
        if self.pool is not None:
            await self.close_connection_pool()

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        self.statements_run += 1
        _count_for_request()
        return await super().run_querystring(querystring, in_pool=in_pool)

    async def run_ddl(self, ddl: str, in_pool: bool = True) -> Any:
        self.statements_run += 1
        _count_for_request()
        return await super().run_ddl(ddl, in_pool=in_pool)


Engine = SQLiteEngine | PostgresEngine

# The statements of the request being served, counted into a one-item list the metrics
# middleware sets; the engines' own ``statements_run`` mixes every request in flight.
request_statements: ContextVar[list[int] | None] = ContextVar("request_statements", default=None)


def _count_for_request(count: int = 1) -> None:
    holder = request_statements.get()
    if holder is not None:
        holder[0] += count


def make_engine(url: str) -> Engine:
    """Build an engine from ``sqlite:///relative/path``, ``sqlite:////abs/path`` or
    ``postgresql://user@host:port/db``."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        if not path:
            raise ValueError("CRM_DATABASE_URL: sqlite:/// needs a file path, e.g. sqlite:///var/crm.sqlite3")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=path)
    if parsed.scheme in ("postgres", "postgresql"):
        return PostgresEngine(config={"dsn": url})
    raise ValueError(f"CRM_DATABASE_URL: unsupported scheme {parsed.scheme!r}; use sqlite:/// or postgresql://")


def is_sqlite(engine: object) -> bool:
    return isinstance(engine, _PiccoloSQLiteEngine)
