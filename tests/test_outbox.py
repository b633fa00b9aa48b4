"""Events go through an outbox written with the change: a process killed after the commit and
before the delivery loses none of them, and the worker delivers each to each listener once."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from crm_hookspecs.events import ContactCreated
from crm_testplugin import events as probe_events

from crm_platform.db.raw import fetch
from crm_platform.outbox.delivery import deliver_pending

pytestmark = pytest.mark.postgres

# Creates a contact as the given user and dies by SIGKILL once the transaction has committed,
# before the unit of work hands its events to the listeners.
KILLED_WRITER = textwrap.dedent("""
    import asyncio, os, signal, sys

    from crm_platform.composition import setup_runtime
    from crm_platform.contacts import service as contacts
    from crm_platform.contacts.schemas import ContactIn
    from crm_platform.db.engine import PostgresEngine
    from crm_platform.db.unit import unit_of_work
    from crm_platform.instance import plugins as plugin_state
    from crm_platform.users import service as users


    async def main() -> None:
        rt = setup_runtime()
        if isinstance(rt.engine, PostgresEngine):
            await rt.engine.start()
        await plugin_state.load(rt.host, rt.settings.plugins_to_enable)
        principal = await users.principal_for_user_id(int(sys.argv[1]))
        async with unit_of_work() as work:
            created = await contacts.create(principal, ContactIn(given_name="Killed", family_name="Writer"))
            print(created["id"], flush=True)
            work.after_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
        print("delivered", flush=True)


    asyncio.run(main())
""")


@pytest.fixture
def crm_plugins():
    return ["probe"]


def _killed_writer(database_url: str, tmp_path: Path, user_id: int) -> subprocess.CompletedProcess:
    environment = {**os.environ, "CRM_DATABASE_URL": database_url, "CRM_PLUGINS": "probe",
                   "CRM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}", "CRM_CONFIG": str(tmp_path / "none.toml")}
    return subprocess.run([sys.executable, "-c", KILLED_WRITER, str(user_id)], env=environment, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)


def _created(contact_id: int) -> list[ContactCreated]:
    return [event for event in probe_events.RECEIVED
            if isinstance(event, ContactCreated) and event.contact_id == contact_id]


async def test_events_a_killed_process_committed_reach_each_listener_once(
    crm_client, crm_admin, crm_database_url, tmp_path
):
    finished = await asyncio.to_thread(_killed_writer, crm_database_url, tmp_path, crm_admin[0].id)
    assert finished.returncode == -signal.SIGKILL, finished.stderr
    assert "delivered" not in finished.stdout
    contact_id = int(finished.stdout.split()[0])
    # The change committed, and its events wait in the outbox.
    assert [row["display_name"] for row in await fetch("SELECT display_name FROM crm_contact WHERE id = {}",
                                                        contact_id)] == ["Killed Writer"]
    assert await fetch("SELECT event_id FROM crm_outbox")
    probe_events.forget()

    # Within the writer's claim the worker leaves them alone: it might still deliver them itself.
    assert await deliver_pending() == 0
    assert _created(contact_id) == []

    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    # Two workers at once still deliver each event to the listener once.
    delivered = await asyncio.gather(deliver_pending(later), deliver_pending(later))
    assert sum(delivered) >= 1
    assert [event.actor_id for event in _created(contact_id)] == [crm_admin[0].id]
    assert await fetch("SELECT event_id FROM crm_outbox") == []
    assert await deliver_pending(later) == 0
    assert len(_created(contact_id)) == 1


async def test_events_delivered_in_process_leave_the_outbox_empty(crm_client):
    probe_events.forget()
    response = await crm_client.post("/api/v1/contacts", json={"given_name": "Delivered"})
    assert response.status_code == 201
    assert len(_created(response.json()["id"])) == 1
    assert await fetch("SELECT event_id FROM crm_outbox") == []
    assert await deliver_pending(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)) == 0
    assert len(_created(response.json()["id"])) == 1


async def test_a_rolled_back_unit_leaves_no_event(crm_client):
    probe_events.forget()
    from crm_platform.db.unit import unit_of_work

    with pytest.raises(RuntimeError):
        async with unit_of_work() as work:
            work.emit(ContactCreated(actor_id=None, contact_id=999_999))
            raise RuntimeError("changed my mind")
    assert await fetch("SELECT event_id FROM crm_outbox") == []
    assert _created(999_999) == []
