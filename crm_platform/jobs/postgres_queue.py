"""The queue's storage on PostgreSQL: huey's own SQL storage (``huey.contrib.sql_huey``, over
peewee and psycopg), with its four tables in a schema of their own, ``crm_queue``.

Workers take tasks with ``SELECT ... FOR UPDATE SKIP LOCKED`` (huey's SQL storage does so on
PostgreSQL), so several ``crm worker`` processes on several machines share one queue without
taking a task twice. The tables sit outside ``public`` so that they never meet the core's or a
plugin's tables, which the migrations own; the queue makes them itself the first time it is
used, as huey's SQLite storage does with its file.
"""

from __future__ import annotations

import functools

from huey import Huey
from huey.contrib.sql_huey import SqlStorage
from peewee import PostgresqlDatabase

SCHEMA = "crm_queue"
# Any fixed number: processes starting together take turns at creating the schema and tables.
_CREATE_LOCK = 0x63726D71  # "crmq"


class _Storage(SqlStorage):
    def create_tables(self) -> None:
        # CREATE ... IF NOT EXISTS still fails when two sessions create the same name at once.
        with self.database.atomic():
            self.database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_CREATE_LOCK,))
            # Even CREATE SCHEMA IF NOT EXISTS needs CREATE on the database, which an application
            # role without it (docs/deployment.md, "Database roles") lacks: it uses one made for it.
            found = self.database.execute_sql("SELECT 1 FROM pg_namespace WHERE nspname = %s", (SCHEMA,))
            if found.fetchone() is None:
                self.database.execute_sql(f'CREATE SCHEMA "{SCHEMA}"')
            self.database.create_tables([self.KV, self.Schedule, self.Task, self.Counter])


@functools.cache
def _database(url: str) -> PostgresqlDatabase:
    """One peewee database per URL and process: each thread gets its own connection from it,
    and queues built for several runtimes of one process (tests) share them. The connections
    look in ``crm_queue`` first, so huey's unqualified table names resolve there."""
    return PostgresqlDatabase(url, options=f"-c search_path={SCHEMA}")


def postgres_huey(name: str, jobs_url: str) -> Huey:
    """A huey on the PostgreSQL database ``jobs_url`` (``postgresql://`` or ``postgres://``),
    as ``huey.contrib.sql_huey.SqlHuey`` builds it, with the tables in ``crm_queue``."""
    url = "postgresql://" + jobs_url.split("://", 1)[1]
    return Huey(name, storage_class=_Storage, database=_database(url), results=False)
