"""Events wait for the outermost commit, and vanish with a rollback."""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import hookimpl
from crm_hookspecs.events import ContactCreated

from crm_platform.db.unit import unit_of_work

received: list = []


@hookimpl
def crm_event(event):
    received.append(event)


listener = types.ModuleType("listener")
listener.crm_event = crm_event


@pytest.fixture
def crm_plugins():
    return [("listener", listener)]


@pytest.fixture(autouse=True)
def fresh_inbox():
    received.clear()


async def test_a_nested_unit_of_work_delivers_nothing_when_the_outer_one_rolls_back(crm_running_app):
    with pytest.raises(RuntimeError):
        async with unit_of_work():
            async with unit_of_work() as inner:
                inner.emit(ContactCreated(actor_id=None, contact_id=1))
            raise RuntimeError("the outer transaction rolls back")
    assert received == []


async def test_a_nested_unit_of_work_delivers_after_the_outer_commit(crm_running_app):
    async with unit_of_work():
        async with unit_of_work() as inner:
            inner.emit(ContactCreated(actor_id=None, contact_id=2))
        assert received == []
    assert [event.contact_id for event in received] == [2]


async def test_after_commit_steps_run_once_the_outermost_commits_and_never_on_a_rollback(crm_running_app):
    ran: list[str] = []
    async with unit_of_work():
        async with unit_of_work() as inner:
            inner.after_commit(lambda: ran.append("committed"))
        assert ran == []
    assert ran == ["committed"]
    with pytest.raises(RuntimeError):
        async with unit_of_work() as work:
            work.after_commit(lambda: ran.append("rolled back"))
            raise RuntimeError("rolls back")
    assert ran == ["committed"]
